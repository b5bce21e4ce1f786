"""Prerequisite checks: edition table, permissions, person accounts, Lightning, settings, the one-line failure."""

import pytest

from email_privacy.errors import OrgError
from email_privacy.metadata.settings import CONSENT, EMAIL_CONSENT, EMAIL_TRACKING, ENHANCED_EMAIL
from email_privacy.options.settings import SettingsOptions
from email_privacy.steps import prerequisites as pf
from email_privacy.steps.verdict import setting_rows, verdict
from localorg.models.seed.flexipages import seed_pages
from tests.steps.reads import org_read

ALL_PERMS = {
    "PermissionsCustomizeApplication": True,
    "PermissionsModifyAllData": True,
    "PermissionsModifyMetadata": True,
    "PermissionsApiEnabled": True,
}


@pytest.mark.parametrize(
    "org_type", ["Developer Edition", "Professional Edition", "Enterprise Edition", "Unlimited Edition"]
)
def test_supported_editions_pass(org_type):
    check = pf.check_edition(org_type, "production")
    assert check.verdict == pf.OK


@pytest.mark.parametrize(
    "org_type, named",
    [
        ("Team Edition", "Group Edition"),
        ("Personal Edition", "Personal Edition"),
        ("Contact Manager Edition", "Contact Manager Edition"),
        ("Base Edition", "Base Edition"),
    ],
)
def test_unsupported_editions_fail_naming_the_edition(org_type, named):
    check = pf.check_edition(org_type, "production")
    assert check.verdict == pf.FAIL
    assert named in check.action
    with pytest.raises(OrgError) as err:
        pf.raise_on_failures([check])
    assert named in str(err.value) and "\n" not in str(err.value)
    assert "nothing was changed" in str(err.value)


def test_unknown_edition_fails_and_says_how_to_override():
    check = pf.check_edition("Essentials Edition?", "production")
    assert check.verdict == pf.FAIL
    assert "not one this project knows" in check.action and "allow_unknown_edition" in check.action
    allowed = pf.check_edition("Essentials Edition?", "production", allow_unknown=True)
    assert allowed.verdict == pf.WARN
    assert pf.failures([allowed]) == []


def test_edition_table_names_its_source_and_team_is_group():
    assert all(e.source for e in pf.EDITIONS.values())
    assert pf.EDITIONS["Team Edition"].name == "Group" and not pf.EDITIONS["Team Edition"].supported


@pytest.mark.parametrize(
    "sandbox, trial, kind",
    [
        (True, "2030-01-01", "scratch org"),
        (True, None, "sandbox"),
        (False, None, "production"),
        (False, "2030-01-01", "trial"),
    ],
)
def test_org_kind(sandbox, trial, kind):
    assert pf.org_kind(sandbox, trial) == kind


def test_all_permissions_granted():
    assert [c.verdict for c in pf.check_permissions(ALL_PERMS)] == [pf.OK] * 3


@pytest.mark.parametrize(
    "missing, item",
    [("PermissionsCustomizeApplication", "Customize Application"), ("PermissionsApiEnabled", "API Enabled")],
)
def test_missing_permission_is_named(missing, item):
    checks = pf.check_permissions({**ALL_PERMS, missing: False})
    failed = pf.failures(checks)
    assert len(failed) == 1 and item in failed[0].item
    with pytest.raises(OrgError, match=item):
        pf.raise_on_failures(checks)


def test_deploy_permission_needs_modify_all_data_or_modify_metadata():
    only_metadata = {**ALL_PERMS, "PermissionsModifyAllData": False}
    assert pf.failures(pf.check_permissions(only_metadata)) == []
    neither = {**only_metadata, "PermissionsModifyMetadata": False}
    failed = pf.failures(pf.check_permissions(neither))
    assert [c.item for c in failed] == ["Permission: deploy metadata"]
    assert "Modify All Data" in failed[0].action


def test_two_failures_in_one_line():
    checks = [pf.check_edition("Team Edition", "production")] + pf.check_permissions(
        {**ALL_PERMS, "PermissionsCustomizeApplication": False}
    )
    with pytest.raises(OrgError) as err:
        pf.raise_on_failures(checks)
    text = str(err.value)
    assert "Group Edition" in text and "Customize Application" in text and "\n" not in text


def test_person_accounts_and_lightning():
    assert "Person Account layouts" in pf.check_person_accounts(True).action
    assert pf.check_person_accounts(False).state == "off"
    assert "is required" in pf.check_lightning(True).action
    assert "not required" in pf.check_lightning(False).action
    assert pf.check_lightning(None).verdict == pf.WARN
    assert pf.check_lightning(None, "true").verdict == pf.INFO


def test_settings_checks_say_what_will_change():
    current = {
        "PartyDataModelSettings": {"enableConsentManagement": True},
        "EmailAdministrationSettings": {"enableEmailConsentManagement": False, "enableEnhancedEmailEnabled": False},
    }
    desired = {CONSENT: True, EMAIL_CONSENT: True, EMAIL_TRACKING: True}
    checks = pf.check_settings(setting_rows(current, desired))
    assert [c.verdict for c in checks] == [pf.OK, pf.CHANGE, pf.INFO, pf.CHANGE]
    assert [c.state for c in checks] == ["on", "off", "off", "unknown"]
    assert pf.failures(checks) == []
    assert checks[2].item == "Enhanced Email" and ENHANCED_EMAIL not in desired


def test_each_record_page_is_a_check_with_its_kind_and_what_happens():
    read = org_read(pages=seed_pages(), pages_read=True)
    checks = {c.item: c for c in pf.check_pages(read, verdict(read, ["Contact", "Lead"], SettingsOptions()))}
    lead = checks["Lightning page Lead_Record_Page (Lead)"]
    assert (lead.state, lead.verdict, lead.action) == ("dynamic_forms", pf.CHANGE, "gets Record.IndividualId")
    detail = checks["Lightning page Contact_Record_Detail_Page (Contact)"]
    assert (detail.state, detail.verdict) == ("record_detail", pf.INFO)
    # PersonAccount not in scope: the person-account page is listed, not changed.
    assert checks["Lightning page Person_Account_Record_Page (Account)"].verdict == pf.INFO
