"""No lost updates. Two real cci runs race on the same layout; the one that read first stops.

The race is made exact, not timed: the local org's `hold:checkRetrieveStatus@FILE` fault holds run A's
reply right after its retrieve (A has read every layout and its lastModifiedDate) until the test creates
FILE. Meanwhile run B changes one of those layouts. When A goes on, its lost-update check (one Tooling
API query on Layout, as the flow makes a single listMetadata) sees the new LastModifiedDate and A must
stop without deploying anything.
"""

import subprocess
import time

from email_privacy.api.metadata_api import make_zip
from email_privacy.metadata import documents, names
from email_privacy.metadata.documents import MDAPI_NS, package_xml
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg
from tests.harness import (
    BIN,
    REPO,
    all_have_field,
    cci_task,
    error_line,
    layout_files,
    ok,
    restart_with,
    run_cci,
    settings_deployed,
    soap_actions,
)

CONTACT = "Contact-Contact Layout"


def behavior_of(data: bytes, field: str) -> list[str]:
    """Behaviors of every layout item naming `field`."""
    tree = documents.parse(data, "layout")
    ns = {"m": MDAPI_NS}
    return [
        item.findtext("m:behavior", namespaces=ns)
        for item in tree.iterfind(".//m:layoutItems", ns)
        if item.findtext("m:field", namespaces=ns) == field
    ]


def modified(store, name: str) -> str:
    return next(e["lastModifiedDate"] for e in store.list_metadata("Layout") if e["fullName"] == name)


def test_local_org_moves_last_modified_date_on_every_deploy_and_only_then(tmp_path):
    org = LocalOrg(tmp_path / "org", OrgIdentity())
    try:
        store = org.metadata
        deploy = make_zip(
            {
                f"layouts/{CONTACT}.layout": store.read("Layout", CONTACT),
                "package.xml": package_xml({"Layout": [CONTACT]}, "63.0"),
            }
        )
        dates = [modified(store, CONTACT)]
        for _ in range(2):  # the same content twice: a deploy is a modification even when nothing differs
            assert store.deploy(deploy).status == "Succeeded"
            dates.append(modified(store, CONTACT))
        assert dates[0] < dates[1] < dates[2]
        assert store.deploy(deploy, check_only=True).status == "Succeeded"
        assert store.deploy(deploy, fail_names={CONTACT}).status == "Failed"
        store.retrieve({"Layout": [CONTACT]})
        assert modified(store, CONTACT) == dates[2]  # check-only, failed deploys and retrieves leave it
    finally:
        org.close()


def start_cci(org, *args) -> subprocess.Popen:
    """The real cci started in the background (it will wait at the org's hold fault), output captured."""
    return subprocess.Popen(
        [str(BIN / "cci"), *map(str, args)],
        cwd=REPO,
        env={**org.env, "COLUMNS": "400"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def wait_for(path, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def test_concurrent_run_stops_without_deploying_names_the_layout_and_keeps_the_other_change(local_org, tmp_path):
    release = tmp_path / "release"
    org = local_org(state_dir=settings_deployed(tmp_path / "org"), fault=[f"hold:checkRetrieveStatus@{release}"])
    before = layout_files(org)
    seen = len(org.requests())

    run_a = start_cci(
        org,
        "task",
        "run",
        "add_individual_field_to_layouts",
        "--org",
        "sim",
        "-o",
        "snapshot_dir",
        tmp_path / "snaps_a",
    )
    try:
        wait_for(tmp_path / "release.held", run_a)  # A has read every layout and waits
        # B, another admin's run, changes one of them meanwhile: the field as Readonly on the Contact layout.
        ok(
            cci_task(
                org,
                "add_individual_field_to_layouts",
                "layouts",
                CONTACT,
                "behavior",
                "Readonly",
                "snapshot_dir",
                tmp_path / "snaps_b",
            )
        )
        assert behavior_of(layout_files(org)[CONTACT], "IndividualId") == ["Readonly"]
    finally:
        release.touch()
        stdout, stderr = run_a.communicate(timeout=120)

    line = error_line(subprocess.CompletedProcess(run_a.args, run_a.returncode, stdout, stderr))
    assert "Nothing was deployed" in line and names.display_name(CONTACT) in line and "Run the task again" in line
    assert "Lead-" not in line  # only the layout that moved is named
    assert soap_actions(org, seen).count("deploy") == 1  # B's; A deployed nothing
    # A's read was the only listMetadata (B named its layout); A's guard asked the Tooling API, which answered.
    assert soap_actions(org, seen).count("listMetadata") == 1 and "Lost-update check" not in stdout + stderr
    assert sum("/tooling/query" in (r.get("path") or "") for r in org.requests()[seen:]) == 2  # A's and B's guards
    after = layout_files(org)
    assert {n: d for n, d in after.items() if n != CONTACT} == {n: d for n, d in before.items() if n != CONTACT}
    assert behavior_of(after[CONTACT], "IndividualId") == ["Readonly"]  # B's change is not lost
    assert not (tmp_path / "snaps_a").exists()  # A stopped before writing a snapshot

    # Running A again works from the new version: every layout gets the field, B's item stays as B made it.
    ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", tmp_path / "snaps_a"))
    final = layout_files(org)
    assert all_have_field(org) and final[CONTACT] == after[CONTACT]
    assert behavior_of(final[CONTACT], "IndividualId") == ["Readonly"]


def test_a_layout_deleted_during_the_flow_stops_it_in_one_line_and_is_not_recreated(local_org, tmp_path):
    """The flow reads every layout (held right after its retrieve); meanwhile another admin deletes one with
    CumulusCI's own uninstall_src (a destructiveChanges deploy). The flow must stop before its layouts deploy:
    deploying our copy would re-create the layout they deleted."""
    org = local_org()
    release = tmp_path / "release"
    restart_with(org, [f"hold:checkRetrieveStatus@{release}"])
    gone = "Lead-Lead %28Sales%29 Layout"
    before = layout_files(org)
    seen = len(org.requests())
    flow = start_cci(org, "flow", "run", "enable_individual_email_tracking", "--org", "sim")
    try:
        wait_for(tmp_path / "release.held", flow)
        doomed = tmp_path / "doomed" / "layouts"
        doomed.mkdir(parents=True)
        (doomed / f"{gone}.layout").write_bytes(before[gone])
        ok(run_cci(org, "task", "run", "uninstall_src", "--org", "sim", "-o", "path", str(doomed.parent)))
        assert gone not in layout_files(org)
    finally:
        release.touch()
        stdout, stderr = flow.communicate(timeout=300)

    line = error_line(subprocess.CompletedProcess(flow.args, flow.returncode, stdout, stderr))
    assert line == (
        "Error: Nothing was deployed: layout(s) or page(s) deleted from the org since they were read (a deploy "
        "would re-create them): Lead-Lead (Sales) Layout. Run the task again to work from the org as it is now."
    )
    # Two deploys after the read: the flow's settings (step 2) and the other admin's deletion; no layouts.
    assert soap_actions(org, seen).count("deploy") == 2
    after = layout_files(org)
    assert gone not in after and after == {n: d for n, d in before.items() if n != gone}
    assert "Running task: verify_email_privacy" not in stdout + stderr
