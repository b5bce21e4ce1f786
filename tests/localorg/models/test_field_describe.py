"""A field's describe is derived from its schema Field with every key and the values real orgs give."""

from localorg.models.field_describe import CONSTANT_KEYS
from localorg.models.schema import FIELDS, Visibility

EVERY_KEY = {
    *CONSTANT_KEYS,
    *"aggregatable byteLength createable defaultValue defaultedOnCreate groupable idLookup label length name "
    "nameField nillable permissionable picklistValues referenceTo relationshipName soapType type updateable".split(),
}


def fields(obj, **vis):
    return {f.name: f.describe() for f in Visibility(**vis).fields(obj)}


def test_every_field_of_every_object_carries_the_57_keys_in_salesforces_order():
    assert len(EVERY_KEY) == 57
    for obj in FIELDS:
        for name, d in fields(obj, consent=True, person_accounts=True).items():
            assert set(d) == EVERY_KEY, (obj, name)
            assert list(d) == sorted(d), (obj, name)


def test_lengths_ids_and_datetimes_as_real_orgs_give_them():
    lead = fields("Lead")
    assert (lead["Company"]["length"], lead["Status"]["length"], lead["Title"]["length"]) == (255, 255, 128)
    assert (lead["Company"]["byteLength"], lead["FirstName"]["byteLength"]) == (765, 120)
    assert (lead["Id"]["length"], lead["OwnerId"]["length"], lead["OwnerId"]["byteLength"]) == (18, 18, 18)
    created = lead["CreatedDate"]
    assert (created["soapType"], created["nillable"], created["defaultedOnCreate"], created["groupable"]) == (
        "xsd:dateTime", False, True, False,
    )  # fmt: skip


def test_lead_status_is_a_defaulted_picklist_and_lead_owner_a_user_or_queue():
    lead = fields("Lead")
    status = lead["Status"]
    assert (status["nillable"], status["defaultedOnCreate"], status["defaultValue"]) == (
        False, True, "Open - Not Contacted",
    )  # fmt: skip
    assert [(p["value"], p["defaultValue"]) for p in status["picklistValues"]][:2] == [
        ("Open - Not Contacted", True),
        ("Working - Contacted", False),
    ]
    owner = lead["OwnerId"]
    assert (owner["referenceTo"], owner["polymorphicForeignKey"], owner["relationshipName"]) == (
        ["Group", "User"], True, "Owner",
    )  # fmt: skip
    assert fields("Contact")["OwnerId"]["referenceTo"] == ["User"]
    converted = lead["IsConverted"]
    assert (converted["createable"], converted["updateable"], converted["label"]) == (True, False, "Converted")


def test_nothing_beyond_the_real_required_fields_looks_required_to_a_loader():
    """CumulusCI's load_dataset treats a field as required when createable and not (defaultValue is not None
    or nillable or defaultedOnCreate): only LastName (Contact, Lead), Company (Lead) and Name (Account)."""
    required = {
        (obj, name)
        for obj in ("Contact", "Lead", "Account")
        for name, d in fields(obj, consent=True).items()
        if d["createable"] and not (d["defaultValue"] is not None or d["nillable"] or d["defaultedOnCreate"])
    }
    assert required == {("Contact", "LastName"), ("Lead", "LastName"), ("Lead", "Company"), ("Account", "Name")}


def test_permissionable_and_name_parts():
    contact = fields("Contact", consent=True)
    permissionable = {n for n, d in contact.items() if d["permissionable"]}
    assert {"AccountId", "Email", "Phone", "Title", "HasOptedOutOfEmail", "MailingCity", "Department"} <= permissionable
    assert not {"Id", "FirstName", "LastName", "Name", "IndividualId", "OwnerId", "CreatedDate"} & permissionable
    assert contact["FirstName"]["compoundFieldName"] == "Name" and contact["Name"]["extraTypeInfo"] == "personname"
    account = fields("Account", consent=True, person_accounts=True)
    assert account["PersonIndividualId"]["permissionable"] is False
    assert all(account[n]["nameField"] for n in ("Name", "FirstName", "LastName"))
    assert account["RecordTypeId"]["referenceTo"] == ["RecordType"]
    assert "RecordTypeId" not in fields("Account")  # no record type but Master without person accounts
