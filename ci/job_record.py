"""One org's job record, written by ci/org-job.sh at its end, beside the verification it ran.

    python3 ci/job_record.py RESULTS_DIR ORG MODE DRY_RUN EXIT_STATUS STARTED_AT

Writes RESULTS_DIR/job.json (org, mode, dry_run, exit status, skipped, started_at, finished_at). When
RESULTS_DIR/api-requests.json (check_api_requests' report) says too few daily API requests were left, the
org was skipped: its summary says so, a partial verification is removed, and the exit status becomes 0.
Prints the job's exit status. Standard library only.
"""

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path


def api_requests(results: Path) -> dict | None:
    try:
        data = json.loads((results / "api-requests.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "enough" in data else None


def write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def record(results: Path, org: str, mode: str, dry_run: bool, status: int, started_at: str) -> int:
    api = api_requests(results)
    skipped = api is not None and api["enough"] is False
    if skipped:
        status = 0
        for name in ("junit.xml", "report.json"):
            (results / name).unlink(missing_ok=True)
        write_private(
            results / "summary.md",
            f"### Email privacy: {org} was skipped\n\nOnly {api['remaining']} of {api['max']} daily API requests "
            f"are left, fewer than the minimum {api['minimum']}: nothing was changed or verified.\n",
        )
    job = {
        "org": org,
        "mode": mode,
        "dry_run": dry_run,
        "exit_status": status,
        "skipped": skipped,
        "started_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_private(results / "job.json", json.dumps(job, indent=1) + "\n")
    return status


def main(argv: list[str]) -> int:
    results, org, mode, dry_run, status, started_at = argv
    print(record(Path(results), org, mode, dry_run == "true", int(status), started_at))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
