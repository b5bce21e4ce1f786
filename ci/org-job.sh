#!/usr/bin/env bash
# One org's Email privacy job, the same in GitHub Actions and on a laptop (docs/many-orgs.md):
#
#   ci/org-job.sh ORG configure   the flow as a dry run, then for real (EMAIL_PRIVACY_DRY_RUN=true: dry run only)
#   ci/org-job.sh ORG verify      verify_email_privacy alone (after the API-request check)
#
# The org is reached as CumulusCI documents for CI: CUMULUSCI_ORG_<ORG> holding username and instance_url
# (built here from EMAIL_PRIVACY_USERNAME and EMAIL_PRIVACY_INSTANCE_URL unless already set), with
# SFDX_CLIENT_ID and SFDX_HUB_KEY for the JWT flow. Before any change the org's remaining daily API requests
# are read (check_api_requests): below EMAIL_PRIVACY_MIN_API_REQUESTS (default 1000) the org is skipped,
# nothing changed or verified, and the job says so and exits 0. Writes EMAIL_PRIVACY_RESULTS/ORG/ (default
# results/ORG): report.json (the verification), api-requests.json, job.json (mode, exit status, times),
# junit.xml, summary.md and cci.log, owner-only; appends the summary to GITHUB_STEP_SUMMARY when set
# (ci/fleet_report.py reads a folder of these). Exits non-zero when the org is not configured. Never prints
# a credential.
set -euo pipefail
umask 077

die() { echo "ci/org-job.sh: $*" >&2; exit 2; }

[ $# -eq 2 ] || die "usage: ci/org-job.sh ORG configure|verify"
org=$1
mode=$2
[[ $org =~ ^[a-z][a-z0-9_]{0,39}$ ]] || die "ORG '$org' is not allowed: lower-case letters, digits and _, from a letter"
case $mode in configure | verify) ;; *) die "MODE '$mode' is not allowed: configure or verify" ;; esac
case ${EMAIL_PRIVACY_DRY_RUN:-false} in true | false) ;; *) die "EMAIL_PRIVACY_DRY_RUN must be true or false" ;; esac
min_api=${EMAIL_PRIVACY_MIN_API_REQUESTS:-1000}
[[ $min_api =~ ^[0-9]{1,8}$ ]] || die "EMAIL_PRIVACY_MIN_API_REQUESTS '$min_api' is not allowed: a whole number of requests"
[ -n "${SFDX_CLIENT_ID:-}" ] || die "SFDX_CLIENT_ID is empty: set the org's client_id_secret in the repository's secrets"
[ -n "${SFDX_HUB_KEY:-}" ] || die "SFDX_HUB_KEY is empty: set the org's private_key_secret in the repository's secrets"

org_var="CUMULUSCI_ORG_${org}"
if [ -z "${!org_var:-}" ]; then
    [ -n "${EMAIL_PRIVACY_USERNAME:-}" ] || die "EMAIL_PRIVACY_USERNAME is empty: give the org's username"
    [[ ${EMAIL_PRIVACY_INSTANCE_URL:-} =~ ^https://[^/[:space:]]+/?$ ]] ||
        die "EMAIL_PRIVACY_INSTANCE_URL must be the org's https:// URL"
    # JSON built by Python so a username with quotes or backslashes stays one string.
    export "$org_var=$(python3 -c 'import json, os; print(json.dumps({"username": os.environ["EMAIL_PRIVACY_USERNAME"], "instance_url": os.environ["EMAIL_PRIVACY_INSTANCE_URL"]}))')"
fi

cd "$(dirname "$0")/.."
# CI logs are not terminals: without a width, cci's tables wrap at 80 columns.
export COLUMNS="${COLUMNS:-160}"
results="${EMAIL_PRIVACY_RESULTS:-results}/$org"
mkdir -p "$results"
rm -f "$results/junit.xml" "$results/summary.md" "$results/report.json" "$results/api-requests.json" "$results/job.json"
log="$results/cci.log"
: >"$log"
started_at=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)

# Each cci command gets a new, empty HOME: no org saved by an earlier command can shadow CUMULUSCI_ORG_<ORG>
# (a saved org wins over the variable), what cci saves is encrypted with a key of this command and removed
# after it, and the timestamp file stops cci asking PyPI for a newer version.
run_cci() {
    local home rc=0
    home=$(mktemp -d)
    mkdir "$home/.cumulusci"
    echo 99999999999 >"$home/.cumulusci/cumulus_timestamp"
    echo "\$ cci $*" | tee -a "$log"
    HOME=$home CUMULUSCI_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(8))') \
        "${CCI:-cci}" "$@" </dev/null 2>&1 | tee -a "$log" || rc=$?
    rm -rf "$home"
    return "$rc"
}

# Each flow's first step reads the org's remaining daily API requests and stops the flow, changing nothing,
# below the minimum (cumulusci.yml: fleet_configure_org, fleet_verify_org).
check=(-o check_api_requests__minimum "$min_api" -o check_api_requests__report "$results/api-requests.json")
outputs=(-o verify_email_privacy__junit "$results/junit.xml" -o verify_email_privacy__summary "$results/summary.md"
    -o verify_email_privacy__report "$results/report.json")
dry=(-o check_email_privacy_prerequisites__dry_run true)
status=0
case $mode in
    configure)
        if [ "${EMAIL_PRIVACY_DRY_RUN:-false}" = true ]; then
            run_cci flow run fleet_configure_org --org "$org" "${check[@]}" "${dry[@]}" "${outputs[@]}" || status=$?
        else
            run_cci flow run fleet_configure_org --org "$org" "${check[@]}" "${dry[@]}" || status=$?
            if [ "$status" -eq 0 ]; then
                run_cci flow run fleet_configure_org --org "$org" "${check[@]}" "${outputs[@]}" || status=$?
            fi
        fi
        ;;
    verify)
        run_cci flow run fleet_verify_org --org "$org" "${check[@]}" "${outputs[@]}" || status=$?
        ;;
esac

# An org with too few API requests left is skipped, not failed (what check_api_requests read says so); the
# job's record (job.json) is written either way.
status=$(python3 ci/job_record.py "$results" "$org" "$mode" "${EMAIL_PRIVACY_DRY_RUN:-false}" "$status" "$started_at")

if [ ! -f "$results/summary.md" ]; then
    printf '### Email privacy: %s was not verified\n\nThe %s run stopped before verification (exit %s): see %s.\n' \
        "$org" "$mode" "$status" "$log" >"$results/summary.md"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$results/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
exit "$status"
