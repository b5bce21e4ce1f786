"""The Bulk API 2.0 job model: each state transition, and the ones Salesforce refuses."""

import pytest

from localorg.exceptions import NotFound, SalesforceError
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg


@pytest.fixture
def org(tmp_path):
    o = LocalOrg(tmp_path, OrgIdentity())
    yield o
    o.close()


def open_job(org, operation="insert"):
    return org.bulk_jobs.open_ingest("Lead", operation, None, "LF", org.identity.user_id, "63.0")


def test_open_upload_close_completes_the_job_through_the_records_store(org):
    job = open_job(org)
    assert job.state == "Open" and job.id.startswith("750")
    job.upload(b"\xef\xbb\xbfLastName,Company\nAda,Analytical\n,NoName\n")
    reply = job.close(org)
    assert reply["state"] == "UploadComplete"
    assert (job.state, job.info["numberRecordsProcessed"], job.info["numberRecordsFailed"]) == ("JobComplete", 2, 1)
    assert [row["LastName"] for row in org.records.rows("Lead")] == ["Ada"]
    assert [created for _, _, created in job.results] == [True, True]


def test_refused_transitions_change_nothing(org):
    job = open_job(org)
    job.abort()
    with pytest.raises(SalesforceError, match="not Open: Aborted") as e:
        job.upload(b"LastName\nA\n")
    assert e.value.error_code == "INVALIDJOBSTATE" and e.value.status == 409 and job.data is None
    with pytest.raises(SalesforceError, match="from Aborted to UploadComplete"):
        job.close(org)
    with pytest.raises(SalesforceError, match="from Aborted to Aborted"):
        job.abort()
    assert org.records.count("Lead") == 0


def test_an_empty_job_fails_and_only_closed_jobs_are_deleted(org):
    job = open_job(org, "delete")
    with pytest.raises(SalesforceError, match="only once it is closed"):
        org.bulk_jobs.delete(job.id)
    job.close(org)
    assert job.state == "Failed" and "No data was uploaded" in job.info["errorMessage"]
    org.bulk_jobs.delete(job.id)
    with pytest.raises(NotFound):
        org.bulk_jobs.get(job.id, "ingest")


def test_a_second_upload_and_a_query_id_as_ingest_are_refused(org):
    job = open_job(org)
    job.upload(b"LastName,Company\nA,B\n")
    with pytest.raises(SalesforceError, match="multiple contents"):
        job.upload(b"LastName,Company\nC,D\n")
    reply = org.bulk_jobs.run_query("query", "Lead", ["Id"], [["00Q"]], org.identity.user_id, "63.0")
    assert reply["state"] == "UploadComplete" and org.bulk_jobs.get(reply["id"], "query").state == "JobComplete"
    with pytest.raises(NotFound):
        org.bulk_jobs.get(reply["id"], "ingest")
