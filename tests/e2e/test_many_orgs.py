"""ci/org-job.sh against two local orgs at once, logged in by the JWT flow with keys the test makes and the
environment the workflow sets: configure both; an admin then deploys a layout without the Individual field
to one org, and the nightly verify fails for that org only, its JUnit file naming the layout."""

import json
import secrets
import stat
import subprocess
import sys
from pathlib import Path

from lxml import etree

from email_privacy.metadata import documents, names
from email_privacy.metadata.documents import API_VERSION
from tests.ci import workflow
from tests.harness import all_have_field, ok, run_cci, setting
from tests.jwt_keys import certificate, private_pem, rsa_key

REPO = workflow.REPO
NS = {"md": documents.MDAPI_NS}


def start(local_org, tmp_path, name):
    key = rsa_key()
    cert = tmp_path / f"{name}.crt"
    cert.write_bytes(certificate(key))
    client_id = "3MVG9" + secrets.token_urlsafe(24)
    org = local_org(jwt_cert=str(cert), jwt_client_id=client_id)
    entry = {
        "name": name,
        "instance_url": org.url,
        "username": org.org_config["username"],
        "client_id_secret": f"{name.upper()}_CLIENT_ID",
        "private_key_secret": f"{name.upper()}_JWT_KEY",
        "mode": "configure",
    }
    return org, entry, {entry["client_id_secret"]: client_id, entry["private_key_secret"]: private_pem(key)}


def matrix(org_list: Path, event: str, *extra: str) -> list[dict]:
    """The workflow's jobs for the org list (ci/orgs_matrix.py)."""
    result = subprocess.run(
        [sys.executable, "ci/orgs_matrix.py", "--file", str(org_list), "--event", event, "--mode", "configure", *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def run_jobs(wf, jobs, orgs, all_secrets, runner_temp):
    """Start every job's step (its share of orgs, here one org each: each org has its own connected app and
    so its own secrets) at once, with the job's step environment, and wait; {org: (exit code, output)}."""
    job = wf["jobs"]["org"]
    st = workflow.step(job, "ci/run_share.py")
    procs = {}
    for entry in jobs:
        (org_entry,) = entry["orgs"]
        summary = runner_temp / f"step-summary-{org_entry['name']}.md"
        env = workflow.share_step_env(wf, entry, all_secrets, runner_temp, orgs[org_entry["name"]], summary)
        procs[org_entry["name"]] = subprocess.Popen(
            workflow.argv(st, env), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=900)
        results[name] = (proc.returncode, out + err)
    return results


def drop_individual_field(org, layout: str) -> None:
    """What an admin does: deploy the layout back without the Individual field (the real cci deploy task)."""
    path = next(
        p for p in (org.metadata_dir / "layouts").glob("*.layout") if names.full_name_from_path(p.name) == layout
    )
    tree = documents.parse(path.read_bytes(), layout)
    for item in tree.getroot().xpath("//md:layoutItems[md:field='IndividualId']", namespaces=NS):
        item.getparent().remove(item)
    src = org.workdir / "admin-deploy"
    (src / "layouts").mkdir(parents=True)
    (src / "layouts" / path.name).write_bytes(documents.serialize(tree))
    (src / "package.xml").write_bytes(documents.package_xml({"Layout": [layout]}, API_VERSION))
    ok(run_cci(org, "task", "run", "deploy", "--org", "sim", "-o", "path", str(src)))
    assert b"IndividualId" not in path.read_bytes()


def junit_cases(path: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {f"{c.get('classname')}/{c.get('name')}": c for c in root.iter("testcase")}


def leaked(text: str, secrets_: list[str]) -> list[str]:
    return [s[:12] + "..." for s in secrets_ if s and s in text]


def test_two_orgs_configured_then_drift_in_one_fails_that_org_only(local_org, tmp_path):
    wf = workflow.load()
    uat, uat_entry, uat_secrets = start(local_org, tmp_path, "uat")
    qa, qa_entry, qa_secrets = start(local_org, tmp_path, "qa")
    orgs = {"uat": uat, "qa": qa}
    all_secrets = {**uat_secrets, **qa_secrets}
    org_list = tmp_path / "email-privacy-orgs.yml"
    org_list.write_text(json.dumps({"orgs": [uat_entry, qa_entry]}))
    runner_temp = tmp_path / "runner"
    results_dir = runner_temp / "email-privacy"

    configure = run_jobs(wf, matrix(org_list, "workflow_dispatch"), orgs, all_secrets, runner_temp)
    for name, (code, output) in configure.items():
        assert code == 0, f"{name}: {output[-4000:]}"
        assert "Running task: deploy_email_privacy_settings" in output  # the real run after the dry run
        org = orgs[name]
        assert all_have_field(org), f"{name}: a target layout lacks the Individual field"
        assert setting(org, "EmailAdministration", "enableEmailConsentManagement") is True
        junit = results_dir / name / "junit.xml"
        assert etree.parse(str(junit)).getroot().get("failures") == "0"
        # Every login of the script was a JWT grant: the env carries no refresh token to use instead.
        assert any(r["path"] == "/services/oauth2/token" for r in org.requests())

    drop_individual_field(uat, "Contact-Contact Layout")

    nightly = run_jobs(wf, matrix(org_list, "schedule"), orgs, all_secrets, runner_temp)
    (uat_code, uat_output), (qa_code, qa_output) = nightly["uat"], nightly["qa"]
    assert uat_code != 0, uat_output[-3000:]
    assert "Contact Layout (Contact)" in uat_output and "Traceback" not in uat_output
    assert qa_code == 0, qa_output[-3000:]

    failed = {k: c for k, c in junit_cases(results_dir / "uat" / "junit.xml").items() if c.find("failure") is not None}
    assert list(failed) == ["uat.Contact/Contact Layout"]
    failure = failed["uat.Contact/Contact Layout"].find("failure")
    assert failure.get("message") == "MISSING: lacks IndividualId"
    assert "Contact-Contact Layout" in failure.text and "cci flow run enable_individual_email_tracking" in failure.text
    qa_cases = junit_cases(results_dir / "qa" / "junit.xml")
    assert qa_cases and all(c.find("failure") is None for c in qa_cases.values())
    assert "uat is NOT configured" in (runner_temp / "step-summary-uat.md").read_text()
    assert "qa is configured" in (runner_temp / "step-summary-qa.md").read_text()

    files = [p for p in results_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"junit.xml", "summary.md", "cci.log"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    # No credential in any file or log: the client ids, the private keys (whole and line by line) and
    # every token the orgs issued.
    key_lines = [line for pem in (uat_secrets, qa_secrets) for v in pem.values() for line in v.splitlines()]
    forbidden = [*all_secrets.values(), *[k for k in key_lines if len(k) > 20 and "-----" not in k]]
    forbidden += uat.tokens_issued() + qa.tokens_issued()
    texts = {str(p): p.read_text(errors="replace") for p in files}
    texts.update({f"{k} configure": v[1] for k, v in configure.items()})
    texts.update({f"{k} verify": v[1] for k, v in nightly.items()})
    texts.update({p.name: p.read_text() for p in runner_temp.glob("step-summary-*.md")})
    for where, text in texts.items():
        assert not leaked(text, forbidden), f"{where} holds a secret: {leaked(text, forbidden)}"


def test_a_dry_run_changes_nothing_and_reports_what_is_missing(local_org, tmp_path):
    wf = workflow.load()
    org, entry, org_secrets = start(local_org, tmp_path, "sandbox1")
    org_list = tmp_path / "email-privacy-orgs.yml"
    org_list.write_text(json.dumps({"orgs": [entry]}))
    runs = matrix(org_list, "workflow_dispatch", "--dry-run", "true")
    assert [(o["mode"], o["dry_run"]) for j in runs for o in j["orgs"]] == [("configure", True)]
    before = snapshot(org)
    code, output = run_jobs(wf, runs, {"sandbox1": org}, org_secrets, tmp_path / "runner")["sandbox1"]
    assert code == 0, output[-3000:]
    assert snapshot(org) == before, "a dry run changed the org"
    assert not [r for r in org.requests() if r.get("soap_action") == "deploy"]
    junit = etree.parse(str(tmp_path / "runner" / "email-privacy" / "sandbox1" / "junit.xml")).getroot()
    assert int(junit.get("failures")) > 0  # what a real run would put right
    assert "sandbox1 is NOT configured" in (tmp_path / "runner" / "step-summary-sandbox1.md").read_text()


def snapshot(org) -> dict[str, bytes]:
    return {str(p.relative_to(org.metadata_dir)): p.read_bytes() for p in org.metadata_dir.rglob("*") if p.is_file()}
