"""End-to-end harness for the tests: the package's local-org launcher, with cci run from this repo,
and helpers that read the org's state under DIR as bytes.

See localorg/process.py for LocalOrgProcess and the `local_org`
fixture in tests/conftest.py. "Unchanged or fully changed, never in between" is checked on bytes:
`org_files` reads every file a deploy may write (DIR/metadata/** and DIR/metadata-properties.json,
which holds lastModifiedDate).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

from cumulusci.core.config import OrgConfig
from cumulusci.core.keychain import BaseProjectKeychain
from cumulusci.core.tasks import BaseSalesforceTask
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.api.metadata_api import MetadataClient
from email_privacy.api.rest import session_refresher
from email_privacy.metadata import documents, names
from email_privacy.metadata.layouts import has_field
from email_privacy.metadata.settings import read_settings
from localorg.faults import is_handshake
from localorg.process import LocalOrgProcess, parse_env_file  # noqa: F401 (re-exported)
from localorg.responses.oauth import identity_url

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the environment that has email-privacy and cci


def run_cci(
    org: LocalOrgProcess,
    *args: str,
    timeout: float = 300,
    env: dict | None = None,
    cwd: Path | None = None,
    capture: bool = True,
    columns: int = 400,
) -> subprocess.CompletedProcess:
    """Run the real cci (from this interpreter's bin dir) against the org, from the repo root unless
    told otherwise (cci needs this project's checkout), with a wide terminal so rich does not wrap
    the tables the tests read; capture=False lets its output through."""
    return subprocess.run(
        [str(BIN / "cci"), *args],
        cwd=cwd or REPO,
        env={**org.env, "COLUMNS": str(columns), **(env or {})},
        capture_output=capture,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def run_cci_offline(*args: str, home: Path, timeout: float = 120, columns: int = 200) -> subprocess.CompletedProcess:
    """Run the real cci with no org (`task info`) from the repo root, in `home` and with only the system PATH."""
    return subprocess.run(
        [str(BIN / "cci"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "COLUMNS": str(columns)},
        stdin=subprocess.DEVNULL,
    )


def run_demo(timeout: float = 600) -> subprocess.CompletedProcess:
    """`make demo`'s program: it starts its own local org and runs the real cci against it."""
    return subprocess.run(
        [sys.executable, "-m", "email_privacy.cli.demo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
        stdin=subprocess.DEVNULL,
    )


TARGETS = ("Contact", "Lead", "PersonAccount")


def cci_task(org, task, *pairs, env=None, timeout: float | None = None):
    """`cci task run TASK --org sim -o k v ...` (pairs flattened: "k", "v", ...)."""
    args = ["task", "run", task, "--org", "sim"]
    for i in range(0, len(pairs), 2):
        args += ["-o", pairs[i], str(pairs[i + 1])]
    return run_cci(org, *args, env=env, **({} if timeout is None else {"timeout": timeout}))


def out(result) -> str:
    return result.stdout + result.stderr


def ok(result) -> str:
    assert result.returncode == 0, out(result)[-4000:]
    return out(result)


def error_line(result) -> str:
    """The one line cci prints for a failed command (`Error: ...`); fails if there is none or a traceback."""
    text = out(result)
    assert result.returncode != 0, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.stderr[-3000:]
    return lines[0]


def org_files(org) -> dict[str, bytes]:
    """Every file of the org's metadata state, by path relative to DIR."""
    root = org.state_dir
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "metadata").rglob("*")) if p.is_file()}
    files["metadata-properties.json"] = (root / "metadata-properties.json").read_bytes()
    return files


def layout_files(org) -> dict[str, bytes]:
    """{layout retrieve name: bytes} from DIR/metadata/layouts."""
    return {
        names.full_name_from_path(p.name): p.read_bytes()
        for p in sorted((org.metadata_dir / "layouts").glob("*.layout"))
    }


def target_layouts(org) -> dict[str, bytes]:
    return {n: d for n, d in layout_files(org).items() if names.layout_object(n) in TARGETS}


def individual_field(name: str) -> str:
    return "PersonIndividualId" if names.layout_object(name) == "PersonAccount" else "IndividualId"


def all_have_field(org) -> bool:
    found = target_layouts(org)
    return bool(found) and all(has_field(documents.parse(d, n), individual_field(n)) for n, d in found.items())


def setting(org, stem, field):
    path = org.metadata_dir / "settings" / f"{stem}.settings"
    return read_settings(documents.parse(path.read_bytes(), stem)).get(field)


def api_requests(org, since=0) -> list[dict]:
    """Request-log entries after `since` that are not the connection handshake every cci command makes."""
    return [r for r in org.requests()[since:] if not is_handshake(r["method"], r["path"])]


def flat_calls(calls):
    """The calls whose number must not grow with the records: all but the Bulk job status polls (their number
    follows how long a job runs on a busy machine) and the Consent API confirmation (200 people a call)."""
    return [
        c
        for c in calls
        if not (c["method"] == "GET" and re.search(r"/jobs/ingest/[^/]+$|/consent/multiaction$", c["path"]))
    ]


def soap_actions(org, since=0) -> list[str]:
    return [r["soap_action"] for r in org.requests()[since:] if r.get("soap_action")]


def restart_with(org, faults=()):
    """Restart the org on the same DIR and port with these --fault specs (faults are per process)."""
    org.serve_options["fault"] = list(faults)
    return org.restart()


def private(path: Path) -> int:
    return path.stat().st_mode & 0o777


def records_db(org, write: bool = False):
    """A connection to the org's records (DIR/records.sqlite) while the server runs; rows by column name."""
    import sqlite3

    mode = "rw" if write else "ro"
    con = sqlite3.connect(f"file:{org.state_dir / 'records.sqlite'}?mode={mode}", uri=True, isolation_level=None)
    con.row_factory = sqlite3.Row
    return con


def records(org, sql: str) -> list[tuple]:
    """Rows of a read-only SQL query on the org's records."""
    db = records_db(org)
    try:
        return [tuple(row) for row in db.execute(sql).fetchall()]
    finally:
        db.close()


def write_emails(path: Path, emails) -> str:
    """A one-column CSV of emails, as set_individual_privacy reads it."""
    path.write_text("email\n" + "\n".join(emails) + "\n", encoding="utf-8")
    return str(path)


def set_individual_privacy(org, workdir: Path, name: str, *options, timeout: float = 1800):
    """Run set_individual_privacy with a JSON report: (report, the org's requests during the run, stdout)."""
    report = workdir / f"{name}.json"
    before = len(org.requests())
    done = cci_task(org, "set_individual_privacy", "report", str(report), *options, timeout=timeout)
    assert done.returncode == 0, f"set_individual_privacy ({name}): " + (done.stdout + done.stderr)[-3000:]
    return json.loads(report.read_text()), org.requests()[before:], done.stdout


def records_files(org) -> dict[str, bytes]:
    """The records database's files as bytes: the database and its write-ahead log (not the -shm index,
    which SQLite rewrites on every read)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(org.state_dir.glob("records.sqlite*"))
        if p.is_file() and not p.name.endswith("-shm")
    }


class _Task(BaseSalesforceTask):
    def _run_task(self):
        """Never run: the Metadata API calls only need a task to read the org config from."""


def inprocess_task(org, task_class=None, options: dict | None = None):
    """A CumulusCI task bound to an in-process org (localorg.inprocess.serve), with a token the org issued."""
    org_config = OrgConfig(
        {
            "instance_url": org.base_url,
            "id": identity_url(org),
            "access_token": org.sessions.issue(),
            "org_id": org.identity.org_id,
            "username": org.identity.username,
        },
        "inprocess",
        keychain=mock.Mock(spec=BaseProjectKeychain),
    )
    org_config.refresh_oauth_token = mock.Mock()
    return create_task(task_class or _Task, options or {}, org_config=org_config)


def settings_deployed(folder: Path, **new_org) -> Path:
    """A new org's state folder (`new_org`: OrgIdentity fields, `seed`) after the settings task, run in-process
    (localorg.inprocess: the same task code and org models as over HTTPS, without starting cci): for tests whose
    subject comes after that step. Serve it with `local_org(state_dir=folder, ...)`."""
    from localorg import inprocess
    from tests.conftest import import_task

    with inprocess.serve(folder, **new_org) as org:
        inprocess_task(org, import_task("settings").DeployEmailPrivacySettings)()
    return folder


def metadata_client(task, api_version: str = "63.0", **kw) -> MetadataClient:
    """A MetadataClient on a task's org, built as the tasks build it: org config, logger, refresh callable."""
    refresh = session_refresher(task.org_config, task.project_config.keychain, task.logger)
    return MetadataClient(task.org_config, task.logger, refresh, api_version, **kw)
