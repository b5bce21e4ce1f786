"""Record reads and writes (REST, sObject Collections, Bulk API 2.0), streamed, on simple-salesforce's session:
its own `bulk2` holds pages and uploads in memory (docs/salesforce-facts.md, Bulk API 2.0). Every call goes
through `request`, so `calls` is the run's API call count."""

import codecs
import csv
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

from email_privacy.errors import OrgError

COLLECTION_SIZE = 200  # sObject Collections take at most 200 records per call
MAX_POLL_INTERVAL = 2.0
QUERY_PAGE_ROWS = 50000
PROGRESS_SECONDS = 5.0
RESULT_KINDS = ("successfulResults", "failedResults", "unprocessedrecords")


def _first_error(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip().splitlines()[0][:300] if response.text.strip() else response.reason
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        return f"{first.get('errorCode', 'ERROR')}: {first.get('message', '')}".strip()
    if isinstance(body, dict):
        code = body.get("errorCode", body.get("error", "ERROR"))
        return f"{code}: {body.get('message', body.get('error_description', ''))}"
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


def csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def response_lines(response: requests.Response) -> Iterator[str]:
    """Lines (ends kept, for csv), read in chunks: a streamed reply is never held whole."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    tail = ""
    for chunk in response.iter_content(chunk_size=1 << 16):
        text = tail + decoder.decode(chunk)
        lines = text.split("\n")
        tail = lines.pop()
        for line in lines:
            yield line + "\n"
    tail += decoder.decode(b"", final=True)
    if tail:
        yield tail


class Every:
    """Calls `progress` at most once per `seconds` (the first call always), so long runs log every few seconds."""

    def __init__(self, progress: Callable[[str], None], seconds: float = PROGRESS_SECONDS):
        self.progress, self.seconds, self.last = progress, seconds, None

    def __call__(self, message: Callable[[], str] | str, force: bool = False) -> None:
        now = time.monotonic()
        if force or self.last is None or now - self.last >= self.seconds:
            self.last = now
            self.progress(message() if callable(message) else message)


@dataclass
class RecordsClient:
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
    last_headers: dict = field(default_factory=dict)  # of the last CSV reply read (Sforce-Locator)

    @classmethod
    def from_sf(cls, sf, refresh=None, progress=None) -> "RecordsClient":
        """Build on a simple-salesforce client (CumulusCI's `self.sf`), sharing its session and retries."""
        return cls(
            session=sf.session,
            instance_url=sf.base_url.split("/services/")[0],
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
        upload = kwargs.pop("upload", None)  # a file path: opened per attempt, so a repeat sends it whole
        for attempt in (1, 2):
            headers["Authorization"] = f"Bearer {self.token}"
            self.calls += 1
            self.calls_by_kind[kind] = self.calls_by_kind.get(kind, 0) + 1
            try:
                if upload is not None:
                    with open(upload, "rb") as body:
                        response = self.session.request(method, url, headers=headers, data=body, **kwargs)
                else:
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
    def describe(self, sobject: str) -> dict | None:
        try:
            return self.request("GET", f"/sobjects/{sobject}/describe", "describe").json()
        except OrgError as exc:
            if "NOT_FOUND" in str(exc) or "HTTP 404" in str(exc):
                return None
            raise

    def query(self, soql: str) -> Iterator[dict]:
        """The records of a REST query, page by page (nextRecordsUrl); `attributes` dropped."""
        reply = self.request("GET", "/query", "query", params={"q": soql}).json()
        while True:
            for record in reply.get("records", []):
                yield _strip_attributes(record)
            if reply.get("done", True) or not reply.get("nextRecordsUrl"):
                return
            reply = self.request("GET", self.instance_url + reply["nextRecordsUrl"], "query").json()

    def count(self, soql: str) -> int:
        return int(self.request("GET", "/query", "query", params={"q": soql}).json().get("totalSize", 0))

    def consent(self, actions: list[str], ids: list[str]) -> dict:
        """docs/salesforce-facts.md, Consent API (multiaction: every action in one call)."""
        params = {"actions": ",".join(actions), "ids": ",".join(ids)}
        return self.request("GET", "/consent/multiaction", "Consent API", params=params).json()

    # -- REST writes --------------------------------------------------------------------------
    def collection_write(self, sobject: str, operation: str, rows: Iterable[dict]) -> Iterator[Outcome]:
        """insert/update/delete through sObject Collections, 200 a call, allOrNone false; outcomes in row order."""
        chunk: list[dict] = []
        start = 0
        for row in rows:
            chunk.append(row)
            if len(chunk) == COLLECTION_SIZE:
                yield from self._collection_call(sobject, operation, chunk, start)
                start += len(chunk)
                chunk = []
                self.progress(f"{sobject} {operation}: {start} records sent")
        if chunk:
            yield from self._collection_call(sobject, operation, chunk, start)

    def _collection_call(self, sobject: str, operation: str, chunk: list[dict], start: int) -> Iterator[Outcome]:
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
            if result.get("success"):
                yield Outcome(start + offset, id=result.get("id") or chunk[offset].get("Id"))
            else:
                yield Outcome(start + offset, id=chunk[offset].get("Id"), error=_rest_errors(result))

    # -- Bulk API 2.0 ---------------------------------------------------------------------------
    def _wait_for_job(self, path: str, what: str) -> dict:
        interval = self.poll_interval
        tick = Every(self.progress)
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
            tick(f"{what}: job {info.get('id')} {state}" + (f", {processed} records processed" if processed else ""))
            time.sleep(interval)
            interval = min(interval * 2, MAX_POLL_INTERVAL)

    def _csv_rows(self, path: str, kind: str, **params) -> Iterator[dict]:
        """The rows of one CSV reply, streamed; its headers go to `last_headers`."""
        reply = self.request("GET", path, kind, params=params or None, headers={"Accept": "text/csv"}, stream=True)
        try:
            self.last_headers = reply.headers
            yield from csv.DictReader(response_lines(reply))
        finally:
            reply.close()

    def bulk_query(self, soql: str) -> Iterator[dict]:
        """Values are strings; relationship columns are named `Rel.Field`."""
        job = self.request(
            "POST", "/jobs/query", "Bulk API 2.0 query", json={"operation": "query", "query": soql}
        ).json()
        path = f"/jobs/query/{job['id']}"
        info = self._wait_for_job(path, "Bulk query")
        total = info.get("numberRecordsProcessed")
        locator, read, page = None, 0, 0
        while True:
            params = {"maxRecords": QUERY_PAGE_ROWS, **({"locator": locator} if locator else {})}
            for row in self._csv_rows(f"{path}/results", "Bulk API 2.0 results", **params):
                read += 1
                yield row
            page += 1
            self.progress(f"Bulk query: page {page} read, {read}" + (f" of {total}" if total else "") + " rows")
            locator = self.last_headers.get("Sforce-Locator")
            if not locator or locator == "null":
                return

    def ingest_job(self, sobject: str, operation: str, upload: Path, what: str) -> tuple[str, dict]:
        """One Bulk API 2.0 ingest job: create, upload the CSV file, close, poll; (job id, final info)."""
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
        self.request(
            "PUT", f"{path}/batches", "Bulk API 2.0 ingest", upload=upload, headers={"Content-Type": "text/csv"}
        )
        self.request("PATCH", path, "Bulk API 2.0 ingest", json={"state": "UploadComplete"})
        self.progress(f"{what}: job {job['id']} UploadComplete")
        info = self._wait_for_job(path, what)
        self.progress(
            f"{what}: job {job['id']} JobComplete, {info.get('numberRecordsProcessed')} processed, "
            f"{info.get('numberRecordsFailed')} failed"
        )
        return job["id"], info

    def ingest_results(self, job_id: str) -> Iterator[tuple[str, dict]]:
        """(kind, row) per result row, streamed, in no order (docs/salesforce-facts.md, Bulk API 2.0)."""
        for kind in RESULT_KINDS:
            for row in self._csv_rows(f"/jobs/ingest/{job_id}/{kind}", "Bulk API 2.0 results"):
                yield kind, row


def _strip_attributes(record):
    if isinstance(record, dict):
        return {k: _strip_attributes(v) for k, v in record.items() if k != "attributes"}
    return record


def _rest_errors(result: dict) -> str:
    errors = result.get("errors") or []
    if not errors:
        return "failed, no reason given"
    return "; ".join(f"{e.get('statusCode', 'ERROR')}: {e.get('message', '')}" for e in errors)
