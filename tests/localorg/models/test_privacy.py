"""Turning consent management off, as Salesforce applies it: the deploy succeeds and the org's data protection
details are purged (Individual records gone, the lookups to them cleared), and the request log says so."""

import io
import zipfile

from simple_salesforce import Salesforce

from localorg import inprocess
from localorg.requestlog import read_log
from localorg.xml import API_VERSION, package_xml
from tests.inprocess_org import deploy, enable_consent, settings


def test_consent_management_off_purges_privacy_data_and_the_log_says_so(tmp_path):
    log = tmp_path / "requests.jsonl"
    with inprocess.serve(tmp_path / "org", request_log=log) as org:
        enable_consent(org)
        vis = org.visibility
        individual = org.records.create("Individual", {"LastName": "Lovelace", "HasOptedOutTracking": True}, vis)
        contact = org.records.create("Contact", {"LastName": "Lovelace", "IndividualId": individual}, vis)
        off = settings("PartyDataModelSettings", enableConsentManagement=False)
        outcome = deploy(org, {"settings/PartyDataModel.settings": off})
        assert outcome.status == "Succeeded"
        assert org.metadata.settings_value("PartyDataModelSettings", "enableConsentManagement") is False
        assert org.records.count("Individual") == 0 and org.records.get("Contact", contact)["IndividualId"] is None
        assert outcome.consequences == [
            "PartyDataModelSettings.enableConsentManagement turned off: data protection details purged (1 Individual)"
        ]
        # Over the wire, the deploy's request-log line carries the consequence.
        enable_consent(org)
        org.records.create("Individual", {"LastName": "Turing"}, org.visibility)
        sf = Salesforce(instance_url=org.base_url, session_id=org.sessions.issue())
        deploy_id, state = sf.mdapi.deploy(io.BytesIO(_zip(off)), sandbox=False)
        assert state == "Queued" and org.records.count("Individual") == 0
        assert sf.mdapi.check_deploy_status(deploy_id)[0] == "Succeeded"
    deploys = [line for line in read_log(log) if line["soap_action"] == "deploy"]
    assert [line.get("consequence") for line in deploys] == [
        "PartyDataModelSettings.enableConsentManagement turned off: data protection details purged (1 Individual)"
    ]


def _zip(settings_file: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("package.xml", package_xml({"Settings": ["PartyDataModel"]}, API_VERSION))
        zf.writestr("settings/PartyDataModel.settings", settings_file)
    return buf.getvalue()
