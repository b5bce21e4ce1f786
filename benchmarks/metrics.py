"""What one benchmark run measured, from the local org's request log and its metadata folder.

Pure functions: a list of request-log dicts (localorg.requestlog) in, counts out; a
metadata folder in, correctness out. No timing and no org here, so they are tested on their own.
"""

from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from email_privacy.metadata import documents, names
from email_privacy.metadata.layouts import INDIVIDUAL_FIELD, TARGET_OBJECTS, has_field

# Metadata API status polls: how many a client sends depends on its polling, not on the work asked.
POLLS = ("checkStatus", "checkRetrieveStatus", "checkDeployStatus")
TOKEN_PATH = "/services/oauth2/token"
METADATA_PREFIX = "/services/Soap/m/"


@dataclass
class RunMetrics:
    """One run of one flow: wall time, cci's CPU, exit code, request counts and the correctness of the result."""

    wall_s: float
    exit_code: int
    cpu_s: float = 0.0  # user + system CPU of the cci process and the processes it waited for
    metadata_ops: dict[str, int] = field(default_factory=dict)  # soap_action -> count, polls included
    rest_calls: int = 0
    token_refreshes: int = 0
    bytes_sent: int = 0  # request bodies the org received (bytes_in at the server)
    bytes_received: int = 0  # response bodies the org sent
    with_field: int = 0
    target_layouts: int = 0
    peak_mb: float = 0.0  # the cci process's peak resident memory (MB)

    def ops(self, kind: str) -> int:
        """How many Metadata API calls of this kind (soap_action) the run made."""
        return self.metadata_ops.get(kind, 0)

    @property
    def non_poll_ops(self) -> int:
        """Metadata API operations other than status polls."""
        return sum(n for kind, n in self.metadata_ops.items() if kind not in POLLS)

    @property
    def polls(self) -> int:
        return sum(self.ops(kind) for kind in POLLS)

    @property
    def correct(self) -> bool:
        return self.with_field == self.target_layouts


def count_requests(requests: list[dict]) -> dict:
    """Counts by kind: Metadata API operations by soap_action, REST calls, token refreshes, bytes."""
    ops: dict[str, int] = {}
    rest = tokens = sent = received = 0
    for r in requests:
        sent += int(r.get("bytes_in") or 0)
        received += int(r.get("bytes_out") or 0)
        path = r.get("path") or ""
        if path.startswith(METADATA_PREFIX):
            kind = r.get("soap_action") or "(no SOAPAction)"
            ops[kind] = ops.get(kind, 0) + 1
        elif r.get("method") == "POST" and path == TOKEN_PATH:
            tokens += 1
        else:
            # REST data API, userinfo, Bulk API: everything but the Metadata API and the token endpoint.
            rest += 1
    return {
        "metadata_ops": ops,
        "rest_calls": rest,
        "token_refreshes": tokens,
        "bytes_sent": sent,
        "bytes_received": received,
    }


def layout_correctness(metadata_dir: Path, objects=TARGET_OBJECTS) -> tuple[int, int]:
    """(layouts that have the Individual field, layouts of the target objects) in an org's metadata folder."""
    with_field = total = 0
    for path in sorted((Path(metadata_dir) / "layouts").glob("*")):
        if not names.is_layout_file(path.name):
            continue
        obj = names.layout_object(names.full_name_from_path(path.name))
        if obj not in objects:
            continue
        total += 1
        if has_field(documents.parse_file(path), INDIVIDUAL_FIELD[obj]):
            with_field += 1
    return with_field, total


def layouts_by_object(metadata_dir: Path, objects=TARGET_OBJECTS) -> dict[str, list[str]]:
    """The org's layouts of each target object, by display name (`Lead-Lead (Marketing) Layout`): the
    form CumulusCI's add_page_layout_fields takes in api_names, since it percent-encodes them itself."""
    out: dict[str, list[str]] = {obj: [] for obj in objects}
    for path in sorted((Path(metadata_dir) / "layouts").glob("*")):
        if names.is_layout_file(path.name):
            full_name = names.full_name_from_path(path.name)
            obj = names.layout_object(full_name)
            if obj in out:
                out[obj].append(names.display_name(full_name))
    return out


@dataclass
class Summary:
    """Several runs of one flow at one size and phase (first run on a fresh org, or second run)."""

    tool: str
    layouts_per_object: int
    phase: str
    runs: list[RunMetrics]

    def median(self, attr: str) -> float:
        """Median over the runs of an attribute or property (wall_s, non_poll_ops, ...)."""
        return median(getattr(r, attr) for r in self.runs)

    def median_ops(self, kind: str) -> float:
        return median(r.ops(kind) for r in self.runs)

    @property
    def all_ok(self) -> bool:
        return all(r.exit_code == 0 for r in self.runs)

    @property
    def all_correct(self) -> bool:
        return all(r.correct for r in self.runs)
