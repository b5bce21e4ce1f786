"""The one deploy-package builder: files under their folders and a package.xml naming exactly them."""

from email_privacy.metadata.documents import read_package_xml
from email_privacy.metadata.package import deploy_package
from tests.conftest import assert_valid


def test_layouts_permission_sets_and_settings_in_one_package(xsd):
    files = deploy_package(
        "63.0",
        layouts={"Contact-Contact %28Sales%29 Layout": b"<Layout/>"},
        permission_sets={"Email_Privacy_Individual_Access": b"<PermissionSet/>"},
        settings={"PartyDataModelSettings": b"<PartyDataModelSettings/>"},
    )
    assert sorted(files) == [
        "layouts/Contact-Contact %28Sales%29 Layout.layout",
        "package.xml",
        "permissionsets/Email_Privacy_Individual_Access.permissionset",
        "settings/PartyDataModel.settings",
    ]
    assert read_package_xml(files["package.xml"]) == {
        "Layout": ["Contact-Contact %28Sales%29 Layout"],
        "PermissionSet": ["Email_Privacy_Individual_Access"],
        "Settings": ["PartyDataModel"],
    }
    assert_valid(xsd, files["package.xml"])


def test_an_empty_kind_is_left_out_of_package_xml():
    files = deploy_package("63.0", permission_sets={"A": b"<PermissionSet/>"})
    assert sorted(files) == ["package.xml", "permissionsets/A.permissionset"]
    assert read_package_xml(files["package.xml"]) == {"PermissionSet": ["A"]}


def test_pages_go_under_flexipages_and_into_package_xml():
    files = deploy_package("63.0", layouts={"Contact-Contact Layout": b"<l/>"}, pages={"Contact_Record_Page": b"<p/>"})
    assert files["flexipages/Contact_Record_Page.flexipage"] == b"<p/>"
    assert read_package_xml(files["package.xml"]) == {
        "FlexiPage": ["Contact_Record_Page"],
        "Layout": ["Contact-Contact Layout"],
    }
