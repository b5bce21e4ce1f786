"""DailyApiRequests over HTTPS, read by the real clients: `sf org list limits` (the pinned sf CLI) and
simple-salesforce's limits(), against an org started with some of its allocation already spent."""

import pytest
from simple_salesforce import Salesforce

from tests.e2e.sf_cli import ALIAS, SfRun, access_token, require_sf

LEFT = 1234


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    from tests.harness import LocalOrgProcess

    org = LocalOrgProcess(tmp_path_factory.mktemp("limits"), api_requests_left=[str(LEFT)]).start()
    yield org
    org.stop()


def test_sf_org_list_limits_shows_what_is_left_and_counts_its_own_requests(org, tmp_path):
    require_sf()
    sf = SfRun(org, tmp_path / "sf-home")
    sf.login()
    before = org.requests()
    listed = sf.ok("org", "list", "limits", "--target-org", ALIAS)
    served = [r for r in org.requests()[len(before) :] if r["path"].startswith("/services/data/v")]
    (daily,) = [row for row in listed if row["name"] == "DailyApiRequests"]
    assert daily["max"] == 15000
    # What was left at start, less every versioned REST request the org served up to and including this one.
    used_before = len([r for r in before if r["path"].startswith("/services/data/v")])
    assert daily["remaining"] == LEFT - used_before - len(served)
    assert any(r["path"].rstrip("/").endswith("/limits") for r in served)


def test_simple_salesforce_limits_and_the_limit_header_agree(org, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org.env["REQUESTS_CA_BUNDLE"])
    sf = Salesforce(instance_url=org.url, session_id=access_token(org))
    first = sf.limits()["DailyApiRequests"]
    second = sf.limits()["DailyApiRequests"]
    assert first["Max"] == 15000 and second["Remaining"] == first["Remaining"] - 1
    usage = sf.api_usage["api-usage"]
    assert usage.total == 15000 and usage.used == 15000 - second["Remaining"]
