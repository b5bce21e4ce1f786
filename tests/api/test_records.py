"""org.records_client.RecordsClient over HTTP: Salesforce's shapes in and out, against the in-process local org.

Three tests keep hand-written `responses` replies, for what Salesforce does and the local org does not do:
Bulk API 2.0 results in another order than the upload, with a job seen InProgress (Bulk API 2.0 guide,
"Get Job Successful Record Results": the order is not guaranteed to match the job data); a query job that
ends Failed after it was accepted; and a results page cut at chosen byte boundaries (a quoted line break,
a multi-byte letter), which only a canned body can place exactly.
"""

import json
import random

import pytest
import requests
import responses

from email_privacy.api import records as records_api
from email_privacy.api.records import RecordsClient
from email_privacy.errors import OrgError
from email_privacy.steps.match_index import MatchIndex
from email_privacy.steps.record_writes import write
from localorg.models.org import SeedOptions
from localorg.requestlog import read_log
from tests.inprocess_org import serve

BASE = "https://org.example/services/data/v63.0"


def org_client(org, **kw):
    """The real client on the in-process org, with a token the org issued."""
    return RecordsClient(
        session=requests.Session(),
        instance_url=org.base_url,
        api_version="63.0",
        token=org.sessions.issue(),
        poll_interval=0,
        **kw,
    )


def client(**kw):
    return RecordsClient(
        session=requests.Session(),
        instance_url="https://org.example",
        api_version="63.0",
        token="tok-1",
        poll_interval=0,
        **kw,
    )


def test_collections_200_a_call_with_per_record_errors(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=250)) as org:
        ids = sorted(r["Id"] for r in org.records.rows("Contact"))
        person = org.records.insert_raw("Individual", [{"LastName": "Lee"}])[0]
        assert org.records.delete_many("Contact", [ids[-1]])[0]["success"]  # deleted by someone else meanwhile
        rows = iter([{"Id": i, "IndividualId": person} for i in ids])
        outcomes = list(org_client(org).collection_write("Contact", "update", rows))
        calls = [line for line in read_log(org.log) if "/composite/sobjects" in line["path"]]
        assert [line["method"] for line in calls] == ["PATCH", "PATCH"]  # 200 a call: 200, then 50
        assert [o.index for o in outcomes] == list(range(250))
        assert outcomes[-1].error.startswith("ENTITY_IS_DELETED") and all(o.ok for o in outcomes[:-1])
        assert {org.records.get("Contact", i)["IndividualId"] for i in ids[:-1]} == {person}


@responses.activate
def test_bulk_insert_maps_shuffled_results_back_by_values(tmp_path):
    responses.add(responses.POST, f"{BASE}/jobs/ingest", json={"id": "750J", "state": "Open"})
    responses.add(responses.PUT, f"{BASE}/jobs/ingest/750J/batches", status=201)
    responses.add(responses.PATCH, f"{BASE}/jobs/ingest/750J", json={"id": "750J", "state": "UploadComplete"})
    responses.add(
        responses.GET,
        f"{BASE}/jobs/ingest/750J",
        json={"id": "750J", "state": "InProgress", "numberRecordsProcessed": 1},
    )
    responses.add(
        responses.GET,
        f"{BASE}/jobs/ingest/750J",
        json={"id": "750J", "state": "JobComplete", "numberRecordsProcessed": 4, "numberRecordsFailed": 1},
    )
    rows = [
        {"FirstName": "Ann", "LastName": "Lee", "HasOptedOutTracking": True},
        {"FirstName": "Bo", "LastName": "Ng", "HasOptedOutTracking": True},
        {"FirstName": "Ann", "LastName": "Lee", "HasOptedOutTracking": True},
        {"FirstName": "Cy", "LastName": "", "HasOptedOutTracking": True},
    ]
    ok = ['"0PK2","true","Bo","Ng","true"', '"0PK1","true","Ann","Lee","true"', '"0PK3","true","Ann","Lee","true"']
    random.Random(4).shuffle(ok)
    responses.add(
        responses.GET,
        f"{BASE}/jobs/ingest/750J/successfulResults",
        body='"sf__Id","sf__Created","FirstName","LastName","HasOptedOutTracking"\n' + "\n".join(ok) + "\n",
    )
    responses.add(
        responses.GET,
        f"{BASE}/jobs/ingest/750J/failedResults",
        body='"sf__Id","sf__Error","FirstName","LastName","HasOptedOutTracking"\n'
        '"","REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --","Cy","","true"\n',
    )
    responses.add(
        responses.GET, f"{BASE}/jobs/ingest/750J/unprocessedrecords", body="FirstName,LastName,HasOptedOutTracking\n"
    )
    progress = []
    c = client(progress=progress.append)
    columns = ["FirstName", "LastName", "HasOptedOutTracking"]
    keyed = [(f"row{i}", [r[col] for col in columns]) for i, r in enumerate(rows)]
    index = MatchIndex(tmp_path)
    outcomes = list(write(c, index, "Individual", "insert", columns, keyed, 4, 1, 150_000_000, tmp_path))
    index.close()
    assert [key for key, _, _ in outcomes] == ["row0", "row1", "row2", "row3"]
    assert {outcomes[0][1], outcomes[2][1]} == {"0PK1", "0PK3"} and outcomes[1][1] == "0PK2"
    assert outcomes[3][2].startswith("REQUIRED_FIELD_MISSING") and outcomes[3][1] is None
    upload = next(call.request for call in responses.calls if call.request.method == "PUT")
    assert upload.body.decode().splitlines() == [
        "FirstName,LastName,HasOptedOutTracking",
        "Ann,Lee,true",
        "Bo,Ng,true",
        "Ann,Lee,true",
        "Cy,,true",
    ]
    assert json.loads(responses.calls[2].request.body) == {"state": "UploadComplete"}
    assert c.calls == 8 and any("InProgress" in p for p in progress)


def test_http_errors_are_one_line_with_the_orgs_words(tmp_path):
    upload = tmp_path / "up.csv"
    upload.write_bytes(b"LastName\nx\n")
    with serve(tmp_path) as org:
        with pytest.raises(OrgError) as err:
            org_client(org).ingest_job("Nope", "insert", upload, "Nope insert")
        assert str(err.value).startswith("Bulk API 2.0 ingest failed (HTTP 400): ") and "Nope" in str(err.value)
        assert "\n" not in str(err.value) and org.records.count("Individual") == 0


@responses.activate
def test_a_query_job_that_ends_failed_is_one_line_with_the_orgs_words():
    responses.add(responses.POST, f"{BASE}/jobs/query", json={"id": "750Q", "state": "UploadComplete"})
    responses.add(
        responses.GET,
        f"{BASE}/jobs/query/750Q",
        json={"id": "750Q", "state": "Failed", "errorMessage": "INVALID_FIELD: no such column"},
    )
    with pytest.raises(OrgError, match="ended Failed: INVALID_FIELD: no such column"):
        list(client().bulk_query("SELECT Nope FROM Contact"))


def test_expired_session_refreshed_once_and_token_never_in_messages(tmp_path):
    with serve(tmp_path, "session-expired:1", seed=SeedOptions(contacts=3)) as org:
        refreshed = []
        c = org_client(org, refresh=lambda: refreshed.append(1) or org.sessions.issue())
        assert sorted(r["Id"] for r in c.query("SELECT Id FROM Contact")) == sorted(
            r["Id"] for r in org.records.rows("Contact")
        )
        assert refreshed == [1] and [line["status"] for line in read_log(org.log)] == [401, 200]
        # A refresh that does not help: one line with the org's words, no token in it.
        c.token, c.refresh = "00Dbad!first-token", lambda: "00Dbad!second-token"
        with pytest.raises(OrgError) as err:
            c.describe("Lead")
        assert "-token" not in str(err.value) and "INVALID_SESSION_ID" in str(err.value)


def test_bulk_query_follows_the_locator(tmp_path, monkeypatch):
    monkeypatch.setattr(records_api, "QUERY_PAGE_ROWS", 4)
    with serve(tmp_path, seed=SeedOptions(contacts=10)) as org:
        rows = list(org_client(org).bulk_query("SELECT Id, Email FROM Contact"))
        assert sorted(r["Id"] for r in rows) == sorted(r["Id"] for r in org.records.rows("Contact"))
        pages = [line for line in read_log(org.log) if line["path"].endswith("/results")]
        assert len(pages) == 3  # 4 + 4 + 2 rows, each page asked for with the locator of the one before


@responses.activate
def test_results_are_read_as_a_stream_with_records_spanning_chunks(tmp_path, monkeypatch):
    """A results page larger than the reader's chunk, with a quoted line break and a multi-byte letter cut
    across chunk boundaries, comes out record by record, unchanged."""
    rows = [(f"003{i:012d}", "Zoë" if i % 3 else 'Line "one"\nline two') for i in range(3000)]
    body = '"Id","FirstName"\n' + "".join('"{}","{}"\n'.format(i, n.replace('"', '""')) for i, n in rows)
    responses.add(responses.POST, f"{BASE}/jobs/query", json={"id": "750Q", "state": "UploadComplete"})
    responses.add(
        responses.GET,
        f"{BASE}/jobs/query/750Q",
        json={"id": "750Q", "state": "JobComplete", "numberRecordsProcessed": 3000},
    )
    responses.add(
        responses.GET, f"{BASE}/jobs/query/750Q/results", body=body.encode(), headers={"Sforce-Locator": "null"}
    )
    assert len(body.encode()) > 1 << 16  # more than one chunk
    progress = []
    got = [(r["Id"], r["FirstName"]) for r in client(progress=progress.append).bulk_query("SELECT Id FROM Contact")]
    assert got == rows and any("3000 of 3000 rows" in p for p in progress)


def test_upload_sends_the_file_and_a_refreshed_session_sends_it_again(tmp_path):
    upload = tmp_path / "up.csv"
    upload.write_bytes(b"LastName,HasOptedOutTracking\nLee,true\n")
    # The job's creation is the first API request; the upload, the second, meets an expired session.
    with serve(tmp_path, "session-expired:2") as org:
        refreshed = []
        c = org_client(org, refresh=lambda: refreshed.append(1) or org.sessions.issue())
        c.ingest_job("Individual", "insert", upload, "Individual insert")
        puts = [(line["status"], line["bytes_in"]) for line in read_log(org.log) if line["method"] == "PUT"]
        assert refreshed == [1]
        assert [status for status, _ in puts] == [401, 201] and puts[1][1] == len(upload.read_bytes())
        assert [(r["LastName"], r["HasOptedOutTracking"]) for r in org.records.rows("Individual")] == [("Lee", True)]


def _body(request) -> bytes:
    body = request.body
    return body.read() if hasattr(body, "read") else body
