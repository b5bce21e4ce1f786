"""Individual's own layouts and Dynamic Forms pages: Don't Track and Don't Process added where missing, in the
flow's one read and deploy, with snapshot, dry-run diff, restore and verify rows (in-process local org whose
Individual layout and page were trimmed of both flags)."""

import logging

import pytest

from email_privacy.metadata import documents, flexipages
from email_privacy.metadata.layouts import has_field
from email_privacy.options.settings import SettingsOptions
from email_privacy.steps.individual_field import LayoutOptions, add_individual_field, plan_layouts
from email_privacy.steps.read import read_org
from email_privacy.steps.verdict import verdict
from email_privacy.steps.verify import failure_message
from localorg.models.seed.individual import LAYOUT, PAGE, individual_layout
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import connection, count, layout, serve
from tests.steps.reads import org_read

LOG = logging.getLogger("test")
FLAGS = ("HasOptedOutTracking", "HasOptedOutProcessing")
TARGETS = ["Contact", "Lead", "Individual"]


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path, dynamic_forms=True, trimmed_individual_pages=True) as o:
        yield o


def flow_read(org):
    read = read_org(connection(org).metadata, TARGETS, pages=True)
    org.log.write_text("")
    return read


def docs(files: dict[str, bytes]) -> dict:
    return org_read(("Individual",), files).layouts


def column_of(data: bytes, field: str) -> list[str]:
    """The fields of the layout column holding `field`, in order."""
    tree = documents.parse(data, "layout")
    for column in tree.getroot().iter("{*}layoutColumns"):
        fields = [(f.text or "").strip() for f in column.iter("{*}field")]
        if field in fields:
            return fields
    return []


def test_flags_go_beside_the_other_privacy_flags_else_first_column():
    plan = plan_layouts(
        docs({LAYOUT: individual_layout(trimmed=True)}), {"Individual": FLAGS}, "Edit", "end_of_first_section"
    )
    new = plan.changes[LAYOUT][1]
    assert column_of(new, "HasOptedOutTracking") == ["HasOptedOutProfiling", *FLAGS, "HasOptedOutSolicit"]
    bare = plan_layouts(docs({"Individual-Bare": layout("Name")}), {"Individual": FLAGS}, "Edit", "after_email_opt_out")
    assert column_of(bare.changes["Individual-Bare"][1], "Name") == ["Name", *FLAGS]  # first section, first column
    whole = plan_layouts(docs({LAYOUT: individual_layout()}), {"Individual": FLAGS}, "Edit", "after_email_opt_out")
    assert whole.unchanged == [LAYOUT]


def test_individual_layout_and_page_in_the_one_deploy_then_nothing_then_restored_byte_identical(org, tmp_path, caplog):
    before = {
        ("Layout", LAYOUT): org.metadata.read("Layout", LAYOUT),
        ("FlexiPage", PAGE): org.metadata.read("FlexiPage", PAGE),
    }
    with caplog.at_level(logging.INFO):
        result = add_individual_field(connection(org), flow_read(org), LayoutOptions(snapshot_dir=tmp_path / "s"), LOG)
    assert LAYOUT in result.changed and PAGE in result.pages_changed
    assert "Of these, 2 are Individual's own: they got Don't Track and Don't Process." in caplog.text
    assert count(org.log, "deploy") == 1 and count(org.log, "listMetadata") == 0 and count(org.log, "retrieve") == 0
    layout_tree = documents.parse(org.metadata.read("Layout", LAYOUT), LAYOUT)
    assert all(has_field(layout_tree, f) for f in FLAGS)
    page_tree = documents.parse(org.metadata.read("FlexiPage", PAGE), PAGE)
    assert all(flexipages.has_field(page_tree, f) for f in FLAGS)
    rows = {r.api_name: r for r in verdict(flow_read(org), TARGETS, SettingsOptions()).rows}
    assert rows[LAYOUT].ok and rows[LAYOUT].state == "has HasOptedOutTracking and HasOptedOutProcessing"
    assert rows[PAGE].ok and rows[PAGE].object == "Individual"

    again = add_individual_field(connection(org), flow_read(org), LayoutOptions(snapshot_dir=tmp_path / "s"), LOG)
    assert again.changed == [] and again.pages_changed == [] and count(org.log, "deploy") == 0

    restore = inprocess_task(org, import_task("layouts").RestorePageChanges, {"snapshot": result.snapshot})
    restore.project_config.config["project"]["package"]["api_version"] = "63.0"
    restore()
    after = {
        ("Layout", LAYOUT): org.metadata.read("Layout", LAYOUT),
        ("FlexiPage", PAGE): org.metadata.read("FlexiPage", PAGE),
    }
    assert after == before


def test_dry_run_shows_the_diff_and_the_option_leaves_them_out(org, tmp_path, caplog):
    with caplog.at_level(logging.INFO):
        dry = add_individual_field(connection(org), flow_read(org), LayoutOptions(dry_run=True), LOG)
    assert LAYOUT in dry.changed and "+                <field>HasOptedOutTracking</field>" in caplog.text
    assert count(org.log, "deploy") == 0
    rows = {r.api_name: r for r in verdict(flow_read(org), TARGETS, SettingsOptions()).rows}
    assert not rows[LAYOUT].ok and rows[LAYOUT].state == "lacks HasOptedOutTracking and HasOptedOutProcessing"
    message = failure_message(rows.values())
    assert "Individual's own layout(s) or page(s) lack Don't Track / Don't Process: Individual Layout" in message
    left_out = add_individual_field(
        connection(org), flow_read(org), LayoutOptions(individual=False, snapshot_dir=tmp_path), LOG
    )
    assert LAYOUT not in left_out.changed + left_out.unchanged and PAGE not in left_out.pages_changed
    assert not has_field(documents.parse(org.metadata.read("Layout", LAYOUT), LAYOUT), FLAGS[0])
