"""Which metadata types the org can answer for, and one component read as readMetadata gives it.

The org models the types of deploy_checks.TYPES and keeps any other type deployed to it (a single-file type of
the schema, named in package.xml, in a folder of its own); for a type it neither
models nor holds, an answer of "none" could be false (a real org has standard components of most types), so
the org refuses it as not modelled instead.
"""

import json
from pathlib import Path

from localorg import xml
from localorg.files import write_atomic
from localorg.models.deploy_checks import TYPES
from localorg.models.wsdl import schema

LEARNED = "metadata-types.json"  # types the org was given beyond those it models: {type: [directory, suffix]}


def load(root: Path) -> dict[str, tuple[str, str]]:
    """Directory and suffix of every type the org keeps: those it models, then those deployed to it."""
    path = Path(root) / LEARNED
    learned = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {**{t: tuple(v) for t, v in learned.items()}, **TYPES}


def learn(store, declared: dict[str, list[str]], directory: str, name: str) -> tuple[str, str] | None:
    """The (type, suffix) of a file in a folder no known type uses, from the package.xml type naming its member:
    a metadata type of the schema whose file is <directory>/<member><suffix>. Kept for the org's later calls."""
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in name:
        return None
    found = [t for t, members in declared.items() if stem in members and schema().is_metadata_type(t)]
    if len(found) != 1 or found[0] in store.types:
        return None
    store.types[found[0]] = (directory, "." + ext)
    learned = {t: v for t, v in store.types.items() if t not in TYPES}
    write_atomic(Path(store.root) / LEARNED, (json.dumps(learned, indent=1, sort_keys=True) + "\n").encode())
    return found[0], "." + ext


def types(store) -> list[str]:
    """The types the org answers for: those it models, then any other it was given."""
    return list(store.types) + sorted(store.types_held() - set(store.types))


def holds_type(store, type_name: str) -> bool:
    """listMetadata and readMetadata answer for this type: Settings types by their own name too."""
    if type_name in store.types or store.members(type_name):
        return True
    return type_name.endswith("Settings") and schema().is_metadata_type(type_name)


def read_component(store, type_name: str, full_name: str):
    """The component's root element (a settings type's by its name, e.g. PartyDataModelSettings), or None."""
    if type_name != "Settings" and type_name.endswith("Settings") and type_name not in TYPES:
        type_name, full_name = "Settings", type_name.removesuffix("Settings")
    data = store.read(type_name, full_name) if holds_type(store, type_name) else None
    return None if data is None else xml.parse(data, f"{type_name} {full_name}").getroot()
