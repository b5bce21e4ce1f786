"""Individual (Object Reference, Individual): exists only while consent management is on."""

from .base import AUDIT, OWNER, RECORD_OBJECT, RECORD_URLS, SObject, person_name, std

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
