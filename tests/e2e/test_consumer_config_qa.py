"""A consuming project's standard `config_qa` against the local org: CumulusCI 4.10.1's own steps (deploy_post,
update_admin_profile), the consumer's own task as step 10 and this project's flow as step 90 through a `path:`
source, with the stand-alone cci."""

import yaml

from tests.e2e.test_sources import FLOW, cci, configured, consumer_project, ok, run  # noqa: F401 (cci: fixture)
from tests.harness import soap_actions


def test_standard_config_qa_with_our_flow_as_step_90(cci, local_org, tmp_path):  # noqa: F811
    org = local_org(person_accounts=True, contacts=5)
    project = consumer_project(tmp_path / "consumer")
    config = yaml.safe_load((project / "cumulusci.yml").read_text(encoding="utf-8"))
    # Steps 1 and 2 stay CumulusCI's own; the consumer's own task is step 10.
    config["flows"]["config_qa"] = {"steps": {10: {"task": "consumer_layouts"}, 90: {"flow": FLOW}}}
    (project / "cumulusci.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    admin_before = (org.metadata_dir / "profiles" / "Admin.profile").read_bytes()
    snapshots = ["-o", "add_individual_field_to_layouts__snapshot_dir", str(tmp_path / "snapshots")]

    out = ok(run(cci, org, project, "flow", "run", "config_qa", "--org", "sim", *snapshots))

    assert "update_admin_profile" in out and "deploy_post" in out
    # The consumer's step 10 ran before our flow, from its own tasks/layouts.py.
    assert out.index("consumer task layouts ran") < out.index("Running task: check_email_privacy_prerequisites")
    assert configured(org)
    # update_admin_profile retrieved Admin.profile with the standard objects and deployed it back.
    actions = soap_actions(org)
    assert actions.count("retrieve") >= 1 and actions.count("deploy") == 3
    admin = (org.metadata_dir / "profiles" / "Admin.profile").read_bytes()
    assert b"<field>Contact.Email</field>" in admin and b"<editable>false</editable>" not in admin
    assert admin.count(b"<fieldPermissions>") == admin_before.count(b"<fieldPermissions>")
    assert [r.get("consequence") for r in org.requests() if r.get("consequence")] == []
