"""deploy_settings from the flow's read: only the switches that are off, in one deploy; none when all are on."""

from email_privacy.features.settings import SettingsOptions, deploy_settings
from email_privacy.metadata_xml import read_package_xml
from email_privacy.org.read import OrgState

from .fakes import LOG, Connection

ON = {
    "PartyDataModelSettings": {"enableConsentManagement": True},
    "EmailAdministrationSettings": {"enableEmailConsentManagement": True, "enableEnhancedEmailEnabled": True},
    "ActivitiesSettings": {"enableEmailTracking": True},
    "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
}


def read(settings):
    return OrgState(objects=(), settings=settings)


def test_only_the_switch_that_is_off_is_deployed():
    org = Connection()
    settings = {**ON, "ActivitiesSettings": {"enableEmailTracking": False}}
    result = deploy_settings(org, read(settings), SettingsOptions(), LOG)
    assert result.changed == {"ActivitiesSettings.enableEmailTracking": True} and result.deployed is True
    [(files, _)] = org.metadata.deploys
    assert sorted(files) == ["package.xml", "settings/Activities.settings"]
    assert read_package_xml(files["package.xml"]) == {"Settings": ["Activities"]}
    assert b"<enableEmailTracking>true</enableEmailTracking>" in files["settings/Activities.settings"]


def test_a_configured_org_gets_no_deploy():
    org = Connection()
    result = deploy_settings(org, read(ON), SettingsOptions(), LOG)
    assert result.changed == {} and result.deployed is False and org.metadata.deploys == []
