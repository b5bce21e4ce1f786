"""Assign the project's permission set to active users lacking it, so a second run writes nothing; every username
is checked before anything is written."""

from dataclasses import dataclass, field

from email_privacy.errors import OrgError
from email_privacy.steps.individuals import soql_string

PERMISSION_SET = "Email_Privacy_Individual_Access"
COLLECTION_SIZE = 200  # sObject Collections take at most 200 records a call


@dataclass
class Assignment:
    permission_set: str
    chosen: list[str] = field(default_factory=list)  # usernames
    already: list[str] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("permission_set", "chosen", "already", "assigned", "dry_run")}


def user_condition(usernames: list[str], where: str) -> str:
    """The WHERE clause choosing active users by username list or condition."""
    if usernames:
        chosen = f"Username IN ({', '.join(soql_string(u) for u in usernames)})"
    else:
        chosen = f"({where})"
    return f"IsActive = true AND {chosen}"


def assign(rest, usernames: list[str], where: str, dry_run: bool, log, name: str = PERMISSION_SET) -> Assignment:
    """Assign permission set `name` to the chosen users who lack it; `rest` is the task's RestClient."""
    sets = rest.query(f"SELECT Id FROM PermissionSet WHERE Name = {soql_string(name)}")
    if not sets and not dry_run:  # a dry run deployed nothing: everyone chosen would get it
        raise OrgError(f"The org has no permission set {name}: deploy it first (deploy_email_privacy_permission_set).")
    ps = sets[0]["Id"] if sets else ""
    users = {
        u["Id"][:15]: u["Username"]
        for u in rest.query_all(f"SELECT Id, Username FROM User WHERE {user_condition(usernames, where)}")
    }
    if usernames:
        missing = sorted({u.lower() for u in usernames} - {u.lower() for u in users.values()})
        if missing:
            raise OrgError(f"No active user has the username {', '.join(missing)}; nothing was assigned.")
    held = {
        r["AssigneeId"][:15]
        for r in rest.query_all(f"SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSetId = '{ps}'")
    }
    result = Assignment(name, sorted(users.values()), sorted(users[u] for u in users if u in held), dry_run=dry_run)
    todo = [(uid, users[uid]) for uid in sorted(users, key=users.get) if uid not in held]
    if not users:
        log.warning(f"No active user matches; permission set {name} assigned to no one.")
        return result
    if dry_run:
        result.assigned = [u for _, u in todo]
        log.info(f"Dry run: would assign {name} to {', '.join(result.assigned) or 'no one (all hold it)'}.")
        return result
    for start in range(0, len(todo), COLLECTION_SIZE):
        chunk = todo[start : start + COLLECTION_SIZE]
        body = {
            "allOrNone": False,
            "records": [{"attributes": {"type": "PermissionSetAssignment"}, "AssigneeId": uid, "PermissionSetId": ps}
                        for uid, _ in chunk],
        }  # fmt: skip
        outcomes = rest.call(rest.sf.restful, "composite/sobjects", method="POST", json=body)
        for (_, username), outcome in zip(chunk, outcomes, strict=False):
            if outcome.get("success"):
                result.assigned.append(username)
            else:
                errors = "; ".join(e.get("message", "") for e in outcome.get("errors") or [])
                log.error(f"Could not assign {name} to {username}: {errors}")
    log.info(
        f"Permission set {name}: assigned to {len(result.assigned)} user(s)"
        + (f" ({', '.join(result.assigned)})" if result.assigned else "")
        + f"; {len(result.already)} held it already."
    )
    if len(result.assigned) < len(todo):
        raise OrgError(f"{len(todo) - len(result.assigned)} of {len(todo)} assignments of {name} failed (see above).")
    return result
