"""Hostile metadata files are refused quickly, naming the file, and nothing is read from outside."""

import time

import pytest

from email_privacy.errors import XmlInputError
from email_privacy.metadata import documents, layouts

NS = "http://soap.sforce.com/2006/04/metadata"


def xxe(secret_path):
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE Layout [<!ENTITY s SYSTEM "file://{secret_path}">]>\n'
        f'<Layout xmlns="{NS}"><layoutSections><label>&s;</label><style>OneColumn</style>'
        "</layoutSections></Layout>\n"
    ).encode()


def billion_laughs():
    ents = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE Layout [{"".join(ents)}]>\n'
        f'<Layout xmlns="{NS}"><layoutSections><label>&l9;</label></layoutSections></Layout>\n'
    ).encode()


HOSTILE = {
    "external entity": lambda tmp: xxe(tmp / "secret.txt"),
    "external DTD": lambda tmp: (
        f'<?xml version="1.0"?>\n<!DOCTYPE Layout SYSTEM "file://{tmp}/evil.dtd">\n<Layout xmlns="{NS}"/>\n'
    ).encode(),
    "entity bomb": lambda tmp: billion_laughs(),
    "truncated": lambda tmp: f'<?xml version="1.0"?>\n<Layout xmlns="{NS}"><layoutSections><label>Det'.encode(),
    "empty file": lambda tmp: b"",
    "not XML": lambda tmp: b"\x89PNG\r\n\x1a\n\x00\x00",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_input_is_refused_fast_with_the_file_named(kind, tmp_path):
    (tmp_path / "secret.txt").write_text("TOP-SECRET")
    (tmp_path / "evil.dtd").write_text('<!ENTITY s "TOP-SECRET">')
    path = tmp_path / "Contact-Evil Layout.layout"
    path.write_bytes(HOSTILE[kind](tmp_path))
    start = time.monotonic()
    with pytest.raises(XmlInputError) as caught:
        documents.parse_file(path)
    assert time.monotonic() - start < 1.0
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert "TOP-SECRET" not in message
    # The layout editor refuses it the same way.
    with pytest.raises(XmlInputError, match="Contact-Evil Layout"):
        layouts.add_field_bytes(path.read_bytes(), "IndividualId", name=str(path))


def test_doctype_message_says_why(tmp_path):
    with pytest.raises(XmlInputError, match=r"^f\.layout: a DOCTYPE is not allowed in metadata files$"):
        documents.parse(xxe(tmp_path / "nothing"), "f.layout")


def test_truncated_message_says_not_well_formed():
    with pytest.raises(XmlInputError, match=r"^f\.layout: not well-formed XML \("):
        documents.parse(b"<Layout><layoutSections>", "f.layout")


def test_oversized_file_is_refused_without_parsing(tmp_path):
    path = tmp_path / "Lead-Huge.layout"
    with open(path, "wb") as f:
        f.write(f'<Layout xmlns="{NS}">'.encode())
        f.write(b" " * (documents.MAX_BYTES + 10))
        f.write(b"</Layout>")
    start = time.monotonic()
    with pytest.raises(
        XmlInputError, match=rf"^{path}: file is \d+ bytes, more than the {documents.MAX_BYTES} allowed"
    ):
        documents.parse_file(path)
    assert time.monotonic() - start < 2.0


def test_unreadable_file_is_named(tmp_path):
    with pytest.raises(XmlInputError, match=rf"^{tmp_path}/missing\.layout: cannot read"):
        documents.parse_file(tmp_path / "missing.layout")


def test_safe_file_parses_and_keeps_comments():
    data = f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><Layout xmlns="{NS}"><!-- in --></Layout>\n'.encode()
    assert documents.serialize(documents.parse(data, "ok")) == data


def test_malformed_xml_error_carries_where_the_parser_stopped():
    with pytest.raises(XmlInputError) as err:
        documents.parse(b'<?xml version="1.0"?>\n<Layout>\n  <layoutSections>\n</Layout>\n', "x.layout")
    line, column = err.value.position
    assert line == 4 and column > 0
