"""add_individual_field_to_layouts and restore_layouts against a stateful SOAP fake (no socket)."""

import os
import re
import stat

import pytest
import responses

from email_privacy import metadata_xml
from email_privacy.errors import OptionError, OrgError
from email_privacy.features import snapshots
from email_privacy.salesforce.layouts import has_field
from tests.conftest import import_task
from tests.fake_org import FakeOrg, layout, make_task, serve

AddIndividualFieldToLayouts = import_task("layouts").AddIndividualFieldToLayouts
RestoreLayouts = import_task("layouts").RestoreLayouts

DESCRIBE = re.compile(r"https://test\.salesforce\.com/services/data/v[\d.]+/sobjects/(\w+)/describe")


def describe_fields(obj, consent=True, person=False):
    fields = [{"name": "Id", "type": "id", "referenceTo": []}]
    if obj in ("Contact", "Lead") and consent:
        fields.append({"name": "IndividualId", "type": "reference", "referenceTo": ["Individual"]})
    if obj == "Account" and person:
        fields.append({"name": "IsPersonAccount", "type": "boolean", "referenceTo": []})
        if consent:
            fields.append({"name": "PersonIndividualId", "type": "reference", "referenceTo": ["Individual"]})
    return {"name": obj, "fields": fields}


def many_layouts(n=5):
    files = {}
    for obj in ("Contact", "Lead"):
        for i in range(n):
            files[f"layouts/{obj}-{obj} %28Team {i}%29 Layout.layout"] = layout()
    return files


@pytest.fixture
def org():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = serve(rsps, FakeOrg(many_layouts()))
        fake.person = False
        fake.consent = True
        fake.describes = 0

        def describe(request):
            fake.describes += 1
            obj = DESCRIBE.match(request.url).group(1)
            import json

            return (200, {}, json.dumps(describe_fields(obj, fake.consent, fake.person)))

        rsps.add_callback(responses.GET, DESCRIBE, callback=describe)
        yield fake


def run(task_class, tmp_path, **options):
    options.setdefault("snapshot_dir", str(tmp_path / "snaps"))
    options.setdefault("backoff", "0")
    task = make_task(task_class, options)
    task()
    return task


def test_one_list_one_retrieve_one_deploy_for_many_layouts(org, tmp_path):
    task = run(AddIndividualFieldToLayouts, tmp_path)
    # The lost-update guard is one Tooling query (REST), not a second listMetadata.
    assert (org.count("listMetadata"), org.count("retrieve"), org.count("deploy")) == (1, 1, 1)
    assert org.count("tooling/query") == 1
    assert len(task.return_values["changed"]) == 10 and task.return_values["deployed"]
    assert "Contact-Contact (Team 0) Layout" in task.return_values["changed"]  # names a person recognises
    deployed = org.deployed[0]
    assert len([n for n in deployed if n.endswith(".layout")]) == 10
    for name, data in org.files.items():
        assert has_field(metadata_xml.parse(data, name), "IndividualId"), name


def test_second_run_deploys_nothing(org, tmp_path):
    run(AddIndividualFieldToLayouts, tmp_path)
    org.calls.clear()
    task = run(AddIndividualFieldToLayouts, tmp_path)
    assert org.count("deploy") == 0 and org.count("listMetadata") == 1 and org.count("retrieve") == 1
    assert org.count("tooling/query") == 0  # nothing to deploy, nothing to guard
    assert task.return_values["changed"] == [] and len(task.return_values["unchanged"]) == 10


def test_only_changed_layouts_are_deployed(org, tmp_path):
    org.files["layouts/Contact-Contact %28Team 0%29 Layout.layout"] = layout(extra="IndividualId")
    task = run(AddIndividualFieldToLayouts, tmp_path)
    assert task.return_values["unchanged"] == ["Contact-Contact (Team 0) Layout"]
    assert "layouts/Contact-Contact %28Team 0%29 Layout.layout" not in org.deployed[0]


def test_snapshot_written_before_the_deploy_and_private(org, tmp_path):
    seen = []
    org.on_deploy = lambda files: seen.append(snapshots.list_snapshots(tmp_path / "snaps", "test"))
    originals = dict(org.files)
    task = run(AddIndividualFieldToLayouts, tmp_path)
    assert seen and len(seen[0]) == 1, "the snapshot must exist when the deploy arrives"
    snap = seen[0][0]
    assert str(snap) == task.return_values["snapshot"]
    manifest, saved = snapshots.load_snapshot(snap)
    assert {f"layouts/{n}.layout": d for n, d in saved.items()} == originals
    assert stat.S_IMODE(os.stat(snap).st_mode) == 0o700
    for f in snap.rglob("*"):
        assert stat.S_IMODE(os.stat(f).st_mode) == (0o700 if f.is_dir() else 0o600), f


def test_restore_puts_originals_back(org, tmp_path):
    originals = dict(org.files)
    run(AddIndividualFieldToLayouts, tmp_path)
    assert org.files != originals
    task = run(RestoreLayouts, tmp_path)
    assert org.files == originals
    assert len(task.return_values["restored"]) == 10


def test_dry_run_deploys_nothing_and_writes_no_snapshot(org, tmp_path):
    before = dict(org.files)
    task = run(AddIndividualFieldToLayouts, tmp_path, dry_run="true")
    assert org.count("deploy") == 0 and org.files == before
    assert len(task.return_values["changed"]) == 10 and not (tmp_path / "snaps" / "test").exists()


def test_check_only_saves_nothing(org, tmp_path):
    before = dict(org.files)
    task = run(AddIndividualFieldToLayouts, tmp_path, check_only="true")
    assert org.count("deploy") == 1 and org.files == before and not task.return_values["deployed"]


def test_lost_update_stops_without_deploying(org, tmp_path):
    org.edit_after_retrieve("layouts/Lead-Lead %28Team 3%29 Layout.layout")  # another admin saves the layout
    with pytest.raises(OrgError, match=r"Nothing was deployed.*Lead-Lead \(Team 3\) Layout.*Run the task again") as e:
        run(AddIndividualFieldToLayouts, tmp_path)
    assert "Team 2" not in str(e.value)  # only the layout that moved is named
    assert org.count("deploy") == 0 and not (tmp_path / "snaps" / "test").exists()
    assert org.count("tooling/query") == 1 and org.count("listMetadata") == 1  # found by the Tooling query


@pytest.mark.parametrize(
    "status, code", [(400, "INVALID_TYPE"), (403, "API_DISABLED_FOR_ORG"), (403, "INSUFFICIENT_ACCESS")]
)
def test_refused_tooling_query_falls_back_to_list_metadata_and_says_why(org, tmp_path, caplog, status, code):
    org.tooling_refusal = (status, code)
    org.edit_after_retrieve("layouts/Contact-Contact %28Team 1%29 Layout.layout")  # another admin saves the layout
    with pytest.raises(OrgError, match=r"Nothing was deployed.*Contact-Contact \(Team 1\) Layout"):
        run(AddIndividualFieldToLayouts, tmp_path)
    assert org.count("tooling/query") == 1 and org.count("listMetadata") == 2 and org.count("deploy") == 0
    warning = [r.getMessage() for r in caplog.records if "Lost-update check" in r.getMessage()]
    assert len(warning) == 1 and code in warning[0] and "listMetadata instead" in warning[0]


def test_refused_tooling_query_still_deploys_when_nothing_moved(org, tmp_path, caplog):
    org.tooling_refusal = (400, "INVALID_TYPE")
    task = run(AddIndividualFieldToLayouts, tmp_path)
    assert task.return_values["deployed"] and org.count("listMetadata") == 2
    assert any("INVALID_TYPE" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


def test_guard_follows_next_records_url(org, tmp_path):
    org.tooling_page = 3  # 10 layouts: 4 pages
    org.edit_after_retrieve()  # another admin saves every layout
    with pytest.raises(OrgError, match="Nothing was deployed") as e:
        run(AddIndividualFieldToLayouts, tmp_path)
    assert org.count("tooling/query") == 4
    assert str(e.value).count("Layout") == 10  # the last page's layouts too


def test_deploy_failure_leaves_org_and_snapshot(org, tmp_path):
    org.fail_component = "Lead-Lead %28Team 1%29 Layout"
    before = dict(org.files)
    with pytest.raises(OrgError, match="Lead-Lead %28Team 1%29 Layout"):
        run(AddIndividualFieldToLayouts, tmp_path)
    assert org.files == before
    assert len(snapshots.list_snapshots(tmp_path / "snaps", "test")) == 1


def test_503s_are_retried_during_the_task(org, tmp_path):
    org.fail_status = [503, 503]
    task = run(AddIndividualFieldToLayouts, tmp_path)
    assert task.return_values["deployed"]


def test_missing_individual_field_fails_clearly(org, tmp_path):
    org.consent = False
    with pytest.raises(OrgError, match="no field that looks up Individual.*deploy_email_privacy_settings"):
        run(AddIndividualFieldToLayouts, tmp_path)
    assert org.calls == []


def test_person_accounts_skipped_when_off(org, tmp_path):
    task = run(AddIndividualFieldToLayouts, tmp_path, objects="Contact,PersonAccount")
    assert "PersonAccount (person accounts off)" in task.return_values["skipped"]
    # Every Contact layout, and only those: no Lead layout was asked for, and PersonAccount is off.
    assert task.return_values["changed"] == [f"Contact-Contact (Team {i}) Layout" for i in range(5)]
    assert task.return_values["deployed"] is True


def test_person_account_layouts_get_person_individual_id(org, tmp_path):
    org.person = True
    org.files["layouts/PersonAccount-Person Account Layout.layout"] = layout()
    run(AddIndividualFieldToLayouts, tmp_path, objects="PersonAccount")
    data = org.files["layouts/PersonAccount-Person Account Layout.layout"]
    assert has_field(metadata_xml.parse(data, "pa"), "PersonIndividualId")


def test_explicit_layouts_skip_list_metadata(org, tmp_path):
    task = run(AddIndividualFieldToLayouts, tmp_path, layouts="Contact-Contact (Team 2) Layout")
    assert task.return_values["changed"] == ["Contact-Contact (Team 2) Layout"]
    # no listMetadata at all: the read names the layout, the guard takes its id from the retrieve
    assert org.count("listMetadata") == 0 and org.count("tooling/query") == 1


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
        run(AddIndividualFieldToLayouts, tmp_path, **options)
    assert message in str(e.value) and "\n" not in str(e.value)
    assert org.calls == [] and org.describes == 0


def test_restore_bad_snapshot_path(org, tmp_path):
    with pytest.raises(OptionError, match="Option snapshot: .*nowhere is not an existing folder"):
        run(RestoreLayouts, tmp_path, snapshot=str(tmp_path / "nowhere"))
    with pytest.raises(OptionError, match="no snapshot for org test"):
        run(RestoreLayouts, tmp_path)
    assert org.calls == []


def test_restore_refuses_tampered_snapshot(org, tmp_path):
    run(AddIndividualFieldToLayouts, tmp_path)
    snap = snapshots.list_snapshots(tmp_path / "snaps", "test")[0]
    victim = next((snap / "layouts").iterdir())
    os.chmod(victim, 0o600)
    victim.write_bytes(victim.read_bytes().replace(b"LastName", b"FirstName"))
    org.calls.clear()
    with pytest.raises(OptionError, match="was changed since the snapshot was taken"):
        run(RestoreLayouts, tmp_path, snapshot=str(snap))
    assert org.calls == []
