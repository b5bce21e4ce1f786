"""Field paths checked against the schema (Email, Individual.HasOptedOutTracking) and value normalising shared by
the SOQL executor's parts."""

from dataclasses import dataclass

from localorg.models.ids import normalize_id
from localorg.soql.lexer import SoqlError, near
from localorg.soql.parser import Path


@dataclass
class _Resolved:
    """A path checked against the schema."""

    path: Path
    field_name: str  # canonical name of the last part
    field_type: str
    parent_field: str | None = None  # e.g. IndividualId for Individual.X
    parent_obj: str | None = None
    relationship: str | None = None  # canonical relationship name, e.g. Individual


def _invalid_field(q: str, pos: int, name: str, obj: str) -> SoqlError:
    return SoqlError(
        "INVALID_FIELD",
        near(q, pos) + f"No such column '{name}' on entity '{obj}'. If you are "
        "attempting to use a custom field, be sure to append the '__c' after the custom field name. "
        "Please reference your WSDL or the describe call for the appropriate names.",
    )


def _resolve(q: str, source, obj: str, path: Path) -> _Resolved:
    fmap = source.fields(obj)
    if len(path.parts) == 1:
        f = fmap.get(path.parts[0].lower())
        if not f:
            raise _invalid_field(q, path.pos, path.parts[0], obj)
        return _Resolved(path, f.name, f.type)
    rel, name = path.parts
    ref = next((f for f in fmap.values() if f.reference_to and f.name.lower() == rel.lower() + "id"), None)
    if not ref:
        raise SoqlError(
            "INVALID_FIELD",
            near(q, path.pos) + f"Didn't understand relationship '{rel}' in field "
            f"path. If you are attempting to use a custom relationship, be sure to append the '__r' after "
            "the custom relationship name. Please reference your WSDL or the describe call for the "
            "appropriate names.",
        )
    parent_fields = source.fields(ref.reference_to) or {}
    pf = parent_fields.get(name.lower())
    if not pf:
        raise _invalid_field(q, path.pos, path.text, obj)
    return _Resolved(path, pf.name, pf.type, ref.name, ref.reference_to, ref.name[:-2])


def _full_id(value):
    return (normalize_id(value) or value) if isinstance(value, str) else value


def _norm(value):
    return value.lower() if isinstance(value, str) else value
