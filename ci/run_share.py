"""One job of the Email privacy workflow: its share of orgs, one after another, each by ci/org-job.sh.

    EMAIL_PRIVACY_SHARE='[{"name": "uat", "instance_url": ..., "username": ..., "mode": "verify",
                           "dry_run": false, "min_api_requests": 1000}, ...]' python ci/run_share.py

The share is the `orgs` of one job of ci/orgs_matrix.py's matrix; the job's SFDX_CLIENT_ID and SFDX_HUB_KEY
serve all its orgs (a share has one pair of secrets). Each org gets its own results folder
(EMAIL_PRIVACY_RESULTS/<org>/) and its own log group. One org failing does not stop the others; the exit
status is 1 when any failed. Bad input: one line on stderr, exit 2. Standard library only.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "org-job.sh"
KEYS = ("name", "instance_url", "username", "mode", "dry_run", "min_api_requests")


def read_share(text: str) -> list[dict]:
    try:
        share = json.loads(text)
    except ValueError:
        raise ValueError("EMAIL_PRIVACY_SHARE is not JSON: give the job's orgs from ci/orgs_matrix.py") from None
    if not isinstance(share, list) or not all(isinstance(o, dict) and set(KEYS) <= set(o) for o in share):
        raise ValueError(f"EMAIL_PRIVACY_SHARE must be a list of orgs, each with {', '.join(KEYS)}")
    return share


def run_org(org: dict) -> int:
    env = {
        **os.environ,
        "EMAIL_PRIVACY_USERNAME": org["username"],
        "EMAIL_PRIVACY_INSTANCE_URL": org["instance_url"],
        "EMAIL_PRIVACY_DRY_RUN": "true" if org["dry_run"] else "false",
        "EMAIL_PRIVACY_MIN_API_REQUESTS": str(org["min_api_requests"]),
    }
    env.pop("EMAIL_PRIVACY_SHARE", None)
    env.pop(f"CUMULUSCI_ORG_{org['name']}", None)
    # GitHub folds a group in the job log; elsewhere the lines just mark where each org starts.
    print(f"::group::{org['name']} ({org['mode']})", flush=True)
    try:
        return subprocess.run([str(SCRIPT), org["name"], org["mode"]], env=env, stdin=subprocess.DEVNULL).returncode
    finally:
        print("::endgroup::", flush=True)


def main() -> int:
    try:
        share = read_share(os.environ.get("EMAIL_PRIVACY_SHARE", ""))
    except ValueError as e:
        print(f"run_share: {e}", file=sys.stderr)
        return 2
    failed = [org["name"] for org in share if run_org(org) != 0]
    if failed:
        print(f"run_share: {len(failed)} of {len(share)} orgs failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
