"""The lost-update guard as one Tooling API query: guard.changed_since with a
fake REST answer and a fake listMetadata client, no org. It finds layouts and pages changed since the read,
and those deleted since."""

from datetime import UTC, datetime

import pytest

from email_privacy.errors import QueryRefused
from email_privacy.steps import guard
from email_privacy.steps.read import Document, OrgRead

A, B, C = "Contact-Contact Layout", "Lead-Lead %28Marketing%29 Layout", "Lead-Lead Layout"
READ = {
    A: datetime(2026, 11, 27, 7, 0, 0, 250000),
    B: datetime(2026, 11, 27, 7, 5, 9, 999000),
    C: datetime(2026, 1, 2, 3, 4, 5),
}  # naive UTC, as CumulusCI parses listMetadata's dates
IDS = {A: "00h000000000001AAA", B: "00h000000000002AAB", C: "00h000000000003AAC"}


def layout_read(**overrides):
    modified, ids = overrides.get("modified", READ), overrides.get("ids", IDS)
    read = OrgRead(objects=("Contact", "Lead"))
    for name in {**modified, **ids}:
        read.add_layout(name, b"", modified.get(name), ids.get(name))
    return read


class Client:
    """listMetadata only, counted; entries as read_org's target_layouts needs them."""

    def __init__(self, modified):
        self.modified, self.lists = modified, 0

    def list(self, type_name):
        self.lists += 1
        return [
            {"fullName": n, "fileName": f"layouts/{n}.layout", "lastModifiedDate": d, "namespacePrefix": ""}
            for n, d in self.modified.items()
        ]


class Tooling:
    """Answers the guard's query with `rows`, or refuses it; records what was asked."""

    def __init__(self, rows=(), refuse=None):
        self.rows, self.refuse, self.asked = list(rows), refuse, []

    def __call__(self, soql):
        self.asked.append(soql)
        if self.refuse:
            raise QueryRefused(self.refuse)
        return self.rows


def rest(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}+0000"


def unchanged(*members):
    return [{"Id": IDS[n], "LastModifiedDate": rest(READ[n])} for n in members]


def test_one_query_from_the_earliest_date_of_the_layouts_to_deploy_truncated_to_seconds():
    tooling, client = Tooling(unchanged(A, B)), Client(READ)
    assert guard.changed_since(client, layout_read(), [A, B], tooling_query=tooling) == guard.Moved()
    assert tooling.asked == ["SELECT Id, LastModifiedDate FROM Layout WHERE LastModifiedDate >= 2026-11-27T07:00:00Z"]
    assert client.lists == 0
    guard.changed_since(client, layout_read(), [B], tooling_query=tooling)
    assert tooling.asked[-1].endswith(">= 2026-11-27T07:05:09Z")  # C, read but not deployed, widens nothing


def test_a_layout_deleted_since_the_read_is_named_as_deleted():
    """A deleted layout sends no row; deploying our copy would re-create it."""
    moved = guard.changed_since(Client(READ), layout_read(), [A, B], tooling_query=Tooling(unchanged(B)))
    assert moved == guard.Moved(changed=[], deleted=[A]) and moved


def test_rows_with_the_read_dates_are_no_conflict_whatever_their_form_or_id_length():
    rows = [
        {"Id": IDS[B][:15], "LastModifiedDate": "2026-11-27T07:05:09.999+0000"},  # 15-char id, REST form
        {"Id": IDS[A], "LastModifiedDate": "2026-11-27T08:00:00.250+0100"},  # the same instant, another offset
        {"Id": "00h000000000099AAA", "LastModifiedDate": "2026-11-27T07:06:00.000+0000"},
    ]  # not ours
    assert not guard.changed_since(Client(READ), layout_read(), [A, B], tooling_query=Tooling(rows))


def test_a_moved_layout_is_named_and_only_it():
    rows = [
        {"Id": IDS[B], "LastModifiedDate": "2026-11-27T07:05:09.999+0000"},
        {"Id": IDS[A][:15], "LastModifiedDate": "2026-11-27T07:05:10.000+0000"},  # A saved by someone else
        {"Id": IDS[C], "LastModifiedDate": "2026-11-27T07:06:00.000+0000"},
    ]  # C moved but is not deployed
    assert guard.changed_since(Client(READ), layout_read(), [A, B], tooling_query=Tooling(rows)) == guard.Moved([A], [])


def test_a_move_within_the_same_second_still_counts():
    rows = [{"Id": IDS[B], "LastModifiedDate": "2026-11-27T07:05:09.999+0000"}]
    read = {**READ, B: datetime(2026, 11, 27, 7, 5, 9, 500000)}
    assert guard.changed_since(Client(READ), layout_read(modified=read), [B], tooling_query=Tooling(rows)).changed == [
        B
    ]


def test_refused_query_falls_back_to_list_metadata_and_warns_once():
    warnings = []
    moved = {**READ, C: datetime(2026, 11, 27, 9, 0)}
    client = Client(moved)
    got = guard.changed_since(
        client,
        layout_read(),
        [A, C],
        tooling_query=Tooling(refuse="INVALID_TYPE: sObject type 'Layout' is not supported"),
        warn=warnings.append,
    )
    assert got == guard.Moved([C], []) and client.lists == 1
    assert len(warnings) == 1 and "INVALID_TYPE" in warnings[0] and "listMetadata instead" in warnings[0]


def test_missing_id_or_date_falls_back_and_names_the_layout():
    warnings = []
    client = Client(READ)
    ids = {A: IDS[A]}  # the read gave no id for B
    assert not guard.changed_since(client, layout_read(ids=ids), [A, B], tooling_query=Tooling(), warn=warnings.append)
    assert client.lists == 1 and "Lead-Lead (Marketing) Layout" in warnings[0]


def test_list_metadata_guard_names_a_layout_that_is_gone():
    client = Client({A: READ[A]})
    assert guard.changed_since(client, layout_read(), [A, B]) == guard.Moved(changed=[], deleted=[B])


def test_nothing_to_check_asks_nothing():
    tooling, client = Tooling(), Client(READ)
    assert guard.changed_since(client, layout_read(), [], tooling_query=tooling) == guard.Moved()
    assert tooling.asked == [] and client.lists == 0


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-11-27T07:05:09.999+0000", datetime(2026, 11, 27, 7, 5, 9, 999000, UTC)),
        ("2026-11-27T07:05:09.000Z", datetime(2026, 11, 27, 7, 5, 9, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
    ],
)
def test_rest_datetimes_parsed_as_instants(value, expected):
    rows = [{"Id": IDS[A], "LastModifiedDate": value}]
    read = {A: expected.replace(tzinfo=None)} if expected else READ
    got = guard.tooling_moved(rows, IDS, read, [A])
    assert (
        got.changed == ([] if expected else [A]) and got.deleted == []
    )  # an unreadable date is treated as a change, never ignored


def test_a_whole_second_tooling_date_matches_a_read_within_that_second():
    # An org that answers REST dates at coarser precision than listMetadata must not stop every run.
    rows = [
        {"Id": IDS[A], "LastModifiedDate": "2026-11-27T07:00:00.000+0000"},
        {"Id": IDS[B], "LastModifiedDate": "2026-11-27T07:05:10.000+0000"},
    ]  # B: the next second, a change
    assert guard.changed_since(Client(READ), layout_read(), [A, B], tooling_query=Tooling(rows)) == guard.Moved([B], [])


P, Q = "Contact_Record_Page", "Lead_Record_Page"
PAGE_READ = {P: datetime(2026, 11, 27, 7, 0, 0, 250000), Q: datetime(2026, 11, 27, 7, 9, 0)}
PAGE_IDS = {P: "0M0000000000001AAA", Q: "0M0000000000002AAB"}


def page_read():
    read = OrgRead(objects=("Contact", "Lead"))
    for name, when in PAGE_READ.items():
        read.pages[name] = Document(name, b"", f"flexipages/{name}.flexipage", when, PAGE_IDS[name])
    return read


class PageLister:
    def __init__(self, modified):
        self.modified, self.lists = modified, []

    def list(self, type_name):
        self.lists.append(type_name)
        return [{"fullName": n, "lastModifiedDate": d} for n, d in self.modified.items()]


def test_pages_are_guarded_by_one_tooling_query_on_flexipage():
    rows = [
        {"Id": PAGE_IDS[Q][:15], "LastModifiedDate": "2026-11-27T07:09:00.000+0000"},
        {"Id": PAGE_IDS[P], "LastModifiedDate": "2026-11-27T07:10:00.000+0000"},  # saved by someone else
    ]
    tooling, client = Tooling(rows), PageLister(PAGE_READ)
    assert guard.pages_changed_since(client, page_read(), [P, Q], tooling_query=tooling) == guard.Moved([P], [])
    assert tooling.asked == [
        "SELECT Id, LastModifiedDate FROM FlexiPage WHERE LastModifiedDate >= 2026-11-27T07:00:00Z"
    ]
    assert client.lists == []
    assert not guard.pages_changed_since(client, page_read(), [], tooling_query=tooling)
    gone = guard.pages_changed_since(client, page_read(), [P, Q], tooling_query=Tooling(rows[:1]))
    assert gone == guard.Moved(changed=[], deleted=[P])  # P sends no row: deleted since the read


def test_pages_fall_back_to_list_metadata_when_the_query_is_refused():
    warned = []
    client = PageLister({P: PAGE_READ[P]})  # Q is gone from the org
    changed = guard.pages_changed_since(
        client, page_read(), [P, Q], tooling_query=Tooling(refuse="INVALID_TYPE"), warn=warned.append
    )
    assert changed == guard.Moved(changed=[], deleted=[Q]) and client.lists == ["FlexiPage"]
    assert "refused the Tooling API query on FlexiPage (INVALID_TYPE)" in warned[0]
