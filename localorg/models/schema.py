"""The object schema of the local org, defined once: objects, their fields, key prefixes, and which
parts exist only while a feature is on.

Stored objects (FIELDS) have a table in the records store; computed objects (VIRTUAL_FIELDS) are
single rows derived from the org's identity; TOOLING_FIELDS are the Tooling API's own objects.
Describes, SOQL, record validation and the records store all read this module.
"""

from dataclasses import dataclass

from . import access, field_describe, organization


@dataclass(frozen=True)
class Field:
    """One field: API name, describe type, and what makes it special.

    Its describe (the field entry of an sObject describe, field_describe.py) is derived from these
    attributes; `describe_keys` holds (key, value) pairs a field's describe carries beyond or instead of
    the derived ones, so a field can say everything a real org's describe says of it.
    """

    name: str
    type: str  # id, string, email, phone, boolean, reference, datetime, picklist, date
    label: str = ""
    reference_to: str | None = None
    readonly: bool = False
    required: bool = False  # on create
    needs_consent: bool = False  # exists only while consent management is on
    needs_person_accounts: bool = False
    length: int = 0
    describe_keys: tuple[tuple[str, object], ...] = ()
    picklist: tuple[str, ...] = ()  # the values, in the org's order
    default: object = None  # what a create that leaves the field out stores (a picklist's default value)
    defaulted: bool = False  # Salesforce fills it on create (owner, audit fields)
    create_only: bool = False  # createable but not updateable
    child_relationship: tuple[str, bool] | None = None  # (name on the parent, cascadeDelete) of a lookup

    def describe(self) -> dict:
        """The field's entry in an sObject describe."""
        return field_describe.describe(self)


def _std(name, type_="string", **kw) -> Field:
    label = kw.pop("label", None) or "".join((" " + c if c.isupper() and i else c) for i, c in enumerate(name))
    length = kw.pop("length", 80 if type_ in ("string", "email", "phone", "picklist") else 0)
    return Field(name, type_, label, length=length, **kw)


# A person's name parts (Contact, Lead, Individual, User): in Name, not under field security (real describes).
_PERSON_NAME = (("extraTypeInfo", "personname"), ("permissionable", False))
_NAME_PART = (("compoundFieldName", "Name"), *_PERSON_NAME)
# Account's name: an account's own Name, or a person account's FirstName/LastName (all three name fields).
_ACCOUNT_NAME = (
    ("compoundFieldName", "Name"),
    ("extraTypeInfo", "switchablepersonname"),
    ("nameField", True),
    ("permissionable", False),
)
# Salutation values as recorded: Lead's list carries Mx., Contact's (an older org's) does not.
SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")
LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
ACCOUNT_TYPES = (
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
# The Individual lookups are not under field-level security (docs/salesforce-facts.md, "Individual").
_NOT_PERMISSIONABLE = (("permissionable", False),)


def _person_name(salutations=SALUTATIONS, **name_kw) -> list[Field]:
    return [
        _std("Salutation", "picklist", length=40, picklist=salutations, describe_keys=_NAME_PART),
        _std("FirstName", length=40, describe_keys=_NAME_PART),
        _std("LastName", required=True, length=80, describe_keys=_NAME_PART),
        _std("Name", readonly=True, length=121, describe_keys=_PERSON_NAME, **name_kw),
    ]


def _individual_lookup(name="IndividualId", prefilterable=True, **kw) -> Field:
    keys = _NOT_PERMISSIONABLE + ((("searchPrefilterable", True),) if prefilterable else ())
    return _std(name, "reference", reference_to="Individual", label="Individual ID", needs_consent=True,
                describe_keys=keys, **kw)  # fmt: skip


_AUDIT = [
    _std("CreatedDate", "datetime", readonly=True, defaulted=True),
    _std("LastModifiedDate", "datetime", readonly=True, defaulted=True),
    _std("SystemModstamp", "datetime", readonly=True, defaulted=True),
    _std("IsDeleted", "boolean", readonly=True, label="Deleted"),
]
_OWNER = _std("OwnerId", "reference", reference_to="User", label="Owner ID", defaulted=True)

FIELDS: dict[str, list[Field]] = {
    "Individual": [
        _std("Id", "id", readonly=True, label="Individual ID"),
        *_person_name(),
        _std("HasOptedOutTracking", "boolean", label="Don't Track"),
        _std("HasOptedOutProcessing", "boolean", label="Don't Process"),
        _std("HasOptedOutProfiling", "boolean", label="Don't Profile"),
        _std("HasOptedOutSolicit", "boolean", label="Don't Solicit"),
        _std("HasOptedOutGeoTracking", "boolean", label="Don't Track Location"),
        _std("ShouldForget", "boolean", label="Forget this Individual"),
        _std("SendIndividualData", "boolean", label="Export Individual's Data"),
        _std("CanStorePiiElsewhere", "boolean", label="OK to Store PII Data Elsewhere"),
        _std("BirthDate", "date"),
        _OWNER,
        *_AUDIT,
    ],
    "Contact": [
        _std("Id", "id", readonly=True, label="Contact ID"),
        *_person_name(label="Full Name"),
        _std(
            "AccountId",
            "reference",
            reference_to="Account",
            label="Account ID",
            describe_keys=(("searchPrefilterable", True),),
            child_relationship=("Contacts", True),
        ),  # fmt: skip
        _std("Email", "email"),
        _std("Phone", "phone", length=40, label="Business Phone"),
        _std("Title", length=128),
        _std("HasOptedOutOfEmail", "boolean", label="Email Opt Out"),
        _individual_lookup(),
        _std("IsPersonAccount", "boolean", readonly=True, needs_person_accounts=True),
        _OWNER,
        *_AUDIT,
    ],
    "Lead": [
        _std("Id", "id", readonly=True, label="Lead ID"),
        *_person_name((*SALUTATIONS, "Mx."), label="Full Name"),
        _std("Company", required=True, length=255),
        _std("Email", "email"),
        _std("Phone", "phone", length=40),
        _std("Title", length=128),
        _std("Status", "picklist", length=255, picklist=LEAD_STATUSES, default=LEAD_STATUSES[0]),
        _std("IsConverted", "boolean", create_only=True, label="Converted"),
        _std("HasOptedOutOfEmail", "boolean", label="Email Opt Out"),
        _individual_lookup(),
        # A lead's owner is a user or a queue (Group).
        _std(
            "OwnerId",
            "reference",
            reference_to="User",
            label="Owner ID",
            defaulted=True,
            describe_keys=(("referenceTo", ["Group", "User"]), ("polymorphicForeignKey", True), ("namePointing", True)),
        ),  # fmt: skip
        *_AUDIT,
    ],
    "Account": [
        _std("Id", "id", readonly=True, label="Account ID"),
        _std("Name", label="Account Name", length=255, describe_keys=_ACCOUNT_NAME),
        _std("Type", "picklist", length=40, label="Account Type", picklist=ACCOUNT_TYPES),
        # Record types beyond Master exist here only with person accounts, and with them the field.
        _std(
            "RecordTypeId",
            "reference",
            reference_to="RecordType",
            label="Record Type ID",
            needs_person_accounts=True,
            describe_keys=_NOT_PERMISSIONABLE,
        ),  # fmt: skip
        _std("Phone", "phone", length=40, label="Account Phone"),
        _std("Industry", "picklist", length=40, picklist=INDUSTRIES),
        _std("FirstName", length=40, needs_person_accounts=True, describe_keys=_ACCOUNT_NAME),
        _std("LastName", length=80, needs_person_accounts=True, describe_keys=_ACCOUNT_NAME),
        _std("IsPersonAccount", "boolean", readonly=True, needs_person_accounts=True),
        _std("PersonEmail", "email", label="Email", needs_person_accounts=True),
        _std("PersonHasOptedOutOfEmail", "boolean", label="Email Opt Out", needs_person_accounts=True),
        _individual_lookup("PersonIndividualId", prefilterable=False, needs_person_accounts=True),
        _OWNER,
        *_AUDIT,
    ],
    "User": [
        _std("Id", "id", readonly=True, label="User ID"),
        _std("Username", required=True),
        _std("FirstName", length=40),
        _std("LastName", required=True),
        _std("Name", readonly=True),
        _std("Email", "email", required=True),
        _std("IsActive", "boolean"),
        _std("UserType", "picklist", readonly=True),
        _individual_lookup(prefilterable=False),
        *_AUDIT,
    ],
    # Dev Hub objects (Object Reference: ScratchOrgInfo, ActiveScratchOrg); they exist in a Dev Hub only.
    "ScratchOrgInfo": [
        _std("Id", "id", readonly=True, label="Scratch Org Info ID"),
        _std("Name", readonly=True, label="Number"),
        _std("OrgName", label="Org Name"),
        _std("Edition", "picklist"),
        _std("Features", length=10000),
        _std("DurationDays", "int", label="Duration (Days)"),
        _std("AdminEmail", "email", label="Admin Email"),
        _std("Username"),
        _std("Description", length=255),
        _std("HasSampleData", "boolean"),
        _std("Language", "picklist"),
        _std("Country", length=3),
        _std("Release", "picklist"),
        _std("Namespace", length=15),
        _std("Snapshot", length=80),
        _std("SourceOrg", length=15),
        _std("Template", length=15),
        _std("Package2AncestorIds", length=10000),
        _std("ConnectedAppConsumerKey", length=120),
        _std("ConnectedAppCallbackUrl", length=2000),
        _std("Status", "picklist", readonly=True),
        _std("ErrorCode", readonly=True, length=8),
        _std("ScratchOrg", readonly=True, length=15),
        _std("SignupUsername", readonly=True),
        _std("SignupEmail", "email", readonly=True),
        _std("SignupInstance", readonly=True, length=15),
        _std("LoginUrl", readonly=True, length=2000),
        _std("AuthCode", readonly=True, length=120),
        _std("ExpirationDate", "date", readonly=True),
        _std("DeletedDate", "date", readonly=True),
        _std("CreatedById", "reference", reference_to="User", readonly=True, label="Created By ID"),
        _OWNER,
        *_AUDIT,
    ],
    "ActiveScratchOrg": [
        _std("Id", "id", readonly=True, label="Active Scratch Org ID"),
        _std("Name", readonly=True),
        _std("OrgName", readonly=True),
        _std("Edition", "picklist", readonly=True),
        _std("Features", readonly=True, length=10000),
        _std("HasSampleData", "boolean", readonly=True),
        _std("Namespace", readonly=True, length=15),
        _std("ScratchOrg", readonly=True, length=15),
        _std("ScratchOrgInfoId", "reference", reference_to="ScratchOrgInfo", readonly=True),
        _std("SignupEmail", "email", readonly=True),
        _std("SignupInstance", readonly=True, length=15),
        _std("SignupUsername", readonly=True),
        _std("ExpirationDate", "date", readonly=True),
        _std("Description", length=255),
        _std("CreatedById", "reference", reference_to="User", readonly=True, label="Created By ID"),
        _OWNER,
        *_AUDIT,
    ],
}
DEV_HUB_OBJECTS = ("ScratchOrgInfo", "ActiveScratchOrg")

KEY_PREFIX = {
    "Account": "001",
    "Contact": "003",
    "Lead": "00Q",
    "User": "005",
    "Individual": "0PK",
    "Organization": "00D",
    "UserPermissionAccess": "0up",
    "RecordType": "012",
    "ScratchOrgInfo": "2SR",
    "ActiveScratchOrg": "2AS",
}
PREFIX_OBJECT = {v: k for k, v in KEY_PREFIX.items()}
# Name is computed from FirstName and LastName on these (a person account's Name too).
PERSON_NAMED = {"Individual", "Contact", "Lead", "User"}


@dataclass(frozen=True)
class Visibility:
    """Which optional parts of the schema exist in the org right now."""

    consent: bool = False  # PartyDataModelSettings.enableConsentManagement
    person_accounts: bool = False
    dev_hub: bool = False

    def object_exists(self, obj: str) -> bool:
        if obj in DEV_HUB_OBJECTS:
            return self.dev_hub
        return obj in FIELDS and (obj != "Individual" or self.consent)

    def fields(self, obj: str) -> list[Field]:
        """The fields of obj that exist in the org (empty if the object does not)."""
        if not self.object_exists(obj):
            return []
        return [
            f
            for f in FIELDS[obj]
            if (self.consent or not f.needs_consent) and (self.person_accounts or not f.needs_person_accounts)
        ]

    def field_map(self, obj: str) -> dict[str, Field]:
        """Visible fields of obj keyed by lower-case name (API names are case-insensitive)."""
        return {f.name.lower(): f for f in self.fields(obj)}


# Single-row objects computed from the org's identity and metadata (no table of their own).
VIRTUAL_FIELDS = {
    "Organization": [
        Field("Id", "id", "Organization ID", readonly=True),
        Field("Name", "string", "Name", length=80),
        Field("OrganizationType", "picklist", "Edition", readonly=True),
        Field("IsSandbox", "boolean", "Is Sandbox", readonly=True),
        Field("InstanceName", "string", "Instance Name", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("TrialExpirationDate", "datetime", "Trial Expiration Date", readonly=True),
        Field("PreferencesConsentManagementEnabled", "boolean", "Consent Management Enabled"),
        Field("LanguageLocaleKey", "picklist", "Language"),
        Field("DefaultLocaleSidKey", "picklist", "Locale"),
        Field("TimeZoneSidKey", "picklist", "Time Zone"),
        Field("Country", "string", "Country"),
        *[_std(name, type_, readonly=True) for name, type_, _ in organization.STANDING],
        *[_std(n, t, readonly=True, reference_to="User" if t == "reference" else None) for n, t in organization.AUDIT],
    ],
    "UserPermissionAccess": [Field("Id", "id", "ID", readonly=True)]
    + [
        Field(f"Permissions{p}", "boolean", p, readonly=True)
        for p in (
            "CustomizeApplication",
            "ModifyAllData",
            "ModifyMetadata",
            "ApiEnabled",
            "LightningExperienceUser",
            "ViewSetup",
            "ViewAllData",
        )
    ],
}
LABELS = {
    "Individual": ("Individual", "Individuals"),
    "Contact": ("Contact", "Contacts"),
    "Lead": ("Lead", "Leads"),
    "Account": ("Account", "Accounts"),
    "User": ("User", "Users"),
    "Organization": ("Organization", "Organizations"),
    "UserPermissionAccess": ("User Permission Access", "User Permission Access"),
    "ScratchOrgInfo": ("Scratch Org Info", "Scratch Org Infos"),
    "ActiveScratchOrg": ("Active Scratch Org", "Active Scratch Orgs"),
}
access.register(FIELDS, KEY_PREFIX, PREFIX_OBJECT, LABELS, VIRTUAL_FIELDS, _std, _AUDIT)


# Objects only the Tooling API has (its /tooling/query; the data API's /query answers INVALID_TYPE, as
# Salesforce does). Layout: one row per page layout, Id = listMetadata's id (00h), API 32.0+.
TOOLING_FIELDS = {
    "Layout": [
        Field("Id", "id", "Layout ID", readonly=True),
        Field("Name", "string", "Name", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("TableEnumOrId", "string", "Entity Type ID", readonly=True),
        Field("ManageableState", "picklist", "Manageable State", readonly=True),
        Field("LayoutType", "picklist", "Layout Type", readonly=True),
        Field("CreatedById", "string", "Created By ID", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedById", "string", "Last Modified By ID", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ],
    # FlexiPage: a row per Lightning page, Id = listMetadata's id (0M0); fields per the Tooling API Reference.
    "FlexiPage": [
        Field("Id", "id", "FlexiPage ID", readonly=True),
        Field("DeveloperName", "string", "Developer Name", readonly=True),
        Field("MasterLabel", "string", "Label", readonly=True),
        Field("NamespacePrefix", "string", "Namespace Prefix", readonly=True),
        Field("Type", "picklist", "Type", readonly=True),
        Field("CreatedById", "string", "Created By ID", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedById", "string", "Last Modified By ID", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ],
    # Source tracking (Tooling API Reference: SourceMember); only orgs that track source have it.
    "SourceMember": [
        Field("Id", "id", "Source Member ID", readonly=True),
        Field("MemberType", "string", "Member Type", readonly=True),
        Field("MemberName", "string", "Member Name", readonly=True),
        Field("MemberIdOrName", "string", "Member Id Or Name", readonly=True),
        Field("RevisionCounter", "int", "Revision Counter"),
        Field("RevisionNum", "int", "Revision Number", readonly=True),
        Field("IsNameObsolete", "boolean", "Is Name Obsolete", readonly=True),
        Field("IsNewMember", "boolean", "Is New Member", readonly=True),
        Field("ChangedBy", "string", "Changed By", readonly=True),
        Field("CreatedDate", "datetime", "Created Date", readonly=True),
        Field("LastModifiedDate", "datetime", "Last Modified Date", readonly=True),
    ],
}


def cascading_lookups(obj: str) -> list[tuple[str, str]]:
    """(child object, lookup field) whose records go with a deleted obj record (cascadeDelete in the describe)."""
    return [
        (child, f.name)
        for child, fields in FIELDS.items()
        for f in fields
        if f.reference_to == obj and f.child_relationship and f.child_relationship[1]
    ]
