"""Bulk API 2.0 jobs: each job's state and every transition of it (Open -> UploadComplete -> JobComplete or
Failed; Aborted; deleted once closed), the uploaded CSV and per-record results. A closed ingest job is applied
through the records store, so a Bulk write is judged as a REST write is.

Jobs live in memory: a restarted org has forgotten them, as an org forgets jobs after 7 days.
In Bulk API 2.0 an empty CSV value leaves the field as it is, and `#N/A` sets it to null.
"""

import csv
import io
import itertools
import time

from localorg.exceptions import NotFound, SalesforceError
from localorg.models.ids import sf_id
from localorg.models.records import now_iso

# hardDelete skips the recycle bin; the local org keeps none, so it deletes as delete does.
INGEST_OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
CLOSED_STATES = ("JobComplete", "Aborted", "Failed", "UploadComplete")


def _invalid_state(message: str, status: int = 400) -> SalesforceError:
    return SalesforceError(message, "INVALIDJOBSTATE", status)


class BulkJob:
    """One job: `info` is what the API shows; the model changes it only through its transitions."""

    def __init__(self, info: dict):
        self.info = info
        self.data: str | None = None  # the ingest job's one CSV
        self.header: list[str] = []
        self.results: list[tuple] = []  # (uploaded values, result, created) in upload order
        self.columns: list[str] = []  # a query job's CSV columns and rows
        self.rows: list[list] = []

    @property
    def id(self) -> str:
        return self.info["id"]

    @property
    def state(self) -> str:
        return self.info["state"]

    def _move(self, state: str, **fields) -> None:
        self.info.update(state=state, systemModstamp=now_iso(), **fields)

    def upload(self, body: bytes) -> None:
        """The job's one CSV, while it is Open."""
        if self.data is not None:
            raise _invalid_state(f"Found multiple contents for job: {self.id}", 409)
        if self.state != "Open":
            raise _invalid_state(f"Job {self.id} is not Open: {self.state}", 409)
        try:
            self.data = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SalesforceError("InvalidBatch : the CSV is not UTF-8", "INVALIDBATCH") from None

    def abort(self) -> None:
        if self.state not in ("Open", "UploadComplete", "InProgress"):
            raise _invalid_state(f"Cannot change job {self.id} from {self.state} to Aborted")
        self._move("Aborted")

    def close(self, org) -> dict:
        """Open -> UploadComplete (the info the close answers with), then processed to JobComplete or Failed."""
        if self.state != "Open":
            raise _invalid_state(f"Cannot change job {self.id} from {self.state} to UploadComplete")
        started = time.monotonic()
        self._move("UploadComplete")
        reply = dict(self.info)
        self._process(org)
        elapsed = int((time.monotonic() - started) * 1000)
        self.info.update(
            totalProcessingTime=elapsed,
            apiActiveProcessingTime=elapsed,
            apexProcessingTime=0,
            retries=0,
            systemModstamp=now_iso(),
        )
        return reply

    def check_deletable(self) -> None:
        if self.state not in CLOSED_STATES:
            raise _invalid_state(f"Job {self.id} can be deleted only once it is closed")

    def unprocessed(self) -> tuple[list[str], list[list[str]]]:
        """An aborted job's uploaded rows (header, rows); none otherwise."""
        if self.state == "Aborted" and self.data:
            reader = csv.reader(io.StringIO(self.data))
            return next(reader, []), list(reader)
        return self.header, []

    def _fail(self, message: str) -> None:
        self.info.update(state="Failed", errorMessage=message, numberRecordsProcessed=0, numberRecordsFailed=0)

    def _process(self, org) -> None:
        """Apply the uploaded CSV through the records store; keep per-record results in upload order."""
        obj, operation = self.info["object"], self.info["operation"]
        if not self.data:
            return self._fail("InvalidBatch : No data was uploaded for this job")
        try:
            header, rows, records = read_csv(org, obj, operation, self.data)
        except ValueError as e:
            return self._fail(str(e))
        results, created = apply_records(org, obj, operation, records)
        self.results = list(zip(rows, results, created, strict=False))
        self.header = header
        failed = sum(1 for r in results if not r["success"])
        self.info.update(state="JobComplete", numberRecordsProcessed=len(results), numberRecordsFailed=failed)


def read_csv(org, obj: str, operation: str, text: str) -> tuple[list[str], list[list[str]], list[dict]]:
    """(header, rows, records keyed by field name) of an ingest CSV; ValueError with Salesforce's message when a
    column names no field or an Id column is missing. An empty value is left out; `#N/A` is null."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None) or []
    fields = org.visibility.field_map(obj)
    unknown = [h for h in header if h.lower() not in fields]
    if unknown:
        raise ValueError(f"InvalidBatch : Field name not found : {unknown[0]}")
    if operation in ("update", "delete", "hardDelete") and not any(h.lower() == "id" for h in header):
        raise ValueError("InvalidBatch : Id column is required for " + operation)
    rows = [r for r in reader if any(v.strip() for v in r)]
    records = []
    for values in rows:
        record = {}
        for name, value in zip(header, values, strict=False):
            if value == "":
                continue  # an empty value leaves the field as it is
            record[fields[name.lower()].name] = None if value == "#N/A" else value
        records.append(record)
    return header, rows, records


def apply_records(org, obj: str, operation: str, records: list[dict]):
    """Per-record results and whether each was created, for an ingest operation (Bulk API 1.0 and 2.0)."""
    store, vis = org.records, org.visibility
    if operation == "insert":
        results = store.create_many(obj, records, vis, owner=org.identity.user_id)
        return results, [True] * len(results)
    if operation == "update":
        results = store.update_many(obj, records, vis)
    elif operation == "upsert":
        return _upsert(org, obj, records)
    else:
        results = store.delete_many(obj, [r.get("Id") for r in records])
    return results, [False] * len(results)


def _upsert(org, obj: str, records: list[dict]):
    """Upsert on Id: rows with an Id update, rows without one insert; results in row order."""
    with_id = [i for i, r in enumerate(records) if r.get("Id")]
    without = [i for i, r in enumerate(records) if not r.get("Id")]
    results = [None] * len(records)
    updated = org.records.update_many(obj, [records[i] for i in with_id], org.visibility)
    for i, res in zip(with_id, updated, strict=False):
        results[i] = res
    inserted = org.records.create_many(obj, [records[i] for i in without], org.visibility, owner=org.identity.user_id)
    for i, res in zip(without, inserted, strict=False):
        results[i] = res
    return results, [not records[i].get("Id") for i in range(len(records))]


class BulkJobs:
    """One org's Bulk API 2.0 jobs by id."""

    def __init__(self):
        self._jobs: dict[str, BulkJob] = {}
        self._ids = itertools.count(1)

    def next_id(self) -> str:
        """A new job id; Bulk API 1.0 jobs (models/bulk_v1.py) draw from it too, as both are jobs of one org."""
        return sf_id("750", next(self._ids))

    def _new(self, user_id: str, version: str, **info) -> BulkJob:
        job_id = self.next_id()
        stamp = now_iso()
        job = BulkJob(
            {
                "id": job_id,
                "createdById": user_id,
                "createdDate": stamp,
                "systemModstamp": stamp,
                **info,
                "concurrencyMode": "Parallel",
                "contentType": "CSV",
                "apiVersion": float(version),
            }
        )
        self._jobs[job_id] = job
        return job

    def open_ingest(self, obj, operation, external, line_ending, user_id, version) -> BulkJob:
        """A new Open ingest job."""
        job = self._new(
            user_id,
            version,
            operation=operation,
            object=obj,
            state="Open",
            externalIdFieldName=external,
        )
        job.info.update(
            jobType="V2Ingest",
            contentUrl=f"services/data/v{version}/jobs/ingest/{job.id}/batches",
            lineEnding=line_ending,
            columnDelimiter="COMMA",
        )
        return job

    def run_query(self, operation, obj, columns, rows, user_id, version) -> dict:
        """A query job whose results are ready; returns the info its creation answers with (UploadComplete)."""
        job = self._new(user_id, version, operation=operation, object=obj, state="UploadComplete")
        job.info.update(jobType="V2Query", lineEnding="LF", columnDelimiter="COMMA")
        reply = dict(job.info)
        job.columns, job.rows = columns, rows
        job.info.update(state="JobComplete", numberRecordsProcessed=len(rows), retries=0, totalProcessingTime=0)
        return reply

    def get(self, job_id: str, kind: str) -> BulkJob:
        """The job of that kind (ingest or query); NotFound otherwise."""
        job = self._jobs.get(job_id)
        if job is None or job.info["jobType"] != ("V2Query" if kind == "query" else "V2Ingest"):
            raise NotFound(f"The requested resource does not exist: job {job_id}")
        return job

    def delete(self, job_id: str) -> None:
        self.get(job_id, "ingest").check_deletable()
        self._jobs.pop(job_id, None)
