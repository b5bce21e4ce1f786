"""Contact (Object Reference, Contact; recorded real describe)."""

from .base import AUDIT, OWNER, RECORD_URLS, SObject, individual_lookup, person_name, std

OBJECT = SObject(
    "Contact",
    (
        std("Id", "id", readonly=True, label="Contact ID"),
        *person_name(label="Full Name"),
        std(
            "AccountId",
            "reference",
            reference_to="Account",
            label="Account ID",
            describe_keys=(("searchPrefilterable", True),),
            child_relationship=("Contacts", True),
        ),  # fmt: skip
        std("Email", "email"),
        std("Phone", "phone", length=40, label="Business Phone"),
        std("Title", length=128),
        std("HasOptedOutOfEmail", "boolean", label="Email Opt Out"),
        individual_lookup(),
        std("IsPersonAccount", "boolean", readonly=True, needs_person_accounts=True),
        OWNER,
        *AUDIT,
    ),
    label="Contact",
    plural="Contacts",
    key_prefix="003",
    person_named=True,
    urls=RECORD_URLS,
)
