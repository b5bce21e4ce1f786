"""A mistaken option stops the flow at step 1, in one line, before anything in the org is called.

The real cci against one local org for the module: every test here only reads, each run is checked against
the org's request log (nothing but the connection handshake every cci command makes) and the org's files.
The consuming project's runs use the stand-alone cci (build/cci) with this checkout as a `path:` source.
"""

import pytest
import yaml
from cumulusci.core.flowrunner import StepVersion

from tests.conftest import import_task
from tests.e2e.test_sources import cci, consumer_project  # noqa: F401 (cci is a fixture)
from tests.e2e.test_sources import run as run_standalone
from tests.harness import REPO, LocalOrgProcess, api_requests, error_line, ok, org_files, run_cci, soap_actions

FLOW = "enable_individual_email_tracking"
PROJECT = yaml.safe_load((REPO / "cumulusci.yml").read_text(encoding="utf-8"))
# The steps' tasks in step order, each once, as the message lists them.
STEPS = ", ".join(
    dict.fromkeys(
        step["task"]
        for _, step in sorted(PROJECT["flows"][FLOW]["steps"].items(), key=lambda item: StepVersion(str(item[0])))
    )
)
PREREQUISITE_OPTIONS = ", ".join(
    o.name for o in import_task("prerequisites").CheckEmailPrivacyPrerequisites.options_spec if not o.flow_only
)

WIDE = {"COLUMNS": "2000"}  # rich wraps a message at the terminal's width: wide enough to compare it whole

CONSUMER_TASK = '''\
from cumulusci.core.tasks import BaseTask


class ConsumerLayouts(BaseTask):
    """The consuming project's own task, with options of its own that EmailPrivacy knows nothing of."""

    def _run_task(self):
        self.logger.info(f"consumer options: {sorted(self.options.items())}")
'''


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    work = tmp_path_factory.mktemp("flow-options")
    org = LocalOrgProcess(work / "org", person_accounts=True).start()
    try:
        yield org
    finally:
        org.stop()


def untouched(org, since: int, before: dict) -> None:
    """Nothing called after the handshake, no deploy, and the org's files byte for byte as they were."""
    assert api_requests(org, since) == [], [(r["method"], r["path"]) for r in api_requests(org, since)]
    assert "deploy" not in soap_actions(org, since)
    assert org_files(org) == before


@pytest.mark.parametrize(
    "option, value, expected",
    [
        (
            "check_email_privacy_prerequisites__dry_rn",
            "true",
            "Error: Option check_email_privacy_prerequisites__dry_rn: no such option of "
            f"check_email_privacy_prerequisites; did you mean dry_run? Its options: {PREREQUISITE_OPTIONS}.",
        ),
        (
            "check_email_privacy_prerequisite__dry_run",
            "true",
            f"Error: Option check_email_privacy_prerequisite__dry_run: no step of flow {FLOW} runs a task named "
            "check_email_privacy_prerequisite; did you mean check_email_privacy_prerequisites? "
            f"Its steps run: {STEPS}.",
        ),
        (
            "add_individual_field_to_layouts__position",
            "top",
            "Error: Option add_individual_field_to_layouts__position: 'top' is not allowed; use one of "
            "after_email_opt_out, end_of_first_section.",
        ),
        (
            "deploy_email_privacy_settings__consent_management",
            "false",
            "Error: Option deploy_email_privacy_settings__consent_management: false is not allowed;",
        ),
    ],
)
def test_a_mistaken_option_stops_the_flow_in_one_line_before_the_org_is_called(org, option, value, expected):
    before, since = org_files(org), len(org.requests())
    result = run_cci(org, "flow", "run", FLOW, "--org", "sim", "-o", option, value, env=WIDE)
    assert error_line(result).startswith(expected)
    assert "Running task: deploy_email_privacy_settings" not in result.stdout + result.stderr
    untouched(org, since, before)


def test_a_folder_given_as_step_5s_report_file_stops_the_flow(org, tmp_path):
    before, since = org_files(org), len(org.requests())
    result = run_cci(
        org, "flow", "run", FLOW, "--org", "sim", "-o", "verify_email_privacy__report", str(tmp_path), env=WIDE
    )
    assert error_line(result) == (
        f"Error: Option verify_email_privacy__report: {tmp_path} is a folder; give the path of a JSON file to write."
    )
    untouched(org, since, before)


def test_every_mistake_gets_its_own_error_line(org):
    before, since = org_files(org), len(org.requests())
    result = run_cci(
        org,
        "flow",
        "run",
        FLOW,
        "--org",
        "sim",
        *("-o", "check_email_privacy_prerequisites__dry_rn", "true"),
        *("-o", "add_individual_field_to_layouts__behavior", "Hidden"),
        env=WIDE,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 2, result.stderr
    assert "check_email_privacy_prerequisites__dry_rn: no such option" in errors[0]
    assert errors[1] == (
        "Error: Option add_individual_field_to_layouts__behavior: 'Hidden' is not allowed; use one of Edit, Readonly."
    )
    untouched(org, since, before)


def test_task_run_refuses_an_option_it_does_not_have_in_one_line(org):
    before, since = org_files(org), len(org.requests())
    result = run_cci(
        org, "task", "run", "deploy_email_privacy_settings", "--org", "sim", "-o", "dryrun", "true", env=WIDE
    )
    settings = import_task("settings").DeployEmailPrivacySettings.options_spec
    assert error_line(result) == (
        "Error: Option dryrun: no such option; did you mean dry_run? "
        f"Its options: {', '.join(o.name for o in settings if not o.flow_only)}."
    )
    untouched(org, since, before)


def consumer(root, step_10_options: dict):
    """The consuming project of test_sources.py, its step 10 task logging the options it was given."""
    project = consumer_project(root)
    (project / "tasks" / "layouts.py").write_text(CONSUMER_TASK, encoding="utf-8")
    config = yaml.safe_load((project / "cumulusci.yml").read_text(encoding="utf-8"))
    config["flows"]["config_qa"]["steps"][10]["options"] = step_10_options
    (project / "cumulusci.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return project


def test_through_a_consumers_config_qa_the_same_typo_stops_and_its_own_options_pass(cci, org, tmp_path):  # noqa: F811
    project = consumer(tmp_path / "consumer", {"colour": "red"})
    before, since = org_files(org), len(org.requests())
    result = run_standalone(
        cci,
        org,
        project,
        "flow",
        "run",
        "config_qa",
        "--org",
        "sim",
        *("-o", "check_email_privacy_prerequisites__dry_rn", "true"),
        *("-o", "consumer_layouts__shade", "dark"),
        env=WIDE,
    )
    line = error_line(result)
    assert line.startswith(
        "Error: Option check_email_privacy_prerequisites__dry_rn: no such option of "
        "check_email_privacy_prerequisites; did you mean dry_run?"
    ), line
    # The consumer's own step ran first with its options as given; none of them is judged.
    assert "consumer options: [('colour', 'red'), ('shade', 'dark')]" in result.stdout
    untouched(org, since, before)

    # Without the typo the same command runs (a dry run: it reads, deploys nothing), the consumer's options
    # untouched; `--org qa` as in the README, with an org cci knows by that name (a fresh HOME: a saved `qa`,
    # even CumulusCI's own scratch config of that name, wins over the environment's).
    env = {"HOME": str(org.new_home()), "CUMULUSCI_ORG_qa": org.env["CUMULUSCI_ORG_sim"]}
    dry = ["-o", "check_email_privacy_prerequisites__dry_run", "true", "-o", "consumer_layouts__shade", "dark"]
    text = ok(run_standalone(cci, org, project, "flow", "run", "config_qa", "--org", "qa", *dry, env=env))
    assert "consumer options: [('colour', 'red'), ('shade', 'dark')]" in text
    assert "Running task: verify_email_privacy" in text
    assert "deploy" not in soap_actions(org, since)
    assert org_files(org) == before


def test_in_a_consumer_project_without_an_org_named_qa_cumulusci_wants_orgs_dev_json(cci, org, tmp_path):  # noqa: F811
    """CumulusCI's own `qa` scratch config reads orgs/dev.json: what the README tells a consumer to expect."""
    project = consumer(tmp_path / "consumer", {})
    since = len(org.requests())
    result = run_standalone(cci, org, project, "flow", "run", "config_qa", "--org", "qa")
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "No such file or directory: 'orgs/dev.json'" in text, text[-3000:]
    assert org.requests()[since:] == []
