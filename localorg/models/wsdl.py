"""What the Metadata API schema says, read from the public metadata.wsdl (API 63.0) that simple-salesforce
ships: each type's elements in order (xsd:sequence, with what it extends first), which types are metadata
types (they extend Metadata), and enumerations. The local org judges deploys and writes documents from this
file alone, so its element order can never simply agree with the product's.
"""

import functools
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from localorg import xml

XSD = "{http://www.w3.org/2001/XMLSchema}"


@dataclass(frozen=True)
class Element:
    name: str
    type: str  # "boolean", "string" ... for XML Schema types; a schema type's name otherwise
    builtin: bool  # an XML Schema type (xsd:), not one of the schema's own
    required: bool
    many: bool


class MetadataSchema:
    def __init__(self, wsdl: bytes):
        root = xml.parse(wsdl, "metadata.wsdl").getroot()
        self._own: dict[str, tuple[Element, ...]] = {}
        self._base: dict[str, str] = {}
        self._enums: dict[str, tuple[str, ...]] = {}
        schema = next(root.iter(f"{XSD}schema"))
        for node in schema.iterfind(f"{XSD}complexType"):
            name = node.get("name")
            extension = node.find(f"{XSD}complexContent/{XSD}extension")
            if extension is not None:
                self._base[name] = extension.get("base").partition(":")[2]
            self._own[name] = tuple(_element(e) for e in node.iter(f"{XSD}element"))
        for node in schema.iterfind(f"{XSD}simpleType"):
            values = tuple(e.get("value") for e in node.iter(f"{XSD}enumeration"))
            if values:
                self._enums[node.get("name")] = values

    def has_type(self, name: str) -> bool:
        return name in self._own

    def elements(self, type_name: str) -> tuple[Element, ...]:
        """The type's elements in schema order: those of the types it extends first."""
        base = self._base.get(type_name)
        return (self.elements(base) if base else ()) + self._own.get(type_name, ())

    def names(self, type_name: str) -> tuple[str, ...]:
        return tuple(e.name for e in self.elements(type_name))

    def is_metadata_type(self, name: str) -> bool:
        """A type deploy and retrieve take: it extends Metadata (directly or through another)."""
        while name in self._base:
            name = self._base[name]
            if name == "Metadata":
                return True
        return False

    def enumeration(self, type_name: str) -> tuple[str, ...] | None:
        return self._enums.get(type_name)


def _element(node) -> Element:
    prefix, _, type_name = (node.get("type") or "xsd:string").partition(":")
    return Element(
        name=node.get("name"),
        type=type_name,
        builtin=prefix == "xsd",
        required=node.get("minOccurs", "1") != "0",
        many=node.get("maxOccurs") == "unbounded",
    )


@functools.cache
def schema() -> MetadataSchema:
    """The schema, read once per process: a public file that never changes while the org runs."""
    # Found without importing simple_salesforce, which would cost a second of start-up.
    package = Path(find_spec("simple_salesforce").submodule_search_locations[0])
    return MetadataSchema((package / "metadata.wsdl").read_bytes())
