"""A field's entry in an sObject describe, derived from its schema Field: every key a real org's field
describe carries (57 of them, in Salesforce's alphabetical order), with the values real orgs give for the
standard fields served here (recorded real describes; docs/salesforce-facts.md, "Describes").
"""

ID_LENGTH = 18  # id and reference fields report the 18-character id length
BYTES_PER_CHARACTER = 3  # byteLength of a text field: its length in UTF-8's worst case
SOAP_TYPES = {
    "boolean": "xsd:boolean",
    "id": "tns:ID",
    "reference": "tns:ID",
    "datetime": "xsd:dateTime",
    "date": "xsd:date",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
    "address": "urn:address",
}
# A compound address reads as one value and is filtered, sorted and grouped by its parts (recorded describes).
_ADDRESS = {"aggregatable": False, "groupable": False, "sortable": False, "queryByDistance": True}
# A long text area (Description's 32,000 characters) is read only: not filtered, sorted, grouped or aggregated.
_LONG_TEXT = {"aggregatable": False, "filterable": False, "groupable": False, "sortable": False}
# Keys whose value is the same for every standard field served here.
CONSTANT_KEYS = {
    "aiPredictionField": False,
    "autoNumber": False,
    "calculated": False,
    "calculatedFormula": None,
    "cascadeDelete": False,
    "caseSensitive": False,
    "compoundFieldName": None,
    "controllerName": None,
    "custom": False,
    "defaultValueFormula": None,
    "dependentPicklist": False,
    "deprecatedAndHidden": False,
    "digits": 0,
    "displayLocationInDecimal": False,
    "encrypted": False,
    "externalId": False,
    "extraTypeInfo": None,
    "filterable": True,
    "filteredLookupInfo": None,
    "formulaTreatNullNumberAsZero": False,
    "highScaleNumber": False,
    "htmlFormatted": False,
    "inlineHelpText": None,
    "mask": None,
    "maskType": None,
    "namePointing": False,
    "polymorphicForeignKey": False,
    "precision": 0,
    "queryByDistance": False,
    "referenceTargetField": None,
    "relationshipOrder": None,
    "restrictedDelete": False,
    "restrictedPicklist": False,
    "scale": 0,
    "searchPrefilterable": False,
    "sortable": True,
    "unique": False,
    "writeRequiresMasterRead": False,
}


def defaulted_on_create(f) -> bool:
    """Salesforce fills the field when a create leaves it out (ids, checkboxes, audit fields, owner, defaults)."""
    return f.type in ("id", "boolean") or f.defaulted or f.default is not None


def default_value(f):
    return False if f.type == "boolean" and f.default is None else f.default


def picklist_values(f) -> list[dict]:
    """Each entry of f.picklist is a value, or (value, label) where the org shows another label."""
    pairs = [entry if isinstance(entry, tuple) else (entry, entry) for entry in f.picklist]
    return [
        {"active": True, "defaultValue": value == f.default, "label": label, "validFor": None, "value": value}
        for value, label in pairs
    ]


def describe(f) -> dict:
    """The field's describe; `f.describe_keys` has the last word for what a field says beyond the derivable."""
    defaulted = defaulted_on_create(f)
    length = ID_LENGTH if f.type in ("id", "reference") else f.length
    nillable = not (f.required or defaulted or f.name == "Name")
    updateable = not f.readonly and not f.create_only
    out = dict(CONSTANT_KEYS)
    out.update(
        {
            "aggregatable": f.type != "boolean",
            "byteLength": length if f.type in ("id", "reference") else length * BYTES_PER_CHARACTER,
            "createable": not f.readonly,
            "defaultValue": default_value(f),
            "defaultedOnCreate": defaulted,
            "groupable": f.type not in ("datetime", "double", "currency", "percent"),
            "idLookup": f.name in ("Id", "Email", "Username"),
            "label": f.label,
            "length": length,
            "name": f.name,
            "nameField": f.name == "Name",
            "nillable": nillable,
            # Field-level security applies to optional fields a user can edit; required, defaulted and system
            # fields are not permissionable.
            "permissionable": f.type == "address"
            or (updateable and not f.required and not f.defaulted and f.default is None),
            "picklistValues": picklist_values(f),
            "referenceTo": [f.reference_to] if f.reference_to else [],
            "relationshipName": f.name[:-2] if f.reference_to else None,
            "soapType": SOAP_TYPES.get(f.type, "xsd:string"),
            "type": f.type,
            "updateable": updateable,
        }
    )
    if f.type == "address":
        out.update(_ADDRESS)
    if f.type == "textarea":
        out["extraTypeInfo"] = "plaintextarea"
        out.update(_LONG_TEXT if f.length > 255 else {})
    out.update(f.describe_keys)
    return dict(sorted(out.items()))
