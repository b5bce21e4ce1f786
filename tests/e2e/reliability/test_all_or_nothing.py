"""All or nothing per deploy, with the real cci and the local org's `--fault deploy-fail:FULLNAME`.

A deploy that fails for one component leaves every component of that deploy as it was (byte for byte
under DIR, lastModifiedDate included); the one-line message names the component and the org's reason;
the snapshot written before the deploy is still there and `restore_layouts` puts the layouts back from it.
"""

from tests.harness import (
    all_have_field,
    cci_task,
    error_line,
    layout_files,
    ok,
    org_files,
    private,
    restart_with,
    setting,
    settings_deployed,
    soap_actions,
    target_layouts,
)

FAILING_LAYOUT = "Contact-Contact %28Sales%29 Layout"


def test_failed_layout_deploy_changes_nothing_and_its_snapshot_restores(local_org, tmp_path):
    state = settings_deployed(tmp_path / "org", person_accounts=True)
    org = local_org(state_dir=state, fault=[f"deploy-fail:{FAILING_LAYOUT}"])
    originals, before = layout_files(org), org_files(org)
    snaps, seen = tmp_path / "snaps", len(org.requests())

    line = error_line(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert FAILING_LAYOUT in line and "Injected failure" in line  # the component and the org's reason
    assert "nothing was changed" in line and "restore_page_changes" in line
    assert soap_actions(org, seen).count("deploy") == 1 and org_files(org) == before

    [snapshot] = sorted((snaps / org.org_config["org_id"]).iterdir())
    saved = sorted(p.name for p in (snapshot / "layouts").iterdir())
    assert len(saved) == len(target_layouts(org)) and f"{FAILING_LAYOUT}.layout" in saved
    assert private(snapshot) == 0o700 and all(private(p) == 0o600 for p in snapshot.rglob("*") if p.is_file())

    # The cause goes away; a run succeeds; the snapshot of the failed run still puts every layout back.
    restart_with(org, [])
    ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert all_have_field(org)
    text = ok(cci_task(org, "restore_layouts", "snapshot", snapshot))
    assert "Restored:" in text and layout_files(org) == originals


def test_failed_settings_deploy_keeps_every_settings_file(local_org):
    org = local_org(fault=["deploy-fail:EmailAdministration"])
    before = org_files(org)
    line = error_line(cci_task(org, "deploy_email_privacy_settings"))
    assert "Settings EmailAdministration" in line and "Injected failure" in line and "nothing was changed" in line
    # PartyDataModel and Activities were in the same deploy: none of it was kept.
    assert org_files(org) == before and setting(org, "PartyDataModel", "enableConsentManagement") is not True

    restart_with(org, [])
    ok(cci_task(org, "deploy_email_privacy_settings"))
    assert setting(org, "PartyDataModel", "enableConsentManagement") is True
    assert setting(org, "EmailAdministration", "enableEmailConsentManagement") is True
    assert setting(org, "Activities", "enableEmailTracking") is True
