"""Adding one element to a metadata file's bytes, keeping every other byte (lxml would rewrite CRLF, `<x />`,
character references: noise in a git diff), and proving the result equals the edited tree."""

import re
from itertools import islice

from lxml import etree

from email_privacy.errors import EmailPrivacyError
from email_privacy.metadata import documents

_MARKUP = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!(?:[^>\[]|\[[^\]]*\])*>|</[^>]*>"
    rb"|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
    re.S,
)
_SLASH = ord("/")
_SKIPPED = (ord("!"), ord("?"))  # comments, CDATA, declarations, processing instructions


def indent_before(el) -> str:
    prev = el.getprevious()
    text = prev.tail if prev is not None else el.getparent().text
    text = text or ""
    return text if not text.strip() else ""


def indent_unit(root) -> str:
    """The document's indentation step, read from the whitespace before the root's first child."""
    text = root.text or ""
    if "\n" not in text or text.strip():
        return ""
    return text.rsplit("\n", 1)[1]


def element_index(root, el) -> int:
    for i, e in enumerate(root.iter(tag=etree.Element)):
        if e is el:
            return i
    raise ValueError("element not in document")


def _tags(data: bytes):
    """Yield (match, depth, "start"|"empty"|"end") for every tag in `data`, skipping comments, CDATA and PIs."""
    depth = 0
    for m in _MARKUP.finditer(data):
        # Bytes read by index (no copy of each tag): the one after `<`, and the one before the closing `>`.
        after_lt = data[m.start() + 1]
        if after_lt in _SKIPPED:
            continue
        if after_lt == _SLASH:
            depth -= 1
            yield m, depth, "end"
            continue
        empty = data[m.end() - 2] == _SLASH
        yield m, depth, "empty" if empty else "start"
        if not empty:
            depth += 1


def _esc(text: str | None) -> str:
    return "" if not text else text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml(el) -> str:
    qn = f"{el.prefix}:{etree.QName(el).localname}" if el.prefix else etree.QName(el).localname
    inner = "".join(_xml(c) + _esc(c.tail) for c in el)
    return f"<{qn}>{_esc(el.text)}{inner}</{qn}>"


def _splice(data: bytes, kind: str, index: int, item) -> bytes | None:
    """Insert `item` into the original bytes where the tree edit put it; None if the bytes cannot be mapped."""
    crlf = b"\r\n" in data

    def enc(text: str) -> bytes:
        return (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")

    # Read only as far as needed: the anchor is the index-th start tag, and its end follows it in the same pass.
    tokens = _tags(data)
    found = next(islice((t for t in tokens if t[2] != "end"), index, None), None)
    if found is None:
        return None
    m, depth, kind_of_tag = found
    if kind == "after":
        # The anchor ends with its own tag when empty (`<x/>`), else with the first end tag back at its depth.
        ends = (t[0].end() for t in tokens if t[2] == "end" and t[1] == depth)
        pos = m.end() if kind_of_tag == "empty" else next(ends, None)
        if pos is None:
            return None
        return data[:pos] + enc(_esc(item.getprevious().tail) + _xml(item)) + data[pos:]
    parent = item.getparent()
    chunk = _esc(parent.text) + _xml(item)
    if kind_of_tag == "empty":
        qname = re.match(rb"<([^\s/>]+)", m.group()).group(1)
        opening = m.group()[:-2].rstrip() + b">"
        return data[: m.start()] + opening + enc(chunk + _esc(item.tail)) + b"</" + qname + b">" + data[m.end() :]
    # The parent's old text (kept verbatim) follows the new item as its tail; with none, add the tail.
    nxt = _MARKUP.search(data, m.end())
    tail = b"" if data[m.end() : nxt.start() if nxt else len(data)] else enc(_esc(item.tail))
    return data[: m.end()] + enc(chunk) + tail + data[m.end() :]


def splice_or_tree(data: bytes, name: str, new_tree, kind: str, index: int, item) -> bytes:
    """`data` with `item` spliced in after ("after") or first into ("into") the `index`th element, or `new_tree` as
    lxml writes it if the splice does not parse back to `new_tree`."""
    expected = documents.serialize(new_tree)
    spliced = _splice(data, kind, index, item)
    if spliced == expected:  # a file as lxml writes it (most are): the same bytes either way, no parse needed
        return spliced
    try:
        ok = spliced is not None and documents.serialize(documents.parse(spliced, name)) == expected
    except EmailPrivacyError:
        ok = False
    return spliced if ok else expected


def place(kind: str, anchor, build):
    """Put `build(parent, ws, unit)` after `anchor` ("after") or first into it ("into"), indented like its
    neighbours (`ws`: whitespace before it; `unit`: the indentation step, "" on one line)."""
    unit = indent_unit(anchor.getroottree().getroot())
    if kind == "after":
        ws = indent_before(anchor)
        item = build(anchor.getparent(), ws, unit)
        item.tail = anchor.tail
        anchor.addnext(item)
        anchor.tail = ws
        return item
    outer = indent_before(anchor)
    ws = outer + unit if outer else ""
    item = build(anchor, ws, unit)
    # Children but no whitespace before them: indent them as the item; no children: close the parent.
    item.tail = anchor.text if anchor.text else (ws if len(anchor) else outer)
    anchor.insert(0, item)
    anchor.text = ws
    return item
