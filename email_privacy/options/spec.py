"""One declarative option spec per task (`options_spec = OptionSpec(flag(...), ...)`): `task_options`, parsing,
the refusal of unknown names and the flow-wide check all come from it, so they cannot drift apart. CumulusCI's
typed options are not used: their messages name no value, allowed set or nearest name, and they cannot check a
flow's other steps (docs/salesforce-facts.md, CumulusCI 4.10: typed options)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace

from email_privacy.errors import OptionError
from email_privacy.options.values import (
    nearest,
    parse_api_version,
    parse_bool,
    parse_choice,
    parse_existing_path,
    parse_folder,
    parse_int,
    parse_list,
    parse_seconds,
    report_path,
)

# docs/salesforce-facts.md, CumulusCI 4.10: what cci hands a task besides its options.
CUMULUSCI_FLAGS = frozenset({"debug", "debug_before", "debug_after", "no_prompt"})
RETURN_VALUE_PREFIX = "^^"
PROJECT_CONFIG_MARK = "$project_config."

Check = Callable[[str, object], object]  # (option label, given value) -> parsed value; OptionError on a bad one


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    allowed: str
    check: Check
    default: object = None
    default_text: str | None = None  # the default in words, where its value does not say it
    flow_only: bool = False  # set by the flow from an earlier step, never by a person

    def parse(self, value, label: str | None = None):
        if value is None or value == "":
            value = self.default
            if value is None:
                return None
        return self.check(label or self.name, value)

    def task_option(self) -> dict:
        default = self.default_text
        if default is None and self.default is not None:
            default = str(self.default).lower() if isinstance(self.default, bool) else str(self.default)
        description = self.description + (f" Default: {default}." if default else "")
        return {"description": description, "required": False, "type": self.allowed}


class TaskOptions(dict):
    """Holds every name, so `cci task run -o` lets an unknown one through for the task to refuse in one line
    with the nearest name (cci's own refusal has no suggestion); listing shows only the declared options."""

    def __contains__(self, name) -> bool:
        return True


def refusal(head: str, name: str, allowed: Iterable[str], listing: str) -> str:
    close = nearest(name, allowed)
    return f"{head}; did you mean {close}? {listing}" if close else f"{head}. {listing}"


class OptionSpec:
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
        return tuple(self.options[name] for name in names)

    def task_options(self) -> TaskOptions:
        return TaskOptions((o.name, o.task_option()) for o in self)

    def unknown_name(self, name: str, label: str | None = None, task: str | None = None) -> str:
        offered = [o.name for o in self if not o.flow_only]
        where = f" of {task}" if task else ""
        return refusal(
            f"Option {label or name}: no such option{where}", name, self.options, f"Its options: {', '.join(offered)}."
        )

    def problems(self, given: Mapping, task: str | None = None, label: Callable[[str], str] | None = None) -> list[str]:
        """One line per problem; a value filled in when the task starts (`^^step.value`) is checked then."""
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
        for name in given:
            if name not in self.options and name not in CUMULUSCI_FLAGS:
                raise OptionError(self.unknown_name(name, task=task))
        return SimpleNamespace(**{o.name: o.parse(given.get(o.name)) for o in self})


def flow_problems(flow) -> list[str]:
    """Every problem with the options of a flow's steps, one line each; steps of tasks without an OptionSpec (a
    consuming project's own) are not ours to judge."""
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


def flag(name: str, description: str, default: bool | None = False) -> Option:
    return Option(name, description, "true or false", lambda n, v: parse_bool(n, v), default)


def choice(name: str, allowed: Iterable[str], description: str, default: str | None = None) -> Option:
    allowed = tuple(allowed)
    return Option(name, description, f"one of {', '.join(allowed)}", lambda n, v: parse_choice(n, v, allowed), default)


def name_list(
    name: str, description: str, allowed: Iterable[str] | None = None, default_text: str | None = None
) -> Option:
    allowed = tuple(allowed) if allowed is not None else None
    words = f"comma-separated, any of {', '.join(allowed)}" if allowed else "comma-separated names"
    return Option(name, description, words, lambda n, v: parse_list(n, v, allowed), default_text=default_text)


def whole(name: str, description: str, default: int | None, minimum: int | None = None, maximum: int | None = None):
    words = (
        "a whole number"
        + ("" if minimum is None else f" from {minimum}")
        + ("" if maximum is None else f" to {maximum}")
    )
    return Option(name, description, words, lambda n, v: parse_int(n, v, minimum=minimum, maximum=maximum), default)


def seconds(name: str, description: str, default: float, maximum: float = 600) -> Option:
    return Option(
        name, description, f"seconds from 0 to {maximum:g}", lambda n, v: parse_seconds(n, v, maximum), default
    )


def api_version(name: str, description: str, default_text: str | None = None) -> Option:
    return Option(
        name,
        description,
        "an API version like 63.0",
        lambda n, v: parse_api_version(n, v, ""),
        default_text=default_text,
    )


def text(name: str, description: str, check: Check | None = None, allowed: str = "text") -> Option:
    return Option(name, description, allowed, check or (lambda n, v: str(v).strip()))


def folder(name: str, description: str, default=None, must_exist: bool = False) -> Option:
    words = "path of an existing folder" if must_exist else "path of a folder"
    return Option(
        name,
        description,
        words,
        lambda n, v: parse_folder(n, v, None, must_exist=must_exist),
        None if default is None else str(default),
    )


def existing_file(name: str, description: str) -> Option:
    return Option(name, description, "path of an existing file", lambda n, v: parse_existing_path(n, v, "file"))


def file_to_write(name: str, description: str, what: str = "JSON file") -> Option:
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
