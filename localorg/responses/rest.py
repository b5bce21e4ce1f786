"""The local org's REST data side: versions, records (sObject rows and collections), queries.

Handlers are `handler(org, request, **url_groups) -> Response` (http.py); the server has already
checked the session. Shapes follow what Salesforce answers and what CumulusCI and simple-salesforce
read.
"""

from localorg.exceptions import InvalidField, InvalidType, MalformedQuery, NotFound
from localorg.http import Request, Response, rest_error
from localorg.models.ids import normalize_id
from localorg.models.records import RecordError
from localorg.models.schema import FIELDS, KEY_PREFIX, VIRTUAL_FIELDS, Field
from localorg.models.sobjects import OrgSource, canonical_object, object_fields, virtual_rows
from localorg.responses.describe import COLLECTION_MAX
from localorg.responses.refusals import unmodelled_tooling_query
from localorg.soql import columns, execute

LATEST_VERSION = 63
OLDEST_VERSION = 31


def _label(version: int) -> str:
    # Three releases a year; v63.0 is Spring '25 (counting back: Winter '25, Summer '24, Spring '24, ...).
    k = LATEST_VERSION - version
    season = ("Spring", "Winter", "Summer")[k % 3]
    year = (25 if k % 3 < 2 else 24) - k // 3
    return f"{season} '{year:02d}"


def versions(org, request: Request) -> Response:
    """GET /services/data: API versions, oldest first (CumulusCI takes the last)."""
    return Response.json(
        [
            {"label": _label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
            for v in range(OLDEST_VERSION, LATEST_VERSION + 1)
        ]
    )


def _check_version(version: str) -> Response | None:
    major = int(float(version))
    if not OLDEST_VERSION <= major <= LATEST_VERSION:
        raise NotFound()
    return None


def resources(org, request: Request, version: str) -> Response:
    """GET /services/data/vNN.N/: the resources of a version."""
    if bad := _check_version(version):
        return bad
    names = ["sobjects", "query", "queryAll", "composite", "tooling", "jobs", "limits", "search", "recent"]
    return Response.json({n: f"/services/data/v{version}/{n}" for n in names})


# -- records -----------------------------------------------------------------------------------


def _record_json(obj: str, row: dict, fields: list[Field], version: str, only: list[str] | None = None) -> dict:
    names = [f.name for f in fields]
    if only:
        lower = {n.lower(): n for n in names}
        names = [lower[o.lower()] for o in only if o.lower() in lower]
    out = {"attributes": {"type": obj, "url": f"/services/data/v{version}/sobjects/{obj}/{row.get('Id')}"}}
    out.update({n: row.get(n) for n in names})
    return out


def _record_error(e: RecordError, status: int = 400) -> Response:
    return Response.json([{"message": e.message, "errorCode": e.status_code, "fields": e.fields}], status=status)


def get_record(org, request: Request, version: str, sobject: str, record_id: str) -> Response:
    """GET sobjects/<Object>/<id>[?fields=A,B]."""
    obj = canonical_object(org, sobject)
    if not obj:
        raise NotFound()
    fields = object_fields(org, obj)
    only = [f.strip() for f in (request.param("fields") or "").split(",") if f.strip()] or None
    if only:
        known = {f.name.lower() for f in fields}
        unknown = [o for o in only if o.lower() not in known]
        if unknown:
            raise InvalidField(f"No such column '{unknown[0]}' on sobject of type {obj}")
    if obj in VIRTUAL_FIELDS:
        rows = [r for r in virtual_rows(org, obj) if r.get("Id") and r["Id"][:15] == record_id[:15]]
        row = rows[0] if rows else None
    else:
        full = normalize_id(record_id)
        row = org.records.get(obj, full) if full and full[:3] == KEY_PREFIX[obj] else None
    if row is None:
        return rest_error(
            404,
            "NOT_FOUND",
            "Provided external ID field does not exist or is not accessible: " + record_id
            if not normalize_id(record_id)
            else "The requested resource does not exist",
        )
    return Response.json(_record_json(obj, row, fields, version, only))


def _body_json(request: Request):
    try:
        return request.json(), None
    except (ValueError, UnicodeDecodeError) as e:
        return None, rest_error(400, "JSON_PARSER_ERROR", f"The request body is not valid JSON: {str(e)[:120]}")


def _writable_object(org, sobject: str) -> str | None:
    obj = canonical_object(org, sobject)
    return obj if obj in FIELDS else None


def _write_target(org, request: Request, sobject: str):
    """(object, JSON body, None) for a record write, or (None, None, error response)."""
    obj = _writable_object(org, sobject)
    if not obj:
        raise NotFound()
    body, bad = _body_json(request)
    if not bad and not isinstance(body, dict):
        bad = rest_error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
    return obj, body, bad


def create_record(org, request: Request, version: str, sobject: str) -> Response:
    """POST sobjects/<Object>: 201 {id, success, errors}."""
    obj, body, bad = _write_target(org, request, sobject)
    if bad:
        return bad
    try:
        rid = org.records.create(obj, body, org.visibility, owner=org.identity.user_id)
    except RecordError as e:
        return _record_error(e)
    return Response.json({"id": rid, "success": True, "errors": []}, status=201)


def update_record(org, request: Request, version: str, sobject: str, record_id: str) -> Response:
    """PATCH sobjects/<Object>/<id>: 204 on success. Only the fields sent change."""
    obj, body, bad = _write_target(org, request, sobject)
    if bad:
        return bad
    full = normalize_id(record_id)
    if not full or full[:3] != KEY_PREFIX[obj] or org.records.get(obj, full) is None:
        raise NotFound()
    try:
        org.records.update(obj, full, body, org.visibility)
    except RecordError as e:
        return _record_error(e)
    return Response(status=204, body=b"")


def delete_record(org, request: Request, version: str, sobject: str, record_id: str) -> Response:
    """DELETE sobjects/<Object>/<id>: 204 and no body, as Salesforce answers a delete."""
    obj = _writable_object(org, sobject)
    full = normalize_id(record_id)
    if not obj or not full or full[:3] != KEY_PREFIX[obj]:
        raise NotFound()
    result = org.records.delete_many(obj, [full])[0]
    if not result["success"]:
        error = result["errors"][0]
        return rest_error(404, error["statusCode"], error["message"])
    return Response(status=204, body=b"")


def collections(org, request: Request, version: str) -> Response:
    """POST (create) / PATCH (update) composite/sobjects: up to 200 records, per-record results."""
    body, bad = _body_json(request)
    if bad:
        return bad
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return rest_error(400, "JSON_PARSER_ERROR", 'The request body must be {"allOrNone": bool, "records": [...]}')
    records, all_or_none = body["records"], bool(body.get("allOrNone", False))
    if not records:
        return rest_error(400, "INVALID_FIELD", "No records were given")
    if len(records) > COLLECTION_MAX:
        return rest_error(
            400,
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot submit more than {COLLECTION_MAX} records into this call",
        )
    types = []
    for rec in records:
        attrs = rec.get("attributes") if isinstance(rec, dict) else None
        if not isinstance(attrs, dict) or not attrs.get("type"):
            raise InvalidType("Must send a concrete entity type.")
        types.append(attrs["type"])
    results: list[dict | None] = [None] * len(records)
    by_type: dict[str, list[int]] = {}
    for i, t in enumerate(types):
        by_type.setdefault(t, []).append(i)
    # Validate every type first so an allOrNone request with a bad type changes nothing.
    for t in by_type:
        if not _writable_object(org, t):
            raise InvalidType(f"sObject type '{t}' is not supported.")
    if all_or_none and len(by_type) > 1:
        return rest_error(400, "INVALID_FIELD", "allOrNone with several object types is not supported by the local org")
    for t, idx in by_type.items():
        obj = _writable_object(org, t)
        batch = [records[i] for i in idx]
        if request.method == "POST":
            out = org.records.create_many(obj, batch, org.visibility, all_or_none, owner=org.identity.user_id)
        else:
            out = org.records.update_many(obj, batch, org.visibility, all_or_none)
        for i, r in zip(idx, out, strict=False):
            results[i] = r
    return Response.json(results)


# -- queries -----------------------------------------------------------------------------------


def _page(org, version: str, result: dict, prefix: str) -> dict:
    records, size = result["records"], org.settings.query_page_size
    if len(records) <= size:
        return result
    locator = org.query_cursors.open(records)
    return {
        "totalSize": result["totalSize"],
        "done": False,
        "nextRecordsUrl": f"/services/data/v{version}/{prefix}/{locator}-{size}",
        "records": records[:size],
    }


def _query(org, request: Request, version: str, prefix: str) -> Response:
    q = request.param("q")
    if q is None:
        raise MalformedQuery("No query string was given: use ?q=SELECT ...")
    source = OrgSource(org, version, tooling=prefix.startswith("tooling"))
    if request.param("columns") == "true":
        return Response.json(columns(q, source))
    result = execute(q, source)
    return Response.json(_page(org, version, result, prefix))


def query(org, request: Request, version: str) -> Response:
    """GET query?q=SOQL (and queryAll, the same here: nothing is ever deleted)."""
    return _query(org, request, version, "query")


def tooling_query(org, request: Request, version: str) -> Response:
    """GET tooling/query?q=SOQL: the same subset over the same objects, plus the Tooling API's Layout."""
    if refused := unmodelled_tooling_query(request.param("q")):
        return refused
    return _query(org, request, version, "tooling/query")


def query_more(org, request: Request, version: str, locator: str, offset: str) -> Response:
    """GET query/<locator>-<offset>: the next page of a large result."""
    records = org.query_cursors.get(locator)
    start = int(offset)
    if records is None or start > len(records):
        return rest_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    end = start + org.settings.query_page_size
    prefix = "tooling/query" if "/tooling/" in request.path else "query"
    out = {"totalSize": len(records), "done": end >= len(records), "records": records[start:end]}
    if end < len(records):
        out["nextRecordsUrl"] = f"/services/data/v{version}/{prefix}/{locator}-{end}"
    return Response.json(out)
