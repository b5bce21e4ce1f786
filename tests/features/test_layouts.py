"""The layouts plan: which layouts change, which already have the field, which belong to other objects."""

from email_privacy.features.layouts import plan_layouts
from email_privacy.metadata_xml import parse
from email_privacy.salesforce.layouts import has_field
from tests.inprocess_org import layout

WITH = layout(extra="IndividualId")


def test_plan_changes_only_the_layouts_that_lack_the_field():
    files = {"Contact-A": layout(), "Contact-B": WITH, "Account-C": layout()}
    plan = plan_layouts(files, {"Contact": "IndividualId"}, "Edit", "after_email_opt_out")
    assert sorted(plan.changes) == ["Contact-A"]
    assert plan.unchanged == ["Contact-B"] and plan.skipped == ["Account-C"]
    old, new = plan.changes["Contact-A"]
    assert old == files["Contact-A"] and has_field(parse(new, "new"), "IndividualId")
    assert plan.new_files() == {"Contact-A": new}
