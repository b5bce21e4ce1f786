"""The real Salesforce CLI (`sf`, pinned in tests/e2e/sf-cli-package.json, installed by `make test` under
build/sf) run against a local org: a logged-in sf home per org, and `sf ... --json` as parsed JSON.

Quiet and offline: no telemetry, no update checks, no log file (its writer thread holds each run's exit about
half a second), the generic keychain (no desktop keyring), and NODE_EXTRA_CA_CERTS set to the local org's
self-signed certificate. oclif's update hook reads SF_DISABLE_AUTOUPDATE (@oclif/plugin-update, hooks/init.js);
without it each run may leave a background `sf update` behind. SF_AUTOUPDATE_DISABLE is sf's own name for the
same switch.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
SF = ROOT / "build" / "sf" / "node_modules" / ".bin" / "sf"
ALIAS = "sim"
QUIET = {
    "SF_DISABLE_TELEMETRY": "true",
    "SF_AUTOUPDATE_DISABLE": "true",
    "SF_DISABLE_AUTOUPDATE": "true",
    "SF_USE_GENERIC_UNIX_KEYCHAIN": "true",
    "SF_SKIP_NEW_VERSION_CHECK": "true",
    "SF_LOG_LEVEL": "fatal",
    "SF_DISABLE_LOG_FILE": "true",
}


def require_sf() -> Path:
    """The installed sf, or skip saying why it is absent."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node/npm are not on PATH: the sf CLI cannot be installed here")
    if not SF.exists():
        pytest.skip(f"{SF} is missing: `make test` (or `make build/sf/.installed`) installs the pinned sf CLI")
    return SF


def access_token(org) -> str:
    """A session the org issues for its refresh token (never printed; sf reads it from SF_ACCESS_TOKEN)."""
    config = org.org_config
    reply = requests.post(
        f"{org.url}/services/oauth2/token",
        data={"grant_type": "refresh_token", "refresh_token": config["refresh_token"], "client_id": "sf-test"},
        verify=org.env["REQUESTS_CA_BUNDLE"],
        timeout=60,
    )
    reply.raise_for_status()
    return reply.json()["access_token"]


def org_get(org, path: str) -> dict:
    """GET /services/data/v63.0/<path> on the org directly, to compare with what sf shows."""
    reply = requests.get(
        f"{org.url}/services/data/v63.0/{path}",
        headers={"Authorization": f"Bearer {access_token(org)}"},
        verify=org.env["REQUESTS_CA_BUNDLE"],
        timeout=60,
    )
    reply.raise_for_status()
    return reply.json()


def logged_in_home(org) -> Path:
    """sf logged in once to `org`, in a template HOME that each test copies (`fresh_sf`)."""
    require_sf()
    template = SfRun(org, org.workdir / "sf-home-template")
    template.login()
    return template.home


def fresh_sf(org, template: Path, tmp_path: Path) -> "SfRun":
    """sf in a fresh copy of a logged-in HOME, so no test sees another's sf state."""
    shutil.copytree(template, tmp_path / "sf-home")
    return SfRun(org, tmp_path / "sf-home")


class SfRun:
    """sf against one local org, in its own fresh HOME."""

    def __init__(self, org, home: Path):
        self.org, self.home = org, home
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            "PATH": org.env.get("PATH", ""),
            "HOME": str(home),
            "NODE_EXTRA_CA_CERTS": str(org.state_dir / "tls" / "cert.pem"),
            **QUIET,
        }

    def __call__(self, *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 300):
        """(exit code, the --json reply)."""
        done = subprocess.run(
            [str(SF), *args, "--json"],
            cwd=cwd or self.home,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        try:
            reply = json.loads(done.stdout)
        except json.JSONDecodeError:
            raise AssertionError(
                f"sf {args[:3]} printed no JSON: {done.stdout[-1500:]} {done.stderr[-1500:]}"
            ) from None
        return done.returncode, reply

    def ok(self, *args: str, **kwargs) -> dict:
        code, reply = self(*args, **kwargs)
        assert code == 0 and reply.get("status") == 0, json.dumps(reply)[:3000]
        return reply["result"]

    def login(self) -> dict:
        return self.ok(
            "org",
            "login",
            "access-token",
            "--instance-url",
            self.org.url,
            "--no-prompt",
            "--alias",
            ALIAS,
            env={"SF_ACCESS_TOKEN": access_token(self.org)},
        )


def sfdx_project(folder: Path) -> Path:
    """A minimal sfdx project (source-format commands need one)."""
    (folder / "force-app" / "main" / "default").mkdir(parents=True, exist_ok=True)
    project = {"packageDirectories": [{"path": "force-app", "default": True}], "sourceApiVersion": "63.0"}
    (folder / "sfdx-project.json").write_text(json.dumps(project), encoding="utf-8")
    return folder
