"""The Organization record's fields beyond what the org's identity and settings decide: every field a real
org's `sobjects/Organization/<id>` carries, with a new Developer Edition org's values (recorded real
record; docs/salesforce-facts.md, "Describes")."""

import datetime

# (name, describe type, value in a new org); labels are derived from the names
STANDING = [
    ("Division", "string", None),
    ("Street", "textarea", None),
    ("City", "string", None),
    ("State", "string", None),
    ("PostalCode", "string", None),
    ("Latitude", "double", None),
    ("Longitude", "double", None),
    ("GeocodeAccuracy", "picklist", None),
    ("Address", "address", None),  # compound: built from the parts and Country
    ("Phone", "phone", None),
    ("Fax", "phone", None),
    ("PrimaryContact", "string", "Local Admin"),
    ("ReceivesInfoEmails", "boolean", True),
    ("ReceivesAdminInfoEmails", "boolean", True),
    ("PreferencesRequireOpportunityProducts", "boolean", False),
    ("PreferencesTransactionSecurityPolicy", "boolean", False),
    ("PreferencesTerminateOldestSession", "boolean", False),
    ("PreferencesAutoSelectIndividualOnMerge", "boolean", False),
    ("PreferencesLightningLoginEnabled", "boolean", True),
    ("PreferencesOnlyLLPermUserAllowed", "boolean", False),
    ("FiscalYearStartMonth", "int", 1),
    ("UsesStartDateAsFiscalYearName", "boolean", False),
    ("DefaultAccountAccess", "picklist", "Edit"),
    ("DefaultContactAccess", "picklist", "ControlledByParent"),
    ("DefaultOpportunityAccess", "picklist", "Edit"),
    ("DefaultLeadAccess", "picklist", "ReadEditTransfer"),
    ("DefaultCaseAccess", "picklist", "ReadEditTransfer"),
    ("DefaultCalendarAccess", "picklist", "HideDetailsInsert"),
    ("DefaultPricebookAccess", "picklist", "ReadSelect"),
    ("DefaultCampaignAccess", "picklist", "All"),
    ("DelegatedAuthenticationServiceUrl", "url", None),
    ("ComplianceBccEmail", "email", None),
    ("UiSkin", "picklist", "Theme3"),
    ("SignupCountryIsoCode", "string", None),  # set from the org's Country
    ("NumKnowledgeService", "int", 0),
    ("WebToCaseDefaultOrigin", "string", "Web"),
    ("MonthlyPageViewsUsed", "int", 0),
    ("MonthlyPageViewsEntitlement", "int", 0),
    ("IsReadOnly", "boolean", False),
]
AUDIT = [
    ("CreatedDate", "datetime"),
    ("CreatedById", "reference"),
    ("LastModifiedDate", "datetime"),
    ("LastModifiedById", "reference"),
    ("SystemModstamp", "datetime"),
]


def standing_values(country: str, user_id: str, created: datetime.datetime) -> dict:
    """The record's standing fields: the new-org values, the address from Country, audit fields from creation."""
    out = {name: value for name, _, value in STANDING}
    out["Address"] = {
        "city": None, "country": country, "geocodeAccuracy": None, "latitude": None, "longitude": None,
        "postalCode": None, "state": None, "street": None,
    }  # fmt: skip
    out["SignupCountryIsoCode"] = country
    stamp = created.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    out.update({"CreatedDate": stamp, "LastModifiedDate": stamp, "SystemModstamp": stamp})
    out.update({"CreatedById": user_id, "LastModifiedById": user_id})
    return out
