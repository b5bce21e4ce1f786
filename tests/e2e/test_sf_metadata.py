"""The Metadata API's release and housekeeping calls with the real clients: `sf project deploy validate` then
`sf project deploy quick`, `sf project deploy cancel` of a queued deploy, `sf org list metadata` of a type the
org does not model (refused as not modelled), settings deployed back unchanged (a no-op success), and
simple-salesforce's mdapi (readMetadata on `Soap/m/63.0/`)."""

import pytest
from simple_salesforce import Salesforce

from tests.e2e.sf_cli import ALIAS, access_token, fresh_sf, logged_in_home, require_sf, sfdx_project
from tests.e2e.test_sf_cli import LAYOUT, deploy_args, layout_bytes
from tests.harness import LocalOrgProcess, org_files


@pytest.fixture(scope="module")
def queued_org(tmp_path_factory):
    """One org whose deploys wait two status polls before they run (so one can be canceled)."""
    require_sf()
    org = LocalOrgProcess(tmp_path_factory.mktemp("sf-metadata"), deploy_queue_polls=2).start()
    try:
        yield org
    finally:
        org.stop()


@pytest.fixture(scope="module")
def template(queued_org):
    """sf logged in once to the queued org, in a HOME each test copies."""
    return logged_in_home(queued_org)


@pytest.fixture
def sf(queued_org, template, tmp_path):
    return fresh_sf(queued_org, template, tmp_path)


def test_validate_then_quick_deploy_lands_the_validated_layout(sf, tmp_path):
    layout = layout_bytes(sf.org).replace(b"<label>", b"<label>Validated ", 1)
    args, cwd = deploy_args("mdapi", tmp_path, f"layouts/{LAYOUT}.layout", layout, "Layout", LAYOUT)
    before = org_files(sf.org)
    validated = sf.ok("project", "deploy", "validate", *args, "-o", ALIAS, "--wait", "10", cwd=cwd)
    assert validated["status"] == "Succeeded" and validated["checkOnly"] is True
    assert org_files(sf.org) == before  # a validation changes nothing
    quick = sf.ok("project", "deploy", "quick", "--job-id", validated["id"], "-o", ALIAS, "--wait", "10", cwd=cwd)
    assert quick["status"] == "Succeeded" and quick["id"] != validated["id"]
    assert layout_bytes(sf.org) == layout
    code, again = sf("project", "deploy", "quick", "--job-id", validated["id"], "-o", ALIAS, "--wait", "10", cwd=cwd)
    assert code != 0 and "can't be used for quick deployment" in again["message"]


def test_cancel_of_a_queued_deploy_applies_nothing(sf, tmp_path):
    layout = layout_bytes(sf.org).replace(b"<label>", b"<label>Canceled ", 1)
    args, cwd = deploy_args("mdapi", tmp_path, f"layouts/{LAYOUT}.layout", layout, "Layout", LAYOUT)
    before = org_files(sf.org)
    started = sf.ok("project", "deploy", "start", *args, "-o", ALIAS, "--async", cwd=cwd)
    canceled = sf.ok("project", "deploy", "cancel", "--job-id", started["id"], "-o", ALIAS, "--wait", "5", cwd=cwd)
    assert canceled["status"] == "Canceled" and canceled["id"] == started["id"]
    assert org_files(sf.org) == before


def test_list_metadata_of_an_unmodelled_type_is_refused_as_not_modelled(sf):
    code, reply = sf("org", "list", "metadata", "-m", "ApexClass", "-o", ALIAS)
    assert code != 0 and "NOT_MODELLED_BY_LOCAL_ORG" in reply["message"] and "ApexClass" in reply["message"]
    listed = sf.ok("org", "list", "metadata", "-m", "Layout", "-o", ALIAS)
    assert {entry["fullName"] for entry in listed} >= {LAYOUT}
    # The standard objects and profiles are there, as in a real org.
    objects = sf.ok("org", "list", "metadata", "-m", "CustomObject", "-o", ALIAS)
    assert {e["fullName"] for e in objects} == {p.stem for p in (sf.org.metadata_dir / "objects").glob("*.object")}
    assert {e["fullName"] for e in sf.ok("org", "list", "metadata", "-m", "Profile", "-o", ALIAS)} >= {
        "Admin",
        "Standard",
    }


def test_simple_salesforce_reads_metadata_through_soap_m_with_a_trailing_slash(queued_org, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", queued_org.env["REQUESTS_CA_BUNDLE"])  # zeep's own session reads it
    sf = Salesforce(
        instance_url=queued_org.url, session_id=access_token(queued_org), version="63.0", session=_session(queued_org)
    )
    assert sf.metadata_url.endswith("/services/Soap/m/63.0/")
    layout = sf.mdapi.Layout.read(LAYOUT)
    assert layout.fullName == LAYOUT
    stored = layout_bytes(queued_org).decode()
    assert len(layout.layoutSections) == stored.count("<layoutSections>")
    assert f"<label>{layout.layoutSections[0].label}</label>" in stored
    settings = sf.mdapi.PartyDataModelSettings.read("PartyDataModel")
    assert settings.enableConsentManagement is False  # a new org's value
    lines = [r for r in queued_org.requests() if r["path"] == "/services/Soap/m/63.0/"]
    assert [r["status"] for r in lines] == [200, 200]  # both reads, on the path with the trailing slash


def _session(org):
    import requests

    session = requests.Session()
    session.verify = org.env["REQUESTS_CA_BUNDLE"]
    return session


def test_settings_retrieved_and_deployed_back_unchanged_is_a_no_op_success(sf, tmp_path):
    project = sfdx_project(tmp_path / "project")
    sf.ok("project", "retrieve", "start", "--metadata", "Settings:PartyDataModel", "-o", ALIAS, "--wait", "10",
          cwd=project)  # fmt: skip
    retrieved = project / "force-app" / "main" / "default" / "settings" / "PartyDataModel.settings-meta.xml"
    assert b"<enableConsentManagement>false</enableConsentManagement>" in retrieved.read_bytes()
    before = org_files(sf.org)
    seen = len(sf.org.requests())
    result = sf.ok("project", "deploy", "start", "--source-dir", "force-app", "-o", ALIAS, "--wait", "10", cwd=project)
    assert result["status"] == "Succeeded" and result["success"] is True
    settings = "settings/PartyDataModel.settings"
    assert (sf.org.state_dir / "metadata" / settings).read_bytes() == before[f"metadata/{settings}"]
    assert [r for r in sf.org.requests()[seen:] if r.get("consequence")] == []
