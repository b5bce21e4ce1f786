"""Query cursors: the rest of a large SOQL result, kept by the org for `nextRecordsUrl` (queryMore)."""

import itertools

MAX_CURSORS = 50  # the oldest cursors go first, as an org expires idle query locators


class QueryCursors:
    """Locator -> the whole result's records; the newest MAX_CURSORS are kept."""

    def __init__(self):
        self._records: dict[str, list] = {}
        self._ids = itertools.count(1)

    def open(self, records: list) -> str:
        """Keep records; return their locator (01g..., as Salesforce's query locators start)."""
        locator = f"01g{next(self._ids):012d}"
        self._records[locator] = records
        while len(self._records) > MAX_CURSORS:
            self._records.pop(next(iter(self._records)))
        return locator

    def get(self, locator: str) -> list | None:
        return self._records.get(locator)
