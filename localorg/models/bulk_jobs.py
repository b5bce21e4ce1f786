"""Bulk API 2.0 jobs: state of the org (ids, uploaded CSV, per-record results) and how a closed
ingest job is applied through the records store, so a Bulk write is judged as a REST write is.

Jobs live in memory: a restarted org has forgotten them, as an org forgets jobs after 7 days.
In Bulk API 2.0 an empty CSV value leaves the field as it is, and `#N/A` sets it to null.
"""

import csv
import io
import itertools

from .ids import sf_id


class BulkJobs:
    """One org's Bulk API 2.0 jobs by id: {"info": job info, ...the job's data and results}."""

    def __init__(self):
        self._jobs: dict[str, dict] = {}
        self._ids = itertools.count(1)

    def new_id(self) -> str:
        return sf_id("750", next(self._ids))

    def add(self, job: dict) -> None:
        self._jobs[job["info"]["id"]] = job

    def get(self, job_id: str, kind: str) -> dict | None:
        """The job of that kind (ingest or query), or None."""
        job = self._jobs.get(job_id)
        if job is None or job["info"]["jobType"] != ("V2Query" if kind == "query" else "V2Ingest"):
            return None
        return job

    def delete(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)


def _fail(info: dict, message: str) -> None:
    info.update(state="Failed", errorMessage=message, numberRecordsProcessed=0, numberRecordsFailed=0)


def process(org, job: dict) -> None:
    """Apply the uploaded CSV through the records store; keep per-record results in upload order."""
    info = job["info"]
    obj, operation = info["object"], info["operation"]
    if not job["data"]:
        return _fail(info, "InvalidBatch : No data was uploaded for this job")
    reader = csv.reader(io.StringIO(job["data"]))
    header = next(reader, None) or []
    fields = org.visibility.field_map(obj)
    unknown = [h for h in header if h.lower() not in fields]
    if unknown:
        return _fail(info, f"InvalidBatch : Field name not found : {unknown[0]}")
    if operation in ("update", "delete") and not any(h.lower() == "id" for h in header):
        return _fail(info, "InvalidBatch : Id column is required for " + operation)
    rows = [r for r in reader if any(v.strip() for v in r)]
    records = []
    for values in rows:
        record = {}
        for name, value in zip(header, values, strict=False):
            if value == "":
                continue  # an empty value leaves the field as it is
            record[fields[name.lower()].name] = None if value == "#N/A" else value
        records.append(record)
    vis = org.visibility
    store = org.records
    if operation == "insert":
        results = store.create_many(obj, records, vis, owner=org.identity.user_id)
        created = [True] * len(results)
    elif operation == "update":
        results = store.update_many(obj, records, vis)
        created = [False] * len(results)
    elif operation == "upsert":
        results, created = _upsert(org, obj, records)
    else:
        results = store.delete_many(obj, [r.get("Id") for r in records])
        created = [False] * len(results)
    job["results"] = [
        (values, result, was_created) for values, result, was_created in zip(rows, results, created, strict=False)
    ]
    job["header"] = header
    failed = sum(1 for r in results if not r["success"])
    info.update(state="JobComplete", numberRecordsProcessed=len(results), numberRecordsFailed=failed)


def _upsert(org, obj: str, records: list[dict]):
    """Upsert on Id: rows with an Id update, rows without one insert; results in row order."""
    with_id = [i for i, r in enumerate(records) if r.get("Id")]
    without = [i for i, r in enumerate(records) if not r.get("Id")]
    results = [None] * len(records)
    for i, res in zip(
        with_id, org.records.update_many(obj, [records[i] for i in with_id], org.visibility), strict=False
    ):
        results[i] = res
    for i, res in zip(
        without,
        org.records.create_many(obj, [records[i] for i in without], org.visibility, owner=org.identity.user_id),
        strict=False,
    ):
        results[i] = res
    return results, [not records[i].get("Id") for i in range(len(records))]
