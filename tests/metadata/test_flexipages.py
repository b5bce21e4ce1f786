"""The FlexiPage editor: classification, placement, fidelity to the input bytes, schema validity, real pages."""

import csv
import re

import pytest
from lxml import etree

from email_privacy.errors import EmailPrivacyError, XmlInputError
from email_privacy.metadata import documents
from email_privacy.metadata import flexipages as fp
from tests.conftest import REALWORLD, assert_valid

NS = "http://soap.sforce.com/2006/04/metadata"
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


# --- a small page writer for the edge cases (indent: four spaces a level, as Salesforce writes) -------------


def field(name, behavior="none", ident=None):
    ident = ident or "Record" + name.replace("__", "_") + "Field"
    return (
        "        <itemInstances>\n            <fieldInstance>\n                <fieldInstanceProperties>\n"
        f"                    <name>uiBehavior</name>\n                    <value>{behavior}</value>\n"
        f"                </fieldInstanceProperties>\n                <fieldItem>Record.{name}</fieldItem>\n"
        f"                <identifier>{ident}</identifier>\n            </fieldInstance>\n        </itemInstances>\n"
    )


def comp(name, ident, **props):
    body = "".join(
        f"                <componentInstanceProperties>\n                    <name>{k}</name>\n"
        f"                    <value>{v}</value>\n                </componentInstanceProperties>\n"
        for k, v in props.items()
    )
    return (
        f"        <itemInstances>\n            <componentInstance>\n{body}"
        f"                <componentName>{name}</componentName>\n                <identifier>{ident}</identifier>\n"
        "            </componentInstance>\n        </itemInstances>\n"
    )


def region(name, *items, kind="Facet"):
    inner = "".join(items) + f"        <name>{name}</name>\n        <type>{kind}</type>\n"
    return f"    <flexiPageRegions>\n{inner}    </flexiPageRegions>\n"


def section_regions(prefix, label, *columns):
    """Regions of one field section: a body facet per column, the columns facet, and the facet holding the section."""
    out = [region(f"{prefix}-col{i}", *map(field, cols)) for i, cols in enumerate(columns)]
    cols = [
        comp("flexipage:column", f"flexipage_column_{prefix}{i}", body=f"{prefix}-col{i}") for i in range(len(columns))
    ]
    out.append(region(f"{prefix}-cols", *cols))
    section = comp("flexipage:fieldSection", f"flexipage_fieldSection_{prefix}", columns=f"{prefix}-cols", label=label)
    return "".join(out), section


def page(sobject, *tabs, header="", detail=False, extra="", head="", tail=""):
    """A record page: `tabs` are (title, [(label, [column fields], ...)]); a tabset in `main`."""
    regions, tab_items = [], []
    for t, (title, sections) in enumerate(tabs):
        items = []
        for s, (label, *columns) in enumerate(sections):
            regs, item = section_regions(f"F{t}{s}", label, *columns)
            regions.append(regs)
            items.append(item)
        if detail and t == 0:
            items.append(comp("force:detailPanel", "force_detailPanel"))
        regions.append(region(f"T{t}", *items))
        tab_items.append(comp("flexipage:tab", f"tab{t}", body=f"T{t}", title=title))
    if detail and not tabs:
        tab_items.append(comp("flexipage:tab", "tab0", body="T0", title="Details"))
        regions.append(region("T0", comp("force:detailPanel", "force_detailPanel")))
    regions.append(region("Tabs", *tab_items))
    regions.append(header)
    regions.append(region("main", comp("flexipage:tabset", "flexipage_tabset", tabs="Tabs"), kind="Region"))
    body = (
        head
        + "".join(regions)
        + extra
        + f"    <masterLabel>{sobject} Page</masterLabel>\n    <sobjectType>{sobject}</sobjectType>\n"
        "    <template>\n        <name>flexipage:recordHomeTemplateDesktop</name>\n    </template>\n"
        "    <type>RecordPage</type>\n"
    )
    return (DECL + f'<FlexiPage xmlns="{NS}">\n{body}</FlexiPage>\n' + tail).encode("utf-8")


def highlights(*fields):
    """A header region with the Dynamic Highlights Panel holding `fields`."""
    return region("HL-fields", *map(field, fields)) + region(
        "header", comp("record_flexipage:dynamicHighlights", "dyn", secondaryFields="HL-fields"), kind="Region"
    )


# --- checks shared by the cases and the real pages -----------------------------------------------------------


def inserted_re(lookup):
    p = r"(?:\w+:)?"
    return re.compile(
        rf"\s*<{p}itemInstances>\s*<{p}fieldInstance>\s*<{p}fieldInstanceProperties>\s*<{p}name>uiBehavior</{p}name>"
        rf"\s*<{p}value>none</{p}value>\s*</{p}fieldInstanceProperties>\s*<{p}fieldItem>Record\.{lookup}</{p}fieldItem>"
        rf"\s*<{p}identifier>[^<]*</{p}identifier>\s*</{p}fieldInstance>\s*</{p}itemInstances>".encode()
    )


def minus_inserted(new: bytes, lookup: str) -> bytes:
    found = inserted_re(lookup).findall(new)
    assert len(found) == 1, f"expected one new {lookup} instance, found {len(found)}"
    return new.replace(found[0], b"", 1)


def q(tag):
    return f"{{{NS}}}{tag}"


def placement(new: bytes, lookup: str):
    """Independently of the editor: (previous field in the facet or None, section label) of the new instance."""
    root = etree.fromstring(new)
    items = [fi for fi in root.iter(q("fieldInstance")) if fi.findtext(q("fieldItem")) == f"Record.{lookup}"]
    assert len(items) == 1
    item = items[0].getparent()
    facet = item.getparent().findtext(q("name"))

    def owner(value, component):
        for ci in root.iter(q("componentInstance")):
            if ci.findtext(q("componentName")) == component:
                for prop in ci.findall(q("componentInstanceProperties")):
                    if prop.findtext(q("value")) == value:
                        return ci
        return None

    column = owner(facet, "flexipage:column")
    assert column is not None, "the new instance is not in a column"
    section = owner(column.getparent().getparent().findtext(q("name")), "flexipage:fieldSection")
    assert section is not None, "the new instance is not in a field section"
    label = [
        p.findtext(q("value"))
        for p in section.findall(q("componentInstanceProperties"))
        if p.findtext(q("name")) == "label"
    ]
    prev = item.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    prev_field = (
        prev.findtext(f"{q('fieldInstance')}/{q('fieldItem')}")
        if prev is not None and prev.tag == q("itemInstances")
        else None
    )
    return prev_field, (label[0] if label else None)


def check_edit(data: bytes, target: str, xsd=None, name="case") -> bytes:
    lookup = fp.INDIVIDUAL_FIELD[target]
    new = fp.add_field(data, target, lookup, name=name)
    assert new is not None
    assert minus_inserted(new, lookup) == data, "bytes other than the new instance changed"
    assert fp.has_field(documents.parse(new, "new"), lookup)
    assert fp.add_field(new, target, lookup, name=name) is None, "a second run changed the page"
    if xsd is not None:
        assert_valid(xsd, new, name)
    # The tree API gives the same document as the byte splice.
    tree = documents.parse(data, name)
    before = documents.serialize(tree)
    new_tree = fp.add_field_tree(tree, target, lookup, name)
    assert documents.serialize(tree) == before, "add_field_tree modified its input"
    assert documents.serialize(new_tree) == documents.serialize(documents.parse(new, "new"))
    # A tree already parsed (the read's) gives the same bytes and is left as it was.
    assert fp.add_field(data, target, lookup, name=name, tree=tree) == new
    assert documents.serialize(tree) == before, "add_field modified the tree given"
    return new


# --- the edge cases --------------------------------------------------------------------------------------------

DETAILS = (
    "Details",
    [("Contact Information", ["Name", "AccountId", "Email"], ["OwnerId", "HasOptedOutOfEmail", "Phone"])],
)


def test_contact_page_gets_the_field_after_email_opt_out(xsd):
    data = page("Contact", DETAILS)
    assert fp.classify(documents.parse(data, "p")) == fp.PageClass(
        "dynamic_forms", "Contact", "Contact", "Dynamic Forms: shows its own field instances"
    )
    new = check_edit(data, "Contact", xsd)
    assert placement(new, "IndividualId") == ("Record.HasOptedOutOfEmail", "Contact Information")
    assert b"<identifier>RecordIndividualIdField</identifier>" in new


def test_no_email_opt_out_goes_to_the_end_of_the_first_sections_first_column(xsd):
    data = page("Lead", ("Details", [("Lead", ["Name", "Company"], ["Status"]), ("More", ["Email"], ["Phone"])]))
    new = check_edit(data, "Lead", xsd)
    assert placement(new, "IndividualId") == ("Record.Company", "Lead")


def test_opt_out_in_a_later_tab(xsd):
    data = page(
        "Contact",
        ("Details", [("Contact", ["Name"], ["Email"])]),
        ("Preferences", [("Privacy", ["DoNotCall"], ["HasOptedOutOfFax", "HasOptedOutOfEmail"])]),
    )
    new = check_edit(data, "Contact", xsd)
    assert placement(new, "IndividualId") == ("Record.HasOptedOutOfEmail", "Privacy")


def test_empty_first_column_takes_the_field(xsd):
    data = page("Lead", ("Details", [("Lead", [], ["Company", "Email"])]))
    assert b"<name>F00-col0</name>" in data
    new = check_edit(data, "Lead", xsd)
    assert placement(new, "IndividualId") == (None, "Lead")


def test_identifier_clash_gets_a_number(xsd):
    taken = comp("c:banner", "RecordIndividualIdField") + field("Title", ident="RecordIndividualIdField2")
    data = page("Contact", ("Details", [("Contact", ["Name", "HasOptedOutOfEmail"])]), extra=region("X", taken))
    new = check_edit(data, "Contact", xsd)
    assert b"<identifier>RecordIndividualIdField3</identifier>" in new
    ids = [e.text for e in etree.fromstring(new).iter(q("identifier"))]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("behavior", ["readonly", "required", "none"])
def test_field_already_present_with_any_behaviour_is_untouched(behavior):
    data = page("Contact", DETAILS).replace(
        field("Phone").encode(), field("Phone").encode() + field("IndividualId", behavior).encode()
    )
    assert fp.add_field(data, "Contact", "IndividualId") is None
    assert fp.add_field(data.replace(b"Record.IndividualId", b"Record.individualid"), "Contact", "IndividualId") is None


def test_field_already_in_the_highlights_panel_counts():
    data = page("Contact", DETAILS, header=highlights("Name", "IndividualId"))
    assert fp.classify(documents.parse(data, "p")).kind == "dynamic_forms"
    assert fp.add_field(data, "Contact", "IndividualId") is None


def test_opt_out_only_in_the_highlights_panel_is_not_the_anchor(xsd):
    data = page("Contact", ("Details", [("Contact", ["Name", "Email"])]), header=highlights("HasOptedOutOfEmail"))
    new = check_edit(data, "Contact", xsd)
    assert placement(new, "IndividualId") == ("Record.Email", "Contact")


def test_namespaced_custom_fields(xsd):
    data = page("Contact", ("Details", [("Contact", ["acme__Score__c", "FinServ__PrimaryAddressIsBilling__c"])]))
    new = check_edit(data, "Contact", xsd)
    assert placement(new, "IndividualId") == ("Record.FinServ__PrimaryAddressIsBilling__c", "Contact")
    assert fp.identifier(etree.fromstring(data), "acme__Individual__c") == "Recordacme_Individual_cField"
    new = fp.add_field(data, "Contact", "acme__Individual__c")
    assert b"<fieldItem>Record.acme__Individual__c</fieldItem>" in new
    assert minus_inserted(new, "acme__Individual__c") == data


def test_comments_and_odd_spelling_survive(xsd):
    data = page(
        "Contact",
        DETAILS,
        head="    <!-- retrieved from prod -->\n",
        tail="<!-- trailing -->\n",
    ).replace(b"<masterLabel>Contact Page", b"<masterLabel>O&apos;Brien &amp; &#233;")
    data = data.replace(field("Phone").encode(), b"        <!-- before Phone -->\n" + field("Phone").encode())
    new = check_edit(data, "Contact", xsd)
    assert b"O&apos;Brien &amp; &#233;" in new and b"<!-- before Phone -->" in new


def test_crlf_prefixed_namespace_and_tabs(xsd):
    data = page("Lead", ("Details", [("Lead", ["Name", "HasOptedOutOfEmail"])])).replace(b"    ", b"\t")
    check_edit(data.replace(b"\n", b"\r\n"), "Lead", xsd)
    prefixed = re.sub(rb"<(/?)(?=[a-zA-Z])", rb"<\1md:", data).replace(b"xmlns=", b"xmlns:md=")
    new = check_edit(prefixed, "Lead", xsd)
    assert b"<md:fieldItem>Record.IndividualId</md:fieldItem>" in new


def test_one_line_document(xsd):
    data = re.sub(rb">\s+<", b"><", page("Lead", ("Details", [("Lead", ["Name"])])))
    new = check_edit(data, "Lead", xsd)
    assert new.count(b"\n") == data.count(b"\n")


def test_person_and_business_account_pages(xsd):
    person = page("Account", ("Details", [("Person", ["Name", "PersonEmail"], ["PersonHasOptedOutOfEmail"])]))
    assert fp.classify(documents.parse(person, "p")).kind == "person_account"
    new = check_edit(person, "PersonAccount", xsd)
    assert placement(new, "PersonIndividualId") == ("Record.PersonHasOptedOutOfEmail", "Person")
    custom = page("Account", ("Details", [("Person", ["Name", "Age__pc"])]))
    assert fp.classify(documents.parse(custom, "p")).target == "PersonAccount"
    business = page("Account", ("Details", [("Account", ["Name", "Person_Responsible__c", "Industry"])]))
    assert fp.classify(documents.parse(business, "p")).kind == "business_account"
    assert fp.add_field(business, "PersonAccount", "PersonIndividualId") is None


def test_record_detail_mixed_and_highlights_only_pages():
    detail = page("Contact", detail=True)
    assert fp.classify(documents.parse(detail, "p")).kind == "record_detail"
    assert fp.add_field(detail, "Contact", "IndividualId") is None
    mixed = page("Contact", DETAILS, detail=True)
    assert b"force:detailPanel" in mixed and fp.classify(documents.parse(mixed, "p")).kind == "dynamic_forms"
    only_header = page("Lead", header=highlights("Name", "Company", "Email"))
    assert fp.classify(documents.parse(only_header, "p")).kind == "no_field_section"
    assert fp.add_field(only_header, "Lead", "IndividualId") is None
    header_and_detail = page("Lead", header=highlights("Name"), detail=True)
    assert fp.classify(documents.parse(header_and_detail, "p")).kind == "record_detail"


def test_other_pages_are_classified_and_left_alone():
    other = page("Case", DETAILS)
    assert fp.classify(documents.parse(other, "p")).kind == "other_object"
    app = page("Contact", DETAILS).replace(b"<type>RecordPage</type>", b"<type>AppPage</type>")
    assert fp.classify(documents.parse(app, "p")).kind == "not_record_page"
    assert fp.add_field(app, "Contact", "IndividualId") is None
    old = (
        DECL + f'<FlexiPage xmlns="{NS}"><flexiPageRegions><componentInstances><componentName>force:detailPanel'
        "</componentName></componentInstances><name>main</name><type>Region</type></flexiPageRegions>"
        "<masterLabel>Old</masterLabel><sobjectType>Contact</sobjectType><template><name>t</name></template>"
        "<type>RecordPage</type></FlexiPage>"
    ).encode()
    kind = fp.classify(documents.parse(old, "p"))
    assert kind.kind == "old_format" and "API 48" in kind.reason
    assert fp.add_field(old, "Contact", "IndividualId") is None


def test_wrong_target_and_bad_input():
    with pytest.raises(EmailPrivacyError, match="a Lead page, not a Contact page"):
        fp.add_field(page("Lead", DETAILS), "Contact", "IndividualId", name="Lead.flexipage")
    with pytest.raises(XmlInputError, match="DOCTYPE"):
        fp.add_field(b'<!DOCTYPE F [<!ENTITY x SYSTEM "file:///etc/passwd">]><FlexiPage>&x;</FlexiPage>', "Lead", "I")
    with pytest.raises(XmlInputError, match="bad.flexipage: not well-formed"):
        fp.add_field(page("Lead", DETAILS)[:300], "Lead", "IndividualId", name="bad.flexipage")
    with pytest.raises(EmailPrivacyError, match="not a Lightning page"):
        fp.classify(documents.parse(b'<Layout xmlns="%s"/>' % NS.encode(), "x"))


def test_is_person_field():
    assert fp.is_person_field("PersonEmail") and fp.is_person_field("Age__pc") and fp.is_person_field("acme__X__pc")
    assert not fp.is_person_field("Personal_Notes__c") and not fp.is_person_field("Person_Responsible__c")
    assert not fp.is_person_field("IsPersonAccount") and not fp.is_person_field("Email")


# --- every real page ------------------------------------------------------------------------------------------

FLEXIPAGES = REALWORLD / "flexipages"


def manifest():
    path = FLEXIPAGES / "MANIFEST.tsv"
    if not path.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{path} is absent: real pages live in ../shared"))]
    with open(path, newline="") as f:
        return [pytest.param(row, id=row["local_path"]) for row in csv.DictReader(f, delimiter="\t")]


def expected_kind(row, data: bytes) -> str:
    if b"<componentInstances>" in data:
        return "old_format"  # docs/salesforce-facts.md: the pre-API-48 pages
    if row["kind"] == "dynamic_forms" and row["sobjectType"] == "Account":
        return "person_account" if row["person_fields"] == "yes" else "business_account"
    return row["kind"]


@pytest.mark.parametrize("row", manifest())
def test_real_page(row, xsd):
    path = FLEXIPAGES / row["local_path"]
    data = path.read_bytes()
    kind = fp.classify(documents.parse(data, str(path)), str(path))
    assert kind.kind == expected_kind(row, data)
    assert kind.sobject_type == row["sobjectType"]
    if kind.kind not in fp.CHANGED_KINDS:
        for target in fp.TARGET_OBJECTS:
            assert fp.add_field(data, target, fp.INDIVIDUAL_FIELD[target], str(path)) is None
        return
    lookup = fp.INDIVIDUAL_FIELD[kind.target]
    if row["has_individual"] == "yes":
        assert fp.add_field(data, kind.target, lookup, str(path)) is None
        return
    new = check_edit(data, kind.target, xsd, str(path))
    prev, _label = placement(new, lookup)
    opt_out = f"Record.{fp.EMAIL_OPT_OUT_FIELD[kind.target]}"
    # Every real page that holds the opt-out holds it in a field section: the new instance follows it.
    assert prev == opt_out or opt_out.encode() not in data


# --- exact bytes out ---------------------------------------------------------------------------------------------
# The editor splices into the input's bytes and falls back to lxml's spelling if the splice does not parse back.
# Each input here keeps a declaration lxml would write differently, so only a correct splice gives these bytes.


def odd(data: bytes) -> bytes:
    """The same page with a space before the declaration's `?>`, which lxml does not write."""
    assert data.startswith(DECL[:-1].encode())
    return data.replace(b'"UTF-8"?>', b'"UTF-8" ?>', 1)


def assert_spliced(data: bytes, expected: bytes, target="Contact", lookup="IndividualId"):
    assert fp.add_field(odd(data), target, lookup) == odd(expected)
    tree = fp.add_field_tree(documents.parse(data, "x"), target, lookup)
    assert documents.serialize(tree) == documents.serialize(documents.parse(expected, "y"))


def after(data: bytes, anchor: str, new: str) -> bytes:
    assert data.count(field(anchor).encode()) == 1
    return data.replace(field(anchor).encode(), (field(anchor) + new).encode())


def test_exact_bytes_after_the_opt_out():
    data = page("Contact", DETAILS)
    assert_spliced(data, after(data, "HasOptedOutOfEmail", field("IndividualId")))


def test_exact_bytes_at_the_end_of_the_first_column():
    data = page("Lead", ("Details", [("Lead", ["Name", "Company"], ["Status"])]))
    assert_spliced(data, after(data, "Company", field("IndividualId")), "Lead")


def test_exact_bytes_for_a_person_account_page():
    data = page("Account", ("Details", [("Person", ["Name", "PersonHasOptedOutOfEmail"], ["HasOptedOutOfEmail"])]))
    expected = after(data, "PersonHasOptedOutOfEmail", field("PersonIndividualId"))
    assert_spliced(data, expected, "PersonAccount", "PersonIndividualId")


def test_exact_bytes_into_an_empty_column():
    data = page("Lead", ("Details", [("Lead", [], ["Company"])]))
    empty = "    <flexiPageRegions>\n        <name>F00-col0</name>\n"
    assert data.count(empty.encode()) == 1
    assert_spliced(
        data, data.replace(empty.encode(), empty.replace("\n", "\n" + field("IndividualId"), 1).encode()), "Lead"
    )


def test_exact_bytes_into_an_empty_column_after_appendable(xsd):
    # Schema order: appendable, then itemInstances.
    data = page("Lead", ("Details", [("Lead", [], ["Company"])]))
    empty = "    <flexiPageRegions>\n        <appendable>enabled</appendable>\n        <name>F00-col0</name>\n"
    data = data.replace(b"    <flexiPageRegions>\n        <name>F00-col0</name>\n", empty.encode())
    filled = empty.replace("</appendable>\n", "</appendable>\n" + field("IndividualId"))
    expected = data.replace(empty.encode(), filled.encode())
    assert_valid(xsd, expected, "appendable")
    assert_spliced(data, expected, "Lead")


def test_exact_bytes_with_crlf_line_ends():
    data = page("Contact", DETAILS)
    expected = after(data, "HasOptedOutOfEmail", field("IndividualId"))
    assert_spliced(data.replace(b"\n", b"\r\n"), expected.replace(b"\n", b"\r\n"))
    empty = page("Lead", ("Details", [("Lead", [], ["Company"])]))
    head = b"    <flexiPageRegions>\n        <name>F00-col0</name>\n"
    filled = empty.replace(head, head.replace(b"\n", b"\n" + field("IndividualId").encode(), 1))
    assert_spliced(empty.replace(b"\n", b"\r\n"), filled.replace(b"\n", b"\r\n"), "Lead")


def test_exact_bytes_without_a_namespace():
    data = page("Contact", DETAILS).replace(f' xmlns="{NS}"'.encode(), b"")
    assert_spliced(data, after(data, "HasOptedOutOfEmail", field("IndividualId")))
    tree = fp.add_field_tree(documents.parse(data, "x"), "Contact", "IndividualId")
    assert [e.text for e in tree.iter("fieldItem")].count("Record.IndividualId") == 1


def test_exact_bytes_with_tabs_and_a_two_space_step():
    data = page("Contact", DETAILS)
    new = field("IndividualId")
    for old, step in (("    ", "\t"), ("    ", "  ")):
        assert_spliced(
            data.replace(old.encode(), step.encode()),
            after(data, "HasOptedOutOfEmail", new).replace(old.encode(), step.encode()),
        )


def test_exact_bytes_on_one_line():
    data = re.sub(rb">\s+<", b"><", page("Contact", DETAILS))
    new = re.sub(r">\s+<", "><", field("IndividualId")).strip()
    opt_out = re.sub(r">\s+<", "><", field("HasOptedOutOfEmail")).strip().encode()
    assert data.count(opt_out) == 1
    assert_spliced(data, data.replace(opt_out, opt_out + new.encode()))


@pytest.mark.parametrize(
    "taken, expected",
    [
        (["RecordIndividualIdField"], "RecordIndividualIdField2"),
        (["recordindividualidfield", " RecordIndividualIdField2 "], "RecordIndividualIdField3"),
        (["RecordIndividualIdField2"], "RecordIndividualIdField"),
        (["RecordIndividualIdField", "RecordIndividualIdField3"], "RecordIndividualIdField2"),
    ],
)
def test_identifier_numbering(taken, expected):
    data = page(
        "Contact",
        ("Details", [("Contact", ["Name", "HasOptedOutOfEmail"])]),
        extra=region("X", *(comp("c:banner", t) for t in taken)),
    )
    assert fp.identifier(documents.parse(data, "p").getroot(), "IndividualId") == expected
    assert_spliced(data, after(data, "HasOptedOutOfEmail", field("IndividualId", ident=expected)))


def test_identifier_of_dotted_and_namespaced_names():
    root = documents.parse(page("Contact", DETAILS), "p").getroot()
    assert fp.identifier(root, "acme__Individual__c") == "Recordacme_Individual_cField"
    assert fp.identifier(root, "Account.Name") == "RecordAccountNameField"


def test_self_referencing_and_cyclic_facets():
    data = page("Contact", DETAILS)
    # A facet that names itself, and two that name each other: page order visits each once.
    loop = region("Loop", comp("c:box", "loop1", body="Loop")) + region("A", comp("c:box", "a1", body="B"))
    loop += region("B", comp("c:box", "b1", body="A"))
    main = comp("flexipage:tabset", "flexipage_tabset", tabs="Tabs")
    data = data.replace(
        main.encode(), (main + comp("c:box", "m1", body="Loop") + comp("c:box", "m2", body="A")).encode()
    )
    data = data.replace(b"    <masterLabel>", loop.encode() + b"    <masterLabel>")
    assert fp.classify(documents.parse(data, "p")).kind == "dynamic_forms"
    assert_spliced(data, after(data, "HasOptedOutOfEmail", field("IndividualId")))


def test_default_name_in_messages():
    other = (DECL + f'<Layout xmlns="{NS}"/>\n').encode()
    with pytest.raises(EmailPrivacyError, match=r"^page: not a Lightning page"):
        fp.add_field(other, "Contact", "IndividualId")
    with pytest.raises(EmailPrivacyError, match=r"^page: not a Lightning page"):
        fp.add_field_tree(documents.parse(other, "x"), "Contact", "IndividualId")
    with pytest.raises(EmailPrivacyError, match=r"^page: not a Lightning page"):
        fp.classify(documents.parse(other, "x"))
    with pytest.raises(EmailPrivacyError, match=r"^page: not well-formed"):
        fp.add_field(b"<FlexiPage>", "Contact", "IndividualId")
    with pytest.raises(EmailPrivacyError, match=r"^page: a Lead page, not a Contact page"):
        fp.add_field(page("Lead", DETAILS), "Contact", "IndividualId")


def test_only_record_fields_count():
    # A field instance of another record (`Parent.`, seven characters like `Record.`) is not the record's field.
    other = field("HasOptedOutOfEmail").replace("Record.", "Parent.")
    data = page("Contact", ("Details", [("Contact", ["Name"])]))
    data = data.replace(field("Name").encode(), (field("Name") + other).encode())
    parent_lookup = data.replace(b"Parent.HasOptedOut", b"Parent.Individual")
    assert not fp.has_field(documents.parse(parent_lookup, "p"), "IndividualId")
    # Placed at the end of the column, after the other record's field.
    assert_spliced(data, data.replace(other.encode(), (other + field("IndividualId")).encode()))
    head = "    <flexiPageRegions>\n        <name>F00-col0</name>\n"
    only_other = page("Contact", ("Details", [("Contact", [])]))
    only_other = only_other.replace(head.encode(), head.replace("\n", "\n" + other, 1).encode())
    assert fp.classify(documents.parse(only_other, "p")).kind == "no_field_section"


def test_is_person_field_reads_the_name_before_a_dot():
    assert fp.is_person_field("PersonContact.Age__c") and fp.is_person_field("PersonX.Y__c.z")
    assert not fp.is_person_field("PersonAbc__c") and not fp.is_person_field("Account.PersonEmail")


def test_components_before_the_field_section_and_sections_without_columns():
    data = page("Lead", ("Details", [("Empty",), ("Lead", ["Name"])]))
    section = (
        b"        <itemInstances>\n            <componentInstance>\n                <componentInstanceProperties>\n"
        b"                    <name>columns</name>\n                    <value>F00-cols</value>"
    )
    assert data.count(section) == 1
    data = data.replace(section, comp("c:banner", "banner1").encode() + section)
    assert_spliced(data, after(data, "Name", field("IndividualId")), "Lead")


def test_a_component_that_is_not_a_column_is_not_a_column():
    data = page("Contact", ("Details", [("Contact", ["Name"])]))
    spacer = comp("c:spacer", "spacer1", body="Spare")
    data = data.replace(b"        <name>F00-cols</name>", spacer.encode() + b"        <name>F00-cols</name>")
    data = data.replace(
        b"    <masterLabel>", region("Spare", field("HasOptedOutOfEmail")).encode() + b"    <masterLabel>"
    )
    assert_spliced(data, after(data, "Name", field("IndividualId")))


def test_identifier_counts_only_identifiers():
    data = page("Contact", DETAILS).replace(b"<masterLabel>Contact Page", b"<masterLabel>RecordIndividualIdField")
    assert fp.identifier(documents.parse(data, "p").getroot(), "IndividualId") == "RecordIndividualIdField"


def test_minified_column_in_an_indented_page():
    data = page("Contact", ("Details", [("Contact", ["Name", "HasOptedOutOfEmail"])]))
    body = "".join(map(field, ["Name", "HasOptedOutOfEmail"]))
    flat = re.sub(r">\s+<", "><", body).strip()
    data = data.replace(body.encode(), ("        " + flat + "\n").encode())
    new = re.sub(r">\s+<", "><", field("IndividualId")).strip()
    opt_out = re.sub(r">\s+<", "><", field("HasOptedOutOfEmail")).strip()
    assert_spliced(data, data.replace(opt_out.encode(), (opt_out + new).encode()))
    empty = page("Lead", ("Details", [("Lead", [], ["Company"])]))
    head = (
        b"    <flexiPageRegions>\n        <name>F00-col0</name>\n        <type>Facet</type>\n    </flexiPageRegions>\n"
    )
    one_line = b"    <flexiPageRegions><name>F00-col0</name><type>Facet</type></flexiPageRegions>\n"
    empty = empty.replace(head, one_line)
    # The region stands on its own line: the new item is indented under it, and its children follow on the next line.
    filled = (
        b"    <flexiPageRegions>\n"
        + field("IndividualId").encode()
        + b"        "
        + one_line[len(b"    <flexiPageRegions>") :]
    )
    assert_spliced(empty, empty.replace(one_line, filled), "Lead")


def test_pages_left_alone_give_none_from_the_tree_api():
    assert fp.add_field_tree(documents.parse(page("Contact", detail=True), "p"), "Contact", "IndividualId") is None


def test_individual_page_gets_its_flags_beside_the_other_privacy_flags():
    data = page("Individual", ("Details", [("Privacy", ["Name", "HasOptedOutSolicit"], ["BirthDate"])]))
    assert fp.classify(documents.parse(data, "p")) == fp.PageClass(
        "dynamic_forms", "Individual", "Individual", "Dynamic Forms: shows its own field instances"
    )
    expected = after(data, "HasOptedOutSolicit", field("HasOptedOutTracking"))
    assert_spliced(data, expected, "Individual", "HasOptedOutTracking")


def test_anchors_option_names_the_field_to_follow():
    data = page("Contact", DETAILS)
    assert fp.add_field(odd(data), "Contact", "IndividualId", anchors=("Email",)) == odd(
        after(data, "Email", field("IndividualId"))
    )
    assert fp.add_field(odd(data), "Contact", "IndividualId", anchors=("Nope", "Phone")) == odd(
        after(data, "Phone", field("IndividualId"))
    )


def test_classification_reasons():
    def kind(data):
        return fp.classify(documents.parse(data, "p"))

    app = page("Contact", DETAILS).replace(b"<type>RecordPage</type>", b"<type>AppPage</type>")
    assert kind(app) == fp.PageClass("not_record_page", "Contact", None, "a AppPage page, not a record page")
    untyped = page("Contact", DETAILS).replace(b"    <type>RecordPage</type>\n", b"")
    assert kind(untyped) == fp.PageClass("not_record_page", "Contact", None, "a untyped page, not a record page")
    case = page("Case", DETAILS)
    assert kind(case) == fp.PageClass("other_object", "Case", None, "a record page of Case")
    no_object = page("Case", DETAILS).replace(b"    <sobjectType>Case</sobjectType>\n", b"")
    assert kind(no_object) == fp.PageClass("other_object", "", None, "a record page of no object")
    old = page("Lead", DETAILS).replace(b"<flexiPageRegions>", b"<flexiPageRegions><componentInstances/>", 1)
    assert kind(old) == fp.PageClass(
        "old_format",
        "Lead",
        None,
        "saved before API 48 (componentInstances in regions); open and save it in "
        "the Lightning App Builder to bring it to the current format",
    )
    person = page("Account", ("Details", [("P", ["Name", "PersonEmail"])]))
    assert kind(person) == fp.PageClass(
        "person_account", "Account", "PersonAccount", "Dynamic Forms with person-account fields"
    )
    business = page("Account", ("Details", [("B", ["Name"])]))
    assert kind(business) == fp.PageClass(
        "business_account", "Account", None, "a business-account page (Dynamic Forms, no person fields)"
    )
    detail = page("Lead", detail=True)
    assert kind(detail) == fp.PageClass("record_detail", "Lead", None, "shows the page layout (Record Detail)")
    bare = page("Lead", header=highlights("Name"))
    assert kind(bare) == fp.PageClass(
        "no_field_section", "Lead", None, "shows no field section with fields and no Record Detail"
    )
    layout = (DECL + f'<Layout xmlns="{NS}"/>\n').encode()
    with pytest.raises(EmailPrivacyError, match=r"^x\.flexipage: not a Lightning page"):
        fp.add_field(layout, "Contact", "IndividualId", name="x.flexipage")
    with pytest.raises(
        EmailPrivacyError, match=r"^x: not a Lightning page \(root element is 'Layout', not FlexiPage\)$"
    ):
        fp.classify(documents.parse(layout, "x"), "x")


def test_sections_are_met_in_page_order_not_file_order():
    two_tabs = page(
        "Contact",
        ("Details", [("A", ["Name", "HasOptedOutOfEmail"])]),
        ("More", [("B", ["Phone", "HasOptedOutOfEmail"])]),
    ).decode()
    second_tab = region("T1", section_regions("F10", "B", ["Phone", "HasOptedOutOfEmail"])[1])
    assert two_tabs.count(second_tab) == 1
    # The second tab comes first in the file; the first tab is still the first a person meets.
    data = two_tabs.replace(second_tab, "").replace(
        "    <flexiPageRegions>\n", second_tab + "    <flexiPageRegions>\n", 1
    )
    first = region("F00-col0", *map(field, ["Name", "HasOptedOutOfEmail"]))
    expected = data.replace(first, region("F00-col0", *map(field, ["Name", "HasOptedOutOfEmail", "IndividualId"])))
    assert expected != data
    assert_spliced(data.encode(), expected.encode())


def test_the_tree_given_is_the_one_judged():
    # The read's parse stands for the bytes: a tree that has the field already means nothing to add.
    data = page("Contact", DETAILS)
    has_it = documents.parse(fp.add_field(data, "Contact", "IndividualId"), "with")
    assert fp.add_field(data, "Contact", "IndividualId", tree=has_it) is None
