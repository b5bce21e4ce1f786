"""Enough daily API requests left? Once spent, every request is refused (docs/salesforce-facts.md, API request
limits), so a run started near the limit could stop half-way."""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from email_privacy.errors import OrgError
from email_privacy.reports.tables import write_json


class TooFewApiRequests(OrgError):
    """The org has fewer daily API requests left than the run's minimum: nothing was changed."""


@dataclass(frozen=True)
class ApiRequests:
    org: str
    max: int
    remaining: int
    minimum: int
    checked_at: str

    @property
    def enough(self) -> bool:
        return self.remaining >= self.minimum

    def as_dict(self) -> dict:
        return {
            "org": self.org,
            "checked_at": self.checked_at,
            "max": self.max,
            "remaining": self.remaining,
            "minimum": self.minimum,
            "enough": self.enough,
        }

    def sentence(self) -> str:
        return f"{self.remaining} of {self.max} daily API requests left (minimum {self.minimum})"


def check_api_requests(org, minimum: int, report_path: Path | None, log) -> ApiRequests:
    """The report is written before raising, so a CI job can tell a skipped org from a failed one."""
    daily = org.rest.daily_api_requests()
    checked = ApiRequests(
        org.name, daily["Max"], daily["Remaining"], minimum, datetime.now(UTC).isoformat(timespec="seconds")
    )
    if report_path:
        write_json(report_path, checked.as_dict())
    if not checked.enough:
        raise TooFewApiRequests(
            f"Skipped: {checked.sentence()}; nothing was changed. Run again once the org's rolling 24-hour "
            "count has room, or lower the minimum."
        )
    log.info(f"API requests: {checked.sentence()}.")
    return checked
