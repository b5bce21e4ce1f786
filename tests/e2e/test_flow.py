"""The real `cci flow run enable_individual_email_tracking` against the local org.

Each test starts `email-privacy org serve` in a subprocess (tests/harness.py) and runs the real cci over HTTPS,
then looks at the org's own state under DIR/metadata and at its request log.
"""

import json
import stat

import pytest

from email_privacy.metadata import documents
from email_privacy.metadata.layouts import INDIVIDUAL_FIELD, has_field
from email_privacy.metadata.names import full_name_from_path, layout_object
from email_privacy.metadata.settings import read_settings
from tests.harness import run_cci

FLOW = "enable_individual_email_tracking"
SWITCHES = {
    "PartyDataModel": "enableConsentManagement",
    "EmailAdministration": "enableEmailConsentManagement",
    "Activities": "enableEmailTracking",
}


def snapshot_files(root):
    """{relative path: bytes} of every file under root: the org's metadata, to compare before and after."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def deploys(org):
    return [r for r in org.requests() if r.get("soap_action") == "deploy"]


def soap_count(org, action, requests=None):
    return sum(1 for r in (requests if requests is not None else org.requests()) if r.get("soap_action") == action)


def tooling_queries(org):
    return [r for r in org.requests() if r.get("method") == "GET" and "/tooling/query" in (r.get("path") or "")]


def consequences(org):
    """What the org's request log says requests did beyond their answer: a deploy turning consent management
    off says it purged the org's data protection details (tests/localorg/models/test_privacy.py)."""
    return [r["consequence"] for r in org.requests() if r.get("consequence")]


def tokens(org):
    return [r for r in org.requests() if r.get("method") == "POST" and r.get("path") == "/services/oauth2/token"]


def run_flow(org, tmp_path, *options):
    args = [
        "flow",
        "run",
        FLOW,
        "--org",
        "sim",
        "-o",
        "add_individual_field_to_layouts__snapshot_dir",
        str(tmp_path / "snapshots"),
        *options,
    ]
    return run_cci(org, *args, timeout=300)


def out(result):
    return result.stdout + result.stderr


def test_full_run_then_second_run_deploys_nothing(local_org, tmp_path):
    org = local_org(person_accounts=True)
    report = tmp_path / "reports" / "verify.json"
    first = run_flow(org, tmp_path, "-o", "verify_email_privacy__report", str(report))
    assert first.returncode == 0, out(first)[-4000:]

    settings_dir = org.metadata_dir / "settings"
    for stem, field in SWITCHES.items():
        values = read_settings(documents.parse_file(settings_dir / f"{stem}.settings"))
        assert values.get(field) is True, f"{stem}.{field} is not on in the org"
    targets = [
        p
        for p in (org.metadata_dir / "layouts").glob("*.layout")
        if layout_object(full_name_from_path(p)) in INDIVIDUAL_FIELD
    ]
    assert {layout_object(full_name_from_path(p)) for p in targets} == {"Contact", "Lead", "PersonAccount"}
    for path in targets:
        field = INDIVIDUAL_FIELD[layout_object(full_name_from_path(path))]
        assert has_field(documents.parse_file(path), field), f"{path.name} lacks {field}"

    text = out(first)
    assert "Email privacy verification" in text and "has PersonIndividualId" in text
    # cci logs every step's options: the files handed from step 3 to step 4 show as names, not XML.
    assert "permission_sets: permission set(s) Email_Privacy_Individual_Access" in text
    assert "<PermissionSet" not in text and "<Layout" not in text
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["configured"] is True and len(data["layouts"]) == len(targets) + 1  # and Individual's own
    assert stat.S_IMODE(report.stat().st_mode) == 0o600

    # Two deploys, settings then layouts; the permission set rides in the layouts deploy.
    before = len(deploys(org))
    assert before == 2, [r.get("soap_action") for r in org.requests()]
    assert (org.metadata_dir / "permissionsets" / "Email_Privacy_Individual_Access.permissionset").is_file()
    assert "layout(s) with the Individual field and permission set(s) Email_Privacy_Individual_Access;" in text
    # ONE listMetadata (step 1's read); the lost-update guard is one Tooling query (REST) instead.
    assert soap_count(org, "listMetadata") == 1, [r.get("soap_action") for r in org.requests()]
    assert len(tooling_queries(org)) == 1 and "Lost-update check" not in text
    # One refresh when cci loads the org and one by the first task; the later four reuse it.
    assert len(tokens(org)) == 2, len(tokens(org))
    seen = len(org.requests())
    second = run_flow(org, tmp_path)
    assert second.returncode == 0, out(second)[-4000:]
    assert len(deploys(org)) == before, "the second run deployed something"
    assert soap_count(org, "listMetadata", org.requests()[seen:]) == 1 and len(tooling_queries(org)) == 1
    assert "already configured" in out(second)
    assert consequences(org) == []  # neither run turned consent management off


@pytest.mark.parametrize(
    "serve_options, message",
    [
        ({"edition": "Team Edition"}, "Group Edition"),
        ({"without_customize_application": True}, "Customize Application"),
    ],
)
def test_prerequisites_stop_the_flow_and_leave_the_org_unchanged(local_org, tmp_path, serve_options, message):
    org = local_org(person_accounts=True, **serve_options)
    before = snapshot_files(org.metadata_dir)
    result = run_flow(org, tmp_path)
    assert result.returncode != 0
    text = out(result)
    assert message in text and "nothing was changed" in text
    assert "Traceback" not in text
    assert "Running task: deploy_email_privacy_settings" not in text  # stopped in step 1
    assert deploys(org) == []
    assert snapshot_files(org.metadata_dir) == before


def test_dry_run_set_once_on_the_prerequisites_changes_nothing(local_org, tmp_path):
    org = local_org(person_accounts=False)
    before = snapshot_files(org.metadata_dir)
    result = run_flow(org, tmp_path, "-o", "check_email_privacy_prerequisites__dry_run", "true")
    assert result.returncode == 0, out(result)[-4000:]
    assert deploys(org) == []
    assert snapshot_files(org.metadata_dir) == before
    assert "Dry run" in out(result)


def test_org_without_person_accounts_configures_contact_and_lead_and_the_permission_set(local_org, tmp_path):
    org = local_org(person_accounts=False)
    result = run_flow(org, tmp_path)
    assert result.returncode == 0, out(result)[-4000:]
    layouts = {layout_object(full_name_from_path(p)): p for p in (org.metadata_dir / "layouts").glob("*.layout")}
    assert "PersonAccount" not in layouts
    for path in (org.metadata_dir / "layouts").glob("*.layout"):
        obj = layout_object(full_name_from_path(path))
        if obj in ("Contact", "Lead"):
            assert has_field(documents.parse_file(path), "IndividualId"), path.name
    # The permission set names only Individual fields, so it deploys where person accounts are off.
    assert (org.metadata_dir / "permissionsets" / "Email_Privacy_Individual_Access.permissionset").is_file()
    assert len(deploys(org)) == 2 and consequences(org) == []
