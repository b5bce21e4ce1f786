"""Benchmark set_individual_privacy: records per second and API calls at 1,000 / 10,000 / 50,000 records.

Run from the repo root: `.venv/bin/python benchmarks/individuals.py [--sizes 1000,10000,50000 | --quick]`
(`--quick`: 1,000 records only, a smoke test; benchmarks/run.py passes it on with its own --quick).
Each size gets a fresh local org (tests/harness.py) with that many contacts and Data Protection and
Privacy turned on; the real cci then runs the task on a CSV of every contact's email. The time is the
whole `cci task run` (start-up, token refresh, queries, Bulk jobs); API calls come from the org's
request log. Not a test: it asserts nothing and is not part of `make test`.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from localorg.process import LocalOrgProcess  # noqa: E402
from tests.harness import run_cci  # noqa: E402


def one(size: int, workdir: Path) -> dict:
    with LocalOrgProcess(workdir / f"org{size}", contacts=size) as org:
        settings = run_cci(org, "task", "run", "deploy_email_privacy_settings", "--org", "sim")
        if settings.returncode:
            raise SystemExit(f"settings deploy failed: {settings.stdout[-1000:]}")
        import sqlite3

        con = sqlite3.connect(f"file:{org.state_dir / 'records.sqlite'}?mode=ro", uri=True)
        emails = [r[0] for r in con.execute("SELECT Email FROM Contact")]
        con.close()
        csv_path = workdir / f"emails{size}.csv"
        csv_path.write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
        report = workdir / f"report{size}.json"
        before = len(org.requests())
        started = time.monotonic()
        result = run_cci(
            org,
            "task",
            "run",
            "set_individual_privacy",
            "--org",
            "sim",
            "-o",
            "csv",
            str(csv_path),
            "-o",
            "dont_track",
            "true",
            "-o",
            "report",
            str(report),
            timeout=1800,
        )
        seconds = time.monotonic() - started
        if result.returncode:
            raise SystemExit(f"set_individual_privacy failed at {size}: {result.stdout[-2000:]}")
        data = json.loads(report.read_text())
        calls = org.requests()[before:]
        return {
            "records": size,
            "seconds": seconds,
            "per_second": size / seconds,
            "api_calls": len(calls),
            "task_api_calls": data["api_calls"],
            "created": data["created"],
            "failed": len(data["failed"]),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="record counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="1,000 records only (a smoke test)")
    args = parser.parse_args()
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-individuals-") as tmp:
        rows = [one(size, Path(tmp)) for size in sizes]
    print(
        f"{'records':>8} {'seconds':>8} {'rec/s':>8} {'calls (log)':>12} {'calls (task)':>13} "
        f"{'created':>8} {'failed':>7}"
    )
    for r in rows:
        print(
            f"{r['records']:>8} {r['seconds']:>8.1f} {r['per_second']:>8.0f} {r['api_calls']:>12} "
            f"{r['task_api_calls']:>13} {r['created']:>8} {r['failed']:>7}"
        )


if __name__ == "__main__":
    main()
