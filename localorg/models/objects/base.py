"""What an object module declares (SObject, Field) and the field shapes several standard objects share.

Each object of the local org lives in its own data module in this package (objects/contact.py ...) and is
registered in objects/__init__.py; models/schema.py assembles them.
"""

from dataclasses import dataclass, field

from .. import field_describe


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
