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
    assert lines[1] == "count=1" and json.loads(lines[0].removeprefix("matrix="))[0]["orgs"][0]["mode"] == "verify"
    assert orgs_matrix.main(["--file", str(tmp_path / "none.yml"), "--event", "schedule"]) == 2
    assert capsys.readouterr().err.startswith("orgs_matrix: ")


def many(n, pairs=1):
    """n org entries whose secrets come in `pairs` pairs."""
    return [
        {
            **UAT,
            "name": f"org{i:04d}",
            "client_id_secret": f"CLIENT_{i % pairs}",
            "private_key_secret": f"KEY_{i % pairs}",
            "mode": "verify",
        }
        for i in range(n)
    ]


def split(tmp_path, orgs, **settings):
    path = tmp_path / "orgs.yml"
    path.write_text(json.dumps({"settings": settings, "orgs": orgs}))
    entries, checked = orgs_matrix.read_org_list(path)
    return orgs_matrix.jobs(orgs_matrix.matrix(entries, "schedule"), checked), checked


@pytest.mark.parametrize("orgs_per_job", [1, 4])
def test_600_orgs_make_at_most_256_jobs_covering_each_org_once(tmp_path, orgs_per_job):
    jobs, _ = split(tmp_path, many(600), orgs_per_job=orgs_per_job)
    assert len(jobs) <= orgs_matrix.MAX_JOBS
    names = [o["name"] for j in jobs for o in j["orgs"]]
    assert sorted(names) == [f"org{i:04d}" for i in range(600)] and len(set(names)) == 600
    sizes = {len(j["orgs"]) for j in jobs}
    # One org a job would make 600 jobs: the share grows to the fewest that fit (3); 4 a job fits as asked.
    assert max(sizes) == (3 if orgs_per_job == 1 else 4)
    assert [j["job"] for j in jobs] == list(range(1, len(jobs) + 1))


def test_a_job_holds_orgs_of_one_pair_of_secrets_only(tmp_path):
    jobs, _ = split(tmp_path, many(600, pairs=7), orgs_per_job=1)
    assert len(jobs) <= orgs_matrix.MAX_JOBS
    for job in jobs:
        pair = (job["client_id_secret"], job["private_key_secret"])
        indexes = [int(o["name"][3:]) for o in job["orgs"]]
        assert all(pair == (f"CLIENT_{i % 7}", f"KEY_{i % 7}") for i in indexes)
    assert sorted(o["name"] for j in jobs for o in j["orgs"]) == [f"org{i:04d}" for i in range(600)]


def test_settings_default_and_reach_each_org_of_each_job(tmp_path):
    jobs, settings = split(tmp_path, many(10))
    assert settings == {"orgs_per_job": 4, "max_parallel": 20, "min_api_requests": 1000}
    assert [len(j["orgs"]) for j in jobs] == [4, 4, 2]
    assert jobs[0]["title"] == "org0000, org0001 and 2 more" and jobs[2]["title"] == "org0008, org0009"
    assert all(o["min_api_requests"] == 1000 and "client_id_secret" not in o for j in jobs for o in j["orgs"])
    jobs, _ = split(tmp_path, many(3), min_api_requests=50, max_parallel=5)
    assert jobs[0]["orgs"][0]["min_api_requests"] == 50


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"orgs_per_job": 0}, "settings.orgs_per_job 0: give a whole number from 1 to 100"),
        ({"max_parallel": "ten"}, "settings.max_parallel 'ten': give a whole number from 1 to 256"),
        ({"min_api_requests": True}, "settings.min_api_requests True: give a whole number"),
        ({"parallel": 3}, "unknown setting 'parallel'; allowed: orgs_per_job, max_parallel, min_api_requests"),
    ],
)
def test_bad_settings_one_line(tmp_path, settings, words):
    with pytest.raises(orgs_matrix.OrgListError) as err:
        split(tmp_path, many(2), **settings)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_more_pairs_of_secrets_than_jobs_is_refused(tmp_path):
    with pytest.raises(orgs_matrix.OrgListError, match="257 pairs of secrets: a job reads one pair"):
        split(tmp_path, many(300, pairs=257))


def test_main_writes_the_plan_and_the_job_counts(tmp_path, monkeypatch):
    out = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    path = tmp_path / "orgs.yml"
    path.write_text(json.dumps({"settings": {"max_parallel": 7}, "orgs": many(9)}))
    plan = tmp_path / "plan.json"
    assert orgs_matrix.main(["--file", str(path), "--event", "schedule", "--plan", str(plan)]) == 0
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert (outputs["count"], outputs["jobs"], outputs["max_parallel"]) == ("9", "3", "7")
    data = json.loads(plan.read_text())
    assert [(o["name"], o["job"]) for o in data["orgs"]][:5] == [(f"org000{i}", 1 + i // 4) for i in range(5)]
    assert "SF_JWT_KEY" not in plan.read_text() and "KEY_0" not in plan.read_text()
