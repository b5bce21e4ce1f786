"""The fleet path against many orgs at once: one local Dev Hub server serving every org (routed by token, so
N orgs cost one process), each org logged in to by the JWT flow with one connected app, as a consultancy's
CI does for its client orgs.

The workflow's pieces run as the workflow runs them: ci/orgs_matrix.py splits the org list into jobs, each
job's step (ci/run_share.py, ci/org-job.sh per org, the real cci) configures its share, the fleet report
(ci/fleet_report.py) collects every org. Then three orgs change behind its back: an admin deploys a layout
without the Individual field to one, switches "Enforce email privacy settings" off in another, and a third
has nearly spent its daily API requests. The nightly verify runs and its fleet report names exactly those
three, with the right reasons.

EMAIL_PRIVACY_FLEET_ORGS sets the number of orgs (30 in `make test`, in jobs of up to eight; `make bench` runs 300,
over 256 so the jobs take shares of more than one org).
"""

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from lxml import etree

from email_privacy.metadata import documents
from email_privacy.metadata.documents import API_VERSION
from localorg.models.connected_app import ConnectedApp
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg
from localorg.models.orgs import OrgSet
from localorg.server import COUNTED
from tests.ci import workflow
from tests.harness import LocalOrgProcess, ok, run_cci
from tests.jwt_keys import certificate, private_pem, rsa_key

REPO = workflow.REPO
NS = {"md": documents.MDAPI_NS}
FLEET = int(os.environ.get("EMAIL_PRIVACY_FLEET_ORGS", "30"))
MAX_JOBS = 256
MAX_PARALLEL = 2  # this machine's cores: more jobs at once only queue for them
LEFT = 100  # daily API requests left in the nearly spent org, under the list's min_api_requests
SECRET_NAMES = {"client_id_secret": "FLEET_CLIENT_ID", "private_key_secret": "FLEET_JWT_KEY"}


def name(i: int) -> str:
    return f"fleet{i:03d}"


# The three orgs changed behind the fleet's back: one in the first job, one in the middle, the last.
DRIFTED_LAYOUT, SETTING_OFF, SPENT = name(1), name(FLEET // 2), name(FLEET - 1)


def make_orgs(state: Path, count: int, app: ConnectedApp) -> dict[str, Path]:
    """A Dev Hub and `count` orgs under it, made directly through the local org's models (the server then
    serves them all), each given the connected app; {username: the org's state folder}."""
    hub = LocalOrg(state, OrgIdentity(dev_hub=True, org_name="Fleet Dev Hub"))
    orgs = OrgSet(hub)
    folders = {}
    try:
        for i in range(count):
            org = orgs.create_scratch(OrgIdentity(username=f"ci@{name(i)}.example.com", org_name=f"Client {i}"))
            org.install_connected_app(app)
            folders[org.identity.username] = org.root
    finally:
        orgs.close()
    return folders


def run_workflow(wf, org_list: Path, event: str, runner_temp: Path, server, all_secrets: dict) -> dict:
    """The workflow's jobs as GitHub runs them: the matrix step, each job's share step (MAX_PARALLEL at once,
    the orgs of a job one after another), then the fleet report step. Returns what each produced."""
    runner_temp.mkdir(parents=True)
    plan = runner_temp / "email-privacy-plan.json"
    matrix = subprocess.run(
        [sys.executable, "ci/orgs_matrix.py", "--file", str(org_list), "--event", event, "--mode", "configure"]
        + ["--plan", str(plan)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    jobs = json.loads(matrix.stdout)
    job = wf["jobs"]["org"]
    st = workflow.step(job, "ci/run_share.py")

    def run_job(entry):
        summary = runner_temp / f"step-summary-{entry['job']}.md"
        env = workflow.share_step_env(wf, entry, all_secrets, runner_temp, server, summary)
        done = subprocess.run(workflow.argv(st, env), cwd=REPO, env=env, capture_output=True, text=True, timeout=3600)
        return entry["job"], done.returncode, done.stdout + done.stderr

    with ThreadPoolExecutor(MAX_PARALLEL) as pool:
        outcomes = {n: (code, out) for n, code, out in pool.map(run_job, jobs)}

    fleet_dir = runner_temp / "fleet"
    report = subprocess.run(
        [sys.executable, "ci/fleet_report.py", "--results", str(runner_temp / "email-privacy"), "--plan", str(plan)]
        + ["--previous", str(org_list.parent / "state" / "fleet.json")]
        + ["--json", str(fleet_dir / "fleet.json"), "--junit", str(fleet_dir / "fleet-junit.xml")]
        + ["--summary", str(fleet_dir / "step-summary.md")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    # The next run's --previous, as the workflow's cache keeps it.
    state = org_list.parent / "state"
    state.mkdir(exist_ok=True)
    if (fleet_dir / "fleet.json").is_file():
        (state / "fleet.json").write_bytes((fleet_dir / "fleet.json").read_bytes())
    return {"jobs": jobs, "outcomes": outcomes, "report": report, "dir": fleet_dir, "results": runner_temp}


def admin_deploy(server, org_name: str, username: str, all_secrets: dict, files: dict[str, bytes], types: dict):
    """What an admin does behind the fleet's back: a deploy with the real cci, logged in by the same JWT flow."""
    src = server.workdir / f"admin-{org_name}"
    for rel, data in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(data)
    (src / "package.xml").write_bytes(documents.package_xml(types, API_VERSION))
    env = {
        "HOME": str(server.new_home()),
        f"CUMULUSCI_ORG_{org_name}": json.dumps({"username": username, "instance_url": server.url}),
        "SFDX_CLIENT_ID": all_secrets["FLEET_CLIENT_ID"],
        "SFDX_HUB_KEY": all_secrets["FLEET_JWT_KEY"],
    }
    ok(run_cci(server, "task", "run", "deploy", "--org", org_name, "-o", "path", str(src), env=env))


def without_individual_field(folder: Path, layout: str) -> bytes:
    path = folder / "metadata" / "layouts" / f"{layout}.layout"
    tree = documents.parse(path.read_bytes(), layout)
    for item in tree.getroot().xpath("//md:layoutItems[md:field='IndividualId']", namespaces=NS):
        item.getparent().remove(item)
    return documents.serialize(tree)


def with_setting_off(folder: Path, stem: str, field: str) -> bytes:
    path = folder / "metadata" / "settings" / f"{stem}.settings"
    tree = documents.parse(path.read_bytes(), stem)
    (element,) = tree.getroot().xpath(f"md:{field}", namespaces=NS)
    element.text = "false"
    return documents.serialize(tree)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    work = tmp_path_factory.mktemp("fleet")
    key = rsa_key()
    (work / "server.crt").write_bytes(certificate(key))
    client_id = "3MVG9" + secrets.token_urlsafe(24)
    all_secrets = {"FLEET_CLIENT_ID": client_id, "FLEET_JWT_KEY": private_pem(key)}
    folders = make_orgs(work / "hub", FLEET, ConnectedApp.from_pem(client_id, work / "server.crt"))
    server = LocalOrgProcess(work / "server", state_dir=work / "hub").start()
    try:
        usernames = list(folders)
        entries = [
            {"name": name(i), "instance_url": server.url, "username": u, **SECRET_NAMES, "mode": "configure"}
            for i, u in enumerate(usernames)
        ]
        # Over 256 orgs the jobs must take more than one each; below, shares of up to 8 show jobs of several orgs.
        settings = {"orgs_per_job": 1 if FLEET > MAX_JOBS else min(8, max(2, FLEET // 2)), "max_parallel": MAX_PARALLEL}
        org_list = work / "ci" / "email-privacy-orgs.yml"
        org_list.parent.mkdir()
        org_list.write_text(json.dumps({"settings": settings, "orgs": entries}))
        wf = workflow.load()

        configure = run_workflow(wf, org_list, "workflow_dispatch", work / "configure-run", server, all_secrets)

        by_name = {e["name"]: e for e in entries}
        folder_of = {n: folders[by_name[n]["username"]] for n in by_name}
        layout = without_individual_field(folder_of[DRIFTED_LAYOUT], "Contact-Contact Layout")
        admin_deploy(
            server,
            DRIFTED_LAYOUT,
            by_name[DRIFTED_LAYOUT]["username"],
            all_secrets,
            {"layouts/Contact-Contact Layout.layout": layout},
            {"Layout": ["Contact-Contact Layout"]},
        )
        settings_file = with_setting_off(folder_of[SETTING_OFF], "EmailAdministration", "enableEmailConsentManagement")
        admin_deploy(
            server,
            SETTING_OFF,
            by_name[SETTING_OFF]["username"],
            all_secrets,
            {"settings/EmailAdministration.settings": settings_file},
            {"Settings": ["EmailAdministration"]},
        )
        # The third org's integrations spent its day: the server restarts with what that org has left.
        server.serve_options["api_requests_left"] = [f"{by_name[SPENT]['username']}={LEFT}"]
        server.restart()
        since = len(server.requests())

        nightly = run_workflow(wf, org_list, "schedule", work / "nightly-run", server, all_secrets)
        yield {
            "configure": configure,
            "nightly": nightly,
            "server": server,
            "since": since,
            "folders": folder_of,
            "secrets": all_secrets,
        }
    finally:
        server.stop()


def rows(run) -> dict[str, dict]:
    return {r["org"]: r for r in json.loads((run["dir"] / "fleet.json").read_text())["orgs"]}


def test_every_org_is_configured_by_its_share_one_org_after_another(fleet):
    configure = fleet["configure"]
    jobs = configure["jobs"]
    assert len(jobs) <= MAX_JOBS and sorted(o["name"] for j in jobs for o in j["orgs"]) == sorted(fleet["folders"])
    assert max(len(j["orgs"]) for j in jobs) > 1  # shares, not one job per org
    for number, (code, output) in configure["outcomes"].items():
        assert code == 0, f"job {number}: {output[-4000:]}"
    assert configure["report"].returncode == 0, configure["report"].stdout[-3000:] + configure["report"].stderr
    configured = rows(configure)
    assert {r["verdict"] for r in configured.values()} == {"OK"} and len(configured) == FLEET
    assert all(r["last_configured"] and r["mode"] == "configure" for r in configured.values())
    # Within a job its orgs ran one after another, each into its own results folder.
    for job in jobs:
        records = [
            json.loads((configure["results"] / "email-privacy" / o["name"] / "job.json").read_text())
            for o in job["orgs"]
        ]
        for before, after in zip(records, records[1:], strict=False):
            assert before["finished_at"] <= after["started_at"]


def spent_org_requests(fleet) -> list[dict]:
    """What the server answered the nearly spent org in the nightly run."""
    spent_id = fleet["folders"][SPENT].name
    return [r for r in fleet["server"].requests()[fleet["since"] :] if r.get("org") == spent_id]


def left_when_checked(fleet) -> int:
    """What the spent org had left when its job read /limits: LEFT less the requests it served till then
    that count (the Limits request itself included), as the org counts them."""
    served = spent_org_requests(fleet)
    last = max(i for i, r in enumerate(served) if r["path"].rstrip("/").endswith("/limits"))
    return LEFT - sum(1 for r in served[: last + 1] if COUNTED.match(r["path"]))


def test_the_nightly_fleet_report_names_exactly_the_three_changed_orgs(fleet):
    nightly = fleet["nightly"]
    left = left_when_checked(fleet)
    assert nightly["report"].returncode == 1  # drift fails the run
    found = {n: (r["verdict"], r["details"]) for n, r in rows(nightly).items() if r["verdict"] != "OK"}
    assert found == {
        DRIFTED_LAYOUT: ("DRIFTED", ["Contact layout Contact Layout: lacks IndividualId"]),
        SETTING_OFF: ("DRIFTED", ["Enforce email privacy settings is off"]),
        SPENT: (
            "SKIPPED",
            [
                f"only {left} of 15000 daily API requests left, fewer than the minimum 1000: "
                "nothing was changed or verified"
            ],
        ),
    }
    # The other orgs are OK, and each keeps when it was configured from the configure run's report.
    configured = rows(fleet["configure"])
    for org, row in rows(nightly).items():
        assert row["mode"] == "verify" and row["last_configured"] == configured[org]["last_configured"]


def test_the_fleet_junit_file_says_the_same(fleet):
    suite = ET.parse(fleet["nightly"]["dir"] / "fleet-junit.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == (str(FLEET), "2", "1")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases[DRIFTED_LAYOUT].find("failure").get("message") == (
        "DRIFTED: Contact layout Contact Layout: lacks IndividualId"
    )
    assert cases[SETTING_OFF].find("failure").get("message") == "DRIFTED: Enforce email privacy settings is off"
    assert cases[SPENT].find("skipped").get("message").startswith(f"SKIPPED: only {left_when_checked(fleet)} of")
    others = [c for n, c in cases.items() if n not in (DRIFTED_LAYOUT, SETTING_OFF, SPENT)]
    assert len(others) == FLEET - 3 and all(len(c) == 0 for c in others)
    # Each org's own JUnit file names the item, for the drifted org.
    own = etree.parse(str(fleet["nightly"]["results"] / "email-privacy" / DRIFTED_LAYOUT / "junit.xml")).getroot()
    failed = [c.get("name") for c in own.iter("testcase") if c.find("failure") is not None]
    assert failed == ["Contact Layout"]


def test_the_org_with_too_few_api_requests_was_only_asked_for_its_limits(fleet):
    served = spent_org_requests(fleet)
    assert any(r["path"].rstrip("/").endswith("/limits") for r in served)
    assert not [r for r in served if r["path"].startswith("/services/Soap/")], "the skipped org was read or changed"
    summary = (fleet["nightly"]["results"] / "email-privacy" / SPENT / "summary.md").read_text()
    assert summary.startswith(f"### Email privacy: {SPENT} was skipped")


def test_no_credential_in_any_file_or_output(fleet):
    key_lines = [line for line in fleet["secrets"]["FLEET_JWT_KEY"].splitlines() if "-----" not in line]
    forbidden = [*fleet["secrets"].values(), *[k for k in key_lines if len(k) > 20]]
    forbidden += fleet["server"].tokens_issued()
    for run in (fleet["configure"], fleet["nightly"]):
        texts = {str(p): p.read_text(errors="replace") for p in run["results"].rglob("*") if p.is_file()}
        texts.update({f"job {n}": out for n, (_, out) in run["outcomes"].items()})
        texts["fleet report"] = run["report"].stdout + run["report"].stderr
        for where, text in texts.items():
            leaked = [s[:8] + "..." for s in forbidden if s and s in text]
            assert not leaked, f"{where} holds a secret: {leaked}"
        for p in (run["dir"] / "fleet.json", run["dir"] / "fleet-junit.xml"):
            assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_the_step_summary_table_lists_the_three_first(fleet):
    text = (fleet["nightly"]["dir"] / "step-summary.md").read_text()
    assert text.startswith(f"## Email privacy fleet: {FLEET} orgs (2 drifted, 1 skipped, {FLEET - 3} ok)")
    table = [line for line in text.splitlines() if re.match(r"^\| fleet\d{3} ", line)]
    assert [line.split("|")[1].strip() for line in table[:3]] == sorted([DRIFTED_LAYOUT, SETTING_OFF]) + [SPENT]
