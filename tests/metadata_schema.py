"""The Metadata API schema for validation, taken from the WSDL that simple-salesforce ships (CumulusCI
brings it), so no test needs anything outside the project and its installed dependencies.

The WSDL's `types` section is a plain XML Schema with complex types only. To validate a whole metadata
file (a Layout, a FlexiPage, a Settings file, package.xml), a global element is added for every
complex type derived from Metadata or MetadataWithContent, and for Package, named as the type: that is
the root element Salesforce writes in its files.
"""

from functools import cache
from pathlib import Path

from lxml import etree

XSD = "http://www.w3.org/2001/XMLSchema"
MDAPI_NS = "http://soap.sforce.com/2006/04/metadata"
METADATA_BASES = {"tns:Metadata", "tns:MetadataWithContent"}


def wsdl_path() -> Path:
    import simple_salesforce

    return Path(simple_salesforce.__file__).with_name("metadata.wsdl")


@cache
def schema_tree() -> etree._ElementTree:
    """The WSDL's schema as a stand-alone XSD document, with a global element per metadata type."""
    wsdl = etree.parse(str(wsdl_path()), etree.XMLParser(resolve_entities=False, no_network=True))
    schema = wsdl.find(f".//{{{XSD}}}schema")
    # A stand-alone schema needs the tns prefix the types refer to declared on its own root.
    root = etree.Element(f"{{{XSD}}}schema", nsmap={"xsd": XSD, "tns": MDAPI_NS}, attrib=dict(schema.attrib))
    root.extend(etree.fromstring(etree.tostring(schema)))
    globals_ = {e.get("name") for e in root.findall(f"{{{XSD}}}element")}
    bases: dict[str, str | None] = {}
    for ctype in root.findall(f"{{{XSD}}}complexType"):
        ext = ctype.find(f"{{{XSD}}}complexContent/{{{XSD}}}extension")
        bases[ctype.get("name")] = ext.get("base") if ext is not None else None

    def is_metadata(name: str) -> bool:
        seen = set()
        while name and name not in seen:
            seen.add(name)
            base = bases.get(name)
            if base in METADATA_BASES:
                return True
            name = base.removeprefix("tns:") if base else None
        return False

    for name in sorted(n for n in bases if (is_metadata(n) or n == "Package") and n not in globals_):
        etree.SubElement(root, f"{{{XSD}}}element", name=name, type=f"tns:{name}")
    return etree.ElementTree(root)


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(schema_tree())
