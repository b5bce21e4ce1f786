"""The local Dev Hub: ScratchOrgInfo creates a scratch org served beside the hub, the authorization_code
grant authorizes it, ActiveScratchOrg deletion removes it; each org answers only its own tokens."""

import base64
import io
import zipfile

import pytest
import requests

from localorg import inprocess

V = "/services/data/v63.0"
PERSON_ACCOUNTS_BODY = {
    "OrgName": "EmailPrivacy - Dev Org with Person Accounts",
    "Edition": "Developer",
    "HasSampleData": False,
    "Features": "PersonAccounts",
    "DurationDays": 7,
    "ConnectedAppCallbackUrl": "http://localhost:1717/OauthRedirect",
    "ConnectedAppConsumerKey": "PlatformCLI",
    "Package2AncestorIds": "",
}


@pytest.fixture
def hub(tmp_path):
    with inprocess.serve(tmp_path / "hub", dev_hub=True) as org:
        yield org


def _get(org, path, token, **params):
    return requests.get(org.base_url + path, params=params, headers={"Authorization": f"Bearer {token}"})


def _query(org, token, soql, version="63.0"):
    return _get(org, f"/services/data/v{version}/query", token, q=soql)


def _create(hub, token, body):
    return requests.post(
        f"{hub.base_url}{V}/sobjects/ScratchOrgInfo", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def _code_grant(hub, info, **override):
    form = {
        "grant_type": "authorization_code",
        "code": info["AuthCode"],
        "client_id": "PlatformCLI",
        "redirect_uri": info["ConnectedAppCallbackUrl"],
        **override,
    }
    return requests.post(f"{info['LoginUrl']}/services/oauth2/token", data=form)


def _new_scratch(hub, hub_token, body=PERSON_ACCOUNTS_BODY):
    created = _create(hub, hub_token, body)
    assert created.status_code == 201, created.text
    info = _get(hub, f"{V}/sobjects/ScratchOrgInfo/{created.json()['id']}", hub_token).json()
    return info


def _settings_zip() -> bytes:
    """A zip as sf builds a definition's settings: one shape_<ms>/ folder, roots without a namespace."""
    files = {
        "settings/PartyDataModel.settings": "<?xml version='1.0'?>\n<PartyDataModelSettings>\n"
        "    <enableConsentManagement>true</enableConsentManagement>\n</PartyDataModelSettings>",
        "package.xml": "<?xml version='1.0'?>\n<Package xmlns='http://soap.sforce.com/2006/04/metadata'>\n"
        "    <types>\n        <members>PartyDataModel</members>\n        <name>Settings</name>\n    </types>\n"
        "    <version>63.0</version>\n</Package>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("shape_1795986447842/", "")
        zf.writestr("shape_1795986447842/settings/", "")
        for name, text in files.items():
            zf.writestr(f"shape_1795986447842/{name}", text)
    return buf.getvalue()


def test_the_dev_hub_check_answers_on_the_hub_and_fails_on_other_orgs(hub, tmp_path):
    token = hub.sessions.issue()
    assert _query(hub, token, "SELECT Id FROM ScratchOrgInfo limit 1", "51.0").status_code == 200
    with inprocess.serve(tmp_path / "plain", host="plain.test") as plain:
        reply = _query(plain, plain.sessions.issue(), "SELECT Id FROM ScratchOrgInfo limit 1", "51.0")
    assert reply.status_code == 400 and reply.json()[0]["errorCode"] == "INVALID_TYPE"


def test_create_makes_an_active_scratch_org_seeded_from_the_definition(hub):
    hub_token = hub.sessions.issue()
    info = _new_scratch(hub, hub_token)
    assert info["Status"] == "Active" and info["ErrorCode"] is None
    assert info["LoginUrl"] == hub.base_url and info["SignupInstance"] is None
    assert info["ConnectedAppConsumerKey"] == "PlatformCLI" and info["DurationDays"] == 7
    scratch = hub.orgs.scratch(info["ScratchOrg"])
    assert scratch is not None and scratch.root.parent == hub.root / "scratch-orgs"
    assert scratch.identity.org_id != hub.identity.org_id
    assert scratch.identity.username == info["SignupUsername"]
    assert scratch.identity.person_accounts and scratch.identity.lightning
    assert scratch.identity.edition == "Developer Edition" and scratch.identity.is_sandbox
    assert scratch.identity.trial_expiration == info["ExpirationDate"]
    # Settings start at the defaults: the definition's settings are the CLI's to deploy.
    assert not scratch.consent_enabled

    grant = _code_grant(hub, info)
    assert grant.status_code == 200, grant.text
    reply = grant.json()
    assert reply["id"].split("/")[-2] == scratch.identity.org_id and reply["refresh_token"]
    assert scratch.sessions.valid(reply["access_token"])
    org_row = _query(
        hub,
        reply["access_token"],
        "SELECT Name, IsSandbox, TrialExpirationDate, OrganizationType FROM Organization",
    ).json()["records"][0]
    assert org_row["IsSandbox"] is True and org_row["TrialExpirationDate"] == info["ExpirationDate"]
    assert org_row["Name"] == PERSON_ACCOUNTS_BODY["OrgName"]
    # The code is spent; a refresh with the returned token works and stays with the scratch org.
    assert _code_grant(hub, info).json()["error"] == "invalid_grant"
    refreshed = requests.post(
        f"{hub.base_url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": reply["refresh_token"], "client_id": "PlatformCLI"},
    ).json()
    assert refreshed["id"] == reply["id"] and scratch.sessions.valid(refreshed["access_token"])


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"client_id": "SomeOtherApp"}, "invalid_client_id"),
        ({"redirect_uri": "http://localhost:1/x"}, "redirect_uri_mismatch"),
    ],
)
def test_the_code_works_only_for_the_client_it_was_issued_to(hub, override, error):
    info = _new_scratch(hub, hub.sessions.issue())
    reply = _code_grant(hub, info, **override)
    assert reply.status_code == 400 and reply.json()["error"] == error


def test_tokens_reach_only_their_own_org(hub):
    hub_token = hub.sessions.issue()
    info = _new_scratch(hub, hub_token)
    scratch_token = _code_grant(hub, info).json()["access_token"]
    # Same origin, different orgs: each token sees its own org's identity and data.
    assert _get(hub, "/services/oauth2/userinfo", hub_token).json()["organization_id"] == hub.identity.org_id
    assert (
        _get(hub, "/services/oauth2/userinfo", scratch_token).json()["organization_id"]
        == info["ScratchOrg"][:15] + (hub.orgs.scratch(info["ScratchOrg"]).identity.org_id[15:])
    )
    # The scratch org's token cannot see Dev Hub objects; the hub's token cannot reach scratch metadata by org id.
    assert _query(hub, scratch_token, "SELECT Id FROM ScratchOrgInfo").status_code == 400
    soap = (
        '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>{t}</sessionId>'
        "</SessionHeader></soapenv:Header><soapenv:Body><listMetadata><queries><type>Layout</type></queries>"
        "<asOfVersion>63.0</asOfVersion></listMetadata></soapenv:Body></soapenv:Envelope>"
    )
    into_scratch = requests.post(
        f"{hub.base_url}/services/Soap/m/63.0/{info['ScratchOrg']}",
        data=soap.format(t=hub_token),
        headers={"Content-Type": "text/xml", "SOAPAction": '""'},
    )
    assert into_scratch.status_code == 500 and "INVALID_SESSION_ID" in into_scratch.text
    into_hub = requests.post(
        f"{hub.base_url}/services/Soap/m/63.0/{hub.identity.org_id}",
        data=soap.format(t=scratch_token),
        headers={"Content-Type": "text/xml", "SOAPAction": '""'},
    )
    assert into_hub.status_code == 500 and "INVALID_SESSION_ID" in into_hub.text
    # The hub's refresh token gives hub tokens, never scratch ones.
    hub_refresh = requests.post(
        f"{hub.base_url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": hub.sessions.refresh_token},
    ).json()
    assert hub.sessions.valid(hub_refresh["access_token"])
    assert not hub.orgs.scratch(info["ScratchOrg"]).sessions.valid(hub_refresh["access_token"])


def test_the_cli_settings_deploy_lands_in_the_scratch_org(hub):
    """The zip as sf builds it: one shape_<ms>/ folder, settings without a namespace, no org id in the path."""
    info = _new_scratch(hub, hub.sessions.issue())
    token = _code_grant(hub, info).json()["access_token"]
    buf = io.BytesIO(_settings_zip())
    envelope = (
        '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        '<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>{t}</sessionId>'
        '</SessionHeader></soapenv:Header><soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">{op}'
        "</soapenv:Body></soapenv:Envelope>"
    )
    deploy = envelope.format(
        t=token,
        op=f"<deploy><ZipFile>{base64.b64encode(buf.getvalue()).decode()}</ZipFile><DeployOptions></DeployOptions></deploy>",
    )
    headers = {"Content-Type": "text/xml", "SOAPAction": '""'}
    started = requests.post(f"{hub.base_url}/services/Soap/m/63.0", data=deploy, headers=headers)
    assert started.status_code == 200, started.text
    job = started.text.split("<id>")[1].split("</id>")[0]
    status = envelope.format(
        t=token,
        op=f"<checkDeployStatus><asyncProcessId>{job}</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>",
    )
    for _ in range(50):
        reply = requests.post(f"{hub.base_url}/services/Soap/m/63.0", data=status, headers=headers).text
        if "<done>true</done>" in reply:
            break
    assert "<status>Succeeded</status>" in reply, reply
    assert hub.orgs.scratch(info["ScratchOrg"]).consent_enabled
    assert not hub.consent_enabled


def test_delete_removes_the_scratch_org_and_its_tokens(hub):
    hub_token = hub.sessions.issue()
    info = _new_scratch(hub, hub_token)
    grant = _code_grant(hub, info).json()
    folder = hub.orgs.scratch(info["ScratchOrg"]).root
    rows = _query(
        hub, hub_token, f"SELECT Id FROM ActiveScratchOrg WHERE SignupUsername='{info['SignupUsername']}'"
    ).json()["records"]
    assert len(rows) == 1
    shown = _query(
        hub,
        hub_token,
        "SELECT CreatedDate, Edition, Status, ExpirationDate, Namespace, OrgName, CreatedBy.Username, SignupUsername,"
        f" LoginUrl, ScratchOrg FROM ScratchOrgInfo WHERE ScratchOrg IN ('{info['ScratchOrg']}')",
    ).json()["records"]
    assert shown[0]["CreatedBy"]["Username"] == hub.identity.username

    deleted = requests.delete(
        f"{hub.base_url}{V}/sobjects/ActiveScratchOrg/{rows[0]['Id']}", headers={"Authorization": f"Bearer {hub_token}"}
    )
    assert deleted.status_code == 204
    assert hub.orgs.scratch(info["ScratchOrg"]) is None and not folder.exists()
    assert _get(hub, "/services/oauth2/userinfo", grant["access_token"]).status_code == 401
    refused = requests.post(
        f"{hub.base_url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]},
    )
    assert refused.json()["error"] == "invalid_grant"
    after = _get(hub, f"{V}/sobjects/ScratchOrgInfo/{info['Id']}", hub_token).json()
    assert after["Status"] == "Deleted" and after["AuthCode"] is None
    assert _query(hub, hub_token, "SELECT Id FROM ActiveScratchOrg").json()["totalSize"] == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"Edition": "Partner Developer"}, "Edition: the local Dev Hub models Developer, Enterprise"),
        (
            {"Features": "PersonAccounts;MultiCurrency"},
            "Features: the local Dev Hub models PersonAccounts, not 'MultiCurrency'",
        ),
        ({"Snapshot": "snap1"}, "Snapshot: the local Dev Hub does not model it"),
        ({"Features": ["PersonAccounts"]}, "Features: a semicolon-separated string"),
        ({"Edition": None}, "Required fields are missing: [Edition]"),
        ({"DurationDays": 31}, "DurationDays: a whole number from 1 to 30"),
        ({"Bogus": 1}, "No such column 'Bogus' on sobject of type ScratchOrgInfo"),
    ],
)
def test_what_the_local_dev_hub_does_not_model_is_refused_and_nothing_is_created(hub, change, words):
    token = hub.sessions.issue()
    reply = _create(hub, token, {**PERSON_ACCOUNTS_BODY, **change})
    assert reply.status_code == 400 and words in reply.json()[0]["message"]
    assert hub.orgs.all() == [hub]
    assert _query(hub, token, "SELECT Id FROM ScratchOrgInfo").json()["totalSize"] == 0


def test_scratch_orgs_survive_a_restart_of_the_hub(tmp_path):
    with inprocess.serve(tmp_path / "hub", dev_hub=True) as hub:
        info = _new_scratch(hub, hub.sessions.issue())
        token = _code_grant(hub, info).json()["access_token"]
    with inprocess.serve(tmp_path / "hub") as hub:
        reply = _get(hub, "/services/oauth2/userinfo", token)
        assert reply.status_code == 200 and reply.json()["preferred_username"] == info["SignupUsername"]


def test_scratch_orgs_track_deployed_settings_as_source_members_and_other_orgs_do_not(hub):
    info = _new_scratch(hub, hub.sessions.issue())
    scratch = hub.orgs.scratch(info["ScratchOrg"])
    token = _code_grant(hub, info).json()["access_token"]
    soql = "SELECT Id, MemberType, MemberName FROM SourceMember WHERE RevisionCounter > 0"
    assert _get(hub, f"{V}/tooling/query", token, q=soql).json()["totalSize"] == 0
    scratch.metadata.deploy(_settings_zip(), single_package=False)
    rows = _get(hub, f"{V}/tooling/query", token, q=soql).json()["records"]
    assert [(r["MemberType"], r["MemberName"]) for r in rows] == [("Settings", "PartyDataModel")]
    patched = requests.patch(
        f"{hub.base_url}{V}/tooling/sobjects/SourceMember/{rows[0]['Id']}",
        json={"RevisionCounter": 0},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert patched.status_code == 204
    assert _get(hub, f"{V}/tooling/query", token, q=soql).json()["totalSize"] == 0
    refused = requests.patch(
        f"{hub.base_url}{V}/tooling/sobjects/SourceMember/{rows[0]['Id']}",
        json={"MemberName": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 400 and "only RevisionCounter" in refused.json()[0]["message"]
    on_hub = _get(hub, f"{V}/tooling/query", hub.sessions.issue(), q=soql)
    assert on_hub.status_code == 400 and on_hub.json()[0]["errorCode"] == "INVALID_TYPE"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (f"{V}/tooling/executeAnonymous?anonymousBody=System.debug(1);", "does not run Apex"),
        (f"{V}/tooling/query?q=SELECT Id FROM CustomObject WHERE ManageableState != 'unmanaged'", "CustomObject"),
    ],
)
def test_calls_the_local_org_does_not_model_are_refused_as_such(hub, path, words):
    reply = _get(hub, path, hub.sessions.issue())
    assert reply.status_code == 501 and reply.json()[0]["errorCode"] == "NOT_MODELLED_BY_LOCAL_ORG"
    assert words in reply.json()[0]["message"]


def test_an_org_that_is_not_a_dev_hub_creates_no_scratch_orgs(tmp_path):
    with inprocess.serve(tmp_path / "plain", host="plain.test") as plain:
        reply = _create(plain, plain.sessions.issue(), PERSON_ACCOUNTS_BODY)
        assert reply.status_code == 404 and reply.json()[0]["errorCode"] == "NOT_FOUND"
        assert plain.orgs.all() == [plain] and not (plain.root / "scratch-orgs").exists()


def test_a_source_member_describe_is_not_taken_for_a_record_update(hub):
    # sf asks `tooling/sobjects/SourceMember/describe` to learn whether an org tracks source; an org that does
    # not answers as for any object it lacks, never "method not allowed" (which sf reports as a failure).
    reply = _get(hub, f"{V}/tooling/sobjects/SourceMember/describe", hub.sessions.issue())
    assert reply.status_code == 404, reply.text
