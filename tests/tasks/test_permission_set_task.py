"""deploy_email_privacy_permission_set: source format converted in Python, deployed only when the org differs."""

from pathlib import Path

import pytest
import responses

from email_privacy.errors import OptionError
from tests.conftest import import_task
from tests.fake_org import FakeOrg, make_task, serve

DeployEmailPrivacyPermissionSet = import_task("permission_set").DeployEmailPrivacyPermissionSet

FOLDER = Path(__file__).resolve().parents[2] / "force-app/main/default/permissionsets"
NAME = "Email_Privacy_Individual_Access"
OURS = (FOLDER / f"{NAME}.permissionset-meta.xml").read_bytes()
ORG_PATH = f"permissionsets/{NAME}.permissionset"


@pytest.fixture
def org():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield serve(rsps, FakeOrg())


def run(**options):
    options.setdefault("path", str(FOLDER))
    task = make_task(DeployEmailPrivacyPermissionSet, options)
    task()
    return task


def test_first_run_deploys_mdapi_file_then_second_run_nothing(org):
    task = run()
    assert task.return_values["deployed"] == [NAME]
    assert org.deployed[0][ORG_PATH] == OURS and b"<name>PermissionSet</name>" in org.deployed[0]["package.xml"]
    org.calls.clear()
    task = run()
    assert org.count("deploy") == 0 and org.count("retrieve") == 1 and task.return_values["unchanged"] == [NAME]


def test_org_copy_with_extra_defaults_and_other_formatting_counts_as_same(org):
    reformatted = OURS.replace(b"\n    ", b"\n  ").replace(
        b"</PermissionSet>", b"<license>Salesforce</license></PermissionSet>"
    )
    org.files[ORG_PATH] = reformatted
    run()
    assert org.count("deploy") == 0


def test_org_copy_that_differs_is_redeployed(org):
    org.files[ORG_PATH] = OURS.replace(b"<editable>true</editable>", b"<editable>false</editable>", 1)
    assert run().return_values["deployed"] == [NAME]


def test_dry_run_deploys_nothing(org):
    run(dry_run="true")
    assert org.count("deploy") == 0 and ORG_PATH not in org.files


def test_bad_path(org, tmp_path):
    with pytest.raises(OptionError, match="Option path: .*nowhere is not an existing folder"):
        run(path=str(tmp_path / "nowhere"))
    with pytest.raises(OptionError, match="holds no"):
        run(path=str(tmp_path))
    assert org.calls == []
