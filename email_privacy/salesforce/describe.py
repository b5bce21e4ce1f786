"""Reading sObject describes: person accounts, and each object's lookup to Individual.

The Individual lookup is resolved from the describe (the field whose referenceTo is Individual)
rather than assumed (docs/salesforce-facts.md, "Fields"): it exists only while Data Protection and
Privacy is on.
"""

# The sObject whose describe holds each target's fields (person accounts live on Account).
DESCRIBE_OBJECT = {"Contact": "Contact", "Lead": "Lead", "PersonAccount": "Account"}


def field_names(describe: dict) -> set[str]:
    """The API names of a describe's fields."""
    return {f["name"] for f in (describe or {}).get("fields", [])}


def has_person_accounts(account_describe: dict) -> bool:
    """Person accounts are on when Account has IsPersonAccount (as CumulusCI's org_config checks)."""
    return "IsPersonAccount" in field_names(account_describe)


def individual_lookup(describe: dict, target: str) -> dict | None:
    """The field of `describe` that links a `target` record (Contact, Lead, PersonAccount) to its Individual.

    On Account there are two kinds of lookups: PersonIndividualId for person accounts; a business
    account has none. Returns the field's describe, or None when there is no such lookup.
    """
    person = target == "PersonAccount"
    for field in (describe or {}).get("fields", []):
        if "Individual" in (field.get("referenceTo") or []) and field["name"].startswith("Person") == person:
            return field
    return None
