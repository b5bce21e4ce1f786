"""REST handlers of the local org, called without sockets: Request in, Response out, on a real LocalOrg."""

import json
from urllib.parse import urlencode

import pytest

from localorg.http import Request
from localorg.models import layout_names as rest_names
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg, SeedOptions
from localorg.models.org_settings import OrgSettings


@pytest.fixture
def make_org(tmp_path):
    made = []

    def make(consent=False, seed=None, **profile):
        org = LocalOrg(
            tmp_path / f"org{len(made)}", OrgIdentity(**profile), seed=seed or SeedOptions(contacts=5, leads=3)
        )
        org.base_url = "https://127.0.0.1:4443"
        if consent:  # as if PartyDataModelSettings.enableConsentManagement had been deployed
            org.metadata.settings_value = lambda t, f: (t, f) == ("PartyDataModelSettings", "enableConsentManagement")
        made.append(org)
        return org

    yield make
    for org in made:
        org.close()


def call(org, method, path, body=None, **query):
    """Route and run one request the way the server does after its session check."""
    from localorg.server import Router, answer
    from localorg.urls import ROUTES

    data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
    handler, groups = Router(ROUTES).match(method, path)
    assert handler, f"no route for {method} {path}"
    resp = answer(org, handler, Request(method, path, {k: [v] for k, v in query.items()}, {}, data), groups)
    return resp.status, (json.loads(resp.body) if resp.body else None)


def token_form(**fields):
    return urlencode(fields).encode()


def test_refresh_token_grant_issues_a_session_and_a_wrong_one_is_refused(make_org):
    org = make_org()
    status, reply = call(
        org,
        "POST",
        "/services/oauth2/token",
        token_form(grant_type="refresh_token", refresh_token=org.sessions.refresh_token, client_id="x"),
    )
    assert status == 200
    assert set(reply) >= {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}
    assert reply["instance_url"] == "https://127.0.0.1:4443"
    assert reply["id"] == f"https://127.0.0.1:4443/id/{org.identity.org_id}/{org.identity.user_id}"
    assert org.sessions.valid(reply["access_token"])
    status, reply = call(
        org, "POST", "/services/oauth2/token", token_form(grant_type="refresh_token", refresh_token="nope")
    )
    assert (status, reply["error"]) == (400, "invalid_grant")


def test_unknown_grant_types_are_refused(make_org):
    org = make_org()
    reply = call(org, "POST", "/services/oauth2/token", token_form(grant_type="password"))
    assert reply == (400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})


def test_versions_end_at_63_and_identity_matches_profile(make_org):
    org = make_org()
    status, versions = call(org, "GET", "/services/data")
    assert versions[-1] == {"label": "Spring '25", "url": "/services/data/v63.0", "version": "63.0"}
    assert versions[-3]["label"] == "Summer '24" and versions[-4]["label"] == "Spring '24"
    status, info = call(org, "GET", "/services/oauth2/userinfo")
    assert info["organization_id"] == org.identity.org_id and info["preferred_username"] == org.identity.username
    assert call(org, "GET", f"/id/{org.identity.org_id}/{org.identity.user_id}")[1]["user_id"] == org.identity.user_id
    assert call(org, "GET", "/services/data/v99.0/")[0] == 404


def test_organization_record_reflects_the_profile(make_org):
    org = make_org(edition="Enterprise Edition", is_sandbox=True)
    status, rec = call(org, "GET", f"/services/data/v63.0/sobjects/Organization/{org.identity.org_id}")
    assert status == 200
    assert (rec["OrganizationType"], rec["IsSandbox"], rec["NamespacePrefix"], rec["TrialExpirationDate"]) == (
        "Enterprise Edition",
        True,
        None,
        None,
    )
    assert rec["InstanceName"] == "LOCAL1"


def field_names(org, obj):
    status, d = call(org, "GET", f"/services/data/v63.0/sobjects/{obj}/describe")
    return status, {f["name"]: f for f in d["fields"]} if status == 200 else d


def test_describes_follow_consent_management_and_person_accounts(make_org):
    plain = make_org()
    assert "IndividualId" not in field_names(plain, "Contact")[1]
    assert "IsPersonAccount" not in field_names(plain, "Account")[1]
    status, body = field_names(plain, "Individual")
    assert status == 404 and body[0]["errorCode"] == "NOT_FOUND"
    assert "Individual" not in [o["name"] for o in call(plain, "GET", "/services/data/v63.0/sobjects")[1]["sobjects"]]

    full = make_org(consent=True, person_accounts=True)
    for obj, name in (("Contact", "IndividualId"), ("Lead", "IndividualId"), ("Account", "PersonIndividualId")):
        f = field_names(full, obj)[1][name]
        assert f["referenceTo"] == ["Individual"] and f["updateable"], (obj, f)
    account = field_names(full, "Account")[1]
    assert {"IsPersonAccount", "PersonEmail", "PersonHasOptedOutOfEmail"} <= set(account)
    assert {"HasOptedOutTracking", "HasOptedOutProcessing", "LastName"} <= set(field_names(full, "Individual")[1])
    # person accounts without consent management: the person fields, but no PersonIndividualId
    pa_only = make_org(person_accounts=True)
    assert "PersonIndividualId" not in field_names(pa_only, "Account")[1]
    assert "PersonEmail" in field_names(pa_only, "Account")[1]
    assert call(full, "GET", "/services/data/v63.0/sobjects/Widget/describe")[0] == 404


def query(org, q, path="/services/data/v63.0/query"):
    return call(org, "GET", path, q=q)


def test_permission_and_organization_queries(make_org):
    org = make_org(customize_application=False)
    status, res = query(
        org,
        "SELECT PermissionsCustomizeApplication, PermissionsModifyAllData, PermissionsApiEnabled "
        "FROM UserPermissionAccess",
    )
    assert status == 200
    assert res["records"][0]["PermissionsCustomizeApplication"] is False
    assert res["records"][0]["PermissionsApiEnabled"] is True
    assert (
        query(org, "SELECT PreferencesConsentManagementEnabled FROM Organization")[1]["records"][0][
            "PreferencesConsentManagementEnabled"
        ]
        is False
    )
    on = make_org(consent=True)
    assert (
        query(on, "SELECT PreferencesConsentManagementEnabled FROM Organization")[1]["records"][0][
            "PreferencesConsentManagementEnabled"
        ]
        is True
    )
    assert query(on, "SELECT Id FROM Organization", "/services/data/v63.0/tooling/query")[0] == 200


def test_query_errors_are_400_with_salesforce_codes(make_org):
    org = make_org()
    for q, code in (
        ("SELEKT Id FROM Contact", "MALFORMED_QUERY"),
        ("SELECT Nope FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Individual", "INVALID_TYPE"),
        ("SELECT IndividualId FROM Contact", "INVALID_FIELD"),
    ):
        status, body = query(org, q)
        assert status == 400 and body[0]["errorCode"] == code, (q, body)
    assert call(org, "GET", "/services/data/v63.0/query")[0] == 400


def test_large_results_are_paged_by_2000(make_org):
    org = make_org(seed=SeedOptions(contacts=4500))
    status, page = query(org, "SELECT Id, Email FROM Contact")
    assert (page["totalSize"], page["done"], len(page["records"])) == (4500, False, 2000)
    seen = [r["Id"] for r in page["records"]]
    while not page["done"]:
        status, page = call(org, "GET", page["nextRecordsUrl"])
        assert status == 200
        seen += [r["Id"] for r in page["records"]]
    assert len(seen) == len(set(seen)) == 4500
    assert (
        call(org, "GET", "/services/data/v63.0/query/01g000000000999-2000")[1][0]["errorCode"]
        == "INVALID_QUERY_LOCATOR"
    )


def test_query_page_size_is_the_orgs_setting(make_org):
    org = make_org(seed=SeedOptions(contacts=15))
    org.settings = OrgSettings(query_page_size=7)
    pages = [query(org, "SELECT Id FROM Contact")[1]]
    while not pages[-1]["done"]:
        pages.append(call(org, "GET", pages[-1]["nextRecordsUrl"])[1])
    assert [len(p["records"]) for p in pages] == [7, 7, 1]
    assert pages[0]["nextRecordsUrl"].endswith("-7") and pages[1]["nextRecordsUrl"].endswith("-14")


def test_seeded_people_are_deterministic_and_realistic(make_org):
    a = make_org(seed=SeedOptions(contacts=50, leads=20, person_accounts_count=10), person_accounts=True)
    b = make_org(seed=SeedOptions(contacts=50, leads=20, person_accounts_count=10), person_accounts=True)
    q = "SELECT FirstName, LastName, Email FROM Contact ORDER BY Email"
    rows = [(r["FirstName"], r["LastName"], r["Email"]) for r in query(a, q)[1]["records"]]
    assert rows == [(r["FirstName"], r["LastName"], r["Email"]) for r in query(b, q)[1]["records"]]
    assert len({r[2] for r in rows}) == 50 and all("@example.com" in r[2] for r in rows)
    assert query(a, "SELECT COUNT() FROM Lead")[1]["totalSize"] == 20
    assert query(a, "SELECT COUNT() FROM Account WHERE IsPersonAccount = true")[1]["totalSize"] == 10


def test_record_create_read_update_and_individual_links(make_org):
    org = make_org(consent=True)
    status, body = call(org, "POST", "/services/data/v63.0/sobjects/Individual", {"FirstName": "Ann"})
    assert status == 400 and body[0]["errorCode"] == "REQUIRED_FIELD_MISSING" and body[0]["fields"] == ["LastName"]
    status, body = call(
        org, "POST", "/services/data/v63.0/sobjects/Individual", {"FirstName": "Ann", "LastName": "Lee"}
    )
    assert status == 201 and body["success"]
    ind = body["id"]
    contact = query(org, "SELECT Id, HasOptedOutOfEmail FROM Contact LIMIT 1")[1]["records"][0]
    status, _ = call(org, "PATCH", f"/services/data/v63.0/sobjects/Contact/{contact['Id']}", {"IndividualId": ind})
    assert status == 204
    status, got = call(
        org, "GET", f"/services/data/v63.0/sobjects/Contact/{contact['Id']}", fields="IndividualId,HasOptedOutOfEmail"
    )
    assert got["IndividualId"] == ind and got["HasOptedOutOfEmail"] == contact["HasOptedOutOfEmail"]
    assert set(got) == {"attributes", "IndividualId", "HasOptedOutOfEmail"}
    status, body = call(
        org, "PATCH", f"/services/data/v63.0/sobjects/Contact/{contact['Id']}", {"IndividualId": contact["Id"]}
    )
    assert status == 400 and body[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    status, body = call(org, "PATCH", f"/services/data/v63.0/sobjects/Contact/{contact['Id']}", {"Name": "x"})
    assert body[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert call(org, "PATCH", "/services/data/v63.0/sobjects/Contact/003000000000000AAA", {})[0] == 404
    assert (
        call(org, "POST", "/services/data/v63.0/sobjects/Contact", b"{not json")[1][0]["errorCode"]
        == "JSON_PARSER_ERROR"
    )


def test_lookup_to_individual_is_refused_while_consent_management_is_off(make_org):
    org = make_org()
    contact = query(org, "SELECT Id FROM Contact LIMIT 1")[1]["records"][0]
    status, body = call(
        org, "PATCH", f"/services/data/v63.0/sobjects/Contact/{contact['Id']}", {"IndividualId": "0PK5g0000000001AAA"}
    )
    assert status == 400 and body[0]["errorCode"] == "INVALID_FIELD"
    assert call(org, "POST", "/services/data/v63.0/sobjects/Individual", {"LastName": "x"})[0] == 404


def test_collections_per_record_results_and_all_or_none(make_org):
    org = make_org(consent=True)
    url = "/services/data/v63.0/composite/sobjects"
    recs = [
        {"attributes": {"type": "Individual"}, "LastName": "A"},
        {"attributes": {"type": "Individual"}, "FirstName": "no last name"},
    ]
    status, results = call(org, "POST", url, {"allOrNone": True, "records": recs})
    assert status == 200 and [r["success"] for r in results] == [False, False]
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0] == {
        "statusCode": "REQUIRED_FIELD_MISSING",
        "message": "Required fields are missing: [LastName]",
        "fields": ["LastName"],
    }
    assert query(org, "SELECT COUNT() FROM Individual")[1]["totalSize"] == 0
    status, results = call(org, "POST", url, {"allOrNone": False, "records": recs})
    assert [r["success"] for r in results] == [True, False]
    ind = results[0]["id"]
    contacts = query(org, "SELECT Id, HasOptedOutOfEmail FROM Contact")[1]["records"]
    updates = [{"attributes": {"type": "Contact"}, "Id": c["Id"], "IndividualId": ind} for c in contacts]
    updates.append({"attributes": {"type": "Contact"}, "Id": "003000000000000AAA", "IndividualId": ind})
    status, results = call(org, "PATCH", url, {"allOrNone": False, "records": updates})
    assert [r["success"] for r in results] == [True] * len(contacts) + [False]
    after = query(org, "SELECT Id, HasOptedOutOfEmail, Individual.LastName FROM Contact")[1]["records"]
    assert all(r["Individual"]["LastName"] == "A" for r in after)
    assert [r["HasOptedOutOfEmail"] for r in after] == [c["HasOptedOutOfEmail"] for c in contacts]
    status, body = call(org, "POST", url, {"records": [{"attributes": {"type": "Individual"}, "LastName": "x"}] * 201})
    assert status == 400 and body[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    assert call(org, "POST", url, {"records": [{"LastName": "x"}]})[1][0]["errorCode"] == "INVALID_TYPE"


def test_indexed_email_lookup_matches_a_full_scan(make_org):
    org = make_org(seed=SeedOptions(contacts=300))
    rows = query(org, "SELECT Id, Email FROM Contact")[1]["records"]
    wanted = [rows[5]["Email"].upper(), rows[250]["Email"], "nobody@example.com"]
    got = query(org, "SELECT Id FROM Contact WHERE Email IN ('{}')".format("', '".join(wanted)))[1]["records"]
    assert [r["Id"] for r in got] == [rows[5]["Id"], rows[250]["Id"]]
    by_id = query(org, "SELECT Email FROM Contact WHERE Id = '{}'".format(rows[7]["Id"][:15]))[1]["records"]
    assert by_id[0]["Email"] == rows[7]["Email"]


TOOLING = "/services/data/v63.0/tooling/query"


def test_tooling_layout_rows_match_list_metadata(make_org):
    org = make_org(managed_layouts=True)
    listed = {e["id"]: e for e in org.metadata.list_metadata("Layout")}
    status, res = query(
        org,
        "SELECT Id, Name, NamespacePrefix, TableEnumOrId, ManageableState, LayoutType, LastModifiedDate FROM Layout",
        TOOLING,
    )
    assert status == 200 and res["done"] and res["totalSize"] == len(listed) == len(res["records"])
    for row in res["records"]:
        entry = listed[row["Id"]]  # Tooling's Id is listMetadata's id
        assert row["attributes"] == {
            "type": "Layout",
            "url": f"/services/data/v63.0/tooling/sobjects/Layout/{row['Id']}",
        }
        assert row["Id"].startswith("00h") and len(row["Id"]) == 18
        assert row["LastModifiedDate"] == entry["lastModifiedDate"][:-1] + "+0000"
        assert row["NamespacePrefix"] == entry["namespacePrefix"]
        assert row["ManageableState"] == entry["manageableState"] and row["LayoutType"] == "Standard"
        # Name is the layout's own name: no object, no namespace, decoded (%28 -> '(')
        assert entry["fullName"] == f"{row['TableEnumOrId']}-" + rest_names.encode_name(row["Name"])
    assert any(r["NamespacePrefix"] for r in res["records"])  # managed layouts are rows too


def test_tooling_layout_query_by_date_and_id_follows_deploys(make_org):
    from email_privacy.api.metadata_api import make_zip
    from email_privacy.metadata.documents import package_xml

    org = make_org()
    store = org.metadata
    contact = "Contact-Contact Layout"
    entry = next(e for e in store.list_metadata("Layout") if e["fullName"] == contact)
    since = entry["lastModifiedDate"][:19] + "Z"
    q = f"SELECT Id, LastModifiedDate FROM Layout WHERE LastModifiedDate >= {since}"
    before = query(org, q, TOOLING)[1]
    assert entry["id"] in {r["Id"] for r in before["records"]}
    later = query(org, f"SELECT Id FROM Layout WHERE LastModifiedDate > {entry['lastModifiedDate']}", TOOLING)[1]
    assert later["totalSize"] == 0
    zip_bytes = make_zip(
        {
            f"layouts/{contact}.layout": store.read("Layout", contact),
            "package.xml": package_xml({"Layout": [contact]}, "63.0"),
        }
    )
    assert store.deploy(zip_bytes).status == "Succeeded"
    later = query(
        org, f"SELECT Id, LastModifiedDate FROM Layout WHERE LastModifiedDate > {entry['lastModifiedDate']}", TOOLING
    )[1]
    assert [r["Id"] for r in later["records"]] == [entry["id"]]
    assert later["records"][0]["LastModifiedDate"] > entry["lastModifiedDate"][:-1]
    # a 15-character id finds the layout, as on Salesforce
    by_id = query(org, f"SELECT Name FROM Layout WHERE Id = '{entry['id'][:15]}'", TOOLING)[1]
    assert [r["Name"] for r in by_id["records"]] == ["Contact Layout"]


def test_layout_is_tooling_only_and_refusals_are_salesforce_shaped(make_org):
    org = make_org()
    status, res = query(org, "SELECT Id FROM Layout")
    assert status == 400 and res[0]["errorCode"] == "INVALID_TYPE" and "sObject type 'Layout'" in res[0]["message"]
    status, res = query(org, "SELECT Id FROM Layout WHERE LastModifiedDate >= '2026-01-01T00:00:00Z'", TOOLING)
    assert status == 400 and res[0]["errorCode"] == "INVALID_FIELD"
    status, res = query(org, "SELECT Body FROM Layout", TOOLING)
    assert status == 400 and res[0]["errorCode"] == "INVALID_FIELD"
    assert query(org, "SELECT Id FROM Contact LIMIT 1", TOOLING)[0] == 200  # other objects still answer


def test_columns_true_answers_the_select_lists_column_metadata(make_org):
    """sf's `data query` asks `?q=...&columns=true` after each query with rows; the reply is the columns."""
    org = make_org()
    status, got = call(
        org, "GET", "/services/data/v63.0/query", q="SELECT id, Account.Name FROM Contact", columns="true"
    )
    assert status == 200 and got["entityName"] == "Contact"
    assert got["columnMetadata"] == [
        {"aggregate": False, "columnName": "Id", "displayName": "Id", "joinColumns": []},
        {
            "aggregate": False,
            "columnName": "Account",
            "displayName": "Account",
            "joinColumns": [{"aggregate": False, "columnName": "Name", "displayName": "Name", "joinColumns": []}],
        },
    ]
    status, got = call(org, "GET", "/services/data/v63.0/query", q="SELECT COUNT(Email) FROM Contact", columns="true")
    # sf reads an aggregate column's displayName (the function as written) and prints it as the heading
    assert got["columnMetadata"] == [
        {"aggregate": True, "columnName": "expr0", "displayName": "COUNT(Email)", "joinColumns": []}
    ]
    status, got = call(org, "GET", TOOLING, q="SELECT name, TableEnumOrId FROM Layout", columns="true")
    assert status == 200 and [c["columnName"] for c in got["columnMetadata"]] == ["Name", "TableEnumOrId"]
    status, got = call(org, "GET", "/services/data/v63.0/query", q="SELECT Nope FROM Contact", columns="true")
    assert status == 400 and got[0]["errorCode"] == "INVALID_FIELD"


def test_delete_a_record_answers_204_and_the_record_is_gone(make_org):
    org = make_org()
    contact = query(org, "SELECT Id FROM Contact LIMIT 1")[1]["records"][0]["Id"]
    url = f"/services/data/v63.0/sobjects/Contact/{contact}"
    assert call(org, "DELETE", url) == (204, None)
    assert call(org, "GET", url)[0] == 404
    status, body = call(org, "DELETE", url)
    assert status == 404 and body[0]["errorCode"] == "ENTITY_IS_DELETED"
    assert call(org, "DELETE", "/services/data/v63.0/sobjects/Contact/00Q000000000001AAA")[0] == 404
    # an Account's Contacts go with it (Account.childRelationships: Contacts, cascadeDelete)
    account = call(org, "POST", "/services/data/v63.0/sobjects/Account", {"Name": "Gone"})[1]["id"]
    child = call(org, "POST", "/services/data/v63.0/sobjects/Contact", {"LastName": "C", "AccountId": account})[1]
    assert call(org, "DELETE", f"/services/data/v63.0/sobjects/Account/{account}")[0] == 204
    assert org.records.get("Contact", child["id"]) is None


def test_composite_runs_subrequests_in_order_with_references(make_org):
    org = make_org()
    v = "/services/data/v63.0"
    status, got = call(
        org,
        "POST",
        v + "/composite",
        {
            "allOrNone": False,
            "compositeRequest": [
                {"method": "POST", "url": v + "/sobjects/Account", "referenceId": "acct", "body": {"Name": "Acme"}},
                {
                    "method": "POST",
                    "url": v + "/sobjects/Contact",
                    "referenceId": "ct",
                    "body": {"LastName": "Lee", "AccountId": "@{acct.id}"},
                },
                {"method": "GET", "url": v + "/sobjects/Contact/@{ct.id}?fields=AccountId", "referenceId": "read"},
                {"method": "GET", "url": v + "/sobjects/Nope/describe", "referenceId": "bad"},
                {"method": "GET", "url": v + "/sobjects/Contact/@{nothing.id}", "referenceId": "dangling"},
            ],
        },
    )
    assert status == 200
    replies = {r["referenceId"]: r for r in got["compositeResponse"]}
    assert [r["referenceId"] for r in got["compositeResponse"]] == ["acct", "ct", "read", "bad", "dangling"]
    acct = replies["acct"]["body"]["id"]
    assert replies["acct"]["httpStatusCode"] == 201
    assert replies["acct"]["httpHeaders"] == {"Location": f"{v}/sobjects/Account/{acct}"}
    assert replies["read"]["httpStatusCode"] == 200 and replies["read"]["body"]["AccountId"] == acct
    assert replies["bad"]["httpStatusCode"] == 404
    assert replies["dangling"]["httpStatusCode"] == 400
    assert "nothing" in replies["dangling"]["body"][0]["message"]
    refused = {"allOrNone": True, "compositeRequest": [{"method": "POST", "url": v + "/sobjects/Account"}]}
    status, body = call(org, "POST", v + "/composite", refused)
    assert status == 400 and "allOrNone" in body[0]["message"]
    assert call(org, "POST", v + "/composite", {"compositeRequest": []})[0] == 400


def test_composite_batch_answers_each_and_halts_on_error_when_asked(make_org):
    org = make_org()
    subs = [
        {"method": "GET", "url": "v63.0/sobjects/Contact/describe"},
        {"method": "GET", "url": "v63.0/sobjects/Nope/describe"},
        {"method": "GET", "url": "v63.0/query?q=SELECT+Id+FROM+Lead"},
    ]
    status, got = call(org, "POST", "/services/data/v63.0/composite/batch", {"batchRequests": subs})
    assert status == 200 and got["hasErrors"] is True
    assert [r["statusCode"] for r in got["results"]] == [200, 404, 200]
    assert got["results"][0]["result"]["name"] == "Contact" and got["results"][2]["result"]["totalSize"] == 3
    status, got = call(
        org, "POST", "/services/data/v63.0/composite/batch", {"batchRequests": subs, "haltOnError": True}
    )
    assert [r["statusCode"] for r in got["results"]] == [200, 404, 412]
    assert got["results"][2]["result"][0]["errorCode"] == "BATCH_PROCESSING_HALTED"
