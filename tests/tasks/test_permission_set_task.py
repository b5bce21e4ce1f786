"""deploy_email_privacy_permission_set against the in-process local org: source format converted in Python,
deployed only when the org differs."""

from pathlib import Path

import pytest

from email_privacy.errors import OptionError
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import actions, count, deploy, serve

DeployEmailPrivacyPermissionSet = import_task("permission_set").DeployEmailPrivacyPermissionSet

FOLDER = Path(__file__).resolve().parents[2] / "force-app/main/default/permissionsets"
NAME = "Email_Privacy_Individual_Access"
OURS = (FOLDER / f"{NAME}.permissionset-meta.xml").read_bytes()
ORG_PATH = f"permissionsets/{NAME}.permissionset"


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def run(org, **options):
    options.setdefault("path", str(FOLDER))
    task = inprocess_task(org, DeployEmailPrivacyPermissionSet, options)
    task()
    return task


def stamp(org):
    return org.metadata.file_properties("PermissionSet", NAME)["lastModifiedDate"]


def test_first_run_deploys_mdapi_file_then_second_run_nothing(org):
    assert org.metadata.read("PermissionSet", NAME) is None
    task = run(org)
    assert task.return_values["deployed"] == [NAME]
    assert org.metadata.read("PermissionSet", NAME) == OURS and count(org.log, "deploy") == 1
    deployed_at = stamp(org)
    org.log.write_text("")
    task = run(org)
    assert (
        count(org.log, "deploy") == 0 and count(org.log, "retrieve") == 1 and task.return_values["unchanged"] == [NAME]
    )
    assert stamp(org) == deployed_at


def test_org_copy_with_extra_defaults_and_other_formatting_counts_as_same(org):
    # license sits where the schema puts it (after label): a real org refuses it anywhere else.
    reformatted = OURS.replace(b"\n    ", b"\n  ").replace(b"</label>", b"</label><license>Salesforce</license>")
    deploy(org, {ORG_PATH: reformatted})
    run(org)
    assert count(org.log, "deploy") == 0 and org.metadata.read("PermissionSet", NAME) == reformatted


def test_org_copy_that_differs_is_redeployed(org):
    deploy(org, {ORG_PATH: OURS.replace(b"<editable>true</editable>", b"<editable>false</editable>", 1)})
    assert run(org).return_values["deployed"] == [NAME]
    assert org.metadata.read("PermissionSet", NAME) == OURS


def test_dry_run_deploys_nothing(org):
    run(org, dry_run="true")
    assert count(org.log, "deploy") == 0 and org.metadata.read("PermissionSet", NAME) is None


def test_bad_path(org, tmp_path):
    with pytest.raises(OptionError, match="Option path: .*nowhere is not an existing folder"):
        run(org, path=str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(OptionError, match="holds no"):
        run(org, path=str(tmp_path / "empty"))
    assert actions(org.log) == []
