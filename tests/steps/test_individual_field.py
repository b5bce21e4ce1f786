"""The layouts plan: which layouts change, which already have the field, which belong to other objects."""

import logging
from pathlib import Path

import pytest

from email_privacy.metadata.documents import parse, serialize
from email_privacy.metadata.layouts import has_field
from email_privacy.steps import snapshots
from email_privacy.steps.individual_field import LayoutOptions, add_individual_field, plan_layouts
from email_privacy.steps.read import read_org
from localorg.models.seed.flexipages import seed_pages
from tests.inprocess_org import actions, connection, count, files, layout, serve
from tests.steps.reads import org_read

WITH = layout(extra="IndividualId")


def test_plan_changes_only_the_layouts_that_lack_the_field():
    files = {"Contact-A": layout(), "Contact-B": WITH, "Account-C": layout()}
    read = org_read(("Contact", "Account"), files)
    plan = plan_layouts(read.layouts, {"Contact": "IndividualId"}, "Edit", "after_email_opt_out")
    assert sorted(plan.changes) == ["Contact-A"]
    assert plan.unchanged == ["Contact-B"] and plan.skipped == ["Account-C"]
    old, new = plan.changes["Contact-A"]
    assert old == files["Contact-A"] and has_field(parse(new, "new"), "IndividualId")
    assert plan.new_files() == {"Contact-A": new}
    # The edit copies the read's tree: the read's document is as it was retrieved.
    assert serialize(read.layouts["Contact-A"].tree) == serialize(parse(files["Contact-A"], "old"))


LOG = logging.getLogger("test")
PAGES = ("Contact_Record_Page", "Lead_Record_Page", "Person_Account_Record_Page")


@pytest.fixture
def org(tmp_path):
    """The in-process local org with person accounts and the seeded record pages (Dynamic Forms)."""
    with serve(tmp_path, person_accounts=True, dynamic_forms=True) as org:
        yield org


def flow_read(org):
    """The flow's one read, pages included, as step 1 makes it."""
    state = read_org(connection(org).metadata, ["Contact", "Lead", "PersonAccount", "Individual"], pages=True)
    org.log.write_text("")
    return state


def test_pages_go_in_the_one_deploy_with_a_snapshot_and_the_guard(org, tmp_path):
    result = add_individual_field(connection(org), flow_read(org), LayoutOptions(snapshot_dir=tmp_path), LOG)
    assert sorted(result.pages_changed) == sorted(PAGES)
    assert count(org.log, "deploy") == 1 and count(org.log, "listMetadata") == 0
    assert count(org.log, "/tooling/query") >= 1  # the lost-update guard asks for pages changed since the read
    for name in PAGES:  # the org holds the field on every Dynamic Forms target page
        assert b"Record.IndividualId" in org.metadata.read("FlexiPage", name) or b"Record.PersonIndividualId" in (
            org.metadata.read("FlexiPage", name)
        )
    manifest, _ = snapshots.load_snapshot(Path(result.snapshot))
    assert snapshots.load_pages(Path(result.snapshot), manifest) == {n: seed_pages()[n] for n in PAGES}
    kinds = {p["name"]: (p["kind"], p["verdict"]) for p in result.pages}
    assert kinds["Business_Account_Record_Page"] == ("business_account", "left alone")
    assert kinds["Contact_Record_Detail_Page"][0] == "record_detail"


def test_dry_run_shows_the_page_diff_and_pages_false_leaves_pages_out(org, caplog, tmp_path):
    before = files(org, "FlexiPage")
    with caplog.at_level(logging.INFO):
        add_individual_field(connection(org), flow_read(org), LayoutOptions(dry_run=True), LOG)
    assert "+++ b/flexipages/Lead_Record_Page.flexipage" in caplog.text and count(org.log, "deploy") == 0
    options = LayoutOptions(pages=False, snapshot_dir=tmp_path)
    result = add_individual_field(connection(org), flow_read(org), options, LOG)
    assert result.pages == [] and result.pages_changed == [] and files(org, "FlexiPage") == before


def test_lookup_names_in_the_flow_read_spare_the_describes_and_only_a_missing_one_is_asked(org, tmp_path):
    read = flow_read(org)
    read.individual_fields = {"Contact": "IndividualId", "Lead": "IndividualId", "PersonAccount": "PersonIndividualId"}
    add_individual_field(connection(org), read, LayoutOptions(dry_run=True), LOG)
    assert [a for a in actions(org.log) if a.endswith("/describe")] == []
    read = flow_read(org)
    read.individual_fields = {"Contact": "IndividualId"}  # Lead's and Account's lookups were not there yet
    add_individual_field(connection(org), read, LayoutOptions(dry_run=True), LOG)
    described = [a.rsplit("/", 2)[-2] for a in actions(org.log) if a.endswith("/describe")]
    assert sorted(described) == ["Account", "Lead"]
    # What the step found serves verify's verdict through the same read.
    assert read.individual_fields["PersonAccount"] == "PersonIndividualId" and read.individual_fields["Lead"]
