"""Salesforce's own CLI (`sf`, pinned) against the local org, as a new user would run it, each result checked
against the org's own state: files are the org's bytes, deploys land in its folder, records are its rows.
"""

import csv
import io
import zipfile
from pathlib import Path

import pytest

from tests.e2e.sf_cli import ALIAS, SfRun, fresh_sf, logged_in_home, org_get, require_sf, sfdx_project
from tests.harness import LocalOrgProcess, org_files, records

LAYOUT = "Contact-Contact Layout"
BAD_FIELD = "NoSuchField__c"
MD = "http://soap.sforce.com/2006/04/metadata"
PACKAGE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="' + MD + '">'
    "<types><members>{member}</members><name>{type}</name></types><version>63.0</version></Package>\n"
)
CONSENT_ON = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="' + MD + '">'
    "<enableConsentManagement>true</enableConsentManagement></PartyDataModelSettings>\n"
)


@pytest.fixture(scope="module")
def changed_org(module_local_org):
    """One org (3 Contacts, 2 Leads) for the tests that change it, each in a way no other test reads (a record
    of its own, a layout label, consent on), with sf logged in once into a template HOME."""
    org = module_local_org(contacts=3, leads=2)
    return org, logged_in_home(org)


@pytest.fixture
def sf(changed_org, tmp_path):
    """sf logged in to the org the changing tests share, in a fresh HOME (a copy of the logged-in one)."""
    return fresh_sf(*changed_org, tmp_path)


@pytest.fixture(scope="module")
def read_only_org(tmp_path_factory):
    """One org for the tests that only read it, with sf logged in once into a template HOME."""
    org = LocalOrgProcess(tmp_path_factory.mktemp("sf-read-only"), contacts=3, leads=2).start()
    try:
        yield org, logged_in_home(org)
    finally:
        org.stop()


@pytest.fixture
def sf_read(read_only_org, tmp_path):
    """sf logged in to the shared org that no test changes, in a fresh HOME (a copy of the logged-in one)."""
    return fresh_sf(*read_only_org, tmp_path)


def layout_bytes(org, name=LAYOUT) -> bytes:
    return (org.metadata_dir / "layouts" / f"{name}.layout").read_bytes()


def with_bad_field(layout: bytes) -> bytes:
    """The layout with a field item naming a field Contact lacks, first in its first column."""
    item = f"<layoutItems><behavior>Edit</behavior><field>{BAD_FIELD}</field></layoutItems>".encode()
    at = layout.index(b"<layoutItems>")
    return layout[:at] + item + layout[at:]


def mdapi_folder(root: Path, type_: str, member: str, path: str, data: bytes) -> Path:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)
    (root / "package.xml").write_text(PACKAGE.format(member=member, type=type_), encoding="utf-8")
    return root


# -- login, org display, list metadata -------------------------------------------------------


def test_login_with_an_access_token_and_org_display_name_the_org(local_org, tmp_path):
    require_sf()
    org = local_org()
    run = SfRun(org, tmp_path / "home")
    login = run.login()
    config = org.org_config
    assert login["orgId"] == config["org_id"]
    assert login["username"] == config["username"]
    assert login["instanceUrl"].rstrip("/") == org.url
    assert login["orgEdition"] == config["org_type"]
    shown = run.ok("org", "display", "--target-org", ALIAS)
    assert shown["id"] == config["org_id"]
    assert shown["username"] == config["username"]
    assert shown["connectedStatus"] == "Connected"
    assert shown["instanceUrl"].rstrip("/") == org.url
    assert "[REDACTED]" in shown["accessToken"]


# sf reads every type's listMetadata reply alike; the org's lists of each type are checked in-process
# (tests/localorg/models/test_metadata.py) and CustomObject and Profile through sf in test_sf_metadata.py.
@pytest.mark.parametrize("type_, folder, suffix", [("Layout", "layouts", ".layout")])
def test_list_metadata_names_what_the_org_holds(sf_read, type_, folder, suffix):
    listed = sf_read.ok("org", "list", "metadata", "--metadata-type", type_, "--target-org", ALIAS)
    held = {p.name.removesuffix(suffix) for p in (sf_read.org.metadata_dir / folder).glob(f"*{suffix}")}
    assert {entry["fullName"] for entry in listed} == held
    assert {entry["type"] for entry in listed} <= {type_}
    assert all(entry["fileName"] == f"{folder}/{entry['fullName']}{suffix}" for entry in listed)


# -- queries and describes ---------------------------------------------------------------------


def test_rest_query_returns_the_orgs_contacts(sf_read):
    result = sf_read.ok("data", "query", "--query", "SELECT Id, FirstName, LastName, Email FROM Contact", "-o", ALIAS)
    got = sorted((r["Id"], r["FirstName"], r["LastName"], r["Email"]) for r in result["records"])
    assert got == sorted(records(sf_read.org, "SELECT Id, FirstName, LastName, Email FROM Contact WHERE NOT IsDeleted"))
    assert result["totalSize"] == len(got) == 3


def test_tooling_query_on_layout_lists_the_orgs_layouts(sf_read):
    soql = "SELECT Id, Name, TableEnumOrId, LayoutType, NamespacePrefix, ManageableState FROM Layout"
    result = sf_read.ok("data", "query", "--use-tooling-api", "--query", soql, "-o", ALIAS)
    held = {p.stem for p in (sf_read.org.metadata_dir / "layouts").glob("*.layout")}
    got = {f"{r['TableEnumOrId']}-{r['Name']}" for r in result["records"]}
    assert got == {name.replace("%28", "(").replace("%29", ")") for name in held}
    assert all(r["Id"].startswith("00h") and len(r["Id"]) == 18 for r in result["records"])


# sf passes a describe through as the org serves it; the org's Lead and Account describes are checked against
# recorded real ones in tests/localorg/test_describe_fidelity.py.
@pytest.mark.parametrize("sobject", ["Contact"])
def test_sobject_describe(sf_read, sobject):
    result = sf_read.ok("sobject", "describe", "--sobject", sobject, "-o", ALIAS)
    assert result == org_get(sf_read.org, f"sobjects/{sobject}/describe")  # what the org serves, unaltered
    assert result["name"] == sobject
    fields = {f["name"]: f for f in result["fields"]}
    assert (fields["Id"]["type"], fields["OwnerId"]["type"], fields["CreatedDate"]["type"]) == (
        "id",
        "reference",
        "datetime",
    )


def test_individual_is_described_once_data_protection_is_on(sf, tmp_path):
    """Individual exists only while PartyDataModelSettings.enableConsentManagement is true."""
    path = "settings/PartyDataModel.settings"
    assert b"<enableConsentManagement>false" in (sf.org.metadata_dir / path).read_bytes()  # a new org has it off
    code, reply = sf("sobject", "describe", "--sobject", "Individual", "-o", ALIAS)
    assert code != 0 and reply["name"] == "NOT_FOUND", reply
    sf.ok(
        "project", "deploy", "start", "--metadata-dir",
        str(mdapi_folder(tmp_path / "consent", "Settings", "PartyDataModel", path, CONSENT_ON.encode())),
        "-o", ALIAS, "--wait", "10",
    )  # fmt: skip
    assert b"<enableConsentManagement>true" in (sf.org.metadata_dir / path).read_bytes()
    result = sf.ok("sobject", "describe", "--sobject", "Individual", "-o", ALIAS)
    names = {f["name"] for f in result["fields"]}
    assert {"HasOptedOutTracking", "HasOptedOutProcessing", "LastName"} <= names


# -- records -------------------------------------------------------------------------------------


def test_create_and_update_a_record(sf):
    values = "FirstName=Ann LastName=Zed Email=ann@example.com"
    created = sf.ok("data", "create", "record", "--sobject", "Contact", "--values", values, "-o", ALIAS)
    record_id = created["id"]
    assert created["success"] is True and len(record_id) == 18 and record_id.startswith("003")
    row = f"SELECT FirstName, LastName, Email FROM Contact WHERE Id = '{record_id}'"
    assert records(sf.org, row) == [("Ann", "Zed", "ann@example.com")]
    update = ["--sobject", "Contact", "--record-id", record_id, "--values", "Email=z@example.com"]
    sf.ok("data", "update", "record", *update, "-o", ALIAS)
    assert records(sf.org, row) == [("Ann", "Zed", "z@example.com")]


def test_delete_a_record(sf):
    (record_id,) = records(sf.org, "SELECT Id FROM Contact WHERE NOT IsDeleted LIMIT 1")[0]
    sf.ok("data", "delete", "record", "--sobject", "Contact", "--record-id", record_id, "-o", ALIAS)
    assert records(sf.org, f"SELECT Id FROM Contact WHERE Id = '{record_id}' AND NOT IsDeleted") == []


# -- retrieve ------------------------------------------------------------------------------------


def test_retrieve_in_mdapi_format_gives_the_orgs_bytes(sf_read, tmp_path):
    out = tmp_path / "out"
    sf_read.ok("project", "retrieve", "start", "--metadata", f"Layout:{LAYOUT}", "--target-metadata-dir", str(out),
          "-o", ALIAS, "--wait", "10")  # fmt: skip
    with zipfile.ZipFile(out / "unpackaged.zip") as zf:
        assert zf.read(f"unpackaged/layouts/{LAYOUT}.layout") == layout_bytes(sf_read.org)


def test_retrieve_in_source_format_gives_the_orgs_bytes(sf_read, tmp_path):
    project = sfdx_project(tmp_path / "project")
    result = sf_read.ok("project", "retrieve", "start", "--metadata", f"Layout:{LAYOUT}", "-o", ALIAS, "--wait", "10",
                   cwd=project)  # fmt: skip
    target = project / "force-app" / "main" / "default" / "layouts" / f"{LAYOUT}.layout-meta.xml"
    assert target.read_bytes() == layout_bytes(sf_read.org)
    assert [(f["fullName"], f["type"]) for f in result["files"]] == [(LAYOUT, "Layout")]


# -- deploy --------------------------------------------------------------------------------------


def deploy_args(fmt: str, tmp_path: Path, path: str, data: bytes, type_: str, member: str) -> tuple[list, Path]:
    """(sf deploy arguments, working folder) for one component in MDAPI or source format."""
    if fmt == "mdapi":
        folder = mdapi_folder(tmp_path / "mdapi", type_, member, path, data)
        return ["--metadata-dir", str(folder)], tmp_path
    project = sfdx_project(tmp_path / "project")
    target = project / "force-app" / "main" / "default" / f"{path}-meta.xml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return ["--source-dir", "force-app"], project


@pytest.mark.parametrize("fmt", ["mdapi", "source"])
def test_deploy_lands_in_the_org_and_the_report_says_so(sf, tmp_path, fmt):
    layout = layout_bytes(sf.org).replace(b"<label>", b"<label>Renamed ", 1)
    assert layout != layout_bytes(sf.org)
    args, cwd = deploy_args(fmt, tmp_path, f"layouts/{LAYOUT}.layout", layout, "Layout", LAYOUT)
    result = sf.ok("project", "deploy", "start", *args, "-o", ALIAS, "--wait", "10", cwd=cwd)
    assert result["status"] == "Succeeded" and result["success"] is True and result["checkOnly"] is False
    assert [(f["fullName"], f["type"]) for f in result["files"]] == [(LAYOUT, "Layout")]
    assert b"<label>Renamed " in layout_bytes(sf.org)
    report = sf.ok("project", "deploy", "report", "--job-id", result["id"], "-o", ALIAS, cwd=cwd)
    assert report["id"] == result["id"]
    assert report["status"] == "Succeeded" and report["numberComponentsDeployed"] == 1


# Both formats reach the org in test_deploy_lands_in_the_org_and_the_report_says_so; a dry run and a failure are
# the same deploy reply whichever format sent it: one format each.
@pytest.mark.parametrize("fmt", ["source"])
def test_dry_run_deploy_checks_and_changes_nothing(sf, tmp_path, fmt):
    before = org_files(sf.org)
    layout = layout_bytes(sf.org).replace(b"<label>", b"<label>Renamed ", 1)
    args, cwd = deploy_args(fmt, tmp_path, f"layouts/{LAYOUT}.layout", layout, "Layout", LAYOUT)
    result = sf.ok("project", "deploy", "start", *args, "--dry-run", "-o", ALIAS, "--wait", "10", cwd=cwd)
    assert result["status"] == "Succeeded" and result["checkOnly"] is True
    assert org_files(sf.org) == before


@pytest.mark.parametrize("fmt", ["mdapi"])
def test_failing_deploy_names_the_component_and_the_problem(sf, tmp_path, fmt):
    before = org_files(sf.org)
    args, cwd = deploy_args(
        fmt, tmp_path, f"layouts/{LAYOUT}.layout", with_bad_field(layout_bytes(sf.org)), "Layout", LAYOUT
    )
    code, reply = sf("project", "deploy", "start", *args, "-o", ALIAS, "--wait", "10", cwd=cwd)
    assert code != 0, reply
    result = reply["result"]
    assert result["status"] == "Failed" and result["success"] is False
    failures = result["details"]["componentFailures"]
    failures = failures if isinstance(failures, list) else [failures]
    assert [(f["componentType"], f["fullName"], f["problemType"]) for f in failures] == [("Layout", LAYOUT, "Error")]
    assert failures[0]["problem"] == f"In field: field - no CustomField named Contact.{BAD_FIELD} found"
    assert failures[0]["fileName"].endswith(f"layouts/{LAYOUT}.layout")
    assert org_files(sf.org) == before


# -- Bulk API 2.0 --------------------------------------------------------------------------------


def test_bulk_export_writes_the_orgs_contacts(sf_read, tmp_path):
    out = tmp_path / "contacts.csv"
    result = sf_read.ok("data", "export", "bulk", "--query", "SELECT Id, FirstName, LastName, Email FROM Contact",
                   "--output-file", str(out), "-o", ALIAS, "--wait", "10")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    got = sorted((r["Id"], r["FirstName"], r["LastName"], r["Email"]) for r in rows)
    assert got == sorted(records(sf_read.org, "SELECT Id, FirstName, LastName, Email FROM Contact WHERE NOT IsDeleted"))
    assert result["totalSize"] == len(got) == 3


def test_bulk_import_inserts_the_csvs_contacts(sf, tmp_path):
    data = tmp_path / "new.csv"
    data.write_text("FirstName,LastName,Email\nBea,Bulk,bea@example.com\nCid,Bulk,cid@example.com\n", encoding="utf-8")
    result = sf.ok("data", "import", "bulk", "--sobject", "Contact", "--file", str(data), "-o", ALIAS, "--wait", "10")
    assert result["processedRecords"] == 2 and result["failedRecords"] == 0
    got = records(sf.org, "SELECT FirstName, Email FROM Contact WHERE LastName = 'Bulk' ORDER BY Email")
    assert got == [("Bea", "bea@example.com"), ("Cid", "cid@example.com")]
