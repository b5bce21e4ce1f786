"""The real `cci task run` of the settings, layouts and restore tasks against the local org over HTTPS.

Each test checks the org's own state (DIR/metadata) and its request log, not just cci's exit code.
"""

from email_privacy.metadata import documents
from email_privacy.metadata.layouts import has_field
from tests.harness import (
    cci_task,
    individual_field,
    layout_files,
    ok,
    setting,
    settings_deployed,
    soap_actions,
    target_layouts,
)


def test_settings_dry_run_deploy_then_a_second_run_deploys_nothing(local_org):
    org = local_org(person_accounts=True)
    out = ok(cci_task(org, "deploy_email_privacy_settings", "dry_run", "true"))
    assert "deploy" not in soap_actions(org) and "nothing was deployed" in out
    assert setting(org, "PartyDataModel", "enableConsentManagement") is not True

    ok(cci_task(org, "deploy_email_privacy_settings"))
    assert soap_actions(org).count("deploy") == 1
    assert setting(org, "PartyDataModel", "enableConsentManagement") is True
    assert setting(org, "EmailAdministration", "enableEmailConsentManagement") is True
    assert setting(org, "Activities", "enableEmailTracking") is True

    seen = len(org.requests())
    out = ok(cci_task(org, "deploy_email_privacy_settings"))
    assert "already configured" in out and "deploy" not in soap_actions(org, seen)


def test_layouts_managed_and_odd_names_then_restore(local_org, tmp_path):
    org = local_org(state_dir=settings_deployed(tmp_path / "org", person_accounts=True, managed_layouts=True))
    snaps = str(tmp_path / "snaps")
    before = layout_files(org)

    seen = len(org.requests())
    ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert soap_actions(org, seen).count("deploy") == 1 and soap_actions(org, seen).count("retrieve") == 1
    for name, data in target_layouts(org).items():
        assert has_field(documents.parse(data, name), individual_field(name)), name
    assert any("%28" in n for n in target_layouts(org)) and any("__" in n for n in target_layouts(org))
    snapshot = sorted((tmp_path / "snaps" / org.org_config["org_id"]).iterdir())
    assert len(snapshot) == 1

    seen = len(org.requests())
    out = ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert "deploy" not in soap_actions(org, seen) and "nothing to deploy" in out

    ok(cci_task(org, "restore_layouts", "snapshot_dir", snaps))
    assert layout_files(org) == before
