"""The local org under abuse, over real HTTPS to `email-privacy org serve` in a subprocess.

Each hostile request gets a Salesforce-shaped error (a SOAP fault, or the REST [{message, errorCode}]
list), the server keeps serving (a normal request right after succeeds), and DIR's metadata, its
properties and the records database are byte for byte what they were.
"""

import base64
import io
import zipfile

import pytest
import requests

from email_privacy.api.metadata_api import make_zip
from email_privacy.metadata.documents import package_xml
from localorg.process import LocalOrgProcess
from localorg.server import MAX_BODY
from tests.harness import org_files, records_files

LAYOUT = "Contact-Contact Layout"
M = "http://soap.sforce.com/2006/04/metadata"


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    process = LocalOrgProcess(tmp_path_factory.mktemp("abuse"), contacts=3)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def client(org):
    session = requests.Session()
    session.trust_env = False
    session.verify = org.env["REQUESTS_CA_BUNDLE"]
    token = session.post(
        org.url + "/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": org.org_config["refresh_token"]},
    ).json()["access_token"]
    return session, token


def envelope(token: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/'
        f'envelope/" xmlns:m="{M}"><soapenv:Header><m:SessionHeader><m:sessionId>{token}</m:sessionId>'
        f"</m:SessionHeader></soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    ).encode()


def deploy_body(zip_bytes: bytes, raw: str | None = None) -> str:
    data = raw if raw is not None else base64.b64encode(zip_bytes).decode()
    return (
        f"<m:deploy><m:ZipFile>{data}</m:ZipFile><m:DeployOptions><m:rollbackOnError>true</m:rollbackOnError>"
        "<m:singlePackage>true</m:singlePackage></m:DeployOptions></m:deploy>"
    )


def corrupt_crc_zip() -> bytes:
    """A valid-looking deploy zip whose layout entry fails its CRC check when read."""
    good = make_zip(
        {
            "package.xml": package_xml({"Layout": [LAYOUT]}, "63.0"),
            f"layouts/{LAYOUT}.layout": b"<Layout xmlns='%s'/>" % M.encode(),
        }
    )
    data = bytearray(good)
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        info = zf.getinfo(f"layouts/{LAYOUT}.layout")
    # Flip a byte of the compressed data (after the 30-byte local header, the name and the extra field).
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 2] ^= 0xFF
    return bytes(data)


def soap(client, org, body: bytes, action="deploy"):
    session, _ = client
    return session.post(
        f"{org.url}/services/Soap/m/63.0/{org.org_config['org_id']}",
        data=body,
        headers={"Content-Type": "text/xml", "SOAPAction": f'"{action}"'},
    )


def rest(client, org, method, path, body=None, token=None):
    session, good = client
    return session.request(
        method,
        f"{org.url}/services/data/v63.0/{path}",
        data=body,
        headers={"Authorization": f"Bearer {token or good}", "Content-Type": "application/json"},
    )


def deploy_outcome(client, org, reply) -> str:
    """The errorMessage (or status) checkDeployStatus reports for the deploy whose reply is given."""
    assert reply.status_code == 200, reply.text
    job = reply.text.split("<id>")[1].split("</id>")[0]
    status = soap(
        client,
        org,
        envelope(
            client[1],
            f"<m:checkDeployStatus><m:asyncProcessId>{job}</m:asyncProcessId>"
            "<m:includeDetails>true</m:includeDetails></m:checkDeployStatus>",
        ),
        "checkDeployStatus",
    )
    assert status.status_code == 200 and "<status>Failed</status>" in status.text, status.text
    return status.text


def soap_fault(reply, status=500) -> str:
    assert reply.status_code == status and "<soapenv:Fault>" in reply.text and "<faultcode>" in reply.text, reply.text
    return reply.text


def rest_error(reply, status) -> str:
    assert reply.status_code == status, reply.text
    [error] = reply.json()
    assert set(error) == {"message", "errorCode"}
    return error["errorCode"]


ABUSE = {
    "soap_not_xml": lambda c, o: "soapenv:Client" in soap_fault(soap(c, o, b"<soapenv:Envelope><unclosed")),
    "soap_entity_expansion": lambda c, o: (
        "soapenv:Client"
        in soap_fault(
            soap(
                c,
                o,
                (
                    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x>&c;</x>'
                ),
            )
        )
    ),
    "soap_unknown_operation": lambda c, o: soap_fault(soap(c, o, envelope(c[1], "<m:explode/>"), "explode")),
    "soap_deploy_without_options": lambda c, o: soap_fault(soap(c, o, envelope(c[1], "<m:deploy/>"))),
    "soap_deploy_bad_base64": lambda c, o: "base64" in soap_fault(soap(c, o, envelope(c[1], deploy_body(b"", "!!!")))),
    "soap_deploy_not_a_zip": lambda c, o: (
        "not a zip" in deploy_outcome(c, o, soap(c, o, envelope(c[1], deploy_body(b"PK-not-really"))))
    ),
    "soap_deploy_zip_climbing_out": lambda c, o: (
        "outside its root"
        in deploy_outcome(
            c,
            o,
            soap(
                c,
                o,
                envelope(
                    c[1],
                    deploy_body(
                        make_zip(
                            {
                                "package.xml": package_xml({"Layout": ["../../evil"]}, "63.0"),
                                "layouts/../../../evil.layout": b"<Layout/>",
                            }
                        )
                    ),
                ),
            ),
        )
    ),
    "soap_deploy_absolute_path": lambda c, o: (
        "outside its root"
        in deploy_outcome(
            c,
            o,
            soap(
                c,
                o,
                envelope(c[1], deploy_body(make_zip({"package.xml": b"<Package/>", "/tmp/evil.layout": b"<Layout/>"}))),
            ),
        )
    ),
    "soap_deploy_corrupt_zip_entry": lambda c, o: (
        "cannot be read" in deploy_outcome(c, o, soap(c, o, envelope(c[1], deploy_body(corrupt_crc_zip()))))
    ),
    "soap_huge_upload": lambda c, o: (
        "REQUEST_ENTITY_TOO_LARGE" in soap_fault(soap(c, o, b"<" + b"x" * (MAX_BODY + 1)), status=413)
    ),
    "soap_wrong_token": lambda c, o: (
        "sf:INVALID_SESSION_ID"
        in soap_fault(
            soap(c, o, envelope("00Dforged!token", deploy_body(make_zip({"package.xml": package_xml({}, "63.0")}))))
        )
    ),
    "rest_wrong_token": lambda c, o: (
        rest_error(rest(c, o, "GET", "sobjects", token="00Dforged!token"), 401) == "INVALID_SESSION_ID"
    ),
    "rest_malformed_json_collection": lambda c, o: (
        rest_error(rest(c, o, "POST", "composite/sobjects", b'{"records": ['), 400) == "JSON_PARSER_ERROR"
    ),
    "rest_malformed_json_create": lambda c, o: (
        rest_error(rest(c, o, "POST", "sobjects/Contact", b"[1, 2"), 400) == "JSON_PARSER_ERROR"
    ),
    "rest_json_not_an_object": lambda c, o: rest_error(rest(c, o, "POST", "sobjects/Contact", b'"LastName"'), 400),
    "rest_malformed_json_bulk_job": lambda c, o: (
        rest_error(rest(c, o, "POST", "jobs/ingest", b"{object: Contact"), 400) == "JSON_PARSER_ERROR"
    ),
    "rest_malformed_soql": lambda c, o: (
        rest_error(rest(c, o, "GET", "query?q=SELEKT+Id+FRUM+Contact"), 400) == "MALFORMED_QUERY"
    ),
}


@pytest.mark.parametrize("abuse", sorted(ABUSE))
def test_hostile_request_gets_a_salesforce_error_and_changes_nothing(org, client, abuse, tmp_path):
    before = {**org_files(org), **records_files(org)}
    assert ABUSE[abuse](client, org)
    # The server keeps serving: a normal SOAP call and a normal REST call right after succeed.
    listed = soap(
        client,
        org,
        envelope(
            client[1],
            "<m:listMetadata><m:queries><m:type>Layout</m:type></m:queries>"
            "<m:asOfVersion>63.0</m:asOfVersion></m:listMetadata>",
        ),
        "listMetadata",
    )
    assert listed.status_code == 200 and LAYOUT in listed.text
    assert rest(client, org, "GET", "query?q=SELECT+Id+FROM+Contact").json()["totalSize"] == 3
    assert {**org_files(org), **records_files(org)} == before
    assert not list(org.workdir.rglob("evil*")) and not list(org.workdir.parent.glob("evil*"))  # nothing escaped
