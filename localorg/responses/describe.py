"""The local org's describe resources: the global describe, sObject basic information and describes,
built from the object schema (models/schema.py)."""

from ..exceptions import NotFound
from ..http import Request, Response
from ..models.schema import FIELDS, KEY_PREFIX, LABELS, VIRTUAL_FIELDS
from ..models.sobjects import canonical_object, object_fields

COLLECTION_MAX = 200


def _urls(obj: str, version: str) -> dict:
    base = f"/services/data/v{version}/sobjects/{obj}"
    return {"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"}


def _object_summary(obj: str, version: str) -> dict:
    label, plural = LABELS[obj]
    virtual = obj in VIRTUAL_FIELDS
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
    objs = [o for o in [*FIELDS, *VIRTUAL_FIELDS] if canonical_object(org, o)]
    return Response.json(
        {
            "encoding": "UTF-8",
            "maxBatchSize": COLLECTION_MAX,
            "sobjects": [_object_summary(o, version) for o in sorted(objs)],
        }
    )


def describe(org, request: Request, version: str, sobject: str) -> Response:
    """GET sobjects/<Object>/describe."""
    obj = canonical_object(org, sobject)
    if not obj:
        raise NotFound()
    out = _object_summary(obj, version)
    out.update(
        {
            "fields": [f.describe() for f in object_fields(org, obj)],
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
        raise NotFound()
    return Response.json({"objectDescribe": _object_summary(obj, version), "recentItems": []})
