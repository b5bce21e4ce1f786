"""Record types: every object with records has the Master record type (its fixed id 012000000000000AAA);
with person accounts on, Account also has the PersonAccount record type a person account carries
(recorded real describes; docs/salesforce-facts.md, "Describes")."""

from localorg.models.ids import with_checksum

MASTER_ID = "012000000000000AAA"
PERSON_ACCOUNT_ID = with_checksum("0125g00000PAcct")


def record_types(obj: str, person_accounts: bool) -> list[dict]:
    """The object's record types: developerName, name, recordTypeId, master, defaultRecordTypeMapping."""
    master = {"developerName": "Master", "name": "Master", "recordTypeId": MASTER_ID, "master": True}
    out = [{**master, "defaultRecordTypeMapping": True}]
    if obj == "Account" and person_accounts:
        person = {"developerName": "PersonAccount", "name": "Person Account", "recordTypeId": PERSON_ACCOUNT_ID}
        out.insert(0, {**person, "master": False, "defaultRecordTypeMapping": False})
    return out


def is_record_type_of(obj: str, person_accounts: bool, record_type_id: str) -> bool:
    return any(r["recordTypeId"] == record_type_id for r in record_types(obj, person_accounts))
