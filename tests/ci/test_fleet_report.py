"""ci/fleet_report.py over a folder of org results written by the writers the jobs use (verify's JSON report,
check_api_requests' report, ci/job_record.py): one verdict per org, the JSON, JUnit and Markdown saying
the same, the run failing on drift or failure only, and when each org was last configured carried over."""

import importlib.util
import json
import stat
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest

from email_privacy.reports.tables import write_json
from email_privacy.steps.api_requests import ApiRequests
from email_privacy.steps.verify import Row, report_data
from tests.ci.workflow import REPO


def load(name):
    spec = importlib.util.spec_from_file_location(name, REPO / "ci" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fleet_report = load("fleet_report")
job_record = load("job_record")

SETTING_ON = Row("Setting", "Enforce email privacy settings", "EmailAdministrationSettings.x", "on", True, True)
SETTING_OFF = Row("Setting", "Enforce email privacy settings", "EmailAdministrationSettings.x", "off", True, False)
LAYOUT_OK = Row("Layout", "Contact Layout", "Contact-Contact Layout", "has IndividualId", True, True, "Contact")
LAYOUT_BAD = Row("Layout", "Lead Layout", "Lead-Lead Layout", "lacks IndividualId", True, False, "Lead")


def org_result(results, name, mode, rows=None, *, status=0, dry_run=False, left=None, log=""):
    """The folder ci/org-job.sh leaves for one org."""
    folder = results / name
    folder.mkdir(parents=True)
    if left is not None:
        write_json(
            folder / "api-requests.json", ApiRequests(name, 15000, left, 1000, "2026-12-02T03:17:00+00:00").as_dict()
        )
    if rows is not None:
        who = {"name": name, "org_id": "00D000000000001", "instance_url": "https://x.my.salesforce.com"}
        write_json(folder / "report.json", report_data(rows, who, "2026-12-02T03:18:00+00:00", False))
    (folder / "cci.log").write_text(log)
    return job_record.record(folder, name, mode, dry_run, status, "2026-12-02T03:17:00+00:00")


@pytest.fixture
def nightly(tmp_path):
    results = tmp_path / "results"
    org_result(results, "fine", "verify", [SETTING_ON, LAYOUT_OK], left=9000)
    org_result(results, "drift", "verify", [SETTING_ON, LAYOUT_BAD], status=1, left=9000)
    org_result(results, "off", "verify", [SETTING_OFF, LAYOUT_OK], status=1, left=9000)
    assert org_result(results, "spent", "verify", status=1, left=120) == 0  # a skip is not a failure
    org_result(
        results, "broken", "verify", status=1, log="$ cci flow run x\nError: invalid_grant: audience is invalid\n"
    )
    plan = {"orgs": [{"name": n, "mode": "verify", "dry_run": False, "job": 1} for n in ("fine", "drift", "lost")]}
    return results, plan


def test_each_org_gets_one_verdict_and_the_reason(nightly):
    results, plan = nightly
    fleet = fleet_report.collect(results, plan)
    verdicts = {r["org"]: (r["verdict"], r["details"]) for r in fleet["orgs"]}
    assert verdicts["fine"] == ("OK", [])
    assert verdicts["drift"] == ("DRIFTED", ["Lead layout Lead Layout: lacks IndividualId"])
    assert verdicts["off"] == ("DRIFTED", ["Enforce email privacy settings is off"])
    assert verdicts["spent"][0] == "SKIPPED" and "only 120 of 15000 daily API requests left" in verdicts["spent"][1][0]
    assert verdicts["broken"] == (
        "FAILED",
        ["stopped before verification (exit 1): Error: invalid_grant: audience is invalid"],
    )
    assert verdicts["lost"][0] == "FAILED" and verdicts["lost"][1][0].startswith("no result")
    assert [r["org"] for r in fleet["orgs"]] == ["broken", "lost", "drift", "off", "spent", "fine"]  # worst first
    assert fleet["failed"] is True and fleet["totals"] == {
        "FAILED": 2,
        "DRIFTED": 2,
        "SKIPPED": 1,
        "WOULD CHANGE": 0,
        "OK": 1,
    }


def test_the_script_writes_json_junit_and_summary_and_fails_the_run(nightly, tmp_path):
    results, plan = nightly
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier steps' summary\n")
    out = subprocess.run(
        [sys.executable, "ci/fleet_report.py", "--results", str(results), "--plan", str(tmp_path / "plan.json")]
        + ["--json", str(tmp_path / "fleet.json"), "--junit", str(tmp_path / "junit.xml"), "--summary", str(summary)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1, out.stderr
    data = json.loads((tmp_path / "fleet.json").read_text())
    assert {r["org"]: r["verdict"] for r in data["orgs"]}["drift"] == "DRIFTED"
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("6", "4", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["drift"].find("failure").get("message") == "DRIFTED: Lead layout Lead Layout: lacks IndividualId"
    assert cases["spent"].find("skipped") is not None and cases["fine"].find("failure") is None
    text = summary.read_text()
    assert text.startswith("earlier steps' summary\n## Email privacy fleet: 6 orgs (2 failed, 2 drifted, 1 skipped")
    assert "| drift | verify | DRIFTED | Lead layout Lead Layout: lacks IndividualId | unknown |" in text
    assert out.stdout == text.removeprefix("earlier steps' summary\n")
    for path in (tmp_path / "fleet.json", tmp_path / "junit.xml"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_last_configured_comes_from_the_configure_run_and_is_carried_to_later_runs(tmp_path):
    configure = tmp_path / "configure"
    org_result(configure, "uat", "configure", [SETTING_ON, LAYOUT_OK], left=9000)
    org_result(configure, "qa", "configure", [SETTING_ON, LAYOUT_OK], dry_run=True, left=9000)
    first = fleet_report.collect(configure)
    when = {r["org"]: r["last_configured"] for r in first["orgs"]}
    assert when["uat"] and when["qa"] == ""  # a dry run configures nothing
    nightly = tmp_path / "nightly"
    org_result(nightly, "qa", "verify", [SETTING_ON, LAYOUT_BAD], status=1, left=9000)
    second = fleet_report.collect(nightly, previous=first)
    assert second["last_configured"] == {"uat": when["uat"]}  # uat was not in this run and keeps its time
    assert fleet_report.collect(nightly, previous=second)["last_configured"] == {"uat": when["uat"]}


def test_a_configure_that_leaves_the_org_unconfigured_fails_and_a_dry_run_would_change(tmp_path):
    results = tmp_path / "results"
    org_result(results, "uat", "configure", [SETTING_OFF], status=1, left=9000)
    org_result(results, "qa", "configure", [SETTING_OFF], dry_run=True, left=9000)
    rows = {r["org"]: r for r in fleet_report.collect(results)["orgs"]}
    assert rows["uat"]["verdict"] == "FAILED" and rows["uat"]["details"][0].startswith("still not configured")
    assert rows["qa"]["verdict"] == "WOULD CHANGE" and rows["qa"]["mode"] == "configure (dry run)"


def test_every_org_configured_passes(tmp_path):
    results = tmp_path / "results"
    org_result(results, "uat", "verify", [SETTING_ON, LAYOUT_OK], left=9000)
    assert fleet_report.main(["--results", str(results)]) == 0


def test_bad_input_is_one_line_exit_2(tmp_path, capsys):
    assert fleet_report.main(["--results", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fleet_report: --results") and err.count("\n") == 1
    (tmp_path / "plan.json").write_text("{")
    assert fleet_report.main(["--results", str(tmp_path), "--plan", str(tmp_path / "plan.json")]) == 2
    assert "not valid JSON" in capsys.readouterr().err
