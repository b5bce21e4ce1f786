"""Account, business and person accounts (Object Reference, Account; recorded real describes)."""

from .base import AUDIT, NOT_PERMISSIONABLE, OWNER, RECORD_URLS, SObject, individual_lookup, std

# Account's name: an account's own Name, or a person account's FirstName/LastName (all three name fields).
ACCOUNT_NAME = (
    ("compoundFieldName", "Name"),
    ("extraTypeInfo", "switchablepersonname"),
    ("nameField", True),
    ("permissionable", False),
)
TYPES = (
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Installation Partner",
    "Technology Partner",
    "Other",
)
INDUSTRIES = (
    "Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications", "Construction",
    "Consulting", "Education", "Electronics", "Energy", "Engineering", "Entertainment", "Environmental", "Finance",
    "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance", "Machinery", "Manufacturing", "Media",
    "Not For Profit", "Recreation", "Retail", "Shipping", "Technology", "Telecommunications", "Transportation",
    "Utilities", "Other",
)  # fmt: skip

OBJECT = SObject(
    "Account",
    (
        std("Id", "id", readonly=True, label="Account ID"),
        std("Name", label="Account Name", length=255, describe_keys=ACCOUNT_NAME),
        std("Type", "picklist", length=40, label="Account Type", picklist=TYPES),
        # Record types beyond Master exist here only with person accounts, and with them the field.
        std(
            "RecordTypeId",
            "reference",
            reference_to="RecordType",
            label="Record Type ID",
            needs_person_accounts=True,
            describe_keys=NOT_PERMISSIONABLE,
        ),  # fmt: skip
        std("Phone", "phone", length=40, label="Account Phone"),
        std("Industry", "picklist", length=40, picklist=INDUSTRIES),
        std("FirstName", length=40, needs_person_accounts=True, describe_keys=ACCOUNT_NAME),
        std("LastName", length=80, needs_person_accounts=True, describe_keys=ACCOUNT_NAME),
        std("IsPersonAccount", "boolean", readonly=True, needs_person_accounts=True),
        std("PersonEmail", "email", label="Email", needs_person_accounts=True),
        std("PersonHasOptedOutOfEmail", "boolean", label="Email Opt Out", needs_person_accounts=True),
        individual_lookup("PersonIndividualId", prefilterable=False, needs_person_accounts=True),
        OWNER,
        *AUDIT,
    ),
    label="Account",
    plural="Accounts",
    key_prefix="001",
    urls=RECORD_URLS,
)
