"""How the local org judges a deploy, as a real org would, from the Metadata API schema (models/wsdl.py).

Pure functions: bytes and lxml trees in, a list of Problems out. The store (metadata.py)
decides what to keep. Texts marked "Salesforce's text" are the org's own words (docs/salesforce-facts.md); the
others are this org's, worded to name what is wrong and what is allowed.
"""

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from localorg import xml
from localorg.exceptions import SoapFault
from localorg.models.wsdl import schema
from localorg.xml import MDAPI_NS, XmlRefused

# Metadata types this org stores: directory and file suffix (Metadata API Developer Guide).
TYPES = {
    "Layout": ("layouts", ".layout"),
    "Settings": ("settings", ".settings"),
    "PermissionSet": ("permissionsets", ".permissionset"),
    "FlexiPage": ("flexipages", ".flexipage"),
    "Profile": ("profiles", ".profile"),
    "CustomObject": ("objects", ".object"),
}
DIRECTORIES = {d: (t, s) for t, (d, s) in TYPES.items()}
# Salesforce's limits (docs/salesforce-facts.md, "Metadata API deploy and retrieve limits"): files in one deploy or
# retrieve (package.xml counted), bytes unzipped, and the base64 zip a SOAP message may carry.
MAX_FILES = 10_000
MAX_UNZIPPED = 600 * 1024 * 1024
MAX_SOAP_ZIP = 50 * 1024 * 1024
# Salesforce's text for a deploy of too many files (a fault of the deploy call itself).
TOO_MANY_FILES = "INVALID_OPERATION: Too many files in zip"


@dataclass
class Problem:
    """One reason a component cannot be deployed."""

    problem: str
    line: int | None = None
    column: int | None = None


class ZipRefused(Exception):
    """The zip as a whole cannot be deployed; the message is the DeployResult's errorMessage."""


def _q(name: str) -> str:
    return f"{{{MDAPI_NS}}}{name}"


@dataclass
class Document:
    """A parsed component and its source lines (lxml gives an element's line, not its column)."""

    tree: etree._ElementTree
    lines: list[str]

    def where(self, el) -> tuple[int | None, int | None]:
        """Line and column of an element's start tag, 1-based, as Salesforce reports them."""
        line = el.sourceline
        if line is None or not 0 < line <= len(self.lines):
            return line, None
        col = self.lines[line - 1].find("<" + etree.QName(el).localname)
        return line, (col + 1 if col >= 0 else None)


def parse_component(data: bytes, file_name: str) -> tuple[Document | None, list[Problem]]:
    """Parse a component safely; malformed XML is a Problem with the parser's line and column."""
    try:
        tree = xml.parse(data, file_name)
    except XmlRefused as e:
        line, col = e.position
        return None, [Problem(f"Error parsing file: {str(e).split(': ', 1)[-1]}", line, col)]
    return Document(tree, data.decode("utf-8", errors="replace").splitlines()), []


def check_type(doc: Document, parent, type_name: str) -> list[Problem]:
    """`parent` as the schema's `type_name`: known children in order (a repeated element together), enumeration
    and boolean values, and each child of a schema type judged as that type in turn.

    Salesforce's texts: `Element {ns}X invalid at this location in type Y`, `'v' is not a valid value for the
    enum 'E'` (docs/salesforce-facts.md).
    """
    elements = {e.name: (i, e) for i, e in enumerate(schema().elements(type_name))}
    problems, last = [], -1
    for child in parent:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        q = etree.QName(child)
        idx, element = elements.get(q.localname, (-1, None)) if q.namespace == MDAPI_NS else (-1, None)
        line, col = doc.where(child)
        if idx < last or element is None:
            problems.append(Problem(f"Element {child.tag} invalid at this location in type {type_name}", line, col))
            continue
        last = idx
        value = (child.text or "").strip()
        allowed = None if element.builtin else schema().enumeration(element.type)
        if allowed is not None and value not in allowed:
            problems.append(Problem(f"'{value}' is not a valid value for the enum '{element.type}'", line, col))
        elif element.builtin and element.type == "boolean" and value not in ("true", "false"):
            problems.append(
                Problem(
                    f"'{value}' is not a valid value for the type 'boolean' in {q.localname} (allowed: true, false)",
                    line,
                    col,
                )
            )
        elif not element.builtin and schema().has_type(element.type):
            problems += check_type(doc, child, element.type)
    return problems


def check_layout(doc: Document, layout_object: str, fields: set[str]) -> list[Problem]:
    """Judge a Layout: element order, sections, items, and that every field exists once on the object."""
    root = doc.tree.getroot()
    if root.tag != _q("Layout"):
        line, col = doc.where(root)
        return [
            Problem(
                f"Element {root.tag} invalid at this location in type Layout: the root must be {{{MDAPI_NS}}}Layout",
                line,
                col,
            )
        ]
    problems = check_type(doc, root, "Layout")
    field_object = "Account" if layout_object == "PersonAccount" else layout_object
    seen: set[str] = set()
    for section in root.findall(_q("layoutSections")):
        style = section.findtext(_q("style"))
        line, col = doc.where(section)
        label = section.findtext(_q("label")) or "(no label)"
        if style is None:
            # This org's words; the XSD makes style required (LayoutSection.style minOccurs 1).
            problems.append(
                Problem(
                    f"Layout section {label!r} lacks the required element style "
                    f"(allowed: {', '.join(schema().enumeration('LayoutSectionStyle'))})",
                    line,
                    col,
                )
            )
        for column in section.findall(_q("layoutColumns")):
            for item in column.findall(_q("layoutItems")):
                problems += _check_item(doc, item, style, label, field_object, fields, seen)
    return problems


def _check_item(doc, item, style, label, field_object, fields, seen) -> list[Problem]:
    problems = []
    line, col = doc.where(item)
    field = item.findtext(_q("field"))
    if field is None:
        return problems
    if style == "CustomLinks":
        problems.append(
            Problem(
                f"Layout section {label!r} has style CustomLinks, which holds custom links only: "
                f"field {field} is not allowed there",
                line,
                col,
            )
        )
    if field not in fields:
        # Salesforce's text (docs/salesforce-facts.md).
        problems.append(Problem(f"In field: field - no CustomField named {field_object}.{field} found", line, col))
    elif field in seen:
        problems.append(
            Problem(f"Field {field} appears more than once in the layout; a field may appear once", line, col)
        )
    seen.add(field)
    return problems


def in_metadata_namespace(data: bytes) -> bytes:
    """A Settings file whose elements carry no namespace, moved into the metadata namespace.

    The sf CLI deploys a scratch definition's settings without a namespace on the root, and Salesforce
    accepts them (docs/salesforce-facts.md, "Salesforce's own CLI (sf) and scratch orgs"); the org keeps
    them as it keeps every Settings file. Anything else (namespaced, malformed) is returned unchanged.
    """
    try:
        root = xml.parse(data, "settings").getroot()
    except XmlRefused:
        return data  # the checks report the parse error
    if etree.QName(root).namespace is not None:
        return data

    def moved(src, parent=None):
        tag = f"{{{MDAPI_NS}}}{etree.QName(src).localname}"
        el = etree.Element(tag, nsmap={None: MDAPI_NS}) if parent is None else etree.SubElement(parent, tag)
        el.text, el.tail = src.text, src.tail
        for child in src:
            if isinstance(child.tag, str) and etree.QName(child).namespace is None:
                moved(child, el)
        return el

    return xml.serialize(etree.ElementTree(moved(root)))


def check_settings(doc: Document, stem: str) -> list[Problem]:
    """Judge a Settings file: a settings type of the schema, its root element, its fields as the schema types them."""
    settings_type = stem + "Settings"
    if not schema().is_metadata_type(settings_type):
        # Salesforce's text (docs/salesforce-facts.md).
        return [Problem(f"settings/{stem}.settings is not a valid metadata object")]
    root = doc.tree.getroot()
    if root.tag != _q(settings_type):
        line, col = doc.where(root)
        return [
            Problem(
                f"Element {root.tag} invalid at this location in type Settings: "
                f"settings/{stem}.settings must hold a {settings_type}",
                line,
                col,
            )
        ]
    return check_type(doc, root, settings_type)


def check_component(doc: Document, type_name: str) -> list[Problem]:
    """Judge a component of a type the org keeps without modelling it: its root and the schema's types."""
    root = doc.tree.getroot()
    if root.tag != _q(type_name):
        line, col = doc.where(root)
        return [Problem(f"Element {root.tag} invalid at this location in type {type_name}", line, col)]
    return check_type(doc, root, type_name)


def check_permission_set(doc: Document, object_fields, type_name: str = "PermissionSet") -> list[Problem]:
    """Judge a PermissionSet (or a Profile): its root, its elements as the schema types them, and that the
    objects and fields it grants exist.

    `object_fields(obj)` gives the fields of an object this org models, None for an object it has
    not (Individual exists only with consent management on), and ... (Ellipsis) for objects it
    does not model, which are let through.
    """
    problems = check_component(doc, type_name)
    if problems:
        return problems
    root = doc.tree.getroot()
    for perm in root.findall(_q("objectPermissions")):
        obj = perm.findtext(_q("object")) or ""
        if object_fields(obj) is None:
            line, col = doc.where(perm)
            problems.append(Problem(f"In field: object - no CustomObject named {obj} found", line, col))
    for perm in root.findall(_q("fieldPermissions")):
        obj, _, field = (perm.findtext(_q("field")) or "").partition(".")
        fields = object_fields(obj)
        if fields is not Ellipsis and (fields is None or field not in fields):
            line, col = doc.where(perm)
            # Salesforce's text, as for layouts (docs/salesforce-facts.md).
            problems.append(Problem(f"In field: field - no CustomField named {obj}.{field} found", line, col))
    return problems


def safe_entry_name(name: str) -> bool:
    """A zip entry may not leave the deploy's root: no absolute path, drive, backslash or `..`."""
    if not name or name.startswith("/") or "\\" in name or (len(name) > 1 and name[1] == ":") or "\x00" in name:
        return False
    return ".." not in name.split("/") and posixpath.normpath(name) not in ("..", ".")


def refuse_oversized_deploy(zip_text: str, data: bytes) -> None:
    """What a real org refuses at the deploy call, before any deploy exists: more files than MAX_FILES
    (Salesforce's fault) or a base64 zip over the SOAP limit (this org's words). A zip that cannot be read
    is left to read_zip, which says so in the deploy's result."""
    if len(zip_text) > MAX_SOAP_ZIP:
        raise SoapFault(
            "sf:LIMIT_EXCEEDED",
            f"LIMIT_EXCEEDED: The deploy's base64 ZipFile is {len(zip_text):,} bytes: a SOAP message may carry "
            f"at most {MAX_SOAP_ZIP:,} (50 MB; about 39 MB zipped)",
        )
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        return
    if sum(1 for i in infos if not i.is_dir()) > MAX_FILES:
        raise SoapFault("sf:INVALID_OPERATION", TOO_MANY_FILES)


def retrieve_refusal(files: int, zip_bytes: bytes) -> str | None:
    """Why a real org fails a retrieve as a whole: Salesforce's text for too many files (package.xml counted),
    this org's words for a zip over the size limits; None when it is within them."""
    if files > MAX_FILES:
        return f"LIMIT_EXCEEDED: Too many files in retrieve call, limit is: {MAX_FILES}"
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as zf:
        unzipped = sum(i.file_size for i in zf.infolist())
    if unzipped > MAX_UNZIPPED:
        return (
            f"LIMIT_EXCEEDED: The retrieve's files come to {unzipped:,} bytes: at most {MAX_UNZIPPED:,} (600 MB) "
            "are allowed"
        )
    encoded = (len(zip_bytes) + 2) // 3 * 4
    if encoded > MAX_SOAP_ZIP:
        return (
            f"LIMIT_EXCEEDED: The retrieve's zip is {encoded:,} bytes base64-encoded: a SOAP message may carry at "
            f"most {MAX_SOAP_ZIP:,} (50 MB; about 39 MB zipped)"
        )
    return None


def read_zip(data: bytes, single_package: bool) -> dict[str, bytes]:
    """The deploy zip's files, keyed by path relative to the package root (package.xml among them).

    Raises ZipRefused for anything that is not a safe zip holding one package: nothing is deployed then.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise ZipRefused(f"The deploy's ZipFile is not a zip file ({e})") from None
    unzipped = sum(i.file_size for i in infos)
    if unzipped > MAX_UNZIPPED:
        raise ZipRefused(
            f"The deploy's zip unzips to {unzipped:,} bytes: at most {MAX_UNZIPPED:,} (600 MB) are allowed"
        )
    bad = [i.filename for i in infos if not safe_entry_name(i.filename)]
    if bad:
        raise ZipRefused(
            f"The deploy's zip has an entry outside its root: {bad[0]!r} (absolute paths and '..' are not allowed)"
        )
    files = {i.filename: zf.read(i) for i in infos if not i.is_dir()}
    if "package.xml" in files:
        return files
    roots = {name.split("/", 1)[0] for name in files}
    if not single_package and len(roots) == 1:
        prefix = roots.pop() + "/"
        if prefix + "package.xml" in files:
            return {name[len(prefix) :]: body for name, body in files.items()}
    raise ZipRefused("No package.xml found")
