"""Individual (Object Reference, Individual): exists only while consent management is on."""

from localorg.models.objects.base import AUDIT, OWNER, RECORD_OBJECT, RECORD_URLS, SObject, person_name, std

# More of the standard fields (Field Reference, Individual: names, labels, types, lengths;
# docs/salesforce-facts.md, "Describes"); the picklists' values are the org's to define, none here.
RO = {"readonly": True}
STANDARD = (
    std("ChildrenCount", "int", label="Number of Children", describe_keys=(("digits", 9),)),
    std("ConsumerCreditScore", "int", describe_keys=(("digits", 9),)),
    std("ConsumerCreditScoreProviderName", length=255),
    std("ConvictionsCount", "int", label="Conviction Count", describe_keys=(("digits", 9),)),
    std("DeathDate", "date"),
    std("IndividualsAge", "picklist", label="Individual's Age", length=255),
    std("InfluencerRating", "int", describe_keys=(("digits", 9),)),
    std("IsHomeOwner", "boolean", label="Is Homeowner"),
    std("MilitaryService", "picklist", length=255),
    std("CreatedById", "reference", label="Created By ID", reference_to="User", defaulted=True, **RO),
    std("LastModifiedById", "reference", label="Last Modified By ID", reference_to="User", defaulted=True, **RO),
    std("LastViewedDate", "datetime", **RO),
    std("LastReferencedDate", "datetime", **RO),
)

OBJECT = SObject(
    "Individual",
    (
        std("Id", "id", readonly=True, label="Individual ID"),
        *person_name(),
        std("HasOptedOutTracking", "boolean", label="Don't Track"),
        std("HasOptedOutProcessing", "boolean", label="Don't Process"),
        std("HasOptedOutProfiling", "boolean", label="Don't Profile"),
        std("HasOptedOutSolicit", "boolean", label="Don't Solicit"),
        std("HasOptedOutGeoTracking", "boolean", label="Don't Track Location"),
        std("ShouldForget", "boolean", label="Forget this Individual"),
        std("SendIndividualData", "boolean", label="Export Individual's Data"),
        std("CanStorePiiElsewhere", "boolean", label="OK to Store PII Data Elsewhere"),
        std("BirthDate", "date"),
        OWNER,
        *AUDIT,
        *STANDARD,
    ),
    label="Individual",
    plural="Individuals",
    key_prefix="0PK",
    needs="consent",
    person_named=True,
    # Not in the recordings: a record object, but Salesforce merges only leads, contacts, cases and accounts.
    flags={**RECORD_OBJECT, "mergeable": False},
    urls=RECORD_URLS,
)
