"""restore_layouts: the snapshot's layouts and pages back in one deploy, only into the org they came from, and
only where the org still holds what our change left. The org is the in-process local org, which judges the
deploy; snapshots are written by the real write_snapshot."""

import logging

import pytest

from email_privacy.errors import OptionError
from email_privacy.metadata import documents
from email_privacy.metadata.documents import read_package_xml
from email_privacy.steps.restore import RestoreOptions, restore_layouts
from email_privacy.steps.snapshots import load_pages, load_snapshot, write_snapshot
from localorg.models.seed.flexipages import seed_pages
from tests.inprocess_org import actions, connection, count, deploy, files, layout, record_deploys, serve

LOG = logging.getLogger("tests.steps")
CONTACT, LEAD = "Contact-Contact Layout", "Lead-Lead %28Marketing%29 Layout"
ORIGINALS = {CONTACT: layout(), LEAD: layout(first="Company")}
OURS = {CONTACT: layout(extra="IndividualId"), LEAD: layout(first="Company", extra="IndividualId")}
OTHER_ORG = "00D000000000001AAA"


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def after_our_change(org, tmp_path, org_id=None, pages=None, deployed_pages=None):
    """The org as our change left it (OURS deployed) and the snapshot of ORIGINALS that change wrote:
    (folder, manifest, layouts, pages)."""
    deploy(org, {f"layouts/{n}.layout": d for n, d in OURS.items()})
    deploy(org, {f"flexipages/{n}.flexipage": d for n, d in (deployed_pages or {}).items()})
    folder = write_snapshot(
        tmp_path / "snaps",
        "inprocess",
        ORIGINALS,
        org_id=org.identity.org_id if org_id is None else org_id,
        pages=pages,
        deployed={**OURS, **(deployed_pages or {})},
    )
    manifest, layouts = load_snapshot(folder)
    org.log.write_text("")  # the calls of the restore only
    return folder, manifest, layouts, load_pages(folder, manifest)


def restore(org, snap, **options):
    folder, manifest, layouts, pages = snap
    return restore_layouts(connection(org), folder, manifest, layouts, LOG, RestoreOptions(**options), pages)


def test_every_layout_goes_back_in_one_deploy_after_one_retrieve(org, tmp_path, monkeypatch):
    snap = after_our_change(org, tmp_path)
    sent = record_deploys(monkeypatch, org)
    result = restore(org, snap)
    assert result.restored == ["Contact-Contact Layout", "Lead-Lead (Marketing) Layout"] and result.left_alone == []
    [sent_files] = sent
    assert read_package_xml(sent_files["package.xml"]) == {"Layout": sorted(ORIGINALS)}
    for member, data in ORIGINALS.items():
        assert org.metadata.read("Layout", member) == data  # the org holds the snapshot's bytes again
    assert count(org.log, "retrieve") == 1 and count(org.log, "deploy") == 1


def test_dry_run_reads_and_deploys_nothing(org, tmp_path):
    snap = after_our_change(org, tmp_path)
    before = files(org, "Layout")
    result = restore(org, snap, dry_run=True)
    assert count(org.log, "deploy") == 0 and result.restored == [] and result.dry_run is True
    assert files(org, "Layout") == before


def test_check_only_validates_and_claims_nothing_restored(org, tmp_path):
    snap = after_our_change(org, tmp_path)
    before = files(org, "Layout")
    result = restore(org, snap, check_only=True)
    assert count(org.log, "deploy") == 1 and result.restored == [] and files(org, "Layout") == before


def test_pages_go_back_in_the_same_deploy(org, tmp_path):
    original = seed_pages()["Contact_Record_Page"]
    ours = original.replace(b"<fieldItem>Record.Email</fieldItem>", b"<fieldItem>Record.Phone</fieldItem>", 1)
    assert ours != original
    snap = after_our_change(
        org, tmp_path, pages={"Contact_Record_Page": original}, deployed_pages={"Contact_Record_Page": ours}
    )
    result = restore(org, snap)
    assert result.restored_pages == ["Contact_Record_Page"] and count(org.log, "deploy") == 1
    assert org.metadata.read("FlexiPage", "Contact_Record_Page") == original


def test_another_orgs_snapshot_is_refused_in_one_line_before_any_call(org, tmp_path):
    snap = after_our_change(org, tmp_path, org_id=OTHER_ORG)
    before = files(org, "Layout")
    with pytest.raises(OptionError) as e:
        restore(org, snap)
    message = str(e.value)
    assert "\n" not in message and OTHER_ORG in message and org.identity.org_id in message
    assert "not from this org" in message and "nothing was deployed" in message and "allow_other_org true" in message
    assert actions(org.log) == [] and files(org, "Layout") == before


def test_a_snapshot_naming_no_org_is_refused_too(org, tmp_path):
    with pytest.raises(OptionError, match=r"taken from an unnamed org, not from this org .*allow_other_org true"):
        restore(org, after_our_change(org, tmp_path, org_id=""))
    assert actions(org.log) == []


def test_allow_other_org_restores_and_says_so(org, tmp_path, caplog):
    snap = after_our_change(org, tmp_path, org_id=OTHER_ORG)
    with caplog.at_level(logging.WARNING):
        result = restore(org, snap, allow_other_org=True)
    assert result.restored == ["Contact-Contact Layout", "Lead-Lead (Marketing) Layout"]
    assert any(OTHER_ORG in r.message and "allow_other_org" in r.message for r in caplog.records)


def test_the_same_org_by_its_15_character_id_is_the_same_org(org, tmp_path):
    assert restore(org, after_our_change(org, tmp_path, org_id=org.identity.org_id[:15])).restored


def test_a_layout_edited_since_our_change_is_named_and_left_alone_unless_told(org, tmp_path, caplog):
    snap = after_our_change(org, tmp_path)
    theirs = layout(extra="Title")
    deploy(org, {f"layouts/{LEAD}.layout": theirs})  # another admin edits the Lead layout after our change
    with caplog.at_level(logging.WARNING):
        result = restore(org, snap)
    assert result.left_alone == ["Lead-Lead (Marketing) Layout"]
    assert result.restored == ["Contact-Contact Layout"]
    assert org.metadata.read("Layout", LEAD) == theirs and org.metadata.read("Layout", CONTACT) == ORIGINALS[CONTACT]
    [warning] = [r.message for r in caplog.records if r.levelno == logging.WARNING]
    assert "left alone" in warning and "Lead: Lead (Marketing) Layout" in warning and "overwrite_changed" in warning
    again = restore(org, snap, overwrite_changed=True)
    assert again.restored == ["Lead-Lead (Marketing) Layout"] and again.left_alone == []
    assert again.already_restored == ["Contact-Contact Layout"]  # put back by the first restore
    assert org.metadata.read("Layout", LEAD) == ORIGINALS[LEAD]


def test_a_layout_deleted_since_our_change_is_not_recreated_unless_told(org, tmp_path):
    snap = after_our_change(org, tmp_path)
    deploy(org, {}, deleted={"Layout": [LEAD]})
    result = restore(org, snap)
    assert result.left_alone == ["Lead-Lead (Marketing) Layout"] and org.metadata.read("Layout", LEAD) is None
    assert restore(org, snap, overwrite_changed=True).restored == ["Lead-Lead (Marketing) Layout"]
    assert org.metadata.read("Layout", LEAD) == ORIGINALS[LEAD]


def test_what_the_org_holds_as_the_snapshot_has_it_is_not_deployed_again(org, tmp_path, caplog):
    """A second restore, or the snapshot of a deploy that failed: nothing to put back, and nothing to warn about."""
    snap = after_our_change(org, tmp_path)
    assert restore(org, snap).restored
    org.log.write_text("")
    with caplog.at_level(logging.INFO):
        again = restore(org, snap)
    assert again.restored == [] and again.left_alone == []
    assert again.already_restored == ["Contact-Contact Layout", "Lead-Lead (Marketing) Layout"]
    assert count(org.log, "deploy") == 0 and not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_layout_and_comments_alone_are_no_change(org, tmp_path):
    snap = after_our_change(org, tmp_path)
    relaid = OURS[LEAD].replace(b"    ", b"  ").replace(b"<layoutSections>", b"<!-- saved --><layoutSections>", 1)
    assert relaid != OURS[LEAD]
    assert documents.content_digest(relaid, "a") == documents.content_digest(OURS[LEAD], "b")
    deploy(org, {f"layouts/{LEAD}.layout": relaid})
    assert restore(org, snap).left_alone == []


def test_nothing_left_to_restore_deploys_nothing(org, tmp_path):
    snap = after_our_change(org, tmp_path)
    deploy(org, {f"layouts/{n}.layout": layout(extra="Title") for n in OURS})
    result = restore(org, snap)
    assert sorted(result.left_alone) == ["Contact-Contact Layout", "Lead-Lead (Marketing) Layout"]
    assert count(org.log, "deploy") == 0 and result.restored == []


def test_an_older_snapshot_without_digests_restores_only_when_told(org, tmp_path):
    folder, manifest, layouts, pages = after_our_change(org, tmp_path)
    for entry in manifest["layouts"]:
        del entry["deployed_digest"]
    assert sorted(restore(org, (folder, manifest, layouts, pages)).left_alone) == [
        "Contact-Contact Layout",
        "Lead-Lead (Marketing) Layout",
    ]
    assert restore(org, (folder, manifest, layouts, pages), overwrite_changed=True).restored
