"""A local org in a subprocess (`python -m localorg serve`): used by the tests, `make demo` and the
benchmarks, which run the real `cci` against it (tests/harness.py: run_cci).

    from localorg.process import LocalOrgProcess

    with LocalOrgProcess(tmp_path, person_accounts=True, fault=["http-503:2"]) as org:
        result = run_cci(org, "org", "info", "--org", "sim")
        assert result.returncode == 0, result.stderr
        org.requests()          # the request log, parsed (one dict per request)
        org.metadata_dir        # DIR/metadata: what successful deploys left
        org.tokens_issued()     # every token the org handed out, for secret-leak greps

Serve options are keyword arguments named like `org serve`'s options (underscores for dashes):
True adds a flag, False adds `--no-X` for person_accounts and is otherwise left out, a list repeats
the option (fault=[...]). In pytest, use the `local_org` fixture (tests/conftest.py):
`org = local_org(edition="Team Edition")`; it is stopped at teardown.

The cci environment (`org.env`) is the env file's exports, with REQUESTS_CA_BUNDLE and SSL_CERT_FILE narrowed to
the org's own certificate, plus HOME = a fresh temporary home whose
.cumulusci/cumulus_timestamp is 99999999999, so cci never asks PyPI for a newer version and no
saved org of the same name shadows CUMULUSCI_ORG_sim. cci saves the org it used into that HOME
after its first command, and a saved org wins over CUMULUSCI_ORG_sim: to try another org config
(a wrong refresh token, say) pass `env={"HOME": org.new_home(), "CUMULUSCI_ORG_sim": ...}`.
`org.restart()` stops and starts the server on the same state DIR and the same port (so the org
cci saved stays valid); the org keeps its identity, metadata, records and refresh token.
"""

import json
import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START_TIMEOUT = 60


def _serve_args(options: dict) -> list[str]:
    args = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is False:
            if name == "person_accounts":
                args.append("--no-person-accounts")
        elif isinstance(value, (list, tuple)):
            for v in value:
                args += [flag, str(v)]
        elif value is not None:
            args += [flag, str(value)]
    return args


def parse_env_file(path: Path) -> dict[str, str]:
    """The `export K=V` lines of an env file as a dict (values unquoted as a shell would)."""
    env = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = shlex.split(line)
        if len(parts) == 2 and parts[0] == "export" and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            env[key] = value
    return env


class LocalOrgProcess:
    """`email-privacy org serve` in a subprocess, with its state, log and env for cci."""

    def __init__(self, workdir: Path, state_dir: Path | None = None, **serve_options):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.state_dir = Path(state_dir) if state_dir else self.workdir / "org"
        self.request_log = Path(serve_options.pop("request_log", None) or self.workdir / "requests.jsonl")
        self.env_file = self.workdir / "org.env"
        self.server_output = self.workdir / "server.log"
        self.serve_options = serve_options
        self.home = self.new_home()
        # Without a working keyring (as on CI machines) cci writes the org it saves into HOME,
        # tokens included, unencrypted; a key of our own makes it encrypt them.
        self.keychain_key = secrets.token_hex(8)
        self.proc = None
        self.env: dict[str, str] = {}

    def new_home(self) -> Path:
        """A fresh HOME for cci: no saved orgs, and a timestamp that stops cci asking PyPI."""
        home = Path(tempfile.mkdtemp(prefix="home-", dir=self.workdir))
        (home / ".cumulusci").mkdir()
        (home / ".cumulusci" / "cumulus_timestamp").write_text("99999999999")
        return home

    def restart(self) -> "LocalOrgProcess":
        """Stop, then start again on the same state DIR and port."""
        port = self.port
        self.stop()
        self.serve_options["port"] = port
        return self.start()

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def metadata_dir(self) -> Path:
        return self.state_dir / "metadata"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "localorg",
            "serve",
            "--state",
            str(self.state_dir),
            "--env-file",
            str(self.env_file),
            "--request-log",
            str(self.request_log),
            *_serve_args(self.serve_options),
        ]

    def start(self) -> "LocalOrgProcess":
        """Start the server and wait until it has written its env file (RuntimeError if it does not)."""
        if self.env_file.exists():
            self.env_file.unlink()
        out = open(self.server_output, "ab")
        self.proc = subprocess.Popen(
            self.command(), stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir, stdin=subprocess.DEVNULL
        )
        out.close()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.env_file.exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"org serve exited with {self.proc.returncode}: {self.output()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"org serve did not start in {START_TIMEOUT}s: {self.output()[-2000:]}")
            time.sleep(0.05)
        base = {k: v for k, v in os.environ.items() if not k.startswith("CUMULUSCI_ORG_")}
        self.env = {**base, **parse_env_file(self.env_file), "HOME": str(self.home), "CUMULUSCI_KEY": self.keychain_key}
        # What runs here reaches this org only: trusting its certificate alone spares each new HTTPS connection
        # loading certifi's bundle (14 ms; a cci flow opens about ten).
        cert = str(self.state_dir / "tls" / "cert.pem")
        self.env.update(REQUESTS_CA_BUNDLE=cert, SSL_CERT_FILE=cert)
        self.env.pop("SFDX_CLIENT_ID", None)
        self.env.pop("SFDX_HUB_KEY", None)
        return self

    def output(self) -> str:
        """What the server printed (startup line, errors)."""
        return self.server_output.read_text(encoding="utf-8", errors="replace") if self.server_output.exists() else ""

    @property
    def url(self) -> str:
        return self.env["EMAIL_PRIVACY_LOCAL_ORG_URL"]

    @property
    def org_config(self) -> dict:
        return json.loads(self.env["CUMULUSCI_ORG_sim"])

    def requests(self) -> list[dict]:
        """The request log, one dict per request."""
        from localorg.requestlog import read_log

        return read_log(self.request_log)

    def tokens_issued(self) -> list[str]:
        """The refresh token and every access token this org issued (secrets to grep for)."""
        data = json.loads((self.state_dir / "auth.json").read_text(encoding="utf-8"))
        return [data["refresh_token"], *data.get("access_tokens", [])]

    def stop(self, timeout: float = 15) -> int | None:
        """SIGTERM, wait, and return the exit code (SIGKILL if it hangs)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
