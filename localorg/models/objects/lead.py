"""Lead (Object Reference, Lead; recorded real describe)."""

from .base import AUDIT, RECORD_URLS, SALUTATIONS, SObject, individual_lookup, person_name, std

STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")

OBJECT = SObject(
    "Lead",
    (
        std("Id", "id", readonly=True, label="Lead ID"),
        *person_name((*SALUTATIONS, "Mx."), label="Full Name"),
        std("Company", required=True, length=255),
        std("Email", "email"),
        std("Phone", "phone", length=40),
        std("Title", length=128),
        std("Status", "picklist", length=255, picklist=STATUSES, default=STATUSES[0]),
        std("IsConverted", "boolean", create_only=True, label="Converted"),
        std("HasOptedOutOfEmail", "boolean", label="Email Opt Out"),
        individual_lookup(),
        # A lead's owner is a user or a queue (Group).
        std(
            "OwnerId",
            "reference",
            reference_to="User",
            label="Owner ID",
            defaulted=True,
            describe_keys=(("referenceTo", ["Group", "User"]), ("polymorphicForeignKey", True), ("namePointing", True)),
        ),  # fmt: skip
        *AUDIT,
    ),
    label="Lead",
    plural="Leads",
    key_prefix="00Q",
    person_named=True,
    urls=RECORD_URLS,
)
