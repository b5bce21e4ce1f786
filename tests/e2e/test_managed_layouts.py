"""End to end: managed-package and oddly named layouts through the main flow, verify and restore.

The unit part pins the listMetadata -> retrieve name rules on the shape a real org answers with, and
checks that the local org and the client agree (the local org's own listMetadata output, fed through
names.retrieve_name, retrieves every layout). The e2e part starts ONE local org with --managed-layouts
and person accounts, runs the real `cci flow run enable_individual_email_tracking` twice and then
`cci task run restore_layouts`, and each test checks one promise against the org's own files
(DIR/metadata/layouts), its request log, the snapshot manifest and the verify report.
"""

import io
import json
import zipfile

import pytest

from email_privacy.metadata import documents, names
from email_privacy.metadata.layouts import INDIVIDUAL_FIELD
from email_privacy.steps import verify
from email_privacy.steps.read import OrgRead, target_layouts
from email_privacy.steps.verdict import layout_rows, required
from localorg.models.identity import OrgIdentity
from localorg.models.layout_names import LayoutName
from localorg.models.metadata import MetadataStore
from localorg.models.seed import seed_layout_names
from localorg.process import LocalOrgProcess
from tests.harness import run_cci

PROFILE = {"person_accounts": True, "managed_layouts": True}
FLOW = "enable_individual_email_tracking"

# listMetadata entries as a REAL org gives them -> retrieve/deploy member. tests/metadata/test_names.py holds the
# general table; these rows pin what it lacks: the fileName is no help for an installed layout.
REAL_ORG_TABLE = [
    # A real org's reply for an installed layout: fileName built from the namespace-less fullName too
    # (mdapi-issues/listmetadata-installed-missing-namespaceprefix, test/fixtures/actual.json).
    (
        {
            "fullName": "mdapidummy2gen__Vehicle__c-Vehicle Layout",
            "manageableState": "installed",
            "fileName": "layouts/mdapidummy2gen__Vehicle__c-Vehicle Layout.layout",
            "namespacePrefix": "mdapidummy2gen",
        },
        "mdapidummy2gen__Vehicle__c-mdapidummy2gen__Vehicle Layout",
    ),
    # Same reply, unmanaged layout on the managed object: no namespacePrefix, nothing added (same fixture).
    (
        {
            "fullName": "mdapidummy2gen__Vehicle__c-Vehicle Layout Custom",
            "manageableState": "unmanaged",
            "fileName": "layouts/mdapidummy2gen__Vehicle__c-Vehicle Layout Custom.layout",
        },
        "mdapidummy2gen__Vehicle__c-Vehicle Layout Custom",
    ),
    # Installed layout of a standard object, real shape, encoded name
    # (docs/salesforce-facts.md, "Page layouts": the FinServ example).
    (
        {
            "fullName": "Contact-Contact %28Individual%29 Layout",
            "manageableState": "installed",
            "fileName": "layouts/Contact-Contact %28Individual%29 Layout.layout",
            "namespacePrefix": "FinServ",
        },
        "Contact-FinServ__Contact %28Individual%29 Layout",
    ),
    # Cross-package, real shape: the layout's namespace (beta), not the object's
    # (vscode-sfdx-hardis/issues/454 on GitHub).
    (
        {
            "fullName": "acme__Donation__c-Donation Intake Layout",
            "manageableState": "installed",
            "fileName": "layouts/acme__Donation__c-Donation Intake Layout.layout",
            "namespacePrefix": "beta",
        },
        "acme__Donation__c-beta__Donation Intake Layout",
    ),
    # The other discrepancy reported (salesforce.stackexchange 66027, cited in MavensMate/issues/402): the
    # namespace in fileName only, namespacePrefix absent: the fileName's namespace is taken.
    (
        {
            "fullName": "NS__My_Object__c-My Object Layout",
            "fileName": "layouts/NS__My_Object__c-NS__My Object Layout.layout",
        },
        "NS__My_Object__c-NS__My Object Layout",
    ),
    # A fileName that differs otherwise is not trusted over the fullName.
    ({"fullName": "Lead-Lead Layout", "fileName": "layouts/Lead-Other Layout.layout"}, "Lead-Lead Layout"),
    # Names with ( ) ' & é 製, given decoded or encoded, end encoded as Salesforce writes them
    # (forcedotcom/cli/issues/2869; docs/salesforce-facts.md, "Page layouts").
    ({"fullName": "Contact-Contact (O'Brien & Sons) Layout"}, "Contact-Contact %28O%27Brien %26 Sons%29 Layout"),
    (
        {"fullName": "Lead-Lead Layout f%C3%BCr Caf%C3%A9 %E8%A3%BD%E5%93%81", "namespacePrefix": ""},
        "Lead-Lead Layout f%C3%BCr Caf%C3%A9 %E8%A3%BD%E5%93%81",
    ),
]


@pytest.mark.parametrize("entry, member", REAL_ORG_TABLE, ids=[e["fullName"] for e, _ in REAL_ORG_TABLE])
def test_real_org_list_entries_map_to_retrieve_names(entry, member):
    assert names.retrieve_name(entry) == member


# retrieve name (+ listMetadata namespacePrefix) -> what a person sees: object, Setup name, package, listing line.
HUMAN_TABLE = [
    ("Contact-Contact %28Marketing%29 Layout", None, ("Contact", "Contact (Marketing) Layout", None)),
    ("Lead-%C3%9Cn%C3%AFcode %E8%A3%BD Layout", None, ("Lead", "Ünïcode 製 Layout", None)),
    ("Contact-acme__Acme Contact %28Partner%29 Layout", "acme", ("Contact", "Acme Contact (Partner) Layout", "acme")),
    ("Contact-acme__Acme Contact %28Partner%29 Layout", None, ("Contact", "Acme Contact (Partner) Layout", "acme")),
    ("acme__Donation__c-beta__Donation Intake Layout", "beta", ("acme__Donation__c", "Donation Intake Layout", "beta")),
    ("Contact-___NAMESPACE___Contact Layout", None, ("Contact", "___NAMESPACE___Contact Layout", None)),
]


@pytest.mark.parametrize("member, ns, expected", HUMAN_TABLE)
def test_human_names(member, ns, expected):
    obj, label, package = expected
    assert (names.layout_object(member), names.human_label(member, ns), names.layout_package(member, ns)) == expected
    assert names.human_name(member, ns) == f"{obj}: {label}" + (f" [package {package}]" if package else "")


@pytest.mark.parametrize("real_shape", [False, True], ids=["local-org-fileName", "real-org-fileName"])
def test_local_org_list_output_retrieves_through_retrieve_name(tmp_path, real_shape):
    """Client and local org agree: every listMetadata entry of a --managed-layouts org, through
    names.retrieve_name, is found by the org's retrieve, with the namespace only the managed ones carry."""
    store = MetadataStore(tmp_path, OrgIdentity(**PROFILE))
    store.seed()
    entries = store.list_metadata("Layout")
    if real_shape:  # what a real org answers: fileName built from the namespace-less fullName
        entries = [
            {
                **e,
                "fileName": LayoutName.from_member(
                    names.full_name_from_path(e["fileName"]), store.namespaces
                ).list_file_name,
            }
            for e in entries
        ]
        assert all(e["fileName"] == f"layouts/{e['fullName']}.layout" for e in entries)
    wanted = [names.retrieve_name(e) for e in entries]
    # Every seeded layout, Individual's own among them.
    assert sorted(wanted) == sorted(
        [*(n.member for n in seed_layout_names(store.identity)), "Individual-Individual Layout"]
    )
    assert any(e["fullName"] != m for e, m in zip(entries, wanted, strict=True)), "no managed layout was listed"

    outcome = store.retrieve({"Layout": wanted})
    assert outcome.messages == []
    with zipfile.ZipFile(io.BytesIO(outcome.zip_bytes)) as zf:
        got = {n for n in zf.namelist() if n != "unpackaged/package.xml"}
    assert got == {f"unpackaged/layouts/{names.file_name(m)}" for m in wanted}
    # The names the read plans with are the same, so its deploy names the files as the org does.
    targets = target_layouts(entries, INDIVIDUAL_FIELD)
    assert {e["retrieveName"] for e in targets} == {m for m in wanted if names.layout_object(m) in INDIVIDUAL_FIELD}


def test_verify_rows_name_managed_layouts_with_their_package():
    files = {
        "Contact-acme__Acme Contact Layout": b"<Layout xmlns='http://soap.sforce.com/2006/04/metadata'/>",
        "Contact-Contact %28Marketing%29 Layout": b"<Layout xmlns='http://soap.sforce.com/2006/04/metadata'/>",
    }
    read = OrgRead(objects=("Contact",))
    for name, data in files.items():
        read.add_layout(name, data, package="acme" if "acme__" in name else None)
    rows = layout_rows(read.layouts, ["Contact"], required(["Contact"], {}))
    assert [(r.name, r.package, r.api_name) for r in rows] == [
        ("Acme Contact Layout", "acme", "Contact-acme__Acme Contact Layout"),
        ("Contact (Marketing) Layout", "", "Contact-Contact %28Marketing%29 Layout"),
    ]
    assert verify.table_columns(rows)[2] == verify.PACKAGE_COLUMN
    assert verify.table_columns(rows[1:]) == verify.COLUMNS  # no managed layout: no Package column
    assert "Acme Contact Layout (Contact, package acme)" in verify.failure_message(rows)


# ---- end to end: one org for the module ------------------------------------------------------------


def target_objects():
    return set(INDIVIDUAL_FIELD)


def layout_files(org) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((org.metadata_dir / "layouts").iterdir())}


def field_count(data: bytes, field: str, name: str) -> int:
    root = documents.parse(data, name).getroot()
    return sum(1 for el in root.iter("{*}field") if el.text == field)


def soap_actions(org, since=0):
    return [r.get("soap_action") for r in org.requests()[since:] if r.get("soap_action")]


def output(result):
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The org before anything, after the first flow run, after the second, after restore_layouts."""
    work = tmp_path_factory.mktemp("managed")
    org = LocalOrgProcess(work / "org", **PROFILE).start()
    try:
        snaps, report = work / "snapshots", work / "verify.json"
        flow = [
            "flow",
            "run",
            FLOW,
            "--org",
            "sim",
            "-o",
            "add_individual_field_to_layouts__snapshot_dir",
            str(snaps),
            "-o",
            "verify_email_privacy__report",
            str(report),
        ]
        data = {"org": org, "snapshots": snaps, "report": report, "before": layout_files(org)}
        data["first"] = run_cci(org, *flow, timeout=300)
        data["after_first"] = layout_files(org)
        data["log_after_first"] = len(org.requests())
        data["second"] = run_cci(org, *flow, timeout=300)
        data["second_actions"] = soap_actions(org, data["log_after_first"])
        data["after_second"] = layout_files(org)
        data["restore"] = run_cci(
            org, "task", "run", "restore_layouts", "--org", "sim", "-o", "snapshot_dir", str(snaps)
        )
        data["after_restore"] = layout_files(org)
        yield data
    finally:
        org.stop()


def expected_targets():
    """{file name: LayoutName} of every Contact, Lead and PersonAccount layout the org was seeded with."""
    return {f"{n.member}.layout": n for n in seed_layout_names(OrgIdentity(**PROFILE)) if n.object in target_objects()}


def test_first_run_puts_the_field_once_on_every_target_layout(run):
    assert run["first"].returncode == 0, output(run["first"])[-4000:]
    before, after = run["before"], run["after_first"]
    assert set(after) == set(before), "a deploy created or removed a layout file (misnamed member?)"
    targets = expected_targets()
    assert set(targets) <= set(before)
    # every kind of odd name is among them
    kinds = {
        "managed": [n for n in targets.values() if n.namespace],
        "odd": [n for n in targets.values() if set(n.label) & set("()'&é製")],
    }
    assert len(kinds["managed"]) == 9 and {n.namespace for n in kinds["managed"]} == {"acme", "beta"}
    assert len(kinds["odd"]) >= 6
    for name, data in after.items():
        obj = names.layout_object(names.full_name_from_path(name))
        if obj in target_objects():
            assert field_count(data, INDIVIDUAL_FIELD[obj], name) == 1, name
            assert data != before[name], f"{name} was not deployed"
        else:  # Account and the cross-package acme__Donation__c layouts
            assert data == before[name], f"{name} is not a target and must be byte-identical"
    assert any(names.layout_object(n) == "acme__Donation__c" for n in map(names.full_name_from_path, after))


def test_listing_snapshot_and_verify_report_show_recognisable_names(run):
    text = output(run["first"])
    targets = expected_targets()
    expected = {(n.object, n.label, n.namespace or "") for n in targets.values()}
    # the task's printed listing
    assert "will add the field: Contact: Acme Contact (Partner) Layout [package acme]" in text
    assert "will add the field: Lead: Lead Layout für Café 製品" in text
    # the snapshot manifest: every changed layout, named as in Setup, with its package
    (snapshot,) = (run["snapshots"] / run["org"].org_config["org_id"]).iterdir()
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    assert {(e["object"], e["label"], e["package"] or "") for e in manifest["layouts"]} == expected
    assert {e["name"] for e in manifest["layouts"]} == {n.member for n in targets.values()}
    shown = {e["display_name"] for e in manifest["layouts"]}
    assert {
        "Contact: Contact (O'Brien & Sons) Layout",
        "PersonAccount: Person Account Layout für Café 製品",
        "Lead: Beta Lead Layout [package beta]",
    } <= shown
    # the verify JSON: the same layouts, every one OK, plus the four settings
    report = json.loads(run["report"].read_text(encoding="utf-8"))
    assert report["configured"] is True
    report["layouts"] = [r for r in report["layouts"] if r["object"] != "Individual"]  # its own test elsewhere
    assert {(r["object"], r["name"], r["package"]) for r in report["layouts"]} == expected
    assert all(r["verdict"] == "OK" and r["state"].startswith("has ") for r in report["layouts"])
    assert {r["api_name"] for r in report["layouts"]} == {n.member for n in targets.values()}
    assert len(report["settings"]) == 4 and all(r["verdict"] == "OK" for r in report["settings"])
    # the verify table: a Package column, managed rows with theirs, decoded names
    table = text[text.index("Email privacy verification") :]
    assert any("Package" in line for line in table.splitlines()[:4])
    lines = {" ".join(line.split()) for line in table.splitlines()}
    assert "PersonAccount Acme Person Account (Partner) Layout acme has PersonIndividualId OK" in lines
    assert "Contact Contact (O'Brien & Sons) Layout has IndividualId OK" in lines
    assert "Lead Lead Layout für Café 製品 has IndividualId OK" in lines
    assert "%28" not in table and "acme__" not in table


def test_second_run_deploys_nothing(run):
    assert run["second"].returncode == 0, output(run["second"])[-4000:]
    assert "deploy" not in run["second_actions"]
    assert run["after_second"] == run["after_first"]
    assert "already configured" in output(run["second"])


def test_restore_layouts_puts_every_layout_back_byte_identical(run):
    assert run["restore"].returncode == 0, output(run["restore"])[-4000:]
    assert run["after_restore"] == run["before"]
    text = output(run["restore"])
    assert "Restored: " in text and "Contact: Acme Contact (Partner) Layout [package acme]" in text
