"""Everyday `sf` commands beyond metadata and queries against one local org, each result checked against the
org's own state (its records, its metadata folder, its request log): SOSL search, record counts, tree import,
the front-door URL, the manifest of everything the org holds; and `sf apex run`, refused as not modelled.
"""

import json
import xml.etree.ElementTree as ET

import pytest
import requests

from localorg.models.deploy_checks import DIRECTORIES
from tests.e2e.sf_cli import ALIAS, fresh_sf, logged_in_home, sfdx_project
from tests.harness import LocalOrgProcess, records

MD = "{http://soap.sforce.com/2006/04/metadata}"
TREE = {
    "records": [
        {
            "attributes": {"type": "Account", "referenceId": "AcmeRef"},
            "Name": "Acme Tree",
            "Contacts": {
                "records": [
                    {"attributes": {"type": "Contact", "referenceId": "AdaRef"}, "LastName": "Lovelace"},
                    {"attributes": {"type": "Contact", "referenceId": "GraceRef"}, "LastName": "Hopper"},
                ]
            },
        },
        {"attributes": {"type": "Account", "referenceId": "GlobexRef"}, "Name": "Globex Tree"},
    ]
}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One org (3 Contacts, 2 Leads) for every test here, and sf logged in once into a template HOME."""
    org = LocalOrgProcess(tmp_path_factory.mktemp("sf-everyday"), contacts=3, leads=2).start()
    try:
        yield org, logged_in_home(org)
    finally:
        org.stop()


@pytest.fixture
def sf(shared, tmp_path):
    return fresh_sf(*shared, tmp_path)


def test_data_search_finds_the_orgs_records_by_name_and_email(sf):
    first, last, email = records(sf.org, 'SELECT FirstName, LastName, Email FROM "Contact" ORDER BY rowid')[0]
    found = sf.ok(
        "data", "search", "--query", f"FIND {{{email}}} IN EMAIL FIELDS RETURNING Contact(Name, Email)",
        "--target-org", ALIAS,
    )  # fmt: skip
    assert [(r["Name"], r["Email"]) for r in found["searchRecords"]] == [(f"{first} {last}", email)]
    by_name = sf.ok("data", "search", "--query", f"FIND {{{first}}} RETURNING Contact(Id), Lead(Id)", "-o", ALIAS)
    expected = {
        row[0]
        for table in ("Contact", "Lead")
        for row in records(sf.org, f"SELECT Id FROM \"{table}\" WHERE FirstName = '{first}' OR LastName = '{first}'")
    }
    assert {r["Id"] for r in by_name["searchRecords"]} == expected and expected


def test_record_counts_are_the_orgs_counts(sf):
    counts = sf.ok("org", "list", "sobject", "record-counts", "--sobject", "Contact", "--sobject", "Lead", "-o", ALIAS)
    assert {c["name"]: c["count"] for c in counts} == {
        table: records(sf.org, f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in ("Contact", "Lead")
    }


def test_tree_import_creates_accounts_with_their_contacts(sf, tmp_path):
    (tmp_path / "accounts.json").write_text(json.dumps(TREE), encoding="utf-8")
    imported = sf.ok("data", "import", "tree", "--files", str(tmp_path / "accounts.json"), "--target-org", ALIAS)
    ids = {r["refId"]: r["id"] for r in imported}
    assert set(ids) == {"AcmeRef", "AdaRef", "GraceRef", "GlobexRef"}
    assert records(sf.org, f'SELECT Id, Name FROM "Account" WHERE Id IN {in_list(ids)} ORDER BY Name') == [
        (ids["AcmeRef"], "Acme Tree"),
        (ids["GlobexRef"], "Globex Tree"),
    ]
    assert records(sf.org, f'SELECT Id, AccountId FROM "Contact" WHERE Id IN {in_list(ids)} ORDER BY LastName') == [
        (ids["GraceRef"], ids["AcmeRef"]),
        (ids["AdaRef"], ids["AcmeRef"]),
    ]


def in_list(ids: dict) -> str:
    return "(" + ", ".join(f"'{v}'" for v in ids.values()) + ")"


def test_tree_export_plan_then_import_plan_copies_accounts_with_their_contacts(sf, tmp_path):
    out = tmp_path / "plan"
    query = "SELECT Id, Name, (SELECT LastName, Email FROM Contacts) FROM Account"
    sf.ok("data", "export", "tree", "--query", query, "--plan", "--output-dir", str(out), "--target-org", ALIAS)
    (plan,) = out.glob("*-plan.json")
    imported = sf.ok("data", "import", "tree", "--plan", str(plan), "--target-org", ALIAS)
    ids = {r["refId"]: r["id"] for r in imported}
    accounts = json.loads((out / "Account.json").read_text(encoding="utf-8"))["records"]
    contacts = json.loads((out / "Contact.json").read_text(encoding="utf-8"))["records"]
    assert accounts and contacts and set(ids) == {r["attributes"]["referenceId"] for r in accounts + contacts}
    for account in accounts:
        new_id = ids[account["attributes"]["referenceId"]]
        assert records(sf.org, f"SELECT Name FROM \"Account\" WHERE Id = '{new_id}'") == [(account["Name"],)]
    for contact in contacts:
        new_id, parent = ids[contact["attributes"]["referenceId"]], ids[contact["AccountId"].removeprefix("@")]
        assert records(sf.org, f"SELECT LastName, Email, AccountId FROM \"Contact\" WHERE Id = '{new_id}'") == [
            (contact["LastName"], contact.get("Email"), parent)
        ]


def test_bulk_hard_delete_removes_the_rows(sf, tmp_path):
    created = sf.ok("data", "create", "record", "--sobject", "Contact", "--values", "LastName=Ephemeral", "-o", ALIAS)
    (tmp_path / "gone.csv").write_text(f"Id\n{created['id']}\n", encoding="utf-8")
    done = sf.ok("data", "delete", "bulk", "--sobject", "Contact", "--file", str(tmp_path / "gone.csv"),
                 "--hard-delete", "--wait", "5", "--target-org", ALIAS)  # fmt: skip
    assert done["jobInfo"]["operation"] == "hardDelete" and done["jobInfo"]["numberRecordsProcessed"] == 1
    assert records(sf.org, f"SELECT COUNT(*) FROM \"Contact\" WHERE Id = '{created['id']}'") == [(0,)]


def test_org_open_url_only_gives_a_one_time_front_door_url_of_the_org(sf):
    opened = sf.ok("org", "open", "--url-only", "--target-org", ALIAS)
    url = opened["url"]
    assert url.startswith(sf.org.url + "/secur/frontdoor.jsp?otp=")
    verify = sf.org.env["REQUESTS_CA_BUNDLE"]
    first = requests.get(url, verify=verify, allow_redirects=False, timeout=60)
    assert first.status_code == 501 and first.json()[0]["errorCode"] == "NOT_MODELLED_BY_LOCAL_ORG"
    again = requests.get(url, verify=verify, allow_redirects=False, timeout=60)
    assert again.status_code == 302 and again.headers["Location"] == sf.org.url + "/"  # the code is spent


def test_apex_run_is_refused_as_not_modelled(sf, tmp_path):
    (tmp_path / "hello.apex").write_text("System.debug('hello');\n", encoding="utf-8")
    code, reply = sf("apex", "run", "--file", str(tmp_path / "hello.apex"), "--target-org", ALIAS)
    assert code != 0 and "NOT_MODELLED_BY_LOCAL_ORG" in reply["message"] and "Apex" in reply["message"]
    calls = [line for line in sf.org.requests() if line["path"].startswith("/services/Soap/s/")]
    assert [line["status"] for line in calls][-1:] == [501]


def test_generate_manifest_from_org_lists_everything_the_org_holds(sf, tmp_path):
    # sf sends describeMetadata, then one listMetadata per type it names, all at once: hundreds of calls.
    before = len(sf.org.requests())
    project = sfdx_project(tmp_path / "project")
    sf.ok("project", "generate", "manifest", "--from-org", ALIAS, "--output-dir", str(tmp_path), cwd=project)
    package = ET.parse(tmp_path / "package.xml").getroot()
    listed = {
        (t.find(f"{MD}name").text, m.text) for t in package.findall(f"{MD}types") for m in t.findall(f"{MD}members")
    }
    held = {
        (DIRECTORIES[path.parent.name][0], path.stem)
        for path in sf.org.metadata_dir.glob("*/*")
        if path.parent.name in DIRECTORIES and path.suffix == DIRECTORIES[path.parent.name][1]
    }
    assert held and held <= listed
    calls = [line for line in sf.org.requests()[before:] if line["path"].startswith("/services/Soap/m/")]
    # Every call answered: the names held, or (types it neither models nor holds) NOT_MODELLED_BY_LOCAL_ORG.
    assert len(calls) > 100 and {line["status"] for line in calls} <= {200, 501}
    assert sum(line["status"] == 200 for line in calls) > len({t for t, _ in held})


def test_sf_runs_leave_no_background_update_behind(sf):
    sf.ok("org", "display", "--target-org", ALIAS)
    cache = sf.home / ".cache" / "sf"
    # oclif's update hook touches `lastrun` and spawns `sf update` (logging to autoupdate.log) unless
    # SF_DISABLE_AUTOUPDATE is set; neither file exists after a run.
    assert not (cache / "lastrun").exists() and not (cache / "autoupdate.log").exists()
    assert (sf.home / ".sfdx").is_dir()  # sf did run in this HOME
