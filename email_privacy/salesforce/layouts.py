"""Pure edits of page layouts (Metadata API type Layout) as lxml trees.

The one edit this project needs is adding a field item (the Individual lookup) to a layout,
leaving every other byte of the file as it was: people diff these files in git and review them,
so comments, labels, namespace prefixes and indentation must survive. Element order follows
mdschema (LayoutColumn holds layoutItems, then reserved).

CumulusCI's metadata_tree is not used: its tostring() re-indents the whole document (etree.indent),
which would rewrite every line of a hand-formatted layout, and its parser accepts a DOCTYPE.
"""

import copy
import difflib
import re

from lxml import etree

from .. import metadata_xml
from ..errors import EmailPrivacyError, OptionError

TARGET_OBJECTS = ("Contact", "Lead", "PersonAccount")

# Contact.IndividualId, Lead.IndividualId, Account.PersonIndividualId (docs/salesforce-facts.md, "Fields").
INDIVIDUAL_FIELD = {"Contact": "IndividualId", "Lead": "IndividualId", "PersonAccount": "PersonIndividualId"}
EMAIL_OPT_OUT_FIELD = {
    "Contact": "HasOptedOutOfEmail",
    "Lead": "HasOptedOutOfEmail",
    "PersonAccount": "PersonHasOptedOutOfEmail",
}

# The Individual object's own layouts and record pages must show Don't Track and Don't Process (the Help
# page's last step); new items go beside its other privacy flags (docs/salesforce-facts.md, "The rep's side").
INDIVIDUAL_OBJECT = "Individual"
INDIVIDUAL_FLAGS = ("HasOptedOutTracking", "HasOptedOutProcessing")
PRIVACY_FLAGS = (*INDIVIDUAL_FLAGS, "HasOptedOutProfiling", "HasOptedOutSolicit", "HasOptedOutGeoTracking",
                 "ShouldForget", "SendIndividualData", "CanStorePiiElsewhere")  # fmt: skip


def required_fields(obj: str) -> tuple[str, ...]:
    """The fields every layout and Dynamic Forms page of `obj` must show: its Individual lookup, or on
    Individual itself its two flags."""
    return INDIVIDUAL_FLAGS if obj == INDIVIDUAL_OBJECT else (INDIVIDUAL_FIELD[obj],)


def anchor_fields(obj: str) -> tuple[str, ...]:
    """The fields a new item goes right after where the layout or page has one: Email Opt Out, or on
    Individual its privacy flags."""
    return PRIVACY_FLAGS if obj == INDIVIDUAL_OBJECT else (EMAIL_OPT_OUT_FIELD[obj],)


# after_email_opt_out falls back to end_of_first_section when the layout has no Email Opt Out item.
POSITIONS = ("after_email_opt_out", "end_of_first_section")
BEHAVIORS = ("Edit", "Readonly")

CUSTOM_LINKS_STYLE = "CustomLinks"
assert CUSTOM_LINKS_STYLE in metadata_xml.LAYOUT_SECTION_STYLES
assert set(BEHAVIORS) <= set(metadata_xml.LAYOUT_ITEM_BEHAVIORS)


def _local(el) -> str:
    """Local name of an element ("" for comments and processing instructions)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, name: str) -> list:
    """Child elements named `name` in any namespace or none, in order (comments and PIs left out).

    lxml's "{*}name" filter does the match in C: at 900 layouts this runs some 175,000 times, and
    computing every child's QName in Python would be the flow's largest client-side cost.
    """
    return list(el.iterchildren(f"{{*}}{name}"))


def _text(el, name: str) -> str | None:
    found = _children(el, name)
    return (found[0].text or "").strip() if found else None


def _root(tree):
    return tree.getroot() if hasattr(tree, "getroot") else tree


def _sections(root) -> list:
    return _children(root, "layoutSections")


def _is_custom_links(section) -> bool:
    return _text(section, "style") == CUSTOM_LINKS_STYLE


def _field_items(root):
    """Yield (section, column, item, field name) for every field item in the layout's sections."""
    for section in _sections(root):
        for column in _children(section, "layoutColumns"):
            for item in _children(column, "layoutItems"):
                field = _text(item, "field")
                if field:
                    yield section, column, item, field


def _same_field(a: str, b: str) -> bool:
    # Salesforce API names are case-insensitive.
    return a.lower() == b.lower()


def field_behavior(tree, field: str) -> str | None:
    """The behavior (Edit, Required, Readonly) of `field` on the layout, "" if it has none, None if absent."""
    for _section, _column, item, name in _field_items(_root(tree)):
        if _same_field(name, field):
            return _text(item, "behavior") or ""
    return None


def has_field(tree, field: str) -> bool:
    """True if any section of the layout holds an item for `field` (any behavior)."""
    return field_behavior(tree, field) is not None


def _indent_before(el) -> str:
    """The whitespace that precedes `el` inside its parent ("" if none or not whitespace)."""
    prev = el.getprevious()
    text = prev.tail if prev is not None else el.getparent().text
    text = text or ""
    return text if not text.strip() else ""


def _indent_unit(root) -> str:
    """The document's indentation step, read from the whitespace before the root's first child."""
    text = root.text or ""
    if "\n" not in text or text.strip():
        return ""
    return text.rsplit("\n", 1)[1]


def _new_item(parent, field: str, behavior: str, inner: str, closing: str):
    """A layoutItems element (namespace of `parent`) holding behavior then field, per metadata_xml.LAYOUT_ITEM."""
    ns = etree.QName(parent).namespace
    q = (lambda n: f"{{{ns}}}{n}") if ns else (lambda n: n)
    # Made by the parent so the item reuses the document's prefix for the namespace.
    item = parent.makeelement(q("layoutItems"))
    item.text = inner
    b = etree.SubElement(item, q("behavior"))
    b.text, b.tail = behavior, inner
    f = etree.SubElement(item, q("field"))
    f.text, f.tail = field, closing
    return item


def _insert_after(anchor, field: str, behavior: str, unit: str):
    """Insert a new item right after `anchor` (a layoutItems), formatted like `anchor`; return it."""
    indent = _indent_before(anchor)
    kids = list(anchor)
    if kids and not (anchor.text or "").strip() and not (kids[-1].tail or "").strip():
        inner, closing = anchor.text or "", kids[-1].tail or ""
    else:
        inner, closing = (indent + unit if indent else ""), indent
    item = _new_item(anchor.getparent(), field, behavior, inner, closing)
    item.tail = anchor.tail
    anchor.addnext(item)
    anchor.tail = indent
    return item


def _insert_into(column, field: str, behavior: str, unit: str):
    """Put a new item first in a column that has no items (before any `reserved`); return it."""
    col_indent = _indent_before(column)
    item_indent = col_indent + unit if col_indent else ""
    item = _new_item(column, field, behavior, item_indent + unit if item_indent else "", item_indent)
    if column.text:
        item.tail = column.text
    else:
        # Children but no whitespace before them: indent them as the item; no children: close the column.
        item.tail = item_indent if len(column) else col_indent
    column.insert(0, item)
    column.text = item_indent
    return item


def _locate(root, position: str, opt_outs: tuple):
    """Where the field goes: ("after", a layoutItems) or ("into", an item-less layoutColumns), or None."""
    if position == "after_email_opt_out":
        for section, _column, item, found in _field_items(root):
            if not _is_custom_links(section) and any(_same_field(found, o) for o in opt_outs):
                return "after", item
    for section in _sections(root):
        columns = _children(section, "layoutColumns")
        if columns and not _is_custom_links(section):
            items = _children(columns[0], "layoutItems")
            return ("after", items[-1]) if items else ("into", columns[0])
    return None


def _opt_out_names(email_opt_out) -> tuple:
    if email_opt_out is None:
        return tuple(sorted(set(EMAIL_OPT_OUT_FIELD.values())))
    if isinstance(email_opt_out, str):
        return (email_opt_out,)
    return tuple(email_opt_out)


def _edit(tree, field, behavior, position, name, email_opt_out):
    """Shared by add_field and add_field_bytes: (new tree, kind, index of the anchor element, new item) or None."""
    if behavior not in BEHAVIORS:
        raise OptionError(f"behavior: {behavior!r} is not allowed; use one of {', '.join(BEHAVIORS)}.")
    if position not in POSITIONS:
        raise OptionError(f"position: {position!r} is not allowed; use one of {', '.join(POSITIONS)}.")
    root = _root(tree)
    if _local(root) != "Layout":
        raise EmailPrivacyError(f"{name}: not a page layout (root element is {_local(root) or root.tag!r}, not Layout)")
    if has_field(root, field):
        return None
    new_tree = copy.deepcopy(tree if hasattr(tree, "getroot") else etree.ElementTree(tree))
    new_root = new_tree.getroot()
    where = _locate(new_root, position, _opt_out_names(email_opt_out))
    if where is None:
        raise EmailPrivacyError(f"{name}: no section can take {field} (every section is CustomLinks or has no column)")
    kind, anchor = where
    index = _element_index(new_root, anchor)
    insert = _insert_after if kind == "after" else _insert_into
    item = insert(anchor, field, behavior, _indent_unit(new_root))
    return new_tree, kind, index, item


def add_field(
    tree,
    field: str,
    behavior: str = "Edit",
    position: str = "after_email_opt_out",
    name: str = "layout",
    email_opt_out: str | tuple | None = None,
):
    """Return a new tree with an item for `field` added, or None when the layout already has the field.

    The input tree is not modified. Placement: right after the Email Opt Out item where the layout
    has one (`email_opt_out`: that field name or names; by default either HasOptedOutOfEmail or
    PersonHasOptedOutOfEmail) and `position` is after_email_opt_out; otherwise at the end of the
    first column of the first section that is not a CustomLinks section. The new item is indented
    like its siblings. Raises EmailPrivacyError naming `name` when no section can take the field,
    OptionError for a behavior or position that is not allowed.
    """
    edited = _edit(tree, field, behavior, position, name, email_opt_out)
    return None if edited is None else edited[0]


# Byte-level editing. lxml rewrites what it does not keep (the XML declaration's spelling,
# `<x />` as `<x/>`, character references, CRLF line ends), so a file written from the tree would
# show unrelated changes in a git diff. add_field_bytes splices the new item into the original
# bytes instead, then proves the splice by parsing it back and comparing with the edited tree.
_MARKUP = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!(?:[^>\[]|\[[^\]]*\])*>|</[^>]*>"
    rb"|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
    re.S,
)


def _element_index(root, el) -> int:
    """Position of `el` among the document's elements in document order (the order of their start tags)."""
    for i, e in enumerate(root.iter(tag=etree.Element)):
        if e is el:
            return i
    raise ValueError("element not in document")


def _tags(data: bytes):
    """Yield (match, depth, "start"|"empty"|"end") for every tag in `data`, skipping comments, CDATA and PIs."""
    depth = 0
    for m in _MARKUP.finditer(data):
        tok = m.group()
        if tok.startswith((b"<!", b"<?")):
            continue
        if tok.startswith(b"</"):
            depth -= 1
            yield m, depth, "end"
            continue
        yield m, depth, "empty" if tok.endswith(b"/>") else "start"
        if not tok.endswith(b"/>"):
            depth += 1


def _esc(text: str | None) -> str:
    return "" if not text else text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml(el) -> str:
    """The element without its tail, written with the document's prefix (no namespace declarations)."""
    qn = f"{el.prefix}:{etree.QName(el).localname}" if el.prefix else etree.QName(el).localname
    inner = "".join(_xml(c) + _esc(c.tail) for c in el)
    return f"<{qn}>{_esc(el.text)}{inner}</{qn}>"


def _splice(data: bytes, kind: str, index: int, item) -> bytes | None:
    """Insert `item` into the original bytes where the tree edit put it; None if the bytes cannot be mapped."""
    crlf = b"\r\n" in data

    def enc(text: str) -> bytes:
        return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")

    tokens = list(_tags(data))
    starts = [t for t in tokens if t[2] != "end"]
    if index >= len(starts):
        return None
    m, depth, kind_of_tag = starts[index]
    if kind == "after":
        # The anchor's end tag is the first end tag after its start that returns to its depth.
        ends = (t[0].end() for t in tokens if t[2] == "end" and t[0].start() > m.start() and t[1] == depth)
        pos = next(ends, None) if kind_of_tag == "start" else None
        if pos is None:
            return None
        return data[:pos] + enc(_esc(item.getprevious().tail) + _xml(item)) + data[pos:]
    column = item.getparent()
    chunk = _esc(column.text) + _xml(item)
    if kind_of_tag == "empty":
        qname = re.match(rb"<([^\s/>]+)", m.group()).group(1)
        opening = m.group()[:-2].rstrip() + b">"
        return data[: m.start()] + opening + enc(chunk + _esc(item.tail)) + b"</" + qname + b">" + data[m.end() :]
    # The column's old text (kept verbatim) follows the new item as its tail; with none, add the tail.
    nxt = _MARKUP.search(data, m.end())
    tail = b"" if data[m.end() : nxt.start() if nxt else len(data)] else enc(_esc(item.tail))
    return data[: m.end()] + enc(chunk) + tail + data[m.end() :]


def add_field_bytes(
    data: bytes,
    field: str,
    behavior: str = "Edit",
    position: str = "after_email_opt_out",
    name: str = "layout",
    email_opt_out: str | tuple | None = None,
) -> bytes | None:
    """Like add_field, on a file's bytes: the new file's bytes, or None when the layout already has the field.

    Every byte of the input is kept (declaration, comments, entity spelling, line ends); only the
    new item and the whitespace that indents it are added. Parses with xmlsafe, so hostile input
    raises XmlInputError naming `name`.
    """
    tree = metadata_xml.parse(data, name)
    edited = _edit(tree, field, behavior, position, name, email_opt_out)
    if edited is None:
        return None
    new_tree, kind, index, item = edited
    expected = metadata_xml.serialize(new_tree)
    spliced = _splice(data, kind, index, item)
    try:
        ok = spliced is not None and metadata_xml.serialize(metadata_xml.parse(spliced, name)) == expected
    except EmailPrivacyError:
        ok = False
    # Should the splice ever not reproduce the edited tree, write the tree as lxml does: correct, if less tidy.
    return spliced if ok else expected


def unified_diff(old: bytes, new: bytes, name: str) -> str:
    """A unified diff of two versions of a file, as text (empty when they are equal)."""
    a = old.decode("utf-8", errors="replace").splitlines(keepends=True)
    b = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=f"a/{name}", tofile=f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
