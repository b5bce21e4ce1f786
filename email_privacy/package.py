"""package.xml documents: the manifest of every retrieve and deploy."""

from lxml import etree

from . import MDAPI_NS, xmlsafe


def package_xml(members: dict[str, list[str]], api_version: str) -> bytes:
    """Build a package.xml listing `members` ({type name: [member, ...]}), types and members sorted."""
    root = etree.Element(f"{{{MDAPI_NS}}}Package", nsmap={None: MDAPI_NS})
    for type_name in sorted(members):
        if not members[type_name]:
            continue
        types = etree.SubElement(root, f"{{{MDAPI_NS}}}types")
        for member in sorted(members[type_name]):
            etree.SubElement(types, f"{{{MDAPI_NS}}}members").text = member
        etree.SubElement(types, f"{{{MDAPI_NS}}}name").text = type_name
    etree.SubElement(root, f"{{{MDAPI_NS}}}version").text = api_version
    etree.indent(root, space="    ")
    return xmlsafe.serialize(root)


def read_package_xml(data: bytes, name: str = "package.xml") -> dict[str, list[str]]:
    """Parse a package.xml into {type name: [member, ...]}."""
    root = xmlsafe.parse(data, name).getroot()
    out: dict[str, list[str]] = {}
    for types in root.findall(f"{{{MDAPI_NS}}}types"):
        type_name = types.findtext(f"{{{MDAPI_NS}}}name")
        out.setdefault(type_name, []).extend(m.text for m in types.findall(f"{{{MDAPI_NS}}}members"))
    return out
