"""check_email_privacy_prerequisites as CumulusCI runs it, against the in-process local org: its Organization
record, the running user's UserPermissionAccess row, the Account describe and the one Metadata API read."""

import logging
from contextlib import contextmanager

import pytest

from email_privacy.errors import OptionError, OrgError
from email_privacy.steps import read as org_read
from email_privacy.steps.read import OrgRead
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import actions, count, serve

mod = import_task("prerequisites")
settings_task = import_task("settings")
layouts_task = import_task("layouts")

OFF = {
    "PartyDataModelSettings": {"enableConsentManagement": False},
    "EmailAdministrationSettings": {"enableEmailConsentManagement": False, "enableEnhancedEmailEnabled": False},
    "ActivitiesSettings": {"enableEmailTracking": False},
    "LightningExperienceSettings": {"enableS1DesktopEnabled": True},
}
ON = {t: {f: True for f in fields} for t, fields in OFF.items()}
LAYOUT = (
    b'<?xml version="1.0" encoding="UTF-8"?><Layout xmlns="http://soap.sforce.com/2006/04/metadata">'
    b"<layoutSections><layoutColumns/><style>OneColumn</style></layoutSections></Layout>"
)
WITH_FIELD = LAYOUT.replace(
    b"<layoutColumns/>", b"<layoutColumns><layoutItems><field>IndividualId</field></layoutItems></layoutColumns>"
)


class ReadSpy:
    """Records each call of org.read.read_org, then lets the real read run against the org."""

    def __init__(self):
        self.calls = []
        self.real = org_read.read_org

    def __call__(self, client, objects, **kwargs):
        self.calls.append((tuple(objects), kwargs))
        return self.real(client, objects, **kwargs)


@pytest.fixture
def read(monkeypatch):
    spy = ReadSpy()
    monkeypatch.setattr(org_read, "read_org", spy)
    return spy


@contextmanager
def local_org(tmp_path, edition="Developer Edition", person_accounts=True, **identity):
    """A new org as it comes (privacy switches off), of the given edition and shape."""
    with serve(tmp_path, consent=False, edition=edition, person_accounts=person_accounts, **identity) as org:
        yield org


def make(org, options=None):
    task = inprocess_task(org, mod.CheckEmailPrivacyPrerequisites, options or {})
    task.project_config.config["project"]["package"]["api_version"] = "63.0"
    return task


def test_team_edition_stops_before_reading_metadata(read, tmp_path, caplog):
    with local_org(tmp_path, edition="Team Edition") as org:
        task = make(org)
        with caplog.at_level(logging.INFO), pytest.raises(OrgError) as err:
            task()
        assert "Group Edition" in str(err.value) and "nothing was changed" in str(err.value)
        assert read.calls == [] and [a for a in actions(org.log) if not a.startswith("/")] == []
        assert "FAIL" in caplog.text and "Edition" in caplog.text


def test_missing_customize_application_is_named(read, tmp_path):
    with local_org(tmp_path, customize_application=False) as org:
        with pytest.raises(OrgError, match="Customize Application"):
            make(org)()
        # The REST queries (the permission row among them), and no Metadata API call: nothing was read.
        assert read.calls == [] and count(org.log, "/query") >= 1
        assert [a for a in actions(org.log) if not a.startswith("/")] == []


def test_supported_org_reads_once_and_returns_what_later_steps_use(read, tmp_path, caplog):
    with local_org(tmp_path) as org:
        task = make(org)
        with caplog.at_level(logging.INFO):
            rv = task()
        assert len(read.calls) == 1
        assert (count(org.log, "listMetadata"), count(org.log, "retrieve"), count(org.log, "deploy")) == (1, 1, 0)
    objects, kwargs = read.calls[0]
    assert objects == ("Contact", "Lead", "PersonAccount", "Individual")  # Individual's own pages too
    assert kwargs["permission_sets"] == ["Email_Privacy_Individual_Access"]
    assert isinstance(rv["org_state"], OrgRead)
    assert sorted(n.split("-", 1)[0] for n in rv["org_state"].layouts) == ["Contact"] * 4 + ["Individual"] + [
        "Lead"
    ] * 4 + ["PersonAccount"]
    assert rv["objects"] == ["Contact", "Lead", "PersonAccount"] and rv["person_accounts"] is True
    assert rv["dry_run"] is False and rv["enhanced_email"] == "auto" and rv["email_tracking"] is True
    assert rv["lightning"] is True and rv["already_configured"] is False
    assert rv["edition"] == "Developer Edition" and rv["org_kind"] == "production"
    assert rv["settings"]["PartyDataModelSettings.enableConsentManagement"] is False
    verdicts = {c["item"]: c["verdict"] for c in rv["checks"]}
    assert verdicts["Enforce email privacy settings"] == "WILL CHANGE" and verdicts["Edition"] == "OK"
    assert "WILL CHANGE" in caplog.text and "The org can take the configuration" in caplog.text


def test_dry_run_is_returned_and_person_account_dropped_without_person_accounts(read, tmp_path, caplog):
    with local_org(tmp_path, person_accounts=False) as org:
        inprocess_task(org, settings_task.DeployEmailPrivacySettings, {"backoff": "0"})()
        read.calls.clear()  # settings on, but the layouts lack the field: not configured yet
        with caplog.at_level(logging.INFO):
            rv = make(org, {"dry_run": "true", "objects": "Contact,Lead,PersonAccount"})()
    assert read.calls[0][0] == ("Contact", "Lead", "Individual")
    assert rv["already_configured"] is False and rv["dry_run"] is True
    assert "Dry run" in caplog.text and "PersonAccount skipped" in caplog.text


def configure(org, tmp_path):
    """Run the flow's two changing steps, so the org is configured as the flow leaves it."""
    inprocess_task(org, settings_task.DeployEmailPrivacySettings, {"backoff": "0"})()
    options = {"backoff": "0", "snapshot_dir": str(tmp_path / "snaps")}
    inprocess_task(org, layouts_task.AddIndividualFieldToLayouts, options)()


def test_configured_org_says_the_following_steps_deploy_nothing(tmp_path, caplog):
    with local_org(tmp_path, person_accounts=False) as org:
        configure(org, tmp_path)
        with caplog.at_level(logging.INFO):
            rv = make(org)()
    assert rv["already_configured"] is True
    assert "already configured" in caplog.text


def test_unknown_edition_needs_the_override(read, tmp_path):
    with local_org(tmp_path, edition="Mystery Edition") as org:
        with pytest.raises(OrgError, match="allow_unknown_edition"):
            make(org)()
        rv = make(org, {"allow_unknown_edition": True})()
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
def test_bad_options_one_line_naming_the_option(tmp_path, options, named):
    with local_org(tmp_path) as org:
        with pytest.raises(OptionError) as err:
            make(org, options)
        assert f"Option {named}" in str(err.value) and "\n" not in str(err.value)
        assert actions(org.log) == []
