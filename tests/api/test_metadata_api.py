"""MetadataClient against the in-process local org: calls, polling, retries, session refresh, failures."""

import base64
import io
import os
import struct
import time
import zipfile

import pytest
import requests
from simple_salesforce import Salesforce

from email_privacy.api import metadata_api, rest
from email_privacy.errors import OrgError
from email_privacy.metadata.documents import package_xml
from localorg.models import deploy_checks
from localorg.requestlog import read_log
from tests.harness import inprocess_task, metadata_client
from tests.inprocess_org import count, layout, serve

MEMBER = "Contact-Contact Layout"
CONTACT = f"layouts/{MEMBER}.layout"
PACKAGE = package_xml({"Layout": [MEMBER]}, "63.0")


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def client(org, task=None, **kw):
    kw.setdefault("backoff", 0.001)
    return metadata_client(task or inprocess_task(org), **kw)


def layout_names(org):
    return sorted(e["fullName"] for e in org.metadata.list_metadata("Layout"))


def test_list_retrieve_deploy_round_trip(org):
    c = client(org)
    entries = c.list("Layout")
    assert sorted(e["fullName"] for e in entries) == layout_names(org) and MEMBER in layout_names(org)
    held = {e["fullName"]: e["lastModifiedDate"] for e in org.metadata.list_metadata("Layout")}
    for e in entries:  # parsed into datetimes, to the millisecond the org reports
        assert e["lastModifiedDate"].strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" == held[e["fullName"]]

    got = c.retrieve({"Layout": [MEMBER]})
    # A retrieve's zip holds the package.xml it was asked with, as Salesforce's does.
    assert got.files == {CONTACT: org.metadata.read("Layout", MEMBER), "package.xml": PACKAGE}
    assert sorted(got.last_modified()) == [CONTACT, "package.xml"]  # every fileProperties entry, as returned

    new = layout(extra="IndividualId")
    result = c.deploy({CONTACT: new, "package.xml": PACKAGE})
    assert result.status == "Succeeded" and not result.check_only
    assert org.metadata.read("Layout", MEMBER) == new
    assert c.calls == {
        "listMetadata": 1,
        "retrieve": 1,
        "checkStatus": 1,
        "checkRetrieveStatus": 1,
        "deploy": 1,
        "checkDeployStatus": 1,
    }
    assert sorted(line["soap_action"] for line in read_log(org.log)) == sorted(
        a for a, n in c.calls.items() for _ in range(n)
    )


def test_polls_without_sleeping_a_second(org):
    start = time.monotonic()
    c = client(org)
    c.retrieve({"Layout": [MEMBER]})
    c.deploy({CONTACT: layout(), "package.xml": PACKAGE})
    # CumulusCI alone sleeps 1 s after each status poll: at least 2 s for these two calls.
    assert time.monotonic() - start < 1.0


def test_check_only_changes_nothing(org):
    before = org.metadata.read("Layout", MEMBER)
    result = client(org).deploy({CONTACT: layout(extra="IndividualId"), "package.xml": PACKAGE}, check_only=True)
    assert result.check_only and result.status == "Succeeded" and org.metadata.read("Layout", MEMBER) == before


def test_retries_503_then_succeeds(tmp_path):
    with serve(tmp_path, "http-503:2") as org:
        assert len(client(org, retries=3).list("Layout")) == len(layout_names(org))
        assert count(org.log, "listMetadata") == 3
        assert [line["status"] for line in read_log(org.log)] == [503, 503, 200]


def test_retries_503_then_fails_with_one_line(tmp_path):
    with serve(tmp_path, "http-503:10") as org:
        with pytest.raises(OrgError) as e:
            client(org, retries=2).list("Layout")
        msg = str(e.value)
        assert "\n" not in msg and "listMetadata failed after 3 attempts (HTTP 503)" in msg and "run again" in msg
        assert count(org.log, "listMetadata") == 3


def test_retries_connection_reset(org, monkeypatch):
    c = client(org, retries=2)
    real_post = c.http.post
    failures = [requests.ConnectionError("reset")]

    def flaky(*a, **kw):
        if failures:
            raise failures.pop()
        return real_post(*a, **kw)

    monkeypatch.setattr(c.http, "post", flaky)
    assert len(c.list("Layout")) == len(layout_names(org))


def test_expired_session_is_refreshed_once(tmp_path):
    with serve(tmp_path, "session-expired:1") as org:
        task = inprocess_task(org)
        c = client(org, task)
        assert len(c.list("Layout")) == len(layout_names(org))
        assert task.org_config.refresh_oauth_token.call_count == 1
        assert [line["status"] for line in read_log(org.log)] == [500, 200]  # a SOAP fault, then the answer


def test_session_still_invalid_after_refresh_fails_clearly(org):
    task = inprocess_task(org)
    task.org_config.config["access_token"] = "revoked"  # a token the org never issued; the refresh keeps it
    with pytest.raises(OrgError) as e:
        client(org, task).list("Layout")
    assert "INVALID_SESSION_ID" in str(e.value) and "\n" not in str(e.value)
    assert task.org_config.refresh_oauth_token.call_count == 1


def test_deploy_failure_names_component_and_changes_nothing(org):
    before = org.metadata.read("Layout", MEMBER)
    with pytest.raises(OrgError) as e:
        client(org).deploy({CONTACT: layout(extra="Foo"), "package.xml": PACKAGE})
    msg = str(e.value)
    assert "\n" not in msg
    assert "Layout Contact-Contact Layout: In field: field - no CustomField named Contact.Foo found" in msg
    assert "nothing was changed" in msg
    assert org.metadata.read("Layout", MEMBER) == before


def test_injected_deploy_failure_changes_nothing(tmp_path):
    with serve(tmp_path, f"deploy-fail:{MEMBER}") as org:
        before = org.metadata.read("Layout", MEMBER)
        with pytest.raises(OrgError, match=f"nothing was changed .*: Layout {MEMBER}: Injected failure"):
            client(org).deploy({CONTACT: layout(extra="IndividualId"), "package.xml": PACKAGE})
        assert org.metadata.read("Layout", MEMBER) == before


def test_unzip_refuses_paths_outside_root():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("unpackaged/../../etc/x", b"x")
    with pytest.raises(OrgError, match="unsafe path"):
        metadata_api.unzip(buf.getvalue())


def test_rest_retry_adapter_retries_post_on_503(tmp_path):
    with serve(tmp_path, "http-503:1") as org:
        sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue(), version="63.0")
        rest.mount_rest_retries(sf, retries=2, backoff=0)
        url = f"{org.base_url}/services/data/v63.0/composite/sobjects"
        body = {"allOrNone": True, "records": [{"attributes": {"type": "Contact"}, "LastName": "Retried"}]}
        # The adapter's Retry runs through `responses` as through urllib3: the 503, then the create.
        reply = sf.session.post(url, json=body, headers=sf.headers)
        assert reply.status_code == 200 and reply.json()[0]["success"] is True
        assert [line["status"] for line in read_log(org.log)] == [503, 200]
        assert [r["LastName"] for r in org.records.rows("Contact")] == ["Retried"]  # created once


def test_rest_call_refreshes_expired_session_once(tmp_path):
    with serve(tmp_path, "session-expired:1") as org:
        task = inprocess_task(org)
        new_token = org.sessions.issue()
        task.org_config.config["access_token"] = new_token  # what the refresh leaves in the org config
        sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue(), version="63.0")
        refresh = rest.session_refresher(task.org_config, task.project_config.keychain, task.logger)
        reply = rest.call_rest(refresh, sf, sf.query, "SELECT Id FROM Contact")
        assert reply["totalSize"] == 0 and task.org_config.refresh_oauth_token.call_count == 1
        assert sf.session_id == new_token and sf.headers["Authorization"] == f"Bearer {new_token}"
        assert [line["status"] for line in read_log(org.log)] == [401, 200]


def test_consent_management_true_deploys(tmp_path):
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="http://soap.sforce.com/2006/04/metadata">'
        b"<enableConsentManagement>true</enableConsentManagement></PartyDataModelSettings>\n"
    )
    with serve(tmp_path, consent=False) as org:
        assert org.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement") is False
        client(org).deploy(
            {
                "settings/PartyDataModel.settings": doc,
                "package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0"),
            }
        )
        assert org.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement") is True
        assert org.visibility.consent  # Individual and the IndividualId lookups now exist


def test_list_types_is_one_call_grouped_by_type(tmp_path):
    with serve(tmp_path, dynamic_forms=True) as org:
        c = client(org)
        found = c.list_types(["Layout", "FlexiPage"])
        assert sorted(e["fullName"] for e in found["Layout"]) == sorted(
            e["fullName"] for e in org.metadata.list_metadata("Layout")
        )
        assert "Contact_Record_Page" in [e["fullName"] for e in found["FlexiPage"]]
        assert count(org.log, "listMetadata") == 1
        with pytest.raises(ValueError, match="1 to 3 types"):
            c.list_types(["Layout", "FlexiPage", "Settings", "PermissionSet"])


LIST_REPLY = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><listMetadataResponse>
<result><createdById>005</createdById><createdByName>A &amp; B</createdByName>
<createdDate>2024-01-02T03:04:05.000Z</createdDate><fileName>layouts/Lead-Lead %28M%29 Layout.layout</fileName>
<fullName>Lead-Lead %28M%29 Layout</fullName><id>00h1</id><lastModifiedById>005</lastModifiedById>
<lastModifiedByName>Café 製品</lastModifiedByName><lastModifiedDate>2025-06-07T08:09:10.000Z</lastModifiedDate>
<manageableState>unmanaged</manageableState><namespacePrefix xsi:nil="true"/><type>Layout</type></result>
<result><fullName>Contact-acme__Partner</fullName><namespacePrefix>acme</namespacePrefix><type>Layout</type>
<createdDate></createdDate><fileName> spaced </fileName></result>
</listMetadataResponse></soapenv:Body></soapenv:Envelope>""".encode()


def test_list_reply_reads_as_cumulusci_reads_it():
    from types import SimpleNamespace

    from cumulusci.salesforce_api import metadata as cci_metadata

    host = SimpleNamespace(
        org_config=None, logger=None, project_config=SimpleNamespace(project__package__api_version="63.0")
    )
    reply = SimpleNamespace(content=LIST_REPLY, text=LIST_REPLY.decode())
    ours = metadata_api._List(host, "Layout", as_of_version="63.0")._process_response(reply)
    theirs = cci_metadata.ApiListMetadata(host, "Layout", as_of_version="63.0")._process_response(reply)
    assert ours == theirs and len(ours["Layout"]) == 2
    assert ours["Layout"][0]["lastModifiedDate"].year == 2025 and ours["Layout"][1]["namespacePrefix"] == "acme"


def test_a_retrieve_reply_whose_base64_zip_passes_10_mb_is_read(org):
    # Random text does not compress: the reply's zipFile is one text node of about 12 MB (lxml's cap is 10 MB).
    big = layout().replace(b"</Layout>", b"<!-- " + base64.b64encode(os.urandom(9 * 1024 * 1024)) + b" --></Layout>")
    org.metadata.path_for("Layout", MEMBER).write_bytes(big)
    assert client(org).retrieve({"Layout": [MEMBER]}).files[CONTACT] == big


def test_a_reply_over_the_soap_limit_is_refused_in_one_line():
    assert metadata_api.MAX_SOAP_BYTES == 52_428_800 and metadata_api.MAX_UNZIPPED_BYTES == 629_145_600
    with pytest.raises(OrgError) as e:
        metadata_api.parse_reply(b" " * (metadata_api.MAX_REPLY_BYTES + 1), "retrieve")
    assert "\n" not in str(e.value) and str(e.value).startswith(
        f"retrieve failed: the org's reply is {metadata_api.MAX_REPLY_BYTES + 1:,} bytes, "
        f"more than the {metadata_api.MAX_REPLY_BYTES:,} allowed (Salesforce's 50 MB SOAP message limit"
    )
    assert "-o objects" in str(e.value)


def test_unzip_takes_600_mb_and_refuses_more_in_one_line():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("unpackaged/package.xml", b"<Package/>")
    data = bytearray(buf.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", metadata_api.MAX_UNZIPPED_BYTES + 1)  # its stated size
    with pytest.raises(OrgError, match=r"^retrieve failed: the org's zip unzips to more than 629,145,600 bytes"):
        metadata_api.unzip(bytes(data))


def test_the_orgs_file_limits_reach_the_user_in_one_line(org, monkeypatch):
    monkeypatch.setattr(deploy_checks, "MAX_FILES", 1)  # the org's retrieve limit, lowered to a layout's retrieve
    with pytest.raises(
        OrgError,
        match=r"^retrieve failed: LIMIT_EXCEEDED: Too many files in retrieve call, limit is: 1; retrieve fewer",
    ):
        client(org).retrieve({"Layout": [MEMBER]})
    monkeypatch.undo()
    files = {f"settings/S{i}.settings": b"x" for i in range(deploy_checks.MAX_FILES)}
    with pytest.raises(OrgError) as e:
        client(org).deploy({"package.xml": PACKAGE, **files}, check_only=True)
    assert str(e.value) == "deploy failed: sf:INVALID_OPERATION: INVALID_OPERATION: Too many files in zip"
