"""Bulk API 2.0 handlers of the local org, without sockets, on the real records store."""

import csv
import io
import json

import pytest

from localorg.http import Request
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg, SeedOptions
from localorg.responses import bulk
from localorg.server import answer
from tests.inprocess_org import enable_consent

V = "63.0"


def local_org(root, consent=True, contacts=0):
    """A real LocalOrg (person accounts on), consent management on unless told."""
    org = LocalOrg(root, OrgIdentity(person_accounts=True), seed=SeedOptions(contacts=contacts))
    if consent:
        enable_consent(org)
    return org


@pytest.fixture
def org(tmp_path):
    o = local_org(tmp_path, contacts=5)
    yield o
    o.close()


def call(org, handler, method, body=b"", params=None, **groups):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    request = Request(method=method, path="/", query={k: [v] for k, v in (params or {}).items()}, body=body)
    return answer(org, handler, request, {"version": V, **groups})


def rows(response):
    return list(csv.DictReader(io.StringIO(response.body.decode())))


def run_job(org, obj, operation, csv_text, **extra):
    created = call(
        org,
        bulk.create_ingest,
        "POST",
        {"object": obj, "operation": operation, "contentType": "CSV", "lineEnding": "LF", **extra},
    )
    assert created.status == 200, created.body
    info = json.loads(created.body)
    assert info["state"] == "Open" and info["id"].startswith("750")
    job_id = info["id"]
    up = call(org, bulk.upload, "PUT", csv_text.encode(), job_id=job_id)
    assert up.status == 201
    closed = json.loads(call(org, bulk.ingest_job, "PATCH", {"state": "UploadComplete"}, job_id=job_id).body)
    assert closed["state"] == "UploadComplete"  # as Salesforce answers the close
    return job_id


def test_insert_then_results_echo_columns_and_errors(org):
    job_id = run_job(
        org,
        "Individual",
        "insert",
        "FirstName,LastName,HasOptedOutTracking\nAda,Lovelace,true\nNo,,true\nAlan,Turing,false\n",
    )
    info = json.loads(call(org, bulk.ingest_job, "GET", job_id=job_id).body)
    assert (info["state"], info["numberRecordsProcessed"], info["numberRecordsFailed"]) == ("JobComplete", 3, 1)
    ok = rows(call(org, bulk.ingest_results, "GET", job_id=job_id, kind="successfulResults"))
    assert [(r["FirstName"], r["sf__Created"]) for r in ok] == [("Ada", "true"), ("Alan", "true")]
    ada = org.records.get("Individual", ok[0]["sf__Id"])
    assert ada["LastName"] == "Lovelace" and ada["HasOptedOutTracking"] is True
    failed = rows(call(org, bulk.ingest_results, "GET", job_id=job_id, kind="failedResults"))
    assert len(failed) == 1 and failed[0]["FirstName"] == "No"
    assert failed[0]["sf__Error"].startswith("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]")
    assert rows(call(org, bulk.ingest_results, "GET", job_id=job_id, kind="unprocessedrecords")) == []


def test_update_links_and_never_touches_other_fields(org):
    contact = next(org.records.rows("Contact"))
    ind = org.records.create("Individual", {"LastName": "X"}, org.visibility)
    job_id = run_job(org, "Contact", "update", f"Id,IndividualId\n{contact['Id']},{ind}\n003000000000000AAA,{ind}\n")
    after = org.records.get("Contact", contact["Id"])
    assert after["IndividualId"] == ind
    assert after["HasOptedOutOfEmail"] == contact["HasOptedOutOfEmail"] and after["Email"] == contact["Email"]
    failed = rows(call(org, bulk.ingest_results, "GET", job_id=job_id, kind="failedResults"))
    assert [r["Id"] for r in failed] == ["003000000000000AAA"]


def test_empty_value_leaves_field_and_na_sets_null(org):
    ind = org.records.create("Individual", {"FirstName": "A", "LastName": "B"}, org.visibility)
    run_job(org, "Individual", "update", f"Id,FirstName,LastName\n{ind},,C\n")
    assert org.records.get("Individual", ind)["FirstName"] == "A"
    run_job(org, "Individual", "update", f"Id,FirstName\n{ind},#N/A\n")
    assert org.records.get("Individual", ind)["FirstName"] is None


def test_delete_and_upsert_on_id(org):
    ind = org.records.create("Individual", {"LastName": "Gone"}, org.visibility)
    run_job(org, "Individual", "delete", f"Id\n{ind}\n")
    assert org.records.get("Individual", ind) is None
    keep = org.records.create("Individual", {"LastName": "Keep"}, org.visibility)
    job_id = run_job(org, "Individual", "upsert", f"Id,LastName\n{keep},Kept\n,New\n", externalIdFieldName="Id")
    ok = rows(call(org, bulk.ingest_results, "GET", job_id=job_id, kind="successfulResults"))
    assert sorted(r["sf__Created"] for r in ok) == ["false", "true"]
    assert org.records.get("Individual", keep)["LastName"] == "Kept"


def test_hard_delete_deletes_the_rows_and_reports_them(org):
    gone = org.records.create("Contact", {"LastName": "Gone"}, org.visibility)
    job_id = run_job(org, "Contact", "hardDelete", f"Id\n{gone}\n")
    assert org.records.get("Contact", gone) is None
    info = json.loads(call(org, bulk.ingest_job, "GET", job_id=job_id).body)
    assert (info["operation"], info["state"], info["numberRecordsProcessed"]) == ("hardDelete", "JobComplete", 1)
    assert [
        r["sf__Id"] for r in rows(call(org, bulk.ingest_results, "GET", job_id=job_id, kind="successfulResults"))
    ] == [gone]


def test_unknown_column_fails_the_job_with_salesforce_words(org):
    job_id = run_job(org, "Individual", "insert", "LastName,Bogus__c\nA,b\n")
    info = json.loads(call(org, bulk.ingest_job, "GET", job_id=job_id).body)
    assert info["state"] == "Failed" and info["errorMessage"] == "InvalidBatch : Field name not found : Bogus__c"
    assert org.records.count("Individual") == 0


@pytest.mark.parametrize(
    "body, text",
    [
        ({"object": "Individual", "operation": "merge"}, "Invalid operation: merge"),
        ({"object": "Nope", "operation": "insert"}, "Unable to find object: Nope"),
        ({"object": "Individual", "operation": "upsert", "externalIdFieldName": "Email"}, "External ID"),
    ],
)
def test_bad_jobs_refused(org, body, text):
    response = call(org, bulk.create_ingest, "POST", body)
    assert response.status == 400 and text in json.loads(response.body)[0]["message"]


def test_individual_needs_consent_management(tmp_path):
    org = local_org(tmp_path, consent=False)
    response = call(org, bulk.create_ingest, "POST", {"object": "Individual", "operation": "insert"})
    assert response.status == 400
    org.close()


def test_job_states_are_enforced(org):
    job_id = run_job(org, "Individual", "insert", "LastName\nA\n")
    assert call(org, bulk.upload, "PUT", b"LastName\nB\n", job_id=job_id).status == 409
    assert call(org, bulk.ingest_job, "PATCH", {"state": "UploadComplete"}, job_id=job_id).status == 400
    assert call(org, bulk.ingest_job, "GET", job_id="750000000000000AAA").status == 404
    # a query job id is not an ingest job
    assert org.records.count("Individual") == 1


def test_query_job_pages_csv_with_relationship_columns(org):
    contacts = list(org.records.rows("Contact"))
    ind = org.records.create("Individual", {"LastName": "X", "HasOptedOutTracking": True}, org.visibility)
    org.records.update("Contact", contacts[0]["Id"], {"IndividualId": ind}, org.visibility)
    created = call(
        org,
        bulk.create_query,
        "POST",
        {
            "operation": "query",
            "query": "SELECT Id, Email, IndividualId, Individual.HasOptedOutTracking FROM Contact WHERE Email != null",
        },
    )
    assert created.status == 200, created.body
    job_id = json.loads(created.body)["id"]
    assert json.loads(call(org, bulk.query_job, "GET", job_id=job_id).body)["state"] == "JobComplete"
    first = call(org, bulk.query_results, "GET", params={"maxRecords": "3"}, job_id=job_id)
    assert first.headers["Sforce-NumberOfRecords"] == "3" and first.headers["Sforce-Locator"] == "3"
    second = call(org, bulk.query_results, "GET", params={"maxRecords": "3", "locator": "3"}, job_id=job_id)
    assert second.headers["Sforce-Locator"] == "null"
    got = rows(first) + rows(second)
    assert len(got) == 5 and list(got[0]) == ["Id", "Email", "IndividualId", "Individual.HasOptedOutTracking"]
    linked = [r for r in got if r["IndividualId"]]
    assert [(r["Id"], r["Individual.HasOptedOutTracking"]) for r in linked] == [(contacts[0]["Id"], "true")]


def test_query_job_refuses_bad_soql(org):
    response = call(org, bulk.create_query, "POST", {"operation": "query", "query": "SELECT Nope FROM Contact"})
    assert response.status == 400 and json.loads(response.body)[0]["errorCode"] == "INVALID_FIELD"
