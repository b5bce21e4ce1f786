"""The byte splice on its own: where the new element lands in the bytes, and the fallback when they do not map."""

import pytest
from lxml import etree

from email_privacy.metadata import documents, splice, xmltree

DECL = b'<?xml version="1.0" encoding="UTF-8" ?>\n'  # lxml writes it without the space


def edit(data: bytes, kind: str, name: str):
    """Add <n>x</n> after or into the first element `name`, as the editors do: (new tree, kind, index, item)."""
    tree = documents.parse(data, "t")
    root = tree.getroot()
    anchor = next(root.iter(name))
    index = splice.element_index(root, anchor)

    def build(parent, ws, unit):
        el = parent.makeelement("n")
        el.text = "x"
        return el

    return tree, kind, index, splice.place(kind, anchor, build)


def spliced(data: bytes, kind: str, name: str) -> bytes:
    return splice.splice_or_tree(data, "t", *edit(data, kind, name))


DOC = DECL + b"<r>\n  <a>1</a>\n  <!-- c --><b/>\n</r>\n"


@pytest.mark.parametrize(
    "kind, name, expected",
    [
        ("after", "a", b"<r>\n  <a>1</a>\n  <n>x</n>\n  <!-- c --><b/>\n</r>\n"),
        ("after", "b", b"<r>\n  <a>1</a>\n  <!-- c --><b/><n>x</n>\n</r>\n"),
        ("into", "b", b"<r>\n  <a>1</a>\n  <!-- c --><b><n>x</n></b>\n</r>\n"),
        ("into", "a", b"<r>\n  <a>\n    <n>x</n>1</a>\n  <!-- c --><b/>\n</r>\n"),
    ],
)
def test_exact_bytes(kind, name, expected):
    assert spliced(DOC, kind, name) == DECL + expected


def test_markup_that_looks_like_tags_is_skipped():
    body = b"<r>\n  <!-- <a> --><?pi <a>?>\n  <a t=\"x>y\" u='>'><![CDATA[<a></a>]]></a>\n  <c/>\n</r>\n"
    new = spliced(DECL + body, "after", "a")
    assert new == DECL + body.replace(b"]]></a>\n", b"]]></a>\n  <n>x</n>\n")


def test_crlf_and_tabs():
    data = DECL.replace(b"\n", b"\r\n") + b"<r>\r\n\t<a>1</a>\r\n\t<b/>\r\n</r>\r\n"
    assert spliced(data, "after", "a") == data.replace(b"<a>1</a>\r\n", b"<a>1</a>\r\n\t<n>x</n>\r\n")
    assert spliced(data, "into", "b") == data.replace(b"<b/>", b"<b>\r\n\t\t<n>x</n>\r\n\t</b>")


def test_bytes_that_do_not_map_fall_back_to_the_tree():
    new_tree, kind, index, item = edit(DOC, "after", "a")
    expected = documents.serialize(new_tree)
    assert expected.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    # An index past the document's elements, and one naming another element: the tree as lxml writes it.
    assert splice.splice_or_tree(DOC, "t", new_tree, kind, 3, item) == expected
    assert splice.splice_or_tree(DOC, "t", new_tree, kind, 99, item) == expected
    assert splice.splice_or_tree(DOC, "t", new_tree, kind, 0, item) == expected


def test_indent_helpers():
    root = etree.fromstring(b"<r>\n\t<a/>  <b/><c/></r>")
    assert splice.indent_unit(root) == "\t"
    assert [splice.indent_before(el) for el in root] == ["\n\t", "  ", ""]
    assert splice.indent_unit(etree.fromstring(b"<r><a/></r>")) == ""
    assert splice.indent_unit(etree.fromstring(b"<r>  <a/></r>")) == ""
    assert splice.indent_unit(etree.fromstring(b"<r>x\n  <a/></r>")) == ""
    assert splice.indent_before(etree.fromstring(b"<r>x<a/></r>")[0]) == ""
    assert splice.element_index(root, root[2]) == 3
    assert splice.indent_unit(etree.fromstring(b"<r>\n\n\t<a/></r>")) == "\t"  # a blank line first
    with pytest.raises(ValueError, match="^element not in document$"):
        splice.element_index(root, etree.Element("r"))


def test_text_is_escaped_and_empty_elements_keep_depth():
    data = DECL + b"<r>\n  <a><e/><f>1</f><g/></a>\n  <b>2</b>\n</r>\n"
    tree = documents.parse(data, "t")
    root = tree.getroot()
    anchor = root[0]

    def build(parent, ws, unit):
        el = parent.makeelement("n")
        el.text = "x & <y>"
        child = el.makeelement("m")
        child.text, child.tail = "z", "> &"
        el.append(child)
        return el

    item = splice.place("after", anchor, build)
    new = splice.splice_or_tree(data, "t", tree, "after", splice.element_index(root, anchor), item)
    assert new == data.replace(b"</a>\n", b"</a>\n  <n>x &amp; &lt;y&gt;<m>z</m>&gt; &amp;</n>\n", 1)


def test_prefixed_document_and_elements_without_text():
    data = DECL + b'<md:r xmlns:md="urn:a">\n  <md:a>1</md:a>\n</md:r>\n'
    tree = documents.parse(data, "t")
    root = tree.getroot()

    def build(parent, ws, unit):
        el = xmltree.new_element(parent, "n")
        el.append(xmltree.new_element(el, "m"))  # no text: written <md:m></md:m>, read back the same
        return el

    item = splice.place("after", root[0], build)
    new = splice.splice_or_tree(data, "t", tree, "after", 1, item)
    assert new == data.replace(b"</md:a>\n", b"</md:a>\n  <md:n><md:m></md:m></md:n>\n")
