"""The one read of the org and the one read policy every task follows: reuse the flow's read when it holds
what the task needs and nothing can have changed since, else read anew (one listMetadata at most, one retrieve)."""

from unittest.mock import ANY

import pytest

from email_privacy.errors import OrgError
from email_privacy.org.metadata import RetrieveResult
from email_privacy.org.read import OrgState, read_org, reuse_or_read
from localorg.models.seed.flexipages import seed_pages
from tests.fake_org import layout

CONTACT = "Contact-Contact Layout"
LEAD = "Lead-Lead Layout"


class Client:
    """Answers listMetadata and retrieve from `layouts` ({retrieve name: bytes}) and records each call."""

    def __init__(self, layouts):
        self.layouts, self.calls = layouts, []

    def list(self, metadata_type):
        self.calls.append(("list", metadata_type))
        return [{"fullName": n, "fileName": f"layouts/{n}.layout"} for n in self.layouts]

    def retrieve(self, members):
        self.calls.append(("retrieve", {t: sorted(m) for t, m in members.items()}))
        files = {f"layouts/{n}.layout": self.layouts[n] for n in members.get("Layout", []) if n in self.layouts}
        return RetrieveResult(files=files)


def flow_read(**kwargs):
    defaults = dict(
        objects=("Contact", "Lead"),
        settings={"PartyDataModelSettings": {"enableConsentManagement": True}},
        layout_files={CONTACT: layout(), LEAD: layout()},
        permission_sets_read=("Email_Privacy_Individual_Access",),
    )
    return OrgState(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    "asked",
    [
        {"settings": True},
        {"objects": ["Contact"]},
        {"objects": ["Contact", "Lead"], "settings": True},
        {"permission_sets": ["Email_Privacy_Individual_Access"]},
    ],
)
def test_the_flow_read_is_reused_without_a_call_when_it_holds_what_is_asked(asked):
    client, known = Client({CONTACT: layout()}), flow_read()
    assert reuse_or_read(client, known, **asked) == (known, True)
    assert client.calls == []


def test_no_flow_read_means_one_listing_and_one_retrieve():
    client = Client({CONTACT: layout(), LEAD: layout()})
    state, reused = reuse_or_read(client, None, objects=["Contact"])
    assert reused is False
    assert client.calls == [("list", "Layout"), ("retrieve", {"Layout": [CONTACT]})]
    assert sorted(state.layout_files) == [CONTACT]


def test_a_permission_set_the_flow_did_not_read_is_read_alone():
    client = Client({})
    state, reused = reuse_or_read(client, flow_read(), permission_sets=["Other_Set"])
    assert reused is False and state is not None
    assert client.calls == [("retrieve", {"PermissionSet": ["Other_Set"]})]


def test_settings_missing_from_the_flow_read_are_read_anew():
    client = Client({})
    _, reused = reuse_or_read(client, flow_read(settings={}), settings=True)
    assert reused is False
    assert [c[0] for c in client.calls] == ["retrieve"] and "Settings" in client.calls[0][1]


def test_a_stale_read_is_read_again_from_its_layout_names_without_listing():
    client = Client({CONTACT: layout(), LEAD: layout()})
    state, reused = reuse_or_read(client, flow_read(), settings=True, objects=["Contact", "Lead"], stale=True)
    assert reused is False and sorted(state.layout_files) == [CONTACT, LEAD]
    assert [c[0] for c in client.calls] == ["retrieve"]
    assert client.calls[0][1]["Layout"] == [CONTACT, LEAD]


def test_a_layout_deleted_since_the_flow_read_fails_in_one_line():
    client = Client({CONTACT: layout()})
    with pytest.raises(
        OrgError, match=r"^A layout was deleted during the run \(.*Lead Layout.*\); run the task again\.$"
    ):
        reuse_or_read(client, flow_read(), objects=["Contact", "Lead"], stale=True)


def test_explicit_layout_names_are_always_read_and_never_listed():
    client = Client({CONTACT: layout()})
    state, reused = reuse_or_read(client, flow_read(), objects=["Contact"], layouts=[CONTACT])
    assert reused is False and sorted(state.layout_files) == [CONTACT]
    assert client.calls == [("retrieve", {"Layout": [CONTACT]})]


def test_objects_the_flow_read_did_not_cover_are_listed_and_read():
    client = Client({CONTACT: layout()})
    known = flow_read(objects=("Lead",))
    _, reused = reuse_or_read(client, known, objects=["Contact"])
    assert reused is False
    assert client.calls == [("list", "Layout"), ("retrieve", {"Layout": [CONTACT]})]


PAGE_CONTACT, PAGE_DETAIL, PAGE_APP = "Contact_Record_Page", "Contact_Record_Detail_Page", "Sales_App_Page"


class PagesClient(Client):
    """Also lists FlexiPage (with Layout, in one call) and retrieves pages: the seeded record pages and an
    app page, which the read drops."""

    def __init__(self, layouts):
        super().__init__(layouts)
        seeded = seed_pages()
        app = seeded[PAGE_CONTACT].replace(b"<type>RecordPage</type>", b"<type>AppPage</type>")
        self.pages = {PAGE_CONTACT: seeded[PAGE_CONTACT], PAGE_DETAIL: seeded[PAGE_DETAIL], PAGE_APP: app}

    def list_types(self, types):
        self.calls.append(("list_types", tuple(types)))
        return {
            "Layout": [{"fullName": n, "fileName": f"layouts/{n}.layout"} for n in self.layouts],
            "FlexiPage": [{"fullName": n, "id": f"0M0{i:015d}"} for i, n in enumerate(self.pages)],
        }

    def retrieve(self, members):
        result = super().retrieve(members)
        pages = members.get("FlexiPage", [])
        result.files.update({f"flexipages/{n}.flexipage": self.pages[n] for n in pages if n in self.pages})
        return result


def test_pages_are_listed_with_the_layouts_and_retrieved_with_them():
    client = PagesClient({CONTACT: layout()})
    state = read_org(client, ["Contact"], pages=True)
    assert client.calls == [
        ("list_types", ("Layout", "FlexiPage")),
        (
            "retrieve",
            {"FlexiPage": sorted([PAGE_APP, PAGE_CONTACT, PAGE_DETAIL]), "Layout": [CONTACT], "Settings": ANY},
        ),
    ]
    # Only record pages of Contact, Lead and Account are kept, each with its kind.
    assert {n: c.kind for n, c in state.page_classes.items()} == {
        PAGE_CONTACT: "dynamic_forms",
        PAGE_DETAIL: "record_detail",
    }
    assert state.pages_read and state.page_ids[PAGE_CONTACT].startswith("0M0")
    assert reuse_or_read(client, state, objects=["Contact"], pages=True) == (state, True)


def test_a_read_without_pages_is_not_reused_for_pages_and_a_stale_one_reads_its_pages_by_name():
    client = PagesClient({CONTACT: layout()})
    without = read_org(client, ["Contact"])
    assert client.calls[0] == ("list", "Layout") and without.page_files == {}
    _, reused = reuse_or_read(client, without, objects=["Contact"], pages=True)
    assert reused is False and client.calls[-2][0] == "list_types"
    with_pages = read_org(client, ["Contact"], pages=True)
    client.calls.clear()
    state, _ = reuse_or_read(client, with_pages, objects=["Contact"], pages=True, stale=True)
    assert [c[0] for c in client.calls] == ["retrieve"]
    assert client.calls[0][1]["FlexiPage"] == sorted([PAGE_CONTACT, PAGE_DETAIL])
    assert sorted(state.page_files) == sorted([PAGE_CONTACT, PAGE_DETAIL])
