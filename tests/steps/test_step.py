"""The step template: the order read -> plan -> guard -> snapshot -> deploy, and what each mode leaves out.
A small step deploys a permission set to the in-process local org, which judges the deploy."""

import logging

import pytest

from email_privacy.api.metadata_api import MAX_FILES
from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata.documents import package_xml
from email_privacy.steps.step import Plan, Step, deploy, refuse_undeployable
from tests.inprocess_org import actions, connection, record_deploys, serve

LOG = logging.getLogger("tests.steps")
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">'
SET = HEAD + b"<hasActivationRequired>false</hasActivationRequired><label>Access</label></PermissionSet>"


class Recording(Step):
    def __init__(self, org, files, moved=False, deferred=None, **modes):
        super().__init__(org, LOG, **modes)
        self.files, self.moved, self.deferred, self.calls = files, moved, deferred, []

    def read(self, flow_read):
        self.calls.append("read")
        return flow_read

    def plan(self, read):
        self.calls.append("plan")
        return Plan(parts={"permission_sets": self.files}, diffs=["a diff"], deferred=self.deferred)

    def guard(self, read, plan):
        self.calls.append("guard")
        if self.moved:
            raise OrgError("moved")

    def snapshot(self, read, plan):
        self.calls.append("snapshot")
        return "snap"


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def test_a_deploy_that_saves_is_guarded_and_snapshotted_first(org, monkeypatch):
    sent = record_deploys(monkeypatch, org)
    step = Recording(connection(org), {"Access": SET})
    outcome = step.run("the read")
    assert step.calls == ["read", "plan", "guard", "snapshot"] and outcome.read == "the read"
    assert outcome.deployed is True and outcome.snapshot == "snap"
    assert [sorted(f) for f in sent] == [["package.xml", "permissionsets/Access.permissionset"]]
    assert org.metadata.read("PermissionSet", "Access") == SET


def test_check_only_validates_without_guard_or_snapshot(org, monkeypatch):
    sent = record_deploys(monkeypatch, org)
    step = Recording(connection(org), {"Access": SET}, check_only=True)
    outcome = step.run(None)
    assert step.calls == ["read", "plan"] and len(sent) == 1
    assert outcome.deployed is False and outcome.snapshot is None


@pytest.mark.parametrize(
    "files, modes, deferred",
    [({}, {}, None), ({"Access": SET}, {"dry_run": True}, None), ({"Access": SET}, {}, "later")],
)
def test_nothing_dry_run_and_deferred_make_no_call(org, files, modes, deferred, caplog):
    step = Recording(connection(org), files, deferred=deferred, **modes)
    with caplog.at_level(logging.INFO, logger="tests.steps"):
        outcome = step.run(None)
    assert step.calls == ["read", "plan"] and actions(org.log) == [] and outcome.deployed is False
    assert outcome.deferred is (deferred is not None)
    assert ("a diff" in caplog.messages) is bool(modes.get("dry_run"))


def test_a_guard_that_finds_a_change_stops_the_deploy(org):
    step = Recording(connection(org), {"Access": SET}, moved=True)
    with pytest.raises(OrgError, match="moved"):
        step.run(None)
    assert step.calls == ["read", "plan", "guard"] and actions(org.log) == []


@pytest.mark.parametrize("value", [b"false", b"", b"False"])
def test_no_deploy_can_carry_consent_management_other_than_true(org, value):
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="http://soap.sforce.com/2006/04/metadata">'
        b"<enableConsentManagement>" + value + b"</enableConsentManagement></PartyDataModelSettings>\n"
    )
    before = org.metadata.read("Settings", "PartyDataModel")
    for path in (
        "settings/PartyDataModel.settings",
        "force-app/main/default/settings/PartyDataModel.settings-meta.xml",
    ):
        with pytest.raises(OptionError, match="purges the org's data protection"):
            deploy(connection(org), {path: doc, "package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0")})
    assert actions(org.log) == [] and org.metadata.read("Settings", "PartyDataModel") == before


@pytest.mark.parametrize("mode", [{}, {"check_only": True}, {"dry_run": True}])
def test_more_files_than_the_metadata_api_takes_are_refused_before_any_call(org, mode):
    # 10,000 permission sets and package.xml: one file over Salesforce's limit. A dry run says it too.
    step = Recording(connection(org), {f"P{i}": SET for i in range(MAX_FILES)}, **mode)
    with pytest.raises(OptionError) as e:
        step.run(None)
    assert str(e.value) == (
        "Refusing to deploy 10,001 files: the Metadata API takes at most 10,000 in one deploy. Nothing was "
        "deployed; run for fewer objects (-o objects Contact) or name the layouts (-o layouts), then run again."
    )
    assert step.calls == ["read", "plan"] and actions(org.log) == []  # no guard query, no snapshot, no deploy


def test_ten_thousand_files_package_xml_counted_pass_the_check():
    refuse_undeployable({"package.xml": b"", **{f"permissionsets/P{i}.permissionset": SET for i in range(9_999)}})
