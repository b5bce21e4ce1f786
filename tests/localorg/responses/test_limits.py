"""GET /limits and the DailyApiRequests count: simple-salesforce's limits() against the in-process org,
each org counting the requests it serves, the Versions URI and OAuth not counted, and a spent allocation
refused as Salesforce refuses it."""

import pytest
from click.testing import CliRunner
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from localorg import inprocess
from localorg.cli import serve
from localorg.models.api_usage import DEFAULT_MAX, ApiUsage
from localorg.models.identity import OrgIdentity


@pytest.fixture
def org(tmp_path):
    with inprocess.serve(tmp_path / "org") as org:
        yield org


def client(org) -> Salesforce:
    return Salesforce(instance_url=org.base_url, session_id=org.sessions.issue())


def test_limits_lists_daily_api_requests_counting_every_request_served(org):
    sf = client(org)
    first = sf.limits()
    assert first == {"DailyApiRequests": {"Max": DEFAULT_MAX, "Remaining": DEFAULT_MAX - 1}}
    sf.query("SELECT Id FROM Contact")
    sf.Contact.describe()
    assert sf.limits()["DailyApiRequests"]["Remaining"] == DEFAULT_MAX - 4
    # The Sforce-Limit-Info header of each REST reply, which simple-salesforce parses into api_usage.
    usage = sf.api_usage["api-usage"]
    assert (usage.used, usage.total) == (4, DEFAULT_MAX)


def test_the_versions_uri_and_token_requests_do_not_count(org):
    sf = client(org)
    sf.session.get(f"{org.base_url}/services/data/", headers=sf.headers).raise_for_status()
    sf.session.post(f"{org.base_url}/services/oauth2/token", data={"grant_type": "refresh_token"})
    assert org.api_usage.used() == 0


def test_each_org_of_a_dev_hub_counts_its_own_requests(tmp_path):
    with inprocess.serve(tmp_path / "hub", dev_hub=True) as hub:
        scratch = hub.orgs.create_scratch(OrgIdentity(username="fleet1@example.com"))
        scratch.base_url = hub.base_url
        client(scratch).query("SELECT Id FROM Contact")
        client(scratch).query("SELECT Id FROM Contact")
        assert client(hub).limits()["DailyApiRequests"]["Remaining"] == DEFAULT_MAX - 1
        assert scratch.api_usage.used() == 2


def test_a_spent_allocation_refuses_rest_and_soap_as_salesforce_does(org):
    org.api_usage.set_remaining(1)
    sf = client(org)
    assert sf.limits()["DailyApiRequests"]["Remaining"] == 0
    with pytest.raises(SalesforceError) as info:
        sf.query("SELECT Id FROM Contact")
    assert info.value.status == 403 and info.value.content[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    reply = sf.session.post(
        f"{org.base_url}/services/Soap/m/63.0",
        data=f"<Envelope><Header><SessionHeader><sessionId>{sf.session_id}</sessionId></SessionHeader></Header></Envelope>",
        headers={"Content-Type": "text/xml", "SOAPAction": "listMetadata"},
    )
    assert "REQUEST_LIMIT_EXCEEDED" in reply.text


def test_limits_before_version_29_is_not_found(org):
    sf = client(org)
    reply = sf.session.get(f"{org.base_url}/services/data/v28.0/limits/", headers=sf.headers)
    assert reply.status_code == 404 and reply.json()[0]["errorCode"] == "NOT_FOUND"


def test_the_count_rolls_over_24_hours_and_survives_a_restart(tmp_path):
    now = [1_000_000 * 3600.0]
    usage = ApiUsage(tmp_path, clock=lambda: now[0])
    assert usage.spend() and usage.spend()
    usage.save()
    again = ApiUsage(tmp_path, clock=lambda: now[0])
    assert again.used() == 2 and again.remaining() == DEFAULT_MAX - 2
    now[0] += 23 * 3600
    assert again.used() == 2
    now[0] += 3600
    assert again.used() == 0
    with pytest.raises(ValueError, match="from 0 to 15000"):
        again.set_remaining(DEFAULT_MAX + 1)


@pytest.mark.parametrize(
    "spec, words",
    [
        ("lots", "--api-requests-left 'lots': give N or USERNAME=N"),
        ("nobody@example.com=5", "no org served here has the username 'nobody@example.com'"),
        ("999999", "at most 15000"),
    ],
)
def test_bad_api_requests_left_is_one_line_exit_2(tmp_path, spec, words):
    result = CliRunner().invoke(serve, ["--state", str(tmp_path / "org"), "--api-requests-left", spec])
    assert result.exit_code == 2 and words in result.output, result.output
    assert "Traceback" not in result.output
