"""The local org in-process: the same models and handlers behind `responses` (a mock of requests),
so code that uses requests (simple-salesforce, CumulusCI's Metadata API calls) talks to a real
local org with no server, socket or TLS.

    from localorg import inprocess

    with inprocess.serve(tmp_path, person_accounts=True) as org:
        sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue())
        sf.query("SELECT Id FROM Contact")

Every request to https://<host>/... goes through server.dispatch: the session check, the
org's faults, routing and the handlers, as over HTTPS. Other hosts are left to `responses`
(unmatched requests fail, as `responses` makes them). `responses` comes with the test extra;
it is imported only here.
"""

import re
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from localorg.faults import Faults
from localorg.http import Request
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg, SeedOptions
from localorg.models.org_settings import OrgSettings
from localorg.models.orgs import OrgSet
from localorg.requestlog import RequestLog
from localorg.server import Router, dispatch
from localorg.urls import ROUTES

HOST = "localorg.test"
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD")


def _body(prepared) -> bytes:
    body = prepared.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    if hasattr(body, "read"):
        return body.read()
    return b"".join(part if isinstance(part, bytes) else part.encode("utf-8") for part in body)


def callback(org: LocalOrg, router: Router, request_log: RequestLog):
    """A `responses` callback answering one request from the org, logged as the server logs it."""

    def answer(prepared):
        started = time.monotonic()
        split = urlsplit(prepared.url)
        request = Request(
            method=prepared.method,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in prepared.headers.items()},
            body=_body(prepared),
        )
        response = dispatch(org, router, request)
        request_log.write(
            method=request.method,
            path=request.path,
            soap_action=(request.headers.get("soapaction") or "").strip('"') or None,
            status=response.status,
            ms=(time.monotonic() - started) * 1000,
            bytes_in=len(request.body),
            bytes_out=len(response.body),
            org=request.org_id,
            consequence=response.consequence,
        )
        return response.status, {"Content-Type": response.content_type, **response.headers}, response.body

    return answer


@contextmanager
def serve(
    state_dir: Path,
    host: str = HOST,
    seed: SeedOptions | None = None,
    faults: Faults | None = None,
    mock=None,
    request_log: Path | None = None,
    settings: OrgSettings | None = None,
    **identity,
):
    """A LocalOrg under state_dir answering https://<host>/ through `responses`.

    identity: OrgIdentity fields (person_accounts, edition, managed_layouts, dev_hub ...) for a new org;
    the scratch orgs a Dev Hub creates are answered on the same host (org.orgs).
    mock: a responses.RequestsMock to register on (one the caller already started); by default a
    new one is started and stopped with the block.
    request_log: a file for one JSON line per request, as `org serve --request-log` writes
    (requestlog.read_log reads it), e.g. to count Metadata API calls by SOAP action.
    settings: the org's OrgSettings (e.g. a smaller query page size).
    """
    import responses

    org = LocalOrg(Path(state_dir), OrgIdentity(**identity), faults=faults, seed=seed, settings=settings)
    orgs = OrgSet(org)
    orgs.set_base_url(f"https://{host}")
    pattern = re.compile(rf"https://{re.escape(host)}(?::443)?/.*")
    answer = callback(org, Router(ROUTES), RequestLog(request_log))
    owned = mock is None
    rsps = responses.RequestsMock(assert_all_requests_are_fired=False) if owned else mock
    if owned:
        rsps.start()
    try:
        for method in METHODS:
            rsps.add_callback(method, pattern, callback=answer)
        yield org
    finally:
        if owned:
            rsps.stop()
            rsps.reset()
        orgs.close()
