"""The in-process local org: real clients (simple-salesforce, CumulusCI's Metadata API calls) talk
to the local org's models through `responses`, with no server."""

import pytest
import requests
from cumulusci.salesforce_api.metadata import ApiListMetadata, ApiRetrieveUnpackaged
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession, SalesforceMalformedRequest

from email_privacy.metadata.documents import package_xml
from localorg import inprocess
from localorg.faults import parse_faults
from localorg.models.org import SeedOptions
from localorg.requestlog import read_log
from tests.harness import inprocess_task, metadata_client


@pytest.fixture
def org(tmp_path):
    with inprocess.serve(tmp_path / "org", person_accounts=True, seed=SeedOptions(contacts=4)) as org:
        yield org


def test_simple_salesforce_queries_creates_and_describes_the_org(org):
    sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue())
    stored = sorted(row["Email"] for row in org.records.rows("Contact"))
    reply = sf.query("SELECT Id, Email FROM Contact")
    assert reply["totalSize"] == 4 and sorted(r["Email"] for r in reply["records"]) == stored

    created = sf.Contact.create({"LastName": "Inprocess", "Email": "in@example.com"})
    assert org.records.get("Contact", created["id"])["Email"] == "in@example.com"

    names = [f["name"] for f in sf.Contact.describe()["fields"]]
    assert names == [f.name for f in org.visibility.fields("Contact")]


def test_errors_are_the_orgs_salesforce_shaped_replies(org):
    with pytest.raises(SalesforceExpiredSession):
        Salesforce(instance_url=org.base_url, session_id="not-issued").query("SELECT Id FROM Contact")
    sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue())
    with pytest.raises(SalesforceMalformedRequest) as info:
        sf.query("SELECT Nope FROM Contact")
    assert info.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_cumulusci_lists_and_retrieves_layouts_as_the_org_holds_them(tmp_path):
    log = tmp_path / "requests.jsonl"
    with inprocess.serve(tmp_path / "org", request_log=log) as org:
        task = inprocess_task(org)
        listed, member, files = list_and_retrieve(task, org)
        assert files[f"layouts/{member}.layout"] == org.metadata.read("Layout", member)
    assert sorted(item["fullName"] for item in listed) == sorted(
        item["fullName"] for item in org.metadata.list_metadata("Layout")
    )
    actions = [line["soap_action"] for line in read_log(log)]
    # CumulusCI polls checkStatus until done, then fetches the zip with checkRetrieveStatus.
    assert actions[:2] == ["listMetadata", "retrieve"] and actions[-1] == "checkRetrieveStatus"
    assert set(actions[2:-1]) <= {"checkStatus"}


def list_and_retrieve(task, org):
    listed = ApiListMetadata(task, "Layout", None, None, "63.0")()["Layout"]
    member = org.metadata.members("Layout")[0]
    zip_file = ApiRetrieveUnpackaged(task, package_xml({"Layout": [member]}, "63.0").decode(), "63.0")()
    return listed, member, {name: zip_file.read(name) for name in zip_file.namelist()}


def test_faults_apply_in_process_too(tmp_path):
    with inprocess.serve(tmp_path / "org", faults=parse_faults(["http-503:1"])) as org:
        sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue())
        with pytest.raises(SalesforceError) as info:
            sf.query("SELECT Id FROM Contact")
        assert info.value.status == 503 and info.value.content[0]["errorCode"] == "SERVER_UNAVAILABLE"
        assert sf.query("SELECT Id FROM Contact")["totalSize"] == 0


def test_only_the_orgs_host_is_served(org):
    with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
        requests.get("https://elsewhere.test/services/data")
    assert requests.get(f"{org.base_url}/services/data").status_code == 401  # served: no session given


def test_dynamic_forms_pages_list_with_layouts_in_one_call(tmp_path):
    with inprocess.serve(tmp_path / "org", person_accounts=True, dynamic_forms=True) as org:
        client = metadata_client(inprocess_task(org))
        found = client.list_types(["Layout", "FlexiPage"])
        assert {e["fullName"] for e in found["FlexiPage"]} == set(org.metadata.members("FlexiPage"))
        assert "Contact_Record_Page" in {e["fullName"] for e in found["FlexiPage"]}
        assert {e["type"] for e in found["Layout"]} == {"Layout"} and client.calls["listMetadata"] == 1
        got = client.retrieve({"FlexiPage": ["Lead_Record_Page"]})
        assert got.files["flexipages/Lead_Record_Page.flexipage"] == org.metadata.read("FlexiPage", "Lead_Record_Page")
