"""The org's connected app and the JWT bearer grant: assertions as CumulusCI signs them, checked as Salesforce
checks them."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from localorg.models import connected_app
from localorg.models.connected_app import ConnectedApp
from localorg.models.org import LocalOrg
from tests.jwt_keys import certificate, rsa_key
from tests.localorg.responses.test_rest import call, make_org, token_form  # noqa: F401 (make_org is a fixture)
from tests.localorg.test_server import serve_cli

CLIENT_ID = "3MVG9localTestClientId"


@pytest.fixture(scope="module")
def key():
    return rsa_key()


@pytest.fixture
def app(key, tmp_path):
    path = tmp_path / "server.crt"
    path.write_bytes(certificate(key))
    return ConnectedApp.from_pem(CLIENT_ID, path)


def assertion(key, username, **claims):
    """Signed as cumulusci.oauth.salesforce.jwt_session signs it: iss, sub, aud, exp = now, RS256."""
    payload = {"iss": CLIENT_ID, "sub": username, "aud": "https://login.salesforce.com", "exp": int(time.time())}
    payload.update(claims)
    return jwt.encode(payload, key, algorithm="RS256")


def grant(org, token):
    return call(org, "POST", "/services/oauth2/token", token_form(grant_type=connected_app.GRANT_TYPE, assertion=token))


def test_an_assertion_signed_with_the_apps_key_gets_a_session(make_org, app, key):  # noqa: F811
    org = make_org()
    org.install_connected_app(app)
    status, reply = grant(org, assertion(key, org.identity.username))
    assert status == 200
    assert org.sessions.valid(reply["access_token"])
    assert reply["instance_url"] == "https://127.0.0.1:4443" and reply["id"].endswith(org.identity.user_id)


@pytest.mark.parametrize(
    "change, error",
    [
        ({"iss": "3MVG9someOtherApp"}, ("invalid_client_id", "client identifier invalid")),
        ({"aud": "https://acme.my.salesforce.com"}, ("invalid_grant", "audience is invalid")),
        ({"aud": "https://test.salesforce.com"}, ("invalid_grant", "audience is invalid")),  # not a sandbox
        ({"exp": int(time.time()) - 600}, ("invalid_grant", "expired authorization code")),
        ({"exp": "tomorrow"}, ("invalid_grant", "invalid assertion")),
        ({"sub": "someone@else.example"}, ("invalid_grant", "user hasn't approved this consumer")),
    ],
)
def test_claims_are_checked_as_salesforce_checks_them(make_org, app, key, change, error):  # noqa: F811
    org = make_org()
    org.install_connected_app(app)
    status, reply = grant(org, assertion(key, org.identity.username, **change))
    assert (status, (reply["error"], reply["error_description"])) == (400, error)
    assert org.sessions.access_tokens == []


def test_the_connected_app_is_kept_in_the_orgs_state(make_org, app, key):  # noqa: F811
    org = make_org()
    org.install_connected_app(app)
    org.close()
    again = LocalOrg(org.root)
    again.base_url = org.base_url
    try:
        assert again.connected_app.client_id == CLIENT_ID
        assert grant(again, assertion(key, again.identity.username))[0] == 200
    finally:
        again.close()


def test_the_orgs_own_url_is_an_accepted_audience(make_org, app, key):  # noqa: F811
    org = make_org()
    org.install_connected_app(app)
    assert grant(org, assertion(key, org.identity.username, aud="https://127.0.0.1:4443/"))[0] == 200


def test_a_sandbox_takes_test_salesforce_com(make_org, app, key):  # noqa: F811
    org = make_org(is_sandbox=True)
    org.install_connected_app(app)
    assert grant(org, assertion(key, org.identity.username, aud="https://test.salesforce.com"))[0] == 200
    assert grant(org, assertion(key, org.identity.username))[1]["error_description"] == "audience is invalid"


def test_forged_and_malformed_assertions_are_invalid(make_org, app, key):  # noqa: F811
    org = make_org()
    org.install_connected_app(app)
    user = org.identity.username
    claims = {"iss": CLIENT_ID, "sub": user, "aud": "https://login.salesforce.com", "exp": int(time.time())}
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    forged = [
        assertion(rsa_key(), user),  # another key
        jwt.encode(claims, None, algorithm="none"),
        jwt.encode(claims, public_pem.decode()[:40], algorithm="HS256"),  # a shared-secret signature
        "not-a-jwt",
        "",
    ]
    for token in forged:
        status, reply = grant(org, token)
        assert (status, reply["error"], reply["error_description"]) == (400, "invalid_grant", "invalid assertion"), (
            token
        )
    assert org.sessions.access_tokens == []


def test_an_org_without_a_connected_app_knows_no_client(make_org, key):  # noqa: F811
    org = make_org()
    assert grant(org, assertion(key, org.identity.username))[1]["error"] == "invalid_client_id"


def test_a_bare_public_key_file_is_accepted_and_other_files_are_refused(tmp_path, key):
    pub = tmp_path / "server.pub"
    pub.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert ConnectedApp.from_pem(CLIENT_ID, pub).public_key.public_numbers() == key.public_key().public_numbers()
    garbage = tmp_path / "server.crt"
    garbage.write_text("hello")
    with pytest.raises(ValueError, match="not a PEM certificate or public key"):
        ConnectedApp.from_pem(CLIENT_ID, garbage)
    ec_cert = tmp_path / "ec.crt"
    ec_cert.write_bytes(certificate(ec.generate_private_key(ec.SECP256R1())))
    with pytest.raises(ValueError, match="not RSA"):
        ConnectedApp.from_pem(CLIENT_ID, ec_cert)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--jwt-client-id", CLIENT_ID], "--jwt-cert and --jwt-client-id: give both"),
        (["--jwt-cert", "missing.crt", "--jwt-client-id", CLIENT_ID], "--jwt-cert: missing.crt: cannot be read"),
        (["--jwt-cert", "missing.crt", "--jwt-client-id", " "], "--jwt-client-id: must not be empty"),
    ],
)
def test_bad_jwt_options_exit_2_with_one_line_and_create_nothing(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    state = tmp_path / "never"
    result = serve_cli("--state", str(state), *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not state.exists()
