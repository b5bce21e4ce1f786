"""Dynamic Forms record pages planned from a read: target pages lacking the field get it, the others are listed
with their kind and left alone; the local org's seed pages stand in for an org's."""

from email_privacy.metadata import documents, flexipages
from email_privacy.steps import pages
from email_privacy.steps.read import OrgState
from localorg.models.seed.flexipages import seed_pages

FIELDS = {"Contact": "IndividualId", "Lead": "IndividualId", "PersonAccount": "PersonIndividualId"}


def read_of(files: dict[str, bytes]) -> OrgState:
    state = OrgState(objects=("Contact", "Lead", "PersonAccount"), pages_read=True)
    for name, data in files.items():
        state.page_files[name] = data
        state.page_classes[name] = flexipages.classify(documents.parse(data, name), name)
    return state


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


def test_report_says_has_or_lacks_without_editing():
    state = read_of(seed_pages())
    before = dict(state.page_files)
    report = {p["name"]: (p["kind"], p["verdict"]) for p in pages.page_report(state, FIELDS)}
    assert report["Lead_Record_Page"] == ("dynamic_forms", pages.LACKS_FIELD)
    assert report["Contact_Record_Detail_Page"] == ("record_detail", pages.LEFT_ALONE)
    assert state.page_files == before
