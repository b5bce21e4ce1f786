"""Reading sObject describes: the Individual lookup is found there, not assumed (docs/salesforce-facts.md, Fields)."""

DESCRIBE_OBJECT = {"Contact": "Contact", "Lead": "Lead", "PersonAccount": "Account"}


def field_names(describe: dict) -> set[str]:
    return {f["name"] for f in (describe or {}).get("fields", [])}


def has_person_accounts(account_describe: dict) -> bool:
    return "IsPersonAccount" in field_names(account_describe)


def individual_lookup(describe: dict, target: str) -> dict | None:
    """The describe of the field linking a `target` (Contact, Lead, PersonAccount) to its Individual, or None."""
    person = target == "PersonAccount"
    for field in (describe or {}).get("fields", []):
        if "Individual" in (field.get("referenceTo") or []) and field["name"].startswith("Person") == person:
            return field
    return None
