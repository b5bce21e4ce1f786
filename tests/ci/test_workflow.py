"""The Email privacy workflow: actionlint passes, the matrix job reads the org list file, and each org's job
calls ci/org-job.sh with the arguments and environment a local run uses."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.ci import workflow
from tests.ci.workflow import REPO

ORG = {
    "name": "uat",
    "instance_url": "https://acme--uat.sandbox.my.salesforce.com",
    "username": "ci@acme.com.uat",
    "client_id_secret": "UAT_CLIENT_ID",
    "private_key_secret": "UAT_JWT_KEY",
    "mode": "configure",
}
SECRETS = {
    "UAT_CLIENT_ID": "3MVG9client",
    "UAT_JWT_KEY": "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
}

NO_INPUTS = {"orgs": "", "mode": "", "dry_run": ""}  # what a scheduled run's `inputs` expressions give


@pytest.fixture(scope="module")
def wf():
    return workflow.load()


def test_actionlint_passes():
    actionlint = Path(sys.executable).parent / "actionlint"
    result = subprocess.run([str(actionlint), "-color=false", str(workflow.WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_manual_runs_take_orgs_mode_and_dry_run_and_the_schedule_is_nightly(wf):
    inputs = wf["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"orgs", "mode", "dry_run"}
    assert inputs["dry_run"]["type"] == "boolean" and inputs["mode"]["options"] == ["configure", "verify"]
    (cron,) = [s["cron"] for s in wf["on"]["schedule"]]
    minute, hour, day, month, weekday = cron.split()
    assert (day, month, weekday) == ("*", "*", "*") and hour.isdigit() and minute.isdigit()
    assert wf["permissions"] == {"contents": "read"}


def run_matrix_step(wf, tmp_path, org_list: Path, event: str, inputs: dict) -> list[dict]:
    """Run the matrix job's step as GitHub would, with ORG_LIST pointing at `org_list`."""
    job = wf["jobs"]["orgs"]
    st = workflow.step(job, "ci/orgs_matrix.py")
    context = {"github.event_name": event, **{f"inputs.{k}": v for k, v in inputs.items()}}
    env = workflow.step_env(wf, job, st, context)
    assert env["ORG_LIST"] == ".github/email-privacy-orgs.yml"
    env["ORG_LIST"] = str(org_list)
    argv = workflow.argv(st, env)
    assert argv[:4] == ["python", "ci/orgs_matrix.py", "--file", str(org_list)]
    output = tmp_path / "github_output"
    output.write_text("")
    result = subprocess.run(
        [sys.executable, *argv[1:]], cwd=REPO, env={"GITHUB_OUTPUT": str(output)}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert set(outputs) == set(job["outputs"]) == {"matrix", "count"}
    runs = json.loads(outputs["matrix"])
    assert int(outputs["count"]) == len(runs)
    return runs


def test_the_matrix_job_reads_the_org_list_file(wf, tmp_path):
    runs = run_matrix_step(wf, tmp_path, REPO / ".github" / "email-privacy-orgs.yml", "schedule", NO_INPUTS)
    assert runs == []  # the shipped list is empty until a team adds its orgs
    org_list = tmp_path / "orgs.yml"
    org_list.write_text(json.dumps({"orgs": [ORG, {**ORG, "name": "prod", "mode": "verify"}]}))
    nightly = run_matrix_step(wf, tmp_path, org_list, "schedule", NO_INPUTS)
    assert [(r["name"], r["mode"]) for r in nightly] == [("uat", "verify"), ("prod", "verify")]
    manual = run_matrix_step(
        wf, tmp_path, org_list, "workflow_dispatch", {"orgs": "uat", "mode": "configure", "dry_run": True}
    )
    assert manual == [{**ORG, "dry_run": True}]


@pytest.mark.parametrize("mode, dry_run", [("configure", False), ("configure", True), ("verify", False)])
def test_each_org_job_calls_the_script_as_a_local_run_does(wf, tmp_path, mode, dry_run):
    job = wf["jobs"]["org"]
    entry = {**ORG, "mode": mode, "dry_run": dry_run}
    st = workflow.step(job, "ci/org-job.sh")
    env = workflow.step_env(wf, job, st, workflow.matrix_context(entry, SECRETS, tmp_path))
    assert workflow.argv(st, env) == workflow.local_command("uat", mode)
    assert env["SFDX_CLIENT_ID"] == SECRETS["UAT_CLIENT_ID"] and env["SFDX_HUB_KEY"] == SECRETS["UAT_JWT_KEY"]
    assert env["EMAIL_PRIVACY_USERNAME"] == ORG["username"]
    assert env["EMAIL_PRIVACY_INSTANCE_URL"] == ORG["instance_url"]
    assert env["EMAIL_PRIVACY_DRY_RUN"] == ("true" if dry_run else "false")
    results = Path(env["EMAIL_PRIVACY_RESULTS"]) / "uat"
    context = workflow.matrix_context(entry, SECRETS, tmp_path)
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    reports = [s for s in job["steps"] if s.get("uses", "").startswith("mikepenz/action-junit-report@")]
    assert Path(workflow.resolve(uploads[0]["with"]["path"], context)) == results
    assert Path(workflow.resolve(reports[0]["with"]["report_paths"], context)) == results / "junit.xml"
    assert uploads[0]["if"] == reports[0]["if"] == "always()"  # results of a failing org are kept too


def test_one_job_per_org_never_two_on_one_org_and_cumulusci_pinned(wf):
    job = wf["jobs"]["org"]
    assert job["needs"] == "orgs"
    assert job["strategy"]["fail-fast"] is False
    assert job["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.orgs.outputs.matrix) }}"}
    assert job["concurrency"] == {"group": "email-privacy-${{ matrix.name }}", "cancel-in-progress": False}
    pin = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"cumulusci=={wf['env']['CUMULUSCI_VERSION']}" in pin
    install = workflow.step(job, "pip install")
    assert '"cumulusci==${CUMULUSCI_VERSION}"' in install["run"]


def test_secrets_reach_steps_only_through_env_never_in_a_command(wf):
    for job in wf["jobs"].values():
        for st in job["steps"]:
            assert "secrets" not in st.get("run", ""), st
            assert "${{" not in st.get("run", ""), f"expressions go through env, not into scripts: {st['run']}"
