"""restore_page_changes with the real cci against two local orgs of the same CumulusCI name (`sim`), as a user
meets them: a scratch org recreated, a sandbox refreshed. Both ran the flow into one snapshot folder.

A snapshot restores only into the org it came from (another org's is refused in one line, nothing deployed,
as each org's request log shows), unless allow_other_org; the default is the newest snapshot of this org id,
never a newer one of the other org; a layout someone edited after our change is named and left alone unless
overwrite_changed."""

import json
import shutil

import pytest

from email_privacy.metadata.documents import package_xml
from email_privacy.metadata.layouts import add_field_bytes
from tests.harness import LocalOrgProcess, all_have_field, error_line, layout_files, ok, run_cci, soap_actions

RUN_FLOW = (
    "flow run enable_individual_email_tracking --org sim -o add_individual_field_to_layouts__snapshot_dir".split()
)
CONTACT = "Contact-Contact Layout"


def restore(org, *options):
    return run_cci(org, "task", "run", "restore_page_changes", "--org", "sim", *options)


def org_id(org) -> str:
    return org.org_config["org_id"]


@pytest.fixture(scope="module")
def orgs(tmp_path_factory):
    """Orgs A and B, both `sim` (each seeded with its own layouts), each after one flow run writing into the one
    snapshot folder; A's snapshot is also copied, as the newest of all, into the per-name folder (`snaps/sim`)
    older versions wrote."""
    work = tmp_path_factory.mktemp("restore")
    started = []
    try:
        snaps = work / "snaps"
        data = {"snaps": snaps}
        for key in ("a", "b"):
            org = LocalOrgProcess(work / key).start()
            started.append(org)
            data[key], data[f"{key}_before"] = org, layout_files(org)
            ok(run_cci(org, *RUN_FLOW, snaps))
            [data[f"{key}_snapshot"]] = sorted((snaps / org_id(org)).iterdir())
        assert org_id(data["a"]) != org_id(data["b"])
        # A's metadata as the flow left it, for the test that refreshes B from A whatever ran before it.
        data["a_after_flow"] = work / "a-after-flow"
        shutil.copytree(data["a"].state_dir / "metadata", data["a_after_flow"] / "metadata")
        shutil.copy2(data["a"].state_dir / "metadata-properties.json", data["a_after_flow"])
        legacy = snaps / "sim" / "29991231T000000.000000Z"
        shutil.copytree(data["a_snapshot"], legacy)
        data["legacy"] = legacy
        yield data
    finally:
        for org in started:
            org.stop()


def test_restore_is_bound_to_the_org_it_came_from(orgs):
    a, b, snaps = orgs["a"], orgs["b"], orgs["snaps"]
    # By default, B's own newest snapshot: not A's, though A's are newer and one sits in the folder named sim.
    out = ok(restore(b, "-o", "snapshot_dir", snaps, "-o", "dry_run", "true"))
    assert f"Snapshot {orgs['b_snapshot']}:" in out and str(orgs["legacy"]) not in out
    assert str(orgs["a_snapshot"]) not in out

    # A's snapshot given by path: refused in one line naming both orgs; nothing read, nothing deployed.
    seen = len(b.requests())
    line = error_line(restore(b, "-o", "snapshot", orgs["a_snapshot"]))
    assert org_id(a) in line and org_id(b) in line and "nothing was deployed" in line
    assert "allow_other_org true" in line
    assert soap_actions(b, seen) == []

    # B is refreshed from A (a sandbox refresh: A's metadata, B's own org id); told so, restore puts A's
    # originals into B.
    b.stop()
    shutil.rmtree(b.state_dir / "metadata")
    shutil.copytree(orgs["a_after_flow"] / "metadata", b.state_dir / "metadata")
    shutil.copy2(orgs["a_after_flow"] / "metadata-properties.json", b.state_dir / "metadata-properties.json")
    b.restart()
    assert layout_files(b) != orgs["b_before"] and all_have_field(b)
    seen = len(b.requests())
    out = ok(restore(b, "-o", "snapshot", orgs["a_snapshot"], "-o", "allow_other_org", "true"))
    assert "(allow_other_org)" in out and "Restored:" in out and "since our change" not in out
    assert soap_actions(b, seen).count("deploy") == 1
    assert layout_files(b) == orgs["a_before"]


def test_a_layout_edited_since_our_change_is_left_alone_unless_told(orgs, tmp_path):
    a, snaps = orgs["a"], orgs["snaps"]
    original = (orgs["a_snapshot"] / "layouts" / f"{CONTACT}.layout").read_bytes()
    # Another admin places the field their own way after our change, with CumulusCI's own deploy task.
    theirs = add_field_bytes(original, "IndividualId", "Readonly", "end_of_first_section")
    assert theirs != layout_files(a)[CONTACT]
    (tmp_path / "edit" / "layouts").mkdir(parents=True)
    (tmp_path / "edit" / "layouts" / f"{CONTACT}.layout").write_bytes(theirs)
    (tmp_path / "edit" / "package.xml").write_bytes(package_xml({"Layout": [CONTACT]}, "63.0"))
    ok(run_cci(a, "task", "run", "deploy", "--org", "sim", "-o", "path", tmp_path / "edit"))

    out = ok(restore(a, "-o", "snapshot_dir", snaps))
    [warning] = [line for line in out.splitlines() if "since our change" in line]
    assert "left alone" in warning and "Contact: Contact Layout" in warning and "overwrite_changed true" in warning
    after = layout_files(a)
    assert after[CONTACT] == theirs
    assert {n: d for n, d in after.items() if n != CONTACT} == {
        n: d for n, d in orgs["a_before"].items() if n != CONTACT
    }

    out = ok(restore(a, "-o", "snapshot_dir", snaps, "-o", "overwrite_changed", "true"))
    assert "restored anyway (overwrite_changed)" in out
    assert layout_files(a) == orgs["a_before"]
    manifest = json.loads((orgs["a_snapshot"] / "manifest.json").read_text())
    assert manifest["org_id"] == org_id(a)
