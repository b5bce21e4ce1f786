"""The settings documents: options model, schema order, the never-false rule, both file formats."""

import pytest
from lxml import etree

from email_privacy.errors import OptionError
from email_privacy.metadata import documents
from email_privacy.metadata.documents import MDAPI_NS, read_package_xml
from email_privacy.metadata.settings import (
    CONSENT,
    EMAIL_CONSENT,
    ENHANCED_EMAIL,
    build_document,
    by_type,
    changes_needed,
    read_settings,
)
from email_privacy.options.settings import SettingsOptions, desired_settings
from email_privacy.steps.settings import settings_files
from tests.conftest import assert_valid


@pytest.mark.parametrize(
    "options, message",
    [
        (
            {"enhanced_email": "sometimes"},
            "Option enhanced_email: 'sometimes' is not allowed; use one of auto, true, false.",
        ),
        ({"email_tracking": "maybe"}, "Option email_tracking: 'maybe' is not a boolean; use true or false."),
        ({"email_tracking": 3}, "Option email_tracking: 3 is not a boolean; use true or false."),
        ({"consent_management": "false"}, "Option consent_management: false is not allowed"),
        ({"consent_management": False}, "purges the org's data protection and privacy records"),
    ],
)
def test_every_bad_option_value_is_one_line_naming_it(options, message):
    with pytest.raises(OptionError) as e:
        SettingsOptions.from_options(options)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    "options, expected",
    [
        ({}, SettingsOptions("auto", True)),
        ({"enhanced_email": "TRUE", "email_tracking": "no"}, SettingsOptions("true", False)),
        ({"enhanced_email": False, "email_tracking": True}, SettingsOptions("false", True)),
        ({"consent_management": "true"}, SettingsOptions("auto", True)),
    ],
)
def test_good_options_parse_from_strings_and_yaml_values(options, expected):
    assert SettingsOptions.from_options(options) == expected


def test_auto_enhanced_email_follows_lightning_experience():
    opts = SettingsOptions()
    assert ENHANCED_EMAIL in desired_settings(opts, lightning_on=True)
    assert ENHANCED_EMAIL not in desired_settings(opts, lightning_on=False)
    with pytest.raises(OptionError, match="auto needs the org's Lightning Experience state"):
        desired_settings(opts, lightning_on=None)


def test_false_options_leave_switches_alone_rather_than_turning_them_off():
    wanted = desired_settings(SettingsOptions("false", False), lightning_on=True)
    assert wanted == {CONSENT: True, EMAIL_CONSENT: True}
    assert all(v is True for v in wanted.values())


def test_consent_management_false_can_never_be_built():
    with pytest.raises(OptionError, match="purges"):
        build_document("PartyDataModelSettings", {"enableConsentManagement": False})
    with pytest.raises(OptionError, match="purges"):
        settings_files({"PartyDataModelSettings": {"enableConsentManagement": False}})
    with pytest.raises(OptionError, match="purges"):
        build_document("PartyDataModelSettings", {"enableConsentManagement": "false"})


def test_elements_follow_schema_order_whatever_order_they_are_given():
    doc = build_document(
        "EmailAdministrationSettings",
        {"enableEnhancedEmailEnabled": True, "enableEmailConsentManagement": True, "enableComplianceBcc": False},
    )
    names = [etree.QName(e).localname for e in doc.getroot()]
    assert names == ["enableComplianceBcc", "enableEmailConsentManagement", "enableEnhancedEmailEnabled"]


def test_unknown_type_or_field_is_refused():
    with pytest.raises(OptionError, match="not one this project writes"):
        build_document("IndividualSettings", {"enableFoo": True})
    with pytest.raises(OptionError, match="has no field enableFoo"):
        build_document("ActivitiesSettings", {"enableFoo": True})


def test_changes_needed_lists_only_what_the_org_lacks():
    desired = desired_settings(SettingsOptions("true", True))
    current = {
        "PartyDataModelSettings": {"enableConsentManagement": True},
        "EmailAdministrationSettings": {"enableEmailConsentManagement": False, "enableEnhancedEmailEnabled": True},
        "ActivitiesSettings": {},
    }
    assert changes_needed(desired, current) == {
        "EmailAdministrationSettings": {"enableEmailConsentManagement": True},
        "ActivitiesSettings": {"enableEmailTracking": True},
    }
    configured = {t: dict(v) for t, v in by_type(desired).items()}
    assert changes_needed(desired, configured) == {}


def test_read_settings_reads_real_world_files(realworld):
    files = sorted((realworld / "settings").rglob("PartyDataModel.settings*"))
    assert files, "expected real-world PartyDataModel settings files"
    for path in files:
        values = read_settings(documents.parse_file(path))
        assert isinstance(values["enableConsentManagement"], bool)


@pytest.mark.parametrize("fmt", ["mdapi", "source"])
def test_every_file_validates_against_the_real_schema(xsd, fmt):
    files = settings_files(by_type(desired_settings(SettingsOptions("true", True))), fmt)
    suffix = ".settings" if fmt == "mdapi" else ".settings-meta.xml"
    assert sorted(files) == sorted(
        [f"settings/{s}{suffix}" for s in ("PartyDataModel", "EmailAdministration", "Activities")]
        + (["package.xml"] if fmt == "mdapi" else [])
    )
    for name, data in files.items():
        assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        assert_valid(xsd, data, name)
    if fmt == "mdapi":
        assert read_package_xml(files["package.xml"]) == {
            "Settings": ["Activities", "EmailAdministration", "PartyDataModel"]
        }


def test_mdschema_settings_orders_match_the_real_schema(xsd_tree):
    ns = {"xsd": "http://www.w3.org/2001/XMLSchema"}
    for settings_type, order in documents.SETTINGS.items():
        complex_type = xsd_tree.xpath(f'//xsd:complexType[@name="{settings_type}"]', namespaces=ns)[0]
        names = [e.get("name") for e in complex_type.iter("{http://www.w3.org/2001/XMLSchema}element")]
        assert tuple(names) == order, settings_type


def test_documents_are_in_the_metadata_namespace():
    doc = build_document("ActivitiesSettings", {"enableEmailTracking": True})
    assert doc.getroot().tag == f"{{{MDAPI_NS}}}ActivitiesSettings"
