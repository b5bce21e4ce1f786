"""REST resources over the org's records beyond sObjects and queries: record counts, SOSL search, and the
single-access front-door URL (REST API Developer Guide, "Record Count" and "Search"; Salesforce Help,
"Generate a Frontdoor URL to Bridge into UI Sessions").
"""

import secrets
from urllib.parse import quote

from localorg import sosl
from localorg.http import Request, Response, rest_error
from localorg.models.schema import DEV_HUB_OBJECTS, FIELDS
from localorg.models.sobjects import OrgSource, canonical_object
from localorg.responses.oauth import base_url
from localorg.responses.refusals import rest_not_modelled
from localorg.soql import SoqlError


def _stored_objects(org) -> list[str]:
    """The objects with records that exist in the org now."""
    return [o for o in FIELDS if org.visibility.object_exists(o) and o not in DEV_HUB_OBJECTS]


def record_count(org, request: Request, version: str) -> Response:
    """GET limits/recordCount[?sObjects=A,B]: the number of records of each object, from its records (every
    object without sObjects). Names the org lacks are left out, as a count exists only for what is there."""
    asked = [n.strip() for n in (request.param("sObjects") or "").split(",") if n.strip()]
    names = [canonical_object(org, n) for n in asked] if asked else _stored_objects(org)
    counted = [n for n in dict.fromkeys(names) if n in FIELDS and n in _stored_objects(org)]
    return Response.json({"sObjects": [{"count": org.records.count(n), "name": n} for n in counted]})


def search(org, request: Request, version: str) -> Response:
    """GET search?q=SOSL: {"searchRecords": [...]}, each record with its attributes and the fields asked for."""
    q = request.param("q")
    if not q:
        return rest_error(400, "MALFORMED_SEARCH", "No search string was given: use ?q=FIND {...}")
    try:
        found = sosl.run(sosl.parse(q), OrgSource(org, version), _stored_objects(org))
    except SoqlError as e:
        return rest_error(400, e.error_code, e.message)
    return Response.json({"searchRecords": found})


def single_access(org, request: Request) -> Response:
    """GET or POST services/oauth2/singleaccess[?redirect_uri=...]: a front-door URL with a one-time code."""
    code = secrets.token_urlsafe(32)
    org.single_access_codes.add(code)
    uri = f"{base_url(org)}/secur/frontdoor.jsp?otp={code}"
    redirect = request.param("redirect_uri")
    if redirect:
        uri += "&retURL=" + quote(redirect, safe="")
    return Response.json({"frontdoor_uri": uri})


def frontdoor(org, request: Request) -> Response:
    """GET secur/frontdoor.jsp?otp=...: the code is spent once (an unknown or used one leads to the login page,
    as Salesforce's does); the page it opens is the user interface, which the local org does not have."""
    code = request.param("otp") or ""
    if code not in org.single_access_codes:
        return Response(status=302, body=b"", content_type="text/html", headers={"Location": f"{base_url(org)}/"})
    org.single_access_codes.discard(code)
    return rest_not_modelled("the user interface the front-door URL opens: it serves the APIs only")
