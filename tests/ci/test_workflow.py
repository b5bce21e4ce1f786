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
    """Run the matrix job's step as GitHub would, with ORG_LIST pointing at `org_list`; the jobs it outputs."""
    job = wf["jobs"]["orgs"]
    st = workflow.step(job, "ci/orgs_matrix.py")
    context = {
        "github.event_name": event,
        "runner.temp": str(tmp_path),
        **{f"inputs.{k}": v for k, v in inputs.items()},
    }
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
    assert set(outputs) == set(job["outputs"]) == {"matrix", "count", "jobs", "max_parallel"}
    jobs = json.loads(outputs["matrix"])
    assert int(outputs["jobs"]) == len(jobs) and int(outputs["count"]) == sum(len(j["orgs"]) for j in jobs)
    # The plan the fleet report reads is the file the step uploads.
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    plan = json.loads(Path(workflow.resolve(upload["with"]["path"], context)).read_text())
    assert [o["name"] for o in plan["orgs"]] == [o["name"] for j in jobs for o in j["orgs"]]
    return jobs


def orgs_of(jobs):
    return [(o["name"], o["mode"]) for j in jobs for o in j["orgs"]]


def test_the_matrix_job_reads_the_org_list_file(wf, tmp_path):
    jobs = run_matrix_step(wf, tmp_path, REPO / ".github" / "email-privacy-orgs.yml", "schedule", NO_INPUTS)
    assert jobs == []  # the shipped list is empty until a team adds its orgs
    org_list = tmp_path / "orgs.yml"
    org_list.write_text(json.dumps({"orgs": [ORG, {**ORG, "name": "prod", "mode": "verify"}]}))
    nightly = run_matrix_step(wf, tmp_path, org_list, "schedule", NO_INPUTS)
    assert orgs_of(nightly) == [("uat", "verify"), ("prod", "verify")]
    manual = run_matrix_step(
        wf, tmp_path, org_list, "workflow_dispatch", {"orgs": "uat", "mode": "configure", "dry_run": True}
    )
    assert orgs_of(manual) == [("uat", "configure")] and manual[0]["orgs"][0]["dry_run"] is True
    assert (manual[0]["client_id_secret"], manual[0]["private_key_secret"]) == ("UAT_CLIENT_ID", "UAT_JWT_KEY")


@pytest.mark.parametrize("mode, dry_run", [("configure", False), ("configure", True), ("verify", False)])
def test_each_job_runs_its_share_as_a_local_run_does(wf, tmp_path, mode, dry_run):
    job = wf["jobs"]["org"]
    share = [
        {k: ORG[k] for k in ("name", "instance_url", "username")}
        | {"mode": mode, "dry_run": dry_run, "min_api_requests": 1000},
        {"name": "qa", "instance_url": "https://acme--qa.sandbox.my.salesforce.com", "username": "ci@acme.com.qa"}
        | {"mode": mode, "dry_run": dry_run, "min_api_requests": 1000},
    ]
    entry = {
        "job": 3,
        "title": "uat, qa",
        "client_id_secret": "UAT_CLIENT_ID",
        "private_key_secret": "UAT_JWT_KEY",
        "orgs": share,
    }
    st = workflow.step(job, "ci/run_share.py")
    context = workflow.matrix_context(entry, SECRETS, tmp_path)
    env = workflow.step_env(wf, job, st, context)
    assert workflow.argv(st, env) == workflow.local_command()
    assert json.loads(env["EMAIL_PRIVACY_SHARE"]) == share
    assert env["SFDX_CLIENT_ID"] == SECRETS["UAT_CLIENT_ID"] and env["SFDX_HUB_KEY"] == SECRETS["UAT_JWT_KEY"]
    results = Path(env["EMAIL_PRIVACY_RESULTS"])
    (upload,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert Path(workflow.resolve(upload["with"]["path"], context)) == results
    assert workflow.resolve(upload["with"]["name"], context) == "email-privacy-results-3"
    assert upload["if"] == "always()"  # results of a failing org are kept too


def test_the_fleet_job_reads_every_jobs_results_and_fails_the_run_on_drift(wf, tmp_path):
    fleet = wf["jobs"]["fleet"]
    assert fleet["needs"] == ["orgs", "org"] and fleet["if"].startswith("always() && ")
    context = {"runner.temp": str(tmp_path), "github.run_id": "7", "github.run_attempt": "1"}
    downloads = [s for s in fleet["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    results, plan = (Path(workflow.resolve(s["with"]["path"], context)) for s in downloads)
    assert downloads[0]["with"]["pattern"] == "email-privacy-results-*" and downloads[0]["with"]["merge-multiple"]
    assert downloads[1]["with"]["name"] == "email-privacy-plan"
    st = workflow.step(fleet, "ci/fleet_report.py")
    env = workflow.step_env(wf, fleet, st, context)
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    argv = workflow.argv(st, env)
    assert argv[:2] == ["python", "ci/fleet_report.py"]
    args = dict(zip(argv[2::2], argv[3::2], strict=True))
    assert Path(args["--results"]) == results and Path(args["--plan"]) == plan / "email-privacy-plan.json"
    assert args["--summary"] == env["GITHUB_STEP_SUMMARY"]
    # The report is kept where the next run's restore finds it: the same cache path, keyed per run.
    restore = next(s for s in fleet["steps"] if s.get("uses", "").startswith("actions/cache/restore@"))
    save = next(s for s in fleet["steps"] if s.get("uses", "").startswith("actions/cache/save@"))
    state = Path(workflow.resolve(save["with"]["path"], context))
    assert restore["with"]["path"] == save["with"]["path"] and Path(args["--previous"]).parent == state
    assert Path(args["--json"]).parent == state and restore["with"]["restore-keys"] == "email-privacy-fleet-"
    assert save["if"] == "always()"  # a failing report (drift) is kept too
    reports = [s for s in fleet["steps"] if s.get("uses", "").startswith("mikepenz/action-junit-report@")]
    assert Path(workflow.resolve(reports[0]["with"]["report_paths"], context)) == Path(args["--junit"])
    assert fleet["permissions"] == {"contents": "read", "checks": "write"}


def test_jobs_within_githubs_limits_one_run_at_a_time_and_cumulusci_pinned(wf):
    job = wf["jobs"]["org"]
    assert job["needs"] == "orgs"
    assert job["strategy"]["fail-fast"] is False
    assert job["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.orgs.outputs.matrix) }}"}
    assert job["strategy"]["max-parallel"] == "${{ fromJSON(needs.orgs.outputs.max_parallel) }}"
    assert wf["concurrency"] == {"group": "email-privacy-orgs", "cancel-in-progress": False}
    pin = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"cumulusci=={wf['env']['CUMULUSCI_VERSION']}" in pin
    install = workflow.step(job, "pip install")
    assert '"cumulusci==${CUMULUSCI_VERSION}"' in install["run"]


def test_secrets_reach_steps_only_through_env_never_in_a_command(wf):
    for job in wf["jobs"].values():
        for st in job["steps"]:
            assert "secrets" not in st.get("run", ""), st
            assert "${{" not in st.get("run", ""), f"expressions go through env, not into scripts: {st['run']}"
