"""The local org's Lightning pages: seeded with --dynamic-forms, listed, retrieved, deployed and judged."""

import io
import re
import zipfile

import pytest

from localorg.models import deploy_checks
from localorg.models.flexipage_checks import check_flexipage
from localorg.models.identity import OrgIdentity
from localorg.models.metadata import MetadataStore
from localorg.xml import MDAPI_NS, package_xml

M = MDAPI_NS
SEEDED = {
    "Business_Account_Record_Page",
    "Contact_Record_Detail_Page",
    "Contact_Record_Page",
    "Individual_Record_Page",
    "Lead_Record_Page",
    "Person_Account_Record_Page",
}


def make_store(tmp_path, **profile):
    store = MetadataStore(tmp_path, OrgIdentity(**profile))
    store.seed()
    return store


def deploy_pages(store, pages: dict[str, bytes], **kw):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("package.xml", package_xml({"FlexiPage": sorted(pages)}, "63.0"))
        for name, data in pages.items():
            zf.writestr(f"flexipages/{name}.flexipage", data)
    return store.deploy(buf.getvalue(), **kw)


def failures(outcome):
    return [(c.full_name, c.problem) for c in outcome.components if not c.success]


def test_pages_are_seeded_only_with_dynamic_forms(tmp_path):
    assert make_store(tmp_path / "plain", person_accounts=True).members("FlexiPage") == []
    assert set(make_store(tmp_path / "df", person_accounts=True, dynamic_forms=True).members("FlexiPage")) == SEEDED
    # Without person accounts the person-account page (person fields) is not seeded.
    assert set(make_store(tmp_path / "nopa", dynamic_forms=True).members("FlexiPage")) == SEEDED - {
        "Person_Account_Record_Page"
    }


def test_list_retrieve_and_redeploy_the_seeded_pages(tmp_path):
    store = make_store(tmp_path, person_accounts=True, dynamic_forms=True)
    listed = store.list_metadata("FlexiPage")
    assert {e["fullName"] for e in listed} == SEEDED
    assert all(e["fileName"] == f"flexipages/{e['fullName']}.flexipage" and e["id"][:3] == "0M0" for e in listed)
    outcome = store.retrieve({"FlexiPage": ["Contact_Record_Page"]})
    with zipfile.ZipFile(io.BytesIO(outcome.zip_bytes)) as zf:
        assert zf.read("unpackaged/flexipages/Contact_Record_Page.flexipage") == store.read(
            "FlexiPage", "Contact_Record_Page"
        )
    # Individual's page needs consent management on (the object exists only then): redeployed elsewhere.
    pages = {m: store.read("FlexiPage", m) for m in SEEDED - {"Individual_Record_Page"}}
    result = deploy_pages(store, pages)
    assert result.status == "Succeeded", failures(result)
    rows = {r["DeveloperName"]: r for r in store.tooling_flexipages()}
    assert rows["Lead_Record_Page"]["Type"] == "RecordPage"
    assert rows["Lead_Record_Page"]["LastModifiedDate"].endswith("+0000")


def _with_field(data: bytes, field: str, ident: str) -> bytes:
    """The page with one more field instance in the column holding Record.Email."""
    text = data.decode()
    anchor = re.search(r"( *)<itemInstances>\s*<fieldInstance>(?:(?!</itemInstances>).)*Record\.Email<", text, re.S)
    pad = anchor.group(1)
    extra = (
        f"{pad}<itemInstances>\n{pad}    <fieldInstance>\n{pad}        <fieldItem>Record.{field}</fieldItem>\n"
        f"{pad}        <identifier>{ident}</identifier>\n{pad}    </fieldInstance>\n{pad}</itemInstances>\n"
    )
    return (text[: anchor.start()] + extra + text[anchor.start() :]).encode()


def test_a_field_the_object_lacks_is_refused_and_nothing_is_written(tmp_path):
    store = make_store(tmp_path, person_accounts=True, dynamic_forms=True)
    before = store.read("FlexiPage", "Contact_Record_Page")
    bad = _with_field(before, "Nope__c", "RecordNope_cField")
    outcome = deploy_pages(store, {"Contact_Record_Page": bad})
    assert outcome.status == "Failed"
    ((name, problem),) = failures(outcome)
    assert name == "Contact_Record_Page"
    assert problem.startswith("In field: fieldItem - no CustomField named Contact.Nope__c found")
    assert store.read("FlexiPage", "Contact_Record_Page") == before


def test_individual_id_needs_consent_management(tmp_path):
    store = make_store(tmp_path, person_accounts=True, dynamic_forms=True)
    page = _with_field(store.read("FlexiPage", "Contact_Record_Page"), "IndividualId", "RecordIndividualIdField")
    assert failures(deploy_pages(store, {"Contact_Record_Page": page}))  # Individual is off until consent is on


def test_duplicate_identifier_and_wrong_order_are_refused(tmp_path):
    store = make_store(tmp_path, person_accounts=True, dynamic_forms=True)
    page = store.read("FlexiPage", "Lead_Record_Page")
    dup = _with_field(page, "Phone", "RecordEmailField")
    (problem,) = _judge(dup)
    assert (
        problem.problem
        == "Identifier RecordEmailField is used more than once in the page; each identifier must be unique"
    )
    swapped = page.replace(b"<masterLabel>", b"<sobjectType>Lead</sobjectType>\n    <masterLabel>", 1)
    problems = _judge(swapped)
    assert problems[0].problem == f"Element {{{M}}}masterLabel invalid at this location in type FlexiPage"
    assert problems[0].line is not None


def _judge(data: bytes):
    doc, problems = deploy_checks.parse_component(data, "flexipages/x.flexipage")
    assert doc is not None, problems
    return check_flexipage(
        doc, lambda obj: {"Email", "Phone", "Name", "Company", "Title", "Status", "OwnerId"} | _all(data)
    )


def _all(data: bytes) -> set[str]:
    return set(re.findall(r"Record\.(\w+)<", data.decode()))


@pytest.mark.parametrize("root", ["Layout", "FlexiPagee"])
def test_wrong_root_is_refused(root):
    data = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{M}"/>\n'.encode()
    (problem,) = _judge(data)
    assert "invalid at this location in type FlexiPage" in problem.problem
