"""Salesforce's Consent API answer, computed from the org's records (docs/salesforce-facts.md, "Consent API").

For each id (a Contact, Lead, person Account, Individual or User id) or email address, the records it
names and the Individuals they link to are gathered (every other record linked to one of those adds the
same Individual, so the Individual flags are the whole answer); converted leads are not consulted. The
answer is the least permissive one: an action may proceed only if no consulted Individual has opted out
of it, and not at all when no Individual is linked (no record to consult). Only the actions whose
consulted field is an Individual flag are modelled here.
"""

from localorg.models.ids import normalize_id
from localorg.models.schema import PREFIX_OBJECT

ACTION_FIELDS = {"track": "HasOptedOutTracking", "process": "HasOptedOutProcessing"}
PEOPLE = (("Contact", "Email", "IndividualId"), ("Lead", "Email", "IndividualId"),
          ("Account", "PersonEmail", "PersonIndividualId"), ("User", "Email", "IndividualId"))  # fmt: skip


def _consulted(row: dict, obj: str) -> bool:
    if obj == "Lead" and row.get("IsConverted"):
        return False
    return obj != "Account" or bool(row.get("IsPersonAccount"))


def _individuals(records, key: str) -> set[str]:
    """The Individuals the id or email names: its own, or those of the records it names."""
    found: set[str] = set()
    full = normalize_id(key) if "@" not in key else None
    if full and PREFIX_OBJECT.get(full[:3]) == "Individual":
        if records.get("Individual", full):
            found.add(full)
    elif full:
        obj = PREFIX_OBJECT.get(full[:3])
        lookup = next((lk for o, _, lk in PEOPLE if o == obj), None)
        row = records.get(obj, full) if lookup else None
        if row and _consulted(row, obj) and row.get(lookup):
            found.add(row[lookup])
    else:
        for obj, email_field, lookup in PEOPLE:
            for row in records.rows_where(obj, email_field, [key]):
                if _consulted(row, obj) and row.get(lookup):
                    found.add(row[lookup])
    return found


def _text(value) -> str:
    return "true" if value else "false"


def answer(records, keys: list[str], actions: list[str], verbose: bool = False) -> dict:
    """{key: {result, proceed: {action: "true"/"false", actionResult}, [explanation]}} as Salesforce shapes it."""
    out = {}
    for key in keys:
        individuals = [records.get("Individual", i) for i in sorted(_individuals(records, key))]
        individuals = [i for i in individuals if i]
        proceed, explanation = {}, []
        for action in actions:
            field = ACTION_FIELDS[action]
            opted_out = [i for i in individuals if i.get(field)]
            proceed[action] = "true" if individuals and not opted_out else "false"
            proceed[f"{action}Result"] = "Success"
            explanation += [
                {"objectConsulted": "Individual", "field": field, "recordId": i["Id"], "value": _text(i.get(field))}
                for i in individuals
            ]
        entry = {"result": "Success", "proceed": proceed}
        if verbose:
            entry["explanation"] = explanation
        out[key] = entry
    return out
