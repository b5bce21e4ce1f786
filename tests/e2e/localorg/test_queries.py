"""SOQL and describes as real clients use them: the real `sf` (build/sf) and simple_salesforce against one local
org, each answer checked against the org's own records (its SQLite file). The org is started and filled once for
the module; the tests only read it.
"""

import json
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from tests.e2e.sf_cli import ALIAS, SF, SfRun, access_token, org_get, require_sf
from tests.harness import LocalOrgProcess, records

# Where the org's days begin (its TimeZoneSidKey), for the date literals.
ORG_ZONE = ZoneInfo("Europe/London")
PEOPLE = [
    # (LastName, MailingCity, Department, LeadSource, Birthdate is yesterday)
    ("Adams", "Leeds", "Finance", "Web", True),
    ("Baker", "York", "Finance", "Web", False),
    ("Clark", "Leeds", None, "Phone Inquiry", False),
]


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """A started org with 3 seeded Contacts and 4 Leads, plus an Account whose three Contacts carry addresses,
    departments, lead sources and one birthday, created through simple_salesforce."""
    started = LocalOrgProcess(tmp_path_factory.mktemp("queries"), contacts=3, leads=4).start()
    try:
        client = salesforce(started)
        yesterday = (datetime.now(ORG_ZONE) - timedelta(days=1)).date().isoformat()
        account = client.Account.create({"Name": "Query Test Ltd", "BillingCity": "Leeds", "NumberOfEmployees": 12})
        for last, city, department, source, birthday in PEOPLE:
            values = {"LastName": last, "AccountId": account["id"], "MailingCity": city, "Department": department}
            values.update({"LeadSource": source, "Birthdate": yesterday if birthday else None})
            client.Contact.create(values)
        yield started
    finally:
        started.stop()


def salesforce(org) -> Salesforce:
    session = requests.Session()
    session.trust_env = False  # a REQUESTS_CA_BUNDLE in the environment would win over the org's own
    session.verify = org.env["REQUESTS_CA_BUNDLE"]
    return Salesforce(instance_url=org.url, session_id=access_token(org), version="63.0", session=session)


@pytest.fixture(scope="module")
def sf(org, tmp_path_factory):
    require_sf()
    run = SfRun(org, tmp_path_factory.mktemp("sf-home"))
    run.login()
    return run


def count(org, table: str, where: str = "1") -> int:
    return records(org, f'SELECT COUNT(*) FROM "{table}" WHERE {where}')[0][0]


def test_sf_count_of_leads_is_the_orgs(sf, org):
    result = sf.ok("data", "query", "--query", "SELECT COUNT() FROM Lead", "-o", ALIAS)
    assert result["totalSize"] == count(org, "Lead") == 4
    assert result["records"] == []


def test_sf_group_by_counts_each_lead_source(sf, org):
    soql = "SELECT LeadSource, COUNT(Id) n, MAX(LastName) FROM Contact WHERE LeadSource != null GROUP BY LeadSource"
    result = sf.ok("data", "query", "--query", soql, "-o", ALIAS)
    got = {r["LeadSource"]: (r["n"], r["expr0"]) for r in result["records"]}
    held = records(org, 'SELECT LeadSource, COUNT(*), MAX(LastName) FROM "Contact" WHERE LeadSource IS NOT NULL '
                        "GROUP BY LeadSource")  # fmt: skip
    assert (
        got == {source: (n, last) for source, n, last in held} == {"Web": (2, "Baker"), "Phone Inquiry": (1, "Clark")}
    )
    assert all(r["attributes"]["type"] == "AggregateResult" for r in result["records"])


def test_sf_prints_an_aggregate_table(sf, org):
    """The human format reads every column's displayName: the shape that made sf die with "Value is not a string"."""
    soql = "SELECT Department, COUNT(Id) FROM Contact WHERE Department != null GROUP BY Department"
    done = subprocess.run(
        [str(SF), "data", "query", "--query", soql, "-o", ALIAS, "--result-format", "csv"],
        env=sf.env, cwd=sf.home, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    held = records(org, 'SELECT Department, COUNT(*) FROM "Contact" WHERE Department IS NOT NULL GROUP BY Department')
    assert (
        done.stdout.splitlines()
        == ["Department,COUNT(Id)", *(f"{d},{n}" for d, n in held)]
        == [
            "Department,COUNT(Id)",
            "Finance,2",
        ]
    )


def test_sf_date_literals(sf, org):
    born = sf.ok("data", "query", "--query", "SELECT LastName FROM Contact WHERE Birthdate = YESTERDAY", "-o", ALIAS)
    yesterday = (datetime.now(ORG_ZONE) - timedelta(days=1)).date().isoformat()
    assert (
        [r["LastName"] for r in born["records"]]
        == [row[0] for row in records(org, f"SELECT LastName FROM \"Contact\" WHERE Birthdate = '{yesterday}'")]
        == ["Adams"]
    )


def test_sf_fields_standard_gives_every_described_field(sf, org):
    result = sf.ok("data", "query", "--query", "SELECT FIELDS(STANDARD) FROM Contact WHERE LastName = 'Adams'",
                   "-o", ALIAS)  # fmt: skip
    (record,) = result["records"]
    described = [f["name"] for f in org_get(org, "sobjects/Contact/describe")["fields"]]
    assert len(described) > 55 and set(record) - {"attributes"} == set(described)
    held = records(org, "SELECT Id, MailingCity, Department, LeadSource FROM \"Contact\" WHERE LastName = 'Adams'")
    assert [(record["Id"], record["MailingCity"], record["Department"], record["LeadSource"])] == held
    assert record["MailingAddress"]["city"] == "Leeds"  # the compound address, from its parts


def test_sf_mailing_city_and_department(sf, org):
    result = sf.ok("data", "query", "--query", "SELECT Id, MailingCity, Department FROM Contact", "-o", ALIAS)
    got = sorted((r["Id"], r["MailingCity"], r["Department"]) for r in result["records"])
    assert got == sorted(records(org, 'SELECT Id, MailingCity, Department FROM "Contact"'))
    assert ("Leeds", "Finance") in {(city, dept) for _, city, dept in got}


def test_sf_tree_export_plan_with_a_child_subquery(sf, org, tmp_path):
    soql = (
        "SELECT Id, Name, BillingCity, (SELECT LastName, MailingCity FROM Contacts) FROM Account "
        "WHERE Name = 'Query Test Ltd'"
    )
    out = tmp_path / "tree"
    sf.ok("data", "tree", "export", "--query", soql, "--plan", "--output-dir", str(out), "-o", ALIAS)
    plan = json.loads(next(out.glob("*plan.json")).read_text())
    assert [(p["sobject"], p["files"]) for p in plan] == [("Account", ["Account.json"]), ("Contact", ["Contact.json"])]
    (account,) = json.loads((out / "Account.json").read_text())["records"]
    assert (account["Name"], account["BillingCity"]) == ("Query Test Ltd", "Leeds")
    contacts = json.loads((out / "Contact.json").read_text())["records"]
    held = records(org, 'SELECT c.LastName, c.MailingCity FROM "Contact" c JOIN "Account" a ON c.AccountId = a.Id '
                        "WHERE a.Name = 'Query Test Ltd'")  # fmt: skip
    assert sorted((c["LastName"], c["MailingCity"]) for c in contacts) == sorted(held)
    # each child names its parent by the plan's reference, as sf builds it from the describe's childRelationships
    assert {c["AccountId"] for c in contacts} == {"@" + account["attributes"]["referenceId"]}


def test_simple_salesforce_aggregates_dates_fields_and_subqueries(org):
    client = salesforce(org)
    assert client.query("SELECT COUNT() FROM Lead")["totalSize"] == count(org, "Lead")
    grouped = client.query_all("SELECT Department, COUNT(Id) FROM Contact WHERE Department != null GROUP BY Department")
    assert [(r["Department"], r["expr0"]) for r in grouped["records"]] == records(
        org, 'SELECT Department, COUNT(*) FROM "Contact" WHERE Department IS NOT NULL GROUP BY Department'
    )
    recent = client.query("SELECT COUNT() FROM Contact WHERE CreatedDate = LAST_N_DAYS:1")["totalSize"]
    assert recent == count(org, "Contact") == 6  # every contact was created just now
    assert client.query("SELECT COUNT() FROM Contact WHERE CreatedDate < LAST_MONTH")["totalSize"] == 0
    with pytest.raises(SalesforceMalformedRequest, match="LIMIT of at most 200"):
        client.query("SELECT FIELDS(ALL) FROM Contact")
    standard = client.query("SELECT FIELDS(STANDARD) FROM Lead LIMIT 1")["records"][0]
    assert {"Company", "Status", "Address", "AnnualRevenue", "LeadSource"} <= set(standard)
    nested = client.query("SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account "
                          "WHERE Name = 'Query Test Ltd'")["records"][0]  # fmt: skip
    assert [c["LastName"] for c in nested["Contacts"]["records"]] == [p[0] for p in PEOPLE]
