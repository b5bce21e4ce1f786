"""The object schema of the local org, defined once: objects, their fields, key prefixes, and which
parts exist only while a feature is on.

Each object is a data module in models/objects/ (registered in objects/__init__.py); this module assembles
them. Stored objects (FIELDS) have a table in the records store; computed objects (VIRTUAL_FIELDS) are
single rows derived from the org's identity; TOOLING_FIELDS are the Tooling API's own objects.
Describes, SOQL, record validation and the records store all read this module.
"""

from dataclasses import dataclass

from localorg.models.objects import registered
from localorg.models.objects.base import Field, SObject

__all__ = ["Field", "SObject"]

OBJECTS: dict[str, SObject] = {o.name: o for o in registered()}


def _of_kind(kind: str) -> dict[str, list[Field]]:
    return {name: list(o.fields) for name, o in OBJECTS.items() if o.kind == kind}


FIELDS = _of_kind("stored")
VIRTUAL_FIELDS = _of_kind("virtual")
TOOLING_FIELDS = _of_kind("tooling")
DEV_HUB_OBJECTS = tuple(name for name, o in OBJECTS.items() if o.needs == "dev_hub")

# RecordType has no table here (models/record_types.py), but its ids carry its prefix.
KEY_PREFIX = {name: o.key_prefix for name, o in OBJECTS.items() if o.key_prefix} | {"RecordType": "012"}
PREFIX_OBJECT = {v: k for k, v in KEY_PREFIX.items()}
# Name is computed from FirstName and LastName on these (a person account's Name too).
PERSON_NAMED = {name for name, o in OBJECTS.items() if o.person_named}
LABELS = {name: (o.label, o.plural) for name, o in OBJECTS.items() if o.kind != "tooling"}


@dataclass(frozen=True)
class Visibility:
    """Which optional parts of the schema exist in the org right now."""

    consent: bool = False  # PartyDataModelSettings.enableConsentManagement
    person_accounts: bool = False
    dev_hub: bool = False

    def object_exists(self, obj: str) -> bool:
        if obj not in FIELDS:
            return False
        needs = OBJECTS[obj].needs
        return needs is None or (needs == "consent" and self.consent) or (needs == "dev_hub" and self.dev_hub)

    def fields(self, obj: str) -> list[Field]:
        """The fields of obj that exist in the org (empty if the object does not)."""
        if not self.object_exists(obj):
            return []
        return [
            f
            for f in FIELDS[obj]
            if (self.consent or not f.needs_consent) and (self.person_accounts or not f.needs_person_accounts)
        ]

    def field_map(self, obj: str) -> dict[str, Field]:
        """Visible fields of obj keyed by lower-case name (API names are case-insensitive)."""
        return {f.name.lower(): f for f in self.fields(obj)}


def cascading_lookups(obj: str) -> list[tuple[str, str]]:
    """(child object, lookup field) whose records go with a deleted obj record (cascadeDelete in the describe)."""
    return [
        (child, f.name)
        for child, fields in FIELDS.items()
        for f in fields
        if f.reference_to == obj and f.child_relationship and f.child_relationship[1]
    ]


def child_lookups(visibility: Visibility, obj: str) -> list[tuple[str, Field]]:
    """(child object, lookup field) of the lookups to obj that exist now and name their relationship on obj."""
    return [
        (child, f)
        for child in FIELDS
        for f in visibility.fields(child)
        if f.reference_to == obj and f.child_relationship
    ]
