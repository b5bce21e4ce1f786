"""Aggregates with GROUP BY, their column metadata, date literals, FIELDS() and parent-to-child subqueries,
over a small in-memory source with a fixed clock."""

from datetime import UTC, datetime

import pytest

from localorg.models.schema import FIELDS, Visibility
from localorg.soql import SoqlError, Source, bulk_unsupported, columns, execute, parse

NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # a Wednesday


class Org(Source):
    """Two accounts, four contacts (three on Acme), fixed CreatedDate and Birthdate values."""

    time_zone = "Europe/London"

    def __init__(self):
        self.vis = Visibility()
        acme, zen = "001000000000001AAA", "001000000000002AAA"
        self.data = {
            "Account": [{"Id": acme, "Name": "Acme"}, {"Id": zen, "Name": "Zen"}],
            "Contact": [
                self.contact(1, "Lee", acme, "2026-12-02T09:00:00.000+0000", "web"),
                self.contact(2, "Ng", acme, "2026-12-01T23:59:59.000+0000", "Web"),
                self.contact(3, "Ode", acme, "2026-11-15T12:00:00.000+0000", None),
                self.contact(4, "Pim", None, "2025-06-01T12:00:00.000+0000", "Phone"),
            ],
        }

    @staticmethod
    def contact(n, last, account, created, source):
        return {"Id": f"00300000000000{n}AAA", "LastName": last, "AccountId": account, "CreatedDate": created,
                "Title": source, "Email": f"{last.lower()}@x.com"}  # fmt: skip

    def now(self):
        return NOW

    def canonical_object(self, obj):
        return next((o for o in self.data if o.lower() == obj.lower()), None)

    def fields(self, obj):
        return self.vis.field_map(obj) if obj in FIELDS else None

    def rows(self, obj, prefilter=None):
        return self.data[obj]

    def get(self, obj, record_id):
        return next((r for r in self.data[obj] if r["Id"] == record_id), None)

    def child_relationships(self, obj):
        return {"contacts": ("Contact", "AccountId", "Contacts")} if obj == "Account" else {}


def records(q):
    return execute(q, Org())["records"]


def test_count_alone_answers_the_total_and_no_records():
    assert execute("SELECT COUNT() FROM Contact WHERE AccountId != null", Org()) == {
        "totalSize": 3,
        "done": True,
        "records": [],
    }


def test_group_by_gives_one_aggregate_result_per_group_with_expr_names():
    got = records("SELECT Title, COUNT(Id), COUNT_DISTINCT(LastName) n FROM Contact GROUP BY Title ORDER BY Title")
    # Text groups ignore case, as Salesforce's do; nulls sort first ascending.
    assert got == [
        {"attributes": {"type": "AggregateResult"}, "Title": None, "expr0": 1, "n": 1},
        {"attributes": {"type": "AggregateResult"}, "Title": "Phone", "expr0": 1, "n": 1},
        {"attributes": {"type": "AggregateResult"}, "Title": "web", "expr0": 2, "n": 2},
    ]


def test_aggregates_without_group_by_answer_one_row():
    got = records("SELECT MIN(LastName), MAX(CreatedDate), COUNT(AccountId) FROM Contact WHERE LastName != 'Zed'")
    assert got == [
        {"attributes": {"type": "AggregateResult"}, "expr0": "Lee", "expr1": "2026-12-02T09:00:00.000+0000", "expr2": 3}
    ]
    assert records("SELECT COUNT(Id) FROM Contact WHERE LastName = 'Nobody'")[0]["expr0"] == 0


def test_order_by_an_aggregate_and_limit_apply_to_groups():
    got = records("SELECT AccountId, COUNT(Id) c FROM Contact GROUP BY AccountId ORDER BY COUNT(Id) DESC LIMIT 1")
    assert got == [{"attributes": {"type": "AggregateResult"}, "AccountId": "001000000000001AAA", "c": 3}]


def test_grouping_by_a_parent_field_names_it_by_its_own_name():
    got = records("SELECT Account.Name, COUNT(Id) FROM Contact WHERE AccountId != null GROUP BY Account.Name")
    assert got == [{"attributes": {"type": "AggregateResult"}, "Name": "Acme", "expr0": 3}]


@pytest.mark.parametrize(
    "q, code, words",
    [
        (
            "SELECT LastName, COUNT(Id) FROM Contact GROUP BY Title",
            "MALFORMED_QUERY",
            "grouped or aggregated: LastName",
        ),
        ("SELECT SUM(LastName) FROM Contact", "INVALID_FIELD", "does not support aggregate operator SUM"),
        ("SELECT CreatedDate, COUNT(Id) FROM Contact GROUP BY CreatedDate", "INVALID_FIELD", "can not be grouped"),
        (
            "SELECT Title, COUNT(Id) FROM Contact GROUP BY Title HAVING COUNT(Id) > 1",
            "NOT_MODELLED_BY_LOCAL_ORG",
            "HAVING",
        ),
        ("SELECT FIELDS(ALL) FROM Contact", "MALFORMED_QUERY", "must have a LIMIT of at most 200"),
        ("SELECT FIELDS(CUSTOM) FROM Contact LIMIT 201", "MALFORMED_QUERY", "must have a LIMIT of at most 200"),
        ("SELECT Id, FIELDS(STANDARD) FROM Contact", "INVALID_FIELD", "duplicate field selected: Id"),
        (
            "SELECT Id, (SELECT Id FROM Widgets) FROM Account",
            "INVALID_TYPE",
            "Didn't understand relationship 'Widgets'",
        ),
        ("SELECT Id FROM Contact WHERE LastName = TODAY", "INVALID_FIELD", "must be of type string"),
        ("SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS", "MALFORMED_QUERY", "unexpected token"),
        ("SELECT Id FROM Contact WHERE CreatedDate = TODAY:3", "MALFORMED_QUERY", "unexpected token"),
    ],
)
def test_refusals(q, code, words):
    with pytest.raises(SoqlError) as info:
        execute(q, Org())
    assert info.value.error_code == code and words in info.value.message


@pytest.mark.parametrize(
    "where, expected",
    [
        # London is on GMT in December, so days start at 00:00 UTC.
        ("CreatedDate = TODAY", ["Lee"]),
        ("CreatedDate = YESTERDAY", ["Ng"]),
        ("CreatedDate < TODAY", ["Ng", "Ode", "Pim"]),
        ("CreatedDate > YESTERDAY", ["Lee"]),
        ("CreatedDate = LAST_N_DAYS:1", ["Lee", "Ng"]),  # includes today
        ("CreatedDate = THIS_MONTH", ["Lee", "Ng"]),
        ("CreatedDate = LAST_MONTH", ["Ode"]),
        ("CreatedDate = THIS_WEEK", ["Lee", "Ng"]),  # weeks start on Monday (en_GB)
        ("CreatedDate = LAST_N_YEARS:1", ["Pim"]),
        ("CreatedDate != THIS_YEAR", ["Pim"]),
        ("CreatedDate IN (TODAY, LAST_MONTH)", ["Lee", "Ode"]),
        ("CreatedDate >= 2026-12-01T00:00:00Z AND CreatedDate < TOMORROW", ["Lee", "Ng"]),
    ],
)
def test_date_literals_are_ranges_of_days(where, expected):
    assert [r["LastName"] for r in records(f"SELECT LastName FROM Contact WHERE {where} ORDER BY LastName")] == expected


def test_fields_standard_selects_every_field_the_object_has():
    got = records("SELECT FIELDS(STANDARD) FROM Contact WHERE LastName = 'Lee'")[0]
    assert set(got) - {"attributes"} == {f.name for f in Visibility().fields("Contact")}
    assert got["Email"] == "lee@x.com"
    assert set(records("SELECT FIELDS(CUSTOM) FROM Contact LIMIT 1")[0]) == {"attributes"}  # no custom fields


def test_parent_to_child_subquery_nests_each_accounts_contacts():
    got = records("SELECT Name, (SELECT LastName FROM Contacts WHERE LastName != 'Ng' ORDER BY LastName) FROM Account")
    acme, zen = got
    assert [c["LastName"] for c in acme["Contacts"]["records"]] == ["Lee", "Ode"]
    assert acme["Contacts"]["totalSize"] == 2 and acme["Contacts"]["done"] is True
    assert acme["Contacts"]["records"][0]["attributes"]["type"] == "Contact"
    assert zen["Contacts"] is None  # no children: null, as Salesforce answers
    limited = records("SELECT Name, (SELECT Id FROM Contacts LIMIT 1) FROM Account WHERE Name = 'Acme'")
    assert limited[0]["Contacts"]["totalSize"] == 1  # a subquery's LIMIT is per parent


def test_columns_of_aggregates_and_subqueries():
    agg = columns("SELECT Title, COUNT(Id), MAX(LastName) latest FROM Contact GROUP BY Title", Org())
    assert agg["columnMetadata"] == [
        {"aggregate": False, "columnName": "Title", "displayName": "Title", "joinColumns": []},
        {"aggregate": True, "columnName": "expr0", "displayName": "COUNT(Id)", "joinColumns": []},
        {"aggregate": True, "columnName": "latest", "displayName": "latest", "joinColumns": []},
    ]
    sub = columns("SELECT Name, (SELECT LastName FROM Contacts) FROM Account", Org())["columnMetadata"]
    assert sub[1] == {
        "aggregate": True,
        "columnName": "Contacts",
        "displayName": "Contacts",
        "joinColumns": [{"aggregate": False, "columnName": "LastName", "displayName": "LastName", "joinColumns": []}],
    }


@pytest.mark.parametrize(
    "q, words",
    [
        ("SELECT TYPEOF What WHEN Account THEN Name END FROM Contact", "TYPEOF"),
        ("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)", "semi-join"),
        ("SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Contact GROUP BY CALENDAR_YEAR(CreatedDate)", "CALENDAR"),
        ("SELECT Id FROM Contact WHERE CALENDAR_YEAR(CreatedDate) = 2026", "CALENDAR_YEAR"),
        ("SELECT Title, COUNT(Id) FROM Contact GROUP BY ROLLUP(Title)", "ROLLUP"),
        ("SELECT Id FROM Contact WITH SECURITY_ENFORCED", "WITH"),
        ("SELECT Id FROM Contact LIMIT 1 FOR UPDATE", "FOR"),
        ("SELECT toLabel(Title) FROM Contact", "TOLABEL"),
    ],
)
def test_soql_salesforce_has_and_the_local_org_does_not_model_is_refused_as_such(q, words):
    with pytest.raises(SoqlError) as info:
        execute(q, Org())
    assert (info.value.error_code, info.value.status) == ("NOT_MODELLED_BY_LOCAL_ORG", 501)
    assert words in info.value.message and "not modelled by the local org" in info.value.message


@pytest.mark.parametrize(
    "q, unsupported",
    [
        ("SELECT COUNT(Id) FROM Contact", "Aggregate queries"),
        ("SELECT Title FROM Contact GROUP BY Title", "GROUP BY clauses"),
        ("SELECT Id FROM Contact LIMIT 5 OFFSET 5", "OFFSET clauses"),
        ("SELECT Name, (SELECT Id FROM Contacts) FROM Account", "Parent-to-child relationship queries"),
        ("SELECT Id, MailingAddress FROM Contact", "Compound address fields"),
        ("SELECT FIELDS(STANDARD) FROM Contact", "Compound address fields"),
        ("SELECT Id, MailingCity, Account.Name FROM Contact WHERE CreatedDate = TODAY", None),
    ],
)
def test_what_bulk_query_jobs_refuse(q, unsupported):
    assert bulk_unsupported(q, parse(q), Org()) == unsupported


def test_a_bulk_query_has_its_fields_function_expanded_for_the_csv_columns():
    q = "SELECT FIELDS(STANDARD) FROM Individual"
    query = parse(q)
    source = Org()
    source.vis = Visibility(consent=True)
    source.data["Individual"] = []
    assert bulk_unsupported(q, query, source) is None
    assert [p.text for p in query.select][:3] == ["Id", "Salutation", "FirstName"]
