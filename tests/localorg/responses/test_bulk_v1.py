"""Bulk API 1.0 on the local org, spoken by the real clients (salesforce_bulk, as CumulusCI uses it, and
simple_salesforce's `bulk`) against the in-process org; each result checked against the org's records."""

import csv
import io
import json

import pytest
import requests
from salesforce_bulk import SalesforceBulk
from salesforce_bulk.salesforce_bulk import BulkApiError
from simple_salesforce import Salesforce

from localorg import inprocess
from localorg.models.org import SeedOptions

ASYNC = "/services/async/63.0"


@pytest.fixture
def org(tmp_path):
    with inprocess.serve(tmp_path / "org", seed=SeedOptions(contacts=3, leads=2)) as served:
        yield served


def bulk_client(org, session=None) -> SalesforceBulk:
    return SalesforceBulk(sessionId=session or org.sessions.issue(), host=org.base_url, API_version="63.0")


def contacts(org):
    return [tuple(r) for r in org.records.db.execute('SELECT Id, LastName, Title FROM "Contact" ORDER BY rowid')]


def test_a_csv_query_job_gives_the_orgs_records_with_parent_fields(org):
    bulk = bulk_client(org)
    job = bulk.create_query_job("Contact", contentType="CSV")
    batch = bulk.query(job, "SELECT Id, LastName, Account.Name FROM Contact")
    assert bulk.is_batch_done(batch, job)
    bulk.close_job(job)
    assert bulk.job_status(job)["state"] == "Closed" and bulk.job_status(job)["numberRecordsProcessed"] == "3"
    (result,) = list(bulk.get_all_results_for_query_batch(batch, job))
    rows = list(csv.reader(io.TextIOWrapper(result, "utf-8")))
    expected = org.records.db.execute(
        'SELECT c.Id, c.LastName, a.Name FROM "Contact" c LEFT JOIN "Account" a ON a.Id = c.AccountId ORDER BY c.rowid'
    ).fetchall()
    assert rows == [["Id", "LastName", "Account.Name"], *[list(r) for r in expected]]


def test_a_query_with_no_rows_says_so_as_salesforce_does(org):
    bulk = bulk_client(org)
    job = bulk.create_query_job("Lead", contentType="CSV")
    batch = bulk.query(job, "SELECT Id FROM Lead WHERE LastName = 'Nobody'")
    (result,) = list(bulk.get_all_results_for_query_batch(batch, job))
    assert result.read() == b"Records not found for this query"


def test_csv_insert_update_and_hard_delete_batches_change_the_orgs_records(org):
    bulk = bulk_client(org)
    job = bulk.create_insert_job("Contact", contentType="CSV")
    batch = bulk.post_batch(job, '"LastName","Title"\n"Lovelace","Countess"\n"","Nobody"\n')
    bulk.close_job(job)
    results = bulk.get_batch_results(batch, job)
    assert [(r.success, r.created) for r in results] == [("true", "true"), ("false", "false")]
    assert results[1].error.startswith("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName")
    new_id = results[0].id
    assert contacts(org)[-1] == (new_id, "Lovelace", "Countess")
    status = bulk.job_status(job)
    assert (status["numberRecordsProcessed"], status["numberRecordsFailed"], status["numberBatchesCompleted"]) == (
        "2",
        "1",
        "1",
    )

    update = bulk.create_update_job("Contact", contentType="CSV")
    bulk.get_batch_results(bulk.post_batch(update, f'"Id","Title"\n"{new_id}","Analyst"\n'), update)
    assert contacts(org)[-1] == (new_id, "Lovelace", "Analyst")

    gone = bulk.create_job("Contact", "hardDelete", contentType="CSV")
    (deleted,) = bulk.get_batch_results(bulk.post_batch(gone, f'"Id"\n"{new_id}"\n'), gone)
    assert deleted.success == "true" and new_id not in {c[0] for c in contacts(org)}


def test_a_batch_naming_an_unknown_field_fails_with_salesforces_message(org):
    bulk = bulk_client(org)
    job = bulk.create_insert_job("Contact", contentType="CSV")
    batch = bulk.post_batch(job, '"LastName","Nope__c"\n"A","b"\n')
    status = bulk.batch_status(batch, job, reload=True)
    assert status["state"] == "Failed" and status["stateMessage"] == "InvalidBatch : Field name not found : Nope__c"
    assert len(contacts(org)) == 3


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda b: b.create_query_job("Widget", contentType="CSV"), "InvalidJob"),
        (lambda b: b.create_job("Contact", "merge", contentType="CSV"), "InvalidJob"),
        (lambda b: b.job_status("750000000000000AAA"), "InvalidJob"),
    ],
)
def test_bad_jobs_are_refused_with_bulk_apis_error(org, make, code):
    with pytest.raises(BulkApiError) as info:
        make(bulk_client(org))
    assert info.value.status_code == 400 and f"<exceptionCode>{code}</exceptionCode>" in str(info.value)


def test_a_closed_job_takes_no_batches(org):
    bulk = bulk_client(org)
    job = bulk.create_insert_job("Contact", contentType="CSV")
    bulk.close_job(job)
    with pytest.raises(BulkApiError, match="InvalidJobState"):
        bulk.post_batch(job, '"LastName"\n"Late"\n')


def test_a_valid_session_in_x_sfdc_session_is_accepted_and_a_wrong_one_gets_invalid_session_id(org):
    assert bulk_client(org).create_query_job("Contact", contentType="CSV").startswith("750")
    with pytest.raises(BulkApiError) as info:
        bulk_client(org, session="00Dxx!forged").create_query_job("Contact", contentType="CSV")
    assert info.value.status_code == 400 and "<exceptionCode>InvalidSessionId</exceptionCode>" in str(info.value)


def test_simple_salesforce_bulk_json_jobs(org):
    sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue(), version="63.0")
    inserted = sf.bulk.Contact.insert([{"LastName": "Hopper"}, {"FirstName": "NoLastName"}], batch_size=10000)
    assert [(r["success"], r["created"]) for r in inserted] == [(True, True), (False, False)]
    assert inserted[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    sf.bulk.Contact.update([{"Id": inserted[0]["id"], "Title": "Admiral"}])
    assert contacts(org)[-1] == (inserted[0]["id"], "Hopper", "Admiral")
    found = sf.bulk.Contact.query(f"SELECT Id, Title FROM Contact WHERE Id = '{inserted[0]['id']}'")
    assert [(r["Id"], r["Title"]) for r in found] == [(inserted[0]["id"], "Admiral")]
    assert sf.bulk.Contact.hard_delete([{"Id": inserted[0]["id"]}])[0]["success"] is True
    assert len(contacts(org)) == 3


def test_bulk_api_1_resources_it_does_not_model_are_refused(org):
    reply = requests.post(
        f"{org.base_url}{ASYNC}/job/750000000000001AAA/spec",
        headers={"X-SFDC-Session": org.sessions.issue(), "Content-Type": "text/csv"},
        data=b"Salesforce Field,Csv Header\n",
        timeout=10,
    )
    assert reply.status_code == 501 and json.loads(reply.text)[0]["errorCode"] == "NOT_MODELLED_BY_LOCAL_ORG"
