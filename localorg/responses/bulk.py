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

from localorg import soql
from localorg.http import Response
from localorg.models.bulk_jobs import INGEST_OPERATIONS
from localorg.models.schema import KEY_PREFIX
from localorg.models.sobjects import OrgSource
from localorg.soql.parser import Path

QUERY_PAGE = 50000  # rows per results page when the client gives no maxRecords


def _error(status: int, code: str, message: str) -> Response:
    return Response.json([{"errorCode": code, "message": message}], status=status)


def _public(info: dict) -> dict:
    return {k: v for k, v in info.items() if v is not None}


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
    line_ending = body.get("lineEnding", "LF")
    job = org.bulk_jobs.open_ingest(obj, operation, external, line_ending, org.identity.user_id, version)
    return Response.json(_public(job.info))


def upload(org, request, version, job_id):
    """PUT /jobs/ingest/ID/batches: the job's one CSV."""
    org.bulk_jobs.get(job_id, "ingest").upload(request.body)
    return Response(status=201, body=b"", content_type="text/plain")


def ingest_job(org, request, version, job_id):
    """GET /jobs/ingest/ID (info), PATCH (UploadComplete or Aborted), DELETE."""
    job = org.bulk_jobs.get(job_id, "ingest")
    if request.method == "GET":
        return Response.json(_public(job.info))
    if request.method == "DELETE":
        org.bulk_jobs.delete(job_id)
        return Response(status=204, body=b"", content_type="text/plain")
    try:
        state = request.json().get("state")
    except (ValueError, AttributeError):
        return _error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object with state.")
    if state == "Aborted":
        job.abort()
        return Response.json(_public(job.info))
    if state != "UploadComplete":
        return _error(400, "INVALIDJOBSTATE", f"Cannot change job {job_id} from {job.state} to {state}")
    return Response.json(_public(job.close(org)))


def csv_reply(header, rows) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(status=200, body=out.getvalue().encode("utf-8"), content_type="text/csv")


def error_text(result: dict) -> str:
    # Salesforce's form: STATUS_CODE:message:field,field --
    return " ".join(f"{e['statusCode']}:{e['message']}:{','.join(e.get('fields') or [])} --" for e in result["errors"])


def ingest_results(org, request, version, job_id, kind):
    """GET successfulResults / failedResults / unprocessedrecords."""
    job = org.bulk_jobs.get(job_id, "ingest")
    if kind == "successfulResults":
        return csv_reply(
            ["sf__Id", "sf__Created", *job.header],
            [[r["id"], "true" if c else "false", *v] for v, r, c in job.results if r["success"]],
        )
    if kind == "failedResults":
        return csv_reply(
            ["sf__Id", "sf__Error", *job.header],
            [[r["id"] or "", error_text(r), *v] for v, r, _ in job.results if not r["success"]],
        )
    return csv_reply(*job.unprocessed())


# -- query -----------------------------------------------------------------------------------------


def flatten(query, records: list[dict]):
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
        if unsupported := soql.bulk_unsupported(body["query"], parsed, OrgSource(org, version)):
            return _error(400, "INVALIDJOB", f"InvalidJob : {unsupported} are not supported by Bulk API 2.0 query")
        result = soql.execute(body["query"], OrgSource(org, version))
    except soql.SoqlError as exc:
        return _error(400, exc.error_code, exc.message)
    columns, rows = flatten(parsed, result["records"])
    reply = org.bulk_jobs.run_query(body["operation"], parsed.obj, columns, rows, org.identity.user_id, version)
    return Response.json(reply)


def query_job(org, request, version, job_id):
    """GET /jobs/query/ID."""
    return Response.json(org.bulk_jobs.get(job_id, "query").info)


def query_results(org, request, version, job_id):
    """GET /jobs/query/ID/results?maxRecords=N&locator=L: one page of CSV."""
    job = org.bulk_jobs.get(job_id, "query")
    try:
        start = int(request.param("locator") or 0)
        size = int(request.param("maxRecords") or QUERY_PAGE)
    except ValueError:
        return _error(400, "INVALID_LOCATOR", "Invalid locator or maxRecords")
    if start < 0 or size < 1:
        return _error(400, "INVALID_LOCATOR", "Invalid locator or maxRecords")
    page = job.rows[start : start + size]
    following = start + size
    response = csv_reply(job.columns, [["" if v is None else csv_value(v) for v in row] for row in page])
    response.headers["Sforce-Locator"] = str(following) if following < len(job.rows) else "null"
    response.headers["Sforce-NumberOfRecords"] = str(len(page))
    return response


def csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
