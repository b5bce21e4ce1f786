"""The report of a set_individual_privacy run: a list longer than LIST_LIMIT goes whole to a CSV file the report
names, so a run of a million records never builds a million-entry list."""

import csv
import itertools
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from email_privacy.private_files import private_file

LIST_LIMIT = 1000
FAILED_COLUMNS = ("object", "id", "email", "step", "error")


@dataclass
class Report:
    """The outcome of a run (or, for a dry run, what it would do)."""

    dry_run: bool = False
    matched: int = 0
    created: int = 0
    linked: int = 0
    updated: int = 0
    already_set: int = 0
    not_found: list = field(default_factory=list)  # the first LIST_LIMIT
    not_found_count: int = 0
    not_found_file: str | None = None  # every one, when there are more than LIST_LIMIT
    failed: list = field(default_factory=list)  # {object, id, email, step, error}, the first LIST_LIMIT
    failed_count: int = 0
    failed_file: str | None = None
    api_calls: int = 0
    api_calls_by_kind: dict = field(default_factory=dict)
    consent: dict | None = None  # the Consent API's confirmation (steps/consent_check.py), when asked

    COUNTS = ("matched", "created", "linked", "updated", "already_set", "not_found", "failed")

    def count(self, name: str) -> int:
        return getattr(self, f"{name}_count") if name in ("not_found", "failed") else getattr(self, name)

    def summary_rows(self) -> list[dict]:
        would = " (would be)" if self.dry_run else ""
        meanings = {
            "matched": "records the request applies to",
            "created": "Individuals created" + would,
            "linked": "records linked to a new Individual" + would,
            "updated": "existing Individuals updated" + would,
            "already_set": "Individuals already set as asked",
            "not_found": "emails or ids with no record",
            "failed": "records the org refused",
        }
        rows = [{"what": n, "count": self.count(n), "meaning": meanings[n]} for n in self.COUNTS]
        if self.consent and "asked" in self.consent:
            rows += [
                {"what": "confirmed", "count": self.consent["confirmed"],
                 "meaning": f"people Salesforce's Consent API confirms {self.consent['meaning']}"},
                {"what": "not_confirmed", "count": self.consent["not_confirmed_count"],
                 "meaning": "people the Consent API does not confirm (listed below)"},
            ]  # fmt: skip
        return rows

    def to_dict(self) -> dict:
        return asdict(self)

    def set_lists(self, not_found: Iterable[str], failed: Iterable[dict], stem=None) -> None:
        """Fill the lists from streams; a list longer than LIST_LIMIT also goes whole to `<stem>.<name>.csv`
        (`stem`: the report's path without .json; none given: individual-privacy in the current folder)."""
        base = Path(stem) if stem else Path("individual-privacy")
        self.not_found, self.not_found_count, self.not_found_file = _spill(
            ((v,) for v in not_found), base.with_name(base.name + ".not_found.csv"), ("value",)
        )
        self.not_found = [v for (v,) in self.not_found]
        rows, self.failed_count, self.failed_file = _spill(
            (tuple(f[c] for c in FAILED_COLUMNS) for f in failed),
            base.with_name(base.name + ".failed.csv"),
            FAILED_COLUMNS,
        )
        self.failed = [dict(zip(FAILED_COLUMNS, r, strict=True)) for r in rows]


def _spill(rows: Iterable[tuple], path: Path, header) -> tuple[list, int, str | None]:
    """(the first LIST_LIMIT rows, how many in all, the file holding all when more than LIST_LIMIT)."""
    rows = iter(rows)
    first = list(itertools.islice(rows, LIST_LIMIT))
    more = next(rows, None)
    if more is None:
        return first, len(first), None
    count = len(first)
    # Owner-only, as the JSON report: the lists hold people's emails.
    with private_file(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(first)
        for row in itertools.chain((more,), rows):
            count += 1
            writer.writerow(row)
    return first, count, str(path)
