"""The Email privacy workflow's matrix: which orgs to run, in which mode, from the org list file.

    python ci/orgs_matrix.py --file .github/email-privacy-orgs.yml --event schedule
    python ci/orgs_matrix.py --file ... --event workflow_dispatch --orgs uat,qa --mode configure --dry-run false

Each entry of the file names an org (the cci org name), its instance URL and username, the names of the
CI secrets holding the connected app's client id and private key, and its mode: `configure` (a manual run
may change it) or `verify` (only ever verified). The nightly schedule verifies every org; a manual run
configures the orgs that allow it and verifies the others. Prints the matrix as JSON, and when
GITHUB_OUTPUT is set also writes `matrix=` and `count=` there. Bad input: one line on stderr, exit 2.
Needs only PyYAML (which CumulusCI brings too).
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
    orgs = [_check_entry(i, e) for i, e in enumerate(data["orgs"])]
    seen = set()
    for org in orgs:
        if org["name"] in seen:
            raise OrgListError(f"{path}: org {org['name']!r} is listed twice; each name once")
        seen.add(org["name"])
    return orgs


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
    args = parser.parse_args(argv)
    try:
        runs = matrix(read_orgs(args.file), args.event, args.orgs, args.mode, args.dry_run)
    except OrgListError as e:
        print(f"orgs_matrix: {e}", file=sys.stderr)
        return 2
    text = json.dumps(runs, separators=(",", ":"))
    out = os.environ.get("GITHUB_OUTPUT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"matrix={text}\ncount={len(runs)}\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
