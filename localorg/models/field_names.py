"""Field names that metadata may name, per object: what page layouts and permission sets of a new
org may refer to (Object Reference), and which exist only while a feature is on.

The records side (schema.py) stores and describes a subset of these; this module answers the
deploy checks' question "does this org have that field".
"""

from localorg.models.identity import OrgIdentity

# Standard fields a layout may name, per object (Object Reference). Fields that exist only when a
# feature is on are kept apart below.
STANDARD_FIELDS = {
    "Contact": {
        "Name",
        "FirstName",
        "LastName",
        "Salutation",
        "AccountId",
        "Title",
        "Department",
        "Birthdate",
        "ReportsToId",
        "LeadSource",
        "Phone",
        "HomePhone",
        "MobilePhone",
        "OtherPhone",
        "Fax",
        "Email",
        "AssistantName",
        "AssistantPhone",
        "MailingAddress",
        "OtherAddress",
        "OwnerId",
        "Description",
        "CreatedById",
        "LastModifiedById",
        "HasOptedOutOfEmail",
        "HasOptedOutOfFax",
        "DoNotCall",
        "EmailBouncedReason",
        "EmailBouncedDate",
        "Jigsaw",
    },
    "Lead": {
        "Name",
        "FirstName",
        "LastName",
        "Salutation",
        "Company",
        "Title",
        "LeadSource",
        "Industry",
        "AnnualRevenue",
        "Phone",
        "MobilePhone",
        "Fax",
        "Email",
        "Website",
        "Status",
        "Rating",
        "NumberOfEmployees",
        "OwnerId",
        "Address",
        "Description",
        "HasOptedOutOfEmail",
        "HasOptedOutOfFax",
        "DoNotCall",
        "CreatedById",
        "LastModifiedById",
        "Jigsaw",
    },
    "Account": {
        "Name",
        "AccountNumber",
        "Site",
        "ParentId",
        "Type",
        "Industry",
        "AnnualRevenue",
        "NumberOfEmployees",
        "Ownership",
        "Phone",
        "Fax",
        "Website",
        "TickerSymbol",
        "Rating",
        "Sic",
        "BillingAddress",
        "ShippingAddress",
        "OwnerId",
        "Description",
        "CreatedById",
        "LastModifiedById",
        "Jigsaw",
    },
}
# Account fields that exist only with person accounts on (Object Reference, Account: "Person" fields).
PERSON_ACCOUNT_FIELDS = {
    "FirstName",
    "LastName",
    "Salutation",
    "PersonEmail",
    "PersonHasOptedOutOfEmail",
    "PersonHasOptedOutOfFax",
    "PersonDoNotCall",
    "PersonMobilePhone",
    "PersonHomePhone",
    "PersonOtherPhone",
    "PersonBirthdate",
    "PersonTitle",
    "PersonDepartment",
    "PersonLeadSource",
    "PersonMailingAddress",
    "PersonOtherAddress",
    "PersonAssistantName",
    "PersonAssistantPhone",
}
# Lookups to Individual: present only while Data Protection and Privacy is on (docs/salesforce-facts.md, "Fields").
INDIVIDUAL_FIELDS = {"Contact": "IndividualId", "Lead": "IndividualId", "Account": "PersonIndividualId"}

# The Individual object's fields (Object Reference, Individual); the object exists only with consent management on.
INDIVIDUAL_OBJECT_FIELDS = {
    "Name",
    "FirstName",
    "LastName",
    "Salutation",
    "BirthDate",
    "OwnerId",
    "HasOptedOutTracking",
    "HasOptedOutProcessing",
    "HasOptedOutProfiling",
    "HasOptedOutSolicit",
    "HasOptedOutGeoTracking",
    "ShouldForget",
    "SendIndividualData",
    "CanStorePiiElsewhere",
    "IndividualsAge",
}

# Custom fields a Developer Edition org ships with, and the managed packages' fields.
CUSTOM_FIELDS = {
    "Contact": {"Level__c", "Languages__c"},
    "Lead": {"ProductInterest__c", "Primary__c", "SICCode__c", "CurrentGenerators__c", "NumberofLocations__c"},
    "Account": {
        "CustomerPriority__c",
        "SLA__c",
        "SLAExpirationDate__c",
        "SLASerialNumber__c",
        "Active__c",
        "NumberofLocations__c",
        "UpsellOpportunity__c",
    },
}
MANAGED_FIELDS = {
    "Contact": {"acme__Loyalty_Tier__c", "beta__Engagement_Score__c"},
    "Lead": {"acme__Loyalty_Tier__c", "beta__Engagement_Score__c"},
    "Account": {"acme__Loyalty_Tier__c", "beta__Engagement_Score__c"},
    "acme__Donation__c": {
        "Name",
        "OwnerId",
        "CreatedById",
        "LastModifiedById",
        "acme__Amount__c",
        "acme__Donor__c",
        "beta__Campaign_Code__c",
    },
}


def field_object(layout_object: str) -> str:
    """The object whose fields a layout names: PersonAccount layouts are Account layouts."""
    return "Account" if layout_object == "PersonAccount" else layout_object


def layout_objects(identity: OrgIdentity) -> list[str]:
    """Objects with seeded layouts."""
    objs = ["Contact", "Lead", "Account"]
    return objs + ["PersonAccount"] if identity.person_accounts else objs


def object_exists(obj: str, identity: OrgIdentity) -> bool:
    """Whether the org has `obj` (as a layout's object name)."""
    if obj == "PersonAccount":
        return identity.person_accounts
    if obj == "Individual":  # its fields exist only with consent management on (layout_fields)
        return True
    return obj in STANDARD_FIELDS or (identity.managed_layouts and obj in MANAGED_FIELDS)


def object_fields(obj: str, identity: OrgIdentity, consent_management: bool):
    """Fields of an object (as permission sets name it): None when the org lacks the object, ... when not modelled."""
    if obj == "Individual":
        return INDIVIDUAL_OBJECT_FIELDS if consent_management else None
    if obj in STANDARD_FIELDS or (identity.managed_layouts and obj in MANAGED_FIELDS):
        return layout_fields(obj, identity, consent_management)
    return ...


def layout_fields(obj: str, identity: OrgIdentity, consent_management: bool) -> set[str]:
    """Every field a layout of `obj` may name in this org, given the consent-management switch."""
    fobj = field_object(obj)
    if fobj == "Individual":
        return set(INDIVIDUAL_OBJECT_FIELDS) if consent_management else set()
    fields = set(STANDARD_FIELDS.get(fobj, ())) | CUSTOM_FIELDS.get(fobj, set())
    if identity.managed_layouts:
        fields |= MANAGED_FIELDS.get(fobj, set())
    if fobj == "Account" and identity.person_accounts:
        fields |= PERSON_ACCOUNT_FIELDS
    if consent_management and fobj in INDIVIDUAL_FIELDS:
        if fobj != "Account" or identity.person_accounts:
            fields.add(INDIVIDUAL_FIELDS[fobj])
    return fields
