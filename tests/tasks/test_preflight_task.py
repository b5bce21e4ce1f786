"""check_email_privacy_prerequisites as CumulusCI runs it, with the org's REST answers mocked (responses)
and the Metadata API read replaced by a recording stub (the real read is covered end to end in
tests/e2e/test_flow.py)."""

import logging
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.errors import OptionError, OrgError
from email_privacy.org import read as org_read
from email_privacy.org.read import OrgState
from tests.conftest import import_task

INSTANCE = "https://test.salesforce.com"


mod = import_task("preflight")

PERMS = {
    "PermissionsCustomizeApplication": True,
    "PermissionsModifyAllData": True,
    "PermissionsModifyMetadata": False,
    "PermissionsApiEnabled": True,
}
OFF = {
    "PartyDataModelSettings": {"enableConsentManagement": False},
    "EmailAdministrationSettings": {"enableEmailConsentManagement": False, "enableEnhancedEmailEnabled": False},
    "ActivitiesSettings": {"enableEmailTracking": False},
    "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
}
LAYOUT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Layout xmlns="http://soap.sforce.com/2006/04/metadata">'
    b"<layoutSections><layoutColumns/><style>OneColumn</style></layoutSections></Layout>"
)


class FakeRead:
    """Stands in for org.read.read_org and records each call."""

    def __init__(self, settings=OFF, layout=LAYOUT):
        self.calls = []
        self.settings = settings
        self.layout = layout

    def __call__(self, client, objects, **kwargs):
        self.calls.append((tuple(objects), kwargs))
        files = {f"{o}-{o} Layout": self.layout for o in objects}
        return OrgState(objects=tuple(objects), settings=self.settings, layout_files=files)


def mock_rest(perms=PERMS):
    def query(request):
        soql = parse_qs(urlparse(request.url).query)["q"][0]
        assert "UserPermissionAccess" in soql
        return 200, {}, __import__("json").dumps({"totalSize": 1, "done": True, "records": [perms]})

    responses.add_callback(responses.GET, f"{INSTANCE}/services/data/v63.0/query/", callback=query)


def mock_account_describe(person_accounts: bool):
    """Person accounts are read from the Account describe (IsPersonAccount present or not)."""
    fields = [{"name": "Id"}] + ([{"name": "IsPersonAccount"}] if person_accounts else [])
    responses.add(responses.GET, f"{INSTANCE}/services/data/v63.0/sobjects/Account/describe", json={"fields": fields})


def make(options=None, org_type="Developer Edition", person_accounts=True):
    task = create_task(mod.CheckEmailPrivacyPrerequisites, options or {})
    task.org_config._org_sobject = {"OrganizationType": org_type, "IsSandbox": False, "TrialExpirationDate": None}
    mock_account_describe(person_accounts)
    task.project_config.config["project"]["package"]["api_version"] = "63.0"
    return task


@pytest.fixture
def fake_read(monkeypatch):
    fake = FakeRead()
    monkeypatch.setattr(org_read, "read_org", fake)
    return fake


@responses.activate
def test_team_edition_stops_before_reading_metadata(fake_read, caplog):
    mock_rest()
    task = make(org_type="Team Edition")
    with caplog.at_level(logging.INFO), pytest.raises(OrgError) as err:
        task()
    assert "Group Edition" in str(err.value) and "nothing was changed" in str(err.value)
    assert fake_read.calls == []
    assert "FAIL" in caplog.text and "Edition" in caplog.text


@responses.activate
def test_missing_customize_application_is_named(fake_read):
    mock_rest({**PERMS, "PermissionsCustomizeApplication": False})
    with pytest.raises(OrgError, match="Customize Application"):
        make()()
    assert fake_read.calls == []


@responses.activate
def test_supported_org_reads_once_and_returns_what_later_steps_use(fake_read, caplog):
    mock_rest()
    task = make()
    with caplog.at_level(logging.INFO):
        rv = task()
    assert len(fake_read.calls) == 1
    objects, kwargs = fake_read.calls[0]
    assert objects == ("Contact", "Lead", "PersonAccount")
    assert kwargs["permission_sets"] == ["Email_Privacy_Individual_Access"]
    assert isinstance(rv["org_state"], OrgState)
    assert rv["objects"] == ["Contact", "Lead", "PersonAccount"] and rv["person_accounts"] is True
    assert rv["dry_run"] is False and rv["enhanced_email"] == "auto" and rv["email_tracking"] is True
    assert rv["lightning"] is True and rv["already_configured"] is False
    assert rv["edition"] == "Developer Edition" and rv["org_kind"] == "production"
    assert rv["settings"]["PartyDataModelSettings.enableConsentManagement"] is False
    verdicts = {c["item"]: c["verdict"] for c in rv["checks"]}
    assert verdicts["Enforce email privacy settings"] == "WILL CHANGE" and verdicts["Edition"] == "OK"
    assert "WILL CHANGE" in caplog.text and "The org can take the configuration" in caplog.text


ON = {t: {f: True for f in fields} for t, fields in OFF.items()}
WITH_FIELD = LAYOUT.replace(
    b"<layoutColumns/>", b"<layoutColumns><layoutItems><field>IndividualId</field></layoutItems></layoutColumns>"
)


@responses.activate
def test_dry_run_is_returned_and_person_account_dropped_without_person_accounts(monkeypatch, caplog):
    fake = FakeRead(ON)  # settings on, but the layouts lack the field: not configured yet
    monkeypatch.setattr(org_read, "read_org", fake)
    mock_rest()
    with caplog.at_level(logging.INFO):
        rv = make(person_accounts=False, options={"dry_run": "true", "objects": "Contact,Lead,PersonAccount"})()
    assert fake.calls[0][0] == ("Contact", "Lead")
    assert rv["already_configured"] is False and rv["dry_run"] is True
    assert "Dry run" in caplog.text and "PersonAccount skipped" in caplog.text


@responses.activate
def test_configured_org_says_the_following_steps_deploy_nothing(monkeypatch, caplog):
    monkeypatch.setattr(org_read, "read_org", FakeRead(ON, WITH_FIELD))
    mock_rest()
    with caplog.at_level(logging.INFO):
        rv = make(person_accounts=False)()
    assert rv["already_configured"] is True
    assert "already configured" in caplog.text


@responses.activate
def test_unknown_edition_needs_the_override(fake_read):
    mock_rest()
    with pytest.raises(OrgError, match="allow_unknown_edition"):
        make(org_type="Mystery Edition")()
    rv = make({"allow_unknown_edition": True}, org_type="Mystery Edition")()
    assert {c["item"]: c["verdict"] for c in rv["checks"]}["Edition"] == "WARNING"


@pytest.mark.parametrize(
    "options, named",
    [
        ({"allow_unknown_edition": "maybe"}, "allow_unknown_edition"),
        ({"objects": "Contact,Case"}, "objects"),
        ({"enhanced_email": "sometimes"}, "enhanced_email"),
        ({"dry_run": "perhaps"}, "dry_run"),
        ({"api_version": "abc"}, "api_version"),
    ],
)
def test_bad_options_one_line_naming_the_option(options, named):
    with pytest.raises(OptionError) as err:
        make(options)
    assert f"Option {named}" in str(err.value) and "\n" not in str(err.value)
