"""restore_layouts: every layout of the snapshot in one deploy, nothing in a dry run, nothing claimed in check-only.
The org is the in-process local org, which judges the deploy."""

import logging

import pytest

from email_privacy.features.restore import restore_layouts
from email_privacy.metadata_xml import read_package_xml
from localorg.models.seed.flexipages import seed_pages
from tests.inprocess_org import actions, connection, count, files, layout, record_deploys, serve

LOG = logging.getLogger("tests.features")
LAYOUTS = {"Contact-Contact Layout": layout(), "Lead-Lead %28Marketing%29 Layout": layout(first="Company")}
MANIFEST = {"layouts": [{"name": "Lead-Lead %28Marketing%29 Layout", "package": None}]}


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def test_every_layout_goes_back_in_one_deploy(org, tmp_path, monkeypatch):
    sent = record_deploys(monkeypatch, org)
    result = restore_layouts(connection(org), tmp_path, MANIFEST, LAYOUTS, LOG)
    assert result.restored == ["Contact-Contact Layout", "Lead-Lead (Marketing) Layout"]
    [sent_files] = sent
    assert read_package_xml(sent_files["package.xml"]) == {"Layout": sorted(LAYOUTS)}
    for member, data in LAYOUTS.items():
        assert org.metadata.read("Layout", member) == data  # the org holds the snapshot's bytes again
    assert count(org.log, "deploy") == 1 and count(org.log, "retrieve") == 0


def test_dry_run_deploys_nothing(org, tmp_path):
    before = files(org, "Layout")
    result = restore_layouts(connection(org), tmp_path, MANIFEST, LAYOUTS, LOG, dry_run=True)
    assert actions(org.log) == [] and result.restored == [] and result.dry_run is True
    assert files(org, "Layout") == before


def test_check_only_validates_and_claims_nothing_restored(org, tmp_path):
    before = files(org, "Layout")
    result = restore_layouts(connection(org), tmp_path, MANIFEST, LAYOUTS, LOG, check_only=True)
    assert count(org.log, "deploy") == 1 and result.restored == [] and files(org, "Layout") == before


def test_pages_go_back_in_the_same_deploy(org, tmp_path):
    page = seed_pages()["Contact_Record_Page"]
    result = restore_layouts(connection(org), tmp_path, MANIFEST, LAYOUTS, LOG, pages={"Contact_Record_Page": page})
    assert result.restored_pages == ["Contact_Record_Page"] and count(org.log, "deploy") == 1
    assert org.metadata.read("FlexiPage", "Contact_Record_Page") == page
