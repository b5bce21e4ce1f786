"""The server core: central session checks, faults, routing errors, abuse, the request log, the CLI."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import certifi
import pytest
import requests

from localorg.exceptions import OptionError
from localorg.faults import parse_faults
from localorg.http import Request
from localorg.models.identity import OrgIdentity
from localorg.models.org import LocalOrg
from localorg.requestlog import RequestLog, read_log
from localorg.server import MAX_BODY, OrgServer, Router, dispatch, serve_in_thread
from localorg.tls import ensure_certificate, server_context, write_ca_bundle
from localorg.urls import ROUTES

SOAP = (
    '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns:m="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><m:SessionHeader><m:sessionId>{sid}'
    "</m:sessionId></m:SessionHeader></soapenv:Header><soapenv:Body><m:listMetadata><m:queries><m:type>Layout"
    "</m:type></m:queries><m:asOfVersion>63.0</m:asOfVersion></m:listMetadata></soapenv:Body></soapenv:Envelope>"
)


@pytest.fixture
def org(tmp_path):
    o = LocalOrg(tmp_path / "org", OrgIdentity())
    o.base_url = "https://127.0.0.1:1"
    yield o
    o.close()


def req(method, path, token=None, body=b"", **headers):
    h = {k.lower().replace("_", "-"): v for k, v in headers.items()}
    if token:
        h["authorization"] = f"Bearer {token}"
    return Request(method, path, {}, h, body)


def run(org, request):
    return dispatch(org, Router(ROUTES), request)


def test_rest_needs_an_issued_token(org):
    for token in (None, "00Dxx!forged"):
        resp = run(org, req("GET", "/services/data/v63.0/sobjects", token))
        assert resp.status == 401
        assert json.loads(resp.body) == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    assert run(org, req("GET", "/services/data/v63.0/sobjects", org.sessions.issue())).status == 200
    # OAuth-style header is accepted too (simple-salesforce's older form)
    assert (
        run(org, Request("GET", "/services/data", {}, {"authorization": "OAuth " + org.sessions.issue()})).status == 200
    )


def test_soap_session_is_read_from_the_header_and_refused_as_salesforce_does(org):
    bad = run(org, req("POST", "/services/Soap/m/63.0/" + org.identity.org_id, body=SOAP.format(sid="nope").encode()))
    assert bad.status == 500 and b"<faultcode>sf:INVALID_SESSION_ID</faultcode>" in bad.body
    good = run(
        org,
        req(
            "POST", "/services/Soap/m/63.0/" + org.identity.org_id, body=SOAP.format(sid=org.sessions.issue()).encode()
        ),
    )
    assert good.status == 200 and b"listMetadataResponse" in good.body
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    for body in (b"<not xml", hostile):
        resp = run(org, req("POST", "/services/Soap/m/63.0", body=body))
        assert resp.status == 500 and b"soapenv:Client" in resp.body and b"root:" not in resp.body


def test_unknown_paths_and_methods(org):
    token = org.sessions.issue()
    nf = run(org, req("GET", "/services/data/v63.0/nothing/here", token))
    assert nf.status == 404 and json.loads(nf.body)[0]["errorCode"] == "NOT_FOUND"
    na = run(org, req("DELETE", "/services/data/v63.0/query", token))
    assert na.status == 405 and "Allowed are GET" in json.loads(na.body)[0]["message"]
    assert run(org, req("GET", "/etc/passwd")).status == 401


def test_a_crashing_handler_gives_a_salesforce_shaped_500(org, capsys):
    def boom(org, request):
        raise RuntimeError("bug")

    resp = dispatch(
        org,
        Router([("GET", r"^/services/data/v63.0/boom$", boom)]),
        req("GET", "/services/data/v63.0/boom", org.sessions.issue()),
    )
    assert resp.status == 500 and json.loads(resp.body)[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert "RuntimeError" in capsys.readouterr().err


def test_faults_http_503_skip_and_session_expired(org):
    org.faults = parse_faults(["http-503:2@1", "session-expired:5"])
    token = org.sessions.issue()
    handshake = run(org, req("GET", "/services/data", token))
    assert handshake.status == 200  # the connection handshake is never faulted
    statuses = [run(org, req("GET", "/services/data/v63.0/sobjects", token)).status for _ in range(6)]
    assert statuses == [200, 503, 503, 200, 401, 200]
    soap = parse_faults(["session-expired:1"])
    org.faults = soap
    resp = run(org, req("POST", "/services/Soap/m/63.0", body=SOAP.format(sid=token).encode()))
    assert resp.status == 500 and b"sf:INVALID_SESSION_ID" in resp.body


@pytest.mark.parametrize(
    "spec",
    [
        "http-503",
        "http-503:0",
        "http-503:x",
        "slow:-1",
        "teleport:3",
        "deploy-fail:",
        "session-expired:1.5",
        "http-503:2@x",
    ],
)
def test_bad_fault_specs_are_one_line_errors(spec):
    with pytest.raises(OptionError) as info:
        parse_faults([spec])
    assert spec in str(info.value) and "allowed forms" in str(info.value) and "\n" not in str(info.value)


def test_fault_specs_combine():
    f = parse_faults(["deploy-fail:Contact-Contact Layout", "deploy-fail:Lead-Lead Layout", "slow:25", "http-503:1"])
    assert f.deploy_fail == {"Contact-Contact Layout", "Lead-Lead Layout"} and f.slow_ms == 25 and f.http_503 == 1


@pytest.fixture
def live(tmp_path, org):
    cert, key = ensure_certificate(tmp_path / "tls")
    bundle = write_ca_bundle(cert, tmp_path / "tls" / "bundle.pem")
    server = OrgServer(org, ROUTES, server_context(cert, key), request_log=RequestLog(tmp_path / "log.jsonl"))
    org.base_url = f"https://127.0.0.1:{server.port}"
    serve_in_thread(server)
    session = requests.Session()
    session.trust_env = False  # else a REQUESTS_CA_BUNDLE in the environment overrides session.verify
    session.verify = str(bundle)
    yield server, session, tmp_path / "log.jsonl"
    server.shutdown()
    server.server_close()


def test_https_only_on_loopback_with_a_cert_for_127_0_0_1(live):
    server, session, _ = live
    assert server.server_address[0] == "127.0.0.1"
    assert session.get(f"https://127.0.0.1:{server.port}/services/data").status_code == 401  # verified TLS
    plain = requests.Session()
    plain.trust_env = False
    with pytest.raises(requests.exceptions.SSLError):
        plain.get(f"https://127.0.0.1:{server.port}/services/data", verify=certifi.where())  # untrusted without ours
    with socket.create_connection(("127.0.0.1", server.port)) as s:  # plain HTTP gets no answer in clear
        s.sendall(b"GET /services/data HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(5)
        assert b"HTTP/1.1 200" not in s.recv(100)


def test_huge_body_gets_413_and_the_server_keeps_serving(live):
    server, session, _ = live
    url = f"https://127.0.0.1:{server.port}"
    token = server.org.sessions.issue()
    resp = session.post(
        url + "/services/data/v63.0/composite/sobjects",
        data=b"x" * (MAX_BODY + 1),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 413 and resp.json()[0]["errorCode"] == "REQUEST_ENTITY_TOO_LARGE"
    bad_json = session.post(
        url + "/services/data/v63.0/composite/sobjects", data=b"{", headers={"Authorization": f"Bearer {token}"}
    )
    assert bad_json.status_code == 400 and bad_json.json()[0]["errorCode"] == "JSON_PARSER_ERROR"
    assert session.get(url + "/services/data", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_chunked_bodies_are_read_as_salesforce_reads_them(live):
    # jsforce (under sf) streams token requests and Bulk uploads with Transfer-Encoding: chunked.
    server, session, _ = live
    url = f"https://127.0.0.1:{server.port}"
    headers = {"Authorization": f"Bearer {server.org.sessions.issue()}", "Content-Type": "application/json"}
    pieces = [b'{"LastName": ', b'"Chunked", ', b'"Email": "chunked@example.com"}']
    created = session.post(url + "/services/data/v63.0/sobjects/Contact", data=iter(pieces), headers=headers)
    assert created.request.headers.get("Transfer-Encoding") == "chunked"
    assert created.status_code == 201, created.text
    got = session.get(url + f"/services/data/v63.0/sobjects/Contact/{created.json()['id']}", headers=headers)
    assert got.json()["LastName"] == "Chunked"

    too_big = session.post(
        url + "/services/data/v63.0/composite/sobjects",
        data=(b"x" * (1 << 20) for _ in range(MAX_BODY // (1 << 20) + 1)),
        headers=headers,
    )
    assert too_big.status_code == 413 and too_big.json()[0]["errorCode"] == "REQUEST_ENTITY_TOO_LARGE"
    assert session.get(url + "/services/data", headers=headers).status_code == 200


def test_request_log_lines_and_no_secrets(live):
    server, session, log = live
    url = f"https://127.0.0.1:{server.port}"
    org = server.org
    tok = session.post(
        url + "/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": org.sessions.refresh_token},
    ).json()
    session.get(
        url + "/services/data/v63.0/query",
        params={"q": "SELECT Id FROM User"},
        headers={"Authorization": f"Bearer {tok['access_token']}"},
    )
    session.post(
        url + "/services/Soap/m/63.0",
        data=SOAP.format(sid=tok["access_token"]),
        headers={"SOAPAction": '"listMetadata"', "Content-Type": "text/xml"},
    )
    lines = read_log(log)
    assert [(line["method"], line["path"], line["soap_action"], line["status"]) for line in lines] == [
        ("POST", "/services/oauth2/token", None, 200),
        ("GET", "/services/data/v63.0/query", None, 200),
        ("POST", "/services/Soap/m/63.0", "listMetadata", 200),
    ]
    assert all(line["ms"] >= 0 and line["bytes_out"] > 0 for line in lines) and lines[2]["bytes_in"] > 0
    text = log.read_text()
    for secret in org.sessions.all_tokens():
        assert secret not in text


def test_slow_fault_delays_every_reply(live):
    server, session, log = live
    server.org.faults.slow_ms = 300
    started = time.monotonic()
    session.get(f"https://127.0.0.1:{server.port}/services/data")
    assert time.monotonic() - started >= 0.3


def serve_cli(*args, timeout=20):
    return subprocess.run(
        [str(Path(sys.executable).parent / "email-privacy"), "org", "serve", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["--fault", "explode:1"], "--fault 'explode:1': unknown kind"),
        (["--port", "70000"], "--port"),
        (["--person-accounts-count", "3"], "--person-accounts-count: needs --person-accounts"),
        (["--edition", " "], "--edition: must not be empty"),
    ],
)
def test_bad_cli_options_exit_2_with_one_line_and_create_nothing(tmp_path, args, words):
    state = tmp_path / "never"
    result = serve_cli("--state", str(state), *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and not state.exists()


def test_port_in_use_is_a_one_line_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        result = serve_cli("--state", str(tmp_path / "o"), "--port", str(s.getsockname()[1]))
    assert result.returncode == 2 and "cannot listen on 127.0.0.1" in result.stderr and "Traceback" not in result.stderr


def test_accepted_sockets_send_without_nagles_delay_and_the_listen_queue_is_deep(tmp_path, org):
    cert, key = ensure_certificate(tmp_path / "tls")
    server = OrgServer(org, ROUTES, server_context(cert, key))
    try:
        client = socket.create_connection(("127.0.0.1", server.port))
        conn, _ = server.get_request()
        assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        conn.close()
        client.close()
        assert server.request_queue_size >= 600
    finally:
        server.server_close()
