"""One declarative option spec per task: `task_options` (what `cci task info` shows), the parsing of the
task's options, the refusal of a name the task does not have and the flow-wide check of every step's
options all come from it, so they cannot drift apart.

A task declares its options once, as a class attribute, and reads the parsed values from
`self.parsed_options` (see email_privacy/cci/task.py, OptionsTask):

    options_spec = OptionSpec(
        flag("dry_run", "Say what would change; change nothing.", default=False),
        choice("position", POSITIONS, "Where the new item goes.", default=POSITIONS[0]),
        *CLIENT_OPTIONS,
    )

CumulusCI's typed options (cumulusci.utils.options.CCIOptions, pydantic v1 models) are not used: their
failures read "Error in 'x' option: 'value could not be parsed to a boolean'" (no value, nothing allowed,
no nearest name), an unknown name reads "extra options not permitted", a flow's `^^step.value` and the
objects the flow hands between steps (org_state) do not fit a field type, and they cannot check another
step's options without building that task; this spec is small and says all of that in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace

from ..errors import OptionError
from .options import (
    nearest,
    parse_api_version,
    parse_bool,
    parse_choice,
    parse_existing_path,
    parse_folder,
    parse_int,
    parse_list,
    parse_seconds,
)
from .report import report_path

# Flags CumulusCI's `cci task run` hands to every task as options (cli/task.py; BaseTask skips the same).
CUMULUSCI_FLAGS = frozenset({"debug", "debug_before", "debug_after", "no_prompt"})
# Values CumulusCI fills in only when the task starts: an earlier step's return value (`^^step.name`,
# flowrunner.py) and a project setting (`$project_config.name`, core/tasks.py).
RETURN_VALUE_PREFIX = "^^"
PROJECT_CONFIG_MARK = "$project_config."

Check = Callable[[str, object], object]  # (option label, given value) -> parsed value; OptionError on a bad one


@dataclass(frozen=True)
class Option:
    """One option: its name, what it is for, what is allowed (in words), its default and its check."""

    name: str
    description: str
    allowed: str
    check: Check
    default: object = None
    default_text: str | None = None  # the default in words, where its value does not say it
    flow_only: bool = False  # set by the flow from an earlier step, never by a person

    def parse(self, value, label: str | None = None):
        """The parsed value; the default (itself checked) when not given; None without a default."""
        if value is None or value == "":
            value = self.default
            if value is None:
                return None
        return self.check(label or self.name, value)

    def task_option(self) -> dict:
        """The task_options entry `cci task info` shows (Type: what is allowed)."""
        default = self.default_text
        if default is None and self.default is not None:
            default = str(self.default).lower() if isinstance(self.default, bool) else str(self.default)
        description = self.description + (f" Default: {default}." if default else "")
        return {"description": description, "required": False, "type": self.allowed}


class TaskOptions(dict):
    """A task's task_options, derived from its spec.

    `name in task_options` answers True for every name: CumulusCI's `cci task run -o` looks a name up
    there and refuses an unknown one in two lines with no suggestion (cli/task.py); let through, the
    task refuses it itself, in one line naming the nearest option. Listing (keys, items) shows only the
    declared options.
    """

    def __contains__(self, name) -> bool:
        return True


def refusal(head: str, name: str, allowed: Iterable[str], listing: str) -> str:
    """One line: `head`, the nearest allowed name if one is close ("did you mean X?"), then `listing`."""
    close = nearest(name, allowed)
    return f"{head}; did you mean {close}? {listing}" if close else f"{head}. {listing}"


class OptionSpec:
    """The options of one task, in the order `cci task info` lists them."""

    def __init__(self, *options: Option):
        self.options: dict[str, Option] = {}
        for option in options:
            if option.name in self.options:
                raise ValueError(f"option {option.name} is declared twice")
            self.options[option.name] = option

    def __iter__(self):
        return iter(self.options.values())

    def __contains__(self, name) -> bool:
        return name in self.options

    def pick(self, *names: str) -> tuple[Option, ...]:
        """These options as declared here, for another task that takes them too."""
        return tuple(self.options[name] for name in names)

    def task_options(self) -> TaskOptions:
        return TaskOptions((o.name, o.task_option()) for o in self)

    def unknown_name(self, name: str, label: str | None = None, task: str | None = None) -> str:
        """The one-line message for a name this task does not have."""
        offered = [o.name for o in self if not o.flow_only]
        where = f" of {task}" if task else ""
        return refusal(
            f"Option {label or name}: no such option{where}", name, self.options, f"Its options: {', '.join(offered)}."
        )

    def problems(self, given: Mapping, task: str | None = None, label: Callable[[str], str] | None = None) -> list[str]:
        """Every problem with `given` (raw task options), one line each: unknown names first, then bad values.

        A value filled in when the task starts (`^^step.value`, `$project_config.name`) is checked then.
        """
        label = label or (lambda name: name)
        found = [
            self.unknown_name(name, label(name), task)
            for name in given
            if name not in self.options and name not in CUMULUSCI_FLAGS
        ]
        for option in self:
            value = given.get(option.name)
            if isinstance(value, str) and (value.startswith(RETURN_VALUE_PREFIX) or PROJECT_CONFIG_MARK in value):
                continue
            try:
                option.parse(value, label(option.name))
            except OptionError as error:
                found.append(str(error))
        return found

    def parse(self, given: Mapping, task: str | None = None) -> SimpleNamespace:
        """The parsed value of every declared option (attribute per name); OptionError, one line, on the first
        unknown name or bad value."""
        for name in given:
            if name not in self.options and name not in CUMULUSCI_FLAGS:
                raise OptionError(self.unknown_name(name, task=task))
        return SimpleNamespace(**{o.name: o.parse(given.get(o.name)) for o in self})


def flow_problems(flow) -> list[str]:
    """Every problem with the options given to the steps of `flow` (a CumulusCI FlowCoordinator), one line each.

    Checks a `-o task__option` addressed to no step of the running flow, and every option (name and value) of
    each step whose task declares an OptionSpec. Steps of other tasks (a consuming project's own, when our flow
    runs nested in its flow) are not ours to judge: their options pass untouched.
    """
    steps = list(getattr(flow, "steps", None) or [])
    runtime = getattr(flow, "runtime_options", None) or {}
    task_names = [s.task_name for s in steps]
    flow_name = getattr(flow, "name", None) or "the running flow"
    found: list[str] = []
    for task, options in runtime.items():
        if task in task_names:
            continue
        for name in options:
            found.append(
                refusal(
                    f"Option {task}__{name}: no step of flow {flow_name} runs a task named {task}",
                    task,
                    task_names,
                    f"Its steps run: {', '.join(dict.fromkeys(task_names))}.",
                )
            )
    for step in steps:
        spec = getattr(step.task_class, "options_spec", None)
        if step.skip or not isinstance(spec, OptionSpec):
            continue
        from_command_line = runtime.get(step.task_name, {})

        def label(name, step=step, from_command_line=from_command_line):
            if name in from_command_line:
                return f"{step.task_name}__{name}"
            return f"{name} of step {step.step_num} ({step.task_name})"

        for problem in spec.problems(step.task_config.get("options") or {}, task=step.task_name, label=label):
            if problem not in found:
                found.append(problem)
    return found


# Option constructors: one per kind of value. Each checks with email_privacy.cci.options' parse_* functions.


def flag(name: str, description: str, default: bool | None = False) -> Option:
    """true or false (also yes/no, 1/0, on/off; YAML booleans)."""
    return Option(name, description, "true or false", lambda n, v: parse_bool(n, v), default)


def choice(name: str, allowed: Iterable[str], description: str, default: str | None = None) -> Option:
    """One of `allowed` (case-insensitive; the canonical spelling is returned)."""
    allowed = tuple(allowed)
    return Option(name, description, f"one of {', '.join(allowed)}", lambda n, v: parse_choice(n, v, allowed), default)


def name_list(
    name: str, description: str, allowed: Iterable[str] | None = None, default_text: str | None = None
) -> Option:
    """A comma-separated list (or a YAML list), each member one of `allowed` where given; [] when not given."""
    allowed = tuple(allowed) if allowed is not None else None
    words = f"comma-separated, any of {', '.join(allowed)}" if allowed else "comma-separated names"
    return Option(name, description, words, lambda n, v: parse_list(n, v, allowed), default_text=default_text)


def whole(name: str, description: str, default: int | None, minimum: int | None = None, maximum: int | None = None):
    """A whole number within [minimum, maximum]."""
    words = (
        "a whole number"
        + ("" if minimum is None else f" from {minimum}")
        + ("" if maximum is None else f" to {maximum}")
    )
    return Option(name, description, words, lambda n, v: parse_int(n, v, minimum=minimum, maximum=maximum), default)


def seconds(name: str, description: str, default: float, maximum: float = 600) -> Option:
    """A number of seconds from 0 to `maximum`."""
    return Option(
        name, description, f"seconds from 0 to {maximum:g}", lambda n, v: parse_seconds(n, v, maximum), default
    )


def api_version(name: str, description: str, default_text: str | None = None) -> Option:
    """A Salesforce API version like 63.0."""
    return Option(
        name,
        description,
        "an API version like 63.0",
        lambda n, v: parse_api_version(n, v, ""),
        default_text=default_text,
    )


def text(name: str, description: str, check: Check | None = None, allowed: str = "text") -> Option:
    """Free text, checked by `check` where given (it returns the value to use)."""
    return Option(name, description, allowed, check or (lambda n, v: str(v).strip()))


def folder(name: str, description: str, default=None, must_exist: bool = False) -> Option:
    """A folder, made absolute against the folder cci started in; a file there is refused."""
    words = "path of an existing folder" if must_exist else "path of a folder"
    return Option(
        name,
        description,
        words,
        lambda n, v: parse_folder(n, v, None, must_exist=must_exist),
        None if default is None else str(default),
    )


def existing_file(name: str, description: str) -> Option:
    """An existing file, made absolute."""
    return Option(name, description, "path of an existing file", lambda n, v: parse_existing_path(n, v, "file"))


def file_to_write(name: str, description: str, what: str = "JSON file") -> Option:
    """A file the task writes, made absolute; a folder, or a place that cannot hold a file, is refused."""
    return Option(name, description, f"path of a {what} to write", lambda n, v: report_path(n, v, what))


def set_by_flow(name: str, description: str, accepts: Callable[[object], bool], source: str) -> Option:
    """A value only the flow passes (`source`, an earlier step's return value): refused from a person."""

    def check(label, value):
        if not accepts(value):
            raise OptionError(f"Option {label}: only the flow passes it ({source}); leave it out.")
        return value

    return Option(name, description, f"set by the flow only ({source})", check, flow_only=True)


__all__ = [
    "CUMULUSCI_FLAGS",
    "Option",
    "OptionSpec",
    "TaskOptions",
    "api_version",
    "choice",
    "existing_file",
    "file_to_write",
    "flag",
    "flow_problems",
    "folder",
    "name_list",
    "nearest",
    "refusal",
    "seconds",
    "set_by_flow",
    "text",
    "whole",
]
