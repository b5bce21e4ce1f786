"""The layout editor on real lxml trees: placement, fidelity to the input bytes, schema validity."""

import re

import pytest

from email_privacy.errors import EmailPrivacyError, OptionError
from email_privacy.metadata import documents, layouts, names
from tests.conftest import assert_valid

NS = "http://soap.sforce.com/2006/04/metadata"
DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def item(field, behavior="Edit", indent="            "):
    return (
        f"{indent}<layoutItems>\n{indent}    <behavior>{behavior}</behavior>\n"
        f"{indent}    <field>{field}</field>\n{indent}</layoutItems>\n"
    )


def column(*fields):
    if not fields:
        return "        <layoutColumns/>\n"
    return "        <layoutColumns>\n" + "".join(item(f) for f in fields) + "        </layoutColumns>\n"


def section(label, style, *columns):
    return (
        f"    <layoutSections>\n        <customLabel>true</customLabel>\n        <detailHeading>true</detailHeading>\n"
        f"        <editHeading>true</editHeading>\n        <label>{label}</label>\n"
        + "".join(columns)
        + f"        <style>{style}</style>\n    </layoutSections>\n"
    )


def doc(*sections, head="", tail=""):
    body = head + "".join(sections) + "    <showEmailCheckbox>false</showEmailCheckbox>\n" + tail
    return DECL + f'<Layout xmlns="{NS}">\n{body}</Layout>\n'.encode()


CUSTOM_LINKS = (
    "    <layoutSections>\n        <customLabel>true</customLabel>\n        <detailHeading>true</detailHeading>\n"
    "        <editHeading>false</editHeading>\n        <label>Custom Links</label>\n        <layoutColumns/>\n"
    "        <layoutColumns/>\n        <layoutColumns/>\n        <style>CustomLinks</style>\n    </layoutSections>\n"
)

# name -> (object, bytes, expected neighbour: the field the new item follows, or "" for an empty column)
CASES = {
    "two columns, opt-out in the second": (
        "Contact",
        doc(
            section(
                "Contact Information",
                "TwoColumnsTopToBottom",
                column("Name", "AccountId"),
                column("OwnerId", "HasOptedOutOfEmail", "Phone"),
            )
        ),
        "HasOptedOutOfEmail",
    ),
    "one column, no opt-out": (
        "Lead",
        doc(section("Lead Information", "OneColumn", column("Name", "Company"))),
        "Company",
    ),
    "empty first column": (
        "Lead",
        doc(section("Lead Information", "TwoColumnsLeftToRight", column(), column("Company"))),
        "",
    ),
    "CustomLinks section first": (
        "Contact",
        doc(CUSTOM_LINKS, section("Details", "TwoColumnsTopToBottom", column("Name"), column("Email"))),
        "Name",
    ),
    "opt-out only in a later section": (
        "Contact",
        doc(
            section("Details", "OneColumn", column("Name")),
            section("Preferences", "OneColumn", column("DoNotCall", "HasOptedOutOfEmail")),
        ),
        "HasOptedOutOfEmail",
    ),
    "person account opt-out": (
        "PersonAccount",
        doc(
            section("Account Information", "TwoColumnsTopToBottom", column("Name"), column("PersonHasOptedOutOfEmail"))
        ),
        "PersonHasOptedOutOfEmail",
    ),
    "namespaced fields and non-ASCII labels": (
        "Contact",
        doc(
            section(
                "Informations générales — 連絡先 'O&apos;Brien' &amp; co",
                "TwoColumnsTopToBottom",
                column("FinServ__PrimaryAddressIsBilling__c", "acme__Score__c"),
                column("Email"),
            )
        ),
        "acme__Score__c",
    ),
    "comments everywhere": (
        "Contact",
        DECL
        + (
            "<!-- retrieved from prod -->\n"
            f'<Layout xmlns="{NS}">\n    <!-- top comment -->\n'
            + section(
                "Details",
                "OneColumn",
                "        <layoutColumns>\n            <!-- first -->\n"
                + item("Name")
                + "            <!-- after Name -->\n        </layoutColumns>\n",
            )
            + "</Layout>\n<!-- trailing -->\n"
        ).encode("utf-8"),
        "Name",
    ),
}


def inserted_re(field, behavior="Edit"):
    """The new item with the whitespace before it, whatever its prefix: exactly what the editor adds."""
    p = r"(?:\w+:)?"
    return re.compile(
        rf"\s*<{p}layoutItems>\s*<{p}behavior>{behavior}</{p}behavior>\s*<{p}field>{field}</{p}field>\s*</{p}layoutItems>".encode()
    )


def minus_inserted(new: bytes, field: str, behavior="Edit") -> bytes:
    found = inserted_re(field, behavior).findall(new)
    assert len(found) == 1, f"expected one new {field} item, found {len(found)}"
    return new.replace(found[0], b"", 1)


def check_edit(obj, data, xsd=None, behavior="Edit", position="after_email_opt_out", strict=True):
    field = layouts.INDIVIDUAL_FIELD[obj]
    opt_out = layouts.EMAIL_OPT_OUT_FIELD[obj]
    new = layouts.add_field_bytes(data, field, behavior, position, name="case", email_opt_out=opt_out)
    assert new is not None
    # Exactly once.
    assert len(re.findall(rf"<(?:\w+:)?field>{field}</(?:\w+:)?field>".encode(), new)) == 1
    assert layouts.has_field(documents.parse(new, "new"), field)
    # A second run changes nothing.
    assert layouts.add_field_bytes(new, field, behavior, position, email_opt_out=opt_out) is None
    # Valid against the real schema.
    if xsd is not None and strict:
        assert_valid(xsd, new, "edited layout")
    # The tree API gives the same document as the byte splice, once lxml's spelling is applied to both.
    tree = documents.parse(data, "case")
    before = documents.serialize(tree)
    new_tree = layouts.add_field(tree, field, behavior, position, email_opt_out=opt_out)
    assert documents.serialize(tree) == before, "add_field modified its input"
    assert documents.serialize(new_tree) == documents.serialize(documents.parse(new, "new"))
    # A tree already parsed (the read's) gives the same bytes and is left as it was.
    given = layouts.add_field_bytes(data, field, behavior, position, name="case", email_opt_out=opt_out, tree=tree)
    assert given == new and documents.serialize(tree) == before, "add_field_bytes modified the tree given"
    return new


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_layouts(case, xsd):
    obj, data, neighbour = CASES[case]
    assert_valid(xsd, data, f"fixture {case}")  # our fixtures are valid to begin with
    new = check_edit(obj, data, xsd)
    field = layouts.INDIVIDUAL_FIELD[obj]
    rest = minus_inserted(new, field)
    if neighbour:
        assert rest == data  # literally: the document minus the inserted item is the input
        # Placement: the new item directly follows the neighbour's item.
        pattern = (
            rf"<field>{neighbour}</field>\s*</layoutItems>\s*<layoutItems>\s*"
            rf"<behavior>Edit</behavior>\s*<field>{field}</field>"
        )
        assert re.search(pattern.encode(), new), f"{field} does not follow {neighbour}"
    else:
        # Empty column: the only other change is that it now has a closing tag.
        assert rest == data.replace(b"<layoutColumns/>", b"<layoutColumns>\n        </layoutColumns>", 1)
        assert re.search(
            rf"<label>Lead Information</label>\s*<layoutColumns>\s*<layoutItems>\s*<behavior>Edit"
            rf"</behavior>\s*<field>{field}</field>".encode(),
            new,
        )


def test_new_item_is_indented_like_its_siblings():
    obj, data, _ = CASES["two columns, opt-out in the second"]
    new = layouts.add_field_bytes(data, "IndividualId", email_opt_out="HasOptedOutOfEmail")
    # Same 12-space item indent and 4-space step as the fixture's own items.
    assert item("IndividualId").encode() in new


def test_never_into_custom_links_even_with_opt_out_there(xsd):
    links = CUSTOM_LINKS.replace(
        "        <layoutColumns/>\n        <layoutColumns/>\n",
        "        <layoutColumns>\n" + item("HasOptedOutOfEmail") + "        </layoutColumns>\n",
        1,
    )
    data = doc(links, section("Details", "OneColumn", column("Name")))
    new = check_edit("Contact", data, strict=False)
    assert minus_inserted(new, "IndividualId") == data
    assert re.search(
        rb"<field>Name</field>\s*</layoutItems>\s*<layoutItems>\s*<behavior>Edit</behavior>\s*"
        rb"<field>IndividualId</field>",
        new,
    )


def test_end_of_first_section_ignores_opt_out(xsd):
    _, data, _ = CASES["two columns, opt-out in the second"]
    new = check_edit("Contact", data, xsd, position="end_of_first_section")
    assert minus_inserted(new, "IndividualId") == data
    assert re.search(
        rb"<field>AccountId</field>\s*</layoutItems>\s*<layoutItems>\s*<behavior>Edit</behavior>\s*"
        rb"<field>IndividualId</field>",
        new,
    )


def test_readonly_behavior(xsd):
    _, data, _ = CASES["one column, no opt-out"]
    new = check_edit("Lead", data, xsd, behavior="Readonly")
    assert minus_inserted(new, "IndividualId", "Readonly") == data


def test_field_already_present_as_readonly_is_left_alone():
    data = doc(
        section(
            "Details",
            "OneColumn",
            column("Name").replace("</layoutColumns>", "").rstrip(" ")
            + item("IndividualId", "Readonly")
            + "        </layoutColumns>\n",
        )
    )
    tree = documents.parse(data, "x")
    assert layouts.field_behavior(tree, "IndividualId") == "Readonly"
    assert layouts.add_field(tree, "IndividualId") is None
    assert layouts.add_field_bytes(data, "IndividualId", behavior="Edit") is None
    # Salesforce field names are case-insensitive.
    assert layouts.add_field_bytes(data, "individualid") is None


def test_xml_namespace_prefix_is_kept(xsd):
    data = (
        DECL
        + (
            f'<md:Layout xmlns:md="{NS}">\n    <md:layoutSections>\n        <md:label>A</md:label>\n'
            "        <md:layoutColumns>\n            <md:layoutItems>\n"
            "                <md:behavior>Edit</md:behavior>\n"
            "                <md:field>Name</md:field>\n            </md:layoutItems>\n        </md:layoutColumns>\n"
            "        <md:style>OneColumn</md:style>\n    </md:layoutSections>\n</md:Layout>\n"
        ).encode()
    )
    assert_valid(xsd, data, "prefixed fixture")
    new = check_edit("Contact", data, xsd)
    assert (
        b"<md:layoutItems>\n                <md:behavior>Edit</md:behavior>\n"
        b"                <md:field>IndividualId</md:field>" in new
    )
    assert b"xmlns" not in new.split(b"</md:field>", 2)[1]  # no stray namespace declaration on the item
    assert minus_inserted(new, "IndividualId") == data


def test_bytes_outside_lxml_spelling_are_kept(xsd):
    """Declaration spelling, `<x />`, character references and CRLF line ends survive the edit."""
    data = b'<?xml version="1.0" encoding="UTF-8" ?>\r\n' + doc(
        section("D&#233;tails &apos;x&apos;", "TwoColumnsTopToBottom", column("Name"), column())
    ).split(b"\n", 1)[1].replace(b"<layoutColumns/>", b"<layoutColumns />").replace(b"\n", b"\r\n")
    new = check_edit("Contact", data, xsd)
    assert minus_inserted(new, "IndividualId") == data
    assert b"\n" not in new.replace(b"\r\n", b"")  # no bare LF introduced


def test_column_with_only_reserved(xsd):
    data = doc(
        section(
            "D", "OneColumn", "        <layoutColumns>\n            <reserved>x</reserved>\n        </layoutColumns>\n"
        )
    )
    new = check_edit("Contact", data, xsd)
    assert minus_inserted(new, "IndividualId") == data
    assert new.index(b"IndividualId") < new.index(b"<reserved>")  # schema order: layoutItems, then reserved


def test_minified_layout(xsd):
    data = doc(section("D", "OneColumn", column("Name"))).replace(b"\n", b"").replace(b"    ", b"")
    data = data.replace(b"?><Layout", b"?>\n<Layout") + b"\n"
    new = check_edit("Lead", data, xsd)
    assert b"<layoutItems><behavior>Edit</behavior><field>IndividualId</field></layoutItems>" in new
    assert minus_inserted(new, "IndividualId") == data


def test_no_section_can_take_the_field():
    data = doc(CUSTOM_LINKS)
    with pytest.raises(EmailPrivacyError, match=r"^Contact-Odd\.layout: no section can take IndividualId"):
        layouts.add_field(documents.parse(data, "x"), "IndividualId", name="Contact-Odd.layout")
    with pytest.raises(EmailPrivacyError, match="no section"):
        layouts.add_field(documents.parse(doc(), "x"), "IndividualId")


def test_not_a_layout_is_refused():
    data = DECL + f'<CustomObject xmlns="{NS}"/>\n'.encode()
    with pytest.raises(EmailPrivacyError, match=r"^f\.layout: not a page layout \(root element is 'CustomObject'"):
        layouts.add_field_bytes(data, "IndividualId", name="f.layout")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"behavior": "Required"}, r"behavior: 'Required' is not allowed; use one of Edit, Readonly"),
        ({"position": "top"}, r"position: 'top' is not allowed; use one of after_email_opt_out, end_of_first_section"),
    ],
)
def test_bad_options(kwargs, message):
    _, data, _ = CASES["one column, no opt-out"]
    with pytest.raises(OptionError, match=message):
        layouts.add_field(documents.parse(data, "x"), "IndividualId", **kwargs)


def test_unified_diff():
    _, data, _ = CASES["one column, no opt-out"]
    new = layouts.add_field_bytes(data, "IndividualId")
    diff = layouts.unified_diff(data, new, "layouts/Lead-Lead Layout.layout")
    assert diff.startswith("--- a/layouts/Lead-Lead Layout.layout\n+++ b/layouts/Lead-Lead Layout.layout\n")
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(added) == 4 and any("<field>IndividualId</field>" in line for line in added)
    assert not [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert layouts.unified_diff(data, data, "x") == ""


# --- every real-world layout -------------------------------------------------------------------


def realworld_files(root):
    files = sorted(p for p in (root / "layouts").rglob("*") if names.is_layout_file(p.name))
    assert files, "no real-world layouts found"
    return files


def test_every_realworld_layout(realworld, xsd):
    seen_targets = 0
    for path in realworld_files(realworld):
        data = path.read_bytes()
        obj = names.layout_object(names.full_name_from_path(path.name))
        if obj not in layouts.TARGET_OBJECTS:
            continue
        seen_targets += 1
        field = layouts.INDIVIDUAL_FIELD[obj]
        input_valid = xsd.validate(documents.parse(data, str(path)).getroot())
        if layouts.has_field(documents.parse(data, str(path)), field):
            assert layouts.add_field_bytes(data, field, name=str(path)) is None, path
            continue
        new = check_edit(obj, data, xsd, strict=input_valid)
        assert minus_inserted(new, field) == data, path
        if obj != "PersonAccount" and b"HasOptedOutOfEmail</field>" in data:
            assert re.search(
                rb"HasOptedOutOfEmail</field>\s*</layoutItems>\s*<layoutItems>\s*<behavior>Edit"
                rb"</behavior>\s*<field>" + field.encode(),
                new,
            ), path
    assert seen_targets >= 15


def test_realworld_person_account_field(realworld):
    """PersonAccount layouts get PersonIndividualId, never IndividualId."""
    for path in realworld_files(realworld):
        if path.name.startswith("PersonAccount-"):
            new = layouts.add_field_bytes(
                path.read_bytes(), "PersonIndividualId", name=str(path), email_opt_out="PersonHasOptedOutOfEmail"
            )
            assert new is not None and b"<field>IndividualId</field>" not in new


# --- exact bytes out ---------------------------------------------------------------------------
# The editor splices into the input's bytes and falls back to lxml's spelling if the splice does not
# parse back. Each input here keeps a declaration lxml would write differently, so only a correct
# splice gives the expected bytes.


def odd(data: bytes) -> bytes:
    """The same document with a space before the declaration's `?>`, which lxml does not write."""
    assert data.startswith(DECL[:-1])
    return data.replace(b'"UTF-8"?>', b'"UTF-8" ?>', 1)


def assert_spliced(data: bytes, expected: bytes, field="IndividualId", **kwargs):
    assert layouts.add_field_bytes(odd(data), field, **kwargs) == odd(expected)
    assert documents.serialize(layouts.add_field(documents.parse(data, "x"), field, **kwargs)) == (
        documents.serialize(documents.parse(expected, "y"))
    )


OPT_OUT_LAYOUT = doc(section("C", "TwoColumnsTopToBottom", column("Name"), column("OwnerId", "HasOptedOutOfEmail")))


def test_exact_bytes_after_the_opt_out():
    data = OPT_OUT_LAYOUT
    after = item("HasOptedOutOfEmail") + item("IndividualId")
    assert_spliced(data, data.replace(item("HasOptedOutOfEmail").encode(), after.encode()))
    readonly = item("HasOptedOutOfEmail") + item("IndividualId", "Readonly")
    assert_spliced(data, data.replace(item("HasOptedOutOfEmail").encode(), readonly.encode()), behavior="Readonly")


def test_exact_bytes_at_the_end_of_the_first_section():
    data = OPT_OUT_LAYOUT
    expected = data.replace(item("Name").encode(), (item("Name") + item("IndividualId")).encode())
    assert_spliced(data, expected, position="end_of_first_section")


@pytest.mark.parametrize("empty", [b"<layoutColumns/>", b"<layoutColumns />", b"<layoutColumns   />"])
def test_exact_bytes_into_an_empty_column(empty):
    data = doc(section("L", "TwoColumnsLeftToRight", column(), column("Company"))).replace(b"<layoutColumns/>", empty)
    filled = b"<layoutColumns>\n" + item("IndividualId").encode() + b"        </layoutColumns>"
    assert_spliced(data, data.replace(empty, filled))


def test_exact_bytes_with_crlf_line_ends():
    data = OPT_OUT_LAYOUT.replace(b"\n", b"\r\n")
    after = (item("HasOptedOutOfEmail") + item("IndividualId")).replace("\n", "\r\n").encode()
    assert_spliced(data, data.replace(item("HasOptedOutOfEmail").replace("\n", "\r\n").encode(), after))
    empty = doc(section("L", "OneColumn", column())).replace(b"<layoutColumns/>", b"<layoutColumns />")
    filled = b"<layoutColumns>\n" + item("IndividualId").encode() + b"        </layoutColumns>"
    crlf = empty.replace(b"\n", b"\r\n")
    assert_spliced(crlf, empty.replace(b"<layoutColumns />", filled).replace(b"\n", b"\r\n"))


def test_exact_bytes_without_a_namespace():
    data = OPT_OUT_LAYOUT.replace(f' xmlns="{NS}"'.encode(), b"")
    expected = data.replace(
        item("HasOptedOutOfEmail").encode(), (item("HasOptedOutOfEmail") + item("IndividualId")).encode()
    )
    assert_spliced(data, expected)
    new = layouts.add_field(documents.parse(data, "x"), "IndividualId")
    assert [e.tag for e in new.iter("layoutItems")][-1] == "layoutItems"


def test_new_item_copies_the_formatting_of_the_item_it_follows():
    # The document steps by 4 spaces; this column's items step by 2 inside, with tabs before them.
    odd_item = (
        "\t\t<layoutItems>\n\t\t  <behavior>Edit</behavior>\n"
        "\t\t  <field>HasOptedOutOfEmail</field>\n\t\t</layoutItems>\n"
    )
    data = doc(section("C", "OneColumn", "        <layoutColumns>\n" + odd_item + "        </layoutColumns>\n"))
    new_item = odd_item.replace("HasOptedOutOfEmail", "IndividualId")
    assert_spliced(data, data.replace(odd_item.encode(), (odd_item + new_item).encode()))


def test_minified_section_in_an_indented_layout():
    one_line = (
        "    <layoutSections><label>A</label><layoutColumns><layoutItems><behavior>Edit</behavior>"
        "<field>Name</field></layoutItems></layoutColumns><style>OneColumn</style></layoutSections>\n"
    )
    data = doc(one_line)
    new = "<layoutItems><behavior>Edit</behavior><field>Name</field></layoutItems>"
    added = new + new.replace("Name", "IndividualId")
    assert_spliced(data, data.replace(new.encode(), added.encode()))
    empty = doc(one_line.replace(new, "").replace("<layoutColumns></layoutColumns>", "<layoutColumns/>"))
    expected = empty.replace(
        b"<layoutColumns/>", f"<layoutColumns>{new.replace('Name', 'IndividualId')}</layoutColumns>".encode()
    )
    assert_spliced(empty, expected)


def test_exact_bytes_before_reserved():
    reserved = "        <layoutColumns>\n            <reserved>x</reserved>\n        </layoutColumns>\n"
    data = doc(section("D", "OneColumn", reserved))
    filled = (
        "        <layoutColumns>\n"
        + item("IndividualId")
        + "            <reserved>x</reserved>\n        </layoutColumns>\n"
    )
    assert_spliced(data, data.replace(reserved.encode(), filled.encode()))
    # No whitespace before reserved: it moves to the item's indent on a new line.
    tight = "        <layoutColumns><reserved>x</reserved></layoutColumns>\n"
    data = doc(section("D", "OneColumn", tight))
    filled = "        <layoutColumns>\n" + item("IndividualId") + "            <reserved>x</reserved></layoutColumns>\n"
    assert_spliced(data, data.replace(tight.encode(), filled.encode()))


@pytest.mark.parametrize("opt_out", ["DoNotCall", ("Nope__c", "DoNotCall")])
def test_email_opt_out_option_names_the_anchor(opt_out):
    data = doc(section("C", "OneColumn", column("Name", "DoNotCall", "HasOptedOutOfEmail", "Phone")))
    expected = data.replace(item("DoNotCall").encode(), (item("DoNotCall") + item("IndividualId")).encode())
    assert_spliced(data, expected, email_opt_out=opt_out)
    # Without it, either standard opt-out field is the anchor.
    default = data.replace(
        item("HasOptedOutOfEmail").encode(), (item("HasOptedOutOfEmail") + item("IndividualId")).encode()
    )
    assert_spliced(data, default)


def test_field_without_behavior_reads_as_empty():
    bare = "            <layoutItems>\n                <field>IndividualId</field>\n            </layoutItems>\n"
    data = doc(section("D", "OneColumn", "        <layoutColumns>\n" + bare + "        </layoutColumns>\n"))
    assert layouts.field_behavior(documents.parse(data, "x"), "IndividualId") == ""
    assert layouts.field_behavior(documents.parse(data, "x"), "Email") is None


def test_default_name_in_messages():
    other = DECL + f'<CustomObject xmlns="{NS}"/>\n'.encode()
    with pytest.raises(EmailPrivacyError, match=r"^layout: not a page layout"):
        layouts.add_field_bytes(other, "IndividualId")
    with pytest.raises(EmailPrivacyError, match=r"^layout: not a page layout"):
        layouts.add_field(documents.parse(other, "x"), "IndividualId")
    with pytest.raises(EmailPrivacyError, match=r"^layout: not well-formed"):
        layouts.add_field_bytes(b"<Layout>", "IndividualId")
    with pytest.raises(EmailPrivacyError, match=r"^a\.layout: not well-formed"):
        layouts.add_field_bytes(b"<Layout>", "IndividualId", name="a.layout")


def test_unified_diff_of_undecodable_bytes_and_no_final_newline():
    diff = layouts.unified_diff(b"a\n\xff\n", b"a\nb", "x")
    assert "-\ufffd\n" in diff
    assert "+\ufffd\n" in layouts.unified_diff(b"a\n", b"a\n\xfe\n", "x")
    assert diff.endswith("+b\n\\ No newline at end of file\n")


def test_new_item_after_an_empty_space_item():
    blank = "            <layoutItems>\n                <emptySpace>true</emptySpace>\n            </layoutItems>\n"
    data = doc(
        section("C", "OneColumn", "        <layoutColumns>\n" + item("Name") + blank + "        </layoutColumns>\n")
    )
    assert_spliced(data, data.replace(blank.encode(), (blank + item("IndividualId")).encode()))


def test_items_each_on_a_line_written_without_inner_whitespace():
    one = "            <layoutItems><behavior>Edit</behavior><field>HasOptedOutOfEmail</field></layoutItems>\n"
    data = doc(section("C", "OneColumn", "        <layoutColumns>\n" + one + "        </layoutColumns>\n"))
    assert_spliced(data, data.replace(one.encode(), (one + one.replace("HasOptedOutOfEmail", "IndividualId")).encode()))


def test_new_item_after_an_empty_item_tag():
    # `<layoutItems/>` as the last item: the new item follows it; the rest of the file keeps its spelling.
    empty = "            <layoutItems/>\n"
    data = doc(
        section("C", "OneColumn", "        <layoutColumns>\n" + item("Name") + empty + "        </layoutColumns>\n")
    )
    assert_spliced(data, data.replace(empty.encode(), (empty + item("IndividualId")).encode()))


def test_required_and_anchor_fields():
    assert layouts.required_fields("Contact") == ("IndividualId",)
    assert layouts.required_fields("PersonAccount") == ("PersonIndividualId",)
    assert layouts.required_fields("Individual") == ("HasOptedOutTracking", "HasOptedOutProcessing")
    assert layouts.anchor_fields("Lead") == ("HasOptedOutOfEmail",)
    assert layouts.anchor_fields("PersonAccount") == ("PersonHasOptedOutOfEmail",)
    assert layouts.anchor_fields("Individual")[:3] == (
        "HasOptedOutTracking",
        "HasOptedOutProcessing",
        "HasOptedOutProfiling",
    )
    assert "ShouldForget" in layouts.anchor_fields("Individual")


def test_the_tree_given_is_the_one_judged():
    # The read's parse stands for the bytes: a tree that has the field already means nothing to add.
    data = doc(section("Information", "TwoColumnsTopToBottom", column("Name", "HasOptedOutOfEmail")))
    has_it = documents.parse(layouts.add_field_bytes(data, "IndividualId"), "with")
    assert layouts.add_field_bytes(data, "IndividualId", tree=has_it) is None
