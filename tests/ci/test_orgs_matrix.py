"""ci/orgs_matrix.py: the org list file read and checked, and the matrix for each kind of run."""

import importlib.util
import json

import pytest

from tests.ci.workflow import REPO

spec = importlib.util.spec_from_file_location("orgs_matrix", REPO / "ci" / "orgs_matrix.py")
orgs_matrix = importlib.util.module_from_spec(spec)
spec.loader.exec_module(orgs_matrix)

UAT = {
    "name": "uat",
    "instance_url": "https://acme--uat.sandbox.my.salesforce.com",
    "username": "ci@acme.com.uat",
    "client_id_secret": "SF_CLIENT_ID",
    "private_key_secret": "SF_JWT_KEY",
    "mode": "configure",
}
PROD = {**UAT, "name": "prod", "instance_url": "https://acme.my.salesforce.com", "mode": "verify"}


def org_list(tmp_path, *orgs):
    path = tmp_path / "orgs.yml"
    path.write_text(json.dumps({"orgs": list(orgs)}))  # JSON is YAML
    return path


def test_the_shipped_org_list_is_valid_and_runs_nothing():
    assert orgs_matrix.read_orgs(REPO / ".github" / "email-privacy-orgs.yml") == []


def test_the_schedule_only_verifies(tmp_path):
    orgs = orgs_matrix.read_orgs(org_list(tmp_path, UAT, PROD))
    runs = orgs_matrix.matrix(orgs, "schedule", mode="configure", dry_run=True)
    assert [(r["name"], r["mode"], r["dry_run"]) for r in runs] == [("uat", "verify", False), ("prod", "verify", False)]


def test_a_manual_run_configures_only_orgs_whose_mode_allows_it(tmp_path):
    orgs = orgs_matrix.read_orgs(org_list(tmp_path, UAT, PROD))
    runs = orgs_matrix.matrix(orgs, "workflow_dispatch", mode="configure", dry_run=True)
    assert [(r["name"], r["mode"], r["dry_run"]) for r in runs] == [
        ("uat", "configure", True),
        ("prod", "verify", False),
    ]
    assert runs[0] == {**UAT, "dry_run": True}
    verify = orgs_matrix.matrix(orgs, "workflow_dispatch", "uat", mode="verify")
    assert [(r["name"], r["mode"]) for r in verify] == [("uat", "verify")]


def test_orgs_input_picks_orgs_and_refuses_unknown_ones(tmp_path):
    orgs = orgs_matrix.read_orgs(org_list(tmp_path, UAT, PROD))
    assert [r["name"] for r in orgs_matrix.matrix(orgs, "workflow_dispatch", " prod ")] == ["prod"]
    with pytest.raises(orgs_matrix.OrgListError, match=r"--orgs: 'qa' is not in the org list; listed: prod, uat"):
        orgs_matrix.matrix(orgs, "workflow_dispatch", "uat,qa")


@pytest.mark.parametrize(
    "entry, words",
    [
        ({**UAT, "name": "UAT"}, "orgs[0].name 'UAT': not allowed"),
        ({**UAT, "name": "my-org"}, "orgs[0].name 'my-org': not allowed"),
        ({**UAT, "instance_url": "http://acme.my.salesforce.com"}, "orgs[0].instance_url"),
        ({**UAT, "client_id_secret": "GITHUB_TOKEN"}, "orgs[0].client_id_secret 'GITHUB_TOKEN': not a GitHub secret"),
        ({**UAT, "mode": "fix"}, "orgs[0].mode 'fix': give configure or verify"),
        ({k: v for k, v in UAT.items() if k != "username"}, "orgs[0].username: missing"),
        ({**UAT, "password": "x"}, "orgs[0]: unknown key 'password'"),
        ("uat", "orgs[0]: must be a mapping"),
    ],
)
def test_bad_entries_one_line(tmp_path, entry, words):
    with pytest.raises(orgs_matrix.OrgListError) as err:
        orgs_matrix.read_orgs(org_list(tmp_path, entry))
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_name_listed_twice_and_a_file_without_orgs_are_refused(tmp_path):
    with pytest.raises(orgs_matrix.OrgListError, match="'uat' is listed twice"):
        orgs_matrix.read_orgs(org_list(tmp_path, UAT, {**UAT, "mode": "verify"}))
    bad = tmp_path / "bad.yml"
    bad.write_text("orgs: {uat: 1}\n")
    with pytest.raises(orgs_matrix.OrgListError, match="must hold `orgs:`, a list of orgs"):
        orgs_matrix.read_orgs(bad)
    bad.write_text("orgs: [\n")
    with pytest.raises(orgs_matrix.OrgListError, match="not valid YAML at line"):
        orgs_matrix.read_orgs(bad)


def test_main_writes_github_output_and_exits_2_on_bad_input(tmp_path, monkeypatch, capsys):
    out = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    path = org_list(tmp_path, UAT)
    assert orgs_matrix.main(["--file", str(path), "--event", "schedule"]) == 0
    lines = out.read_text().splitlines()
    assert lines[1] == "count=1" and json.loads(lines[0].removeprefix("matrix="))[0]["mode"] == "verify"
    assert orgs_matrix.main(["--file", str(tmp_path / "none.yml"), "--event", "schedule"]) == 2
    assert capsys.readouterr().err.startswith("orgs_matrix: ")
