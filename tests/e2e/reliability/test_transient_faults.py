"""Transient faults on every kind of call, with the real cci against the local org.

Within the retry bound (HTTP 503, an expired session, slow replies) each task recovers and the org ends
fully changed; beyond it the task stops with one line saying what failed and what to do, and the org's
state under DIR is byte for byte what it was. Faults are per server process, so tests restart the org
on the same DIR with the faults they need (org.restart keeps the port, so cci's saved org stays valid).
"""

from localorg.models.org import SeedOptions
from tests.harness import (
    all_have_field,
    api_requests,
    cci_task,
    error_line,
    ok,
    org_files,
    records,
    records_files,
    restart_with,
    setting,
    settings_deployed,
    soap_actions,
)

FAST = ("backoff", "0", "poll_interval", "0.05")  # retries without waiting: the bound is what is tested
WHERE = ("contacts_where", "Email != null")


def token_requests(org, since=0) -> int:
    return [r["path"] for r in org.requests()[since:]].count("/services/oauth2/token")


def statuses(org, since=0, soap=None) -> list[int]:
    """Statuses of API requests after `since`; soap=True only SOAP calls, False only REST."""
    return [r["status"] for r in api_requests(org, since) if soap is None or bool(r.get("soap_action")) == soap]


def test_settings_task_recovers_from_503s_an_expired_session_and_slow_replies(local_org):
    org = local_org(fault=["http-503:2", "session-expired:4", "slow:40"])
    text = ok(cci_task(org, "deploy_email_privacy_settings", *FAST))
    assert statuses(org, soap=True).count(503) == 2 and "retrying" in text
    assert token_requests(org) == 2 and "session expired" in text  # refreshed once, call repeated
    assert all(r["ms"] >= 40 for r in org.requests())
    assert soap_actions(org).count("deploy") == 1
    for stem, field in (
        ("PartyDataModel", "enableConsentManagement"),
        ("EmailAdministration", "enableEmailConsentManagement"),
        ("Activities", "enableEmailTracking"),
    ):
        assert setting(org, stem, field) is True, (stem, field)


def test_layouts_task_recovers_from_faults_on_metadata_calls(local_org, tmp_path):
    state = settings_deployed(tmp_path / "org", person_accounts=True)
    # 3 describes first, then listMetadata: the 503s land on the Metadata API calls.
    org = local_org(state_dir=state, fault=["http-503:2@3", "session-expired:9", "slow:30"])
    seen = len(org.requests())
    text = ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", tmp_path / "s", *FAST))
    assert statuses(org, seen, soap=True).count(503) == 2 and "retrying" in text
    assert token_requests(org, seen) == 2 and "session expired" in text.lower()
    assert soap_actions(org, seen).count("deploy") == 1 and all_have_field(org)


def test_prerequisites_and_verify_recover_on_rest_calls(local_org, tmp_path):
    org = local_org(state_dir=settings_deployed(tmp_path / "org", person_accounts=True))
    ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", tmp_path / "s"))
    restart_with(org, ["http-503:2", "session-expired:4"])
    seen = len(org.requests())
    ok(cci_task(org, "check_email_privacy_prerequisites", *FAST))
    assert statuses(org, seen, soap=False)[:3] == [503, 503, 200]  # the first REST query, repeated
    assert token_requests(org, seen) == 2

    # verify's one REST call (the person-accounts describe) goes through org_config's own client, which has
    # no retries mounted (verify_email_privacy, reported): there it meets the expired session; the 503s hit SOAP.
    restart_with(org, ["session-expired:1", "http-503:2@1"])
    seen = len(org.requests())
    text = ok(cci_task(org, "verify_email_privacy"))
    assert statuses(org, seen, soap=True).count(503) == 2 and token_requests(org, seen) == 2
    assert "honours individual email-tracking preferences" in text


def test_set_individual_privacy_recovers_on_rest_calls(local_org, tmp_path):
    state = settings_deployed(tmp_path / "org", seed=SeedOptions(contacts=6))
    org = local_org(state_dir=state, fault=["http-503:2@1", "session-expired:6"])
    seen = len(org.requests())
    ok(cci_task(org, "set_individual_privacy", *WHERE, "dont_track", "true", "retries", "3"))
    assert statuses(org, seen).count(503) == 2 and token_requests(org, seen) == 2
    rows = records(org, 'SELECT i.HasOptedOutTracking FROM "Contact" c JOIN "Individual" i ON c.IndividualId = i.Id')
    assert len(rows) == 6 and all(r[0] for r in rows)


def test_settings_beyond_the_bound_fail_in_one_line_and_change_nothing(local_org):
    org = local_org(fault=["http-503:50"])
    before = org_files(org)
    line = error_line(cci_task(org, "deploy_email_privacy_settings", "retries", "1", *FAST))
    assert "failed after 2 attempts (HTTP 503)" in line and "run again" in line
    assert statuses(org) == [503, 503] and org_files(org) == before


def test_layouts_beyond_the_bound_on_the_deploy_change_nothing_and_keep_the_snapshot(local_org, tmp_path):
    org = local_org(state_dir=settings_deployed(tmp_path / "org"))
    seen = len(org.requests())
    ok(cci_task(org, "add_individual_field_to_layouts", "dry_run", "true", *FAST))
    reads = len(api_requests(org, seen))  # describes, listMetadata, retrieve and its polls
    # The real run repeats those, then the lost-update guard's Tooling query (reads + 1), then the deploy:
    # 503 from there on.
    restart_with(org, [f"http-503:50@{reads + 1}"])
    before = org_files(org)
    seen = len(org.requests())
    line = error_line(
        cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", tmp_path / "s", "retries", "2", *FAST)
    )
    assert "deploy failed after 3 attempts (HTTP 503)" in line
    assert soap_actions(org, seen)[-3:] == ["deploy"] * 3 and org_files(org) == before
    assert (
        len(list((tmp_path / "s" / org.org_config["org_id"]).glob("*/manifest.json"))) == 1
    )  # written before the deploy


def test_rest_tasks_beyond_the_bound_fail_in_one_line_and_change_nothing(local_org):
    org = local_org(contacts=3, fault=["http-503:50"])
    before, people = org_files(org), records_files(org)
    line = error_line(cci_task(org, "check_email_privacy_prerequisites", "retries", "1", *FAST))
    assert "failed after retries (HTTP 503)" in line and "SERVER_UNAVAILABLE" in line
    line = error_line(cci_task(org, "set_individual_privacy", *WHERE, "dont_track", "true", "retries", "1"))
    assert "HTTP 503" in line and "SERVER_UNAVAILABLE" in line
    assert org_files(org) == before and records_files(org) == people
