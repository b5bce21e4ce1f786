"""The fleet report: every org's result of one Email privacy run in one table, one JSON and one JUnit file.

    python ci/fleet_report.py --results DIR [--plan plan.json] [--previous fleet.json]
                              [--json fleet.json] [--junit fleet-junit.xml] [--summary FILE]

DIR holds one folder per org as ci/org-job.sh writes them (job.json, report.json, api-requests.json,
cci.log); in GitHub the last job downloads every job's artifact into it. --plan (ci/orgs_matrix.py --plan)
names the orgs the run was to cover, so an org whose job left nothing is reported too. --previous is the
last run's fleet JSON: when an org was last configured is carried from it (a nightly run only verifies).

Each org gets one verdict: OK (configured), DRIFTED (a verify found it no longer configured: what drifted is
listed), FAILED (the run did not finish, or a configure left it unconfigured), SKIPPED (too few daily API
requests left: nothing was changed or verified) or WOULD CHANGE (a dry run, listing what a real run would
change). The table (Markdown, appended to --summary, e.g. $GITHUB_STEP_SUMMARY), --json and --junit (one
test case per org) say the same. Exit status 1 when any org DRIFTED or FAILED, else 0; bad input: one line
on stderr, exit 2. Runs anywhere with Python 3.11 and its standard library, so other CI systems can use it.
"""

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

OK, DRIFTED, FAILED, SKIPPED, WOULD_CHANGE = "OK", "DRIFTED", "FAILED", "SKIPPED", "WOULD CHANGE"
ORDER = (FAILED, DRIFTED, SKIPPED, WOULD_CHANGE, OK)  # worst first
FAILING = (FAILED, DRIFTED)


class ReportError(ValueError):
    """An input folder or file that cannot be used; the message says which and why."""


def _json(path: Path) -> dict | None:
    """The JSON object in `path`, None when the file is absent; ReportError when it is not JSON."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise ReportError(f"{path}: not valid JSON") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: not a JSON object")
    return data


def wrong_items(report: dict) -> list[str]:
    """Each setting, layout and record page the verification found wrong, as a person reads it."""
    items = [f"{r['name']} is {r['state']}" for r in report.get("settings", []) if not r.get("ok", True)]
    for r in report.get("layouts", []):
        if not r.get("ok", True):
            items.append(f"{r.get('object') or 'Layout'} layout {r['name']}: {r['state']}")
    for r in report.get("pages", []):
        if r.get("verdict") == "MISSING":
            items.append(f"{r.get('object') or 'Record'} page {r['name']}: {r['state']}")
    return items


def last_error(log: Path) -> str:
    """The last line cci printed that names an error, else its last line ('' without a log)."""
    if not log.is_file():
        return ""
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("$ cci ")]
    errors = [line for line in lines if "error" in line.lower() or "failed" in line.lower()]
    line = (errors or lines or [""])[-1]
    return line if len(line) <= 300 else line[:297] + "..."


def org_row(name: str, folder: Path, expected: dict | None, last_configured: str) -> dict:
    """One org's row from its results folder (which may be missing)."""
    job = _json(folder / "job.json")
    report = _json(folder / "report.json")
    api = _json(folder / "api-requests.json")
    mode = (job or expected or {}).get("mode", "")
    dry_run = bool((job or expected or {}).get("dry_run", False))
    row = {
        "org": name,
        "mode": f"{mode} (dry run)" if dry_run else mode,
        "verdict": FAILED,
        "details": [],
        "last_configured": last_configured,
        "checked_at": (report or {}).get("checked_at") or (api or {}).get("checked_at") or "",
        "api_requests_left": (api or {}).get("remaining"),
        "exit_status": (job or {}).get("exit_status"),
    }
    if job is None:
        row["details"] = ["no result: the org's job did not run to its end, or its results were not collected"]
    elif job.get("skipped"):
        row["verdict"] = SKIPPED
        row["details"] = [
            f"only {api['remaining']} of {api['max']} daily API requests left, fewer than the minimum "
            f"{api['minimum']}: nothing was changed or verified"
        ]
    elif report is None:
        error = last_error(folder / "cci.log")
        row["details"] = [
            f"stopped before verification (exit {job.get('exit_status')})" + (f": {error}" if error else "")
        ]
    elif report.get("configured"):
        row["verdict"] = OK
        if mode == "configure" and not dry_run and job.get("exit_status") == 0:
            row["last_configured"] = job.get("finished_at") or row["checked_at"]
    else:
        row["details"] = wrong_items(report) or ["not configured"]
        row["verdict"] = WOULD_CHANGE if dry_run else DRIFTED if mode == "verify" else FAILED
        if row["verdict"] == FAILED:
            row["details"].insert(0, "still not configured after the configure run")
    return row


def collect(results: Path, plan: dict | None = None, previous: dict | None = None) -> dict:
    """The fleet report for a results folder: one row per org (planned or found), worst first."""
    if not results.is_dir():
        raise ReportError(f"--results {results}: not a folder; give the folder holding one folder per org")
    expected = {o["name"]: o for o in (plan or {}).get("orgs", [])}
    found = {p.name for p in results.iterdir() if p.is_dir() and (p / "job.json").is_file()}
    # When each org was last configured, over every run so far: orgs outside this run keep theirs.
    configured = dict((previous or {}).get("last_configured", {}))
    names = sorted(set(expected) | found)
    rows = [org_row(n, results / n, expected.get(n), configured.get(n, "")) for n in names]
    configured.update({r["org"]: r["last_configured"] for r in rows if r["last_configured"]})
    rows.sort(key=lambda r: (ORDER.index(r["verdict"]), r["org"]))
    totals = {v: sum(r["verdict"] == v for r in rows) for v in ORDER}
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "orgs_total": len(rows),
        "totals": totals,
        "failed": any(r["verdict"] in FAILING for r in rows),
        "orgs": rows,
        "last_configured": dict(sorted(configured.items())),
    }


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(fleet: dict) -> str:
    """The step-summary table: the orgs needing attention first; the configured ones folded away."""
    t = fleet["totals"]
    counts = ", ".join(f"{t[v]} {v.lower()}" for v in ORDER if t[v])
    lines = [f"## Email privacy fleet: {fleet['orgs_total']} orgs ({counts or 'none'})", ""]
    header = ["| Org | Mode | Verdict | What drifted, or why | Last configured |", "|---|---|---|---|---|"]

    def table(rows):
        out = list(header)
        for r in rows:
            details = "; ".join(r["details"]) or "every setting on, every layout has the Individual field"
            cells = (r["org"], r["mode"], r["verdict"], details, r["last_configured"] or "unknown")
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        return out

    attention = [r for r in fleet["orgs"] if r["verdict"] != OK]
    fine = [r for r in fleet["orgs"] if r["verdict"] == OK]
    if attention:
        lines += table(attention)
    else:
        lines.append("Every org is configured.")
    if fine:
        lines += ["", f"<details><summary>{len(fine)} configured orgs</summary>", ""]
        lines += table(fine) + ["", "</details>"]
    return "\n".join(lines) + "\n"


def junit(fleet: dict) -> bytes:
    """One test case per org: a failure for DRIFTED and FAILED, skipped for SKIPPED."""
    t = fleet["totals"]
    suite = ET.Element(
        "testsuite",
        name="Email privacy fleet",
        tests=str(fleet["orgs_total"]),
        failures=str(t[DRIFTED] + t[FAILED]),
        errors="0",
        skipped=str(t[SKIPPED]),
        timestamp=fleet["generated_at"],
    )
    for r in sorted(fleet["orgs"], key=lambda r: r["org"]):
        case = ET.SubElement(suite, "testcase", classname="email_privacy_fleet", name=r["org"])
        details = "; ".join(r["details"])
        if r["verdict"] in FAILING:
            failure = ET.SubElement(case, "failure", message=f"{r['verdict']}: {details}"[:500], type=r["verdict"])
            failure.text = "\n".join(r["details"])
        elif r["verdict"] == SKIPPED:
            ET.SubElement(case, "skipped", message=f"SKIPPED: {details}"[:500])
        elif r["verdict"] == WOULD_CHANGE:
            ET.SubElement(case, "system-out").text = "A real run would change: " + details
    root = ET.Element("testsuites", name="Email privacy fleet")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_private(path: Path, data: bytes, append: bool = False) -> None:
    """Write (or append) owner-only, as the per-org files are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True, help="the folder holding one folder per org")
    parser.add_argument("--plan", type=Path, help="the orgs the run was to cover (ci/orgs_matrix.py --plan)")
    parser.add_argument("--previous", type=Path, help="the previous run's fleet JSON (when each org was configured)")
    parser.add_argument("--json", type=Path, help="write the fleet report as JSON here")
    parser.add_argument("--junit", type=Path, help="write a JUnit XML file here: one test case per org")
    parser.add_argument("--summary", type=Path, help="append the Markdown table here (e.g. $GITHUB_STEP_SUMMARY)")
    args = parser.parse_args(argv)
    try:
        plan = _json(args.plan) if args.plan else None
        if args.plan and plan is None:
            raise ReportError(f"--plan {args.plan}: no such file")
        # A missing previous report is normal (the first run, or an expired cache): nothing to carry.
        previous = _json(args.previous) if args.previous else None
        fleet = collect(args.results, plan, previous)
    except ReportError as e:
        print(f"fleet_report: {e}", file=sys.stderr)
        return 2
    text = markdown(fleet)
    if args.json:
        write_private(args.json, (json.dumps(fleet, indent=1) + "\n").encode("utf-8"))
    if args.junit:
        write_private(args.junit, junit(fleet))
    if args.summary:
        write_private(args.summary, text.encode("utf-8"), append=True)
    print(text, end="")
    return 1 if fleet["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
