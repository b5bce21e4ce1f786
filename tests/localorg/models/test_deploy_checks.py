"""Deploy checks: each bad component gets the problem a real org gives, with its line and column."""

import io
import zipfile

import pytest

from localorg.models import deploy_checks as dc

M = "http://soap.sforce.com/2006/04/metadata"
FIELDS = {"Name", "Email", "HasOptedOutOfEmail", "OwnerId"}


def layout(sections: str, before: str = "", after: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Layout xmlns="{M}">\n{before}{sections}{after}</Layout>\n'
    ).encode()


def section(items: str, style: str | None = "TwoColumnsTopToBottom", label: str = "Info") -> str:
    style_el = f"<style>{style}</style>" if style else ""
    return (
        f"    <layoutSections>\n        <customLabel>false</customLabel>\n        <label>{label}</label>\n"
        f"        <layoutColumns>\n{items}        </layoutColumns>\n        {style_el}\n    </layoutSections>\n"
    )


def item(field: str, behavior: str = "Edit") -> str:
    return (
        f"            <layoutItems>\n                <behavior>{behavior}</behavior>\n"
        f"                <field>{field}</field>\n            </layoutItems>\n"
    )


def judge_layout(data: bytes, obj="Contact", fields=FIELDS):
    doc, problems = dc.parse_component(data, "layouts/x.layout")
    return problems if doc is None else dc.check_layout(doc, obj, fields)


def test_good_layout_passes():
    assert (
        judge_layout(
            layout(
                section(item("Name", "Required") + item("Email")),
                before="    <excludeButtons>Submit</excludeButtons>\n",
                after="    <showEmailCheckbox>false</showEmailCheckbox>\n",
            )
        )
        == []
    )


def test_wrong_order_names_element_type_line_and_column():
    data = layout(section(item("Email")), before="    <showEmailCheckbox>false</showEmailCheckbox>\n")
    (p,) = judge_layout(data)
    assert p.problem == f"Element {{{M}}}layoutSections invalid at this location in type Layout"
    assert (p.line, p.column) == (4, 5)


def test_unknown_element_in_item():
    data = layout(
        section(
            "            <layoutItems>\n                <colour>red</colour>\n"
            "                <field>Email</field>\n            </layoutItems>\n"
        )
    )
    (p,) = judge_layout(data)
    assert p.problem == f"Element {{{M}}}colour invalid at this location in type LayoutItem"
    assert p.line == 8


def test_field_the_object_lacks():
    (p,) = judge_layout(layout(section(item("Foo__c"))))
    assert p.problem == "In field: field - no CustomField named Contact.Foo__c found"


def test_person_account_layout_fields_are_account_fields():
    (p,) = judge_layout(layout(section(item("PersonIndividualId"))), obj="PersonAccount")
    assert p.problem == "In field: field - no CustomField named Account.PersonIndividualId found"


def test_duplicate_field_custom_links_missing_style_bad_behavior():
    problems = judge_layout(layout(section(item("Email") + item("Email"))))
    assert [p.problem for p in problems] == [
        "Field Email appears more than once in the layout; a field may appear once"
    ]
    problems = judge_layout(layout(section(item("Name"), style="CustomLinks", label="Custom Links")))
    assert "CustomLinks" in problems[0].problem and "field Name" in problems[0].problem
    problems = judge_layout(layout(section(item("Name"), style=None)))
    assert "lacks the required element style" in problems[0].problem
    problems = judge_layout(layout(section(item("Name", behavior="Sometimes"))))
    assert problems[0].problem == "'Sometimes' is not a valid value for the enum 'UiBehavior'"


def test_malformed_xml_gives_line():
    (p,) = judge_layout(b'<?xml version="1.0"?>\n<Layout xmlns="' + M.encode() + b'">\n<layoutSections>\n</Layout>\n')
    assert p.problem.startswith("Error parsing file") and p.line == 4


def test_entity_bomb_is_refused_not_expanded():
    bomb = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa">]><Layout xmlns="' + M.encode() + b'">&a;</Layout>'
    (p,) = judge_layout(bomb)
    assert "DOCTYPE" in p.problem


def settings(name: str, body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{name} xmlns="{M}">\n{body}</{name}>\n'.encode()


def judge_settings(data, stem):
    doc, problems = dc.parse_component(data, f"settings/{stem}.settings")
    return problems if doc is None else dc.check_settings(doc, stem)


def test_settings_order_and_unknown_file_name_and_consent_off():
    good = settings(
        "EmailAdministrationSettings",
        "    <enableEmailConsentManagement>true</enableEmailConsentManagement>\n"
        "    <enableEnhancedEmailEnabled>true</enableEnhancedEmailEnabled>\n",
    )
    assert judge_settings(good, "EmailAdministration") == []
    bad = settings(
        "EmailAdministrationSettings",
        "    <enableEnhancedEmailEnabled>true</enableEnhancedEmailEnabled>\n"
        "    <enableEmailConsentManagement>true</enableEmailConsentManagement>\n",
    )
    (p,) = judge_settings(bad, "EmailAdministration")
    assert (
        p.problem
        == (f"Element {{{M}}}enableEmailConsentManagement invalid at this location in type EmailAdministrationSettings")
        and p.line == 4
    )
    (p,) = judge_settings(settings("IndividualSettings", ""), "Individual")
    assert p.problem == "settings/Individual.settings is not a valid metadata object"
    # Valid metadata: a real org takes it (and purges its privacy data when it was on; test_privacy.py).
    off = settings("PartyDataModelSettings", "    <enableConsentManagement>false</enableConsentManagement>\n")
    assert judge_settings(off, "PartyDataModel") == []
    (p,) = judge_settings(
        settings("ActivitiesSettings", "    <enableEmailTracking>yes</enableEmailTracking>\n"), "Activities"
    )
    assert "'yes' is not a valid value" in p.problem


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("bad", ["../evil.layout", "/etc/passwd", "layouts/../../x", "C:/x", "layouts\\..\\x"])
def test_zip_paths_outside_root_are_refused(bad):
    with pytest.raises(dc.ZipRefused, match="outside its root"):
        dc.read_zip(_zip({"package.xml": b"<Package/>", bad: b"x"}), True)


def test_zip_root_and_single_folder():
    assert set(dc.read_zip(_zip({"package.xml": b"p", "settings/A.settings": b"s"}), True)) == {
        "package.xml",
        "settings/A.settings",
    }
    assert set(dc.read_zip(_zip({"src/package.xml": b"p", "src/settings/A.settings": b"s"}), False)) == {
        "package.xml",
        "settings/A.settings",
    }
    with pytest.raises(dc.ZipRefused, match="No package.xml"):
        dc.read_zip(_zip({"src/package.xml": b"p"}), True)
    with pytest.raises(dc.ZipRefused, match="not a zip"):
        dc.read_zip(b"not a zip", True)


def test_nested_types_are_judged_from_the_wsdl_read_on_its_own():
    # relatedLists is a RelatedListItem: its order and its SortOrder enumeration come from metadata.wsdl.
    related, order = "<relatedList>RelatedNoteList</relatedList>", "<sortOrder>Asc</sortOrder>"
    good = f"    <relatedLists>{related}{order}</relatedLists>\n"
    assert judge_layout(layout(section(item("Email")), after=good)) == []
    swapped = f"    <relatedLists>{order}{related}</relatedLists>\n"
    (p,) = judge_layout(layout(section(item("Email")), after=swapped))
    assert p.problem == f"Element {{{M}}}relatedList invalid at this location in type RelatedListItem"
    (p,) = judge_layout(layout(section(item("Email")), after=good.replace(">Asc<", ">Up<")))
    assert p.problem == "'Up' is not a valid value for the enum 'SortOrder'"
