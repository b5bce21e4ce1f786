"""The rep's side with the real cci against the local org over HTTPS: the flow with its optional backfill
step gives 300 contacts and 100 leads each a data privacy record; set_individual_privacy flags 300 and
Salesforce's Consent API (as the local org computes it) confirms them; the audit catches one changed back.

One org and one flow run for the module; each test only reads what the fixture's runs left."""

import json

import pytest

from localorg.process import LocalOrgProcess
from tests.harness import records_db, run_cci

FLOW = "enable_individual_email_tracking"
FLAGS = ("HasOptedOutTracking", "HasOptedOutProcessing")
INDIVIDUAL_FILES = ("layouts/Individual-Individual Layout.layout", "flexipages/Individual_Record_Page.flexipage")


def individual_files(org):
    return {p: (org.metadata_dir / p).read_bytes() for p in INDIVIDUAL_FILES}


def output(result):
    return result.stdout + result.stderr


def task(org, name, work, *options):
    report = work / f"{name}-{len(list(work.glob(name + '*')))}.json"
    args = ["task", "run", name, "--org", "sim", "-o", "report", str(report)]
    for i in range(0, len(options), 2):
        args += ["-o", options[i], options[i + 1]]
    result = run_cci(org, *args, timeout=300)
    return result, (json.loads(report.read_text()) if report.is_file() else None)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("rep")
    org = LocalOrgProcess(
        work / "org", contacts=300, leads=100, rep_users=3, dynamic_forms=True, trimmed_individual_pages=True
    ).start()
    try:
        data = {"org": org, "work": work}
        data["individual_before"] = individual_files(org)
        flow = ["flow", "run", FLOW, "--org", "sim", "-o", "create_missing_individuals__enabled", "true",
                "-o", "add_individual_field_to_layouts__snapshot_dir", str(work / "snapshots")]  # fmt: skip
        data["flow"] = run_cci(
            org, *flow, "-o", "verify_email_privacy__report", str(work / "verify1.json"), timeout=300
        )
        data["verify1"] = json.loads((work / "verify1.json").read_text())
        data["flow_soap"] = [r["soap_action"] for r in org.requests() if r.get("soap_action")]
        data["individual_after"] = individual_files(org)
        con = records_db(org)
        data["individuals_after_flow"] = con.execute("SELECT COUNT(*) FROM Individual").fetchone()[0]
        data["linked_after_flow"] = {
            obj: [
                dict(r)
                for r in con.execute(
                    f"SELECT o.FirstName f, o.LastName l, i.FirstName fi, i.LastName li, i.HasOptedOutTracking t, "
                    f"i.HasOptedOutProcessing p FROM {obj} o JOIN Individual i ON i.Id = o.IndividualId"
                )
            ]
            for obj in ("Contact", "Lead")
        }
        before = len(org.requests())
        data["backfill_again"] = task(org, "create_missing_individuals", work)
        data["backfill_again_calls"] = org.requests()[before:]
        deploys = sum(1 for r in org.requests() if r.get("soap_action") == "deploy")
        assign = ["-o", "deploy_email_privacy_permission_set__assign_to_where", "Username LIKE 'rep%'"]
        report2 = ["-o", "verify_email_privacy__report", str(work / "verify2.json")]
        data["flow2"] = run_cci(org, *flow, *assign, *report2, timeout=300)
        data["flow2_deploys"] = sum(1 for r in org.requests() if r.get("soap_action") == "deploy") - deploys
        data["verify2"] = json.loads((work / "verify2.json").read_text())
        emails = [r["Email"] for r in con.execute("SELECT Email FROM Contact ORDER BY rowid")]
        csv = work / "people.csv"
        csv.write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
        data["flag"] = task(org, "set_individual_privacy", work, "csv", str(csv), "dont_track", "true")
        data["audit_clean"] = task(org, "audit_individual_privacy", work, "csv", str(csv), "dont_track", "true")
        changed = con.execute("SELECT Id, IndividualId FROM Contact ORDER BY rowid LIMIT 1").fetchone()
        records_db(org, write=True).execute(
            "UPDATE Individual SET HasOptedOutTracking = 0 WHERE Id = ?", (changed["IndividualId"],)
        )
        data["changed"] = changed["Id"]
        junit = work / "audit.xml"
        data["audit"] = task(
            org, "audit_individual_privacy", work, "csv", str(csv), "dont_track", "true", "junit", str(junit)
        )
        data["junit"] = junit.read_text() if junit.is_file() else ""
        snapshot = sorted((work / "snapshots").rglob("manifest.json"))[0].parent
        restore = ["task", "run", "restore_page_changes", "--org", "sim", "-o", "snapshot", str(snapshot)]
        data["restore"] = run_cci(org, *restore)
        data["individual_restored"] = individual_files(org)
        yield data
    finally:
        org.stop()


def test_the_flow_step_gives_all_400_records_an_individual_and_a_rerun_writes_nothing(run):
    assert run["flow"].returncode == 0, output(run["flow"])[-4000:]
    assert run["individuals_after_flow"] == 400
    for obj, rows in run["linked_after_flow"].items():
        assert len(rows) == (300 if obj == "Contact" else 100)
        assert all((r["f"], r["l"], r["t"], r["p"]) == (r["fi"], r["li"], 0, 0) for r in rows)
    result, report = run["backfill_again"]
    assert result.returncode == 0, output(result)[-3000:]
    assert (report["matched"], report["created"], report["linked"]) == (0, 0, 0)
    writes = [c for c in run["backfill_again_calls"] if c["method"] in ("POST", "PATCH", "PUT", "DELETE")]
    assert [c["path"] for c in writes] == ["/services/oauth2/token"]  # only cci's token refresh


def test_set_individual_privacy_is_confirmed_by_the_consent_api_for_all_300(run):
    result, report = run["flag"]
    assert result.returncode == 0, output(result)[-3000:]
    assert (report["matched"], report["updated"]) == (300, 300)
    assert report["consent"]["asked"] == report["consent"]["confirmed"] == 300
    assert report["consent"]["calls"] == 2  # 200 people a call
    assert "300 of 300 people confirmed not to be tracked" in output(result)
    clean, audit = run["audit_clean"]
    assert clean.returncode == 0 and audit["confirmed_all"] and audit["confirmed"] == 300


def test_the_audit_reports_the_contact_changed_back_by_hand(run):
    result, audit = run["audit"]
    assert result.returncode != 0
    assert "does not confirm 1 of 300 people not to be tracked" in output(result)
    assert "Traceback" not in output(result)
    assert [p["id"] for p in audit["not_confirmed"]] == [run["changed"]]
    assert run["changed"] in run["junit"] and 'failures="2"' in run["junit"]


def test_verify_warns_no_rep_can_edit_then_the_flow_assigns_by_condition_and_verify_counts_them(run):
    first = {r["api_name"]: r for r in run["verify1"]["access"]}
    assert set(first) == {"Individual.HasOptedOutTracking", "Individual.HasOptedOutProcessing"}
    assert all(
        r["verdict"] == "WARNING" and r["state"].startswith("0 active users besides you") for r in first.values()
    )
    assert "Assign them the permission set" in output(run["flow"])
    assert run["flow2"].returncode == 0, output(run["flow2"])[-4000:]
    assert run["flow2_deploys"] == 0  # the second run deploys nothing; it only assigns
    assert "assigned to 3 user(s)" in output(run["flow2"])
    second = {r["api_name"]: r for r in run["verify2"]["access"]}
    assert all(r["verdict"] == "OK" and r["state"].startswith("3 active users besides you") for r in second.values())
    assert all("Email Privacy: Individual Access 3" in r["state"] for r in second.values())


def test_the_flow_adds_both_flags_to_the_individual_layout_and_page_in_its_usual_calls_and_restore_puts_them_back(run):
    for path in INDIVIDUAL_FILES:
        before, after = run["individual_before"][path].decode(), run["individual_after"][path].decode()
        assert not any(f in before for f in FLAGS) and all(f in after for f in FLAGS), path
    # The flow's usual five Metadata API operations: one listMetadata and one retrieve (the read), two deploys
    # (settings, then layouts and pages), verify's one retrieve back.
    ops = [a for a in run["flow_soap"] if a in ("listMetadata", "retrieve", "deploy")]
    assert ops == ["listMetadata", "retrieve", "deploy", "deploy", "retrieve"], run["flow_soap"]
    rows = {r["api_name"]: r for r in run["verify1"]["layouts"]}
    assert rows["Individual-Individual Layout"]["state"] == "has HasOptedOutTracking and HasOptedOutProcessing"
    pages = {p["name"]: p for p in run["verify1"]["pages"]}
    assert pages["Individual_Record_Page"]["state"] == "has HasOptedOutTracking and HasOptedOutProcessing"
    assert run["flow2_deploys"] == 0  # the second run deploys nothing
    assert run["restore"].returncode == 0, output(run["restore"])[-3000:]
    assert run["individual_restored"] == run["individual_before"]  # byte-identical
