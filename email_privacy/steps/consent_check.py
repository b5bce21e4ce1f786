"""Ask Salesforce's Consent API, the answer a rep's email client gets, whether people may be tracked or processed
(docs/salesforce-facts.md, Consent API); a person is confirmed when every answer is the one their flag means."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from email_privacy.api.records import RecordsClient
from email_privacy.errors import OrgError

ACTIONS = {"HasOptedOutTracking": "track", "HasOptedOutProcessing": "process"}
LABELS = {"HasOptedOutTracking": "Don't Track", "HasOptedOutProcessing": "Don't Process"}
BATCH = 200  # ids per call: 200 ids of 18 characters stay far under Salesforce's 16,384-byte URI
LIST_LIMIT = 1000
NOT_CONFIRMED_COLUMNS = ("object", "id", "email", "answer")


@dataclass
class ConsentCheck:
    asked: int = 0
    confirmed: int = 0
    not_confirmed: list = field(default_factory=list)  # {object, id, email, answer}, the first LIST_LIMIT
    not_confirmed_count: int = 0
    calls: int = 0

    @property
    def all_confirmed(self) -> bool:
        return self.not_confirmed_count == 0

    def to_dict(self) -> dict:
        return {
            "asked": self.asked,
            "confirmed": self.confirmed,
            "not_confirmed_count": self.not_confirmed_count,
            "not_confirmed": self.not_confirmed,
            "calls": self.calls,
        }


def check_permission(client: RecordsClient) -> None:
    """OrgError naming the permission when the running user may not call the Consent API."""
    rows = list(client.query("SELECT PermissionsViewAllData, PermissionsPrivacyDataAccess FROM UserPermissionAccess"))
    row = rows[0] if rows else {}
    if not (row.get("PermissionsViewAllData") or row.get("PermissionsPrivacyDataAccess")):
        raise OrgError(
            "The Consent API needs the running user to have View All Data or Allow User Access to Privacy "
            "Data (PermissionsPrivacyDataAccess); give one of them (a permission set will do) and run again."
        )


def expected(flags: dict) -> dict[str, str]:
    return {ACTIONS[f]: "false" if value else "true" for f, value in flags.items()}


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def confirm(client: RecordsClient, people: Iterable[tuple], flags: dict, progress=lambda m: None) -> ConsentCheck:
    """Ask about each (object, id, email) person; count those whose answer matches `flags` and list the others."""
    wanted = expected(flags)
    actions = sorted(wanted)
    check = ConsentCheck()
    before = client.calls
    for chunk in _batches(people, BATCH):
        answers = client.consent(actions, [rid for _, rid, _ in chunk])
        for obj, rid, email in chunk:
            check.asked += 1
            answer = answers.get(rid) or answers.get(rid[:15]) or {}
            proceed = answer.get("proceed") or {}
            got = {a: str(proceed.get(a, "")).lower() for a in actions}
            if answer.get("result") == "Success" and got == wanted:
                check.confirmed += 1
                continue
            check.not_confirmed_count += 1
            if len(check.not_confirmed) < LIST_LIMIT:
                said = ", ".join(f"{a}: {got[a] or 'no answer'}" for a in actions)
                if answer.get("result") not in (None, "Success"):
                    said = str(answer.get("result"))
                check.not_confirmed.append({"object": obj, "id": rid, "email": email, "answer": said})
        progress(f"Consent API: {check.asked} people asked, {check.confirmed} confirmed")
    check.calls = client.calls - before
    return check


def meaning(flags: dict) -> str:
    words = {"HasOptedOutTracking": "tracked", "HasOptedOutProcessing": "processed"}
    return " and ".join(f"{'not ' if v else ''}to be {words[f]}" for f, v in flags.items())


def ask_consent(client: RecordsClient, people: Iterable[tuple], flags: dict) -> dict:
    """The confirmation as a report entry; a missing permission is said, not raised (the writes are done)."""
    try:
        check_permission(client)
    except OrgError as exc:
        client.progress(f"Not asking the Consent API: {exc}")
        return {"skipped": str(exc), "meaning": meaning(flags)}
    return {**confirm(client, people, flags, client.progress).to_dict(), "meaning": meaning(flags)}
