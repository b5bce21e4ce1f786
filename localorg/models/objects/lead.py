"""Lead (Object Reference, Lead; recorded real describe)."""

from localorg.models.objects.account import INDUSTRIES
from localorg.models.objects.base import (
    AUDIT,
    DANDB_COMPANY,
    LEAD_SOURCES,
    RATINGS,
    RECORD_URLS,
    SALUTATIONS,
    SHARED_STANDARD,
    SObject,
    address,
    individual_lookup,
    person_name,
    std,
)

STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")

# The rest of the standard fields a real org describes (recorded real describe, CumulusCI's test cassette;
# HasOptedOutOfFax and DoNotCall, absent from the recordings, per the
# Object Reference; docs/salesforce-facts.md, "Describes"): names, types, lengths, labels, flags and picklist values.
STANDARD = (
    std("MasterRecordId", "reference", label="Master Record ID", reference_to="Lead", readonly=True),
    *address("", ""),
    std("MobilePhone", "phone", length=40),
    std("Fax", "phone", length=40),
    std("Website", "url", length=255),
    std("Description", "textarea", length=32000),
    std("LeadSource", "picklist", length=255, picklist=LEAD_SOURCES),
    std("Industry", "picklist", length=255, picklist=INDUSTRIES),
    std("Rating", "picklist", length=255, picklist=RATINGS),
    std("AnnualRevenue", "currency", describe_keys=(("precision", 18),)),
    std("NumberOfEmployees", "int", label="Employees", describe_keys=(("digits", 8),)),
    std("ConvertedDate", "date", readonly=True),
    std(
        "ConvertedAccountId",
        "reference",
        label="Converted Account ID",
        reference_to="Account",
        readonly=True,
        child_relationship=(None, False),
        describe_keys=(("searchPrefilterable", True),),
    ),
    std(
        "ConvertedContactId",
        "reference",
        label="Converted Contact ID",
        reference_to="Contact",
        readonly=True,
        child_relationship=(None, False),
        describe_keys=(("searchPrefilterable", True),),
    ),
    std(
        "ConvertedOpportunityId",
        "reference",
        label="Converted Opportunity ID",
        reference_to="Opportunity",
        readonly=True,
        describe_keys=(("searchPrefilterable", True),),
    ),
    std("IsUnreadByOwner", "boolean", label="Unread By Owner", describe_keys=(("permissionable", False),)),
    std(
        "JigsawContactId",
        label="Jigsaw Contact ID",
        length=20,
        readonly=True,
        describe_keys=(("relationshipName", "JigsawContact"),),
    ),
    std("CompanyDunsNumber", label="Company D-U-N-S Number", length=9),
    std("EmailBouncedReason", length=255, readonly=True, describe_keys=(("updateable", True),)),
    std("EmailBouncedDate", "datetime", readonly=True, describe_keys=(("updateable", True),)),
    std("HasOptedOutOfFax", "boolean", label="Fax Opt Out"),
    std("DoNotCall", "boolean", label="Do Not Call"),
    *SHARED_STANDARD,
    DANDB_COMPANY,
)

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
        *STANDARD,
    ),
    label="Lead",
    plural="Leads",
    key_prefix="00Q",
    person_named=True,
    urls=RECORD_URLS,
)
