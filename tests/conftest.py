"""Shared test fixtures: the Metadata API schema (from the installed WSDL), the real-world corpus, the local org."""

from pathlib import Path

import pytest
from lxml import etree

from tests import metadata_schema

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REALWORLD = SHARED / "realworld"


@pytest.fixture(scope="session")
def xsd():
    """The Metadata API schema (API 63.0) from simple-salesforce's metadata.wsdl, as a validator."""
    return metadata_schema.schema()


@pytest.fixture(scope="session")
def xsd_tree():
    """The same schema as a plain tree, to read element order from."""
    return metadata_schema.schema_tree()


@pytest.fixture(scope="session")
def realworld():
    """The folder of real-world layouts and settings, or skip where ../shared is absent."""
    if not REALWORLD.is_dir():
        pytest.skip(f"{REALWORLD} is absent: real-world files live in ../shared, not in the project")
    return REALWORLD


def import_task(name: str):
    """Import tasks/email_privacy/<name>.py as cci does: CumulusCI's synthetic `tasks` package (which it
    empties on import) gets the repo's tasks/ folder on its path."""
    import importlib

    import cumulusci.core.config.project_config  # noqa: F401  (creates the synthetic package first)

    import tasks

    if str(ROOT / "tasks") not in tasks.__path__:
        tasks.__path__.append(str(ROOT / "tasks"))
    return importlib.import_module(f"tasks.email_privacy.{name.removeprefix('email_privacy.')}")


def assert_valid(schema, data: bytes, name: str = "document"):
    """Validate bytes against the schema, failing with the schema's own words."""
    doc = etree.fromstring(data)
    if not schema.validate(doc):
        raise AssertionError(f"{name} does not validate: {schema.error_log}")


@pytest.fixture
def local_org(tmp_path):
    """Factory: `local_org(**serve_options)` starts `email-privacy org serve` (tests/harness.py);
    stopped at teardown."""
    from tests.harness import LocalOrgProcess

    started = []

    def start(state_dir=None, **options):
        org = LocalOrgProcess(tmp_path / f"org{len(started)}", state_dir=state_dir, **options)
        started.append(org)
        return org.start()

    yield start
    for org in started:
        org.stop()
