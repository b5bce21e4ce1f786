"""JUnit XML and Markdown from verify rows: the structure CI reporters read, one case per row, private files."""

import stat

import pytest
from junitparser import Failure, JUnitXml
from lxml import etree

from email_privacy.options.settings import SettingsOptions
from email_privacy.reports import junit
from email_privacy.steps.read import OrgRead
from email_privacy.steps.verdict import verdict
from tests.steps.test_verify import ALL_ON, OBJECTS, layout

STAMP = "2026-11-29T21:00:00+00:00"
LAYOUTS = {
    "Contact-Contact Layout": layout("Name", "IndividualId"),
    "Contact-FinServ__Contact %28Individual%29 Layout": layout("Name"),
    "Lead-Lead | Partner Layout": layout("Company"),
    "PersonAccount-Person Account Layout": layout("PersonIndividualId"),
}
PACKAGES = {"Contact-FinServ__Contact %28Individual%29 Layout": "FinServ"}


def rows(settings=ALL_ON, layouts=LAYOUTS):
    read = OrgRead(objects=tuple(OBJECTS), settings=settings)
    for name, data in layouts.items():
        read.add_layout(name, data, package=PACKAGES.get(name))
    return [r.as_dict() for r in verdict(read, OBJECTS, SettingsOptions.from_options({})).rows]


def test_one_testcase_per_row_inside_testsuites_and_one_testsuite():
    data = rows()
    root = etree.fromstring(junit.junit_xml(data, "uat", STAMP))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["uat"]
    cases = suites[0].findall("testcase")
    assert len(cases) == len(data) == 8  # four settings, four target layouts
    assert [c.get("name") for c in cases[:4]] == [r["name"] for r in data[:4]]
    assert {c.get("classname") for c in cases[:4]} == {"uat.Setting"}
    assert {c.get("classname") for c in cases[4:]} == {"uat.Contact", "uat.Lead", "uat.PersonAccount"}


def test_counts_attributes_and_child_order_follow_junit_10():
    root = etree.fromstring(junit.junit_xml(rows(), "uat", STAMP))
    suite = root.find("testsuite")
    for el in (root, suite):
        assert int(el.get("tests")) == 8
        assert int(el.get("failures")) == 2  # the managed Contact layout and the Lead layout lack the field
        assert int(el.get("errors")) == 0
        float(el.get("time"))
    assert suite.get("timestamp") == "2026-11-29T21:00:00"  # no zone: the schema's pattern
    assert int(suite.get("skipped")) == 0
    # junit-10.xsd: properties first, then the test cases.
    assert [c.tag for c in suite][0] == "properties"
    assert all(c.tag == "testcase" for c in list(suite)[1:])
    for case in suite.findall("testcase"):
        assert case.get("name") and case.get("classname")
        float(case.get("time"))
        tags = [c.tag for c in case]
        assert tags in (["system-out"], ["failure", "system-out"])


def test_failures_carry_the_verdict_and_what_to_do_and_name_the_layout():
    root = etree.fromstring(junit.junit_xml(rows(), "uat", STAMP))
    failed = {c.get("name"): c.find("failure") for c in root.iter("testcase") if c.find("failure") is not None}
    assert set(failed) == {"Contact (Individual) Layout (package FinServ)", "Lead | Partner Layout"}
    lead = failed["Lead | Partner Layout"]
    assert lead.get("message") == "MISSING: lacks IndividualId"
    assert lead.get("type") == "MISSING"
    assert lead.text.startswith(
        "The Lead layout Lead | Partner Layout (Lead-Lead | Partner Layout): lacks IndividualId; "
        "add the field IndividualId to it."
    )
    assert "cci flow run enable_individual_email_tracking --org uat" in lead.text


def test_a_setting_that_is_off_fails_with_how_to_turn_it_on():
    settings = {**ALL_ON, "ActivitiesSettings": {"enableEmailTracking": False}}
    root = etree.fromstring(junit.junit_xml(rows(settings=settings), "prod", STAMP))
    failures = [f for f in root.iter("failure") if "Setting" in f.getparent().get("classname")]
    assert len(failures) == 1
    assert failures[0].get("message") == "MISSING: off"
    assert failures[0].text.startswith(
        "Setting Enable Email Tracking (ActivitiesSettings.enableEmailTracking): off; turn it on."
    )
    assert "do it in Setup." in failures[0].text


def test_no_layout_found_says_what_to_check():
    data = rows(layouts={k: v for k, v in LAYOUTS.items() if not k.startswith("Lead")})
    root = etree.fromstring(junit.junit_xml(data, "uat", STAMP))
    text = [f.text for f in root.iter("failure") if "No Lead layout was read" in f.text]
    assert len(text) == 1


def test_any_kind_of_row_maps_through_its_own_fields():
    page = {
        "kind": "Record page",
        "item": "Contact",
        "object": "Contact",
        "name": "Contact Record Page",
        "api_name": "Contact_Record_Page",
        "state": "lacks IndividualId",
        "required": True,
        "ok": False,
        "verdict": "MISSING",
        "package": "",
    }
    case = etree.fromstring(junit.junit_xml([page], "uat", STAMP)).find("testsuite/testcase")
    assert (case.get("classname"), case.get("name")) == ("uat.Contact", "Contact Record Page")
    assert case.find("failure").get("message") == "MISSING: lacks IndividualId"
    assert case.find("failure").text.startswith(
        "The Contact record page Contact Record Page (Contact_Record_Page): lacks IndividualId; "
        "add the field IndividualId to it."
    )
    assert "Setup > Object Manager > Contact" in case.find("failure").text


def test_a_junit_reader_sees_the_same_cases_and_failures(tmp_path):
    path = junit.write_private(tmp_path / "junit.xml", junit.junit_xml(rows(), "uat", STAMP))
    parsed = JUnitXml.fromfile(str(path))
    suites = list(parsed) if isinstance(parsed, JUnitXml) else [parsed]
    cases = [c for s in suites for c in s]
    assert len(cases) == 8
    failed = [c.name for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert sorted(failed) == ["Contact (Individual) Layout (package FinServ)", "Lead | Partner Layout"]


def test_all_right_means_no_failure_element():
    good = {k: v for k, v in LAYOUTS.items() if k.startswith(("Contact-Contact Layout", "PersonAccount"))}
    good["Lead-Lead Layout"] = layout("IndividualId")
    root = etree.fromstring(junit.junit_xml(rows(layouts=good), "uat", STAMP))
    assert root.get("failures") == "0" and list(root.iter("failure")) == []
    assert root.find("testsuite/properties/property").attrib == {"name": "configured", "value": "true"}


def test_markdown_table_has_one_line_per_row_and_escapes_pipes():
    data = rows()
    text = junit.markdown_summary(data, "uat")
    lines = text.splitlines()
    assert lines[0] == "### Email privacy: uat is NOT configured (2 of 8 items need action)"
    table = [line for line in lines if line.startswith("|")]
    assert table[0] == "| Item | Name | Package | State | Verdict |"
    assert len(table) == 2 + len(data)
    assert "| Lead | Lead \\| Partner Layout |  | lacks IndividualId | ❌ MISSING |" in table
    assert "| Contact | Contact (Individual) Layout | FinServ | lacks IndividualId | ❌ MISSING |" in table
    assert text.count("\n- ") == 2 and "What to do:" in text


def test_markdown_for_a_configured_org_has_no_to_do_list():
    good = {"Contact-Contact Layout": layout("IndividualId"), "Lead-Lead Layout": layout("IndividualId")}
    good["PersonAccount-Person Account Layout"] = layout("PersonIndividualId")
    text = junit.markdown_summary(rows(layouts=good), "uat")
    assert text.startswith("### Email privacy: uat is configured\n")
    assert "What to do" not in text and "Package" not in text


@pytest.mark.parametrize("existing", [False, True])
def test_files_are_owner_only(tmp_path, existing):
    target = tmp_path / "out" / "junit.xml"
    if existing:
        target.parent.mkdir()
        target.write_text("old")
        target.chmod(0o644)
    junit.write_private(target, b"<testsuites/>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() == b"<testsuites/>"
    if not existing:
        assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["junit.xml"]  # no temporary file left
