"""EmailPrivacy used from another CumulusCI project through `sources:`, with CumulusCI installed alone.

The consuming project is made here: its own git repository and cumulusci.yml, this checkout as a
`path:` source, and its own tasks/layouts.py, tasks/settings.py and tasks/verify.py (common names that
would shadow ours if our tasks sat directly in tasks/). The cci is the one `make test` installs in
build/cci with nothing but cumulusci, as a user installs it, so `email_privacy` is importable only if
our tasks make it so.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

import email_privacy
from tests.harness import REPO, all_have_field, records, setting, soap_actions

STANDALONE_CCI = REPO / "build" / "cci" / "bin" / "cci"
FLOW = "email_privacy:enable_individual_email_tracking"

CONSUMER_TASK = '''\
from cumulusci.core.tasks import BaseTask


class {name}(BaseTask):
    """The consuming project's own {module} task: no org, one log line."""

    def _run_task(self):
        self.logger.info("consumer task {module} ran")
        self.return_values = {{"module": "{module}"}}
'''


@pytest.fixture(scope="module")
def cci() -> Path:
    if not STANDALONE_CCI.is_file():
        pytest.fail(f"{STANDALONE_CCI} is missing: `make test` installs CumulusCI alone there (build/cci)")
    found = subprocess.run(
        [
            str(STANDALONE_CCI.with_name("python")),
            "-c",
            "import importlib.util as u; print(u.find_spec('email_privacy'))",
        ],
        capture_output=True,
        text=True,
        cwd="/",
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert found.stdout.strip() == "None", "the stand-alone CumulusCI must not have email_privacy installed"
    return STANDALONE_CCI


def consumer_project(root: Path, allow_remote_code: bool = True) -> Path:
    """A second CumulusCI project listing this checkout as a path source."""
    root.mkdir(parents=True)
    source = {"path": str(REPO)} | ({"allow_remote_code": True} if allow_remote_code else {})
    config = {
        "project": {"name": "Consumer", "package": {"name": "Consumer", "api_version": "63.0"}},
        "sources": {"email_privacy": source},
        "tasks": {
            f"consumer_{m}": {"class_path": f"tasks.{m}.Consumer{m.title()}"} for m in ("layouts", "settings", "verify")
        },
        "flows": {
            "config_qa": {
                "steps": {
                    # The standard steps deploy the consumer's own package; this project has none.
                    1: {"task": "None"},
                    2: {"task": "None"},
                    10: {"task": "consumer_layouts"},
                    90: {"flow": FLOW},
                }
            }
        },
    }
    (root / "cumulusci.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    tasks = root / "tasks"
    tasks.mkdir()
    for module in ("layouts", "settings", "verify"):
        (tasks / f"{module}.py").write_text(CONSUMER_TASK.format(name=f"Consumer{module.title()}", module=module))
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t"}
    git["GIT_COMMITTER_EMAIL"] = "t@example.com"
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "consumer"]):
        subprocess.run(["git", *args], cwd=root, check=True, env={**os.environ, **git})
    return root


def run(cci: Path, org, project: Path, *args: str, env: dict | None = None, timeout: float = 300):
    # Nothing of this checkout on the path: only what the caller adds (another copy, in one test).
    full_env = {k: v for k, v in org.env.items() if k != "PYTHONPATH"} | {"COLUMNS": "400"} | (env or {})
    return subprocess.run(
        [str(cci), *args],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def ok(result) -> str:
    text = result.stdout + result.stderr
    assert result.returncode == 0, text[-4000:]
    assert "Traceback" not in text, text[-4000:]
    return text


def configured(org) -> bool:
    return (
        setting(org, "PartyDataModel", "enableConsentManagement") is True
        and setting(org, "EmailAdministration", "enableEmailConsentManagement") is True
        and setting(org, "Activities", "enableEmailTracking") is True
        and all_have_field(org)
    )


def test_flow_and_tasks_through_a_path_source(cci, local_org, tmp_path):
    org = local_org(person_accounts=True, contacts=5)
    project = consumer_project(tmp_path / "consumer")
    snapshots = ["-o", "add_individual_field_to_layouts__snapshot_dir", str(tmp_path / "snapshots")]
    assert not configured(org)

    out = ok(run(cci, org, project, "flow", "run", FLOW, "--org", "sim", *snapshots))
    assert "consumer task" not in out
    assert configured(org)
    assert soap_actions(org).count("deploy") == 2

    # A second run deploys nothing.
    seen = len(org.requests())
    ok(run(cci, org, project, "flow", "run", FLOW, "--org", "sim", *snapshots))
    assert "deploy" not in soap_actions(org, seen)

    # The consuming project's own tasks, named like ours, still run.
    for module in ("layouts", "settings", "verify"):
        assert f"consumer task {module} ran" in ok(run(cci, org, project, "task", "run", f"consumer_{module}"))

    # set_individual_privacy with a CSV, options as from inside the repository.
    contact = org_contact_emails(org)[0]
    csv = tmp_path / "requests.csv"
    csv.write_text(f"email\n{contact}\n", encoding="utf-8")
    # A relative report path is taken from the folder cci runs in (the consuming project), although
    # CumulusCI runs a source's task inside the source's checkout.
    options = ["-o", "csv", str(csv), "-o", "dont_track", "true", "-o", "report", "out/individuals.json"]
    ok(run(cci, org, project, "task", "run", "email_privacy:set_individual_privacy", "--org", "sim", *options))
    assert not (REPO / "out").exists()
    result = json.loads((project / "out" / "individuals.json").read_text())
    assert (result["matched"], result["created"], result["linked"]) == (1, 1, 1)
    assert records(org, "SELECT HasOptedOutTracking FROM Individual") == [(1,)]


def org_contact_emails(org) -> list[str]:
    return [row[0] for row in records(org, "SELECT Email FROM Contact WHERE Email IS NOT NULL ORDER BY rowid LIMIT 3")]


def test_without_allow_remote_code_cumulusci_refuses(cci, local_org, tmp_path):
    org = local_org()
    project = consumer_project(tmp_path / "consumer", allow_remote_code=False)
    result = run(cci, org, project, "flow", "run", FLOW, "--org", "sim")
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in text
    # CumulusCI's own words (core/config/__init__.py): the README quotes them.
    assert "Cannot load Python class for task" in text, text[-3000:]
    assert "is not an approved source for running third party Python code." in text, text[-3000:]
    assert not soap_actions(org)


def other_copy(root: Path, version: str) -> Path:
    """Another email_privacy, as if someone had pip-installed another version into CumulusCI's environment."""
    package = root / "email_privacy"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f'__version__ = "{version}"\nOTHER_COPY = True\n', encoding="utf-8")
    return root


def test_another_installed_copy_is_passed_over(cci, local_org, tmp_path):
    org = local_org()
    project = consumer_project(tmp_path / "consumer")
    site = other_copy(tmp_path / "site", "0.0.1")
    result = run(
        cci,
        org,
        project,
        "task",
        "run",
        "email_privacy:check_email_privacy_prerequisites",
        "--org",
        "sim",
        env={"PYTHONPATH": str(site)},
    )
    # The other copy has no submodules: the task imports email_privacy.errors and the rest, so it can
    # only have run on this checkout's code.
    assert "Prerequisites" in ok(result) or "prerequisite" in ok(result).lower()


def test_another_copy_already_imported_stops_in_one_line(cci, local_org, tmp_path):
    org = local_org()
    project = consumer_project(tmp_path / "consumer")
    site = other_copy(tmp_path / "site", "0.0.1")
    # The consuming project's own task imports the other copy first (as its own code might).
    (project / "tasks" / "layouts.py").write_text(
        "import email_privacy  # the other copy\n\n" + (project / "tasks" / "layouts.py").read_text(), encoding="utf-8"
    )
    config = yaml.safe_load((project / "cumulusci.yml").read_text())
    config["flows"]["clash"] = {"steps": {1: {"task": "consumer_layouts"}, 2: {"flow": FLOW}}}
    (project / "cumulusci.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run(cci, org, project, "flow", "run", "clash", "--org", "sim", env={"PYTHONPATH": str(site)})
    text = result.stdout + result.stderr
    assert result.returncode != 0, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr[-3000:]
    assert "two copies of EmailPrivacy clash" in errors[0]
    assert f"0.0.1 is already imported from {site / 'email_privacy'}" in errors[0], errors[0]
    assert f"need {email_privacy.__version__} from {REPO / 'email_privacy'}" in errors[0], errors[0]
    assert not soap_actions(org)
