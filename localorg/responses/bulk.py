"""Bulk API 2.0 on the local org: ingest jobs (insert, update, upsert on Id, delete) and query jobs.

Shapes follow the Bulk API 2.0 Developer Guide: create a job (POST /jobs/ingest), upload one CSV
(PUT /jobs/ingest/ID/batches, 201), close it (PATCH {"state": "UploadComplete"}), poll
(GET /jobs/ingest/ID), then successfulResults (`sf__Id`, `sf__Created`, the uploaded columns),
failedResults (`sf__Id`, `sf__Error`, the uploaded columns) and unprocessedrecords. Query jobs:
POST /jobs/query, GET /jobs/query/ID, GET /jobs/query/ID/results (CSV, Sforce-Locator and
Sforce-NumberOfRecords headers, maxRecords and locator parameters).

The local org processes a job when it is closed (handlers run one at a time); the close reply says
UploadComplete, as Salesforce's does, and the next poll says JobComplete. Per-record validation and
error texts come from the records store (models/records.py), so a Bulk write is judged as a REST write is.
In Bulk API 2.0 an empty CSV value leaves the field as it is, and `#N/A` sets it to null.
Jobs live in memory: a restarted org has forgotten them, as an org forgets jobs after 7 days.
"""

import csv
import io
import time

from .. import soql
from ..http import Response
from ..models import bulk_jobs
from ..models.records import now_iso
from ..models.schema import KEY_PREFIX
from ..models.sobjects import OrgSource
from ..soql.parser import Path

INGEST_OPERATIONS = ("insert", "update", "upsert", "delete")
QUERY_PAGE = 50000  # rows per results page when the client gives no maxRecords


def _error(status: int, code: str, message: str) -> Response:
    return Response.json([{"errorCode": code, "message": message}], status=status)


def _job(org, job_id: str, kind: str):
    return org.bulk_jobs.get(job_id, kind)


def _not_found(job_id: str) -> Response:
    return _error(404, "NOT_FOUND", f"The requested resource does not exist: job {job_id}")


# -- ingest ----------------------------------------------------------------------------------------


def create_ingest(org, request, version):
    """POST /jobs/ingest: an Open job."""
    try:
        body = request.json()
    except ValueError:
        return _error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return _error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object.")
    obj, operation = body.get("object"), body.get("operation")
    if operation not in INGEST_OPERATIONS:
        return _error(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    if not isinstance(obj, str) or not org.visibility.object_exists(obj) or obj not in KEY_PREFIX:
        return _error(400, "INVALIDJOB", f"InvalidJob : Unable to find object: {obj}")
    if body.get("contentType", "CSV") != "CSV":
        return _error(400, "INVALIDJOB", f"InvalidJob : Invalid content type: {body.get('contentType')}")
    if body.get("columnDelimiter", "COMMA") != "COMMA" or body.get("lineEnding", "LF") not in ("LF", "CRLF"):
        return _error(400, "INVALIDJOB", "InvalidJob : the local org takes COMMA delimited CSV with LF or CRLF lines")
    external = body.get("externalIdFieldName")
    if operation == "upsert" and external != "Id":
        return _error(
            400,
            "INVALIDJOB",
            f"InvalidJob : External ID was blank or not an external ID field: {external}; "
            "the local org upserts on Id only",
        )
    job_id = org.bulk_jobs.new_id()
    stamp = now_iso()
    info = {
        "id": job_id,
        "operation": operation,
        "object": obj,
        "createdById": org.identity.user_id,
        "createdDate": stamp,
        "systemModstamp": stamp,
        "state": "Open",
        "externalIdFieldName": external,
        "concurrencyMode": "Parallel",
        "contentType": "CSV",
        "apiVersion": float(version),
        "jobType": "V2Ingest",
        "contentUrl": f"services/data/v{version}/jobs/ingest/{job_id}/batches",
        "lineEnding": body.get("lineEnding", "LF"),
        "columnDelimiter": "COMMA",
    }
    org.bulk_jobs.add({"info": info, "data": None, "results": None})
    return Response.json(_public(info))


def _public(info: dict) -> dict:
    return {k: v for k, v in info.items() if v is not None}


def upload(org, request, version, job_id):
    """PUT /jobs/ingest/ID/batches: the job's one CSV."""
    job = _job(org, job_id, "ingest")
    if job is None:
        return _not_found(job_id)
    if job["info"]["state"] != "Open" or job["data"] is not None:
        return _error(
            409,
            "INVALIDJOBSTATE",
            "Found multiple contents for job: " + job_id
            if job["data"] is not None
            else f"Job {job_id} is not Open: {job['info']['state']}",
        )
    try:
        job["data"] = request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _error(400, "INVALIDBATCH", "InvalidBatch : the CSV is not UTF-8")
    return Response(status=201, body=b"", content_type="text/plain")


def ingest_job(org, request, version, job_id):
    """GET /jobs/ingest/ID (info), PATCH (UploadComplete or Aborted), DELETE."""
    job = _job(org, job_id, "ingest")
    if job is None:
        return _not_found(job_id)
    info = job["info"]
    if request.method == "GET":
        return Response.json(_public(info))
    if request.method == "DELETE":
        if info["state"] not in ("JobComplete", "Aborted", "Failed", "UploadComplete"):
            return _error(400, "INVALIDJOBSTATE", f"Job {job_id} can be deleted only once it is closed")
        org.bulk_jobs.delete(job_id)
        return Response(status=204, body=b"", content_type="text/plain")
    try:
        state = request.json().get("state")
    except (ValueError, AttributeError):
        return _error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object with state.")
    if state == "Aborted" and info["state"] in ("Open", "UploadComplete", "InProgress"):
        info.update(state="Aborted", systemModstamp=now_iso())
        return Response.json(_public(info))
    if state != "UploadComplete" or info["state"] != "Open":
        return _error(400, "INVALIDJOBSTATE", f"Cannot change job {job_id} from {info['state']} to {state}")
    started = time.monotonic()
    info.update(state="UploadComplete", systemModstamp=now_iso())
    reply = dict(_public(info))
    bulk_jobs.process(org, job)
    elapsed = int((time.monotonic() - started) * 1000)
    info.update(
        totalProcessingTime=elapsed,
        apiActiveProcessingTime=elapsed,
        apexProcessingTime=0,
        retries=0,
        systemModstamp=now_iso(),
    )
    return Response.json(reply)


def _csv(header, rows) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(status=200, body=out.getvalue().encode("utf-8"), content_type="text/csv")


def _sf_error(result: dict) -> str:
    # Salesforce's form: STATUS_CODE:message:field,field --
    return " ".join(f"{e['statusCode']}:{e['message']}:{','.join(e.get('fields') or [])} --" for e in result["errors"])


def ingest_results(org, request, version, job_id, kind):
    """GET successfulResults / failedResults / unprocessedrecords."""
    job = _job(org, job_id, "ingest")
    if job is None:
        return _not_found(job_id)
    header = job.get("header") or []
    results = job["results"] or []
    if kind == "successfulResults":
        return _csv(
            ["sf__Id", "sf__Created", *header],
            [[r["id"], "true" if c else "false", *v] for v, r, c in results if r["success"]],
        )
    if kind == "failedResults":
        return _csv(
            ["sf__Id", "sf__Error", *header],
            [[r["id"] or "", _sf_error(r), *v] for v, r, _ in results if not r["success"]],
        )
    if job["info"]["state"] == "Aborted" and job["data"]:
        reader = csv.reader(io.StringIO(job["data"]))
        header = next(reader, [])
        return _csv(header, list(reader))
    return _csv(header, [])


# -- query -----------------------------------------------------------------------------------------


def _flatten(query, records: list[dict]):
    """CSV columns as the query names them (`Individual.HasOptedOutTracking`), and rows of values."""

    paths = [p for p in query.select if isinstance(p, Path)]

    def pick(record, parts):
        value = record
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
        return value

    return [p.text for p in paths], [[pick(r, p.parts) for p in paths] for r in records]


def create_query(org, request, version):
    """POST /jobs/query: run the SOQL at once (the records are local); results kept for paging."""

    try:
        body = request.json()
    except ValueError:
        return _error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON.")
    if not isinstance(body, dict) or body.get("operation") not in ("query", "queryAll") or not body.get("query"):
        return _error(400, "INVALIDJOB", "InvalidJob : a query job needs operation query or queryAll and a query")
    try:
        parsed = soql.parse(body["query"])
        if any(isinstance(item, soql.Count) for item in parsed.select):
            return _error(400, "INVALIDJOB", "InvalidJob : Aggregate queries are not supported by Bulk API 2.0 query")
        result = soql.execute(body["query"], OrgSource(org, version))
    except soql.SoqlError as exc:
        return _error(400, exc.error_code, exc.message)
    columns, rows = _flatten(parsed, result["records"])
    job_id = org.bulk_jobs.new_id()
    stamp = now_iso()
    info = {
        "id": job_id,
        "operation": body["operation"],
        "object": parsed.obj,
        "createdById": org.identity.user_id,
        "createdDate": stamp,
        "systemModstamp": stamp,
        "state": "UploadComplete",
        "concurrencyMode": "Parallel",
        "contentType": "CSV",
        "apiVersion": float(version),
        "jobType": "V2Query",
        "lineEnding": "LF",
        "columnDelimiter": "COMMA",
    }
    reply = dict(info)
    info.update(state="JobComplete", numberRecordsProcessed=len(rows), retries=0, totalProcessingTime=0)
    org.bulk_jobs.add({"info": info, "columns": columns, "rows": rows})
    return Response.json(reply)


def query_job(org, request, version, job_id):
    """GET /jobs/query/ID."""
    job = _job(org, job_id, "query")
    return Response.json(job["info"]) if job else _not_found(job_id)


def query_results(org, request, version, job_id):
    """GET /jobs/query/ID/results?maxRecords=N&locator=L: one page of CSV."""
    job = _job(org, job_id, "query")
    if job is None:
        return _not_found(job_id)
    try:
        start = int(request.param("locator") or 0)
        size = int(request.param("maxRecords") or QUERY_PAGE)
    except ValueError:
        return _error(400, "INVALID_LOCATOR", "Invalid locator or maxRecords")
    if start < 0 or size < 1:
        return _error(400, "INVALID_LOCATOR", "Invalid locator or maxRecords")
    page = job["rows"][start : start + size]
    following = start + size
    response = _csv(job["columns"], [["" if v is None else _text(v) for v in row] for row in page])
    response.headers["Sforce-Locator"] = str(following) if following < len(job["rows"]) else "null"
    response.headers["Sforce-NumberOfRecords"] = str(len(page))
    return response


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
