"""The local org's HTTPS server: turns HTTP into Request, checks the session, applies faults, routes.

Auth is central: every request except the OAuth token endpoint needs a token this org issued —
REST in `Authorization: Bearer`, SOAP in the SessionHeader's <sessionId>. Handlers run one at a
time under org.lock, so state changes never interleave. A handler that raises gets a
Salesforce-shaped 500 and the server keeps serving.

Workers: one thread per connection (TLS handshake included), so a client's burst of hundreds of
connections (`sf project generate manifest --from-org` opens one per listMetadata call) is accepted
at once from a deep listen queue instead of waiting behind Python's default backlog of 5, and a
kept-alive connection holds its thread only until it has been idle for IDLE_SECONDS. Accepted
sockets set TCP_NODELAY: headers and body go out as two writes, and Nagle's algorithm would hold
the second until the client's delayed ACK (about 40 ms a request on a kept-alive connection).
"""

import re
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from localorg.exceptions import SalesforceError
from localorg.faults import hold_reply, is_handshake
from localorg.http import (
    InvalidRequestBody,
    Request,
    Response,
    bearer_token,
    error_reply,
    rest_error,
    soap_fault,
    soap_session_id,
)
from localorg.requestlog import RequestLog
from localorg.responses.bulk_v1 import error as bulk_v1_error
from localorg.tls import LOOPBACK

# Salesforce refuses REST bodies far smaller; 64 MB keeps a deploy of a few thousand layouts possible.
MAX_BODY = 64 * 1024 * 1024
# Linux caps the listen queue at net.core.somaxconn (4096 by default since 5.4).
LISTEN_BACKLOG = 1024
IDLE_SECONDS = 120
PUBLIC_PATHS = {"/services/oauth2/token"}
# The requests that count against DailyApiRequests: REST (not the Versions URI), SOAP and Bulk; OAuth
# and the identity URL do not (docs/salesforce-facts.md, "API request limits").
COUNTED = re.compile(r"^/services/(?:data/v\d+\.\d|Soap/|async/)")
# Refused without asking for a session: a login over SOAP, OAuth endpoints that take no bearer token, and the
# pages a browser opens, so their client hears "not modelled" rather than a false "session expired".
PUBLIC_REFUSALS = re.compile(
    r"^/services/Soap/[uc]/|^/services/oauth2/(?:revoke|introspect|authorize|logout)$|"
    r"^/(?:$|lightning/|secur/|apex/|one/|setup/|home/)"
)


def is_soap(path: str) -> bool:
    return path.startswith("/services/Soap/")


def invalid_session(path: str, request: Request | None = None) -> Response:
    """What an org answers for a missing, wrong or expired session (Bulk API 1.0: HTTP 400, InvalidSessionId)."""
    if path.startswith("/services/async/") and request is not None:
        return bulk_v1_error(request, "InvalidSessionId", "Invalid session id")
    if is_soap(path):
        return soap_fault(
            "sf:INVALID_SESSION_ID", "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session"
        )
    return rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid")


class Router:
    """Matches (method, path) against routes: a list of (method, regex, handler)."""

    def __init__(self, routes):
        self.routes = [(m, re.compile(rx), h) for m, rx, h in routes]

    def match(self, method: str, path: str):
        """(handler, url groups) or (None, allowed methods for this path)."""
        allowed = []
        for m, rx, handler in self.routes:
            found = rx.match(path)
            if found:
                if m == method or (m == "*" and not allowed):  # a path's own routes answer 405 first
                    return handler, found.groupdict()
                if m != "*":
                    allowed.append(m)
        return None, allowed


def dispatch(org, router: Router, request: Request) -> Response:
    """Answer one request: session check, faults, routing, the handler. Never raises.

    org is the org the server was started on; with an OrgSet (org.orgs) the request is answered by the
    org its token belongs to. Faults are the started org's.
    """
    path = request.path
    orgs = org.orgs
    target = org
    if path in PUBLIC_PATHS:
        if orgs is not None:
            target = orgs.for_grant(request.body)
    elif PUBLIC_REFUSALS.match(path):
        pass  # answered by the org the server was started on: a refusal reveals nothing of any org
    else:
        if is_soap(path):
            try:
                token = soap_session_id(request.body)
            except InvalidRequestBody as e:
                return soap_fault("soapenv:Client", f"INVALID_XML: {e}")
        else:
            token = bearer_token(request)
        # Each org answers only the tokens it issued (models/orgs.py).
        target = orgs.by_token(token) if orgs is not None else (org if org.sessions.valid(token) else None)
        if target is None:
            return invalid_session(path, request)
    request.org_id = target.identity.org_id
    if not is_handshake(request.method, path):
        fault = org.faults.next_api_request()
        if fault == "http-503":
            if is_soap(path):
                return soap_fault(
                    "sf:SERVER_UNAVAILABLE", "SERVER_UNAVAILABLE: The server is temporarily unavailable", status=503
                )
            return rest_error(503, "SERVER_UNAVAILABLE", "The server is temporarily unavailable")
        if fault == "session-expired":
            return invalid_session(path, request)
    counted = COUNTED.match(path) is not None and not PUBLIC_REFUSALS.match(path)
    if counted and not target.api_usage.spend():
        return limit_exceeded(path, request)
    response = route(target, router, request)
    if counted and not is_soap(path):
        usage = target.api_usage
        response.headers["Sforce-Limit-Info"] = f"api-usage={usage.used()}/{usage.max}"
    return response


def limit_exceeded(path: str, request: Request) -> Response:
    """What an org answers once its DailyApiRequests are spent."""
    if path.startswith("/services/async/"):
        return bulk_v1_error(request, "ExceededQuota", "TotalRequests Limit exceeded.")
    if is_soap(path):
        return soap_fault("sf:REQUEST_LIMIT_EXCEEDED", "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.")
    return rest_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")


def route(target, router: Router, request: Request) -> Response:
    """The handler for the request's method and path, run for `target`; 405 or 404 when there is none."""
    path = request.path
    handler, groups = router.match(request.method, path)
    if handler is None:
        if groups:
            return rest_error(
                405,
                "METHOD_NOT_ALLOWED",
                f"HTTP Method '{request.method}' not allowed. Allowed are {','.join(sorted(set(groups)))}",
            )
        return rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    return answer(target, handler, request, groups)


def answer(org, handler, request: Request, groups: dict) -> Response:
    """Run one handler under org.lock; typed errors become Salesforce's replies, bugs a 500. Never raises."""
    path = request.path
    try:
        with org.lock:
            return handler(org, request, **groups)
    except SalesforceError as e:
        return error_reply(e, soap=is_soap(path))
    except Exception:  # a handler bug must not take the org down; say so as Salesforce does
        traceback.print_exc(file=sys.stderr)
        if is_soap(path):
            return soap_fault("sf:UNKNOWN_EXCEPTION", "UNKNOWN_EXCEPTION: An unexpected error occurred")
        return rest_error(
            500,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support: 0-local",
        )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: CumulusCI's sessions reuse connections
    server_version = "EmailPrivacyLocalOrg/1"
    sys_version = ""
    timeout = IDLE_SECONDS  # an idle kept-alive connection gives its thread back

    def log_message(self, fmt, *args):
        """Silent: the request log (--request-log) replaces http.server's stderr lines."""

    def _serve(self):
        started = time.monotonic()
        srv = self.server
        split = urlsplit(self.path)
        path = split.path
        body, problem = self._read_body()
        close = problem is not None
        request = None
        if problem == "length":
            response = rest_error(400, "JSON_PARSER_ERROR", "Invalid Content-Length")
        elif problem == "too_large":
            response = rest_error(
                413, "REQUEST_ENTITY_TOO_LARGE", f"Request body exceeds the limit of {MAX_BODY // (1024 * 1024)} MB"
            )
            if is_soap(path):
                response = soap_fault(
                    "soapenv:Client",
                    f"REQUEST_ENTITY_TOO_LARGE: Request body exceeds the limit of {MAX_BODY // (1024 * 1024)} MB",
                    status=413,
                )
        else:
            request = Request(
                method=self.command,
                path=path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            response = dispatch(srv.org, srv.router, request)
        soap_action = (self.headers.get("SOAPAction") or "").strip('"') or None
        release = srv.org.faults.take_hold(soap_action)
        if release is not None:  # outside org.lock: other clients go on meanwhile
            hold_reply(release)
        if srv.org.faults.slow_ms:
            time.sleep(srv.org.faults.slow_ms / 1000)
        # Logged before the reply goes out: a client that exits on its last reply finds its line already written.
        srv.request_log.write(
            method=self.command,
            path=path,
            soap_action=soap_action,
            status=response.status,
            ms=(time.monotonic() - started) * 1000,
            bytes_in=len(body),
            bytes_out=len(response.body),
            org=request.org_id if request else None,
            consequence=response.consequence,
        )
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for k, v in response.headers.items():
            self.send_header(k, v)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _read_body(self) -> tuple[bytes, str | None]:
        """The request body and what is wrong with it, if anything ("length", "too_large").

        jsforce (under sf) sends token requests and Bulk uploads with `Transfer-Encoding: chunked` and no
        Content-Length, as HTTP/1.1 allows; Salesforce reads both.
        """
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length", "0") or "0"
        if not length_text.isdigit():
            return b"", "length"
        if int(length_text) > MAX_BODY:
            self._drain(int(length_text))
            return b"", "too_large"
        return self.rfile.read(int(length_text)), None

    def _read_chunked(self) -> tuple[bytes, str | None]:
        parts, size = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                length = int(line.split(b";", 1)[0].strip() or b"x", 16)
            except ValueError:
                return b"", "length"
            if length == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields, unused
                return (b"", "too_large") if size > MAX_BODY else (b"".join(parts), None)
            size += length
            if size > 4 * MAX_BODY:
                return b"", "too_large"  # stop reading; the connection is closed after the reply
            chunk = self.rfile.read(length)
            if size <= MAX_BODY:  # past the limit, read on to the end (bounded) so the client sees our answer
                parts.append(chunk)
            else:
                parts.clear()
            self.rfile.readline(1024)  # the CRLF that ends each chunk

    def _drain(self, length: int) -> None:
        # Read and drop an oversized body so the client sees our answer, not a reset mid-upload.
        remaining = min(length, 4 * MAX_BODY)
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            remaining -= len(chunk)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve


class OrgServer(ThreadingHTTPServer):
    """HTTPS on 127.0.0.1 only, serving one LocalOrg."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, org, routes, ssl_context, port: int = 0, request_log: RequestLog | None = None):
        super().__init__((LOOPBACK, port), _Handler)
        self.org = org
        self.router = Router(routes)
        self.request_log = request_log or RequestLog(None)
        self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def get_request(self):
        # Handshake in the request thread, not the accept loop, so one slow client cannot stall the rest.
        conn, address = self.socket.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, address

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (OSError, ValueError):
            return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        # Clients hanging up mid-request are normal; anything else goes to stderr, the server goes on.
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            traceback.print_exc(file=sys.stderr)


def serve_in_thread(server: OrgServer) -> threading.Thread:
    """Run server.serve_forever in a daemon thread (for tests)."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
