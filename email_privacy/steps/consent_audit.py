"""Does the Consent API still answer what people's flags say? People chosen as set_individual_privacy chooses them;
rows in verify's shape, so the same report, JUnit and summary carry them."""

import tempfile
from dataclasses import dataclass, field
from itertools import islice

from email_privacy.api.records import RecordsClient
from email_privacy.steps.consent_check import LIST_LIMIT, ConsentCheck, check_permission, confirm, meaning
from email_privacy.steps.individuals import find_records, resolve_targets, target_names
from email_privacy.steps.individuals_request import PrivacyRequest
from email_privacy.steps.match_index import MatchIndex


@dataclass
class Audit:
    check: ConsentCheck
    flags: dict
    not_found: list = field(default_factory=list)
    not_found_count: int = 0

    @property
    def ok(self) -> bool:
        return self.check.all_confirmed

    def rows(self) -> list[dict]:
        """Rows in verify's shape (kind, name, api_name, state, ok, verdict, item), with what to do."""
        said = meaning(self.flags)
        c = self.check
        rows = [
            _row("All people", f"{c.confirmed} of {c.asked} confirmed {said}", c.all_confirmed, "consent/multiaction",
                 "" if c.all_confirmed else f"{c.not_confirmed_count} people are not confirmed {said}; see their rows.")
        ]  # fmt: skip
        for p in c.not_confirmed:
            rows.append(
                _row(
                    p["email"] or p["id"], f"answered {p['answer']}", False, p["id"], _todo(p, self.flags), p["object"]
                )
            )
        if self.not_found_count:
            shown = ", ".join(self.not_found[:5]) + (" ..." if self.not_found_count > 5 else "")
            rows.append(
                _row("Not found", f"{self.not_found_count} emails or ids name no record: {shown}", False, "",
                     "Check the emails and ids, or remove them from the list.")
            )  # fmt: skip
        return rows

    def to_dict(self) -> dict:
        return {
            "confirmed_all": self.ok,
            "meaning": meaning(self.flags),
            **self.check.to_dict(),
            "not_found_count": self.not_found_count,
            "not_found": self.not_found,
        }


def _row(name, state, ok, api_name, todo, item="Consent API") -> dict:
    return {"kind": "Consent", "item": item, "name": name, "api_name": api_name, "state": state, "ok": ok,
            "verdict": "OK" if ok else "NOT CONFIRMED", "required": True, "todo": todo}  # fmt: skip


def _todo(person: dict, flags: dict) -> str:
    wanted = ", ".join(f"{k.removeprefix('HasOptedOut')} = {str(v).lower()}" for k, v in flags.items())
    return (
        f"Open {person['object']} {person['id']}'s data privacy record (Individual) and set {wanted}, or run "
        "set_individual_privacy for it again; a linked record with another Individual also counts."
    )


def run_audit(client: RecordsClient, request: PrivacyRequest) -> Audit:
    """Find the people the request names and ask the Consent API about each."""
    names, optional = target_names(request)
    targets = resolve_targets(client, names, optional)
    check_permission(client)
    with tempfile.TemporaryDirectory(prefix="consent-audit-") as folder:
        index = MatchIndex(folder)
        try:
            find_records(client, targets, request, index)
            check = confirm(client, index.confirmable(), request.flags, client.progress)
            not_found = index.not_found()
            audit = Audit(check, dict(request.flags), list(islice(not_found, LIST_LIMIT)))
            audit.not_found_count = len(audit.not_found) + sum(1 for _ in not_found)
        finally:
            index.close()
    return audit
