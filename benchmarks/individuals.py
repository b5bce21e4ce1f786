"""Benchmark set_individual_privacy (or, with --task create_missing_individuals, the backfill): time, API calls
and the peak memory of the `cci` process, by record count.

Run from the repo root: `.venv/bin/python benchmarks/individuals.py [--sizes 10000,100000,1000000 | --quick]
[--task create_missing_individuals]` (default 10,000 and 100,000; `--quick`: 1,000 records only, a smoke
test; benchmarks/run.py passes it on with its own --quick, and runs the backfill at 10,000 and
1,000,000). Each size gets a fresh local org (tests/harness.py) with that many contacts and Data
Protection and Privacy turned on; the real cci then runs the task on a CSV of every contact's email (the
backfill needs no CSV: it gives every contact without an Individual one). The time is the whole `cci task
run` (start-up, token refresh, queries, Bulk jobs); API calls come from the org's request log; the peak
resident memory is the `cci` process's own, as the kernel reports it when the process is reaped
(os.wait4's ru_maxrss), so the local org's memory (another process) is not in it. Not a test: it asserts
nothing and is not part of `make test`.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from localorg import process  # noqa: E402
from tests.harness import BIN, LocalOrgProcess, run_cci  # noqa: E402

# Seeding a million contacts takes the local org minutes on a shared machine.
process.START_TIMEOUT = 3600


def write_emails(org, path: Path) -> None:
    """Every contact's email, one a line, read from the org's database a row at a time."""
    con = sqlite3.connect(f"file:{org.state_dir / 'records.sqlite'}?mode=ro", uri=True)
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("email\n")
            for (email,) in con.execute("SELECT Email FROM Contact"):
                fh.write(email + "\n")
    finally:
        con.close()


def cci_measured(org, args: list[str], log: Path) -> tuple[int, float, int]:
    """(exit code, seconds, peak resident kB) of one `cci` run; output to `log`."""
    with open(log, "w") as out:
        started = time.monotonic()
        child = subprocess.Popen(
            [str(BIN / "cci"), *args],
            cwd=REPO,
            env={**org.env, "COLUMNS": "400"},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, seconds, usage.ru_maxrss  # kB on Linux


TASKS = ("set_individual_privacy", "create_missing_individuals")
# The backfill's acceptance bounds (peak RSS of cci): within this factor of the first size's, and under this.
RSS_FACTOR, RSS_CEILING_MB = 1.5, 300


def one(size: int, workdir: Path, task: str = TASKS[0]) -> dict:
    with LocalOrgProcess(workdir / f"org{size}", contacts=size) as org:
        settings = run_cci(org, "task", "run", "deploy_email_privacy_settings", "--org", "sim")
        if settings.returncode:
            raise SystemExit(f"settings deploy failed: {settings.stdout[-1000:]}")
        report = workdir / f"report{size}.json"
        args = ["task", "run", task, "--org", "sim", "-o", "report", str(report)]
        if task == "set_individual_privacy":
            csv_path = workdir / f"emails{size}.csv"
            write_emails(org, csv_path)
            args += ["-o", "csv", str(csv_path), "-o", "dont_track", "true"]
        before = len(org.requests())
        code, seconds, peak_kb = cci_measured(org, args, workdir / f"cci{size}.log")
        if code:
            tail = (workdir / f"cci{size}.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"{task} failed at {size}: {tail}")
        data = json.loads(report.read_text())
        calls = org.requests()[before:]
        return {
            "records": size,
            "seconds": seconds,
            "per_second": size / seconds,
            "api_calls": len(calls),
            "task_api_calls": data["api_calls"],
            "peak_mb": peak_kb / 1024,
            "created": data["created"],
            "failed": data["failed_count"],
        }


def machine() -> str:
    """nproc, CPU model, Python and cumulusci versions: what the numbers were measured on."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = lines[0].split(":", 1)[1].strip() if lines else model
    from importlib.metadata import version

    return (
        f"{os.cpu_count()} cores ({model}), {platform.platform()}, Python {platform.python_version()}, "
        f"cumulusci {version('cumulusci')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="record counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="1,000 records only (a smoke test)")
    parser.add_argument("--task", choices=TASKS, default=TASKS[0], help="the task to measure")
    args = parser.parse_args()
    sizes = [1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(f"Machine: {machine()}; task {args.task}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-individuals-") as tmp:
        for size in sizes:
            rows.append(one(size, Path(tmp), args.task))
            r = rows[-1]
            print(
                f"done {r['records']}: {r['seconds']:.1f} s, {r['api_calls']} calls, {r['peak_mb']:.0f} MB", flush=True
            )
    base = rows[0]["peak_mb"]
    print("| records | seconds | records/s | API calls (request log) | API calls (task) | peak RSS of cci | vs first |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['seconds']:.1f} | {r['per_second']:,.0f} | {r['api_calls']} | "
            f"{r['task_api_calls']} | {r['peak_mb']:.0f} MB | {r['peak_mb'] / base:.2f}x |"
        )
    if args.task == "create_missing_individuals" and len(rows) > 1:
        for r in rows[1:]:
            ok = r["peak_mb"] <= RSS_FACTOR * base and r["peak_mb"] < RSS_CEILING_MB
            print(
                f"{'PASS' if ok else 'FAIL'}: peak RSS at {r['records']:,} is {r['peak_mb']:.0f} MB "
                f"({r['peak_mb'] / base:.2f}x the {rows[0]['records']:,}-record run; bound {RSS_FACTOR}x "
                f"and {RSS_CEILING_MB} MB); API calls {r['task_api_calls']} against {rows[0]['task_api_calls']}"
            )
    if any(r["failed"] or r["created"] != r["records"] for r in rows):
        print(
            "NOTE: some records were not created; see the failed counts:", [(r["records"], r["failed"]) for r in rows]
        )


if __name__ == "__main__":
    main()
