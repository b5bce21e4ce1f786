"""`--request-log FILE`: one JSON line per request, for benchmarks and tests.

Fields: method, path (never the query string, which may carry secrets), soap_action (or null),
status, ms, bytes_in, bytes_out, org (the id of the org that answered; null when no org did), and
`consequence` on a request that did more to the org than its answer says (a deploy turning consent
management off purges the org's data protection details).
Tokens never appear: paths and SOAPAction headers do not carry them.
"""

import json
import threading
from pathlib import Path


class RequestLog:
    """Appends log lines to a file; a no-op when path is None."""

    def __init__(self, path: Path | None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(
        self,
        *,
        method: str,
        path: str,
        soap_action: str | None,
        status: int,
        ms: float,
        bytes_in: int,
        bytes_out: int,
        org: str | None = None,
        consequence: str | None = None,
    ) -> None:
        """Append one line (flushed at once, so a test can read it while the server runs)."""
        if not self.path:
            return
        entry = {
            "method": method,
            "path": path,
            "soap_action": soap_action,
            "status": status,
            "ms": round(ms, 2),
            "bytes_in": bytes_in,
            "bytes_out": bytes_out,
            "org": org,
        }
        if consequence:
            entry["consequence"] = consequence
        line = json.dumps(entry)
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def read_log(path: Path) -> list[dict]:
    """The parsed lines of a request log (empty if it does not exist yet)."""
    path = Path(path)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
