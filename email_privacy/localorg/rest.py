"""The local org's REST side: OAuth, identity, versions, sObject describes and records, queries.

Handlers are `handler(org, request, **url_groups) -> Response` (http.py); the server has already
checked the session. Shapes follow what Salesforce answers and what CumulusCI and simple-salesforce
read (../shared/salesforce/FACTS.md lists the sequence every cci command makes).
"""

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import parse_qs

from .http import Request, Response
from .records import FIELDS, KEY_PREFIX, Field, RecordError, normalize_id
from .server import rest_error
from .soql import PAGE_SIZE, SoqlError, Source, execute

LATEST_VERSION = 63
OLDEST_VERSION = 31
V = r"/services/data/v(?P<version>\d+\.\d)"
COLLECTION_MAX = 200
_cursor_ids = itertools.count(1)
MAX_CURSORS = 50


def _label(version: int) -> str:
    # Three releases a year; v63.0 is Spring '25 (counting back: Winter '25, Summer '24, Spring '24, ...).
    k = LATEST_VERSION - version
    season = ("Spring", "Winter", "Summer")[k % 3]
    year = (25 if k % 3 < 2 else 24) - k // 3
    return f"{season} '{year:02d}"


def base_url(org) -> str:
    return getattr(org, "base_url", "https://127.0.0.1")


def identity_url(org) -> str:
    return f"{base_url(org)}/id/{org.profile.org_id}/{org.profile.user_id}"


# -- OAuth and identity ------------------------------------------------------------------------


def _oauth_error(error: str, description: str) -> Response:
    return Response.json({"error": error, "error_description": description}, status=400)


def _jwt_subject(assertion: str) -> str | None:
    """The `sub` of a well-formed JWT (header.payload.signature); None if it is not one."""
    parts = assertion.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    return payload.get("sub") if isinstance(payload, dict) else None


def oauth_token(org, request: Request) -> Response:
    """POST /services/oauth2/token: refresh-token and JWT-bearer grants."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    grant = form.get("grant_type")
    if grant == "refresh_token":
        if not hmac.compare_digest(form.get("refresh_token", ""), org.sessions.refresh_token):
            return _oauth_error("invalid_grant", "expired access/refresh token")
    elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
        subject = _jwt_subject(form.get("assertion", ""))
        if subject is None:
            return _oauth_error("invalid_grant", "invalid assertion")
        if subject != org.profile.username:
            return _oauth_error("invalid_grant", "user hasn't approved this consumer")
    else:
        return _oauth_error("unsupported_grant_type", "grant type not supported")
    token = org.sessions.issue()
    issued_at = str(int(time.time() * 1000))
    # Salesforce signs id + issued_at with the client secret; clients only carry it along.
    signature = base64.b64encode(
        hmac.new(org.profile.org_id.encode(), (identity_url(org) + issued_at).encode(), hashlib.sha256).digest()
    ).decode()
    return Response.json(
        {
            "access_token": token,
            "signature": signature,
            "scope": "refresh_token web api full",
            "instance_url": base_url(org),
            "id": identity_url(org),
            "token_type": "Bearer",
            "issued_at": issued_at,
        }
    )


def _identity(org) -> dict:
    p = org.profile
    v = f"{base_url(org)}/services/data/v{{version}}/"
    return {
        "id": identity_url(org),
        "asserted_user": True,
        "user_id": p.user_id,
        "organization_id": p.org_id,
        "username": p.username,
        "nick_name": "admin",
        "display_name": "Local Admin",
        "email": "admin@example.com",
        "email_verified": True,
        "first_name": "Local",
        "last_name": "Admin",
        "timezone": "Europe/London",
        "active": True,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": 0,
        "last_modified_date": "2025-01-01T00:00:00.000+0000",
        "is_app_installed": True,
        "urls": {
            "enterprise": f"{base_url(org)}/services/Soap/c/{{version}}/{p.org_id}",
            "metadata": f"{base_url(org)}/services/Soap/m/{{version}}/{p.org_id}",
            "partner": f"{base_url(org)}/services/Soap/u/{{version}}/{p.org_id}",
            "rest": v,
            "sobjects": v + "sobjects/",
            "query": v + "query/",
            "profile": f"{base_url(org)}/{p.user_id}",
        },
    }


def identity(org, request: Request, org_id: str, user_id: str) -> Response:
    """GET /id/<org>/<user>: the identity service."""
    if org_id[:15] != org.profile.org_id[:15] or user_id[:15] != org.profile.user_id[:15]:
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    return Response.json(_identity(org))


def userinfo(org, request: Request) -> Response:
    """GET /services/oauth2/userinfo: OpenID Connect user info."""
    info = _identity(org)
    p = org.profile
    return Response.json(
        {
            "sub": info["id"],
            "user_id": p.user_id,
            "organization_id": p.org_id,
            "preferred_username": p.username,
            "nickname": "admin",
            "name": "Local Admin",
            "email": "admin@example.com",
            "email_verified": True,
            "given_name": "Local",
            "family_name": "Admin",
            "zoneinfo": "Europe/London",
            "photos": {},
            "profile": info["urls"]["profile"],
            "picture": None,
            "address": {},
            "is_salesforce_integration_user": False,
            "urls": info["urls"],
            "active": True,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 0,
            "updated_at": "2025-01-01T00:00:00Z",
            "is_app_installed": True,
        }
    )


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
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    return None


def resources(org, request: Request, version: str) -> Response:
    """GET /services/data/vNN.N/: the resources of a version."""
    if bad := _check_version(version):
        return bad
    names = ["sobjects", "query", "queryAll", "composite", "tooling", "jobs", "limits", "search", "recent"]
    return Response.json({n: f"/services/data/v{version}/{n}" for n in names})


# -- schema ------------------------------------------------------------------------------------

_VIRTUAL_FIELDS = {
    "Organization": [
        Field("Id", "id", "Organization ID", readonly=True),
        Field("Name", "string", "Name", length=80),
        Field("OrganizationType", "picklist", "Edition", readonly=True),
        Field("IsSandbox", "boolean", "Is Sandbox", readonly=True),
        Field("InstanceName", "string", "Instance Name", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("TrialExpirationDate", "datetime", "Trial Expiration Date", readonly=True),
        Field("PreferencesConsentManagementEnabled", "boolean", "Consent Management Enabled"),
        Field("LanguageLocaleKey", "picklist", "Language"),
        Field("DefaultLocaleSidKey", "picklist", "Locale"),
        Field("TimeZoneSidKey", "picklist", "Time Zone"),
        Field("Country", "string", "Country"),
    ],
    "UserPermissionAccess": [Field("Id", "id", "ID", readonly=True)]
    + [
        Field(f"Permissions{p}", "boolean", p, readonly=True)
        for p in (
            "CustomizeApplication",
            "ModifyAllData",
            "ModifyMetadata",
            "ApiEnabled",
            "LightningExperienceUser",
            "ViewSetup",
            "ViewAllData",
        )
    ],
}
_LABELS = {
    "Individual": ("Individual", "Individuals"),
    "Contact": ("Contact", "Contacts"),
    "Lead": ("Lead", "Leads"),
    "Account": ("Account", "Accounts"),
    "User": ("User", "Users"),
    "Organization": ("Organization", "Organizations"),
    "UserPermissionAccess": ("User Permission Access", "User Permission Access"),
}


def object_fields(org, obj: str) -> list[Field]:
    """Fields of obj as they exist now (empty if the object does not)."""
    if obj in _VIRTUAL_FIELDS:
        return list(_VIRTUAL_FIELDS[obj])
    return org.visibility.fields(obj)


def canonical_object(org, name: str) -> str | None:
    """The object's API name as the org spells it, if it exists now (names are case-insensitive)."""
    for obj in [*FIELDS, *_VIRTUAL_FIELDS]:
        if obj.lower() == (name or "").lower():
            return obj if object_fields(org, obj) else None
    return None


def virtual_rows(org, obj: str) -> list[dict]:
    """The single-row objects computed from the profile and the metadata."""
    p = org.profile
    if obj == "Organization":
        return [
            {
                "Id": p.org_id,
                "Name": "EmailPrivacy Local Org",
                "OrganizationType": p.edition,
                "IsSandbox": p.is_sandbox,
                "InstanceName": p.instance_name,
                "NamespacePrefix": None,
                "TrialExpirationDate": None,
                "PreferencesConsentManagementEnabled": org.consent_enabled,
                "LanguageLocaleKey": "en_US",
                "DefaultLocaleSidKey": "en_GB",
                "TimeZoneSidKey": "Europe/London",
                "Country": "GB",
            }
        ]
    if obj == "UserPermissionAccess":
        # Modify All Data and Modify Metadata include Customize Application in Salesforce, so a user
        # without Customize Application lacks them too.
        admin = p.customize_application
        return [
            {
                "Id": None,
                "PermissionsCustomizeApplication": admin,
                "PermissionsModifyAllData": admin,
                "PermissionsModifyMetadata": admin,
                "PermissionsApiEnabled": True,
                "PermissionsLightningExperienceUser": p.lightning,
                "PermissionsViewSetup": admin,
                "PermissionsViewAllData": admin,
            }
        ]
    return []


# Objects only the Tooling API has (its /tooling/query; the data API's /query answers INVALID_TYPE, as
# Salesforce does). Layout: one row per page layout, Id = listMetadata's id (00h), API 32.0+.
TOOLING_FIELDS = {
    "Layout": [
        Field("Id", "id", "Layout ID", readonly=True),
        Field("Name", "string", "Name", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("TableEnumOrId", "string", "Entity Type ID", readonly=True),
        Field("ManageableState", "picklist", "Manageable State", readonly=True),
        Field("LayoutType", "picklist", "Layout Type", readonly=True),
        Field("CreatedById", "string", "Created By ID", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedById", "string", "Last Modified By ID", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ],
}


class OrgSource(Source):
    """The SOQL engine's view of a LocalOrg; `tooling` adds the Tooling API's own objects (TOOLING_FIELDS)."""

    def __init__(self, org, api_version: str, tooling: bool = False):
        self.org, self.api_version, self.tooling = org, api_version, tooling

    @property
    def sobjects_url(self) -> str:
        return f"/services/data/v{self.api_version}/{'tooling/' if self.tooling else ''}sobjects"

    def _tooling_object(self, obj: str) -> str | None:
        if not self.tooling:
            return None
        return next((o for o in TOOLING_FIELDS if o.lower() == (obj or "").lower()), None)

    def canonical_object(self, obj):
        return self._tooling_object(obj) or canonical_object(self.org, obj)

    def fields(self, obj):
        found = self._tooling_object(obj)
        return {f.name.lower(): f for f in (TOOLING_FIELDS[found] if found else object_fields(self.org, obj))}

    def rows(self, obj, prefilter=None):
        if self._tooling_object(obj) == "Layout":
            return self.org.metadata.tooling_layouts()
        if obj in _VIRTUAL_FIELDS:
            return virtual_rows(self.org, obj)
        visible = {f.name for f in object_fields(self.org, obj)}
        records = self.org.records
        if prefilter:
            name, values = prefilter
            if name == "Id" or name.endswith("Id"):  # ids may come as 15 characters; stored as 18
                values = [normalize_id(v) or v for v in values]
            rows = records.rows_where(obj, name, values)
        else:
            rows = records.rows(obj)
        return ({k: v for k, v in row.items() if k in visible} for row in rows)

    def get(self, obj, record_id):
        if obj in _VIRTUAL_FIELDS or obj in TOOLING_FIELDS or not canonical_object(self.org, obj):
            return None
        return self.org.records.get(obj, record_id)


def _field_describe(f: Field, obj: str) -> dict:
    updateable = not f.readonly
    return {
        "name": f.name,
        "label": f.label,
        "type": f.type,
        "length": f.length,
        "referenceTo": [f.reference_to] if f.reference_to else [],
        "relationshipName": f.name[:-2] if f.reference_to else None,
        "nillable": not f.required and f.type not in ("id", "boolean"),
        "createable": updateable,
        "updateable": updateable,
        "custom": False,
        "calculated": False,
        "unique": False,
        "idLookup": f.name in ("Id", "Email", "Username"),
        "defaultedOnCreate": f.type == "boolean",
        "filterable": True,
        "sortable": True,
        "soapType": "xsd:boolean"
        if f.type == "boolean"
        else "tns:ID"
        if f.type in ("id", "reference")
        else "xsd:string",
        "picklistValues": [],
        "externalId": False,
        "autoNumber": False,
        "nameField": f.name == "Name",
    }


def _urls(obj: str, version: str) -> dict:
    base = f"/services/data/v{version}/sobjects/{obj}"
    return {"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"}


def _object_summary(obj: str, version: str) -> dict:
    label, plural = _LABELS[obj]
    virtual = obj in _VIRTUAL_FIELDS
    return {
        "name": obj,
        "label": label,
        "labelPlural": plural,
        "keyPrefix": KEY_PREFIX.get(obj),
        "custom": False,
        "createable": not virtual and obj != "User",
        "updateable": obj != "UserPermissionAccess",
        "deletable": not virtual,
        "queryable": True,
        "retrieveable": True,
        "searchable": not virtual,
        "layoutable": not virtual,
        "customSetting": False,
        "urls": _urls(obj, version),
    }


def describe_global(org, request: Request, version: str) -> Response:
    """GET /services/data/vNN.N/sobjects: the objects that exist now."""
    objs = [o for o in [*FIELDS, *_VIRTUAL_FIELDS] if canonical_object(org, o)]
    return Response.json(
        {
            "encoding": "UTF-8",
            "maxBatchSize": COLLECTION_MAX,
            "sobjects": [_object_summary(o, version) for o in sorted(objs)],
        }
    )


def _not_found_object(name: str) -> Response:
    return rest_error(404, "NOT_FOUND", "The requested resource does not exist")


def describe(org, request: Request, version: str, sobject: str) -> Response:
    """GET sobjects/<Object>/describe."""
    obj = canonical_object(org, sobject)
    if not obj:
        return _not_found_object(sobject)
    out = _object_summary(obj, version)
    out.update(
        {
            "fields": [_field_describe(f, obj) for f in object_fields(org, obj)],
            "childRelationships": [],
            "recordTypeInfos": [],
            "supportedScopes": [],
            "actionOverrides": [],
        }
    )
    return Response.json(out)


def sobject_basic(org, request: Request, version: str, sobject: str) -> Response:
    """GET sobjects/<Object>: basic information."""
    obj = canonical_object(org, sobject)
    if not obj:
        return _not_found_object(sobject)
    return Response.json({"objectDescribe": _object_summary(obj, version), "recentItems": []})


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
        return _not_found_object(sobject)
    fields = object_fields(org, obj)
    only = [f.strip() for f in (request.param("fields") or "").split(",") if f.strip()] or None
    if only:
        known = {f.name.lower() for f in fields}
        unknown = [o for o in only if o.lower() not in known]
        if unknown:
            return rest_error(400, "INVALID_FIELD", f"No such column '{unknown[0]}' on sobject of type {obj}")
    if obj in _VIRTUAL_FIELDS:
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
        return None, None, _not_found_object(sobject)
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
        rid = org.records.create(obj, body, org.visibility, owner=org.profile.user_id)
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
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    try:
        org.records.update(obj, full, body, org.visibility)
    except RecordError as e:
        return _record_error(e)
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
            return rest_error(400, "INVALID_TYPE", "Must send a concrete entity type.")
        types.append(attrs["type"])
    results: list[dict | None] = [None] * len(records)
    by_type: dict[str, list[int]] = {}
    for i, t in enumerate(types):
        by_type.setdefault(t, []).append(i)
    # Validate every type first so an allOrNone request with a bad type changes nothing.
    for t in by_type:
        if not _writable_object(org, t):
            return rest_error(400, "INVALID_TYPE", f"sObject type '{t}' is not supported.")
    if all_or_none and len(by_type) > 1:
        return rest_error(400, "INVALID_FIELD", "allOrNone with several object types is not supported by the local org")
    for t, idx in by_type.items():
        obj = _writable_object(org, t)
        batch = [records[i] for i in idx]
        if request.method == "POST":
            out = org.records.create_many(obj, batch, org.visibility, all_or_none, owner=org.profile.user_id)
        else:
            out = org.records.update_many(obj, batch, org.visibility, all_or_none)
        for i, r in zip(idx, out):
            results[i] = r
    return Response.json(results)


# -- queries -----------------------------------------------------------------------------------


def _page(org, version: str, result: dict, prefix: str) -> dict:
    records = result["records"]
    if len(records) <= PAGE_SIZE:
        return result
    cursors = org.__dict__.setdefault("_soql_cursors", {})
    locator = f"01g{next(_cursor_ids):012d}"
    cursors[locator] = records
    while len(cursors) > MAX_CURSORS:
        cursors.pop(next(iter(cursors)))
    return {
        "totalSize": result["totalSize"],
        "done": False,
        "nextRecordsUrl": f"/services/data/v{version}/{prefix}/{locator}-{PAGE_SIZE}",
        "records": records[:PAGE_SIZE],
    }


def _query(org, request: Request, version: str, prefix: str) -> Response:
    q = request.param("q")
    if q is None:
        return rest_error(400, "MALFORMED_QUERY", "No query string was given: use ?q=SELECT ...")
    try:
        result = execute(q, OrgSource(org, version, tooling=prefix.startswith("tooling")))
    except SoqlError as e:
        return rest_error(400, e.error_code, e.message)
    return Response.json(_page(org, version, result, prefix))


def query(org, request: Request, version: str) -> Response:
    """GET query?q=SOQL (and queryAll, the same here: nothing is ever deleted)."""
    return _query(org, request, version, "query")


def tooling_query(org, request: Request, version: str) -> Response:
    """GET tooling/query?q=SOQL: the same subset over the same objects, plus the Tooling API's Layout."""
    return _query(org, request, version, "tooling/query")


def query_more(org, request: Request, version: str, locator: str, offset: str) -> Response:
    """GET query/<locator>-<offset>: the next page of a large result."""
    records = org.__dict__.get("_soql_cursors", {}).get(locator)
    start = int(offset)
    if records is None or start > len(records):
        return rest_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    end = start + PAGE_SIZE
    prefix = "tooling/query" if "/tooling/" in request.path else "query"
    out = {"totalSize": len(records), "done": end >= len(records), "records": records[start:end]}
    if end < len(records):
        out["nextRecordsUrl"] = f"/services/data/v{version}/{prefix}/{locator}-{end}"
    return Response.json(out)


ROUTES = [
    ("POST", r"^/services/oauth2/token$", oauth_token),
    ("GET", r"^/services/oauth2/userinfo$", userinfo),
    ("GET", r"^/id/(?P<org_id>\w+)/(?P<user_id>\w+)$", identity),
    ("GET", r"^/services/data/?$", versions),
    ("GET", V + r"/?$", resources),
    ("GET", V + r"/sobjects/?$", describe_global),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/describe/?$", describe),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/?$", sobject_basic),
    ("POST", V + r"/sobjects/(?P<sobject>\w+)/?$", create_record),
    ("GET", V + r"/sobjects/(?P<sobject>\w+)/(?P<record_id>\w+)/?$", get_record),
    ("PATCH", V + r"/sobjects/(?P<sobject>\w+)/(?P<record_id>\w+)/?$", update_record),
    ("POST", V + r"/composite/sobjects/?$", collections),
    ("PATCH", V + r"/composite/sobjects/?$", collections),
    ("GET", V + r"/(?:query|queryAll)/?$", query),
    ("GET", V + r"/tooling/query/?$", tooling_query),
    ("GET", V + r"/(?:tooling/)?query/(?P<locator>01g\w+)-(?P<offset>\d+)$", query_more),
]
