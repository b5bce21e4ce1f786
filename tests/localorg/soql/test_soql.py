"""The SOQL subset: parser acceptance and refusals, and execution over a small in-memory source."""

import pytest

from localorg.models.schema import FIELDS, Field, Visibility
from localorg.soql import SoqlError, Source, execute, parse


class FakeSource(Source):
    """Contacts linked to Individuals, consent management on."""

    api_version = "63.0"

    def __init__(self):
        self.vis = Visibility(consent=True)
        self.prefilters = []
        self.data = {
            "Individual": [
                {
                    "Id": "0PK000000000001AAA",
                    "LastName": "Lee",
                    "HasOptedOutTracking": True,
                    "HasOptedOutProcessing": False,
                }
            ],
            "Contact": [
                {
                    "Id": "003000000000001AAA",
                    "FirstName": "Ann",
                    "LastName": "O'Neil",
                    "Email": "ann@x.com",
                    "IndividualId": "0PK000000000001AAA",
                    "HasOptedOutOfEmail": False,
                },
                {
                    "Id": "003000000000002AAA",
                    "FirstName": "Bob",
                    "LastName": "Lee",
                    "Email": "BOB@x.com",
                    "IndividualId": None,
                    "HasOptedOutOfEmail": True,
                },
                {
                    "Id": "003000000000003AAA",
                    "FirstName": None,
                    "LastName": "Zed",
                    "Email": None,
                    "IndividualId": None,
                    "HasOptedOutOfEmail": False,
                },
            ],
        }

    def canonical_object(self, obj):
        return next((o for o in self.data if o.lower() == obj.lower()), None)

    def fields(self, obj):
        return self.vis.field_map(obj) if obj in FIELDS else None

    def rows(self, obj, prefilter=None):
        self.prefilters.append(prefilter)
        return self.data[obj]

    def get(self, obj, record_id):
        return next((r for r in self.data[obj] if r["Id"] == record_id), None)


def ids(result):
    return [r["Id"][:15] for r in result["records"]]


@pytest.mark.parametrize(
    "q, expected",
    [
        ("SELECT Id FROM Contact", ["003000000000001", "003000000000002", "003000000000003"]),
        ("select id from contact where email = 'bob@X.com'", ["003000000000002"]),
        ("SELECT Id FROM Contact WHERE Email IN ('ann@x.com', 'nobody@x.com')", ["003000000000001"]),
        ("SELECT Id FROM Contact WHERE Email NOT IN ('ann@x.com')", ["003000000000002", "003000000000003"]),
        ("SELECT Id FROM Contact WHERE Email = null", ["003000000000003"]),
        ("SELECT Id FROM Contact WHERE Email != null AND HasOptedOutOfEmail = false", ["003000000000001"]),
        (
            "SELECT Id FROM Contact WHERE (Email LIKE 'a%' OR LastName = 'Zed') AND Id != null",
            ["003000000000001", "003000000000003"],
        ),
        ("SELECT Id FROM Contact WHERE NOT (LastName LIKE '%EE%')", ["003000000000001", "003000000000003"]),
        ("SELECT Id FROM Contact WHERE FirstName LIKE '_nn'", ["003000000000001"]),
        ("SELECT Id FROM Contact WHERE LastName = 'O\\'Neil'", ["003000000000001"]),
        ("SELECT Id FROM Contact WHERE Individual.HasOptedOutTracking = true", ["003000000000001"]),
        ("SELECT Id FROM Contact ORDER BY FirstName DESC NULLS LAST LIMIT 2", ["003000000000002", "003000000000001"]),
        ("SELECT Id FROM Contact ORDER BY FirstName LIMIT 1", ["003000000000003"]),  # ASC: nulls first
        ("SELECT Id FROM Contact ORDER BY LastName LIMIT 1 OFFSET 1", ["003000000000001"]),
    ],
)
def test_queries_select_the_right_rows(q, expected):
    assert ids(execute(q, FakeSource())) == expected


def test_parent_relationship_fields_are_nested_like_salesforce():
    result = execute(
        "SELECT Id, Individual.HasOptedOutTracking, IndividualId FROM Contact ORDER BY FirstName NULLS LAST LIMIT 2",
        FakeSource(),
    )
    first, second = result["records"]
    assert first["Individual"]["HasOptedOutTracking"] is True
    assert first["Individual"]["attributes"]["type"] == "Individual"
    assert second["Individual"] is None
    assert first["attributes"] == {"type": "Contact", "url": "/services/data/v63.0/sobjects/Contact/003000000000001AAA"}


def test_count_forms():
    assert execute("SELECT COUNT() FROM Contact WHERE HasOptedOutOfEmail = false", FakeSource()) == {
        "totalSize": 2,
        "done": True,
        "records": [],
    }
    agg = execute("SELECT COUNT(Email) n FROM Contact", FakeSource())
    assert agg["records"] == [{"attributes": {"type": "AggregateResult"}, "n": 2}]


@pytest.mark.parametrize(
    "q, code, words",
    [
        ("SELECT FROM Contact", "MALFORMED_QUERY", "unexpected token: 'FROM'"),
        ("SELECT Id FROM", "MALFORMED_QUERY", "<EOF>"),
        ("SELECT Id FROM Contact WHERE Email = 'x' AND LastName = 'y' OR Id = null", "MALFORMED_QUERY", "'OR'"),
        ("SELECT Id FROM Contact WHERE Email = 'unterminated", "MALFORMED_QUERY", "unterminated string"),
        ("SELECT Id FROM Contact WHERE Email = 'bad \\q escape'", "MALFORMED_QUERY", "Illegal character sequence"),
        ("SELECT Id FROM Contact GROUP BY Email", "MALFORMED_QUERY", "Field must be grouped or aggregated: Id"),
        ("SELECT Id FROM Contact LIMIT -1", "MALFORMED_QUERY", "unexpected token"),
        ("SELECT Id, COUNT() FROM Contact", "MALFORMED_QUERY", "grouped or aggregated"),
        ("SELECT Id FROM Contact WHERE Email = 'a' ;", "MALFORMED_QUERY", "';'"),
        ("SELECT Account.Owner.Name FROM Contact", "MALFORMED_QUERY", "one level"),
        ("", "MALFORMED_QUERY", "No query"),
        ("SELECT Foo FROM Contact", "INVALID_FIELD", "No such column 'Foo' on entity 'Contact'"),
        ("SELECT Id FROM Contact WHERE Bogus.Name = 'x'", "INVALID_FIELD", "Didn't understand relationship 'Bogus'"),
        ("SELECT Individual.Nope FROM Contact", "INVALID_FIELD", "No such column 'Individual.Nope'"),
        ("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'", "INVALID_FIELD", "must be of type boolean"),
        ("SELECT Id FROM Contact WHERE Email = true", "INVALID_FIELD", "should be enclosed in quotes"),
        ("SELECT Id FROM Widget__c", "INVALID_TYPE", "sObject type 'Widget__c' is not supported"),
    ],
)
def test_refusals_have_salesforce_error_codes(q, code, words):
    assert_refused(q, FakeSource(), code, words)


def assert_refused(q, source, code, words):
    with pytest.raises(SoqlError) as info:
        execute(q, source)
    assert info.value.error_code == code
    assert words in info.value.message


def test_malformed_message_points_at_the_column():
    with pytest.raises(SoqlError) as info:
        parse("SELECT Id FROM Contact WHERE")
    assert "ERROR at Row:1:Column:29" in info.value.message


def test_top_level_equality_is_offered_to_the_source_as_a_prefilter():
    src = FakeSource()
    execute("SELECT Id FROM Contact WHERE email IN ('a', 'b') AND HasOptedOutOfEmail = false", src)
    execute("SELECT Id FROM Contact WHERE Email = 'a' OR LastName = 'b'", src)
    execute("SELECT Id FROM Contact WHERE Individual.LastName = 'Lee'", src)
    assert src.prefilters == [("Email", ["a", "b"]), None, None]


class DatedSource(Source):
    """Rows with a datetime field in the forms Salesforce writes: REST's +0000 and the Metadata API's Z."""

    api_version = "63.0"
    FIELDS = {
        "id": Field("Id", "id"),
        "name": Field("Name", "string"),
        "lastmodifieddate": Field("LastModifiedDate", "datetime"),
    }
    ROWS = [
        {"Id": "00h000000000001AAA", "Name": "a", "LastModifiedDate": "2026-11-27T06:59:59.999+0000"},
        {"Id": "00h000000000002AAA", "Name": "b", "LastModifiedDate": "2026-11-27T07:00:00.000+0000"},
        {"Id": "00h000000000003AAA", "Name": "c", "LastModifiedDate": "2026-11-27T07:00:00.001Z"},
        {"Id": "00h000000000004AAA", "Name": "d", "LastModifiedDate": None},
    ]

    def canonical_object(self, obj):
        return "Layout" if obj.lower() == "layout" else None

    def fields(self, obj):
        return self.FIELDS

    def rows(self, obj, prefilter=None):
        return self.ROWS

    def get(self, obj, record_id):
        return None


@pytest.mark.parametrize(
    "where, expected",
    [
        ("LastModifiedDate >= 2026-11-27T07:00:00Z", "bc"),
        ("LastModifiedDate > 2026-11-27T07:00:00Z", "c"),
        ("LastModifiedDate < 2026-11-27T07:00:00Z", "a"),
        ("LastModifiedDate <= 2026-11-27T07:00:00.000Z", "ab"),
        ("LastModifiedDate = 2026-11-27T08:00:00+01:00", "b"),  # the same instant, another offset
        ("LastModifiedDate != 2026-11-27T07:00:00Z", "acd"),
        ("LastModifiedDate = null", "d"),
        ("LastModifiedDate IN (2026-11-27T07:00:00Z, 2026-11-27T07:00:00.001Z)", "bc"),
        ("LastModifiedDate > 2026-11-27T06:00:00-01:00", "c"),  # 07:00 UTC
    ],
)
def test_datetime_literals_compare_as_instants(where, expected):
    result = execute(f"SELECT Id, Name FROM Layout WHERE {where} ORDER BY Name", DatedSource())
    assert "".join(r["Name"] for r in result["records"]) == expected


@pytest.mark.parametrize(
    "q, code, words",
    [
        (
            "SELECT Id FROM Layout WHERE LastModifiedDate >= '2026-11-27T07:00:00Z'",
            "INVALID_FIELD",
            "must be of type dateTime and should not be enclosed in quotes",
        ),
        (
            "SELECT Id FROM Layout WHERE Name = 2026-11-27T07:00:00Z",
            "INVALID_FIELD",
            "must be of type string and should be enclosed in quotes",
        ),
        ("SELECT Id FROM Layout WHERE LastModifiedDate >= 2026-11-27T25:00:00Z", "MALFORMED_QUERY", "2026-11-27T25"),
        (
            "SELECT Id FROM Layout WHERE LastModifiedDate >= 2026-11-27",
            "INVALID_FIELD",
            "must be of type dateTime and should not be enclosed in quotes",
        ),
        ("SELECT Id FROM Layout WHERE LastModifiedDate >= 2026-11-27T07:00:00", "MALFORMED_QUERY", "unexpected token"),
    ],
)
def test_datetime_literal_refusals(q, code, words):
    assert_refused(q, DatedSource(), code, words)
