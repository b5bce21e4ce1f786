"""The real `cci task run` of the settings, layouts and restore tasks against the local org over HTTPS.

Each test checks the org's own state (DIR/metadata) and its request log, not just cci's exit code.
"""

import pytest

from email_privacy import names, xmlsafe
from email_privacy.layouts import has_field
from email_privacy.settings import read_settings
from tests.harness import run_cci

pytestmark = pytest.mark.e2e


def cci_task(org, task, *options):
    args = ["task", "run", task, "--org", "sim"]
    for i in range(0, len(options), 2):
        args += ["-o", options[i], options[i + 1]]
    return run_cci(org, *args, env={"COLUMNS": "400"})  # no line wrapping by rich


def ok(result):
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def actions(org, since=0):
    """SOAP actions in the request log after entry `since`."""
    return [r.get("soap_action") for r in org.requests()[since:] if r.get("soap_action")]


def layouts(org) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((org.metadata_dir / "layouts").glob("*.layout"))}


def setting(org, stem, field):
    path = org.metadata_dir / "settings" / f"{stem}.settings"
    return read_settings(xmlsafe.parse(path.read_bytes(), stem)).get(field)


def target_layouts(org):
    return {n: d for n, d in layouts(org).items()
            if names.layout_object(names.full_name_from_path(n)) in ("Contact", "Lead", "PersonAccount")}


def test_settings_dry_run_deploy_then_nothing(local_org):
    org = local_org(person_accounts=True)
    out = ok(cci_task(org, "deploy_email_privacy_settings", "dry_run", "true"))
    assert "deploy" not in actions(org) and "nothing was deployed" in out
    assert setting(org, "PartyDataModel", "enableConsentManagement") is not True

    ok(cci_task(org, "deploy_email_privacy_settings"))
    assert actions(org).count("deploy") == 1
    assert setting(org, "PartyDataModel", "enableConsentManagement") is True
    assert setting(org, "EmailAdministration", "enableEmailConsentManagement") is True
    assert setting(org, "Activities", "enableEmailTracking") is True


def test_settings_second_run_deploys_nothing(local_org):
    org = local_org(person_accounts=True)
    ok(cci_task(org, "deploy_email_privacy_settings"))
    seen = len(org.requests())
    out = ok(cci_task(org, "deploy_email_privacy_settings"))
    assert "already configured" in out and "deploy" not in actions(org, seen)


def test_layouts_managed_and_odd_names_then_restore(local_org, tmp_path):
    org = local_org(person_accounts=True, managed_layouts=True)
    snaps = str(tmp_path / "snaps")
    ok(cci_task(org, "deploy_email_privacy_settings"))
    before = layouts(org)

    seen = len(org.requests())
    ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert actions(org, seen).count("deploy") == 1 and actions(org, seen).count("retrieve") == 1
    for name, data in target_layouts(org).items():
        obj = names.layout_object(names.full_name_from_path(name))
        field = "PersonIndividualId" if obj == "PersonAccount" else "IndividualId"
        assert has_field(xmlsafe.parse(data, name), field), name
    assert any("%28" in n for n in target_layouts(org)) and any("__" in n for n in target_layouts(org))
    snapshot = sorted((tmp_path / "snaps" / "sim").iterdir())
    assert len(snapshot) == 1

    seen = len(org.requests())
    out = ok(cci_task(org, "add_individual_field_to_layouts", "snapshot_dir", snaps))
    assert "deploy" not in actions(org, seen) and "nothing to deploy" in out
