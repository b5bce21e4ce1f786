"""`email-privacy layouts`: the Individual field on the page layouts in a source tree, offline."""

from pathlib import Path

import click

from email_privacy.cli import offline_edit
from email_privacy.cli.offline_edit import Plan
from email_privacy.errors import EmailPrivacyError, OptionError
from email_privacy.metadata import layouts as editor
from email_privacy.metadata import names
from email_privacy.options.values import parse_choice


def layout_files(root: Path) -> list[Path]:
    return offline_edit.files_under(root, names.is_layout_file)


def plan(root: Path, objects, behavior: str = "Edit", position: str = "after_email_opt_out") -> Plan:
    """Read and edit (in memory) every target layout under `root`; nothing is written."""

    def edit(path: Path):
        try:
            obj = names.layout_object(names.full_name_from_path(path.name))
        except EmailPrivacyError as e:
            raise EmailPrivacyError(f"{path}: {e}") from None
        if obj not in objects:
            return None
        old = offline_edit.read(path)
        new = editor.add_field_bytes(
            old,
            editor.INDIVIDUAL_FIELD[obj],
            behavior,
            position,
            name=str(path),
            email_opt_out=editor.EMAIL_OPT_OUT_FIELD[obj],
        )
        return old, new

    return offline_edit.plan(layout_files(root), edit)


def _options(objects, behavior, position):
    chosen = offline_edit.parse_objects(objects, editor.TARGET_OBJECTS)
    try:
        return (
            chosen,
            parse_choice("--behavior", behavior, editor.BEHAVIORS),
            parse_choice("--position", position, editor.POSITIONS),
        )
    except OptionError as e:
        # Bad arguments exit 2 with one line, as click's own usage errors do.
        raise click.UsageError(str(e)) from None


@click.command()
@offline_edit.command_options(
    ",".join(editor.TARGET_OBJECTS), "Comma-separated objects whose layouts get the field.", "layout"
)
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
    nothing = (
        f"nothing found under {path}: no layout file of {', '.join(chosen)} (*.layout, *.layout-meta.xml); "
        "nothing was changed."
    )
    offline_edit.carry_out(plan(path, chosen, behavior, position), dry_run, check, "layout", "other objects", nothing)


# cli.main loads `email_privacy.cli.layouts:layouts` when the subcommand is used.
layouts_command.name = "layouts"
layouts = layouts_command
