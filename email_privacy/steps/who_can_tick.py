"""Active users who may edit Individual's two flags, and through what (docs/salesforce-facts.md, Who can edit a
field): four REST queries whatever the number of users."""

from collections import Counter
from dataclasses import dataclass

from email_privacy.steps.consent_check import LABELS
from email_privacy.steps.individuals import soql_string

FIELDS = ("HasOptedOutTracking", "HasOptedOutProcessing")
DEFAULT_MINIMUM = 1  # besides the running user: someone else must be able to honour a request


def soql_string_list(values) -> str:
    return ", ".join(soql_string(v) for v in values)


@dataclass
class Editors:
    field: str  # HasOptedOutTracking
    users: int  # active users who can, the running user included
    others: int  # besides the running user
    through: Counter  # {"System Administrator (profile)": users, "Email Privacy: Individual Access": users}

    @property
    def label(self) -> str:
        return LABELS[self.field]

    def state(self) -> str:
        via = ", ".join(f"{name} {n}" for name, n in sorted(self.through.items())) or "nothing"
        return f"{self.others} active users besides you can edit it ({self.users} in all; through {via})"


def _set_name(row: dict) -> str:
    if row.get("IsOwnedByProfile"):
        profile = (row.get("Profile") or {}).get("Name") or row.get("Label") or row["Id"]
        return f"{profile} (profile)"
    return row.get("Label") or row.get("Name") or row["Id"]


def editors(query_all, running_user_id: str) -> list[Editors]:
    """Editors of each flag; `query_all(soql)` returns every record of a REST query."""
    fields = soql_string_list(f"Individual.{f}" for f in FIELDS)
    field_edit: dict[str, set[str]] = {f: set() for f in FIELDS}
    for row in query_all(
        "SELECT ParentId, Field FROM FieldPermissions WHERE SobjectType = 'Individual' "
        f"AND PermissionsEdit = true AND Field IN ({fields})"
    ):
        field_edit[row["Field"].split(".", 1)[1]].add(row["ParentId"][:15])
    object_edit = {
        row["ParentId"][:15]
        for row in query_all(
            "SELECT ParentId FROM ObjectPermissions WHERE SobjectType = 'Individual' AND PermissionsEdit = true"
        )
    }
    sets = set().union(*field_edit.values()) | object_edit
    if not sets:
        return [Editors(f, 0, 0, Counter()) for f in FIELDS]
    ids = soql_string_list(sorted(sets))
    names = {
        row["Id"][:15]: _set_name(row)
        for row in query_all(
            f"SELECT Id, Name, Label, IsOwnedByProfile, Profile.Name FROM PermissionSet WHERE Id IN ({ids})"
        )
    }
    held: dict[str, set[str]] = {}
    for row in query_all(
        "SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment "
        f"WHERE Assignee.IsActive = true AND PermissionSetId IN ({ids})"
    ):
        held.setdefault(row["AssigneeId"][:15], set()).add(row["PermissionSetId"][:15])
    me = (running_user_id or "")[:15]
    out = []
    for f in FIELDS:
        through: Counter = Counter()
        users = others = 0
        for user, user_sets in held.items():
            if not (user_sets & object_edit) or not (user_sets & field_edit[f]):
                continue
            users += 1
            others += user != me
            for s in sorted(user_sets & field_edit[f]):
                through[names.get(s, s)] += 1
        out.append(Editors(f, users, others, through))
    return out
