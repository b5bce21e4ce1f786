"""The option spec: task_options derived from it, unknown names refused with the nearest one, values checked,
and the flow-wide check over a real FlowCoordinator built from this project's cumulusci.yml (no org)."""

from types import SimpleNamespace

import pytest
import yaml
from cumulusci.core.config import BaseProjectConfig, TaskConfig, UniversalConfig
from cumulusci.core.flowrunner import FlowCoordinator
from cumulusci.core.tasks import BaseTask

from email_privacy.cci.task import OptionsTask, OrgTask
from email_privacy.errors import OptionError
from email_privacy.options.spec import (
    Option,
    OptionSpec,
    choice,
    file_to_write,
    flag,
    flow_problems,
    folder,
    name_list,
    seconds,
    set_by_flow,
    text,
    whole,
)
from email_privacy.options.values import nearest
from tests.conftest import ROOT, import_task

FLOW = "enable_individual_email_tracking"
TASKS = yaml.safe_load((ROOT / "cumulusci.yml").read_text(encoding="utf-8"))["tasks"]

SPEC = OptionSpec(
    flag("dry_run", "Change nothing."),
    choice("position", ("after_email_opt_out", "end_of_first_section"), "Where.", default="after_email_opt_out"),
    name_list("objects", "Which objects.", ("Contact", "Lead", "PersonAccount"), "Contact and Lead"),
    whole("retries", "Repeats.", 3, 0, 10),
    seconds("backoff", "Wait.", 0.5),
    set_by_flow("org_state", "From the flow.", lambda v: isinstance(v, dict), "^^step.org_state"),
)


def task_class(name: str):
    module, cls = TASKS[name]["class_path"].rsplit(".", 1)
    return getattr(import_task(module.split(".", 2)[2]), cls)


# ---- derivation ---------------------------------------------------------------------------------------------


def test_task_options_are_derived_from_the_spec():
    options = SPEC.task_options()
    assert list(options.keys()) == ["dry_run", "position", "objects", "retries", "backoff", "org_state"]
    assert options["position"] == {
        "description": "Where. Default: after_email_opt_out.",
        "required": False,
        "type": "one of after_email_opt_out, end_of_first_section",
    }
    assert options["dry_run"]["description"] == "Change nothing. Default: false."
    assert options["objects"]["description"] == "Which objects. Default: Contact and Lead."
    assert options["objects"]["type"] == "comma-separated, any of Contact, Lead, PersonAccount"
    assert options["retries"]["type"] == "a whole number from 0 to 10"


def test_every_name_passes_cumulusci_task_run_lookup_so_the_task_refuses_it_in_one_line():
    options = SPEC.task_options()
    assert "dry_rn" in options  # CumulusCI's `cci task run -o` check lets it through to the task
    assert "dry_rn" not in options.keys() and "dry_rn" not in dict(options.items())


@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_task_declares_a_spec_and_its_task_options_are_the_specs(name):
    cls = task_class(name)
    assert isinstance(cls.__dict__.get("options_spec"), OptionSpec), name
    assert cls.task_options == cls.options_spec.task_options()
    assert all(info["description"] and info["type"] for info in cls.task_options.values())


def test_declaring_task_options_by_hand_is_refused():
    with pytest.raises(TypeError, match="task_options is derived"):

        class Both(OptionsTask, BaseTask):  # noqa: F841
            options_spec = SPEC
            task_options = {"x": {"description": "drifts"}}

    with pytest.raises(TypeError, match=r"declare options_spec = OptionSpec\(\.\.\.\)"):

        class ByHand(OrgTask):  # noqa: F841
            task_options = {"x": {"description": "not parsed, not checked"}}


def test_the_mixin_goes_before_the_cumulusci_task_class():
    with pytest.raises(TypeError, match="put OptionsTask before"):

        class After(BaseTask, OptionsTask):  # noqa: F841
            options_spec = SPEC


def test_an_option_declared_twice_is_refused():
    with pytest.raises(ValueError, match="dry_run is declared twice"):
        OptionSpec(flag("dry_run", "a"), flag("dry_run", "b"))


# ---- names --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, suggestion",
    [("dry_rn", "dry_run"), ("dryrun", "dry_run"), ("Position", "position"), ("object", "objects"), ("zzz", None)],
)
def test_nearest_name(typed, suggestion):
    assert nearest(typed, SPEC.options) == suggestion


def test_an_unknown_name_is_one_line_with_the_nearest_and_the_options_a_person_sets():
    with pytest.raises(OptionError) as caught:
        SPEC.parse({"dry_rn": "true"}, task="a_task")
    assert str(caught.value) == (
        "Option dry_rn: no such option of a_task; did you mean dry_run? "
        "Its options: dry_run, position, objects, retries, backoff."
    )
    with pytest.raises(OptionError) as caught:
        SPEC.parse({"colour": "red"})
    assert (
        str(caught.value) == "Option colour: no such option. Its options: dry_run, position, objects, retries, backoff."
    )


def test_cumulusci_s_own_flags_are_not_unknown_names():
    parsed = SPEC.parse({"debug": False, "debug_before": False, "debug_after": False, "no_prompt": False})
    assert parsed.dry_run is False


# ---- values -------------------------------------------------------------------------------------------------


def test_parsed_values_and_defaults():
    parsed = SPEC.parse(
        {"dry_run": "yes", "objects": "contact, Lead", "retries": "5", "position": "END_of_first_section"}
    )
    assert vars(parsed) == {
        "dry_run": True,
        "position": "end_of_first_section",
        "objects": ["Contact", "Lead"],
        "retries": 5,
        "backoff": 0.5,
        "org_state": None,
    }
    assert SPEC.parse({}).objects is None  # not given, no default: the task decides


@pytest.mark.parametrize(
    "given, message",
    [
        ({"dry_run": "maybe"}, "Option dry_run: 'maybe' is not a boolean; use true or false."),
        (
            {"position": "top"},
            "Option position: 'top' is not allowed; use one of after_email_opt_out, end_of_first_section.",
        ),
        (
            {"position": "end_of_first_sectoin"},
            "Option position: 'end_of_first_sectoin' is not allowed (did you mean end_of_first_section?); "
            "use one of after_email_opt_out, end_of_first_section.",
        ),
        (
            {"objects": "Contacts"},
            "Option objects: Contacts not allowed (did you mean Contact?); use any of Contact, Lead, PersonAccount.",
        ),
        ({"retries": "11"}, "Option retries: 11 is out of range; use a whole number from 0 to 10."),
        ({"backoff": "-1"}, "Option backoff: '-1' is not allowed; use a number of seconds from 0 to 600."),
        ({"org_state": "x"}, "Option org_state: only the flow passes it (^^step.org_state); leave it out."),
    ],
)
def test_a_bad_value_is_one_line_naming_the_option_and_what_is_allowed(given, message):
    with pytest.raises(OptionError) as caught:
        SPEC.parse(given)
    assert str(caught.value) == message


def test_paths(tmp_path):
    spec = OptionSpec(folder("snapshot_dir", "Where.", ".snaps"), file_to_write("report", "Report."))
    parsed = spec.parse({"report": "out/r.json"})
    assert parsed.snapshot_dir.is_absolute() and parsed.snapshot_dir.name == ".snaps"
    assert parsed.report.is_absolute() and parsed.report.name == "r.json"
    assert spec.problems({"report": str(tmp_path)}) == [
        f"Option report: {tmp_path} is a folder; give the path of a JSON file to write."
    ]
    (tmp_path / "f").write_text("")
    assert spec.problems({"snapshot_dir": str(tmp_path / "f")}) == [
        f"Option snapshot_dir: {tmp_path / 'f'} is a file; use a folder."
    ]


def test_problems_lists_every_mistake_and_leaves_flow_references_to_their_step():
    assert SPEC.problems({"dry_run": "^^check.dry_run", "org_state": "^^check.org_state"}) == []
    assert SPEC.problems({"retries": "$project_config.project__custom__retries"}) == []
    assert SPEC.problems({"dry_rn": "1", "retries": "x", "position": "top"}, label=lambda n: f"t__{n}") == [
        "Option t__dry_rn: no such option; did you mean dry_run? Its options: dry_run, position, objects, retries, "
        "backoff.",
        "Option t__position: 'top' is not allowed; use one of after_email_opt_out, end_of_first_section.",
        "Option t__retries: 'x' is not a whole number; use a whole number from 0 to 10.",
    ]


def test_a_custom_check():
    def even(name, value):
        if int(value) % 2:
            raise OptionError(f"Option {name}: {value} is odd; use an even number.")
        return int(value)

    spec = OptionSpec(text("pairs", "Pairs.", even, "an even number"), Option("n", "N.", "anything", lambda n, v: v))
    assert spec.parse({"pairs": "4"}).pairs == 4
    assert spec.task_options()["pairs"]["type"] == "an even number"
    assert spec.problems({"pairs": "3"}) == ["Option pairs: 3 is odd; use an even number."]


# ---- the flow-wide check, on CumulusCI's own FlowCoordinator --------------------------------------------------


@pytest.fixture(scope="module")
def project():
    for name in TASKS:
        task_class(name)  # loads tasks.email_privacy as cci does
    return BaseProjectConfig(UniversalConfig(), repo_info={"root": str(ROOT), "branch": "main"})


def flow(project, name=FLOW, **options):
    return FlowCoordinator(project, project.get_flow(name), name=name, options=options)


def test_the_flow_as_declared_has_no_problem(project):
    assert flow_problems(flow(project)) == []
    assert flow_problems(flow(project, "config_qa")) == []


def test_the_flow_wide_check_names_each_mistake_as_it_was_typed(project):
    coordinator = flow(
        project,
        check_email_privacy_prerequisites={"dry_rn": "true"},
        check_email_privacy_prerequisite={"dry_run": "true"},
        add_individual_field_to_layouts={"position": "top"},
        verify_email_privacy={"objects": "Contact"},
    )
    problems = flow_problems(coordinator)
    assert problems[0].startswith(
        f"Option check_email_privacy_prerequisite__dry_run: no step of flow {FLOW} runs a task named "
        "check_email_privacy_prerequisite; did you mean check_email_privacy_prerequisites? Its steps run: "
        "check_email_privacy_prerequisites, deploy_email_privacy_settings,"
    )
    assert problems[1].startswith(
        "Option check_email_privacy_prerequisites__dry_rn: no such option of check_email_privacy_prerequisites; "
        "did you mean dry_run?"
    )
    assert problems[2] == (
        "Option add_individual_field_to_layouts__position: 'top' is not allowed; "
        "use one of after_email_opt_out, end_of_first_section."
    )
    assert len(problems) == 3


def test_options_of_a_task_that_is_not_ours_pass_untouched(project):
    class Theirs(BaseTask):
        pass

    ours = flow(project, check_email_privacy_prerequisites={"dry_run": "true"})
    theirs = SimpleNamespace(
        task_name="consumer_layouts",
        task_class=Theirs,
        task_config={"options": {"colour": "red", "dry_rn": "x"}},
        step_num="10",
        skip=False,
    )
    coordinator = SimpleNamespace(
        name="config_qa", steps=[theirs, *ours.steps], runtime_options={"consumer_layouts": {"dry_rn": "x"}}
    )
    assert flow_problems(coordinator) == []


def test_a_mistake_from_cumulusci_yml_names_the_step(project):
    step = next(s for s in flow(project).steps if s.task_name == "add_individual_field_to_layouts")
    step.task_config["options"]["behaviour"] = "Edit"
    coordinator = SimpleNamespace(name="mine", steps=[step], runtime_options={})
    assert flow_problems(coordinator) == [
        "Option behaviour of step 4 (add_individual_field_to_layouts): no such option of "
        "add_individual_field_to_layouts; did you mean behavior? Its options: objects, layouts, behavior, position, "
        "dry_run, check_only, pages, individual, snapshot_dir, api_version, retries, backoff, poll_interval."
    ]


def test_the_first_step_checks_the_whole_flow_before_anything_else(project):
    coordinator = flow(project, add_individual_field_to_layouts={"position": "top"})
    step = coordinator.steps[0]
    cls = step.task_class
    assert cls.checks_flow and issubclass(cls, OrgTask)
    with pytest.raises(OptionError) as caught:
        cls(step.project_config, TaskConfig(step.task_config), flow=coordinator)
    assert str(caught.value).startswith("Option add_individual_field_to_layouts__position: 'top' is not allowed")
