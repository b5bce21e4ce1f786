"""The Email privacy workflow's matrix: which orgs to run, in which mode, in which job, from the org list file.

    python ci/orgs_matrix.py --file .github/email-privacy-orgs.yml --event schedule
    python ci/orgs_matrix.py --file ... --event workflow_dispatch --orgs uat,qa --mode configure --dry-run false

Each entry of the file names an org (the cci org name), its instance URL and username, the names of the
CI secrets holding the connected app's client id and private key, and its mode: `configure` (a manual run
may change it) or `verify` (only ever verified). The nightly schedule verifies every org; a manual run
configures the orgs that allow it and verifies the others.

GitHub runs at most 256 jobs of one matrix, so the orgs are split into shares, one job each, that run their
orgs one after another: `settings.orgs_per_job` orgs a job, more when that would make over 256 jobs. A
job's orgs share one pair of secrets (a job can read only the secrets it names). `settings.max_parallel`
caps the jobs running at once and `settings.min_api_requests` is the fewest daily API requests an org must
have left to be run (docs/many-orgs.md says how the defaults were chosen).

Prints the jobs as JSON; with --plan writes every chosen org with its job (no secret names) for the fleet
report; when GITHUB_OUTPUT is set also writes `matrix=` (the jobs), `count=` (orgs), `jobs=` and
`max_parallel=` there. Bad input: one line on stderr, exit 2. Needs only PyYAML (which CumulusCI brings too).
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

import yaml

# CUMULUSCI_ORG_<name> is read with the name lower-cased, and shells and GitHub take only these characters.
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# GitHub secret names: letters, digits and underscores, not starting with a digit or GITHUB_.
SECRET = re.compile(r"^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$")
MODES = ("configure", "verify")
MAX_JOBS = 256  # GitHub's matrix limit per workflow run (docs/salesforce-facts.md, "GitHub Actions limits")
# (default, fewest, most, meaning) of each setting of the org list file.
SETTINGS = {
    "orgs_per_job": (4, 1, 100, "orgs one job runs one after another"),
    "max_parallel": (20, 1, 256, "jobs running at once"),
    "min_api_requests": (1000, 0, 10_000_000, "daily API requests an org must have left to be run"),
}
FIELDS = {
    "name": "the cci org name (lower-case letters, digits, _)",
    "instance_url": "the org's https:// URL",
    "username": "the user cci logs in as",
    "client_id_secret": "the name of the secret holding the connected app's client id",
    "private_key_secret": "the name of the secret holding the connected app's private key",
    "mode": "configure or verify",
}


class OrgListError(ValueError):
    """The org list or the run's inputs are not allowed; the message says what and what is."""


def _check_entry(i: int, entry) -> dict:
    where = f"orgs[{i}]"
    if not isinstance(entry, dict):
        raise OrgListError(f"{where}: must be a mapping with {', '.join(FIELDS)}")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise OrgListError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(FIELDS)}")
    for key, meaning in FIELDS.items():
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise OrgListError(f"{where}.{key}: missing; give {meaning}")
    org = {k: entry[k].strip() for k in FIELDS}
    if not NAME.match(org["name"]):
        raise OrgListError(f"{where}.name {org['name']!r}: not allowed; give {FIELDS['name']}, up to 40, from a letter")
    if not re.match(r"^https://[^/\s]+/?$", org["instance_url"]):
        raise OrgListError(f"{where}.instance_url {org['instance_url']!r}: give the org's https:// URL, no path")
    for key in ("client_id_secret", "private_key_secret"):
        if not SECRET.match(org[key]):
            raise OrgListError(f"{where}.{key} {org[key]!r}: not a GitHub secret name (letters, digits, _)")
    if org["mode"] not in MODES:
        raise OrgListError(f"{where}.mode {org['mode']!r}: give configure or verify")
    return org


def read_orgs(path: Path) -> list[dict]:
    """The checked entries of the org list file."""
    return read_org_list(path)[0]


def _check_settings(path: Path, given) -> dict:
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise OrgListError(f"{path}: `settings:` must be a mapping of {', '.join(SETTINGS)}")
    unknown = sorted(set(given) - set(SETTINGS))
    if unknown:
        raise OrgListError(f"{path}: unknown setting {unknown[0]!r}; allowed: {', '.join(SETTINGS)}")
    settings = {}
    for key, (default, low, high, meaning) in SETTINGS.items():
        value = given.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise OrgListError(f"settings.{key} {value!r}: give a whole number from {low} to {high} ({meaning})")
        settings[key] = value
    return settings


def read_org_list(path: Path) -> tuple[list[dict], dict]:
    """The checked entries and settings of the org list file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise OrgListError(f"{path}: cannot be read ({e.strerror})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise OrgListError(f"{path}: not valid YAML{at}") from None
    if not isinstance(data, dict) or not isinstance(data.get("orgs"), list):
        raise OrgListError(f"{path}: must hold `orgs:`, a list of orgs (an empty list [] runs nothing)")
    unknown = sorted(set(data) - {"orgs", "settings"})
    if unknown:
        raise OrgListError(f"{path}: unknown key {unknown[0]!r}; allowed: orgs, settings")
    settings = _check_settings(path, data.get("settings"))
    orgs = [_check_entry(i, e) for i, e in enumerate(data["orgs"])]
    seen = set()
    for org in orgs:
        if org["name"] in seen:
            raise OrgListError(f"{path}: org {org['name']!r} is listed twice; each name once")
        seen.add(org["name"])
    return orgs, settings


def matrix(orgs: list[dict], event: str, only: str = "", mode: str = "configure", dry_run: bool = False) -> list[dict]:
    """One entry per org to run: the org's fields, plus the run's mode and dry_run."""
    if mode not in MODES:
        raise OrgListError(f"--mode {mode!r}: give configure or verify")
    wanted = [n.strip() for n in only.replace(" ", ",").split(",") if n.strip()]
    known = {o["name"] for o in orgs}
    for name in wanted:
        if name not in known:
            raise OrgListError(f"--orgs: {name!r} is not in the org list; listed: {', '.join(sorted(known)) or 'none'}")
    chosen = [o for o in orgs if not wanted or o["name"] in wanted]
    runs = []
    for org in chosen:
        # The schedule only ever verifies; a manual run configures only the orgs whose entry allows it.
        run_mode = "configure" if event == "workflow_dispatch" and mode == org["mode"] == "configure" else "verify"
        runs.append({**org, "mode": run_mode, "dry_run": bool(dry_run and run_mode == "configure")})
    return runs


def share_size(group_sizes: list[int], orgs_per_job: int) -> int:
    """The orgs per job: orgs_per_job, or the fewest more that keep the jobs within MAX_JOBS, each group
    (orgs sharing one pair of secrets) split on its own."""
    if len(group_sizes) > MAX_JOBS:
        raise OrgListError(
            f"{len(group_sizes)} pairs of secrets: a job reads one pair, and GitHub runs at most {MAX_JOBS} jobs; "
            "give orgs fewer distinct client_id_secret/private_key_secret pairs"
        )
    size = orgs_per_job
    while sum(-(-n // size) for n in group_sizes) > MAX_JOBS:
        size += 1
    return size


def jobs(runs: list[dict], settings: dict) -> list[dict]:
    """The matrix: runs split into at most MAX_JOBS jobs, each a share of orgs with one pair of secrets, in
    the order of the org list. Each job: its number, a title, its secrets' names and its orgs (name,
    instance_url, username, mode, dry_run, min_api_requests)."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["client_id_secret"], run["private_key_secret"]), []).append(run)
    size = share_size([len(g) for g in groups.values()], settings["orgs_per_job"])
    keep = ("name", "instance_url", "username", "mode", "dry_run")
    out = []
    for (client_id_secret, private_key_secret), group in groups.items():
        for start in range(0, len(group), size):
            share = group[start : start + size]
            names = [o["name"] for o in share]
            title = ", ".join(names) if len(names) <= 3 else f"{', '.join(names[:2])} and {len(names) - 2} more"
            out.append(
                {
                    "job": len(out) + 1,
                    "title": title,
                    "client_id_secret": client_id_secret,
                    "private_key_secret": private_key_secret,
                    "orgs": [
                        {**{k: o[k] for k in keep}, "min_api_requests": settings["min_api_requests"]} for o in share
                    ],
                }
            )
    return out


def plan(matrix_jobs: list[dict], settings: dict) -> dict:
    """What the fleet report expects: every chosen org with its mode and job, and the settings."""
    orgs = [
        {"name": o["name"], "mode": o["mode"], "dry_run": o["dry_run"], "job": j["job"]}
        for j in matrix_jobs
        for o in j["orgs"]
    ]
    return {"settings": settings, "jobs": len(matrix_jobs), "orgs": orgs}


def _flag(value: str) -> bool:
    if value.lower() in ("true", "false", ""):
        return value.lower() == "true"
    raise argparse.ArgumentTypeError(f"{value!r}: give true or false")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, required=True, help="the org list file")
    parser.add_argument("--event", required=True, help="github.event_name: schedule, workflow_dispatch, ...")
    parser.add_argument("--orgs", default="", help="comma-separated org names (default: all)")
    parser.add_argument("--mode", default="configure", help="configure or verify (manual runs)")
    parser.add_argument("--dry-run", type=_flag, default=False, help="true: configure as a dry run only")
    parser.add_argument("--plan", type=Path, help="write the chosen orgs and their jobs here (for ci/fleet_report.py)")
    args = parser.parse_args(argv)
    try:
        orgs, settings = read_org_list(args.file)
        runs = matrix(orgs, args.event, args.orgs, args.mode, args.dry_run)
        matrix_jobs = jobs(runs, settings)
    except OrgListError as e:
        print(f"orgs_matrix: {e}", file=sys.stderr)
        return 2
    text = json.dumps(matrix_jobs, separators=(",", ":"))
    if args.plan:
        args.plan.parent.mkdir(parents=True, exist_ok=True)
        args.plan.write_text(json.dumps(plan(matrix_jobs, settings), indent=1) + "\n", encoding="utf-8")
    out = os.environ.get("GITHUB_OUTPUT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"matrix={text}\ncount={len(runs)}\njobs={len(matrix_jobs)}\n")
            fh.write(f"max_parallel={settings['max_parallel']}\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
