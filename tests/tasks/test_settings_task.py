"""deploy_email_privacy_settings against the in-process local org: reads first, deploys only what is off."""

from contextlib import contextmanager

import pytest

from email_privacy.errors import OptionError
from email_privacy.metadata import documents
from email_privacy.metadata.settings import read_settings
from email_privacy.steps.read import OrgRead
from tests.conftest import assert_valid, import_task
from tests.harness import inprocess_task
from tests.inprocess_org import actions, count, deploy, files, settings
from tests.inprocess_org import serve as org_with_consent

DeployEmailPrivacySettings = import_task("settings").DeployEmailPrivacySettings

ALL_ON = {
    "PartyDataModelSettings.enableConsentManagement": True,
    "EmailAdministrationSettings.enableEmailConsentManagement": True,
    "EmailAdministrationSettings.enableEnhancedEmailEnabled": True,
    "ActivitiesSettings.enableEmailTracking": True,
}


@contextmanager
def serve(tmp_path, lightning=True, consent=False, email_consent=False, enhanced=False, tracking=False):
    """A local org whose privacy switches are as given (a new org has them off, Enhanced Email aside)."""
    with org_with_consent(tmp_path, consent=consent, lightning=lightning) as org:
        deploy(
            org,
            {
                "settings/EmailAdministration.settings": settings(
                    "EmailAdministrationSettings",
                    enableEmailConsentManagement=email_consent,
                    enableEnhancedEmailEnabled=enhanced,
                ),
                "settings/Activities.settings": settings("ActivitiesSettings", enableEmailTracking=tracking),
            },
        )
        yield org


def run(org, **options):
    options.setdefault("backoff", "0")
    task = inprocess_task(org, DeployEmailPrivacySettings, options)
    task()
    return task


def values(org, stem):
    return read_settings(documents.parse(org.metadata.read("Settings", stem), stem))


def test_fresh_org_gets_every_switch_in_one_deploy(tmp_path, xsd):
    with serve(tmp_path) as org:
        task = run(org)
        assert count(org.log, "retrieve") == 1 and count(org.log, "deploy") == 1
        assert count(org.log, "listMetadata") == 0
        assert task.return_values["changed"] == ALL_ON
        for name, data in files(org, "Settings").items():
            assert_valid(xsd, data, name)
        for key, value in ALL_ON.items():
            settings_type, field_name = key.split(".")
            assert org.metadata.settings_value(settings_type, field_name) is value, key
        assert values(org, "Activities")["enableEmailTracking"] is True
        assert values(org, "EmailAdministration")["enableHtmlEmail"] is True  # the other fields kept


def test_configured_org_deploys_nothing(tmp_path):
    with serve(tmp_path, consent=True, email_consent=True, enhanced=True, tracking=True) as org:
        before = files(org, "Settings")
        task = run(org)
        assert count(org.log, "deploy") == 0 and task.return_values == {
            "changed": {},
            "deployed": False,
            "dry_run": False,
            "check_only": False,
        }
        assert files(org, "Settings") == before


def test_only_missing_fields_are_deployed(tmp_path):
    with serve(tmp_path, consent=True, email_consent=True, enhanced=True) as org:
        stamps = {e["fullName"]: e["lastModifiedDate"] for e in org.metadata.list_metadata("Settings")}
        task = run(org)
        assert list(task.return_values["changed"]) == ["ActivitiesSettings.enableEmailTracking"]
        # Only Activities was in the deploy: the other settings kept their LastModifiedDate.
        moved = [
            e["fullName"]
            for e in org.metadata.list_metadata("Settings")
            if e["lastModifiedDate"] != stamps[e["fullName"]]
        ]
        assert moved == ["Activities"]


def test_enhanced_email_auto_follows_lightning(tmp_path):
    with serve(tmp_path, lightning=False) as org:
        task = run(org)
        assert "EmailAdministrationSettings.enableEnhancedEmailEnabled" not in task.return_values["changed"]
        now = values(org, "EmailAdministration")
        assert now["enableEmailConsentManagement"] is True
        assert now["enableEnhancedEmailEnabled"] is False  # Enhanced Email left as it is


def test_dry_run_deploys_nothing(tmp_path):
    with serve(tmp_path) as org:
        before = files(org, "Settings")
        task = run(org, dry_run="true")
        assert count(org.log, "deploy") == 0 and files(org, "Settings") == before
        assert len(task.return_values["changed"]) == 4


def test_check_only_saves_nothing(tmp_path):
    with serve(tmp_path) as org:
        before = files(org, "Settings")
        task = run(org, check_only="true")
        assert count(org.log, "deploy") == 1 and files(org, "Settings") == before and not task.return_values["deployed"]


def test_org_state_from_the_flow_is_reused(tmp_path):
    with serve(tmp_path) as org:
        read = OrgRead(
            objects=(),
            settings={
                "PartyDataModelSettings": {"enableConsentManagement": True},
                "EmailAdministrationSettings": {
                    "enableEmailConsentManagement": True,
                    "enableEnhancedEmailEnabled": True,
                },
                "ActivitiesSettings": {"enableEmailTracking": False},
                "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
            },
        )
        task = run(org, org_state=read)
        assert count(org.log, "retrieve") == 0 and list(task.return_values["changed"]) == [
            "ActivitiesSettings.enableEmailTracking"
        ]
        assert values(org, "Activities")["enableEmailTracking"] is True


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
def test_bad_options(tmp_path, options, message):
    with serve(tmp_path) as org:
        with pytest.raises(OptionError) as e:
            run(org, **options)
        assert message in str(e.value) and "\n" not in str(e.value) and actions(org.log) == []
