"""The local org's own Metadata API XML handling: safe parsing, writing as Salesforce writes, package.xml.

What it parses comes from clients, so a parse never resolves entities, reads the network or loads a DTD,
and a DOCTYPE is refused (Salesforce metadata never carries one). The org keeps this apart from the
product's XML code on purpose: it checks the product, so it must not share its mistakes.
"""

from lxml import etree

MDAPI_NS = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "63.0"
MAX_BYTES = 20 * 1024 * 1024  # a deploy's largest real files are a few hundred KB
# A SOAP request: a deploy's base64 zip of up to 50 MB and its envelope (docs/salesforce-facts.md, "Metadata API
# deploy and retrieve limits"); its zip is one text node, past libxml2's 10 MB cap without huge_tree.
MAX_SOAP_BYTES = 51 * 1024 * 1024

_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


class XmlRefused(ValueError):
    """Bytes the org will not read as XML; `position` is the parser's (line, column) when it has one."""

    def __init__(self, message: str, position: tuple[int | None, int | None] = (None, None)):
        super().__init__(message)
        self.position = position


def md(name: str) -> str:
    """An element name in the metadata namespace, as lxml spells it."""
    return f"{{{MDAPI_NS}}}{name}"


def parse(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> etree._ElementTree:
    """A tree of `data`, or XmlRefused naming `name` and what is wrong. Above MAX_BYTES (a SOAP request) text
    nodes may pass 10 MB, and a DOCTYPE is refused before the parser sees it."""
    if len(data) > max_bytes:
        raise XmlRefused(f"{name}: {len(data)} bytes, more than the {max_bytes} the local org reads")
    huge = max_bytes > MAX_BYTES
    if huge and b"<!DOCTYPE" in data:
        raise XmlRefused(f"{name}: a DOCTYPE is not allowed in metadata")
    try:
        tree = etree.ElementTree(etree.fromstring(data, etree.XMLParser(**{**_SAFE, "huge_tree": huge})))
    except etree.XMLSyntaxError as e:
        raise XmlRefused(f"{name}: not well-formed XML ({e.msg})", e.position) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlRefused(f"{name}: a DOCTYPE is not allowed in metadata")
    return tree


def serialize(tree) -> bytes:
    """UTF-8 with the declaration in double quotes and a final newline, as Salesforce writes metadata."""
    root = tree if hasattr(tree, "getroot") else etree.ElementTree(tree)
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    out = out.replace(b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1)
    return out if out.endswith(b"\n") else out + b"\n"


def package_xml(members: dict[str, list[str]], api_version: str) -> bytes:
    """A package.xml naming `members` ({type: [member]}), sorted as retrieve writes it."""
    root = etree.Element(md("Package"), nsmap={None: MDAPI_NS})
    for type_name in sorted(t for t in members if members[t]):
        types = etree.SubElement(root, md("types"))
        for member in sorted(members[type_name]):
            etree.SubElement(types, md("members")).text = member
        etree.SubElement(types, md("name")).text = type_name
    etree.SubElement(root, md("version")).text = api_version
    etree.indent(root, space="    ")
    return serialize(root)


def read_package_xml(data: bytes, name: str = "package.xml") -> dict[str, list[str]]:
    """{type: [member]} of a package.xml."""
    out: dict[str, list[str]] = {}
    for types in parse(data, name).getroot().iterfind(md("types")):
        members = [m.text or "" for m in types.iterfind(md("members"))]
        out.setdefault(types.findtext(md("name")) or "", []).extend(members)
    return out
