"""Contact (Object Reference, Contact; recorded real describe)."""

from localorg.models.objects.base import (
    AUDIT,
    LEAD_SOURCES,
    OWNER,
    RECORD_URLS,
    SHARED_STANDARD,
    SObject,
    address,
    individual_lookup,
    person_name,
    std,
)

# The rest of the standard fields a real org describes (recorded real describe, CumulusCI's test cassette;
# HasOptedOutOfFax and DoNotCall, absent from the recordings, per the
# Object Reference; docs/salesforce-facts.md, "Describes"): names, types, lengths, labels, flags and picklist values.
STANDARD = (
    std("MasterRecordId", "reference", label="Master Record ID", reference_to="Contact", readonly=True),
    *address("Other", "Other"),
    *address("Mailing", "Mailing"),
    std("Fax", "phone", label="Business Fax", length=40),
    std("MobilePhone", "phone", length=40),
    std("HomePhone", "phone", length=40),
    std("OtherPhone", "phone", length=40),
    std("AssistantPhone", "phone", label="Asst. Phone", length=40),
    std(
        "ReportsToId",
        "reference",
        label="Reports To ID",
        reference_to="Contact",
        child_relationship=(None, False),
        describe_keys=(("searchPrefilterable", True),),
    ),
    std("Department"),
    std("AssistantName", label="Assistant's Name", length=40),
    std("LeadSource", "picklist", length=255, picklist=LEAD_SOURCES),
    std("Birthdate", "date"),
    std("Description", "textarea", label="Contact Description", length=32000),
    std("LastCURequestDate", "datetime", label="Last Stay-in-Touch Request Date", readonly=True),
    std("LastCUUpdateDate", "datetime", label="Last Stay-in-Touch Save Date", readonly=True),
    std("EmailBouncedReason", length=255, describe_keys=(("permissionable", False),)),
    std("EmailBouncedDate", "datetime", describe_keys=(("permissionable", False),)),
    std("IsEmailBounced", "boolean", readonly=True),
    std(
        "JigsawContactId",
        label="Jigsaw Contact ID",
        length=20,
        readonly=True,
        describe_keys=(("relationshipName", "JigsawContact"),),
    ),
    std("HasOptedOutOfFax", "boolean", label="Fax Opt Out"),
    std("DoNotCall", "boolean", label="Do Not Call"),
    *SHARED_STANDARD,
)

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
        *STANDARD,
    ),
    label="Contact",
    plural="Contacts",
    key_prefix="003",
    person_named=True,
    urls=RECORD_URLS,
)
