"""CumulusCI's data tasks and simple_salesforce's Bulk clients against one local org over HTTPS: the record
counts CumulusCI asks first (`limits/recordCount`), Bulk API 1.0 jobs (the `query` task, hard deletes) and
Bulk API 2.0 `hardDelete`, each result checked against the org's records."""

import csv
import sqlite3

import pytest
from simple_salesforce import Salesforce

from tests.e2e.sf_cli import access_token
from tests.harness import LocalOrgProcess, ok, records, run_cci

MAPPING = """Insert Accounts:
  sf_object: Account
  fields: [Name]
Insert Contacts:
  sf_object: Contact
  fields: [FirstName, LastName, Email]
  lookups:
    AccountId:
      table: Account
"""
RECIPE = """- object: Contact
  fields:
    Title: Privacy Officer
"""


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """One org (5 Contacts, 3 Leads) for every test here; each test checks the records as they are when it runs."""
    org = LocalOrgProcess(tmp_path_factory.mktemp("data-clients"), contacts=5, leads=3).start()
    yield org
    org.stop()


def since(org, before: int) -> list[tuple[str, str, int]]:
    return [(line["method"], line["path"], line["status"]) for line in org.requests()[before:]]


def test_query_task_writes_the_orgs_records_through_bulk_api_1(org, tmp_path):
    before = len(org.requests())
    out = tmp_path / "contacts.csv"
    query = "SELECT Id, LastName, Email, Account.Name FROM Contact"
    ok(run_cci(org, "task", "run", "query", "--org", "sim", "-o", "object", "Contact", "-o", "query", query,
               "-o", "result_file", str(out)))  # fmt: skip
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    expected = records(
        org,
        'SELECT c.Id, c.LastName, c.Email, a.Name FROM "Contact" c LEFT JOIN "Account" a ON a.Id = c.AccountId '
        "ORDER BY c.rowid",
    )
    assert rows == [["Id", "LastName", "Email", "Account.Name"], *[list(r) for r in expected]] and expected
    calls = since(org, before)
    assert ("POST", "/services/async/63.0/job", 201) in calls
    assert all(status < 400 for method, path, status in calls if path.startswith("/services/async/"))


def test_extract_dataset_counts_then_extracts_every_record(org, tmp_path):
    before = len(org.requests())
    (tmp_path / "mapping.yml").write_text(MAPPING, encoding="utf-8")
    ok(run_cci(org, "task", "run", "extract_dataset", "--org", "sim", "-o", "mapping", str(tmp_path / "mapping.yml"),
               "-o", "database_url", f"sqlite:///{tmp_path / 'extract.db'}"))  # fmt: skip
    assert ("GET", "/services/data/v63.0/limits/recordCount", 200) in since(org, before)
    db = sqlite3.connect(tmp_path / "extract.db")
    try:
        extracted = sorted(db.execute('SELECT "FirstName", "LastName", "Email" FROM "Contact"').fetchall())
    finally:
        db.close()
    assert extracted == sorted(records(org, 'SELECT FirstName, LastName, Email FROM "Contact"')) and extracted


def test_update_data_changes_every_contact(org, tmp_path):
    (tmp_path / "recipe.yml").write_text(RECIPE, encoding="utf-8")
    ok(run_cci(org, "task", "run", "update_data", "--org", "sim", "-o", "object", "Contact",
               "-o", "recipe", str(tmp_path / "recipe.yml")))  # fmt: skip
    assert {title for (title,) in records(org, 'SELECT Title FROM "Contact"')} == {"Privacy Officer"}


def test_delete_data_hard_deletes_through_bulk_api_1(org):
    assert records(org, 'SELECT COUNT(*) FROM "Lead"')[0][0] > 0
    before = len(org.requests())
    ok(run_cci(org, "task", "run", "delete_data", "--org", "sim", "-o", "objects", "Lead", "-o", "hardDelete", "True"))
    assert records(org, 'SELECT COUNT(*) FROM "Lead"')[0][0] == 0
    assert ("POST", "/services/async/63.0/job", 201) in since(org, before)


def test_simple_salesforce_bulk_and_bulk2_hard_delete(org, tmp_path, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org.env["REQUESTS_CA_BUNDLE"])
    sf = Salesforce(instance_url=org.url, session_id=access_token(org), version="63.0")
    inserted = sf.bulk.Contact.insert([{"LastName": "Hopper"}, {"LastName": "Lovelace"}])
    ids = [r["id"] for r in inserted]
    assert all(r["success"] for r in inserted)
    assert records(org, f"SELECT LastName FROM \"Contact\" WHERE Id IN ('{ids[0]}', '{ids[1]}') ORDER BY rowid") == [
        ("Hopper",),
        ("Lovelace",),
    ]
    queried = sf.bulk.Contact.query("SELECT Id, LastName FROM Contact WHERE LastName IN ('Hopper', 'Lovelace')")
    assert sorted(r["Id"] for r in queried) == sorted(ids)
    assert sf.bulk.Contact.hard_delete([{"Id": ids[0]}])[0]["success"] is True
    (tmp_path / "gone.csv").write_text(f"Id\n{ids[1]}\n", encoding="utf-8")
    # wait: the seconds it sleeps before its first status check (5 unless told); the org's job is done by then.
    (job,) = sf.bulk2.Contact.hard_delete(str(tmp_path / "gone.csv"), wait=1)
    assert (job["numberRecordsProcessed"], job["numberRecordsFailed"]) == (1, 0)
    assert records(org, f"SELECT COUNT(*) FROM \"Contact\" WHERE Id IN ('{ids[0]}', '{ids[1]}')")[0][0] == 0
