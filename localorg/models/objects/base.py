"""What an object module declares (SObject, Field) and the field shapes several standard objects share.

Each object of the local org lives in its own data module in this package (objects/contact.py ...) and is
registered in objects/__init__.py; models/schema.py assembles them.
"""

from dataclasses import dataclass, field

from localorg.models import field_describe


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


# Global-describe flags as real orgs report them for an object holding records.
RECORD_OBJECT = {
    "createable": True, "deletable": True, "feedEnabled": True, "layoutable": True, "mergeable": True,
    "mruEnabled": True, "replicateable": True, "retrieveable": True, "searchable": True, "triggerable": True,
    "undeletable": True, "updateable": True,
}  # fmt: skip
NO_FLAGS = dict.fromkeys(RECORD_OBJECT, False)
# The object's resources real orgs name in a describe's `urls` (beyond sobject, describe, rowTemplate).
LAYOUT_URLS = {"layouts": "/describe/layouts", "compactLayouts": "/describe/compactLayouts"}
RECORD_URLS = {
    **LAYOUT_URLS,
    "approvalLayouts": "/describe/approvalLayouts",
    "listviews": "/listviews",
    "quickActions": "/quickActions",
}


@dataclass(frozen=True)
class SObject:
    """One object: its fields and what its describe and ids say of it.

    kind: "stored" (a table in the records store), "virtual" (one row computed from the org's identity) or
    "tooling" (the Tooling API's own objects). needs: the switch without which the object does not exist
    ("consent": PartyDataModelSettings.enableConsentManagement; "dev_hub"), or None.
    """

    name: str
    fields: tuple[Field, ...]
    label: str = ""
    plural: str = ""
    key_prefix: str | None = None
    kind: str = "stored"
    needs: str | None = None
    person_named: bool = False  # Name is computed from FirstName and LastName
    flags: dict = field(default_factory=lambda: dict(RECORD_OBJECT))  # the global describe's flags
    urls: dict = field(default_factory=dict)  # describe urls beyond sobject, describe, rowTemplate


def std(name, type_="string", **kw) -> Field:
    """A standard field, its label derived from its name unless given."""
    label = kw.pop("label", None) or "".join((" " + c if c.isupper() and i else c) for i, c in enumerate(name))
    length = kw.pop("length", 80 if type_ in ("string", "email", "phone", "picklist") else 0)
    return Field(name, type_, label, length=length, **kw)


# A person's name parts (Contact, Lead, Individual, User): in Name, not under field security (real describes).
PERSON_NAME = (("extraTypeInfo", "personname"), ("permissionable", False))
NAME_PART = (("compoundFieldName", "Name"), *PERSON_NAME)
# Salutation values as recorded: Lead's list carries Mx., Contact's (an older org's) does not.
SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")
LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
RATINGS = ("Hot", "Warm", "Cold")
# The Individual lookups are not under field-level security (docs/salesforce-facts.md, "Individual").
NOT_PERMISSIONABLE = (("permissionable", False),)


def person_name(salutations=SALUTATIONS, **name_kw) -> list[Field]:
    return [
        std("Salutation", "picklist", length=40, picklist=salutations, describe_keys=NAME_PART),
        std("FirstName", length=40, describe_keys=NAME_PART),
        std("LastName", required=True, length=80, describe_keys=NAME_PART),
        std("Name", readonly=True, length=121, describe_keys=PERSON_NAME, **name_kw),
    ]


def individual_lookup(name="IndividualId", prefilterable=True, **kw) -> Field:
    keys = NOT_PERMISSIONABLE + ((("searchPrefilterable", True),) if prefilterable else ())
    return std(name, "reference", reference_to="Individual", label="Individual ID", needs_consent=True,
               describe_keys=keys, **kw)  # fmt: skip


AUDIT = [
    std("CreatedDate", "datetime", readonly=True, defaulted=True),
    std("LastModifiedDate", "datetime", readonly=True, defaulted=True),
    std("SystemModstamp", "datetime", readonly=True, defaulted=True),
    std("IsDeleted", "boolean", readonly=True, label="Deleted"),
]
OWNER = std("OwnerId", "reference", reference_to="User", label="Owner ID", defaulted=True)


# The Geocode Accuracy values of every address (recorded describes).
GEOCODE_ACCURACY = ("Address", "NearAddress", "Block", "Street", "ExtendedZip", "Zip", "Neighborhood", "City",
                    "County", "State", "Unknown")  # fmt: skip
# Data.com's Clean Status values, with the labels the org shows (recorded describes).
CLEAN_STATUS = (("Matched", "In Sync"), "Different", ("Acknowledged", "Reviewed"), ("NotFound", "Not Found"),
                "Inactive", ("Pending", "Not Compared"), ("SelectMatch", "Select Match"), "Skipped")  # fmt: skip
_COORDINATE = (("precision", 18), ("scale", 15))


def address(prefix: str, label: str, **kw) -> list[Field]:
    """A compound address (Mailing, Billing, or "" for a lead's own): its parts, then the compound field, which
    reads as one value built from them (records.py) and is never written."""
    compound = f"{prefix}Address"
    part = (("compoundFieldName", compound),)
    label = f"{label} " if label else ""
    return [
        std(f"{prefix}Street", "textarea", label=f"{label}Street", length=255, describe_keys=part, **kw),
        std(f"{prefix}City", label=f"{label}City", length=40, describe_keys=part, **kw),
        std(f"{prefix}State", label=f"{label}State/Province", length=80, describe_keys=part, **kw),
        std(f"{prefix}PostalCode", label=f"{label}Zip/Postal Code", length=20, describe_keys=part, **kw),
        std(f"{prefix}Country", label=f"{label}Country", length=80, describe_keys=part, **kw),
        std(f"{prefix}Latitude", "double", label=f"{label}Latitude", describe_keys=part + _COORDINATE, **kw),
        std(f"{prefix}Longitude", "double", label=f"{label}Longitude", describe_keys=part + _COORDINATE, **kw),
        std(
            f"{prefix}GeocodeAccuracy",
            "picklist",
            label=f"{label}Geocode Accuracy",
            length=40,
            picklist=GEOCODE_ACCURACY,
            describe_keys=part + (("restrictedPicklist", True),),
            **kw,
        ),  # fmt: skip
        std(compound, "address", label=f"{label}Address", readonly=True, **kw),
    ]


# Standard fields Contact, Lead and Account all have, alike (recorded describes).
SHARED_STANDARD = (
    std("CreatedById", "reference", label="Created By ID", reference_to="User", readonly=True, defaulted=True),
    std(
        "LastModifiedById", "reference", label="Last Modified By ID", reference_to="User", readonly=True, defaulted=True
    ),
    std("LastActivityDate", "date", label="Last Activity", readonly=True),
    std("LastViewedDate", "datetime", readonly=True),
    std("LastReferencedDate", "datetime", readonly=True),
    std(
        "PhotoUrl", "url", label="Photo URL", length=255, readonly=True, describe_keys=(("extraTypeInfo", "imageurl"),)
    ),
    std("Jigsaw", label="Data.com Key", length=20),
    std("CleanStatus", "picklist", length=40, picklist=CLEAN_STATUS, describe_keys=(("restrictedPicklist", True),)),
)

# Lead and Account (not Contact): the D&B company record.
DANDB_COMPANY = std(
    "DandbCompanyId", "reference", label="D&B Company ID", reference_to="DandBCompany",
    describe_keys=(("searchPrefilterable", True),),
)  # fmt: skip
