"""The real cci against the local org over real HTTPS (tests/harness.py)."""

import json
import time

from tests.harness import run_cci


def shell(org, code, **kw):
    """`cci org shell sim --python CODE`: simple-salesforce's `sf` and the org config, as a user has them."""
    return run_cci(org, "org", "shell", "sim", "--python", code, **kw)


def test_org_info_runs_the_whole_connection_handshake(local_org):
    org = local_org(edition="Enterprise Edition")
    result = run_cci(org, "org", "info", "sim")
    assert result.returncode == 0, result.stderr
    assert "Enterprise Edition" in result.stdout and org.org_config["org_id"] in result.stdout
    assert "63.0" in result.stdout
    paths = [(r["method"], r["path"], r["status"]) for r in org.requests()]
    assert paths[:3] == [
        ("POST", "/services/oauth2/token", 200),
        ("GET", "/services/oauth2/userinfo", 200),
        ("GET", "/services/data", 200),
    ]
    assert ("GET", f"/services/data/v63.0/sobjects/Organization/{org.org_config['org_id']}", 200) in paths


def test_soql_through_cci_and_person_account_detection(local_org):
    org = local_org(contacts=40, person_accounts=True, person_accounts_count=5)
    result = shell(
        org,
        "r = sf.query(\"SELECT Id, Email FROM Contact WHERE Email LIKE 'ava.%'\"); "
        "print('TOTAL', r['totalSize'], r['records'][0]['Email']); "
        "print('PA', org_config.is_person_accounts_enabled); "
        "print('PACOUNT', sf.query('SELECT COUNT() FROM Account WHERE IsPersonAccount = true')['totalSize'])",
    )
    assert result.returncode == 0, result.stderr
    assert "TOTAL 2 ava.smith.0@example.com" in result.stdout
    assert "PA True" in result.stdout and "PACOUNT 5" in result.stdout
    bad = shell(org, "sf.query('SELECT Nope FROM Contact')")
    assert bad.returncode != 0 and "INVALID_FIELD" in bad.stdout + bad.stderr


def test_a_refused_refresh_token_fails_with_a_clear_error(local_org):
    org = local_org()
    wrong = json.dumps(dict(org.org_config, refresh_token="5AepNotIssuedByThisOrg"))
    result = run_cci(org, "org", "info", "sim", env={"HOME": str(org.new_home()), "CUMULUSCI_ORG_sim": wrong})
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "OAuth failed" in out and "invalid_grant" in out
    assert [r["status"] for r in org.requests()] == [400]


def test_http_503_fault_is_visible_in_the_log_and_retried_by_cumulusci(local_org):
    # CumulusCI's simple-salesforce session retries 502/503/504 up to 5 times (salesforce_api/utils.py).
    org = local_org(contacts=3, fault=["http-503:1"])
    first = shell(org, "print('N', sf.query('SELECT COUNT() FROM Contact')['totalSize'])")
    assert first.returncode == 0 and "N 3" in first.stdout, first.stderr
    assert [r["status"] for r in org.requests() if "/query" in r["path"]] == [503, 200]
    # More 503s than the retries: the command fails and says so.
    org = local_org(contacts=3, fault=["http-503:50"])
    failed = shell(org, "print('N', sf.query('SELECT COUNT() FROM Contact')['totalSize'])")
    assert failed.returncode != 0 and "503" in failed.stdout + failed.stderr
    assert [r["status"] for r in org.requests() if "/query" in r["path"]] == [503] * 6


def test_slow_fault_slows_every_reply(local_org):
    org = local_org(fault=["slow:300"])
    started = time.monotonic()
    result = run_cci(org, "org", "info", "sim")
    assert result.returncode == 0, result.stderr
    log = org.requests()
    assert len(log) >= 4 and all(r["ms"] >= 300 for r in log)
    assert time.monotonic() - started >= 0.3 * len(log)


def test_restart_keeps_identity_records_and_the_refresh_token(local_org):
    org = local_org(contacts=2)
    made = shell(org, "print('ID', sf.Contact.create({'LastName': 'Kept', 'Email': 'kept@example.com'})['id'])")
    assert made.returncode == 0, made.stderr
    before = dict(org.org_config)
    org.restart()
    assert org.org_config["org_id"] == before["org_id"] and org.org_config["refresh_token"] == before["refresh_token"]
    result = shell(
        org, "print('N', sf.query(\"SELECT COUNT() FROM Contact WHERE Email = 'kept@example.com'\")['totalSize'])"
    )
    assert result.returncode == 0 and "N 1" in result.stdout, result.stderr
    for secret in org.tokens_issued():
        assert secret not in org.request_log.read_text() and secret not in org.output()


def test_individual_lookups_appear_only_after_a_real_settings_deploy(local_org):
    org = local_org(contacts=2, person_accounts=True, person_accounts_count=1)
    probe = (
        "print('LOOKUPS', sorted(o + '.' + f['name'] for o in ('Contact', 'Lead', 'Account') "
        "for f in getattr(sf, o).describe()['fields'] if f['referenceTo'] == ['Individual'])); "
        "print('CM', sf.query('SELECT PreferencesConsentManagementEnabled FROM Organization')['records'][0]"
        "['PreferencesConsentManagementEnabled'])"
    )
    before = shell(org, probe)
    assert before.returncode == 0 and "LOOKUPS []" in before.stdout and "CM False" in before.stdout, before.stderr
    deployed = run_cci(org, "task", "run", "deploy_email_privacy_settings", "--org", "sim")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    after = shell(
        org,
        probe + "; i = sf.Individual.create({'LastName': 'Lee'})['id']; "
        "c = sf.query('SELECT Id, HasOptedOutOfEmail FROM Contact LIMIT 1')['records'][0]; "
        "sf.Contact.update(c['Id'], {'IndividualId': i}); "
        "print('LINKED', sf.query(\"SELECT Individual.LastName, HasOptedOutOfEmail FROM Contact WHERE Id = '\" "
        "+ c['Id'] + \"'\")['records'][0]['Individual']['LastName'])",
    )
    assert after.returncode == 0, after.stderr
    assert "LOOKUPS ['Account.PersonIndividualId', 'Contact.IndividualId', 'Lead.IndividualId']" in after.stdout
    assert "CM True" in after.stdout and "LINKED Lee" in after.stdout
