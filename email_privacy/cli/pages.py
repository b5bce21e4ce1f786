"""`email-privacy pages`: the Individual field on Dynamic Forms record pages in a source tree, offline (no describe,
so the standard lookup names)."""

from pathlib import Path

import click

from email_privacy.cli import offline_edit
from email_privacy.cli.offline_edit import Plan
from email_privacy.metadata import documents, flexipages

SUFFIXES = (".flexipage", ".flexipage-meta.xml")

# Kinds worth a note when left alone: pages of the target objects that a person might expect to change.
NOTED_KINDS = ("record_detail", "business_account", "old_format", "no_field_section")


def is_page_file(name: str) -> bool:
    return name.endswith(SUFFIXES)


def page_files(root: Path) -> list[Path]:
    return offline_edit.files_under(root, is_page_file)


def plan(root: Path, objects) -> Plan:
    """Read and edit (in memory) every target page under `root`; nothing is written."""

    def edit(path: Path):
        old = offline_edit.read(path)
        page = flexipages.classify(documents.parse(old, str(path)), str(path))
        if page.kind in flexipages.CHANGED_KINDS and page.target in objects:
            lookup = flexipages.INDIVIDUAL_FIELD[page.target]
            return old, flexipages.add_field(old, page.target, lookup, name=str(path))
        return f"{page.kind}: {page.reason}" if page.kind in NOTED_KINDS else None

    return offline_edit.plan(page_files(root), edit)


@click.command()
@offline_edit.command_options(
    ",".join(flexipages.TARGET_OBJECTS),
    "Comma-separated objects whose Dynamic Forms record pages get the field (PersonAccount: Account pages "
    "with person fields).",
    "page",
)
def pages_command(path: Path, objects: str, dry_run: bool, check: bool):
    """Add the Individual field to every Dynamic Forms Contact, Lead and person-account record page under PATH."""
    chosen = offline_edit.parse_objects(objects, flexipages.TARGET_OBJECTS)
    nothing = (
        f"nothing found under {path}: no record page of {', '.join(chosen)} (*.flexipage, *.flexipage-meta.xml); "
        "nothing was changed."
    )
    offline_edit.carry_out(plan(path, chosen), dry_run, check, "page", "not target pages", nothing)


# cli.main loads `email_privacy.cli.pages:pages` when the subcommand is used.
pages_command.name = "pages"
pages = pages_command
