"""The REST API's `composite`, `composite/batch` and `composite/tree` resources: several requests in one call,
each routed and answered as if sent alone (REST API Developer Guide, "Composite" and "Batch"; docs/salesforce-facts.md),
and records with their children created together ("sObject Tree").

`composite` runs subrequests in order and lets a later one name an earlier result as `@{referenceId.path}`;
`composite/batch` runs independent subrequests whose URLs are relative to /services/data/.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

from localorg.exceptions import NotFound
from localorg.http import Request, Response, rest_error
from localorg.models import trees
from localorg.models.schema import FIELDS
from localorg.models.sobjects import canonical_object

COMPOSITE_MAX = 25  # subrequests per composite or batch call
REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")
STEP = re.compile(r"\.([A-Za-z0-9_]+)|\[(\d+)\]")


class _Unresolved(ValueError):
    """A `@{...}` reference to no earlier result or to nothing in it."""


def _lookup(results: dict, ref: str, path: str):
    if ref not in results:
        raise _Unresolved(f"Invalid reference specified. No value for {ref}{path} found in {ref}.")
    value = results[ref]
    for key, index in STEP.findall(path):
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            raise _Unresolved(f"Invalid reference specified. No value for {ref}{path} found in {ref}.") from None
    return value


def _substitute(value, results: dict):
    """value with every `@{ref.path}` replaced by what the earlier result holds there."""
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole:
            return _lookup(results, whole.group(1), whole.group(2))
        return REFERENCE.sub(lambda m: str(_lookup(results, m.group(1), m.group(2))), value)
    if isinstance(value, list):
        return [_substitute(v, results) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, results) for k, v in value.items()}
    return value


def _run(org, parent: Request, method: str, url: str, body) -> Response:
    """One subrequest, routed and answered as the server answers it (the session is the parent's)."""
    # Imported here: the routes table imports this module.
    from localorg.server import Router, answer
    from localorg.urls import ROUTES

    parts = urlsplit(url)
    data = b"" if body is None else json.dumps(body).encode("utf-8")
    sub = Request(method.upper(), parts.path, parse_qs(parts.query), parent.headers, data)
    handler, groups = Router(ROUTES).match(sub.method, sub.path)
    if handler is None:
        if groups:
            return rest_error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{sub.method}' not allowed.")
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    return answer(org, handler, sub, groups)


def _body(resp: Response):
    return json.loads(resp.body) if resp.body else None


def _requests(request: Request, key: str):
    """(list of subrequests, None) or (None, the 400 reply)."""
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as e:
        return None, rest_error(400, "JSON_PARSER_ERROR", f"The request body is not valid JSON: {str(e)[:120]}")
    subs = body.get(key) if isinstance(body, dict) else None
    if not isinstance(subs, list) or not subs or not all(isinstance(s, dict) and s.get("url") for s in subs):
        return None, rest_error(400, "JSON_PARSER_ERROR", f'The request body must hold "{key}": [{{"method", "url"}}]')
    if len(subs) > COMPOSITE_MAX:
        return None, rest_error(400, "LIMIT_EXCEEDED", f"Composite requests are limited to {COMPOSITE_MAX} subrequests")
    return (body, subs), None


def composite(org, request: Request, version: str) -> Response:
    """POST composite: {allOrNone, compositeRequest: [{method, url, referenceId, body}]} ->
    {compositeResponse: [{body, httpHeaders, httpStatusCode, referenceId}]}."""
    parsed, bad = _requests(request, "compositeRequest")
    if bad:
        return bad
    body, subs = parsed
    if body.get("allOrNone") and any(str(s.get("method", "GET")).upper() != "GET" for s in subs):
        # Rolling back earlier subrequests' writes is not modelled: refuse rather than half-apply.
        return rest_error(400, "INVALID_FIELD", "allOrNone composite writes are not supported by the local org")
    results, out = {}, []
    for sub in subs:
        ref = sub.get("referenceId")
        try:
            url = _substitute(sub["url"], results)
            resp = _run(org, request, str(sub.get("method", "GET")), url, _substitute(sub.get("body"), results))
        except _Unresolved as e:
            resp = rest_error(400, "PROCESSING_HALTED", str(e))
        reply = _body(resp)
        headers = {}
        if resp.status == 201 and isinstance(reply, dict) and reply.get("id"):
            headers["Location"] = f"{urlsplit(url).path.rstrip('/')}/{reply['id']}"
        if resp.status < 300:
            results[ref] = reply
        out.append({"body": reply, "httpHeaders": headers, "httpStatusCode": resp.status, "referenceId": ref})
    return Response.json({"compositeResponse": out})


def batch(org, request: Request, version: str) -> Response:
    """POST composite/batch: {batchRequests: [{method, url, richInput}], haltOnError} ->
    {hasErrors, results: [{statusCode, result}]}; after an error with haltOnError the rest answer 412."""
    parsed, bad = _requests(request, "batchRequests")
    if bad:
        return bad
    body, subs = parsed
    halted, results = False, []
    for sub in subs:
        if halted:
            results.append(
                {
                    "statusCode": 412,
                    "result": [
                        {"errorCode": "BATCH_PROCESSING_HALTED", "message": "Batch processing halted per request"}
                    ],
                }
            )
            continue
        url = "/services/data/" + str(sub["url"]).lstrip("/")
        resp = _run(org, request, str(sub.get("method", "GET")), url, sub.get("richInput"))
        results.append({"statusCode": resp.status, "result": _body(resp)})
        halted = resp.status >= 400 and bool(body.get("haltOnError"))
    return Response.json({"hasErrors": any(r["statusCode"] >= 400 for r in results), "results": results})


TREE_MAX = 200  # records per sObject Tree request, all levels together
TREE_DEPTH = 5


def _child_lookup(org, parent: str, relationship: str):
    """(child object, lookup field) of a parent's child relationship, or None."""
    for child in FIELDS:
        for f in org.visibility.fields(child):
            if (
                f.reference_to == parent
                and f.child_relationship
                and (f.child_relationship[0] or "").lower() == relationship.lower()  # some have no name
            ):
                return child, f.name
    return None


def _tree_nodes(org, records, obj: str, nodes: list, parent=None, lookup=None, depth=0) -> None:
    """Flatten one level of a tree request into nodes; TreeInputError on what Salesforce refuses."""
    if depth >= TREE_DEPTH:
        raise _TreeInputError(f"A tree may be at most {TREE_DEPTH} levels deep")
    for record in records:
        attrs = record.get("attributes") if isinstance(record, dict) else None
        if not isinstance(attrs, dict) or not attrs.get("referenceId"):
            raise _TreeInputError("Include a reference ID for each record in the request")
        if str(attrs.get("type", obj)).lower() != obj.lower():
            raise _TreeInputError(f"The record {attrs['referenceId']} is a {attrs.get('type')}, not a {obj}")
        values, children = {}, []
        for key, value in record.items():
            if key == "attributes":
                continue
            if isinstance(value, dict) and isinstance(value.get("records"), list):
                found = _child_lookup(org, obj, key)
                if found is None:
                    raise _TreeInputError(f"INVALID_FIELD: No such relationship '{key}' on sobject of type {obj}")
                children.append((found, value["records"]))
            else:
                values[key] = value
        nodes.append(trees.Node(str(attrs["referenceId"]), obj, values, parent, lookup, depth))
        here = len(nodes) - 1
        for (child, field_name), child_records in children:
            _tree_nodes(org, child_records, child, nodes, here, field_name, depth + 1)


class _TreeInputError(ValueError):
    """A tree request Salesforce refuses as a whole."""


def tree(org, request: Request, version: str, sobject: str) -> Response:
    """POST composite/tree/<Object>: {"records": [...]} -> 201 {hasErrors: false, results: [{referenceId, id}]},
    or 400 {hasErrors: true, results: [{referenceId, errors}]} with nothing created."""
    obj = canonical_object(org, sobject)
    if obj not in FIELDS:
        raise NotFound()
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as e:
        return rest_error(400, "JSON_PARSER_ERROR", f"The request body is not valid JSON: {str(e)[:120]}")
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not records:
        return rest_error(400, "JSON_PARSER_ERROR", 'The request body must be {"records": [...]}')
    nodes: list = []
    try:
        _tree_nodes(org, records, obj, nodes)
    except _TreeInputError as e:
        return rest_error(400, "INVALID_INPUT", str(e))
    if len(nodes) > TREE_MAX:
        return rest_error(
            400, "LIMIT_EXCEEDED", f"A tree request may hold at most {TREE_MAX} records, not {len(nodes)}"
        )
    refs = [n.ref for n in nodes]
    if len(set(refs)) != len(refs):
        return rest_error(400, "INVALID_INPUT", "Duplicate ReferenceId provided in the request")
    created, errors = trees.insert(org, nodes)
    if errors:
        results = [{"referenceId": ref, "errors": errs} for ref, errs in errors.items()]
        return Response.json({"hasErrors": True, "results": results}, status=400)
    return Response.json(
        {"hasErrors": False, "results": [{"referenceId": ref, "id": rid} for ref, rid in created.items()]},
        status=201,
    )
