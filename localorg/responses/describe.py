"""The local org's describe resources: the global describe, sObject basic information and describes,
built from the object schema (models/schema.py) with the keys and flags real orgs report (recorded real
describes; docs/salesforce-facts.md, "Describes")."""

from localorg.exceptions import NotFound
from localorg.http import Request, Response
from localorg.models.record_types import record_types
from localorg.models.schema import FIELDS, KEY_PREFIX, LABELS, OBJECTS, VIRTUAL_FIELDS, child_lookups
from localorg.models.sobjects import canonical_object, object_fields
from localorg.responses.oauth import base_url

COLLECTION_MAX = 200

_CONSTANT_ENTRY = {
    "activateable": False, "associateEntityType": None, "associateParentEntity": None, "custom": False,
    "customSetting": False, "deepCloneable": False, "deprecatedAndHidden": False, "hasSubtypes": False,
    "isInterface": False, "isSubtype": False, "queryable": True,
}  # fmt: skip
_CONSTANT_DESCRIBE = {
    "actionOverrides": [], "defaultImplementation": None, "extendedBy": None, "extendsInterfaces": None,
    "implementedBy": None, "implementsInterfaces": None, "listviewable": None, "lookupLayoutable": None,
    "namedLayoutInfos": [], "networkScopeFieldName": None, "sobjectDescribeOption": "FULL", "supportedScopes": [],
}  # fmt: skip


def _urls(obj: str, version: str) -> dict:
    base = f"/services/data/v{version}/sobjects/{obj}"
    out = {"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"}
    out.update({name: base + path for name, path in OBJECTS[obj].urls.items()})
    return out


def _object_summary(obj: str, version: str) -> dict:
    label, plural = LABELS[obj]
    out = {**_CONSTANT_ENTRY, **OBJECTS[obj].flags, "name": obj, "label": label, "labelPlural": plural}
    out.update({"keyPrefix": KEY_PREFIX.get(obj), "urls": _urls(obj, version)})
    return dict(sorted(out.items()))


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


def _record_type_infos(org, obj: str, version: str) -> list[dict]:
    if obj not in FIELDS:
        return []
    layout = f"/services/data/v{version}/sobjects/{obj}/describe/layouts/"
    return [
        {"active": True, "available": True, **info, "urls": {"layout": layout + info["recordTypeId"]}}
        for info in record_types(obj, org.visibility.person_accounts)
    ]


def _child_relationships(org, obj: str) -> list[dict]:
    """The lookups to obj among the fields that exist now that name their relationship on the parent."""
    out = []
    for child, f in child_lookups(org.visibility, obj):
        name, cascade = f.child_relationship
        out.append(
            {
                "cascadeDelete": cascade,
                "childSObject": child,
                "deprecatedAndHidden": False,
                "field": f.name,
                "junctionIdListNames": [],
                "junctionReferenceTo": [],
                "relationshipName": name,
                "restrictedDelete": False,
            }  # fmt: skip
        )
    return out


def _field_describes(org, obj: str) -> list[dict]:
    out = [f.describe() for f in object_fields(org, obj)]
    if obj == "Account" and org.visibility.person_accounts:
        # A person account has no Name of its own (FirstName/LastName make it), so Name may be empty.
        for entry in out:
            if entry["name"] == "Name":
                entry["nillable"] = True
    return out


def describe(org, request: Request, version: str, sobject: str) -> Response:
    """GET sobjects/<Object>/describe."""
    obj = canonical_object(org, sobject)
    if not obj:
        raise NotFound()
    out = _object_summary(obj, version)
    layoutable = out["layoutable"]
    out.update(_CONSTANT_DESCRIBE)
    out.update(
        {
            "childRelationships": _child_relationships(org, obj),
            "compactLayoutable": layoutable,
            "fields": _field_describes(org, obj),
            "recordTypeInfos": _record_type_infos(org, obj, version),
            "searchLayoutable": layoutable,
        }
    )
    if OBJECTS[obj].urls:
        host, prefix = base_url(org), KEY_PREFIX.get(obj)
        out["urls"].update(
            {
                "uiDetailTemplate": f"{host}/{{ID}}",
                "uiEditTemplate": f"{host}/{{ID}}/e",
                "uiNewRecord": f"{host}/{prefix}/e",
            }
        )
    return Response.json(dict(sorted(out.items())))


def sobject_basic(org, request: Request, version: str, sobject: str) -> Response:
    """GET sobjects/<Object>: basic information."""
    obj = canonical_object(org, sobject)
    if not obj:
        raise NotFound()
    return Response.json({"objectDescribe": _object_summary(obj, version), "recentItems": []})
