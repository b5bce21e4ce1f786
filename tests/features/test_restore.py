"""restore_layouts: every layout of the snapshot in one deploy, nothing in a dry run, nothing claimed in check-only."""

from email_privacy.features.restore import restore_layouts
from email_privacy.metadata_xml import read_package_xml
from tests.fake_org import layout

from .fakes import LOG, Connection

LAYOUTS = {"Contact-Contact Layout": layout(), "Lead-Lead %28Marketing%29 Layout": layout()}
MANIFEST = {"layouts": [{"name": "Lead-Lead %28Marketing%29 Layout", "package": None}]}


def test_every_layout_goes_back_in_one_deploy(tmp_path):
    org = Connection()
    result = restore_layouts(org, tmp_path, MANIFEST, LAYOUTS, LOG)
    assert result.restored == ["Contact-Contact Layout", "Lead-Lead (Marketing) Layout"]
    [(files, check_only)] = org.metadata.deploys
    assert check_only is False
    assert files["layouts/Contact-Contact Layout.layout"] == LAYOUTS["Contact-Contact Layout"]
    assert read_package_xml(files["package.xml"]) == {"Layout": sorted(LAYOUTS)}


def test_dry_run_deploys_nothing(tmp_path):
    org = Connection()
    result = restore_layouts(org, tmp_path, MANIFEST, LAYOUTS, LOG, dry_run=True)
    assert org.metadata.deploys == [] and result.restored == [] and result.dry_run is True


def test_check_only_validates_and_claims_nothing_restored(tmp_path):
    org = Connection()
    result = restore_layouts(org, tmp_path, MANIFEST, LAYOUTS, LOG, check_only=True)
    assert [c for _, c in org.metadata.deploys] == [True] and result.restored == []


def test_pages_go_back_in_the_same_deploy(tmp_path):
    org = Connection()
    page = b'<?xml version="1.0" encoding="UTF-8"?>\n<FlexiPage xmlns="http://soap.sforce.com/2006/04/metadata"/>\n'
    result = restore_layouts(org, tmp_path, MANIFEST, LAYOUTS, LOG, pages={"Contact_Record_Page": page})
    assert result.restored_pages == ["Contact_Record_Page"]
    [(files, _)] = org.metadata.deploys
    assert files["flexipages/Contact_Record_Page.flexipage"] == page
    assert read_package_xml(files["package.xml"]) == {"FlexiPage": ["Contact_Record_Page"], "Layout": sorted(LAYOUTS)}
