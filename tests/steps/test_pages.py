"""Dynamic Forms record pages planned from a read: target pages lacking the field get it, the others are listed
with their kind and left alone; the local org's seed pages stand in for an org's."""

from email_privacy.metadata import documents, flexipages
from email_privacy.steps import pages
from email_privacy.steps.read import OrgRead
from localorg.models.seed.flexipages import seed_pages
from tests.steps.reads import org_read

FIELDS = {"Contact": "IndividualId", "Lead": "IndividualId", "PersonAccount": "PersonIndividualId"}


def read_of(files: dict[str, bytes]) -> OrgRead:
    return org_read(("Contact", "Lead", "PersonAccount"), pages=files, pages_read=True)


def test_target_pages_get_the_field_and_the_others_are_left_alone():
    state = read_of(seed_pages())
    plan = pages.plan_pages(state, FIELDS)
    assert sorted(plan.changes) == ["Contact_Record_Page", "Lead_Record_Page", "Person_Account_Record_Page"]
    assert plan.rows["Business_Account_Record_Page"][:2] == ("business_account", pages.LEFT_ALONE)
    assert plan.rows["Contact_Record_Detail_Page"][:2] == ("record_detail", pages.LEFT_ALONE)
    new = plan.new_files()
    tree = documents.parse(new["Person_Account_Record_Page"], "p")
    assert flexipages.has_field(tree, "PersonIndividualId") and not flexipages.has_field(tree, "IndividualId")
    # A second plan over the edited pages changes nothing.
    again = pages.plan_pages(read_of({**seed_pages(), **new}), FIELDS)
    assert again.changes == {} and sorted(again.unchanged) == sorted(new)
    assert all(v == pages.HAS_FIELD for n, (_, v, _) in again.rows.items() if n in new)


def test_the_lookup_name_comes_from_the_fields_given_and_objects_not_chosen_are_left_alone():
    plan = pages.plan_pages(read_of(seed_pages()), {"Contact": "Individual_Custom__c"})
    assert sorted(plan.changes) == ["Contact_Record_Page"]
    assert b"<fieldItem>Record.Individual_Custom__c</fieldItem>" in plan.changes["Contact_Record_Page"][1]
    assert plan.rows["Lead_Record_Page"][1] == pages.NOT_CHOSEN


def test_planning_edits_copies_and_leaves_the_read_as_it_was():
    read = read_of(seed_pages())
    before = {n: (d.data, documents.serialize(d.tree)) for n, d in read.pages.items()}
    assert pages.plan_pages(read, FIELDS).changes
    assert {n: (d.data, documents.serialize(d.tree)) for n, d in read.pages.items()} == before
