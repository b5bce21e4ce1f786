"""deploy_settings from the flow's read: only the switches that are off, in one deploy; none when all are on.
The org is the in-process local org, which judges the deploy; the read is the flow's, so nothing is read again."""

import logging

import pytest

from email_privacy.metadata.documents import read_package_xml
from email_privacy.options.settings import SettingsOptions
from email_privacy.steps.read import OrgRead
from email_privacy.steps.settings import deploy_settings
from tests.inprocess_org import actions, connection, record_deploys, serve

LOG = logging.getLogger("tests.steps")
ON = {
    "PartyDataModelSettings": {"enableConsentManagement": True},
    "EmailAdministrationSettings": {"enableEmailConsentManagement": True, "enableEnhancedEmailEnabled": True},
    "ActivitiesSettings": {"enableEmailTracking": True},
    "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
}


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def read(settings):
    return OrgRead(objects=(), settings=settings)


def test_only_the_switch_that_is_off_is_deployed(org, monkeypatch):
    sent = record_deploys(monkeypatch, org)
    settings = {**ON, "ActivitiesSettings": {"enableEmailTracking": False}}
    result = deploy_settings(connection(org), read(settings), SettingsOptions(), LOG)
    assert result.changed == {"ActivitiesSettings.enableEmailTracking": True} and result.deployed is True
    [files] = sent
    assert sorted(files) == ["package.xml", "settings/Activities.settings"]
    assert read_package_xml(files["package.xml"]) == {"Settings": ["Activities"]}
    assert b"<enableEmailTracking>true</enableEmailTracking>" in files["settings/Activities.settings"]
    assert org.metadata.settings_value("ActivitiesSettings", "enableEmailTracking") is True
    assert [a for a in actions(org.log) if not a.startswith("/")] == ["deploy", "checkDeployStatus"]


def test_a_configured_org_gets_no_deploy(org):
    result = deploy_settings(connection(org), read(ON), SettingsOptions(), LOG)
    assert result.changed == {} and result.deployed is False and actions(org.log) == []
