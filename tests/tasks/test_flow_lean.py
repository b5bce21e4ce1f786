"""A lean flow: the permission set rides in the layouts deploy, fewer token refreshes, shorter logs."""

import json
import logging
from pathlib import Path

import pytest
import responses
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy import metadata_xml
from email_privacy.cci import task as task_base
from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata_xml import read_package_xml
from email_privacy.org.read import PermissionSetFiles
from email_privacy.salesforce.layouts import has_field
from tests.conftest import import_task
from tests.fake_org import FakeOrg, layout, serve
from tests.tasks.test_layouts_task import DESCRIBE, describe_fields, many_layouts

AddIndividualFieldToLayouts = import_task("layouts").AddIndividualFieldToLayouts
DeployEmailPrivacyPermissionSet = import_task("permission_set").DeployEmailPrivacyPermissionSet

FOLDER = Path(__file__).resolve().parents[2] / "force-app/main/default/permissionsets"
NAME = "Email_Privacy_Individual_Access"
PS_PATH = f"permissionsets/{NAME}.permissionset"


def serve_org(rsps, files):
    """A FakeOrg holding `files` with describes that have the Individual lookup."""
    rsps.add_callback(
        responses.GET,
        DESCRIBE,
        callback=lambda r: (200, {}, json.dumps(describe_fields(DESCRIBE.match(r.url).group(1)))),
    )
    return serve(rsps, FakeOrg(files))


@pytest.fixture
def org():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield serve_org(rsps, many_layouts())


def run(task_class, options, org_config=None):
    options.setdefault("backoff", "0")
    task = create_task(task_class, options, org_config=org_config)
    task()
    return task


def deferred(org):
    task = run(DeployEmailPrivacyPermissionSet, {"path": str(FOLDER), "defer_to_layouts": "true"})
    assert org.count("deploy") == 0, "defer_to_layouts must not deploy"
    return task.return_values


def layouts(tmp_path, **options):
    options.setdefault("snapshot_dir", str(tmp_path / "snaps"))
    return run(AddIndividualFieldToLayouts, options)


def test_permission_set_deferred_then_deployed_with_the_layouts_in_one_deploy(org, tmp_path, caplog):
    values = deferred(org)
    assert values["deferred"] == [NAME] and values["deployed"] == []
    files = values["deferred_files"]
    assert files[NAME] == (FOLDER / f"{NAME}.permissionset-meta.xml").read_bytes()
    assert repr(files) == f"permission set(s) {NAME}" and b"<" not in repr(files).encode()  # cci logs option values
    caplog.set_level(logging.INFO)
    task = layouts(tmp_path, permission_sets=files)
    # What cci's flow runner logs is the task's option value after CumulusCI's own option processing.
    assert f"{task.options['permission_sets']}" == f"permission set(s) {NAME}"
    assert org.count("deploy") == 1
    sent = org.deployed[0]
    assert read_package_xml(sent["package.xml"])["PermissionSet"] == [NAME]
    assert len(read_package_xml(sent["package.xml"])["Layout"]) == 10
    assert sent[PS_PATH] == files[NAME] and org.files[PS_PATH] == files[NAME]
    assert task.return_values["permission_sets_deployed"] == [NAME] and task.return_values["deployed"] is True
    assert f"in one deploy: 10 layout(s) with the Individual field and permission set(s) {NAME}" in caplog.text
    # The org now holds it: the next run defers nothing and deploys nothing.
    org.calls.clear()
    again = deferred(org)
    assert again["deferred"] == [] and dict(again["deferred_files"]) == {} and again["unchanged"] == [NAME]
    layouts(tmp_path, permission_sets=again["deferred_files"])
    assert org.count("deploy") == 0


def test_permission_set_deployed_alone_when_no_layout_changes(org, tmp_path, caplog):
    for path in list(org.files):
        org.files[path] = layout(extra="IndividualId")
    files = deferred(org)["deferred_files"]
    caplog.set_level(logging.INFO)
    task = layouts(tmp_path, permission_sets=files)
    assert org.count("deploy") == 1
    assert read_package_xml(org.deployed[0]["package.xml"]) == {"PermissionSet": [NAME]}
    assert task.return_values["changed"] == [] and task.return_values["permission_sets_deployed"] == [NAME]
    assert task.return_values["snapshot"] is None
    assert f"Deployed: permission set(s) {NAME}" in caplog.text and "no layout to deploy" in caplog.text


def test_lost_update_guard_stops_the_permission_set_too(org, tmp_path):
    files = deferred(org)["deferred_files"]
    org.edit_after_retrieve("layouts/Lead-Lead %28Team 3%29 Layout.layout")  # another admin saves the layout
    with pytest.raises(OrgError, match="Nothing was deployed"):
        layouts(tmp_path, permission_sets=files)
    assert org.count("deploy") == 0 and PS_PATH not in org.files


@pytest.mark.parametrize(
    "value",
    [
        "Email_Privacy_Individual_Access",
        {NAME: b"<a/>"},
        PermissionSetFiles({"x/y": b"<a/>"}),
        PermissionSetFiles({NAME: "text"}),
    ],
)
def test_permission_sets_option_only_from_the_flow(org, tmp_path, value):
    with pytest.raises(OptionError, match=r"^Option permission_sets: only the flow passes it"):
        layouts(tmp_path, permission_sets=value)
    assert org.calls == []


def test_standalone_permission_set_task_still_deploys_itself(org):
    task = run(DeployEmailPrivacyPermissionSet, {"path": str(FOLDER)})
    assert org.count("deploy") == 1 and task.return_values["deployed"] == [NAME]
    assert task.return_values["deferred"] == []


def test_many_unchanged_layouts_are_summarised_per_object_changed_ones_listed(tmp_path, caplog):
    files = {}
    for i in range(25):
        files[f"layouts/Contact-Contact {i:02d} Layout.layout"] = layout(extra="IndividualId")
    for i in range(3):
        files[f"layouts/Lead-Lead {i} Layout.layout"] = layout(extra="IndividualId")
    files["layouts/Lead-Lead New Layout.layout"] = layout()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = serve_org(rsps, files)
        caplog.set_level(logging.INFO)
        task = layouts(tmp_path)
    text = caplog.text
    assert "has the field already: 25 Contact layouts" in text and "Contact-Contact 07 Layout" not in text
    for i in range(3):  # few: each named
        assert f"has the field already: Lead: Lead {i} Layout" in text
    assert "will add the field:" in text and "Lead New Layout" in text
    assert len(task.return_values["unchanged"]) == 28  # the full list stays in the return values
    assert task.return_values["changed"] == ["Lead-Lead New Layout"]
    assert has_field(metadata_xml.parse(fake.files["layouts/Lead-Lead New Layout.layout"], "new"), "IndividualId")


def _refresh_counter(task_class=DeployEmailPrivacyPermissionSet):
    task = create_task(task_class, {"path": str(FOLDER)})
    return task.org_config, task.org_config.refresh_oauth_token


def test_token_refreshed_once_for_tasks_on_one_org_config(monkeypatch):
    org_config, refresh = _refresh_counter()
    clock = [1000.0]
    monkeypatch.setattr(task_base.time, "monotonic", lambda: clock[0])
    first = create_task(DeployEmailPrivacyPermissionSet, {"path": str(FOLDER)}, org_config=org_config)
    second = create_task(DeployEmailPrivacyPermissionSet, {"path": str(FOLDER)}, org_config=org_config)
    first._update_credentials()
    clock[0] += 60
    second._update_credentials()
    assert refresh.call_count == 1
    clock[0] += task_base.REFRESH_REUSE_SECONDS  # long after: refreshed again
    second._update_credentials()
    assert refresh.call_count == 2
    other_config, other_refresh = _refresh_counter()  # another org config is refreshed on its own
    create_task(DeployEmailPrivacyPermissionSet, {"path": str(FOLDER)}, org_config=other_config)._update_credentials()
    assert other_refresh.call_count == 1 and refresh.call_count == 2
