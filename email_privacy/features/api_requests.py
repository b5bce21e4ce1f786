"""The API-request check: does the org have enough of its daily API requests left for a run?

Salesforce refuses every API request once an org's DailyApiRequests for the rolling 24 hours are spent
(docs/salesforce-facts.md, "API request limits"), so a run that starts near the limit can stop half-way
and leave the org's other integrations with nothing. The check reads /limits once, before any change,
and refuses to go on below a minimum.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..cci.report import write_json
from ..errors import OrgError


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
    """Read the org's DailyApiRequests, log them, write the JSON report when asked; TooFewApiRequests below
    `minimum` (the report is written first, so a CI job can tell a skipped org from a failed one)."""
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
