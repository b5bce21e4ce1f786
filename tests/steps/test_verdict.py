"""The one verdict over a read: rows for settings, layouts and pages, computed once per read and options, with
the Individual lookup names the describes gave where the read holds them."""

import logging

from email_privacy.metadata import documents
from email_privacy.options.settings import SettingsOptions
from email_privacy.steps.individual_field import LayoutOptions, add_individual_field
from email_privacy.steps.prerequisites import PrerequisitesOptions, check_prerequisites
from email_privacy.steps.verdict import target_objects, verdict
from email_privacy.steps.verify import VerifyOptions, verify
from localorg.models.seed.flexipages import seed_pages
from tests.inprocess_org import actions, connection, serve
from tests.steps.reads import org_read
from tests.steps.test_verify import ALL_ON, layout

LOG = logging.getLogger("test")
LAYOUTS = {"Contact-Contact Layout": layout("Name", "Custom_Individual__c"), "Lead-Lead Layout": layout("IndividualId")}


def test_target_objects():
    assert target_objects([], True) == ["Contact", "Lead", "PersonAccount"]
    assert target_objects(None, False) == ["Contact", "Lead"]
    assert target_objects(["Lead", "PersonAccount"], False) == ["Lead"]
    assert target_objects(["PersonAccount"], True) == ["PersonAccount"]


def test_the_describes_lookup_name_is_required_where_the_read_holds_it_else_the_standard_one():
    read = org_read(layouts=LAYOUTS, settings=ALL_ON)
    standard = verdict(read, ["Contact", "Lead"], SettingsOptions())
    assert not standard.configured and standard.fields["Contact"] == ("IndividualId",)
    read.individual_fields = {"Contact": "Custom_Individual__c"}
    described = verdict(read, ["Contact", "Lead"], SettingsOptions())
    assert described.configured and described.fields == {
        "Contact": ("Custom_Individual__c",),
        "Lead": ("IndividualId",),
    }
    assert [r.state for r in described.rows if r.kind == "Layout"] == ["has Custom_Individual__c", "has IndividualId"]


def test_one_verdict_per_read_and_options_each_document_parsed_once(monkeypatch):
    parsed = []
    real_parse = documents.parse
    monkeypatch.setattr(documents, "parse", lambda data, name: parsed.append(name) or real_parse(data, name))
    read = org_read(layouts=LAYOUTS, pages=seed_pages(), settings=ALL_ON, pages_read=True)
    pages_parsed = len(parsed)  # classified at the read
    first = verdict(read, ["Contact", "Lead"], SettingsOptions())
    assert verdict(read, ["Contact", "Lead"], SettingsOptions()) is first
    other = verdict(read, ["Contact", "Lead"], SettingsOptions(email_tracking=False))
    assert other is not first and other.rows[4:] == first.rows[4:]
    assert len(parsed) == pages_parsed + len(LAYOUTS) and len(set(parsed)) == len(parsed)


def test_page_rows_say_has_or_lacks_and_list_the_others_left_alone():
    read = org_read(pages=seed_pages(), settings=ALL_ON, pages_read=True)
    rows = {r.name: r for r in verdict(read, ["Contact", "Lead"], SettingsOptions()).rows if r.kind == "Page"}
    lead = rows["Lead_Record_Page"]
    assert (lead.page_kind, lead.state, lead.required, lead.ok) == ("dynamic_forms", "lacks IndividualId", True, False)
    detail = rows["Contact_Record_Detail_Page"]
    assert (detail.page_kind, detail.verdict) == ("record_detail", "left alone")
    assert rows["Person_Account_Record_Page"].verdict == "left alone"  # PersonAccount not among the objects


def test_through_the_flow_each_document_of_the_read_is_parsed_once(tmp_path, monkeypatch):
    """Prerequisites (its checks and 'already configured'), the layouts step's plan and verify's rows (a dry run
    reuses the read) all take the read's one parse of each layout and page."""
    with serve(tmp_path, person_accounts=True, dynamic_forms=True) as org:
        conn = connection(org)
        options = PrerequisitesOptions(SettingsOptions(), [], [])
        read = check_prerequisites(conn, options, LOG).values["org_state"]
        assert read.individual_fields == {
            "Contact": "IndividualId",
            "Lead": "IndividualId",
            "PersonAccount": "PersonIndividualId",
        }
        parsed = []
        real_parse = documents.parse
        monkeypatch.setattr(documents, "parse", lambda data, name: parsed.append(data) or real_parse(data, name))
        org.log.write_text("")
        add_individual_field(conn, read, LayoutOptions(dry_run=True), LOG)
        assert [a for a in actions(org.log) if a.endswith("/describe")] == []  # the read's lookup names serve
        verify(conn, read, VerifyOptions(SettingsOptions(), read.objects[:-1], dry_run=True, editors=False), LOG)
        held = [d.data for d in (*read.layouts.values(), *read.pages.values())]
        assert held and not [data for data in parsed if any(data is d for d in held)]
