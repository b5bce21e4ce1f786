"""Metadata API calls (listMetadata, retrieve, deploy) on CumulusCI's own, subclassed where 4.10.1 falls short
(docs/salesforce-facts.md, CumulusCI 4.10): fast growing polls, bounded retries of 5xx, one-line failures."""

from __future__ import annotations

import base64
import io
import time
import zipfile
from dataclasses import dataclass, field
from types import SimpleNamespace

import requests
from cumulusci.salesforce_api import metadata as cci_metadata
from cumulusci.salesforce_api.exceptions import MetadataApiError
from cumulusci.utils import parse_api_datetime
from lxml import etree
from requests.adapters import HTTPAdapter

from email_privacy.api.rest import TRANSIENT, first_line
from email_privacy.errors import OrgError, XmlInputError
from email_privacy.metadata import documents
from email_privacy.metadata.documents import API_VERSION, package_xml
from email_privacy.metadata.xmltree import child_texts, descendants

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
MD = "http://soap.sforce.com/2006/04/metadata"
RETRY_STATUSES = (500, 502, 503, 504)
MAX_POLL_INTERVAL = 5.0
# Salesforce's limits (docs/salesforce-facts.md, "Metadata API deploy and retrieve limits"): files in one deploy or
# retrieve, bytes unzipped, the base64 zip of a SOAP message; a reply may add fileProperties for each file.
MAX_FILES = 10_000
MAX_UNZIPPED_BYTES = 600 * 1024 * 1024
MAX_SOAP_BYTES = 50 * 1024 * 1024
MAX_REPLY_BYTES = MAX_SOAP_BYTES + MAX_FILES * 2048
FEWER = "retrieve fewer components at once (run per object with -o objects, or name layouts with -o layouts)"


def parse_reply(data: bytes, what: str):
    """A Metadata API SOAP reply up to Salesforce's limits (a 50 MB base64 zip in one text node); entities off."""
    if len(data) > MAX_REPLY_BYTES:
        raise OrgError(
            f"{what} failed: the org's reply is {len(data):,} bytes, more than the {MAX_REPLY_BYTES:,} allowed "
            f"(Salesforce's 50 MB SOAP message limit and the files' properties); {FEWER}, then run again."
        )
    return documents.parse(data, f"{what} reply", max_bytes=MAX_REPLY_BYTES)


def _soap_fault(response) -> tuple[str, str] | None:
    body = response.content or b""
    if b"faultcode" not in body:
        return None
    try:
        tree = parse_reply(body, "SOAP")
    except (XmlInputError, OrgError):
        return None
    faults = descendants(tree, "Fault")
    if not faults:
        return None
    info = child_texts(faults[0])
    return info.get("faultcode", ""), info.get("faultstring", "")


def _is_transient(response) -> bool:
    """502/503/504, a 500 that is not a SOAP fault (a proxy's error page), or the fault sf:SERVER_UNAVAILABLE."""
    if response.status_code not in RETRY_STATUSES:
        return False
    fault = _soap_fault(response)
    return response.status_code != 500 or fault is None or fault[0].endswith("SERVER_UNAVAILABLE")


def _is_session_expired(response) -> bool:
    if response.status_code == 401:
        return True
    fault = _soap_fault(response)
    return bool(fault and fault[0].endswith("INVALID_SESSION_ID"))


class _FastRetryingCall:
    """Mixin over CumulusCI's BaseMetadataApiCall: growing fast polls, bounded retries, one-line errors."""

    client: MetadataClient
    what = "Metadata API call"

    def _get_check_interval(self):
        # CumulusCI sleeps this long after every poll, the last included; nothing to wait for once done.
        if self.status in ("Done", "Failed"):
            return 0
        self._polls = getattr(self, "_polls", 0) + 1
        return min(self.client.poll_interval * (1.5 ** (self._polls - 1)), MAX_POLL_INTERVAL)

    def _post(self, headers, envelope):
        session_id = self.client.org_config.access_token
        data = envelope.replace("###SESSION_ID###", session_id).encode("utf-8")
        return self.client.http.post(
            self._build_endpoint_url(), headers=headers, data=data, timeout=self.client.timeout
        )

    def _call_mdapi(self, headers, envelope, refresh=None):
        """One SOAP call, retried on timeouts, resets and 5xx replies that are not SOAP faults."""
        client = self.client
        action = headers.get("SOAPAction", "call")
        client.calls[action] = client.calls.get(action, 0) + 1
        attempt = 0
        while True:
            problem = None
            try:
                response = self._post(headers, envelope)
            except TRANSIENT as e:
                problem = type(e).__name__
            else:
                if _is_transient(response):
                    problem = f"HTTP {response.status_code}"
            if problem is None:
                break
            if attempt >= client.retries:
                raise OrgError(
                    f"{action} failed after {attempt + 1} attempts ({problem}): the org did not answer; "
                    "check the org's status and your network, then run again."
                )
            delay = client.backoff * (2**attempt)
            client.logger.warning(f"{action}: {problem}; retrying in {delay:g}s ({attempt + 1}/{client.retries})")
            time.sleep(delay)
            attempt += 1
        if refresh is None:
            refresh = True
        if refresh and _is_session_expired(response):
            # CumulusCI refreshes only when the org config holds a refresh token, so JWT-authorised orgs
            # would fail: refresh through the org config whatever the grant, once, and repeat the call.
            # (A 401 is how a proxy or stand-in may answer; Salesforce answers a SOAP fault.)
            self.client.refresh(action)
            return self._call_mdapi(headers, envelope, refresh=False)
        if _soap_fault(response):
            return self._handle_soap_error(headers, envelope, False, response)
        if response.status_code >= 400:
            raise OrgError(
                f"{action} failed: HTTP {response.status_code} from the org; run again, or check the org's status."
            )
        return response

    def __call__(self):
        self.client.logger.info(f"{self.what}: started")
        try:
            response = self._get_response()
        except MetadataApiError as e:
            raise OrgError(f"{self.what} failed: {first_line(str(e))}") from None
        if self.status == "Failed" and not isinstance(self, _Deploy):
            raise OrgError(f"{self.what} failed: {_error_message(response)}")
        return self._process_response(response)


def _error_message(response) -> str:
    try:
        tree = parse_reply(response.content, "SOAP")
    except (XmlInputError, OrgError):
        return first_line(response.text)
    msgs = [e.text for e in descendants(tree, "errorMessage") if e.text]
    return first_line("; ".join(msgs) or response.text)


# listMetadata takes up to three queries per call (Metadata API Developer Guide, listMetadata).
MAX_LIST_TYPES = 3


# The FileProperties fields CumulusCI's listMetadata parse gives each entry (None when absent); dates as datetimes.
LIST_FIELDS = ("createdById", "createdByName", "createdDate", "fileName", "fullName", "id", "lastModifiedById",
               "lastModifiedByName", "lastModifiedDate", "manageableState", "namespacePrefix", "type")  # fmt: skip
LIST_DATES = ("createdDate", "lastModifiedDate")


class _List(_FastRetryingCall, cci_metadata.ApiListMetadata):
    what = "listMetadata"

    def _process_response(self, response):
        # CumulusCI's own parse (minidom, a search of the whole entry per field) costs 0.15 ms an entry.
        entries = [_list_entry(r) for r in descendants(parse_reply(response.content, "listMetadata"), "result")]
        self.metadata[self.metadata_type].extend(entries)
        return self.metadata


def _list_entry(result) -> dict:
    """One listMetadata result as CumulusCI's parse gives it: each field's first occurrence, its text or None."""
    found: dict[str, str | None] = {}
    for el in result.iterdescendants(tag=etree.Element):
        found.setdefault(el.tag.rpartition("}")[2], el.text)
    entry = {name: found.get(name) for name in LIST_FIELDS}
    for name in LIST_DATES:
        if entry[name]:
            try:
                entry[name] = parse_api_datetime(entry[name])
            except ValueError as e:
                raise OrgError(f"listMetadata failed: {name} {entry[name]!r} is not a date ({e})") from None
    return entry


class _ListTypes(_List):
    """listMetadata for up to three types in one call (CumulusCI's call sends one query): one `queries`
    element per type, and the results grouped by their own `type` element."""

    def __init__(self, host, types, as_of_version):
        super().__init__(host, types[0], as_of_version=as_of_version)
        self.types = list(types)

    def _build_envelope_start(self):
        one = super()._build_envelope_start()
        query = f"<queries>\n        <type>{self.metadata_type}</type>\n      </queries>"
        queries = "".join(f"<queries><type>{t}</type></queries>" for t in self.types)
        if query not in one:
            raise OrgError("listMetadata: CumulusCI's envelope changed; cannot list several types in one call")
        return one.replace(query, queries, 1)

    def _process_response(self, response):
        grouped = {t: [] for t in self.types}
        for entry in super()._process_response(response)[self.metadata_type]:
            grouped.setdefault(entry.get("type") or self.metadata_type, []).append(entry)
        return grouped


class _Retrieve(_FastRetryingCall, cci_metadata.ApiRetrieveUnpackaged):
    what = "retrieve"

    def _process_response(self, response):
        tree = parse_reply(response.content, "retrieve")
        failed = [e.text for e in descendants(tree, "errorMessage") if e.text]
        if failed:  # a retrieve refused as a whole, e.g. more files than Salesforce's limit
            hint = f"; {FEWER}, then run again" if "LIMIT_EXCEEDED" in failed[0] else ""
            raise OrgError(f"retrieve failed: {first_line(failed[0])}{hint}.")
        zips = descendants(tree, "zipFile")
        if not zips or not zips[0].text:
            raise OrgError(f"retrieve failed: the org sent no zip file ({_error_message(response)})")
        props = [child_texts(p) for p in descendants(tree, "fileProperties")]
        messages = [child_texts(m) for m in descendants(tree, "messages")]
        return unzip(base64.b64decode(zips[0].text)), props, messages


class _Deploy(_FastRetryingCall, cci_metadata.ApiDeploy):
    what = "deploy"

    def _process_response(self, response):
        tree = parse_reply(response.content, "deploy")
        results = descendants(tree, "result")
        info = child_texts(results[0]) if results else {}
        status = info.get("status", "")
        successes = [child_texts(s) for s in descendants(tree, "componentSuccesses")]
        if status in ("Succeeded", "SucceededPartial") and self.status != "Failed":
            return DeployResult(
                status=status, successes=successes, check_only=self.check_only == "true", id=info.get("id", "")
            )
        failures = [child_texts(f) for f in descendants(tree, "componentFailures")]
        parts = [
            f"{f.get('componentType') or 'component'} {f.get('fullName') or f.get('fileName') or ''}".strip()
            + f": {f.get('problem') or 'unknown problem'}"
            for f in failures
        ]
        if not parts:
            parts = [_error_message(response) or f"status {status or 'unknown'}"]
        raise OrgError(
            f"Deploy failed ({status or 'Failed'}), nothing was changed (rollbackOnError): "
            + first_line("; ".join(parts))
            + ". Fix the component named, or run restore_page_changes if layouts or pages look wrong, then run again."
        )


@dataclass
class DeployResult:
    """What a successful deploy reports: its status and the component successes."""

    status: str
    successes: list[dict] = field(default_factory=list)
    check_only: bool = False
    id: str = ""


@dataclass
class RetrieveResult:
    """A retrieve's files {path under unpackaged/: bytes}, its fileProperties and its messages."""

    files: dict[str, bytes]
    file_properties: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)

    def _by_path(self, key: str):
        """(fileName without unpackaged/, value) of each fileProperties entry that has `key`."""
        for p in self.file_properties:
            name = p.get("fileName", "")
            if p.get(key):
                yield (name[len("unpackaged/") :] if name.startswith("unpackaged/") else name), p[key]

    def last_modified(self) -> dict[str, object]:
        """{fileName without unpackaged/: lastModifiedDate (datetime)} from fileProperties."""
        out = {}
        for name, value in self._by_path("lastModifiedDate"):
            try:
                out[name] = parse_api_datetime(value)
            except ValueError:
                continue
        return out

    def ids(self) -> dict[str, str]:
        """{fileName without unpackaged/: the component's record id} from fileProperties."""
        return dict(self._by_path("id"))


def unzip(data: bytes) -> dict[str, bytes]:
    """{path relative to unpackaged/: bytes}; refuses paths that climb out or absolute paths."""
    out: dict[str, bytes] = {}
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = info.filename
            if name.startswith("/") or ".." in name.split("/"):
                raise OrgError(f"retrieve failed: the org's zip holds an unsafe path {name!r}")
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise OrgError(
                    f"retrieve failed: the org's zip unzips to more than {MAX_UNZIPPED_BYTES:,} bytes (600 MB), "
                    f"Salesforce's limit; {FEWER}, then run again."
                )
            if name.startswith("unpackaged/"):
                name = name[len("unpackaged/") :]
            out[name] = zf.read(info)
    return out


def make_zip(files: dict[str, bytes]) -> bytes:
    """A deploy zip of {relative path: bytes}, paths as given (package.xml at the root)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files):
            zf.writestr(name, files[name])
    return buf.getvalue()


class MetadataClient:
    """listMetadata / retrieve / deploy for one org, counted in `calls` by SOAP action. Built from the org's
    CumulusCI config, a logger and `refresh(what) -> new access token`, called once when a session expires."""

    def __init__(
        self,
        org_config,
        logger,
        refresh,
        api_version: str | None = None,
        retries: int = 3,
        backoff: float = 0.5,
        poll_interval: float = 0.1,
        timeout: float = 120.0,
    ):
        self.org_config, self.logger, self.refresh = org_config, logger, refresh
        self.api_version = api_version or API_VERSION
        # CumulusCI's calls take a task but read only its org config, its logger and its project's API version.
        project = SimpleNamespace(project__package__api_version=self.api_version)
        self.host = SimpleNamespace(org_config=org_config, logger=logger, project_config=project)
        self.retries = retries
        self.backoff = backoff
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.calls: dict[str, int] = {}
        # One session for all calls (keep-alive); retries are ours, not urllib3's, so they are bounded once.
        self.http = requests.Session()
        self.http.mount("https://", HTTPAdapter(max_retries=0))

    def _bind(self, call):
        call.client = self
        return call

    def list(self, metadata_type: str) -> list[dict]:
        """listMetadata for one type: entries with fullName, fileName, namespacePrefix,
        lastModifiedDate (datetime)..."""
        call = self._bind(_List(self.host, metadata_type, as_of_version=self.api_version))
        return list(call()[metadata_type])

    def list_types(self, types) -> dict[str, list[dict]]:
        """One listMetadata for up to three types (the call's limit): {type: entries}."""
        types = list(types)
        if not 1 <= len(types) <= MAX_LIST_TYPES:
            raise ValueError(f"listMetadata takes 1 to {MAX_LIST_TYPES} types per call, not {len(types)}")
        if len(types) == 1:
            return {types[0]: self.list(types[0])}
        return self._bind(_ListTypes(self.host, types, self.api_version))()

    def retrieve(self, members: dict[str, list[str]]) -> RetrieveResult:
        """One retrieve of {type: [member, ...]}."""
        pkg = package_xml(members, self.api_version).decode("utf-8")
        files, props, messages = self._bind(_Retrieve(self.host, pkg, self.api_version))()
        return RetrieveResult(files=files, file_properties=props, messages=messages)

    def deploy(self, files: dict[str, bytes], check_only: bool = False) -> DeployResult:
        """One deploy of {relative path: bytes} including package.xml; OrgError naming each failed component."""
        if "package.xml" not in files:
            raise ValueError("deploy needs a package.xml")
        package_zip = base64.b64encode(make_zip(files)).decode("ascii")
        call = _Deploy(
            self.host, package_zip, purge_on_delete=False, api_version=self.api_version, check_only=check_only
        )
        return self._bind(call)()
