"""A real client's burst against the local org in its own process: `sf project generate manifest --from-org`
sends one listMetadata call per metadata type, all at once, each on its own connection. Every one is answered,
and answered right (the names the org holds), with none left waiting past a client's connect timeout.
"""

import http.client
import re
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from localorg.process import LocalOrgProcess
from tests.e2e.sf_cli import access_token

CALLS = 600
# undici (under sf) gives up on a connection not established in 10 s ("fetch failed").
CONNECT_TIMEOUT = 10
TYPES = {"Layout": ("layouts", ".layout"), "Settings": ("settings", ".settings")}
LIST = (
    '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>{sid}</sessionId>'
    "</SessionHeader></soapenv:Header><soapenv:Body><listMetadata><queries><type>{type}</type></queries>"
    "<asOfVersion>63.0</asOfVersion></listMetadata></soapenv:Body></soapenv:Envelope>"
)


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    org = LocalOrgProcess(tmp_path_factory.mktemp("bursts")).start()
    yield org
    org.stop()


def held(org, type_: str) -> set[str]:
    folder, suffix = TYPES[type_]
    return {p.name.removesuffix(suffix) for p in (org.metadata_dir / folder).glob(f"*{suffix}")}


def test_600_concurrent_list_metadata_calls_all_get_the_right_answer(org):
    sid = access_token(org)
    context = ssl.create_default_context(cafile=str(org.state_dir / "tls" / "cert.pem"))
    start = threading.Barrier(CALLS)

    def call(i: int) -> tuple[str, int, set[str]]:
        type_ = sorted(TYPES)[i % len(TYPES)]
        conn = http.client.HTTPSConnection("127.0.0.1", org.port, context=context, timeout=CONNECT_TIMEOUT)
        start.wait()  # every connection opens at the same moment, as sf's do
        try:
            conn.connect()
            conn.sock.settimeout(300)  # connected: the answer itself may queue behind the others
            conn.request(
                "POST",
                "/services/Soap/m/63.0",
                LIST.format(sid=sid, type=type_),
                {"Content-Type": "text/xml", "SOAPAction": "listMetadata"},
            )
            reply = conn.getresponse()
            body = reply.read().decode("utf-8")
            return type_, reply.status, set(re.findall(r"<fullName>([^<]*)</fullName>", body))
        finally:
            conn.close()

    with ThreadPoolExecutor(CALLS) as pool:
        answers = list(pool.map(call, range(CALLS)))

    assert len(answers) == CALLS
    expected = {t: held(org, t) for t in TYPES}
    assert all(expected.values())  # the org holds layouts and settings
    wrong = [(t, status) for t, status, names in answers if status != 200 or names != expected[t]]
    assert wrong == []
    calls = [line for line in org.requests() if line["soap_action"] == "listMetadata"]
    assert len(calls) == CALLS and {line["status"] for line in calls} == {200}
