"""A lean flow: the permission set rides in the layouts deploy, fewer token refreshes, shorter logs."""

import logging
from pathlib import Path
from urllib.parse import unquote

import pytest
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.cci import task as task_base
from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata import documents
from email_privacy.metadata.documents import read_package_xml
from email_privacy.metadata.layouts import has_field
from email_privacy.steps.read import PermissionSetFiles
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import (
    actions,
    count,
    deploy,
    layout,
    record_deploys,
    save_after_retrieve,
    serve,
    unmanaged_layouts,
)

AddIndividualFieldToLayouts = import_task("layouts").AddIndividualFieldToLayouts
DeployEmailPrivacyPermissionSet = import_task("permission_set").DeployEmailPrivacyPermissionSet

FOLDER = Path(__file__).resolve().parents[2] / "force-app/main/default/permissionsets"
NAME = "Email_Privacy_Individual_Access"
PS_PATH = f"permissionsets/{NAME}.permissionset"


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def run(org, task_class, options):
    options.setdefault("backoff", "0")
    task = inprocess_task(org, task_class, options)
    task()
    return task


def deferred(org):
    task = run(org, DeployEmailPrivacyPermissionSet, {"path": str(FOLDER), "defer_to_layouts": "true"})
    assert count(org.log, "deploy") == 0, "defer_to_layouts must not deploy"
    return task.return_values


def layouts(org, tmp_path, **options):
    options.setdefault("snapshot_dir", str(tmp_path / "snaps"))
    return run(org, AddIndividualFieldToLayouts, options)


def test_permission_set_deferred_then_deployed_with_the_layouts_in_one_deploy(org, tmp_path, caplog, monkeypatch):
    sent_deploys = record_deploys(monkeypatch, org)
    targets = unmanaged_layouts(org, "Contact", "Lead")
    values = deferred(org)
    assert values["deferred"] == [NAME] and values["deployed"] == []
    files = values["deferred_files"]
    assert files[NAME] == (FOLDER / f"{NAME}.permissionset-meta.xml").read_bytes()
    assert repr(files) == f"permission set(s) {NAME}" and b"<" not in repr(files).encode()  # cci logs option values
    caplog.set_level(logging.INFO)
    task = layouts(org, tmp_path, permission_sets=files)
    # What cci's flow runner logs is the task's option value after CumulusCI's own option processing.
    assert f"{task.options['permission_sets']}" == f"permission set(s) {NAME}"
    assert count(org.log, "deploy") == 1 and len(sent_deploys) == 1
    sent = sent_deploys[0]
    assert read_package_xml(sent["package.xml"])["PermissionSet"] == [NAME]
    assert sorted(read_package_xml(sent["package.xml"])["Layout"]) == sorted(p[8:-7] for p in targets)
    assert sent[PS_PATH] == files[NAME] and org.metadata.read("PermissionSet", NAME) == files[NAME]
    assert task.return_values["permission_sets_deployed"] == [NAME] and task.return_values["deployed"] is True
    assert f"in one deploy: {len(targets)} layout(s) with the Individual field and permission set(s) {NAME}" in (
        caplog.text
    )
    # The org now holds it: the next run defers nothing and deploys nothing.
    org.log.write_text("")
    again = deferred(org)
    assert again["deferred"] == [] and dict(again["deferred_files"]) == {} and again["unchanged"] == [NAME]
    layouts(org, tmp_path, permission_sets=again["deferred_files"])
    assert count(org.log, "deploy") == 0


def test_permission_set_deployed_alone_when_no_layout_changes(org, tmp_path, caplog, monkeypatch):
    deploy(org, {path: layout(extra="IndividualId") for path in unmanaged_layouts(org, "Contact", "Lead")})
    sent_deploys = record_deploys(monkeypatch, org)
    files = deferred(org)["deferred_files"]
    caplog.set_level(logging.INFO)
    task = layouts(org, tmp_path, permission_sets=files)
    assert count(org.log, "deploy") == 1
    assert read_package_xml(sent_deploys[0]["package.xml"]) == {"PermissionSet": [NAME]}
    assert org.metadata.read("PermissionSet", NAME) == files[NAME]
    assert task.return_values["changed"] == [] and task.return_values["permission_sets_deployed"] == [NAME]
    assert task.return_values["snapshot"] is None
    assert f"Deployed: permission set(s) {NAME}" in caplog.text and "no layout to deploy" in caplog.text


def test_lost_update_guard_stops_the_permission_set_too(org, tmp_path, monkeypatch):
    files = deferred(org)["deferred_files"]
    save_after_retrieve(monkeypatch, org, "Lead-Lead %28Sales%29 Layout")  # another admin saves the layout
    with pytest.raises(OrgError, match="Nothing was deployed"):
        layouts(org, tmp_path, permission_sets=files)
    assert count(org.log, "deploy") == 0 and org.metadata.read("PermissionSet", NAME) is None


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
        layouts(org, tmp_path, permission_sets=value)
    assert actions(org.log) == []


def test_standalone_permission_set_task_still_deploys_itself(org):
    task = run(org, DeployEmailPrivacyPermissionSet, {"path": str(FOLDER)})
    assert count(org.log, "deploy") == 1 and task.return_values["deployed"] == [NAME]
    assert task.return_values["deferred"] == [] and org.metadata.read("PermissionSet", NAME) is not None


def test_many_unchanged_layouts_are_summarised_per_object_changed_ones_listed(org, tmp_path, caplog):
    contact = list(unmanaged_layouts(org, "Contact"))
    lead = sorted(unmanaged_layouts(org, "Lead"))
    new, leads_with = lead[-1], lead[:-1]  # few Lead layouts with the field: each is named
    with_field = contact + [f"layouts/Contact-Contact {i:02d} Layout.layout" for i in range(25 - len(contact))]
    deploy(org, {path: layout(extra="IndividualId") for path in with_field + leads_with})
    caplog.set_level(logging.INFO)
    task = layouts(org, tmp_path)
    text = caplog.text
    assert "has the field already: 25 Contact layouts" in text and "Contact-Contact 07 Layout" not in text
    for path in leads_with:
        assert f"has the field already: Lead: {unquote(path[len('layouts/Lead-') : -7])}" in text
    new_name = unquote(new[len("layouts/") : -7])
    assert "will add the field:" in text and new_name.split("-", 1)[1] in text
    assert (
        len(task.return_values["unchanged"]) == 25 + len(leads_with) + 1
    )  # and the Individual layout; the full list stays in the return values
    assert task.return_values["changed"] == [new_name]
    assert has_field(documents.parse(org.metadata.read("Layout", new[8:-7]), "new"), "IndividualId")


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
