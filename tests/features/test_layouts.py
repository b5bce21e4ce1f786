"""The layouts plan: which layouts change, which already have the field, which belong to other objects."""

import logging
from datetime import datetime
from pathlib import Path

from email_privacy.features import snapshots
from email_privacy.features.layouts import LayoutOptions, add_individual_field, plan_layouts
from email_privacy.metadata_xml import parse, read_package_xml
from email_privacy.org.read import OrgState
from email_privacy.salesforce import flexipages
from email_privacy.salesforce.layouts import has_field
from localorg.models.seed.flexipages import seed_pages
from tests.fake_org import layout

from .fakes import LOG, Connection

WITH = layout(extra="IndividualId")


def test_plan_changes_only_the_layouts_that_lack_the_field():
    files = {"Contact-A": layout(), "Contact-B": WITH, "Account-C": layout()}
    plan = plan_layouts(files, {"Contact": "IndividualId"}, "Edit", "after_email_opt_out")
    assert sorted(plan.changes) == ["Contact-A"]
    assert plan.unchanged == ["Contact-B"] and plan.skipped == ["Account-C"]
    old, new = plan.changes["Contact-A"]
    assert old == files["Contact-A"] and has_field(parse(new, "new"), "IndividualId")
    assert plan.new_files() == {"Contact-A": new}


class Rest:
    """The REST calls add_individual_field makes: describes, person accounts, the guard's Tooling query."""

    def __init__(self):
        self.queries = []

    def person_accounts_enabled(self):
        return True

    def describe(self, obj):
        person = obj == "Account"
        name = "PersonIndividualId" if person else "IndividualId"
        return {"name": obj, "fields": [{"name": name, "type": "reference", "referenceTo": ["Individual"]}]}

    def tooling_query(self, soql):
        self.queries.append(soql)
        return []


def flow_read_with_pages() -> OrgState:
    when = datetime(2026, 11, 27, 7, 0, 0)
    state = OrgState(objects=("Contact", "Lead", "PersonAccount"), pages_read=True)
    state.layout_files = {"Contact-Contact Layout": WITH, "Lead-Lead Layout": layout(extra="IndividualId")}
    state.layout_files["PersonAccount-Person Account Layout"] = layout(extra="PersonIndividualId")
    for i, (name, data) in enumerate(seed_pages().items()):
        state.page_files[name] = data
        state.page_classes[name] = flexipages.classify(parse(data, name), name)
        state.page_modified[name], state.page_ids[name] = when, f"0M0{i:015d}"
    return state


def test_pages_go_in_the_one_deploy_with_a_snapshot_and_the_guard(tmp_path):
    org = Connection(rest=Rest())
    options = LayoutOptions(snapshot_dir=tmp_path)
    result = add_individual_field(org, flow_read_with_pages(), options, LOG)
    assert sorted(result.pages_changed) == ["Contact_Record_Page", "Lead_Record_Page", "Person_Account_Record_Page"]
    [(files, _)] = org.metadata.deploys
    assert read_package_xml(files["package.xml"]) == {"FlexiPage": sorted(result.pages_changed)}
    assert org.rest.queries == [
        "SELECT Id, LastModifiedDate FROM FlexiPage WHERE LastModifiedDate >= 2026-11-27T07:00:00Z"
    ]
    manifest, _ = snapshots.load_snapshot(Path(result.snapshot))
    assert snapshots.load_pages(Path(result.snapshot), manifest) == {n: seed_pages()[n] for n in result.pages_changed}
    kinds = {p["name"]: (p["kind"], p["verdict"]) for p in result.pages}
    assert kinds["Business_Account_Record_Page"] == ("business_account", "left alone")


def test_dry_run_shows_the_page_diff_and_pages_false_leaves_pages_out(caplog):
    org = Connection(rest=Rest())
    with caplog.at_level(logging.INFO):
        add_individual_field(org, flow_read_with_pages(), LayoutOptions(dry_run=True), LOG)
    assert "+++ b/flexipages/Lead_Record_Page.flexipage" in caplog.text and org.metadata.deploys == []
    result = add_individual_field(org, flow_read_with_pages(), LayoutOptions(pages=False), LOG)
    assert result.pages == [] and result.pages_changed == [] and org.metadata.deploys == []
