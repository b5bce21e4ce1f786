"""Offline edits of a source tree's metadata files: all files edited in memory first, so one bad file changes
none, then written atomically."""

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click

from email_privacy.errors import EmailPrivacyError, OptionError
from email_privacy.metadata.layouts import unified_diff
from email_privacy.options.values import parse_list


@dataclass
class Plan:
    """What a run would do: new bytes per changed file, and the files left alone."""

    changes: dict = field(default_factory=dict)  # Path -> (old bytes, new bytes)
    already: list = field(default_factory=list)  # target files that have the field
    skipped: list = field(default_factory=list)  # files that are not targets
    notes: list = field(default_factory=list)  # why a file that looks like a target is left alone
    errors: list = field(default_factory=list)  # one line per file that cannot be used


def command_options(objects_default: str, objects_help: str, noun: str):
    """The arguments both commands take: PATH, --objects, --dry-run, --check."""

    def decorate(command):
        for option in reversed(
            (
                click.argument("path", type=click.Path(exists=True, path_type=Path)),
                click.option("--objects", default=objects_default, show_default=True, help=objects_help),
                click.option("--dry-run", is_flag=True, help="Print a unified diff of every change; change nothing."),
                click.option(
                    "--check", is_flag=True, help=f"Change nothing; exit 1 if any target {noun} lacks the field."
                ),
            )
        ):
            command = option(command)
        return command

    return decorate


def parse_objects(value: str, allowed) -> list[str]:
    """The --objects option: at least one of `allowed`; bad values exit 2 with one line, as click's usage errors do."""
    try:
        chosen = parse_list("--objects", value, allowed=allowed)
    except OptionError as e:
        raise click.UsageError(str(e)) from None
    if not chosen:
        raise click.UsageError(f"Option --objects: give at least one of {', '.join(allowed)}.")
    return chosen


def files_under(root: Path, wanted: Callable[[str], bool]) -> list[Path]:
    """Every file under `root` (or `root` itself) whose name `wanted` accepts, sorted for a stable order."""
    if root.is_file():
        return [root] if wanted(root.name) else []
    return sorted(p for p in root.rglob("*") if p.is_file() and wanted(p.name))


def read(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise EmailPrivacyError(f"{path}: cannot read ({e.strerror})") from None


def plan(paths: Iterable[Path], edit: Callable[[Path], tuple | str | None]) -> Plan:
    """Run `edit` on every file; it returns (old, new or None when the file has the field already),
    or, for a file that is not a target, None or the reason it is left alone. Nothing is written."""
    result = Plan()
    for path in paths:
        try:
            outcome = edit(path)
        except EmailPrivacyError as e:
            result.errors.append(str(e))
            continue
        if outcome is None or isinstance(outcome, str):
            result.skipped.append(path)
            if outcome:
                result.notes.append(f"left alone: {path}: {outcome}")
        elif outcome[1] is None:
            result.already.append(path)
        else:
            result.changes[path] = outcome
    return result


def write_all(changes: dict) -> None:
    """Write every file atomically; temporary files are all written before any rename."""
    temps = []
    try:
        for path, (_old, new) in changes.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(new)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
    except OSError as e:
        for tmp, _path in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise EmailPrivacyError(f"{e.filename or 'file'}: cannot write ({e.strerror}); no file was changed") from None
    for tmp, path in temps:
        os.replace(tmp, path)


def carry_out(result: Plan, dry_run: bool, check: bool, noun: str, skipped_as: str, nothing_found: str) -> None:
    """Report or write a plan as the command's output; raise for bad files and (with --check) for changes.

    `noun` names the files ("layout", "page"); `skipped_as` says why the skipped ones were skipped;
    `nothing_found` is the one line for a PATH that holds no target file at all.
    """
    if dry_run and check:
        raise click.UsageError("--dry-run and --check cannot be used together; choose one.")
    if result.errors:
        for line in result.errors[1:]:
            click.echo(f"email-privacy: error: {line}", err=True)
        more = f" (and {len(result.errors) - 1} more above)" if len(result.errors) > 1 else ""
        raise EmailPrivacyError(f"{result.errors[0]}{more}; no file was changed")
    if not (result.changes or result.already or result.notes):
        # A CI gate pointed at the wrong folder must not pass on "0 would change".
        raise click.UsageError(nothing_found)

    if dry_run:
        for p, (old, new) in result.changes.items():
            click.echo(unified_diff(old, new, str(p)), nl=False)
    elif check:
        for p in result.changes:
            click.echo(f"lacks the field: {p}")
    else:
        write_all(result.changes)
        for p in result.changes:
            click.echo(f"changed: {p}")
    for note in result.notes:
        click.echo(note)
    verb = "would change" if dry_run or check else "changed"
    click.echo(
        f"{len(result.changes)} {verb}, {len(result.already)} already had the field, "
        f"{len(result.skipped)} skipped as {skipped_as}"
    )
    if check and result.changes:
        raise click.ClickException(f"{len(result.changes)} target {noun}(s) lack the Individual field")
