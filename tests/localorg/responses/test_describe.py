"""The describe resources: global flags, object keys, urls, record types and child relationships as real
orgs give them; and the records store enforcing what the describes say (lengths, defaults)."""

from localorg.models.record_types import MASTER_ID, PERSON_ACCOUNT_ID
from tests.localorg.responses.test_rest import call, make_org

make_an_org = make_org  # the same fixture, under the name these tests take it by

V = "/services/data/v63.0"


def describe(org, obj):
    status, body = call(org, "GET", f"{V}/sobjects/{obj}/describe")
    assert status == 200, body
    return body


def test_global_flags_follow_real_orgs(make_an_org):
    entries = {e["name"]: e for e in call(make_an_org(), "GET", f"{V}/sobjects")[1]["sobjects"]}
    user, upa = entries["User"], entries["UserPermissionAccess"]
    assert (user["createable"], user["deletable"], user["mergeable"]) == (True, False, False)
    assert (upa["keyPrefix"], upa["retrieveable"], upa["updateable"]) == ("0up", False, False)
    assert entries["Contact"]["mergeable"] and entries["Contact"]["undeletable"]
    assert set(entries["User"]["urls"]) >= {"layouts", "compactLayouts", "namedLayouts", "passwordUtilities"}
    assert set(entries["Organization"]["urls"]) == {"sobject", "describe", "rowTemplate"}


def test_object_describe_urls_record_types_and_children(make_an_org):
    org = make_an_org()
    contact = describe(org, "Contact")
    assert contact["urls"]["uiNewRecord"] == "https://127.0.0.1:4443/003/e"
    assert contact["urls"]["layouts"] == f"{V}/sobjects/Contact/describe/layouts"
    assert contact["recordTypeInfos"] == [
        {
            "active": True,
            "available": True,
            "defaultRecordTypeMapping": True,
            "developerName": "Master",
            "master": True,
            "name": "Master",
            "recordTypeId": MASTER_ID,
            "urls": {"layout": f"{V}/sobjects/Contact/describe/layouts/{MASTER_ID}"},
        }
    ]
    children = describe(org, "Account")["childRelationships"]
    assert [(c["childSObject"], c["field"], c["relationshipName"], c["cascadeDelete"]) for c in children] == [
        ("Contact", "AccountId", "Contacts", True),
        ("Lead", "ConvertedAccountId", None, False),  # a lookup with no relationship name, as real orgs list it
        ("Account", "ParentId", "ChildAccounts", False),
    ]
    assert list(contact) == sorted(contact)


def test_person_account_org_describes_its_record_type_and_a_nillable_name(make_an_org):
    org = make_an_org(person_accounts=True)
    account = describe(org, "Account")
    assert PERSON_ACCOUNT_ID in {r["recordTypeId"] for r in account["recordTypeInfos"]}
    fields = {f["name"]: f for f in account["fields"]}
    assert fields["Name"]["nillable"] is True and describe(make_an_org(), "Account")["fields"][1]["nillable"] is False
    status, body = call(org, "POST", f"{V}/sobjects/Account", {"LastName": "Pat", "RecordTypeId": PERSON_ACCOUNT_ID})
    assert status == 201
    row = org.records.get("Account", body["id"])
    assert (row["IsPersonAccount"], row["Name"]) == (True, "Pat")
    status, body = call(org, "POST", f"{V}/sobjects/Account", {"Name": "X", "RecordTypeId": "012000000000001AAA"})
    assert status == 400 and body[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"


def test_lengths_and_defaults_are_enforced_as_described(make_an_org):
    org = make_an_org()
    company = "C" * 200
    status, body = call(org, "POST", f"{V}/sobjects/Lead", {"LastName": "Long", "Company": company})
    assert status == 201
    row = org.records.get("Lead", body["id"])
    assert (row["Company"], row["Status"], row["IsConverted"]) == (company, "Open - Not Contacted", False)
    status, body = call(org, "POST", f"{V}/sobjects/Lead", {"LastName": "Long", "Company": "C" * 256})
    assert status == 400 and body[0]["errorCode"] == "STRING_TOO_LONG" and body[0]["fields"] == ["Company"]
    status, body = call(org, "POST", f"{V}/sobjects/Account", {"Name": "N" * 255})
    assert status == 201
    assert call(org, "POST", f"{V}/sobjects/Account", {"Name": "N" * 256})[1][0]["errorCode"] == "STRING_TOO_LONG"
    # IsConverted is createable, not updateable
    status, body = call(org, "POST", f"{V}/sobjects/Lead", {"LastName": "C", "Company": "C", "IsConverted": True})
    assert status == 201 and org.records.get("Lead", body["id"])["IsConverted"] is True
    status, body = call(org, "PATCH", f"{V}/sobjects/Lead/{body['id']}", {"IsConverted": False})
    assert status == 400 and body[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_organization_record_carries_the_standing_fields_of_a_new_org(make_an_org):
    org = make_an_org()
    status, rec = call(org, "GET", f"{V}/sobjects/Organization/{org.identity.org_id}")
    assert status == 200
    assert (rec["DefaultContactAccess"], rec["FiscalYearStartMonth"], rec["UiSkin"]) == (
        "ControlledByParent",
        1,
        "Theme3",
    )
    assert rec["Address"]["country"] == rec["Country"] and rec["CreatedById"] == org.identity.user_id
    assert rec["CreatedDate"].endswith("+0000") and rec["CreatedDate"] == rec["SystemModstamp"]
    described = {f["name"] for f in describe(org, "Organization")["fields"]}
    assert set(rec) - {"attributes"} == described
