"""One field's value on its way into and out of the records store: checked and converted as Salesforce checks a
written value (types, lengths, lookups), and a compound address read from its parts."""

from localorg.exceptions import RecordError
from localorg.models.ids import normalize_id
from localorg.models.record_types import is_record_type_of
from localorg.models.schema import PREFIX_OBJECT, Field, Visibility

COLUMN_TYPES = {"boolean": "INTEGER", "int": "INTEGER", "double": "REAL", "currency": "REAL", "percent": "REAL"}
_NUMBERS = ("int", "double", "currency", "percent")
# A compound address's keys in a REST record (REST API Developer Guide, "Compound Fields"), from its parts.
_ADDRESS_PARTS = {
    "city": "City", "country": "Country", "geocodeAccuracy": "GeocodeAccuracy", "latitude": "Latitude",
    "longitude": "Longitude", "postalCode": "PostalCode", "state": "State", "street": "Street",
}  # fmt: skip


def address_value(rec: dict, prefix: str) -> dict | None:
    """The compound address of prefix (Mailing, Billing, "" for a lead's own): null when every part is."""
    value = {key: rec.get(prefix + part) for key, part in _ADDRESS_PARTS.items()}
    return value if any(v is not None for v in value.values()) else None


def field_value(store, obj: str, f: Field, value, vis: Visibility):
    """A written value as stored, checked as Salesforce checks it; RecordError otherwise. `store` answers
    whether a looked-up record exists."""
    if value is None:
        if f.required:
            raise RecordError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{f.name}]", [f.name])
        return None
    if f.type == "boolean":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return int(value.lower() == "true")
        raise _wrong_type(f, value)
    if f.type in _NUMBERS:
        if isinstance(value, str):
            try:
                value = float(value) if f.type != "int" else int(value)
            except ValueError:
                raise _wrong_type(f, value) from None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (f.type != "int" or value == int(value)):
            return int(value) if f.type == "int" else float(value)
        raise _wrong_type(f, value)
    if f.type == "reference":
        full = normalize_id(value)
        if not full:
            raise RecordError("MALFORMED_ID", f"{f.label}: id value of incorrect type: {value}", [f.name])
        if PREFIX_OBJECT.get(full[:3]) != f.reference_to:
            raise RecordError("FIELD_INTEGRITY_EXCEPTION", f"{f.label}: id value of incorrect type: {value}", [f.name])
        if f.reference_to == "RecordType":
            if not is_record_type_of(obj, vis.person_accounts, full):
                raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [f.name])
            return full
        if store.get(f.reference_to, full) is None:
            raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [f.name])
        return full
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) and f.type != "boolean":
        raise _wrong_type(f, value)
    text = str(value)
    if f.length and len(text) > f.length and f.type != "email":
        raise RecordError(
            "STRING_TOO_LONG", f"{f.label}: data value too large: {text[:40]} (max length={f.length})", [f.name]
        )
    return text


def _wrong_type(f, value) -> RecordError:
    return RecordError("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{f.label}: value not of required type: {value}", [f.name])
