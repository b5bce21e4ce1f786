"""Record counts, SOSL search, sObject Tree, the front-door URL, and the refusals of what a real org serves and
the local org does not model: handlers called without sockets on a real LocalOrg, each checked against its records.
"""

import json

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

from localorg import inprocess
from localorg.http import Request
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg, SeedOptions
from localorg.server import Router, dispatch
from localorg.urls import ROUTES
from tests.localorg.responses.test_rest import call

V = "/services/data/v63.0"
NOT_MODELLED = "NOT_MODELLED_BY_LOCAL_ORG"


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """One org for the tests that only read (3 Contacts, 2 Leads)."""
    o = LocalOrg(tmp_path_factory.mktemp("resources") / "org", OrgIdentity(), seed=SeedOptions(contacts=3, leads=2))
    o.base_url = "https://127.0.0.1:4443"
    yield o
    o.close()


@pytest.fixture
def fresh(tmp_path):
    o = LocalOrg(tmp_path / "org", OrgIdentity(), seed=SeedOptions(contacts=1))
    o.base_url = "https://127.0.0.1:4443"
    yield o
    o.close()


def sql(org, query: str):
    return [tuple(row) for row in org.records.db.execute(query).fetchall()]


# -- limits/recordCount ----------------------------------------------------------------------------


def test_record_count_counts_the_orgs_records(org):
    status, reply = call(org, "GET", V + "/limits/recordCount", sObjects="Contact,Lead,Widget")
    assert status == 200
    assert reply == {
        "sObjects": [
            {"count": sql(org, 'SELECT COUNT(*) FROM "Contact"')[0][0], "name": "Contact"},
            {"count": sql(org, 'SELECT COUNT(*) FROM "Lead"')[0][0], "name": "Lead"},
        ]
    }
    assert reply["sObjects"][0]["count"] == 3
    # Without sObjects: every object the org has now (Individual only once Data Protection is on).
    names = {entry["name"] for entry in call(org, "GET", V + "/limits/recordCount")[1]["sObjects"]}
    assert {"Account", "Contact", "Lead", "User"} <= names and "Individual" not in names


# -- search ----------------------------------------------------------------------------------------


def test_search_finds_records_by_their_text_fields(org):
    first = sql(org, 'SELECT Id, FirstName, LastName, Email FROM "Contact" ORDER BY rowid')[0]
    status, reply = call(org, "GET", V + "/search", q=f"FIND {{{first[1]}}} RETURNING Contact(Name, Email), Lead")
    assert status == 200
    contacts = [r for r in reply["searchRecords"] if r["attributes"]["type"] == "Contact"]
    assert contacts == [
        {
            "attributes": {"type": "Contact", "url": f"{V}/sobjects/Contact/{first[0]}"},
            "Name": f"{first[1]} {first[2]}",
            "Email": first[3],
        }
    ]
    leads = [r for r in reply["searchRecords"] if r["attributes"]["type"] == "Lead"]
    expected_leads = sql(org, f"SELECT Id FROM \"Lead\" WHERE FirstName = '{first[1]}' OR LastName = '{first[1]}'")
    assert [r["Id"] for r in leads] == [row[0] for row in expected_leads]
    # An email address is several words in a row; EMAIL FIELDS searches email fields only.
    by_email = call(org, "GET", V + "/search", q=f"FIND {{{first[3]}}} IN EMAIL FIELDS RETURNING Contact(Id)")[1]
    assert [r["Id"] for r in by_email["searchRecords"]] == [first[0]]
    assert call(org, "GET", V + "/search", q=f"FIND {{{first[3]}}} IN PHONE FIELDS RETURNING Contact")[1] == {
        "searchRecords": []
    }


def test_search_terms_wildcards_operators_where_and_limit(org):
    contacts = sql(org, 'SELECT Id, FirstName, LastName FROM "Contact" ORDER BY rowid')
    a, b = contacts[0], contacts[1]

    def ids(q):
        status, reply = call(org, "GET", V + "/search", q=q)
        assert status == 200, reply
        return [r["Id"] for r in reply["searchRecords"]]

    assert ids(f"FIND {{{a[1][:3]}*}} RETURNING Contact(Id)") == [r[0] for r in contacts if r[1].startswith(a[1][:3])]
    assert set(ids(f"FIND {{{a[1]} OR {b[1]}}} RETURNING Contact(Id)")) >= {a[0], b[0]}
    assert ids(f"FIND {{{a[1]} AND NOT {a[2]}}} RETURNING Contact(Id)") == [
        r[0] for r in contacts if r[1] == a[1] and r[2] != a[2]
    ]
    assert ids(f'FIND {{"{a[1]} {a[2]}"}} RETURNING Contact(Id)') == [
        r[0] for r in contacts if (r[1], r[2]) == (a[1], a[2])
    ]
    assert ids(f"FIND {{{a[1]} OR {b[1]}}} RETURNING Contact(Id WHERE Id = '{b[0]}')") == [b[0]]
    assert len(ids(f"FIND {{{a[1]} OR {b[1]}}} RETURNING Contact(Id ORDER BY LastName DESC LIMIT 1)")) == 1
    # Without RETURNING: every object, Id only.
    everything = call(org, "GET", V + "/search", q=f"FIND {{{a[1]}}}")[1]["searchRecords"]
    assert {a[0]} <= {r["Id"] for r in everything} and all(set(r) == {"attributes", "Id"} for r in everything)


@pytest.mark.parametrize(
    "q, code",
    [
        ("SELECT Id FROM Contact", "MALFORMED_SEARCH"),
        ("FIND {a}", "MALFORMED_SEARCH"),
        ("FIND {ava", "MALFORMED_SEARCH"),
        ("FIND {ava} IN BODY FIELDS", "MALFORMED_SEARCH"),
        ("FIND {ava} RETURNING Widget", "INVALID_TYPE"),
    ],
)
def test_a_bad_search_gets_one_error_naming_the_problem(org, q, code):
    status, reply = call(org, "GET", V + "/search", q=q)
    assert status == 400 and reply[0]["errorCode"] == code and "\n" not in reply[0]["message"]


# -- composite/tree --------------------------------------------------------------------------------


def tree_body(email="grace@acme.example"):
    return {
        "records": [
            {
                "attributes": {"type": "Account", "referenceId": "acme"},
                "Name": "Acme",
                "Contacts": {
                    "records": [
                        {"attributes": {"type": "Contact", "referenceId": "ada"}, "LastName": "Lovelace"},
                        {
                            "attributes": {"type": "Contact", "referenceId": "grace"},
                            "LastName": "Hopper",
                            "Email": email,
                        },
                    ]
                },
            },
            {"attributes": {"type": "Account", "referenceId": "globex"}, "Name": "Globex"},
        ]
    }


def test_tree_creates_records_with_their_children_looking_up_the_parent(fresh):
    status, reply = call(fresh, "POST", V + "/composite/tree/Account", tree_body())
    assert status == 201 and reply["hasErrors"] is False
    ids = {r["referenceId"]: r["id"] for r in reply["results"]}
    assert set(ids) == {"acme", "ada", "grace", "globex"}
    assert sql(fresh, "SELECT Id, Name FROM \"Account\" WHERE Name IN ('Acme', 'Globex') ORDER BY Name") == [
        (ids["acme"], "Acme"),
        (ids["globex"], "Globex"),
    ]
    assert sql(fresh, "SELECT Id, AccountId FROM \"Contact\" WHERE LastName IN ('Lovelace', 'Hopper') ORDER BY Id") == [
        (ids["ada"], ids["acme"]),
        (ids["grace"], ids["acme"]),
    ]


def test_a_tree_with_one_bad_record_creates_nothing(fresh):
    before = sql(fresh, 'SELECT COUNT(*) FROM "Account"')[0][0], sql(fresh, 'SELECT COUNT(*) FROM "Contact"')[0][0]
    body = tree_body()
    body["records"][0]["Contacts"]["records"][1]["NoSuchField__c"] = "x"
    status, reply = call(fresh, "POST", V + "/composite/tree/Account", body)
    assert status == 400 and reply["hasErrors"] is True
    assert reply["results"] == [
        {
            "referenceId": "grace",
            "errors": [
                {
                    "statusCode": "INVALID_FIELD",
                    "message": "No such column 'NoSuchField__c' on sobject of type Contact",
                    "fields": ["NoSuchField__c"],
                }
            ],
        }
    ]
    after = sql(fresh, 'SELECT COUNT(*) FROM "Account"')[0][0], sql(fresh, 'SELECT COUNT(*) FROM "Contact"')[0][0]
    assert after == before


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda b: b["records"][1]["attributes"].pop("referenceId"), "reference ID"),
        (lambda b: b["records"][1]["attributes"].update(referenceId="acme"), "Duplicate ReferenceId"),
        (lambda b: b["records"][0].update(Opportunities={"records": []}), "Opportunities"),
        (lambda b: b["records"][1]["attributes"].update(type="Lead"), "not a Account"),
    ],
)
def test_a_malformed_tree_is_refused_whole(fresh, change, words):
    body = tree_body()
    change(body)
    status, reply = call(fresh, "POST", V + "/composite/tree/Account", body)
    assert status == 400 and words in reply[0]["message"]
    assert sql(fresh, "SELECT COUNT(*) FROM \"Account\" WHERE Name IN ('Acme', 'Globex')")[0][0] == 0


# -- the front-door URL ----------------------------------------------------------------------------


def test_single_access_gives_a_one_time_front_door_url(fresh):
    status, reply = call(fresh, "GET", "/services/oauth2/singleaccess", redirect_uri="/lightning/setup/home")
    assert status == 200
    uri = reply["frontdoor_uri"]
    assert uri.startswith("https://127.0.0.1:4443/secur/frontdoor.jsp?otp=") and "retURL=%2Flightning" in uri
    otp = uri.split("otp=")[1].split("&")[0]
    assert fresh.single_access_codes == {otp}
    first = dispatch(fresh, Router(ROUTES), Request("GET", "/secur/frontdoor.jsp", {"otp": [otp]}))
    assert first.status == 501 and json.loads(first.body)[0]["errorCode"] == NOT_MODELLED
    again = dispatch(fresh, Router(ROUTES), Request("GET", "/secur/frontdoor.jsp", {"otp": [otp]}))
    assert again.status == 302 and again.headers["Location"] == "https://127.0.0.1:4443/"


# -- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path, words",
    [
        ("GET", V + "/sobjects/Contact/listviews", "sobjects/Contact/listviews"),
        ("GET", V + "/sobjects/Contact/describe/layouts", "sobjects/Contact/describe/layouts"),
        ("GET", V + "/sobjects/Account/quickActions", "sobjects/Account/quickActions"),
        ("GET", V + "/ui-api/record-ui/001000000000001AAA", "ui-api/record-ui"),
        ("POST", V + "/composite/graph", "composite/graph"),
        ("GET", V + "/tooling/sobjects/ApexClass/describe", "ApexClass"),
        ("GET", V + "/recent", "recent"),
        ("POST", V + "/actions/standard/emailSimple", "actions/standard/emailSimple"),
        ("GET", "/services/apexrest/MyService", "Apex REST"),
    ],
)
def test_what_a_real_org_serves_and_the_local_org_does_not_is_refused_as_not_modelled(org, method, path, words):
    reply = dispatch(
        org, Router(ROUTES), Request(method, path, {}, {"authorization": "Bearer " + org.sessions.issue()})
    )
    assert reply.status == 501, reply.body
    body = json.loads(reply.body)[0]
    assert body["errorCode"] == NOT_MODELLED and words in body["message"]


def test_a_path_no_real_org_serves_is_still_not_found_and_an_unknown_object_too(org):
    token = {"authorization": "Bearer " + org.sessions.issue()}
    for path in (V + "/nothing/here", V + "/sobjects/Widget/listviews", V + "/tooling/sobjects/SourceMember/describe"):
        assert dispatch(org, Router(ROUTES), Request("GET", path, {}, token)).status == 404, path


def test_apex_and_soap_logins_are_refused_in_a_soap_fault_without_a_session_error(org):
    apex = dispatch(
        org,
        Router(ROUTES),
        Request("POST", "/services/Soap/s/63.0", {}, {}, b"<Envelope><sessionId>x</sessionId></Envelope>"),
    )
    assert b"<faultcode>sf:INVALID_SESSION_ID</faultcode>" in apex.body  # Apex still needs a session
    body = f"<Envelope><Header><sessionId>{org.sessions.issue()}</sessionId></Header></Envelope>".encode()
    apex = dispatch(org, Router(ROUTES), Request("POST", "/services/Soap/s/63.0/00D", {}, {}, body))
    assert apex.status == 501 and b"<faultcode>sf:NOT_MODELLED_BY_LOCAL_ORG</faultcode>" in apex.body
    assert b"Apex" in apex.body
    login = b"<Envelope><Body><login><username>u</username><password>p</password></login></Body></Envelope>"
    for api in ("u", "c"):
        reply = dispatch(org, Router(ROUTES), Request("POST", f"/services/Soap/{api}/63.0", {}, {}, login))
        assert reply.status == 501 and b"NOT_MODELLED_BY_LOCAL_ORG" in reply.body and b"OAuth" in reply.body


@pytest.mark.parametrize("path", ["/", "/lightning/page/home", "/services/oauth2/revoke"])
def test_pages_and_oauth_endpoints_without_a_bearer_token_are_refused_not_401(org, path):
    reply = dispatch(org, Router(ROUTES), Request("GET", path))
    assert reply.status == 501 and json.loads(reply.body)[0]["errorCode"] == NOT_MODELLED


def test_simple_salesforce_password_login_hears_not_modelled(tmp_path):
    # simple_salesforce logs in with a username and password over the partner API's SOAP login at
    # login.salesforce.com: the in-process org answers that host here.
    with inprocess.serve(tmp_path / "org", host="login.salesforce.com"):
        with pytest.raises(SalesforceAuthenticationFailed) as info:
            Salesforce(username="admin@example.com", password="secret", security_token="token")
    assert info.value.code == NOT_MODELLED and "log in with OAuth" in str(info.value)
