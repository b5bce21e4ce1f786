"""Permission sets: compared element by element with the org's copy; deferred to the layouts deploy in the flow.
The org is the in-process local org, which judges the deploy."""

import logging

import pytest

from email_privacy.steps.permission_set import already_in_org, deploy_permission_sets
from email_privacy.steps.read import OrgRead, PermissionSetFiles
from tests.inprocess_org import actions, connection, record_deploys, serve

LOG = logging.getLogger("tests.steps")

HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">'
# In the schema's element order (hasActivationRequired before label), or an org refuses the deploy.
OURS = HEAD + b"<hasActivationRequired>false</hasActivationRequired><label>Access</label></PermissionSet>"
# The org's copy: ours in another layout, plus an element Salesforce adds on retrieve.
ORG_MORE = (
    HEAD
    + b"\n".join(
        [
            b"",
            b"  <hasActivationRequired>false</hasActivationRequired>",
            b"  <label>Access</label>",
            b"  <license>x</license>",
        ]
    )
    + b"\n</PermissionSet>"
)
ORG_OTHER = HEAD + b"<label>Other</label><hasActivationRequired>false</hasActivationRequired></PermissionSet>"


def test_the_org_holding_every_element_of_ours_needs_no_deploy():
    assert already_in_org(OURS, ORG_MORE, "Access") is True
    assert already_in_org(OURS, ORG_OTHER, "Access") is False
    assert already_in_org(OURS, None, "Access") is False


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def test_deferred_sets_are_returned_for_the_layouts_deploy_not_deployed(org):
    flow_read = OrgRead(objects=(), permission_sets={"Access": ORG_OTHER}, permission_sets_read=("Access",))
    result = deploy_permission_sets(connection(org), flow_read, {"Access": OURS}, LOG, defer=True)
    assert actions(org.log) == [] and result.deferred == ["Access"]
    assert isinstance(result.deferred_files, PermissionSetFiles) and dict(result.deferred_files) == {"Access": OURS}


def test_a_set_that_differs_is_deployed_alone(org, monkeypatch):
    sent = record_deploys(monkeypatch, org)
    flow_read = OrgRead(objects=(), permission_sets={}, permission_sets_read=("Access",))
    result = deploy_permission_sets(connection(org), flow_read, {"Access": OURS}, LOG)
    [files] = sent
    assert sorted(files) == ["package.xml", "permissionsets/Access.permissionset"] and result.deployed == ["Access"]
    assert org.metadata.read("PermissionSet", "Access") == OURS
    assert [a for a in actions(org.log) if not a.startswith("/")] == ["deploy", "checkDeployStatus"]
