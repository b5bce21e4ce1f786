"""`email-privacy layouts`: add the Individual field to the page layouts in a source tree, offline.

Edits every `.layout` and `.layout-meta.xml` file of the chosen objects under PATH in place. All
files are read and edited in memory first; if any cannot be read, parsed or edited, no file is
changed. Files are then written atomically (temporary file in the same folder, then rename).
"""

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from ..cci.options import parse_choice, parse_list
from ..errors import EmailPrivacyError, OptionError
from ..salesforce import layouts as editor
from ..salesforce import names


@dataclass
class Plan:
    """What a run would do: new bytes per changed file, and the files left alone."""

    changes: dict = field(default_factory=dict)  # Path -> (old bytes, new bytes)
    already: list = field(default_factory=list)  # target layouts that have the field
    skipped: list = field(default_factory=list)  # layouts of other objects
    errors: list = field(default_factory=list)  # one line per file that cannot be used


def layout_files(root: Path) -> list[Path]:
    """Every layout file under `root` (or `root` itself), sorted for a stable order."""
    if root.is_file():
        return [root] if names.is_layout_file(root.name) else []
    return sorted(p for p in root.rglob("*") if p.is_file() and names.is_layout_file(p.name))


def plan(root: Path, objects, behavior: str = "Edit", position: str = "after_email_opt_out") -> Plan:
    """Read and edit (in memory) every target layout under `root`; nothing is written."""
    result = Plan()
    for path in layout_files(root):
        try:
            obj = names.layout_object(names.full_name_from_path(path.name))
        except EmailPrivacyError as e:
            result.errors.append(f"{path}: {e}")
            continue
        if obj not in objects:
            result.skipped.append(path)
            continue
        try:
            with open(path, "rb") as f:
                old = f.read()
            new = editor.add_field_bytes(
                old,
                editor.INDIVIDUAL_FIELD[obj],
                behavior,
                position,
                name=str(path),
                email_opt_out=editor.EMAIL_OPT_OUT_FIELD[obj],
            )
        except OSError as e:
            result.errors.append(f"{path}: cannot read ({e.strerror})")
            continue
        except EmailPrivacyError as e:
            result.errors.append(str(e))
            continue
        if new is None:
            result.already.append(path)
        else:
            result.changes[path] = (old, new)
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
        raise EmailPrivacyError(f"{e.filename or 'layout'}: cannot write ({e.strerror}); no file was changed") from None
    for tmp, path in temps:
        os.replace(tmp, path)


def _options(objects, behavior, position):
    try:
        chosen = parse_list("--objects", objects, allowed=editor.TARGET_OBJECTS)
        if not chosen:
            raise OptionError(f"Option --objects: give at least one of {', '.join(editor.TARGET_OBJECTS)}.")
        return (
            chosen,
            parse_choice("--behavior", behavior, editor.BEHAVIORS),
            parse_choice("--position", position, editor.POSITIONS),
        )
    except OptionError as e:
        # Bad arguments exit 2 with one line, as click's own usage errors do.
        raise click.UsageError(str(e)) from None


@click.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--objects",
    default=",".join(editor.TARGET_OBJECTS),
    show_default=True,
    help="Comma-separated objects whose layouts get the field.",
)
@click.option("--dry-run", is_flag=True, help="Print a unified diff of every change; change nothing.")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if any target layout lacks the field.")
@click.option("--behavior", default="Edit", show_default=True, help="Edit or Readonly.")
@click.option(
    "--position",
    default="after_email_opt_out",
    show_default=True,
    help="after_email_opt_out (falls back to end_of_first_section) or end_of_first_section.",
)
def layouts_command(path: Path, objects: str, dry_run: bool, check: bool, behavior: str, position: str):
    """Add the Individual field to every Contact, Lead and PersonAccount layout file under PATH."""
    chosen, behavior, position = _options(objects, behavior, position)
    if dry_run and check:
        raise click.UsageError("--dry-run and --check cannot be used together; choose one.")
    result = plan(path, chosen, behavior, position)
    if result.errors:
        for line in result.errors[1:]:
            click.echo(f"email-privacy: error: {line}", err=True)
        more = f" (and {len(result.errors) - 1} more above)" if len(result.errors) > 1 else ""
        raise EmailPrivacyError(f"{result.errors[0]}{more}; no file was changed")

    if dry_run:
        for p, (old, new) in result.changes.items():
            click.echo(editor.unified_diff(old, new, str(p)), nl=False)
    elif check:
        for p in result.changes:
            click.echo(f"lacks the field: {p}")
    else:
        write_all(result.changes)
        for p in result.changes:
            click.echo(f"changed: {p}")
    verb = "would change" if dry_run or check else "changed"
    click.echo(
        f"{len(result.changes)} {verb}, {len(result.already)} already had the field, "
        f"{len(result.skipped)} skipped as other objects"
    )
    if check and result.changes:
        raise click.ClickException(f"{len(result.changes)} target layout(s) lack the Individual field")


# cli.main loads `email_privacy.cli.layouts:layouts` when the subcommand is used.
layouts_command.name = "layouts"
layouts = layouts_command
