"""The real `cci` against `email-privacy org serve --person-accounts --dynamic-forms`: the flow puts the
Individual field on every target layout and Dynamic Forms record page with the same Metadata API calls as
on an org without pages, a second run deploys nothing, the restore task puts both back byte-identical,
`pages false` leaves pages alone, and the verify JSON lists each page with its kind and verdict."""

import json

from email_privacy.metadata import documents, flexipages
from tests.harness import all_have_field, cci_task, ok, org_files, run_cci, soap_actions

FLOW = "enable_individual_email_tracking"
# The seeded pages (localorg/models/seed/flexipages.py): kind, and the field a target page must get.
PAGES = {
    "Contact_Record_Page": ("dynamic_forms", "IndividualId"),
    "Lead_Record_Page": ("dynamic_forms", "IndividualId"),
    "Person_Account_Record_Page": ("person_account", "PersonIndividualId"),
    "Business_Account_Record_Page": ("business_account", None),
    "Contact_Record_Detail_Page": ("record_detail", None),
    # Individual's own page, seeded with both flags (Don't Track, Don't Process): checked, left as it is.
    "Individual_Record_Page": ("dynamic_forms", "HasOptedOutTracking"),
}


def run_flow(org, tmp_path, *options):
    snapshots = ["-o", "add_individual_field_to_layouts__snapshot_dir", str(tmp_path / "snapshots")]
    return run_cci(org, "flow", "run", FLOW, "--org", "sim", *snapshots, *options, timeout=300)


def page_files(org) -> dict[str, bytes]:
    return {p.name[: -len(".flexipage")]: p.read_bytes() for p in (org.metadata_dir / "flexipages").glob("*.flexipage")}


def layouts_and_pages(org) -> dict[str, bytes]:
    return {k: v for k, v in org_files(org).items() if k.startswith(("metadata/layouts/", "metadata/flexipages/"))}


def places(data: bytes, field: str) -> bool:
    return flexipages.has_field(documents.parse(data, "page"), field)


def test_flow_adds_the_field_to_dynamic_forms_pages_and_restore_puts_them_back(local_org, tmp_path):
    org = local_org(person_accounts=True, dynamic_forms=True)
    before = layouts_and_pages(org)
    assert set(page_files(org)) == set(PAGES)
    report = tmp_path / "verify.json"
    text = ok(run_flow(org, tmp_path, "-o", "verify_email_privacy__report", str(report)))

    assert all_have_field(org)
    pages = page_files(org)
    for name, (_, field) in PAGES.items():
        if field:
            assert places(pages[name], field), f"{name} lacks {field}"
            assert pages[name].count(b"<fieldItem>Record." + field.encode() + b"<") == 1
        else:
            assert pages[name] == before[f"metadata/flexipages/{name}.flexipage"], f"{name} was changed"
    # The same Metadata API calls as on an org without pages: one listMetadata (Layout and FlexiPage
    # together), two retrieves (step 1's read, verify's read back), two deploys (settings; layouts with pages).
    actions = soap_actions(org)
    counts = {a: actions.count(a) for a in ("listMetadata", "retrieve", "deploy")}
    assert counts == {"listMetadata": 1, "retrieve": 2, "deploy": 2}, actions
    assert "Lightning page Business_Account_Record_Page (business_account): left alone" in text
    assert "3 Lightning page(s) with the Individual field" in text

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["configured"] is True
    listed = {p["name"]: (p["kind"], p["verdict"]) for p in data["pages"]}
    assert listed == {n: (k, "OK" if f else "left alone") for n, (k, f) in PAGES.items()}

    seen = len(org.requests())
    second = ok(run_flow(org, tmp_path))
    assert "deploy" not in soap_actions(org, seen), "the second run deployed something"
    assert "already configured" in second

    restored = ok(cci_task(org, "restore_page_changes", "snapshot_dir", tmp_path / "snapshots"))
    assert "Contact_Record_Page" in restored
    assert layouts_and_pages(org) == before  # every layout and page back, byte for byte


def test_pages_false_leaves_pages_alone_and_restore_layouts_still_works(local_org, tmp_path):
    org = local_org(person_accounts=True, dynamic_forms=True)
    before = layouts_and_pages(org)
    report = tmp_path / "verify.json"
    flow = run_flow(
        org,
        tmp_path,
        "-o",
        "check_email_privacy_prerequisites__pages",
        "false",
        "-o",
        "verify_email_privacy__report",
        str(report),
    )
    text = ok(flow)
    assert all_have_field(org)
    assert {k: v for k, v in layouts_and_pages(org).items() if "flexipages/" in k} == {
        k: v for k, v in before.items() if "flexipages/" in k
    }
    assert "Lightning page" not in text
    assert json.loads(report.read_text(encoding="utf-8"))["pages"] == []
    # The former name of the restore task still runs it.
    ok(cci_task(org, "restore_layouts", "snapshot_dir", tmp_path / "snapshots"))
    assert layouts_and_pages(org) == before
