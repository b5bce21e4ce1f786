"""Injected failures for reliability tests (`org serve --fault SPEC`, may be repeated).

SPEC forms:
  http-503:N[@K]       the next N API requests answer HTTP 503 (after skipping K API requests)
  session-expired:N    the Nth API request answers INVALID_SESSION_ID once, as an expired session does
  deploy-fail:FULLNAME a deploy containing that component fails with a component failure
                       (read by the Metadata API side from `org.faults.deploy_fail`)
  slow:MS              every reply waits MS milliseconds
  hold:ACTION@FILE     the first reply to SOAP action ACTION waits until FILE exists (at most
                       HOLD_TIMEOUT seconds), after writing FILE.held: tests use it to make another
                       client act at an exact point of a run (a lost-update race, say)

"API requests" are all requests except the connection handshake every cci command makes before
its task runs (OAuth token, userinfo, identity URL, the versions list and the Organization read):
CumulusCI retries none of those, so a fault there would only test CumulusCI, not this project.
"""

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from localorg.exceptions import OptionError

FAULT_FORMS = "http-503:N[@K], session-expired:N, deploy-fail:FULLNAME, slow:MS, hold:ACTION@FILE"
HOLD_TIMEOUT = 60.0

_HANDSHAKE = re.compile(
    r"^(/services/oauth2/(token|userinfo)|/id/[^/]+/[^/]+|/services/data/?|"
    r"/services/data/v\d+\.\d/sobjects/Organization/[^/]+)$"
)


def is_handshake(method: str, path: str) -> bool:
    """True for the requests every cci command makes before its task runs."""
    return method in ("GET", "POST") and bool(_HANDSHAKE.match(path))


def _count(spec: str, text: str, minimum: int) -> int:
    if not text.isdigit() or int(text) < minimum:
        raise OptionError(f"--fault {spec!r}: expected a whole number >= {minimum}; allowed forms: {FAULT_FORMS}")
    return int(text)


@dataclass
class Faults:
    """The faults in force and their counters. Thread-safe."""

    http_503: int = 0  # requests still to answer 503
    http_503_skip: int = 0  # API requests to let through before the 503s start
    session_expired_at: set[int] = field(default_factory=set)  # ordinal numbers of API requests
    deploy_fail: set[str] = field(default_factory=set)  # component full names
    slow_ms: int = 0
    holds: dict[str, Path] = field(default_factory=dict)  # SOAP action: release file (first reply only)
    api_requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def next_api_request(self) -> str | None:
        """Count one API request; say which fault (if any) it must answer with: 'http-503', 'session-expired'."""
        with self._lock:
            self.api_requests += 1
            if self.api_requests in self.session_expired_at:
                self.session_expired_at.discard(self.api_requests)
                return "session-expired"
            if self.http_503_skip > 0:
                self.http_503_skip -= 1
                return None
            if self.http_503 > 0:
                self.http_503 -= 1
                return "http-503"
            return None

    def take_hold(self, soap_action: str | None) -> Path | None:
        """The release file if this reply must be held (once per action), else None."""
        if not soap_action or not self.holds:
            return None
        with self._lock:
            return self.holds.pop(soap_action, None)


def hold_reply(release: Path, timeout: float = HOLD_TIMEOUT) -> None:
    """Say the reply is held (RELEASE.held), then wait until RELEASE exists or the timeout passes."""
    Path(f"{release}.held").write_text("held\n", encoding="utf-8")
    deadline = time.monotonic() + timeout
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def parse_faults(specs) -> Faults:
    """Parse --fault values into a Faults; OptionError (one line, naming the spec) on a bad one."""
    faults = Faults()
    for spec in specs or ():
        kind, sep, arg = spec.partition(":")
        if not sep or not arg:
            raise OptionError(f"--fault {spec!r}: expected KIND:VALUE; allowed forms: {FAULT_FORMS}")
        if kind == "http-503":
            count, _, skip = arg.partition("@")
            faults.http_503 += _count(spec, count, 1)
            if skip:
                faults.http_503_skip = _count(spec, skip, 0)
        elif kind == "session-expired":
            faults.session_expired_at.add(_count(spec, arg, 1))
        elif kind == "deploy-fail":
            faults.deploy_fail.add(arg)
        elif kind == "hold":
            action, at, path = arg.partition("@")
            if not action or not at or not path:
                raise OptionError(f"--fault {spec!r}: expected hold:ACTION@FILE; allowed forms: {FAULT_FORMS}")
            faults.holds[action] = Path(path)
        elif kind == "slow":
            faults.slow_ms = _count(spec, arg, 0)
        else:
            raise OptionError(f"--fault {spec!r}: unknown kind {kind!r}; allowed forms: {FAULT_FORMS}")
    return faults
