"""Seed standard metadata a new org has: the standard profiles System Administrator (`Admin`) and Standard User
(`Standard`), and the standard objects as CustomObject components (Metadata API Developer Guide: Profile,
CustomObject; a standard profile's file is named by its API name, e.g. profiles/Admin.profile). Each document is
written in the schema's element order (models/wsdl.py).

A profile grants its objects and their fields that field-level security applies to (not required, not
system-set): all of them on Admin, read on Standard, as a new org's standard profiles do.
"""

from lxml import etree

from localorg import xml
from localorg.models.field_names import object_fields
from localorg.models.identity import OrgIdentity
from localorg.models.schema import Visibility
from localorg.models.wsdl import schema

STANDARD_OBJECTS = ("Account", "Contact", "Lead")
PROFILES = {"Admin": True, "Standard": False}  # API name: all access (System Administrator)
ADMIN_PERMISSIONS = ("ApiEnabled", "CustomizeApplication", "ModifyAllData", "ViewAllData", "ViewSetup")


def _append(parent, type_name: str, values: dict) -> None:
    """`values` ({element: text, or a list of {…} of the element's own type}) as children, in schema order."""
    for element in schema().elements(type_name):
        value = values.get(element.name)
        for item in value if isinstance(value, list) else [] if value is None else [value]:
            child = etree.SubElement(parent, xml.md(element.name))
            if isinstance(item, dict):
                _append(child, element.type, item)
            else:
                child.text = "true" if item is True else "false" if item is False else str(item)


def document(type_name: str, values: dict) -> bytes:
    root = etree.Element(xml.md(type_name), nsmap={None: xml.MDAPI_NS})
    _append(root, type_name, values)
    etree.indent(root, space="    ")
    return xml.serialize(root)


def _secured_fields(vis: Visibility, obj: str, identity: OrgIdentity) -> list[str]:
    """The object's fields a profile's field permissions may name (those deploys accept), FLS applying."""
    named = object_fields(obj, identity, False) or set()
    secured = (f for f in vis.fields(obj) if not (f.required or f.readonly or f.defaulted or f.type == "id"))
    return [f.name for f in secured if f.name in named]


def profile(vis: Visibility, admin: bool, identity: OrgIdentity) -> bytes:
    fields = [
        {"editable": admin, "field": f"{obj}.{name}", "readable": True}
        for obj in STANDARD_OBJECTS
        for name in _secured_fields(vis, obj, identity)
    ]
    objects = [
        {"allowCreate": True, "allowDelete": admin, "allowEdit": True, "allowRead": True,
         "modifyAllRecords": admin, "object": obj, "viewAllRecords": admin}
        for obj in STANDARD_OBJECTS
    ]  # fmt: skip
    granted = [p for p in ADMIN_PERMISSIONS if admin and (identity.customize_application or p == "ApiEnabled")]
    permissions = [{"enabled": True, "name": p} for p in granted or ["ApiEnabled"]]
    return document(
        "Profile",
        {"custom": False, "fieldPermissions": fields, "objectPermissions": objects, "userLicense": "Salesforce",
         "userPermissions": permissions},
    )  # fmt: skip


def seed_standard(identity: OrgIdentity) -> list[tuple[str, str, bytes]]:
    """(type, member, document) of a new org's standard profiles and objects."""
    vis = Visibility(person_accounts=identity.person_accounts)
    out = [("Profile", name, profile(vis, admin, identity)) for name, admin in PROFILES.items()]
    for obj in STANDARD_OBJECTS:
        out.append(
            ("CustomObject", obj, document("CustomObject", {"fields": [{"fullName": f.name} for f in vis.fields(obj)]}))
        )
    return out
