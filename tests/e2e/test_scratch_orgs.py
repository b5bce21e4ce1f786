"""Scratch-org setup end to end and offline: the real cci creates scratch orgs from orgs/*.json through the
real sf CLI against a local Dev Hub, then our prerequisites task and flow run against the new org.

The org name equals the scratch config name: CumulusCI 4.10.1 merges `orgs.scratch.<org name>` from
cumulusci.yml into a saved scratch org, so `cci org scratch dev_person_accounts dev` would create the org
from orgs/dev.json (docs/salesforce-facts.md, "Salesforce's own CLI (sf) and scratch orgs").
"""

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from tests.e2e.sf_cli import QUIET, SF, access_token, require_sf
from tests.harness import LocalOrgProcess, all_have_field, run_cci, target_layouts

HUB_ALIAS = "hub"
SETTINGS_ROWS = (
    "Data Protection and Privacy",
    "Enforce email privacy settings",
    "Enhanced Email",
    "Enable Email Tracking",
)
SETTINGS_FILES = ("Activities", "EmailAdministration", "LightningExperience", "PartyDataModel")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A local Dev Hub, and sf in cci's HOME logged in to it (by its refresh token, as an sfdx auth URL)."""
    require_sf()
    org = LocalOrgProcess(tmp_path_factory.mktemp("devhub"), dev_hub=True).start()
    try:
        org.env.update(
            {
                **QUIET,
                "NODE_EXTRA_CA_CERTS": str(org.state_dir / "tls" / "cert.pem"),
                "SF_TARGET_DEV_HUB": HUB_ALIAS,
                # sf org display then returns the token to cci's pipe, saving an `sf org auth show-access-token`.
                "SF_TEMP_SHOW_SECRETS": "true",
            }
        )
        # The auth URL goes through stdin, so no file holds the refresh token. (Observed: with build/sf's bin
        # folder on PATH, sf 2.150.6 reads no URL from `--sfdx-url-stdin -`; cci needs it there only later.)
        host = org.url.removeprefix("https://")
        login = _sf(
            org,
            "org",
            "login",
            "sfdx-url",
            "--sfdx-url-stdin",
            "-",
            "--alias",
            HUB_ALIAS,
            "--json",
            stdin=f"force://PlatformCLI::{org.org_config['refresh_token']}@{host}\n",
        )
        assert login["status"] == 0 and login["result"]["isDevHub"] is True, login.get("message")
        org.env["PATH"] = f"{SF.parent}:{org.env.get('PATH', '')}"  # cci runs `sf`
        yield org
    finally:
        org.stop()


def _sf(org, *args, stdin=""):
    done = subprocess.run(
        [str(SF), *args], env=org.env, cwd=org.home, input=stdin, capture_output=True, text=True, timeout=300
    )
    return json.loads(done.stdout)


def _cci(org, *args):
    result = run_cci(org, *args, timeout=600)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


def _scratch_state(hub) -> SimpleNamespace:
    """The one scratch org the Dev Hub serves now, as the harness helpers read an org's folder."""
    folders = [p for p in (hub.state_dir / "scratch-orgs").iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    identity = json.loads((folders[0] / "org.json").read_text(encoding="utf-8"))
    return SimpleNamespace(state_dir=folders[0], metadata_dir=folders[0] / "metadata", identity=identity)


def _source_members(scratch) -> list[dict]:
    return json.loads((scratch.state_dir / "source-members.json").read_text(encoding="utf-8"))["members"]


def _settings_bytes(scratch) -> dict[str, bytes]:
    return {s: (scratch.metadata_dir / "settings" / f"{s}.settings").read_bytes() for s in SETTINGS_FILES}


def _deploys(hub, org_id: str, since: int) -> list[dict]:
    """SOAP calls sent to one org after `since`: sf sends SOAPAction "" (operation in the body), cci names it."""
    return [r for r in hub.requests()[since:] if r["org"] == org_id and r["path"].startswith("/services/Soap/m/")]


def _get(hub, path: str, token: str) -> requests.Response:
    return requests.get(
        hub.url + path,
        headers={"Authorization": f"Bearer {token}"},
        verify=hub.env["REQUESTS_CA_BUNDLE"],
        timeout=60,
    )


# orgs/dev.json here; orgs/dev_person_accounts.json (person accounts on, the field put on their layout too) is the
# scratch-demo run of test_real_runs.py, whose docs block shows that run's settings, deploy and layouts.
@pytest.mark.parametrize(("config", "person_accounts"), [("dev", False)])
def test_cci_makes_a_scratch_org_whose_settings_come_from_the_cli_deploy(hub, config, person_accounts):
    assert not (hub.state_dir / "scratch-orgs").exists() or not any((hub.state_dir / "scratch-orgs").iterdir())
    _cci(hub, "org", "scratch", config, config, "--no-password")
    since = len(hub.requests())

    # The first use creates the org (sf org create scratch), then the task reads its settings.
    report = _cci(hub, "task", "run", "check_email_privacy_prerequisites", "--org", config)
    scratch = _scratch_state(hub)
    scratch_id = scratch.identity["org_id"]
    assert scratch.identity["person_accounts"] is person_accounts
    definition = json.loads((Path(__file__).parents[2] / "orgs" / f"{config}.json").read_text(encoding="utf-8"))
    assert scratch.identity["org_name"] == definition["orgName"]
    for row in SETTINGS_ROWS:
        line = next((ln for ln in report.splitlines() if ln.strip().startswith(row)), None)
        assert line is not None and " on " in line and "Already on." in line, (row, report[-3000:])
    # Put there by the CLI: sf's SOAP calls (SOAPAction "", deploy and its status polls) go to /services/Soap/m/<v>
    # with no org id; the task itself only read (cci names its calls: no deploy among them).
    calls = _deploys(hub, scratch_id, since)
    sf_calls = [r for r in calls if r["soap_action"] is None]
    assert len(sf_calls) >= 2 and all(r["path"] == "/services/Soap/m/63.0" for r in sf_calls)
    assert "deploy" not in [r["soap_action"] for r in calls]
    created = [r for r in hub.requests()[since:] if r["path"].endswith("/sobjects/ScratchOrgInfo")]
    assert [r["status"] for r in created] == [201] and created[0]["org"] == hub.org_config["org_id"]
    members = _source_members(scratch)
    assert {m["MemberType"] for m in members} == {"Settings"}
    assert {"PartyDataModel", "EmailAdministration", "Activities"} <= {m["MemberName"] for m in members}
    settings_before = _settings_bytes(scratch)

    # The flow then has only the layouts left to do, in one deploy; a second run deploys nothing.
    assert not all_have_field(scratch)
    since = len(hub.requests())
    _cci(hub, "flow", "run", "enable_individual_email_tracking", "--org", config)
    flow_calls = _deploys(hub, scratch_id, since)
    assert [r["soap_action"] for r in flow_calls].count("deploy") == 1
    assert _settings_bytes(scratch) == settings_before
    assert all_have_field(scratch)
    assert any(n.startswith("PersonAccount-") for n in target_layouts(scratch)) is person_accounts
    # Source tracking agrees: the flow's one deploy changed layouts (and its permission set), no settings.
    after = _source_members(scratch)
    assert [m for m in after if m["MemberType"] == "Settings"] == members
    assert "Layout" in {m["MemberType"] for m in after if m not in members}
    since = len(hub.requests())
    _cci(hub, "flow", "run", "enable_individual_email_tracking", "--org", config)
    assert "deploy" not in [r["soap_action"] for r in _deploys(hub, scratch_id, since)]

    # Tokens: each org answers only its own.
    auth = json.loads((scratch.state_dir / "auth.json").read_text(encoding="utf-8"))
    scratch_token, scratch_refresh = auth["access_tokens"][-1], auth["refresh_token"]
    hub_token = access_token(hub)
    assert _get(hub, "/services/oauth2/userinfo", scratch_token).json()["organization_id"] == scratch_id
    assert _get(hub, "/services/oauth2/userinfo", hub_token).json()["organization_id"] == hub.org_config["org_id"]
    refused = _get(hub, "/services/data/v63.0/query?q=SELECT+Id+FROM+ScratchOrgInfo", scratch_token)
    assert refused.status_code == 400 and refused.json()[0]["errorCode"] == "INVALID_TYPE"
    envelope = (
        '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><SessionHeader><sessionId>{}</sessionId>'
        "</SessionHeader></soapenv:Header><soapenv:Body><listMetadata><queries><type>Layout</type></queries>"
        "</listMetadata></soapenv:Body></soapenv:Envelope>"
    )
    for token, org_id in ((hub_token, scratch_id), (scratch_token, hub.org_config["org_id"])):
        crossed = requests.post(
            f"{hub.url}/services/Soap/m/63.0/{org_id}",
            data=envelope.format(token),
            headers={"Content-Type": "text/xml", "SOAPAction": "listMetadata"},
            verify=hub.env["REQUESTS_CA_BUNDLE"],
            timeout=60,
        )
        assert crossed.status_code == 500 and "INVALID_SESSION_ID" in crossed.text

    # Deletion removes the org, its folder and every token it issued.
    since = len(hub.requests())
    _cci(hub, "org", "scratch_delete", config)
    assert [r["method"] for r in hub.requests()[since:] if "ActiveScratchOrg" in r["path"]] == ["DELETE"]
    assert not scratch.state_dir.exists()
    assert _get(hub, "/services/oauth2/userinfo", scratch_token).status_code == 401
    grant = requests.post(
        f"{hub.url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": scratch_refresh, "client_id": "PlatformCLI"},
        verify=hub.env["REQUESTS_CA_BUNDLE"],
        timeout=60,
    )
    assert grant.status_code == 400 and grant.json()["error"] == "invalid_grant"
    assert _get(hub, "/services/oauth2/userinfo", hub_token).status_code == 200
