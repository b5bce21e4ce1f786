"""End-to-end harness for the tests: the package's local-org launcher, with cci run from this repo.

See email_privacy/localorg/process.py for the API (LocalOrgProcess, run_cci) and the `local_org`
fixture in tests/conftest.py.
"""

from pathlib import Path

from email_privacy.localorg import process
from email_privacy.localorg.process import LocalOrgProcess, parse_env_file  # noqa: F401 (re-exported)

REPO = Path(__file__).resolve().parent.parent


def run_cci(org: LocalOrgProcess, *args: str, cwd: Path | None = None, env: dict | None = None, **kwargs):
    """process.run_cci, from the repo root unless told otherwise (cci needs this project's checkout),
    with a wide terminal so rich does not wrap the tables the tests read."""
    return process.run_cci(org, *args, cwd=cwd or REPO, env={"COLUMNS": "400", **(env or {})}, **kwargs)
