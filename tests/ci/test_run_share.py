"""ci/run_share.py: a job's share of orgs, one after another, each in its own results folder; one failing
org does not stop the next; bad input in one line."""

import json
import subprocess
import sys

from tests.ci.test_org_job import GOOD
from tests.ci.workflow import REPO


def org(name):
    return {
        "name": name,
        "instance_url": f"https://acme--{name}.sandbox.my.salesforce.com",
        "username": f"ci@acme.com.{name}",
        "mode": "verify",
        "dry_run": False,
        "min_api_requests": 1000,
    }


def run(share, tmp_path):
    # CCI points at a command that cannot start: every org fails, as an unreachable org would.
    env = {
        "PATH": "/usr/bin:/bin",
        "CCI": "/nonexistent/cci",
        "EMAIL_PRIVACY_RESULTS": str(tmp_path),
        "SFDX_CLIENT_ID": GOOD["SFDX_CLIENT_ID"],
        "SFDX_HUB_KEY": GOOD["SFDX_HUB_KEY"],
        "EMAIL_PRIVACY_SHARE": share if isinstance(share, str) else json.dumps(share),
    }
    return subprocess.run([sys.executable, "ci/run_share.py"], cwd=REPO, env=env, capture_output=True, text=True)


def test_each_org_runs_in_turn_into_its_own_folder_and_a_failure_does_not_stop_the_next(tmp_path):
    result = run([org("uat"), org("qa")], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().endswith("run_share: 2 of 2 orgs failed: uat, qa")
    for name in ("uat", "qa"):
        job = json.loads((tmp_path / name / "job.json").read_text())
        assert job["org"] == name and job["exit_status"] != 0
    uat, qa = (json.loads((tmp_path / n / "job.json").read_text()) for n in ("uat", "qa"))
    assert uat["finished_at"] <= qa["started_at"]
    assert result.stdout.index("::group::uat (verify)") < result.stdout.index("::group::qa (verify)")
    assert "secretclientid" not in result.stdout + result.stderr


def test_bad_share_is_one_line_exit_2(tmp_path):
    for share, words in [("[", "is not JSON"), (json.dumps([{"name": "uat"}]), "must be a list of orgs, each with")]:
        result = run(share, tmp_path)
        assert result.returncode == 2 and words in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
