"""The real `cci` against the local org over HTTPS: retrieve, a settings deploy, a failing deploy."""

import shutil

from email_privacy.metadata.documents import MDAPI_NS, package_xml
from tests.harness import run_cci


def said(result) -> str:
    """What cci printed, with rich's line wrapping undone."""
    return " ".join((result.stdout + result.stderr).split())


def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_retrieve_deploy_and_failing_deploy(local_org, tmp_path):
    org = local_org(managed_layouts=True)

    # A retrieve: by the names Salesforce accepts, managed layout with its namespace.
    (tmp_path / "package.xml").write_bytes(
        package_xml(
            {
                "Layout": ["Contact-Contact %28Marketing%29 Layout", "Contact-acme__Acme Contact Layout"],
                "Settings": ["PartyDataModel"],
            },
            "63.0",
        )
    )
    out = tmp_path / "retrieved"
    r = run_cci(
        org,
        "task",
        "run",
        "retrieve_unpackaged",
        "--org",
        "sim",
        "-o",
        "package_xml",
        str(tmp_path / "package.xml"),
        "-o",
        "path",
        str(out),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / "layouts/Contact-acme__Acme Contact Layout.layout").read_bytes() == (
        org.metadata_dir / "layouts/Contact-acme__Acme Contact Layout.layout"
    ).read_bytes()
    assert (out / "settings/PartyDataModel.settings").is_file()

    # A failing deploy: IndividualId before Data Protection and Privacy is on. Nothing changes.
    src = tmp_path / "layout_deploy"
    (src / "layouts").mkdir(parents=True)
    layout = (out / "layouts/Contact-Contact %28Marketing%29 Layout.layout").read_text(encoding="utf-8")
    cut = layout.index("<layoutColumns>") + len("<layoutColumns>")
    layout = (
        layout[:cut]
        + "\n<layoutItems><behavior>Edit</behavior><field>IndividualId</field></layoutItems>"
        + layout[cut:]
    )
    (src / "layouts/Contact-Contact %28Marketing%29 Layout.layout").write_text(layout, encoding="utf-8")
    (src / "package.xml").write_bytes(package_xml({"Layout": ["Contact-Contact %28Marketing%29 Layout"]}, "63.0"))
    before = snapshot(org.metadata_dir)
    r = run_cci(org, "task", "run", "deploy", "--org", "sim", "--path", str(src))
    assert r.returncode != 0
    line = layout[:cut].count("\n") + 2  # the inserted item's line
    assert f"Update of Layout Contact-Contact %28Marketing%29 Layout: Error on line {line}, col 1" in said(r), said(r)
    assert "In field: field - no CustomField named Contact.IndividualId found" in said(r)
    assert snapshot(org.metadata_dir) == before

    # A settings deploy: turns Data Protection and Privacy on; fields the file leaves out keep their value.
    settings = tmp_path / "settings_deploy"
    (settings / "settings").mkdir(parents=True)
    doc = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="{MDAPI_NS}">\n'
        "    <enableConsentManagement>true</enableConsentManagement>\n</PartyDataModelSettings>\n"
    )
    (settings / "settings/PartyDataModel.settings").write_text(doc, encoding="utf-8")
    (settings / "package.xml").write_bytes(package_xml({"Settings": ["PartyDataModel"]}, "63.0"))
    r = run_cci(org, "task", "run", "deploy", "--org", "sim", "--path", str(settings))
    assert r.returncode == 0, r.stdout + r.stderr
    stored = (org.metadata_dir / "settings/PartyDataModel.settings").read_text(encoding="utf-8")
    assert "<enableConsentManagement>true</enableConsentManagement>" in stored
    assert "<enableIndividualAutoCreate>false</enableIndividualAutoCreate>" in stored

    # Now the same layout deploys, and DIR/metadata holds it.
    r = run_cci(org, "task", "run", "deploy", "--org", "sim", "--path", str(src))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "<field>IndividualId</field>" in (
        org.metadata_dir / "layouts/Contact-Contact %28Marketing%29 Layout.layout"
    ).read_text(encoding="utf-8")
    soap_calls = [q["soap_action"] for q in org.requests() if q.get("soap_action")]
    assert {"retrieve", "checkStatus", "checkRetrieveStatus", "deploy", "checkDeployStatus"} <= set(soap_calls)


def test_injected_deploy_failure_leaves_metadata_unchanged(local_org, tmp_path):
    org = local_org(fault=["deploy-fail:Activities"])
    src = tmp_path / "settings_deploy"
    (src / "settings").mkdir(parents=True)
    shutil.copy(org.metadata_dir / "settings/Activities.settings", src / "settings/Activities.settings")
    (src / "package.xml").write_bytes(package_xml({"Settings": ["Activities"]}, "63.0"))
    before = snapshot(org.metadata_dir)
    r = run_cci(org, "task", "run", "deploy", "--org", "sim", "--path", str(src))
    assert r.returncode != 0
    assert "Update of Settings Activities: Error: Injected failure for Activities (--fault deploy-fail)" in said(r), (
        said(r)
    )
    assert snapshot(org.metadata_dir) == before
