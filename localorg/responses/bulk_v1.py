"""Bulk API 1.0 on the local org (`/services/async/<version>/job...`), as salesforce_bulk (under CumulusCI's
`query`, extract and load tasks) and simple_salesforce's `bulk` speak it (Bulk API Developer Guide, "Bulk API
1.0": Create a Job, Add a Batch, Get Batch Results, Job and Batch Info, Errors).

The session comes in `X-SFDC-Session`. Job and batch infos are XML in the asyncapi namespace, or JSON when the
request is JSON or the job's contentType is JSON. DML results are CSV (`"Id","Success","Created","Error"`) or
JSON; a query batch has one result set, CSV with the columns as the query names them, or JSON records.
Errors are `<error><exceptionCode/><exceptionMessage/></error>` (or JSON) with HTTP 400. The models are in
models/bulk_v1.py.
"""

import json

from lxml import etree

from localorg.http import Request, Response
from localorg.models.bulk_v1 import BulkV1Error
from localorg.responses.bulk import csv_reply, csv_value, error_text, flatten

NS = "http://www.force.com/2009/06/asyncapi/dataload"
XML = "application/xml"
JSON = "application/json"
NO_RECORDS = "Records not found for this query"


def _wants_json(request: Request, job=None) -> bool:
    return request.headers.get("content-type", "").startswith(JSON) or (job is not None and job.content_type == "JSON")


def _xml(root: str, fields: dict) -> Response:
    el = etree.Element(f"{{{NS}}}{root}", nsmap={None: NS})
    _fill(el, fields)
    return Response(body=etree.tostring(el, xml_declaration=True, encoding="UTF-8"), content_type=XML)


def _fill(el, fields: dict) -> None:
    for key, value in fields.items():
        child = etree.SubElement(el, f"{{{NS}}}{key}")
        child.text = ("true" if value else "false") if isinstance(value, bool) else str(value)


def _info(request: Request, job, root: str, fields: dict, status: int = 200) -> Response:
    if _wants_json(request, job):
        reply = Response.json(fields, status=status)
        reply.content_type = JSON
        return reply
    reply = _xml(root, fields)
    reply.status = status
    return reply


def error(request: Request, code: str, message: str, job=None) -> Response:
    """Bulk API 1.0's error body, HTTP 400."""
    return _info(request, job, "error", {"exceptionCode": code, "exceptionMessage": message}, status=400)


def _job_request(request: Request) -> dict:
    """The jobInfo a client sent, XML or JSON, as a dict; BulkV1Error if unreadable."""
    try:
        if _wants_json(request):
            body = request.json()
            if not isinstance(body, dict):
                raise ValueError("not an object")
            return body
        root = etree.fromstring(request.body, etree.XMLParser(resolve_entities=False, no_network=True))
        return {etree.QName(c).localname: (c.text or "").strip() for c in root if isinstance(c.tag, str)}
    except (ValueError, etree.XMLSyntaxError, UnicodeDecodeError) as e:
        raise BulkV1Error(f"Unable to parse the jobInfo: {str(e)[:120]}", "InvalidXML") from None


def _guarded(handler):
    def run(org, request, **groups):
        try:
            return handler(org, request, **groups)
        except BulkV1Error as e:
            return error(request, e.error_code, e.message, org.bulk_v1.find(groups.get("job_id") or ""))

    run.__doc__ = handler.__doc__
    return run


@_guarded
def create_job(org, request: Request, version: str) -> Response:
    """POST job: a new Open job (201)."""
    body = _job_request(request)
    job = org.bulk_v1.create(
        org,
        version,
        body.get("operation"),
        body.get("object"),
        body.get("contentType") or "CSV",
        body.get("externalIdFieldName"),
        body.get("concurrencyMode"),
    )
    return _info(request, job, "jobInfo", job.shown(), status=201)


@_guarded
def job(org, request: Request, version: str, job_id: str) -> Response:
    """GET job/ID (info); POST job/ID with state Closed or Aborted."""
    if request.method == "GET":
        found = org.bulk_v1.get(job_id)
    else:
        found = org.bulk_v1.set_state(job_id, _job_request(request).get("state"))
    return _info(request, found, "jobInfo", found.shown())


@_guarded
def batches(org, request: Request, version: str, job_id: str) -> Response:
    """POST job/ID/batch: add a batch (201, Queued); GET: every batch's info."""
    if request.method == "POST":
        found, shown = org.bulk_v1.add_batch(org, job_id, request.body)
        return _info(request, found, "batchInfo", shown, status=201)
    found = org.bulk_v1.get(job_id)
    infos = [b.info for b in found.batches]
    if _wants_json(request, found):
        reply = Response.json({"batchInfo": infos})
        reply.content_type = JSON
        return reply
    root = etree.Element(f"{{{NS}}}batchInfoList", nsmap={None: NS})
    for info in infos:
        _fill(etree.SubElement(root, f"{{{NS}}}batchInfo"), info)
    return Response(body=etree.tostring(root, xml_declaration=True, encoding="UTF-8"), content_type=XML)


@_guarded
def batch(org, request: Request, version: str, job_id: str, batch_id: str) -> Response:
    """GET job/ID/batch/BID: the batch's info."""
    found = org.bulk_v1.get(job_id)
    return _info(request, found, "batchInfo", found.batch(batch_id).info)


@_guarded
def batch_request(org, request: Request, version: str, job_id: str, batch_id: str) -> Response:
    """GET job/ID/batch/BID/request: what the batch was given."""
    found = org.bulk_v1.get(job_id)
    body = found.batch(batch_id).body
    return Response(body=body, content_type=JSON if found.content_type == "JSON" else "text/csv")


def _not_done(found, one) -> BulkV1Error:
    state = one.info["state"]
    return BulkV1Error(f"Batch {one.info['id']} is {state}: {one.info.get('stateMessage', '')}", "InvalidBatch")


@_guarded
def batch_result(org, request: Request, version: str, job_id: str, batch_id: str) -> Response:
    """GET job/ID/batch/BID/result: DML results, or a query batch's result-set ids."""
    found = org.bulk_v1.get(job_id)
    one = found.batch(batch_id)
    if one.info["state"] != "Completed":
        raise _not_done(found, one)
    as_json = found.content_type == "JSON"
    if found.info["operation"] in ("query", "queryAll"):
        if as_json:
            reply = Response.json([one.result_id])
            reply.content_type = JSON
            return reply
        root = etree.Element(f"{{{NS}}}result-list", nsmap={None: NS})
        etree.SubElement(root, f"{{{NS}}}result").text = one.result_id
        return Response(body=etree.tostring(root, xml_declaration=True, encoding="UTF-8"), content_type=XML)
    if as_json:
        shown = [
            {"success": r["success"], "created": r["created"], "id": r["id"], "errors": r["errors"]}
            for r in one.results
        ]
        reply = Response.json(shown)
        reply.content_type = JSON
        return reply
    rows = [
        [r["id"] or "", csv_value(r["success"]), csv_value(r["created"]), "" if r["success"] else error_text(r)]
        for r in one.results
    ]
    return csv_reply(["Id", "Success", "Created", "Error"], rows)


@_guarded
def query_result(org, request: Request, version: str, job_id: str, batch_id: str, result_id: str) -> Response:
    """GET job/ID/batch/BID/result/RID: a query batch's records, CSV or JSON."""
    found = org.bulk_v1.get(job_id)
    one = found.batch(batch_id)
    if one.info["state"] != "Completed" or not one.result_id:
        raise _not_done(found, one)
    if result_id != one.result_id:
        raise BulkV1Error(f"Invalid result id: {result_id}", "InvalidBatch")
    if found.content_type == "JSON":
        reply = Response(body=json.dumps(one.records).encode("utf-8"), content_type=JSON)
        return reply
    if not one.records:
        return Response(body=NO_RECORDS.encode("utf-8"), content_type="text/csv")
    columns, rows = flatten(one.query, one.records)
    return csv_reply(columns, [["" if v is None else csv_value(v) for v in row] for row in rows])
