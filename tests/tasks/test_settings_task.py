"""deploy_email_privacy_settings against a stateful SOAP fake: reads first, deploys only what is off."""

import pytest
import responses

from email_privacy import metadata_xml
from email_privacy.errors import OptionError
from email_privacy.org.read import OrgState
from email_privacy.salesforce.settings import read_settings
from tests.conftest import assert_valid, import_task
from tests.fake_org import FakeOrg, make_task, serve, settings

DeployEmailPrivacySettings = import_task("settings").DeployEmailPrivacySettings


def fresh_org(lightning=True, **on):
    return FakeOrg(
        {
            "settings/PartyDataModel.settings": settings(
                "PartyDataModelSettings", enableConsentManagement=on.get("consent", False)
            ),
            "settings/EmailAdministration.settings": settings(
                "EmailAdministrationSettings",
                enableEmailConsentManagement=on.get("email_consent", False),
                enableEnhancedEmailEnabled=on.get("enhanced", False),
            ),
            "settings/Activities.settings": settings(
                "ActivitiesSettings", enableEmailTracking=on.get("tracking", False)
            ),
            "settings/LightningExperience.settings": settings(
                "LightningExperienceSettings", enableS1DesktopEnabled=lightning
            ),
        }
    )


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r


def run(**options):
    options.setdefault("backoff", "0")
    task = make_task(DeployEmailPrivacySettings, options)
    task()
    return task


def values(org, stem):
    return read_settings(metadata_xml.parse(org.files[f"settings/{stem}.settings"], stem))


def test_fresh_org_gets_every_switch_in_one_deploy(rsps, xsd):
    org = serve(rsps, fresh_org())
    task = run()
    assert org.count("retrieve") == 1 and org.count("deploy") == 1 and org.count("listMetadata") == 0
    assert task.return_values["changed"] == {
        "PartyDataModelSettings.enableConsentManagement": True,
        "EmailAdministrationSettings.enableEmailConsentManagement": True,
        "EmailAdministrationSettings.enableEnhancedEmailEnabled": True,
        "ActivitiesSettings.enableEmailTracking": True,
    }
    for name, data in org.deployed[0].items():
        if name != "package.xml":
            assert_valid(xsd, data, name)
    assert values(org, "PartyDataModel")["enableConsentManagement"] is True
    assert values(org, "Activities")["enableEmailTracking"] is True


def test_configured_org_deploys_nothing(rsps):
    org = serve(rsps, fresh_org(consent=True, email_consent=True, enhanced=True, tracking=True))
    task = run()
    assert org.count("deploy") == 0 and task.return_values == {
        "changed": {},
        "deployed": False,
        "dry_run": False,
        "check_only": False,
    }


def test_only_missing_fields_are_deployed(rsps):
    org = serve(rsps, fresh_org(consent=True, email_consent=True, enhanced=True))
    task = run()
    assert list(task.return_values["changed"]) == ["ActivitiesSettings.enableEmailTracking"]
    assert sorted(org.deployed[0]) == ["package.xml", "settings/Activities.settings"]


def test_enhanced_email_auto_follows_lightning(rsps):
    org = serve(rsps, fresh_org(lightning=False))
    task = run()
    assert "EmailAdministrationSettings.enableEnhancedEmailEnabled" not in task.return_values["changed"]
    sent = read_settings(metadata_xml.parse(org.deployed[0]["settings/EmailAdministration.settings"], "sent"))
    assert sent == {"enableEmailConsentManagement": True}  # Enhanced Email left as it is


def test_dry_run_deploys_nothing(rsps):
    org = serve(rsps, fresh_org())
    before = dict(org.files)
    task = run(dry_run="true")
    assert org.count("deploy") == 0 and org.files == before and len(task.return_values["changed"]) == 4


def test_check_only_saves_nothing(rsps):
    org = serve(rsps, fresh_org())
    before = dict(org.files)
    task = run(check_only="true")
    assert org.count("deploy") == 1 and org.files == before and not task.return_values["deployed"]


def test_org_state_from_the_flow_is_reused(rsps):
    org = serve(rsps, fresh_org())
    state = OrgState(
        objects=(),
        settings={
            "PartyDataModelSettings": {"enableConsentManagement": True},
            "EmailAdministrationSettings": {"enableEmailConsentManagement": True, "enableEnhancedEmailEnabled": True},
            "ActivitiesSettings": {"enableEmailTracking": False},
            "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
        },
    )
    task = run(org_state=state)
    assert org.count("retrieve") == 0 and list(task.return_values["changed"]) == [
        "ActivitiesSettings.enableEmailTracking"
    ]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"enhanced_email": "sometimes"}, "Option enhanced_email: 'sometimes' is not allowed"),
        ({"email_tracking": "perhaps"}, "Option email_tracking: 'perhaps' is not a boolean"),
        ({"consent_management": "false"}, "purges"),
        ({"dry_run": "x"}, "Option dry_run: 'x' is not a boolean"),
        ({"api_version": "v63"}, "Option api_version: 'v63' is not an API version"),
    ],
)
def test_bad_options(rsps, options, message):
    org = serve(rsps, fresh_org())
    with pytest.raises(OptionError) as e:
        run(**options)
    assert message in str(e.value) and "\n" not in str(e.value) and org.calls == []
