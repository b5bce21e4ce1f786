"""The Metadata SOAP handlers: CumulusCI's own request envelopes in, replies that the v63 schema accepts out."""

import base64
import io
import zipfile
from types import SimpleNamespace

import pytest
from cumulusci.salesforce_api import soap_envelopes as env
from lxml import etree

from localorg.faults import Faults
from localorg.http import Request
from localorg.models.identity import OrgIdentity
from localorg.models.metadata import MetadataStore
from localorg.responses import soap
from localorg.xml import MDAPI_NS, package_xml
from tests.conftest import assert_valid

SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"
CONSENT_ON = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<PartyDataModelSettings xmlns="{MDAPI_NS}">\n'
    "    <enableConsentManagement>true</enableConsentManagement>\n</PartyDataModelSettings>\n"
).encode()


@pytest.fixture
def org(tmp_path):
    profile = OrgIdentity(managed_layouts=True)
    store = MetadataStore(tmp_path, profile)
    store.seed()
    return SimpleNamespace(metadata=store, identity=profile, faults=Faults(), root=tmp_path)


def call(org, envelope: str, status=200):
    body = envelope.replace("###SESSION_ID###", "x").encode("utf-8")
    resp = soap.handle(
        org,
        Request("POST", f"/services/Soap/m/63.0/{org.identity.org_id}", body=body),
        version="63.0",
        org_id=org.identity.org_id,
    )
    assert resp.status == status, resp.body
    assert resp.content_type.startswith("text/xml")
    root = etree.fromstring(resp.body)
    return root.find(f"{SOAP}Body")[0]


def validated(xsd, element):
    assert_valid(xsd, etree.tostring(element), etree.QName(element).localname)
    return element


def text(el, path):
    return el.findtext(path.replace("m:", f"{{{MDAPI_NS}}}"))


def retrieve_envelope(members: dict) -> str:
    pkg = package_xml(members, "63.0").decode()
    inner = pkg.split("<Package", 1)[1].split(">", 1)[1].rsplit("</Package>", 1)[0]
    return env.RETRIEVE_UNPACKAGED.format(api_version="63.0", package_xml=inner)


def deploy_envelope(files: dict, check_only="false") -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return env.DEPLOY.format(
        package_zip=base64.b64encode(buf.getvalue()).decode(),
        check_only=check_only,
        purge_on_delete="false",
        test_level="",
        run_tests="",
        api_version="63.0",
    )


def test_list_metadata_reply_validates_and_shows_the_quirk(org, xsd):
    reply = validated(xsd, call(org, env.LIST_METADATA.format(metadata_type="Layout", folder="", as_of_version="63.0")))
    assert etree.QName(reply).localname == "listMetadataResponse"
    results = {(text(r, "m:fullName"), text(r, "m:namespacePrefix")): r for r in reply}
    acme = results[("Contact-Acme Contact Layout", "acme")]
    assert text(acme, "m:fileName") == "layouts/Contact-Acme Contact Layout.layout"
    assert text(results[("Contact-Contact Layout", None)], "m:fileName") == "layouts/Contact-Contact Layout.layout"


def test_describe_metadata_reply_validates(org, xsd):
    reply = validated(xsd, call(org, env.DESCRIBE_METADATA.format(api_version="63.0")))
    assert {t.text for t in reply.iter(f"{{{MDAPI_NS}}}xmlName")} >= {"Layout", "Settings", "PermissionSet"}


def test_retrieve_check_status_check_retrieve_status(org, xsd):
    started = validated(
        xsd,
        call(
            org,
            retrieve_envelope({"Layout": ["Contact-Contact Layout", "Contact-Nope"], "Settings": ["PartyDataModel"]}),
        ),
    )
    job = text(started, "m:result/m:id")
    assert job.startswith("09S") and len(job) == 18 and text(started, "m:result/m:done") == "false"
    status = call(org, env.CHECK_STATUS.format(process_id=job))
    assert text(status, "m:result/m:done") == "true"
    result = validated(xsd, call(org, env.CHECK_RETRIEVE_STATUS.format(process_id=job)))
    assert text(result, "m:result/m:status") == "Succeeded"
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(text(result, "m:result/m:zipFile")))).namelist()
    assert sorted(names) == [
        "unpackaged/layouts/Contact-Contact Layout.layout",
        "unpackaged/package.xml",
        "unpackaged/settings/PartyDataModel.settings",
    ]
    assert "Contact-Nope" in text(result, "m:result/m:messages/m:problem")


def test_deploy_success_and_failure_replies_validate(org, xsd):
    ok = validated(
        xsd,
        call(
            org,
            deploy_envelope(
                {
                    "package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0"),
                    "settings/PartyDataModel.settings": CONSENT_ON,
                }
            ),
        ),
    )
    job = text(ok, "m:result/m:id")
    status = validated(xsd, call(org, env.CHECK_DEPLOY_STATUS.format(process_id=job)))
    assert text(status, "m:result/m:status") == "Succeeded"
    successes = status.iter(f"{{{MDAPI_NS}}}componentSuccesses")
    assert {(text(s, "m:componentType"), text(s, "m:fullName")) for s in successes} == {
        ("", "package.xml"),
        ("Settings", "PartyDataModel"),
    }
    assert org.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement") is True

    bad = call(
        org,
        deploy_envelope(
            {
                "package.xml": package_xml({"Settings": ["Individual"]}, "63.0"),
                "settings/Individual.settings": CONSENT_ON,
            }
        ),
    )
    status = validated(xsd, call(org, env.CHECK_DEPLOY_STATUS.format(process_id=text(bad, "m:result/m:id"))))
    failure = status.find(f"{{{MDAPI_NS}}}result/{{{MDAPI_NS}}}details/{{{MDAPI_NS}}}componentFailures")
    assert text(failure, "m:problem") == "settings/Individual.settings is not a valid metadata object"
    assert (text(failure, "m:problemType"), text(failure, "m:componentType"), text(failure, "m:fullName")) == (
        "Error",
        "Settings",
        "Individual",
    )
    assert text(status, "m:result/m:status") == "Failed" and text(status, "m:result/m:success") == "false"


def test_zip_refused_reply_has_error_message(org, xsd):
    bad = call(org, deploy_envelope({"package.xml": b"<Package/>", "../x.settings": b"x"}))
    status = validated(xsd, call(org, env.CHECK_DEPLOY_STATUS.format(process_id=text(bad, "m:result/m:id"))))
    assert "outside its root" in text(status, "m:result/m:errorMessage")


def test_deploy_fail_fault_from_org_faults(org):
    org.faults.deploy_fail.add("PartyDataModel")
    started = call(
        org,
        deploy_envelope(
            {
                "package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0"),
                "settings/PartyDataModel.settings": CONSENT_ON,
            }
        ),
    )
    status = call(org, env.CHECK_DEPLOY_STATUS.format(process_id=text(started, "m:result/m:id")))
    assert text(status, "m:result/m:status") == "Failed"
    assert org.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement") is False


@pytest.mark.parametrize(
    "body,code,words",
    [
        ("<not xml", "soapenv:Client", "Unable to parse"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "soapenv:Client", "DOCTYPE"),
        (
            f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f'<frobnicateMetadata xmlns="{MDAPI_NS}"/></soap:Body></soap:Envelope>',
            "soapenv:Client",
            "No operation available",
        ),
        (
            f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f'<checkDeployStatus xmlns="{MDAPI_NS}">'
            "<asyncProcessId>0Af000000000000AAA</asyncProcessId></checkDeployStatus>"
            f"</soap:Body></soap:Envelope>",
            "sf:INVALID_ID_FIELD",
            "invalid id",
        ),
        (
            f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f'<deploy xmlns="{MDAPI_NS}"><ZipFile>!!!</ZipFile><DeployOptions/></deploy></soap:Body></soap:Envelope>',
            "soapenv:Client",
            "base64",
        ),
    ],
)
def test_bad_requests_get_soap_faults(org, body, code, words):
    fault = call(org, body, status=500)
    assert fault.tag == f"{SOAP}Fault"
    assert fault.findtext("faultcode") == code and words in fault.findtext("faultstring")


def test_routes_match_cumulusci_endpoint():
    import re

    from localorg.urls import ROUTES

    (method, pattern, func) = next(r for r in ROUTES if r[2] is soap.handle)
    m = re.match(pattern, "/services/Soap/m/63.0/00D000000000001AAA")
    assert method == "POST" and func is soap.handle and m.group("version") == "63.0"


def test_parameters_are_taken_by_position_as_jsforce_names_them(org, xsd):
    """jsforce sends `<retrieve><request>` (not the WSDL's retrieveRequest); Salesforce takes it by position."""
    jsforce = retrieve_envelope({"Layout": ["Contact-Contact Layout"]}).replace("retrieveRequest>", "request>")
    assert "<request>" in jsforce
    job = text(validated(xsd, call(org, jsforce)), "m:result/m:id")
    result = call(org, env.CHECK_RETRIEVE_STATUS.format(process_id=job))
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(text(result, "m:result/m:zipFile")))).namelist()
    assert "unpackaged/layouts/Contact-Contact Layout.layout" in names


@pytest.mark.parametrize("ignore", ["true", "false"])
def test_check_deploy_status_echoes_ignore_warnings(org, ignore):
    files = {"package.xml": package_xml({"Settings": ["PartyDataModel"]}, "63.0")}
    # CumulusCI's envelope always asks for true; sf sends false
    envelope = deploy_envelope(files).replace("<ignoreWarnings>true<", f"<ignoreWarnings>{ignore}<")
    assert f"<ignoreWarnings>{ignore}<" in envelope
    started = call(org, envelope)
    status = call(org, env.CHECK_DEPLOY_STATUS.format(process_id=text(started, "m:result/m:id")))
    assert text(status, "m:result/m:ignoreWarnings") == ignore


def test_list_metadata_takes_up_to_three_queries(org, xsd):
    queries = "".join(f"<queries><type>{t}</type></queries>" for t in ("Layout", "FlexiPage", "PermissionSet"))
    envelope = env.LIST_METADATA.format(metadata_type="Layout", folder="", as_of_version="63.0")
    three = envelope.replace("<queries>\n        <type>Layout</type>\n      </queries>", queries)
    assert three != envelope
    reply = validated(xsd, call(org, three))
    assert {text(r, "m:type") for r in reply} == {"Layout"}  # no pages or permission sets in this org
    four = three.replace("</asOfVersion>", "</asOfVersion>", 1).replace(
        queries, queries + "<queries><type>Settings</type></queries>"
    )
    fault = call(org, four, status=500)
    assert "at most 3 queries" in etree.tostring(fault).decode()
