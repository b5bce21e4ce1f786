"""Bulk API 1.0 jobs and batches (Bulk API Developer Guide, "Bulk API 1.0"): a job is Open until Closed or
Aborted; each batch added to an Open job is processed when it arrives (the org is local and handlers run one at
a time), so it reads Queued in the reply that adds it, as Salesforce's does, and Completed (or Failed, with its
stateMessage) from then on. DML batches go through the records store as Bulk API 2.0 rows do (bulk_jobs.py);
query batches through the SOQL engine. Contents are CSV or JSON, as the job's contentType says.

Jobs live in memory: a restarted org has forgotten them, as an org forgets jobs after 7 days.
"""

import itertools
import json

from localorg import soql
from localorg.exceptions import SalesforceError
from localorg.models.bulk_jobs import INGEST_OPERATIONS, apply_records, read_csv
from localorg.models.ids import sf_id
from localorg.models.records import now_iso
from localorg.models.schema import KEY_PREFIX
from localorg.models.sobjects import OrgSource

OPERATIONS = (*INGEST_OPERATIONS, "query", "queryAll")
CONTENT_TYPES = ("CSV", "JSON")
MAX_BATCH_RECORDS = 10000


class BulkV1Error(SalesforceError):
    """A request Bulk API 1.0 refuses: exceptionCode (InvalidJob, InvalidBatch, InvalidJobState ...) and message."""


class Batch:
    def __init__(self, batch_id: str, job_id: str, body: bytes):
        stamp = now_iso()
        self.info = {
            "id": batch_id,
            "jobId": job_id,
            "state": "Queued",
            "createdDate": stamp,
            "systemModstamp": stamp,
            "numberRecordsProcessed": 0,
            "numberRecordsFailed": 0,
            "totalProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "apexProcessingTime": 0,
        }
        self.body = body
        self.results: list[dict] = []  # DML: per-record results in row order
        self.records: list[dict] = []  # query: the records as the REST API shapes them
        self.query = None  # query: the parsed SOQL
        self.result_id = ""  # a query batch's one result set

    def fail(self, message: str) -> None:
        self.info.update(state="Failed", stateMessage=message, systemModstamp=now_iso())

    def complete(self, processed: int, failed: int = 0) -> None:
        self.info.update(
            state="Completed", numberRecordsProcessed=processed, numberRecordsFailed=failed, systemModstamp=now_iso()
        )


class Job:
    def __init__(self, info: dict):
        self.info = info
        self.batches: list[Batch] = []

    @property
    def id(self) -> str:
        return self.info["id"]

    @property
    def content_type(self) -> str:
        return self.info["contentType"]

    def shown(self) -> dict:
        """The job info with its batch counters, in the order Salesforce lists them."""
        states = [b.info["state"] for b in self.batches]
        counts = {
            "numberBatchesQueued": states.count("Queued"),
            "numberBatchesInProgress": states.count("InProgress"),
            "numberBatchesCompleted": states.count("Completed"),
            "numberBatchesFailed": states.count("Failed"),
            "numberBatchesTotal": len(states),
            "numberRecordsProcessed": sum(b.info["numberRecordsProcessed"] for b in self.batches),
            "numberRetries": 0,
            "apiVersion": self.info["apiVersion"],
            "numberRecordsFailed": sum(b.info["numberRecordsFailed"] for b in self.batches),
            "totalProcessingTime": 0,
            "apiActiveProcessingTime": 0,
            "apexProcessingTime": 0,
        }
        head = {k: v for k, v in self.info.items() if k != "apiVersion"}
        return {**head, **counts}

    def batch(self, batch_id: str) -> Batch:
        found = next((b for b in self.batches if b.info["id"] == batch_id), None)
        if found is None:
            raise BulkV1Error(f"Invalid batch id: {batch_id}", "InvalidBatch")
        return found


class BulkV1Jobs:
    """One org's Bulk API 1.0 jobs by id."""

    def __init__(self, new_job_id):
        self._jobs: dict[str, Job] = {}
        self._new_job_id = new_job_id  # shared with Bulk API 2.0: one org, one series of job ids
        self._batch_ids = itertools.count(1)

    def create(self, org, version: str, operation, obj, content_type, external_id=None, concurrency=None) -> Job:
        if operation not in OPERATIONS:
            raise BulkV1Error(f"Invalid operation: {operation}", "InvalidJob")
        name = next((o for o in KEY_PREFIX if o.lower() == str(obj or "").lower()), None)
        if name is None or not org.visibility.object_exists(name):
            raise BulkV1Error(f"Unable to find object: {obj}", "InvalidJob")
        if content_type not in CONTENT_TYPES:
            raise BulkV1Error(
                f"Invalid content type: {content_type}: the local org takes CSV and JSON (not XML)", "InvalidJob"
            )
        if operation == "upsert" and external_id != "Id":
            raise BulkV1Error(
                f"External ID was blank or not an external ID field: {external_id}; the local org upserts on Id only",
                "InvalidJob",
            )
        stamp = now_iso()
        info = {"id": self._new_job_id(), "operation": operation, "object": name}
        if external_id:
            info["externalIdFieldName"] = external_id
        info.update(
            createdById=org.identity.user_id,
            createdDate=stamp,
            systemModstamp=stamp,
            state="Open",
            concurrencyMode="Serial" if concurrency in ("Serial", 1, "1") else "Parallel",
            contentType=content_type,
            apiVersion=float(version),
        )
        job = Job(info)
        self._jobs[job.id] = job
        return job

    def find(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise BulkV1Error(f"Invalid job id: {job_id}", "InvalidJob")
        return job

    def set_state(self, job_id: str, state: str) -> Job:
        """Open -> Closed or Aborted."""
        job = self.get(job_id)
        if state not in ("Closed", "Aborted"):
            raise BulkV1Error(f"Invalid state: {state}: a job is Closed or Aborted", "InvalidJobState")
        if job.info["state"] != "Open":
            raise BulkV1Error(f"Job {job_id} is {job.info['state']}, not Open", "InvalidJobState")
        job.info.update(state=state, systemModstamp=now_iso())
        return job

    def add_batch(self, org, job_id: str, body: bytes) -> tuple[Job, dict]:
        """Add and process a batch; (job, the batch info as the adding reply shows it: Queued)."""
        job = self.get(job_id)
        if job.info["state"] != "Open":
            raise BulkV1Error(f"Job {job_id} is {job.info['state']}: batches are added to Open jobs", "InvalidJobState")
        batch = Batch(sf_id("751", next(self._batch_ids)), job.id, body)
        batch.result_id = sf_id("752", next(self._batch_ids))
        job.batches.append(batch)
        reply = dict(batch.info)
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            batch.fail("InvalidBatch : the batch is not UTF-8")
            return job, reply
        if job.info["operation"] in ("query", "queryAll"):
            _run_query(org, job, batch, text)
        else:
            _run_dml(org, job, batch, text)
        return job, reply


def _run_query(org, job: Job, batch: Batch, text: str) -> None:
    try:
        parsed = soql.parse(text)
        if any(isinstance(item, soql.Count) for item in parsed.select):
            return batch.fail("InvalidBatch : Aggregate Relationships not supported in Bulk Query")
        if unsupported := soql.bulk_unsupported(text, parsed, OrgSource(org, str(job.info["apiVersion"]))):
            return batch.fail(f"InvalidBatch : {unsupported} are not supported in Bulk Query")
        if (parsed.obj or "").lower() != job.info["object"].lower():
            return batch.fail(f"InvalidBatch : The query is on {parsed.obj}, the job on {job.info['object']}")
        result = soql.execute(text, OrgSource(org, str(job.info["apiVersion"])))
    except soql.SoqlError as e:
        return batch.fail(f"InvalidBatch : Failed to process query: {e.error_code}: {e.message}")
    batch.query, batch.records = parsed, result["records"]
    batch.complete(len(batch.records))


def _run_dml(org, job: Job, batch: Batch, text: str) -> None:
    obj, operation = job.info["object"], job.info["operation"]
    if job.content_type == "CSV":
        try:
            _, _, records = read_csv(org, obj, operation, text)
        except ValueError as e:
            return batch.fail(str(e))
    else:
        try:
            records = json.loads(text)
        except ValueError:
            return batch.fail("InvalidBatch : the batch is not a JSON list of records")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            return batch.fail("InvalidBatch : the batch is not a JSON list of records")
    if len(records) > MAX_BATCH_RECORDS:
        return batch.fail(f"InvalidBatch : Records in a batch cannot exceed {MAX_BATCH_RECORDS}")
    results, created = apply_records(org, obj, operation, records)
    batch.results = [dict(r, created=c and r["success"]) for r, c in zip(results, created, strict=True)]
    batch.complete(len(results), sum(1 for r in results if not r["success"]))
