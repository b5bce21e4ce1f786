"""org.records_client.RecordsClient over HTTP (mocked with responses): Salesforce's shapes in and out."""

import json
import random

import pytest
import requests
import responses

from email_privacy.errors import OrgError
from email_privacy.features.match_index import MatchIndex
from email_privacy.features.record_writes import write
from email_privacy.org.records_client import RecordsClient

BASE = "https://org.example/services/data/v63.0"


def client(**kw):
    return RecordsClient(
        session=requests.Session(),
        instance_url="https://org.example",
        api_version="63.0",
        token="tok-1",
        poll_interval=0,
        **kw,
    )


@responses.activate
def test_collections_200_a_call_with_per_record_errors():
    bodies = []

    def reply(request):
        body = json.loads(request.body)
        bodies.append(body)
        return (
            200,
            {},
            json.dumps(
                [
                    {
                        "id": r["Id"],
                        "success": r["Id"] != "003BAD",
                        "errors": []
                        if r["Id"] != "003BAD"
                        else [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}],
                    }
                    for r in body["records"]
                ]
            ),
        )

    responses.add_callback(responses.PATCH, f"{BASE}/composite/sobjects", callback=reply)
    rows = [{"Id": f"003{i:03d}", "IndividualId": "0PK1"} for i in range(249)] + [
        {"Id": "003BAD", "IndividualId": "0PK1"}
    ]
    outcomes = list(client().collection_write("Contact", "update", iter(rows)))
    assert [len(b["records"]) for b in bodies] == [200, 50]
    assert all(b["allOrNone"] is False and b["records"][0]["attributes"] == {"type": "Contact"} for b in bodies)
    assert [o.index for o in outcomes] == list(range(250))
    assert outcomes[-1].error == "ENTITY_IS_DELETED: entity is deleted" and all(o.ok for o in outcomes[:-1])


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


@responses.activate
def test_failed_job_and_http_errors_are_one_line_with_the_orgs_words(tmp_path):
    responses.add(
        responses.POST,
        f"{BASE}/jobs/ingest",
        status=400,
        json=[{"errorCode": "INVALIDJOB", "message": "InvalidJob : Unable to find object: Nope"}],
    )
    with pytest.raises(OrgError) as err:
        client().ingest_job("Nope", "insert", tmp_path / "none.csv", "Nope insert")
    assert str(err.value) == (
        "Bulk API 2.0 ingest failed (HTTP 400): INVALIDJOB: InvalidJob : Unable to find object: Nope"
    )
    responses.add(responses.POST, f"{BASE}/jobs/query", json={"id": "750Q", "state": "UploadComplete"})
    responses.add(
        responses.GET,
        f"{BASE}/jobs/query/750Q",
        json={"id": "750Q", "state": "Failed", "errorMessage": "INVALID_FIELD: no such column"},
    )
    with pytest.raises(OrgError, match="ended Failed: INVALID_FIELD: no such column"):
        list(client().bulk_query("SELECT Nope FROM Contact"))


@responses.activate
def test_expired_session_refreshed_once_and_token_never_in_messages():
    responses.add(
        responses.GET,
        f"{BASE}/query",
        status=401,
        json=[{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}],
    )
    responses.add(
        responses.GET,
        f"{BASE}/query",
        json={
            "done": False,
            "totalSize": 3,
            "nextRecordsUrl": "/services/data/v63.0/query/01g-2000",
            "records": [{"attributes": {}, "Id": "1"}, {"Id": "2"}],
        },
    )
    responses.add(responses.GET, f"{BASE}/query/01g-2000", json={"done": True, "records": [{"Id": "3"}]})
    refreshed = []
    c = client(refresh=lambda: refreshed.append(1) or "tok-2")
    assert [r["Id"] for r in c.query("SELECT Id FROM Contact")] == ["1", "2", "3"]
    assert refreshed == [1] and responses.calls[1].request.headers["Authorization"] == "Bearer tok-2"
    responses.add(
        responses.GET,
        f"{BASE}/sobjects/Lead/describe",
        status=401,
        json=[{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}],
    )
    with pytest.raises(OrgError) as err:
        c.describe("Lead")
    assert "tok-" not in str(err.value) and "INVALID_SESSION_ID" in str(err.value)


@responses.activate
def test_bulk_query_follows_the_locator():
    responses.add(responses.POST, f"{BASE}/jobs/query", json={"id": "750Q", "state": "UploadComplete"})
    responses.add(responses.GET, f"{BASE}/jobs/query/750Q", json={"id": "750Q", "state": "JobComplete"})
    responses.add(
        responses.GET,
        f"{BASE}/jobs/query/750Q/results",
        body='"Id","Individual.HasOptedOutTracking"\n"1","true"\n',
        headers={"Sforce-Locator": "abc", "Sforce-NumberOfRecords": "1"},
    )
    responses.add(
        responses.GET,
        f"{BASE}/jobs/query/750Q/results",
        body='"Id","Individual.HasOptedOutTracking"\n"2",""\n',
        headers={"Sforce-Locator": "null", "Sforce-NumberOfRecords": "1"},
    )
    rows = list(client().bulk_query("SELECT Id, Individual.HasOptedOutTracking FROM Contact"))
    assert rows == [
        {"Id": "1", "Individual.HasOptedOutTracking": "true"},
        {"Id": "2", "Individual.HasOptedOutTracking": ""},
    ]
    assert "locator=abc" in responses.calls[-1].request.url


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


@responses.activate
def test_upload_sends_the_file_and_a_refreshed_session_sends_it_again(tmp_path):
    upload = tmp_path / "up.csv"
    upload.write_bytes(b"Id,IndividualId\n003000000000001AAA,0PK000000000001AAA\n")
    responses.add(responses.POST, f"{BASE}/jobs/ingest", json={"id": "750J", "state": "Open"})
    responses.add(
        responses.PUT,
        f"{BASE}/jobs/ingest/750J/batches",
        status=401,
        json=[{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}],
    )
    responses.add(responses.PUT, f"{BASE}/jobs/ingest/750J/batches", status=201)
    responses.add(responses.PATCH, f"{BASE}/jobs/ingest/750J", json={"id": "750J", "state": "UploadComplete"})
    responses.add(
        responses.GET,
        f"{BASE}/jobs/ingest/750J",
        json={"id": "750J", "state": "JobComplete", "numberRecordsProcessed": 1},
    )
    c = client(refresh=lambda: "tok-2")
    assert c.ingest_job("Contact", "update", upload, "Contact update")[0] == "750J"
    puts = [call.request for call in responses.calls if call.request.method == "PUT"]
    assert len(puts) == 2 and all(_body(p) == upload.read_bytes() for p in puts)
    assert puts[1].headers["Authorization"] == "Bearer tok-2"


def _body(request) -> bytes:
    body = request.body
    return body.read() if hasattr(body, "read") else body
