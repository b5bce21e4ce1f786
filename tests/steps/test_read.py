"""The one read of the org and the one read policy every task follows: reuse the flow's read when it holds
what the task needs and nothing can have changed since, else read anew (one listMetadata at most, one retrieve)."""

import pytest

from email_privacy.errors import OrgError
from email_privacy.metadata import documents
from email_privacy.steps.read import read_org, reuse_or_read
from localorg.models.seed.flexipages import seed_pages
from tests.harness import inprocess_task, metadata_client
from tests.inprocess_org import actions, count, deploy, layout, serve
from tests.steps.reads import org_read

CONTACT = "Contact-Contact Layout"
LEAD = "Lead-Lead Layout"


@pytest.fixture
def org(tmp_path, monkeypatch):
    """The in-process local org; `org.calls` records each listMetadata (type) and retrieve (members asked)."""
    with serve(tmp_path) as org:
        org.calls = []
        real_list, real_retrieve = org.metadata.list_metadata, org.metadata.retrieve

        def listed(type_name):
            org.calls.append(("list", type_name))
            return real_list(type_name)

        def retrieved(requested, *args, **kwargs):
            org.calls.append(("retrieve", {t: sorted(m) for t, m in requested.items()}))
            return real_retrieve(requested, *args, **kwargs)

        monkeypatch.setattr(org.metadata, "list_metadata", listed)
        monkeypatch.setattr(org.metadata, "retrieve", retrieved)
        yield org


def client(org):
    return metadata_client(inprocess_task(org), backoff=0.001)


def members(org, obj):
    return [m for m in org.metadata.members("Layout") if m.startswith(f"{obj}-")]


def flow_read(**kwargs):
    defaults = dict(
        objects=("Contact", "Lead"),
        settings={"PartyDataModelSettings": {"enableConsentManagement": True}},
        layouts={CONTACT: layout(), LEAD: layout()},
        permission_sets_read=("Email_Privacy_Individual_Access",),
    )
    return org_read(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    "asked",
    [
        {"settings": True},
        {"objects": ["Contact"]},
        {"objects": ["Contact", "Lead"], "settings": True},
        {"permission_sets": ["Email_Privacy_Individual_Access"]},
    ],
)
def test_the_flow_read_is_reused_without_a_call_when_it_holds_what_is_asked(org, asked):
    given = flow_read()
    assert reuse_or_read(client(org), given, **asked) == (given, True)
    assert org.calls == [] and actions(org.log) == []


def test_no_flow_read_means_one_listing_and_one_retrieve(org):
    read, reused = reuse_or_read(client(org), None, objects=["Contact"])
    assert reused is False
    assert org.calls == [("list", "Layout"), ("retrieve", {"Layout": members(org, "Contact")})]
    assert sorted(read.layouts) == members(org, "Contact")
    assert read.layouts[CONTACT].data == org.metadata.read("Layout", CONTACT)


def test_a_permission_set_the_flow_did_not_read_is_read_alone(org):
    read, reused = reuse_or_read(client(org), flow_read(), permission_sets=["Other_Set"])
    assert reused is False and read is not None
    assert org.calls == [("retrieve", {"PermissionSet": ["Other_Set"]})]


def test_settings_missing_from_the_flow_read_are_read_anew(org):
    read, reused = reuse_or_read(client(org), flow_read(settings={}), settings=True)
    assert reused is False
    assert [c[0] for c in org.calls] == ["retrieve"] and "Settings" in org.calls[0][1]
    assert read.settings["PartyDataModelSettings"]["enableConsentManagement"] is True  # as the org holds it


def test_a_stale_read_is_read_again_from_its_layout_names_without_listing(org):
    read, reused = reuse_or_read(client(org), flow_read(), settings=True, objects=["Contact", "Lead"], stale=True)
    assert reused is False and sorted(read.layouts) == [CONTACT, LEAD]
    assert [c[0] for c in org.calls] == ["retrieve"]
    assert org.calls[0][1]["Layout"] == [CONTACT, LEAD]
    assert read.layouts[LEAD].data == org.metadata.read("Layout", LEAD)  # the org's copy, not the flow's


def test_a_layout_deleted_since_the_flow_read_fails_in_one_line(org):
    # The flow read a layout the org no longer holds.
    gone = flow_read(layouts={CONTACT: layout(), "Lead-Lead %28Gone%29 Layout": layout()})
    with pytest.raises(
        OrgError, match=r"^A layout was deleted during the run \(.*Lead \(Gone\) Layout.*\); run the task again\.$"
    ):
        reuse_or_read(client(org), gone, objects=["Contact", "Lead"], stale=True)


def test_explicit_layout_names_are_always_read_and_never_listed(org):
    read, reused = reuse_or_read(client(org), flow_read(), objects=["Contact"], layouts=[CONTACT])
    assert reused is False and sorted(read.layouts) == [CONTACT]
    assert org.calls == [("retrieve", {"Layout": [CONTACT]})]


def test_objects_the_flow_read_did_not_cover_are_listed_and_read(org):
    given = flow_read(objects=("Lead",))
    _, reused = reuse_or_read(client(org), given, objects=["Contact"])
    assert reused is False
    assert org.calls == [("list", "Layout"), ("retrieve", {"Layout": members(org, "Contact")})]


PAGE_CONTACT, PAGE_DETAIL, PAGE_APP = "Contact_Record_Page", "Contact_Record_Detail_Page", "Sales_App_Page"
KEPT = {
    PAGE_CONTACT: "dynamic_forms",
    PAGE_DETAIL: "record_detail",
    "Lead_Record_Page": "dynamic_forms",
    "Business_Account_Record_Page": "business_account",
    "Individual_Record_Page": "dynamic_forms",  # Individual's own page: Don't Track and Don't Process
}


@pytest.fixture
def pages_org(tmp_path):
    """An org with the seeded record pages (Dynamic Forms) and an app page, which the read drops."""
    with serve(tmp_path, dynamic_forms=True) as org:
        app = seed_pages()[PAGE_CONTACT].replace(b"<type>RecordPage</type>", b"<type>AppPage</type>")
        deploy(org, {f"flexipages/{PAGE_APP}.flexipage": app})
        org.log.write_text("")
        yield org


def test_pages_are_listed_with_the_layouts_and_retrieved_with_them(pages_org):
    org = pages_org
    read = read_org(client(org), ["Contact"], pages=True)
    assert count(org.log, "listMetadata") == 1 and count(org.log, "retrieve") == 1
    # Only record pages of Contact, Lead and Account are kept (the app page is dropped), each with its kind.
    assert {n: d.page.kind for n, d in read.pages.items()} == KEPT
    assert read.pages_read and read.pages[PAGE_CONTACT].id.startswith("0M0")
    assert read.pages[PAGE_CONTACT].data == org.metadata.read("FlexiPage", PAGE_CONTACT)
    assert reuse_or_read(client(org), read, objects=["Contact"], pages=True) == (read, True)


def test_a_read_without_pages_is_not_reused_for_pages_and_a_stale_one_reads_its_pages_by_name(pages_org):
    org = pages_org
    without = read_org(client(org), ["Contact"])
    assert without.pages == {}
    _, reused = reuse_or_read(client(org), without, objects=["Contact"], pages=True)
    assert reused is False
    with_pages = read_org(client(org), ["Contact"], pages=True)
    org.log.write_text("")
    read, _ = reuse_or_read(client(org), with_pages, objects=["Contact"], pages=True, stale=True)
    assert count(org.log, "listMetadata") == 0 and count(org.log, "retrieve") == 1
    assert sorted(read.pages) == sorted(KEPT)


def test_each_document_is_parsed_once_however_many_read_it(org, monkeypatch):
    read = read_org(client(org), ["Contact", "Lead"])
    parsed = []
    real_parse = documents.parse
    monkeypatch.setattr(documents, "parse", lambda data, name: parsed.append(name) or real_parse(data, name))
    doc = read.layouts[CONTACT]
    assert doc.tree is doc.tree and doc.modified is not None and doc.id.startswith("00h")
    assert parsed == [doc.path]


def test_a_read_again_keeps_the_lookup_names_the_flow_read_found(org):
    given = flow_read(individual_fields={"Contact": "IndividualId"})
    read, reused = reuse_or_read(client(org), given, objects=["Contact", "Lead"], stale=True)
    assert reused is False and read is not given and read.individual_fields == {"Contact": "IndividualId"}


def test_a_read_read_again_lets_go_of_its_trees_and_parses_again_only_when_asked(org):
    given = read_org(client(org), ["Contact", "Lead"])
    old = given.layouts[CONTACT]
    first = old.tree
    read, reused = reuse_or_read(client(org), given, objects=["Contact", "Lead"], stale=True)
    assert reused is False and old._tree is None
    assert documents.serialize(old.tree) == documents.serialize(first) and old.tree is not first
