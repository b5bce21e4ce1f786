"""DailyApiRequests: the org's allocation of API requests and what it served in the last 24 hours.

Salesforce counts API requests over a rolling 24-hour period and refuses more once the allocation is
spent; the Versions URI (/services/data) and OAuth requests do not count (docs/salesforce-facts.md,
"API request limits"). The count is kept per hour, so the window rolls an hour at a time, in
DIR/api-usage.json: written when the org closes and whenever what is left is set, not on every
request (a request costs a counter increment, not a file write).
"""

import json
import threading
import time
from pathlib import Path

from localorg.files import write_atomic

STATE_FILE = "api-usage.json"
# Developer Edition's allocation, the edition the local org reports by default.
DEFAULT_MAX = 15_000
WINDOW_HOURS = 24


class ApiUsage:
    """The org's DailyApiRequests: Max, and requests served per hour over the last 24 hours."""

    def __init__(self, root: Path, clock=time.time):
        self.path = Path(root) / STATE_FILE
        self._clock = clock
        self._lock = threading.Lock()
        self.max = DEFAULT_MAX
        self._hours: dict[int, int] = {}
        if self.path.is_file():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.max = int(data.get("max", DEFAULT_MAX))
            self._hours = {int(k): int(v) for k, v in data.get("hours", {}).items()}

    def _hour(self) -> int:
        return int(self._clock() // 3600)

    def _used(self) -> int:
        oldest = self._hour() - WINDOW_HOURS + 1
        self._hours = {h: n for h, n in self._hours.items() if h >= oldest}
        return sum(self._hours.values())

    def used(self) -> int:
        with self._lock:
            return self._used()

    def remaining(self) -> int:
        with self._lock:
            return max(0, self.max - self._used())

    def spend(self) -> bool:
        """Count one request; False (and nothing counted) when none is left."""
        with self._lock:
            if self._used() >= self.max:
                return False
            hour = self._hour()
            self._hours[hour] = self._hours.get(hour, 0) + 1
            return True

    def set_remaining(self, remaining: int) -> None:
        """Leave `remaining` requests in the window (as if the rest had been served this hour); saved."""
        if not 0 <= remaining <= self.max:
            raise ValueError(f"{remaining}: give a whole number of requests from 0 to {self.max} (the org's Max)")
        with self._lock:
            self._hours = {self._hour(): self.max - remaining} if remaining < self.max else {}
        self.save()

    def save(self) -> None:
        with self._lock:
            data = {"max": self.max, "hours": {str(h): n for h, n in self._hours.items()}}
        write_atomic(self.path, json.dumps(data).encode("utf-8"), mode=0o600)
