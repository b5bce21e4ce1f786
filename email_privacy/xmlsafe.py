"""Safe parsing and faithful writing of metadata XML.

Metadata files come from other people's repositories and from orgs, so parsing must never
resolve entities, read the network or expand entity bombs. lxml's defaults resolve internal
entities, so every parse in this project goes through this one parser. (CumulusCI's
utils.xml parsers turn entity resolution off too, but accept a DOCTYPE and have no size limit.)
"""

from lxml import etree

from .errors import XmlInputError

# Biggest file we accept; the largest real layouts are a few hundred KB.
MAX_BYTES = 20 * 1024 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=False,
    remove_comments=False,
)


def parse(data: bytes, name: str) -> etree._ElementTree:
    """Parse metadata XML from bytes; raise XmlInputError naming `name` if it is not safe, well-formed XML.

    Any DOCTYPE is refused outright: Salesforce metadata never carries one, and it is how
    external-entity and entity-expansion attacks arrive.
    """
    if len(data) > MAX_BYTES:
        raise XmlInputError(f"{name}: file is {len(data)} bytes, more than the {MAX_BYTES} allowed")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _PARSER))
    except etree.XMLSyntaxError as e:
        error = XmlInputError(f"{name}: not well-formed XML ({e.msg})")
        error.position = e.position  # (line, column), for callers that report where (the local org's deploy checks)
        raise error from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlInputError(f"{name}: a DOCTYPE is not allowed in metadata files")
    return tree


def parse_file(path) -> etree._ElementTree:
    """Read and parse a file with `parse`, naming the file in any error."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        raise XmlInputError(f"{path}: cannot read ({e.strerror})") from None
    return parse(data, str(path))


def serialize(tree) -> bytes:
    """Write a tree as Salesforce writes metadata: UTF-8 with an XML declaration, trailing newline."""
    # Serializing the ElementTree (not just the root) keeps comments outside the root element.
    if not hasattr(tree, "getroot"):
        tree = etree.ElementTree(tree)
    out = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    # lxml writes the declaration with single quotes; Salesforce and sf write double quotes.
    out = out.replace(b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1)
    return out if out.endswith(b"\n") else out + b"\n"
