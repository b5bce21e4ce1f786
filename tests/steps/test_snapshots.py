"""Snapshots on disk: kept per org id, the newest of this org found (older per-name folders too, never another
org's), and what our change deployed recorded by digest."""

import json
from datetime import UTC, datetime

import pytest

from email_privacy.errors import OptionError
from email_privacy.metadata import documents
from email_privacy.steps import snapshots
from tests.inprocess_org import layout

ORG, OTHER = "00D000000000001AAA", "00D000000000002AAB"
LAYOUTS = {"Contact-Contact Layout": layout()}
OURS = {"Contact-Contact Layout": layout(extra="IndividualId")}


def at(minute: int) -> datetime:
    return datetime(2026, 12, 1, 10, minute, tzinfo=UTC)


def write(base, org_name, org_id, minute, folder=None):
    """A snapshot; `folder` moves it into an older per-name folder, as earlier versions wrote them."""
    path = snapshots.write_snapshot(base, org_name, LAYOUTS, org_id=org_id, now=at(minute), deployed=OURS)
    if folder:
        (base / folder).mkdir(exist_ok=True)
        path = path.rename(base / folder / path.name)
    return path


def test_kept_per_org_id_with_the_digest_of_what_was_deployed(tmp_path):
    path = write(tmp_path, "qa", ORG, 1)
    assert path.parent == tmp_path / ORG
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["org_id"] == ORG and manifest["org_name"] == "qa"
    [entry] = manifest["layouts"]
    assert entry["deployed_digest"] == documents.content_digest(OURS["Contact-Contact Layout"], "x")


def test_the_newest_of_this_org_id_never_a_same_named_other_orgs(tmp_path):
    mine_old = write(tmp_path, "qa", ORG, 1)
    mine_legacy = write(tmp_path, "qa", ORG, 2, folder="qa")  # an older version's per-name folder
    write(tmp_path, "qa", OTHER, 3)  # another org named qa, newer
    write(tmp_path, "qa", OTHER, 4, folder="qa")  # and in the per-name folder too, newest of all
    assert snapshots.list_snapshots(tmp_path, ORG, "qa") == [mine_old, mine_legacy]
    assert snapshots.newest_snapshot(tmp_path, ORG, "qa") == mine_legacy
    mine_new = write(tmp_path, "qa", ORG, 5)
    assert snapshots.newest_snapshot(tmp_path, ORG[:15], "qa") == mine_new  # its 15-character id too


def test_none_of_this_org_names_the_other_orgs_it_will_not_use(tmp_path):
    write(tmp_path, "qa", OTHER, 3, folder="qa")
    with pytest.raises(OptionError) as e:
        snapshots.newest_snapshot(tmp_path, ORG, "qa")
    message = str(e.value)
    assert f"no snapshot of org qa ({ORG}) under {tmp_path}" in message and OTHER in message
    assert "never restored here" in message and "-o snapshot PATH" in message and "\n" not in message


def test_an_unreadable_manifest_in_the_old_folder_is_not_this_orgs(tmp_path):
    path = write(tmp_path, "qa", ORG, 1, folder="qa")
    (path / "manifest.json").chmod(0o600)
    (path / "manifest.json").write_text("{not json")
    assert snapshots.list_snapshots(tmp_path, ORG, "qa") == []


def test_same_org():
    assert snapshots.same_org(ORG, ORG[:15]) and not snapshots.same_org(ORG, OTHER)
    assert not snapshots.same_org("", "") and not snapshots.same_org(None, ORG)
