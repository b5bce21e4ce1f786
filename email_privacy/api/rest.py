"""REST calls for the tasks: retries on every method, one session refresh, one-line failures."""

from __future__ import annotations

import re

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from email_privacy.errors import OrgError, QueryRefused
from email_privacy.metadata.describe import has_person_accounts

TRANSIENT = (requests.ConnectionError, requests.Timeout)


def first_line(text: str) -> str:
    """`text` on one line, cut to 400 characters: the org's words, short enough for a log line."""
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:397] + "..."


def mount_rest_retries(sf, retries: int = 3, backoff: float = 0.5) -> None:
    """Retries on every method: CumulusCI's leaves out POST (docs/salesforce-facts.md, CumulusCI 4.10), and a 503
    comes before Salesforce processes a request, so repeating a POST is safe."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        status_forcelist=(502, 503, 504),
        backoff_factor=backoff,
        allowed_methods=None,
        raise_on_status=False,
        respect_retry_after_header=True,
    )
    adapter = HTTPAdapter(max_retries=retry)
    sf.session.mount("https://", adapter)
    sf.session.mount("http://", adapter)


def session_refresher(org_config, keychain, logger):
    """The refresh callable every client takes: refresh the org's access token once after the org said the
    session expired, and return the new token. Every client (SOAP, REST, the data client) refreshes through one."""

    def refresh(what: str | None = None) -> str:
        logger.warning(
            f"{what}: session expired; refreshing it once" if what else "Session expired; refreshing it once"
        )
        org_config.refresh_oauth_token(keychain)
        return org_config.access_token

    return refresh


def call_rest(refresh, sf, func, *args, **kwargs):
    """Refresh an expired session once; spent retries are one OrgError line, not urllib3's URL dump."""
    from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

    try:
        try:
            return func(*args, **kwargs)
        except SalesforceExpiredSession:
            sf.session_id = refresh()
            sf.headers["Authorization"] = "Bearer " + sf.session_id
            return func(*args, **kwargs)
    except (requests.exceptions.RetryError, *TRANSIENT) as e:
        what = getattr(func, "__name__", "") or "REST call"
        what = "REST call" if what.startswith("<") else what
        reason = "HTTP 5xx" if isinstance(e, requests.exceptions.RetryError) else type(e).__name__
        raise OrgError(
            f"{what} failed after retries ({reason}): the org did not answer; check the org's status "
            "and your network, then run again."
        ) from None
    except SalesforceError as e:
        if getattr(e, "status", 0) < 500:
            raise
        what = getattr(func, "__name__", "") or "REST call"
        what = "REST call" if what.startswith("<") else what
        words = _rest_error_words(e)
        raise OrgError(
            f"{what} failed after retries (HTTP {e.status}){': ' + words if words else ''}; "
            "check the org's status and your network, then run again."
        ) from None


def _rest_error_words(e) -> str:
    """`CODE: message` of each error a simple-salesforce exception carries, on one line ('' when none)."""
    words = (
        "; ".join(f"{c.get('errorCode')}: {c.get('message')}" for c in e.content if isinstance(c, dict))
        if isinstance(e.content, list)
        else ""
    )
    return first_line(words) if words else ""


class RestClient:
    """The REST calls the features make on one org (a simple-salesforce client), each through call_rest."""

    def __init__(self, sf, org_config, refresh):
        self.sf, self.org_config, self.refresh = sf, org_config, refresh
        self._describes: dict[str, dict] = {}

    def call(self, func, *args, **kwargs):
        return call_rest(self.refresh, self.sf, func, *args, **kwargs)

    def query(self, soql: str) -> list[dict]:
        """The records of one REST query (its first page: the queries here return one row)."""
        return self.call(self.sf.query, soql)["records"]

    def query_all(self, soql: str) -> list[dict]:
        """Every record of a REST query, its pages followed (a call per page of up to 2,000 rows)."""
        return self.call(self.sf.query_all, soql)["records"]

    def organization(self, fields) -> dict:
        """The Organization record. CumulusCI already read it while refreshing the token; query only if it did not."""
        org = self.org_config.organization_sobject
        if not org or "OrganizationType" not in org:
            records = self.query(f"SELECT {', '.join(fields)} FROM Organization")
            org = records[0] if records else {}
        return dict(org)

    def tooling_query(self, soql: str) -> list[dict]:
        """QueryRefused, with the org's error code, when the org refuses the query (HTTP 4xx)."""
        from simple_salesforce.exceptions import SalesforceError

        records, path, params = [], "tooling/query", {"q": soql}
        try:
            while path:
                page = self.call(self.sf.restful, path, params=params)
                records += page.get("records") or []
                # nextRecordsUrl is /services/data/vNN.N/tooling/query/<locator>; restful() adds that prefix.
                following = None if page.get("done", True) else page.get("nextRecordsUrl")
                path, params = (re.sub(r"^/services/data/v[\d.]+/", "", following), None) if following else (None, None)
        except SalesforceError as e:
            raise QueryRefused(_rest_error_words(e) or f"HTTP {getattr(e, 'status', '?')}") from None
        return records

    def daily_api_requests(self) -> dict:
        """The org's DailyApiRequests from the Limits resource: {"Max": ..., "Remaining": ...}."""
        limits = self.call(self.sf.limits)
        entry = limits.get("DailyApiRequests") if isinstance(limits, dict) else None
        if not isinstance(entry, dict) or "Remaining" not in entry:
            raise OrgError("The org's Limits resource (/limits) lists no DailyApiRequests; the check cannot run.")
        return {"Max": int(entry.get("Max", 0)), "Remaining": int(entry["Remaining"])}

    def describe(self, sobject: str) -> dict:
        """The sObject's describe, fetched once per client."""
        if sobject not in self._describes:
            self._describes[sobject] = self.call(self.sf.restful, f"sobjects/{sobject}/describe")
        return self._describes[sobject]

    def person_accounts_enabled(self) -> bool:
        """CumulusCI's is_person_accounts_enabled asks through a client without our retries."""
        return has_person_accounts(self.describe("Account"))
