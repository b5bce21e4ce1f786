"""Record reads and writes against an org: REST queries, sObject Collections and Bulk API 2.0.

Why our own thin client rather than simple-salesforce's `sf.bulk2`: its ingest helpers sleep `wait`
seconds (5 by default) before the first poll, show no progress while a job runs, and give no way to
refresh an expired session; the REST helpers have no sObject Collections call. We keep simple-salesforce's
session (with the retrying adapter from org.rest.mount_rest_retries mounted on it) and its URLs.

Every call goes through OrgClient.request, so the number of API calls a run makes is the number of
requests counted here (`calls`), which the task reports.
"""

import csv
import io
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import requests

from .errors import OrgError

COLLECTION_SIZE = 200  # sObject Collections take at most 200 records per call
MAX_POLL_INTERVAL = 2.0
# Rows per Bulk query results page: the larger, the fewer calls (simple-salesforce uses 50,000 too).
QUERY_PAGE_ROWS = 50000


def _first_error(response: requests.Response) -> str:
    """The org's own words from an error reply: REST errors are [{message, errorCode}]."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip().splitlines()[0][:300] if response.text.strip() else response.reason
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        return f"{first.get('errorCode', 'ERROR')}: {first.get('message', '')}".strip()
    if isinstance(body, dict):
        return f"{body.get('errorCode', body.get('error', 'ERROR'))}: {body.get('message', body.get('error_description', ''))}"
    return str(body)[:300]


def _is_expired(response: requests.Response) -> bool:
    return response.status_code == 401 and "INVALID_SESSION_ID" in (response.text or "")


@dataclass
class Outcome:
    """What happened to one row of a write: its record id on success, the org's error otherwise."""

    index: int
    id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def rows_to_csv(columns: Sequence[str], rows: Iterable[dict]) -> str:
    """CSV as Bulk API 2.0 takes it: header line, LF line endings, values quoted only when needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row.get(c)) for c in columns])
    return out.getvalue()


def csv_to_rows(text: str) -> list[dict]:
    """Parse a CSV reply (Bulk results) into dicts of strings."""
    if not text.strip():
        return []
    return list(csv.DictReader(io.StringIO(text)))


@dataclass
class OrgClient:
    """A session on one org. `refresh` returns a new access token when the session has expired."""

    session: requests.Session
    instance_url: str
    api_version: str
    token: str
    refresh: Callable[[], str] | None = None
    progress: Callable[[str], None] = lambda message: None
    poll_interval: float = 0.05
    calls: int = 0
    calls_by_kind: dict = field(default_factory=dict)

    @classmethod
    def from_sf(cls, sf, refresh=None, progress=None) -> "OrgClient":
        """Build on a simple-salesforce client (CumulusCI's `self.sf`), sharing its session and retries."""
        instance_url = sf.base_url.split("/services/")[0]
        return cls(
            session=sf.session,
            instance_url=instance_url,
            api_version=sf.sf_version,
            token=sf.session_id,
            refresh=refresh,
            progress=progress or (lambda m: None),
        )

    # -- plumbing -----------------------------------------------------------------------------
    @property
    def data_url(self) -> str:
        return f"{self.instance_url}/services/data/v{self.api_version}"

    def request(self, method: str, path: str, kind: str, **kwargs) -> requests.Response:
        """One API call; refreshes an expired session once; OrgError with the org's words on failure."""
        url = path if path.startswith("https://") or path.startswith("http://") else self.data_url + path
        headers = dict(kwargs.pop("headers", {}) or {})
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {self.token}"
            self.calls += 1
            self.calls_by_kind[kind] = self.calls_by_kind.get(kind, 0) + 1
            try:
                response = self.session.request(method, url, headers=headers, **kwargs)
            except requests.RequestException as exc:
                raise OrgError(
                    f"{kind}: the org could not be reached ({type(exc).__name__}); try again later."
                ) from None
            if attempt == 1 and self.refresh and _is_expired(response):
                self.token = self.refresh()
                continue
            break
        if response.status_code >= 300:
            raise OrgError(f"{kind} failed (HTTP {response.status_code}): {_first_error(response)}")
        return response

    # -- REST reads ---------------------------------------------------------------------------
    def describe(self, sobject: str) -> dict:
        """The describe of one object, or None if the org has no such object."""
        try:
            return self.request("GET", f"/sobjects/{sobject}/describe", "describe").json()
        except OrgError as exc:
            if "NOT_FOUND" in str(exc) or "HTTP 404" in str(exc):
                return None
            raise

    def query(self, soql: str) -> list[dict]:
        """Every record of a REST query, following nextRecordsUrl; `attributes` dropped."""
        reply = self.request("GET", "/query", "query", params={"q": soql}).json()
        records = list(reply.get("records", []))
        while not reply.get("done", True) and reply.get("nextRecordsUrl"):
            reply = self.request("GET", self.instance_url + reply["nextRecordsUrl"], "query").json()
            records.extend(reply.get("records", []))
        return [_strip_attributes(r) for r in records]

    def count(self, soql: str) -> int:
        """totalSize of a `SELECT COUNT() ...` query."""
        return int(self.request("GET", "/query", "query", params={"q": soql}).json().get("totalSize", 0))

    # -- REST writes --------------------------------------------------------------------------
    def collection_write(self, sobject: str, operation: str, rows: Sequence[dict]) -> list[Outcome]:
        """insert/update/delete through sObject Collections, 200 a call, allOrNone false, in row order."""
        outcomes: list[Outcome] = []
        for start in range(0, len(rows), COLLECTION_SIZE):
            chunk = rows[start : start + COLLECTION_SIZE]
            if operation == "delete":
                ids = ",".join(r["Id"] for r in chunk)
                reply = self.request(
                    "DELETE", f"/composite/sobjects?ids={quote(ids)}&allOrNone=false", "sObject Collections"
                ).json()
            else:
                body = {"allOrNone": False, "records": [{"attributes": {"type": sobject}, **r} for r in chunk]}
                method = "POST" if operation == "insert" else "PATCH"
                reply = self.request(method, "/composite/sobjects", "sObject Collections", json=body).json()
            for offset, result in enumerate(reply):
                index = start + offset
                if result.get("success"):
                    outcomes.append(Outcome(index, id=result.get("id") or chunk[offset].get("Id")))
                else:
                    outcomes.append(Outcome(index, id=chunk[offset].get("Id"), error=_rest_errors(result)))
            if len(rows) > COLLECTION_SIZE:
                self.progress(f"{sobject} {operation}: {min(start + COLLECTION_SIZE, len(rows))}/{len(rows)}")
        return outcomes

    # -- Bulk API 2.0 ---------------------------------------------------------------------------
    def _wait_for_job(self, path: str, what: str) -> dict:
        interval = self.poll_interval
        while True:
            info = self.request("GET", path, "Bulk API 2.0 poll").json()
            state = info.get("state")
            if state == "JobComplete":
                return info
            if state in ("Failed", "Aborted"):
                raise OrgError(
                    f"{what}: the org's Bulk API job {info.get('id')} ended {state}: "
                    f"{info.get('errorMessage') or 'no reason given'}"
                )
            processed = info.get("numberRecordsProcessed")
            if processed is not None:
                self.progress(f"{what}: {state}, {processed} records processed")
            time.sleep(interval)
            interval = min(interval * 2, MAX_POLL_INTERVAL)

    def bulk_query(self, soql: str) -> list[dict]:
        """Every row of a Bulk API 2.0 query job (values as strings; relationship columns `Rel.Field`)."""
        job = self.request(
            "POST", "/jobs/query", "Bulk API 2.0 query", json={"operation": "query", "query": soql}
        ).json()
        path = f"/jobs/query/{job['id']}"
        self._wait_for_job(path, "Bulk query")
        rows: list[dict] = []
        locator = None
        while True:
            params = {"maxRecords": QUERY_PAGE_ROWS, **({"locator": locator} if locator else {})}
            reply = self.request(
                "GET", f"{path}/results", "Bulk API 2.0 results", params=params, headers={"Accept": "text/csv"}
            )
            rows.extend(csv_to_rows(reply.content.decode("utf-8")))
            locator = reply.headers.get("Sforce-Locator")
            if not locator or locator == "null":
                return rows

    def bulk_write(self, sobject: str, operation: str, columns: Sequence[str], rows: Sequence[dict]) -> list[Outcome]:
        """insert/update/delete through one Bulk API 2.0 ingest job; outcomes in row order.

        Bulk results come back in no particular order (Bulk API 2.0 guide, "Get Job Failed Record
        Results"), as two files that echo the uploaded columns. Rows are matched back by Id for
        update and delete, and for insert by their uploaded values: rows with equal values are
        interchangeable, so which of them gets which new Id does not matter.
        """
        job = self.request(
            "POST",
            "/jobs/ingest",
            "Bulk API 2.0 ingest",
            json={
                "object": sobject,
                "operation": operation,
                "contentType": "CSV",
                "lineEnding": "LF",
                "columnDelimiter": "COMMA",
            },
        ).json()
        path = f"/jobs/ingest/{job['id']}"
        what = f"{sobject} {operation} (Bulk API 2.0)"
        data = rows_to_csv(columns, rows).encode("utf-8")
        self.request("PUT", f"{path}/batches", "Bulk API 2.0 ingest", data=data, headers={"Content-Type": "text/csv"})
        self.request("PATCH", path, "Bulk API 2.0 ingest", json={"state": "UploadComplete"})
        info = self._wait_for_job(path, what)
        self.progress(
            f"{what}: {info.get('numberRecordsProcessed')} processed, {info.get('numberRecordsFailed')} failed"
        )

        def key(row: dict):
            if operation == "insert":
                return tuple(_csv_value(row.get(c)) for c in columns)
            return _csv_value(row.get("Id"))[:15]  # results may carry the 18-character form

        waiting: dict = {}
        for index, row in enumerate(rows):
            waiting.setdefault(key(row), []).append(index)
        outcomes: dict[int, Outcome] = {}
        for kind in ("successfulResults", "failedResults", "unprocessedrecords"):
            reply = self.request("GET", f"{path}/{kind}", "Bulk API 2.0 results", headers={"Accept": "text/csv"})
            for result in csv_to_rows(reply.content.decode("utf-8")):
                indexes = waiting.get(key(result))
                if not indexes:
                    continue
                index = indexes.pop(0)
                if kind == "successfulResults":
                    outcomes[index] = Outcome(index, id=result.get("sf__Id"))
                elif kind == "failedResults":
                    outcomes[index] = Outcome(
                        index,
                        id=result.get("sf__Id") or rows[index].get("Id"),
                        error=result.get("sf__Error") or "failed, no reason given",
                    )
                else:
                    outcomes[index] = Outcome(index, id=rows[index].get("Id"), error="not processed by the org")
        return [
            outcomes.get(i) or Outcome(i, id=rows[i].get("Id"), error="no result from the org")
            for i in range(len(rows))
        ]


def _strip_attributes(record):
    if isinstance(record, dict):
        return {k: _strip_attributes(v) for k, v in record.items() if k != "attributes"}
    return record


def _rest_errors(result: dict) -> str:
    errors = result.get("errors") or []
    if not errors:
        return "failed, no reason given"
    return "; ".join(f"{e.get('statusCode', 'ERROR')}: {e.get('message', '')}" for e in errors)
