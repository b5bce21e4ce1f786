#!/usr/bin/env bash
# The scratch-org path offline: a local Dev Hub, the real sf logged in to it, then the real cci makes a
# scratch org from orgs/dev_person_accounts.json, runs the flow on it and deletes it (docs/scratch-orgs.md).
# DEV_ORG=1 also runs CumulusCI's dev_org flow on the scratch org. Usage: scripts/scratch-orgs-offline.sh [CONFIG]
# Everything lives in a temporary folder (HOME included) removed at the end; no token is printed or kept.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
SF_BIN="$REPO/build/sf/node_modules/.bin"
CONFIG=${1:-dev_person_accounts}
[ -x "$SF_BIN/sf" ] || { echo "build/sf is missing: run make build/sf/.installed (needs node and npm)" >&2; exit 2; }
WORK=$(mktemp -d -t email-privacy-scratch-XXXXXX)
SERVER=""
cleanup() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

export HOME="$WORK/home"
mkdir -p "$HOME/.cumulusci"
echo 99999999999 >"$HOME/.cumulusci/cumulus_timestamp" # cci asks PyPI for updates otherwise
.venv/bin/python -m localorg serve --state "$WORK/hub" --dev-hub --request-log "$WORK/requests.jsonl" \
	2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 100); do [ -f "$WORK/hub/env.sh" ] && break; sleep 0.1; done
# shellcheck disable=SC1091
. "$WORK/hub/env.sh"
unset CUMULUSCI_ORG_sim
export NODE_EXTRA_CA_CERTS="$WORK/hub/tls/cert.pem" SF_TARGET_DEV_HUB=hub \
	SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_DISABLE_AUTOUPDATE=true \
	SF_USE_GENERIC_UNIX_KEYCHAIN=true SF_SKIP_NEW_VERSION_CHECK=true SF_LOG_LEVEL=fatal SF_TEMP_SHOW_SECRETS=true
CUMULUSCI_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(8))")
export CUMULUSCI_KEY

echo "\$ sf org login sfdx-url --sfdx-url-stdin - --alias hub   (the Dev Hub's refresh token through stdin)"
.venv/bin/python -c "import json,sys; print(json.load(open(sys.argv[1]))['refresh_token'])" \
	"$WORK/hub/auth.json" |
	{ read -r token; echo "force://PlatformCLI::$token@${EMAIL_PRIVACY_LOCAL_ORG_URL#https://}"; } |
	timeout 300 "$SF_BIN/sf" org login sfdx-url --sfdx-url-stdin - --alias hub --json |
	.venv/bin/python -c "import json,sys; r=json.load(sys.stdin)['result']; print('Dev Hub', r['orgId'], 'isDevHub', r['isDevHub'])"

export PATH="$SF_BIN:$REPO/.venv/bin:$PATH" # cci runs sf
run() {
	echo "\$ $*"
	timeout 600 "$@"
}
run cci org scratch "$CONFIG" "$CONFIG" --no-password
run cci org info "$CONFIG"
# The snapshot goes with the scratch org: into the temporary folder, not the checkout's .email_privacy.
run cci flow run enable_individual_email_tracking --org "$CONFIG" \
	-o add_individual_field_to_layouts__snapshot_dir "$WORK/snapshots"
if [ "${DEV_ORG:-}" = 1 ]; then
	# Stops at the first call the local org refuses as not modelled (docs/scratch-orgs.md lists them).
	run cci flow run dev_org --org "$CONFIG" || echo "(dev_org stopped at a call the local org does not model)"
fi
run cci org scratch_delete "$CONFIG"
echo "scratch orgs left under the Dev Hub: $(find "$WORK/hub/scratch-orgs" -mindepth 1 -maxdepth 1 | wc -l)"
