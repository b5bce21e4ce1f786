"""add_individual_field_to_layouts and restore_layouts against the in-process local org (no socket)."""

import json
import os
import shutil
import stat
from urllib.parse import unquote

import pytest

from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata import documents
from email_privacy.metadata.layouts import has_field
from email_privacy.steps import snapshots
from localorg.models.org_settings import OrgSettings
from localorg.requestlog import read_log
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import (
    actions,
    count,
    delete_after_retrieve,
    deploy,
    layout,
    record_deploys,
    save_after_retrieve,
    serve,
    type_and_member,
    unmanaged_layouts,
)

AddIndividualFieldToLayouts = import_task("layouts").AddIndividualFieldToLayouts
RestoreLayouts = import_task("layouts").RestoreLayouts

MARKETING = "layouts/Contact-Contact %28Marketing%29 Layout.layout"


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


# The seeded Individual layout has both flags already: every run lists it unchanged.
INDIVIDUAL_LAYOUT = "Individual-Individual Layout"


def names(paths):
    """The names a person recognises ('Contact-Contact (Marketing) Layout') of MDAPI layout paths."""
    return sorted(unquote(type_and_member(p)[1]) for p in paths)


def run(task_class, tmp_path, org, **options):
    options.setdefault("snapshot_dir", str(tmp_path / "snaps"))
    options.setdefault("backoff", "0")
    task = inprocess_task(org, task_class, options)
    task()
    return task


def targets(org):
    """The layouts the task edits by default: every unmanaged Contact and Lead layout."""
    return unmanaged_layouts(org, "Contact", "Lead")


def test_one_list_one_retrieve_one_deploy_for_every_layout(org, tmp_path, monkeypatch):
    sent = record_deploys(monkeypatch, org)
    before = targets(org)
    untouched = unmanaged_layouts(org, "Account")
    assert len(before) >= 8 and not any(has_field(documents.parse(d, p), "IndividualId") for p, d in before.items())
    task = run(AddIndividualFieldToLayouts, tmp_path, org)
    # The lost-update guard is one Tooling query (REST), not a second listMetadata.
    assert (count(org.log, "listMetadata"), count(org.log, "retrieve"), count(org.log, "deploy")) == (1, 1, 1)
    assert count(org.log, "tooling/query") == 1
    assert sorted(task.return_values["changed"]) == names(before) and task.return_values["deployed"]
    assert "Contact-Contact (Marketing) Layout" in task.return_values["changed"]  # names a person recognises
    after = targets(org)
    assert sorted(after) == sorted(before) and sorted(sent[0]) == sorted([*before, "package.xml"])
    assert {p: sent[0][p] for p in after} == after  # the org holds exactly the bytes deployed
    for path, data in after.items():
        assert data != before[path] and has_field(documents.parse(data, path), "IndividualId"), path
    assert unmanaged_layouts(org, "Account") == untouched


def test_second_run_deploys_nothing(org, tmp_path):
    run(AddIndividualFieldToLayouts, tmp_path, org)
    done = targets(org)
    org.log.write_text("")
    task = run(AddIndividualFieldToLayouts, tmp_path, org)
    assert count(org.log, "deploy") == 0 and count(org.log, "listMetadata") == 1 and count(org.log, "retrieve") == 1
    assert count(org.log, "tooling/query") == 0  # nothing to deploy, nothing to guard
    assert task.return_values["changed"] == [] and sorted(task.return_values["unchanged"]) == sorted(
        [*names(done), INDIVIDUAL_LAYOUT]
    )
    assert targets(org) == done


def test_only_changed_layouts_are_deployed(org, tmp_path):
    deploy(org, {MARKETING: layout(extra="IndividualId")})
    member = type_and_member(MARKETING)[1]
    stamp = org.metadata.file_properties("Layout", member)["lastModifiedDate"]
    task = run(AddIndividualFieldToLayouts, tmp_path, org)
    assert task.return_values["unchanged"] == ["Contact-Contact (Marketing) Layout", INDIVIDUAL_LAYOUT]
    # Not in the deploy: the org's copy kept its bytes and its LastModifiedDate.
    assert org.metadata.read("Layout", member) == layout(extra="IndividualId")
    assert org.metadata.file_properties("Layout", member)["lastModifiedDate"] == stamp


def test_snapshot_written_before_the_deploy_and_private(org, tmp_path, monkeypatch):
    seen = []
    record_deploys(
        monkeypatch, org, lambda files: seen.append(snapshots.list_snapshots(tmp_path / "snaps", org.identity.org_id))
    )
    originals = targets(org)
    task = run(AddIndividualFieldToLayouts, tmp_path, org)
    assert seen and len(seen[0]) == 1, "the snapshot must exist when the deploy arrives"
    snap = seen[0][0]
    assert str(snap) == task.return_values["snapshot"]
    manifest, saved = snapshots.load_snapshot(snap)
    assert {f"layouts/{n}.layout": d for n, d in saved.items()} == originals
    # What the deploy left, by digest, so restore can tell a layout someone changed since.
    for entry in manifest["layouts"]:
        now = org.metadata.read("Layout", entry["name"])
        assert entry["deployed_digest"] == documents.content_digest(now, entry["name"]), entry["name"]
    assert stat.S_IMODE(os.stat(snap).st_mode) == 0o700
    for f in snap.rglob("*"):
        assert stat.S_IMODE(os.stat(f).st_mode) == (0o700 if f.is_dir() else 0o600), f


def test_restore_puts_originals_back(org, tmp_path):
    originals = targets(org)
    run(AddIndividualFieldToLayouts, tmp_path, org)
    assert targets(org) != originals
    task = run(RestoreLayouts, tmp_path, org)
    assert targets(org) == originals
    assert sorted(task.return_values["restored"]) == names(originals)


def test_dry_run_deploys_nothing_and_writes_no_snapshot(org, tmp_path):
    before = targets(org)
    task = run(AddIndividualFieldToLayouts, tmp_path, org, dry_run="true")
    assert count(org.log, "deploy") == 0 and targets(org) == before
    assert sorted(task.return_values["changed"]) == names(before)
    assert not (tmp_path / "snaps").exists()


def test_check_only_saves_nothing(org, tmp_path):
    before = targets(org)
    task = run(AddIndividualFieldToLayouts, tmp_path, org, check_only="true")
    assert count(org.log, "deploy") == 1 and targets(org) == before and not task.return_values["deployed"]


def test_lost_update_stops_without_deploying(org, tmp_path, monkeypatch):
    before = targets(org)
    save_after_retrieve(monkeypatch, org, "Lead-Lead %28Sales%29 Layout")  # another admin saves the layout
    with pytest.raises(OrgError, match=r"Nothing was deployed.*Lead-Lead \(Sales\) Layout.*Run the task again") as e:
        run(AddIndividualFieldToLayouts, tmp_path, org)
    assert "Marketing" not in str(e.value)  # only the layout that moved is named
    assert count(org.log, "deploy") == 0 and not (tmp_path / "snaps").exists()
    assert count(org.log, "tooling/query") == 1 and count(org.log, "listMetadata") == 1  # found by the Tooling query
    assert targets(org) == before


def test_a_layout_deleted_since_the_read_stops_the_deploy_and_is_not_recreated(org, tmp_path, monkeypatch):
    gone = "Lead-Lead %28Sales%29 Layout"
    before = {p: d for p, d in targets(org).items() if gone not in p}
    delete_after_retrieve(monkeypatch, org, "Layout", gone)  # another admin deletes it after our read
    with pytest.raises(OrgError) as e:
        run(AddIndividualFieldToLayouts, tmp_path, org)
    assert str(e.value) == (
        "Nothing was deployed: layout(s) or page(s) deleted from the org since they were read (a deploy would "
        "re-create them): Lead-Lead (Sales) Layout. Run the task again to work from the org as it is now."
    )
    assert count(org.log, "deploy") == 0 and count(org.log, "tooling/query") == 1
    assert org.metadata.read("Layout", gone) is None and targets(org) == before
    assert not (tmp_path / "snaps").exists()


def test_a_page_deleted_since_the_read_stops_the_deploy_and_is_not_recreated(tmp_path, monkeypatch):
    with serve(tmp_path, dynamic_forms=True) as org:
        delete_after_retrieve(monkeypatch, org, "FlexiPage", "Lead_Record_Page")
        with pytest.raises(OrgError, match=r"deleted from the org since they were read.*: Lead_Record_Page\. Run"):
            run(AddIndividualFieldToLayouts, tmp_path, org)
        assert count(org.log, "deploy") == 0 and org.metadata.read("FlexiPage", "Lead_Record_Page") is None


def test_guard_follows_next_records_url(tmp_path, monkeypatch):
    # The guard asks for every layout saved at or after the earliest read date of those to deploy (whole
    # seconds): a new org's
    # layouts share one date, so all answer, 20 a page here. The one saved by someone else comes last.
    with serve(tmp_path, layouts_per_object=8, settings=OrgSettings(query_page_size=20)) as org:
        rows = org.metadata.tooling_layouts()
        last = org.metadata.members("Layout")[-1]
        assert 20 < len(rows) <= 40 and rows[-1]["Id"] == org.metadata.file_properties("Layout", last)["id"]
        assert last.startswith("Lead-")
        save_after_retrieve(monkeypatch, org, last)  # another admin saves the last layout
        with pytest.raises(OrgError, match="Nothing was deployed") as e:
            run(AddIndividualFieldToLayouts, tmp_path, org, objects="Lead")
        assert count(org.log, "tooling/query") == 2 and count(org.log, "deploy") == 0
    assert f"since they were read: {unquote(last)}. Run" in str(e.value)  # found on the second page, and only it


def test_deploy_failure_leaves_org_and_snapshot(tmp_path):
    with serve(tmp_path, "deploy-fail:Lead-Lead %28Sales%29 Layout") as org:
        before = targets(org)
        with pytest.raises(OrgError, match="Lead-Lead %28Sales%29 Layout"):
            run(AddIndividualFieldToLayouts, tmp_path, org)
        assert targets(org) == before and count(org.log, "deploy") == 1
    assert len(snapshots.list_snapshots(tmp_path / "snaps", org.identity.org_id)) == 1


def test_503s_are_retried_during_the_task(tmp_path):
    with serve(tmp_path, "http-503:2") as org:
        task = run(AddIndividualFieldToLayouts, tmp_path, org)
        assert task.return_values["deployed"]
        assert [line["status"] for line in read_log(org.log)][:3] == [503, 503, 200]
        assert all(has_field(documents.parse(d, p), "IndividualId") for p, d in targets(org).items())


def test_missing_individual_field_fails_clearly(tmp_path):
    with serve(tmp_path, consent=False) as org:
        with pytest.raises(OrgError, match="no field that looks up Individual.*deploy_email_privacy_settings"):
            run(AddIndividualFieldToLayouts, tmp_path, org)
        assert count(org.log, "describe") >= 1
        assert [a for a in actions(org.log) if not a.startswith("/")] == []  # no Metadata API call


def test_person_accounts_skipped_when_off(org, tmp_path):
    task = run(AddIndividualFieldToLayouts, tmp_path, org, objects="Contact,PersonAccount")
    assert "PersonAccount (person accounts off)" in task.return_values["skipped"]
    # Every Contact layout, and only those: no Lead layout was asked for, and PersonAccount is off.
    assert sorted(task.return_values["changed"]) == names(unmanaged_layouts(org, "Contact"))
    assert task.return_values["deployed"] is True


def test_person_account_layouts_get_person_individual_id(tmp_path):
    with serve(tmp_path, person_accounts=True) as org:
        run(AddIndividualFieldToLayouts, tmp_path, org, objects="PersonAccount")
        data = org.metadata.read("Layout", "PersonAccount-Person Account Layout")
        assert has_field(documents.parse(data, "pa"), "PersonIndividualId")


def test_explicit_layouts_skip_list_metadata(org, tmp_path):
    task = run(AddIndividualFieldToLayouts, tmp_path, org, layouts="Contact-Contact (Marketing) Layout")
    assert task.return_values["changed"] == ["Contact-Contact (Marketing) Layout"]
    # no listMetadata at all: the read names the layout, the guard takes its id from the retrieve
    assert count(org.log, "listMetadata") == 0 and count(org.log, "tooling/query") == 1
    assert has_field(documents.parse(org.metadata.read("Layout", type_and_member(MARKETING)[1]), "m"), "IndividualId")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"objects": "Contact,Opportunity"}, "Option objects: Opportunity not allowed"),
        ({"behavior": "Required"}, "Option behavior: 'Required' is not allowed"),
        ({"position": "top"}, "Option position: 'top' is not allowed"),
        ({"dry_run": "maybe"}, "Option dry_run: 'maybe' is not a boolean"),
        ({"check_only": "2"}, "Option check_only: '2' is not a boolean"),
        ({"api_version": "sixty"}, "Option api_version: 'sixty' is not an API version"),
        ({"retries": "-1"}, "Option retries: -1 is out of range"),
        ({"backoff": "soon"}, "Option backoff: 'soon' is not allowed"),
        ({"poll_interval": "-2"}, "Option poll_interval: '-2' is not allowed"),
        ({"layouts": "Account-Account Layout"}, "Option layouts: 'Account-Account Layout' is not allowed"),
        ({"layouts": "Contact-Contact Layout", "objects": "Lead"}, "Options objects and layouts"),
        ({"org_state": "{}"}, "Option org_state: only the flow passes it"),
    ],
)
def test_bad_options_one_line_and_no_call(org, tmp_path, options, message):
    with pytest.raises(OptionError) as e:
        run(AddIndividualFieldToLayouts, tmp_path, org, **options)
    assert message in str(e.value) and "\n" not in str(e.value)
    assert actions(org.log) == []  # not even a describe


def test_restore_bad_snapshot_path(org, tmp_path):
    with pytest.raises(OptionError, match="Option snapshot: .*nowhere is not an existing folder"):
        run(RestoreLayouts, tmp_path, org, snapshot=str(tmp_path / "nowhere"))
    with pytest.raises(OptionError, match="no snapshot of org inprocess"):
        run(RestoreLayouts, tmp_path, org)
    assert actions(org.log) == []


def test_restore_refuses_tampered_snapshot(org, tmp_path):
    run(AddIndividualFieldToLayouts, tmp_path, org)
    snap = snapshots.list_snapshots(tmp_path / "snaps", org.identity.org_id)[0]
    victim = next((snap / "layouts").iterdir())
    os.chmod(victim, 0o600)
    victim.write_bytes(victim.read_bytes() + b"\n")
    edited = targets(org)
    org.log.write_text("")
    with pytest.raises(OptionError, match="was changed since the snapshot was taken"):
        run(RestoreLayouts, tmp_path, org, snapshot=str(snap))
    assert actions(org.log) == [] and targets(org) == edited


def test_restore_by_default_takes_the_newest_snapshot_of_this_org_id_only(org, tmp_path):
    run(AddIndividualFieldToLayouts, tmp_path, org)
    [mine] = snapshots.list_snapshots(tmp_path / "snaps", org.identity.org_id)
    # A newer snapshot of another org of the same name, in the per-name folder older versions wrote.
    theirs = tmp_path / "snaps" / "inprocess" / "29991231T000000.000000Z"
    shutil.copytree(mine, theirs)
    manifest = json.loads((theirs / "manifest.json").read_text())
    (theirs / "manifest.json").write_text(json.dumps({**manifest, "org_id": "00D000000000009AAA"}))
    org.log.write_text("")
    task = run(RestoreLayouts, tmp_path, org)
    assert task.return_values["snapshot"] == str(mine) and task.return_values["left_alone"] == []
    assert sorted(task.return_values["restored"]) == sorted(manifest_names(mine))
    assert count(org.log, "retrieve") == 1 and count(org.log, "deploy") == 1


def manifest_names(snapshot):
    return [unquote(e["name"]) for e in json.loads((snapshot / "manifest.json").read_text())["layouts"]]


@pytest.mark.parametrize("option", ["allow_other_org", "overwrite_changed"])
def test_restore_bad_boolean_is_one_line_and_no_call(org, tmp_path, option):
    with pytest.raises(OptionError) as e:
        run(RestoreLayouts, tmp_path, org, **{option: "maybe"})
    assert str(e.value) == f"Option {option}: 'maybe' is not a boolean; use true or false."
    assert actions(org.log) == []
