"""Which metadata types the org can answer for, and one component read as readMetadata gives it.

The org models the types of deploy_checks.TYPES and keeps any other type deployed to it; for a type it neither
models nor holds, an answer of "none" could be false (a real org has standard components of most types), so
the org refuses it as not modelled instead.
"""

from .. import xml
from .deploy_checks import TYPES
from .wsdl import schema


def types(store) -> list[str]:
    """The types the org answers for: those it models, then any other it was given."""
    return list(TYPES) + sorted(store.types_held() - set(TYPES))


def holds_type(store, type_name: str) -> bool:
    """listMetadata and readMetadata answer for this type: Settings types by their own name too."""
    if type_name in TYPES or store.members(type_name):
        return True
    return type_name.endswith("Settings") and schema().is_metadata_type(type_name)


def read_component(store, type_name: str, full_name: str):
    """The component's root element (a settings type's by its name, e.g. PartyDataModelSettings), or None."""
    if type_name != "Settings" and type_name.endswith("Settings") and type_name not in TYPES:
        type_name, full_name = "Settings", type_name.removesuffix("Settings")
    data = store.read(type_name, full_name) if holds_type(store, type_name) else None
    return None if data is None else xml.parse(data, f"{type_name} {full_name}").getroot()
