"""MetadataClient against a stateful SOAP endpoint: calls, polling, retries, session refresh, failures."""

import time

import pytest
import requests
import responses

from email_privacy.errors import OptionError, OrgError
from email_privacy.metadata_xml import package_xml
from email_privacy.org import metadata, rest
from email_privacy.org.metadata import MetadataClient
from tests.fake_org import FakeOrg, layout, make_task, serve

CONTACT = "layouts/Contact-Contact Layout.layout"


@pytest.fixture
def org():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield serve(rsps, FakeOrg({CONTACT: layout(), "layouts/Lead-Lead Layout.layout": layout()}))


def client(**kw):
    kw.setdefault("backoff", 0.001)
    return MetadataClient(make_task(), "63.0", **kw)


def test_list_retrieve_deploy_round_trip(org):
    c = client()
    entries = c.list("Layout")
    assert sorted(e["fullName"] for e in entries) == ["Contact-Contact Layout", "Lead-Lead Layout"]
    assert entries[0]["lastModifiedDate"].year == 2024

    got = c.retrieve({"Layout": ["Contact-Contact Layout"]})
    assert got.files == {CONTACT: layout()}
    assert list(got.last_modified()) == [CONTACT]

    new = layout(extra="IndividualId")
    result = c.deploy({CONTACT: new, "package.xml": package_xml({"Layout": ["Contact-Contact Layout"]}, "63.0")})
    assert result.status == "Succeeded" and not result.check_only
    assert org.files[CONTACT] == new
    assert c.calls == {
        "listMetadata": 1,
        "retrieve": 1,
        "checkStatus": 1,
        "checkRetrieveStatus": 1,
        "deploy": 1,
        "checkDeployStatus": 1,
    }


def test_polls_without_sleeping_a_second(org):
    start = time.monotonic()
    c = client()
    c.retrieve({"Layout": ["Contact-Contact Layout"]})
    c.deploy({CONTACT: layout(), "package.xml": package_xml({"Layout": ["Contact-Contact Layout"]}, "63.0")})
    # CumulusCI alone sleeps 1 s after each status poll: at least 2 s for these two calls.
    assert time.monotonic() - start < 1.0


def test_check_only_changes_nothing(org):
    before = dict(org.files)
    result = client().deploy(
        {
            CONTACT: layout(extra="IndividualId"),
            "package.xml": package_xml({"Layout": ["Contact-Contact Layout"]}, "63.0"),
        },
        check_only=True,
    )
    assert result.check_only and org.files == before


def test_retries_503_then_succeeds(org):
    org.fail_status = [503, 503]
    assert len(client(retries=3).list("Layout")) == 2
    assert org.count("listMetadata") == 3


def test_retries_503_then_fails_with_one_line(org):
    org.fail_status = [503] * 10
    with pytest.raises(OrgError) as e:
        client(retries=2).list("Layout")
    msg = str(e.value)
    assert "\n" not in msg and "listMetadata failed after 3 attempts (HTTP 503)" in msg and "run again" in msg
    assert org.count("listMetadata") == 3


def test_retries_connection_reset(org, monkeypatch):
    c = client(retries=2)
    real_post = c.http.post
    failures = [requests.ConnectionError("reset")]

    def flaky(*a, **kw):
        if failures:
            raise failures.pop()
        return real_post(*a, **kw)

    monkeypatch.setattr(c.http, "post", flaky)
    assert len(c.list("Layout")) == 2


def test_expired_session_is_refreshed_once(org):
    task = make_task()
    c = MetadataClient(task, "63.0", backoff=0.001)
    org.expire_next = 1
    assert len(c.list("Layout")) == 2
    assert task.org_config.refresh_oauth_token.call_count == 1


def test_session_still_invalid_after_refresh_fails_clearly(org):
    org.expire_next = 5
    with pytest.raises(OrgError) as e:
        client().list("Layout")
    assert "INVALID_SESSION_ID" in str(e.value) and "\n" not in str(e.value)


def test_deploy_failure_names_component_and_changes_nothing(org):
    org.fail_component = "Contact-Contact Layout"
    before = dict(org.files)
    with pytest.raises(OrgError) as e:
        client().deploy(
            {CONTACT: layout(extra="Foo"), "package.xml": package_xml({"Layout": ["Contact-Contact Layout"]}, "63.0")}
        )
    msg = str(e.value)
    assert "\n" not in msg
    assert "Layout Contact-Contact Layout: In field: field - no CustomField named Contact.Foo found" in msg
    assert "nothing was changed" in msg
    assert org.files == before


def test_unzip_refuses_paths_outside_root():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("unpackaged/../../etc/x", b"x")
    with pytest.raises(OrgError, match="unsafe path"):
        metadata.unzip(buf.getvalue())


def test_rest_retry_adapter_retries_post_on_503():
    from simple_salesforce import Salesforce

    sf = Salesforce(instance="test.salesforce.com", session_id="TOKEN")
    rest.mount_rest_retries(sf, retries=2, backoff=0)
    url = "https://test.salesforce.com/services/data/v59.0/composite/sobjects"
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, url, status=503)
        rsps.add(responses.POST, url, json=[{"success": True}])
        # responses honours the adapter's Retry, as urllib3 would.
        assert sf.session.post(url, json={}).json() == [{"success": True}]
        assert len(rsps.calls) == 2


def test_rest_call_refreshes_expired_session_once():
    from simple_salesforce.exceptions import SalesforceExpiredSession

    task = make_task()
    task.org_config.config["access_token"] = "NEW"

    class FakeSf:
        session_id = "OLD"
        headers = {"Authorization": "Bearer OLD"}

    sf = FakeSf()
    seen = []

    def call():
        seen.append(sf.headers["Authorization"])
        if len(seen) == 1:
            raise SalesforceExpiredSession("url", 401, "Contact", "INVALID_SESSION_ID")
        return "ok"

    assert rest.call_rest(task, sf, call) == "ok"
    assert seen == ["Bearer OLD", "Bearer NEW"] and task.org_config.refresh_oauth_token.call_count == 1


@pytest.mark.parametrize("value", [b"false", b"", b"False"])
def test_no_deploy_can_carry_consent_management_other_than_true(org, value):
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="http://soap.sforce.com/2006/04/metadata">'
        b"<enableConsentManagement>" + value + b"</enableConsentManagement></PartyDataModelSettings>\n"
    )
    c = client()
    for path in (
        "settings/PartyDataModel.settings",
        "force-app/main/default/settings/PartyDataModel.settings-meta.xml",
    ):
        with pytest.raises(OptionError, match="purges the org's data protection"):
            c.deploy({path: doc, "package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0")})
    assert c.calls == {} and "settings/PartyDataModel.settings" not in org.files


def test_consent_management_true_deploys(org):
    doc = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="http://soap.sforce.com/2006/04/metadata">'
        b"<enableConsentManagement>true</enableConsentManagement></PartyDataModelSettings>\n"
    )
    client().deploy(
        {"settings/PartyDataModel.settings": doc, "package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0")}
    )
    assert org.files["settings/PartyDataModel.settings"] == doc


def test_list_types_is_one_call_grouped_by_type(org):
    org.files["flexipages/Contact_Record_Page.flexipage"] = b"<FlexiPage/>"
    c = client()
    found = c.list_types(["Layout", "FlexiPage"])
    assert sorted(e["fullName"] for e in found["Layout"]) == ["Contact-Contact Layout", "Lead-Lead Layout"]
    assert [e["fullName"] for e in found["FlexiPage"]] == ["Contact_Record_Page"]
    assert c.calls["listMetadata"] == 1
    with pytest.raises(ValueError, match="1 to 3 types"):
        c.list_types(["Layout", "FlexiPage", "Settings", "PermissionSet"])
