"""Shared test fixtures: the Metadata API schema (from the installed WSDL), the real-world corpus, the local org;
and the marks saying what each test starts (tests/starts.py), derived here at collection and checked at run time."""

import math
from pathlib import Path

import pytest
from lxml import etree

from tests import metadata_schema, starts

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REALWORLD = SHARED / "realworld"


DERIVED = {*starts.KINDS, "e2e"}


def pytest_configure(config):
    for kind, meaning in starts.KINDS.items():
        config.addinivalue_line("markers", f"{kind}: {meaning} (derived, never written by hand)")
    config.addinivalue_line("markers", starts.E2E)
    config.stash[LAUNCHES] = starts.Launches()


LAUNCHES = pytest.StashKey[starts.Launches]()


BY_HAND = pytest.StashKey[set]()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark each test by what it starts. A hand-written mark of these names would go stale: its test fails."""
    config.stash[BY_HAND] = {item.nodeid for item in items if any(m.name in DERIVED for m in item.iter_markers())}
    for item in items:
        found = starts.kinds(item)
        for kind in sorted(found):
            item.add_marker(kind)
        if found:
            item.add_marker("e2e")
    # Modules that start something first, each group longest first by its last run's time (a module with none, new,
    # first: it may be long): pytest-xdist hands modules out in this order (make test: --no-loadscope-reorder), so
    # the long ones start at once and the quick in-process ones even out the end.
    slow = {item.path for item in items if item.get_closest_marker("e2e")}
    last = _cache(config).get(SECONDS, {}) if _cache(config) else {}
    items.sort(key=lambda item: (item.path not in slow, -last.get(_module(item.nodeid), math.inf)))


SECONDS = "email_privacy/module_seconds"  # in pytest's cache (.pytest_cache): each module's time, last run
_took: dict[str, float] = {}


def _cache(config):
    return getattr(config, "cache", None)  # absent under -p no:cacheprovider


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_runtest_logreport(report):
    _took[_module(report.nodeid)] = _took.get(_module(report.nodeid), 0.0) + report.duration


def pytest_sessionfinish(session):
    """Keep each module's time (setup, calls and teardown of its tests) for the next run's order; with pytest-xdist
    the main process sees every worker's reports, and only it writes."""
    cache = _cache(session.config)
    if cache is not None and _took and not hasattr(session.config, "workerinput"):
        cache.set(SECONDS, {**cache.get(SECONDS, {}), **{m: round(t, 1) for m, t in _took.items()}})


def pytest_runtest_setup(item):
    if item.nodeid in item.config.stash[BY_HAND]:
        pytest.fail(
            f"{', '.join(sorted(DERIVED))} marks are derived from what a test starts (tests/starts.py): "
            "remove the hand-written one",
            pytrace=False,
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    launches = item.config.stash[LAUNCHES]
    launches.current = item.nodeid
    yield
    launches.current = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that starts a process its marks do not name fails: the derivation missed a starter."""
    outcome = yield
    report = outcome.get_result()
    if call.when != "teardown":
        return
    marked = {m.name for m in item.iter_markers() if m.name in starts.KINDS}
    missed = item.config.stash[LAUNCHES].unmarked(item.nodeid, marked)
    if missed and report.passed:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} started {', '.join(sorted(missed))} but is not marked so: start it through a helper "
            "tests/starts.py knows (the local_org fixture, LocalOrgProcess, run_cci, SfRun, a path under build/cci "
            "or build/sf) or add your helper to starts.STARTERS"
        )


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


def _serve(folder):
    """A factory `start(**serve_options)` of local orgs under `folder` (tests/harness.py); all stopped after."""
    from tests.harness import LocalOrgProcess

    started = []

    def start(state_dir=None, **options):
        org = LocalOrgProcess(folder / f"org{len(started)}", state_dir=state_dir, **options)
        started.append(org)
        return org.start()

    yield start
    for org in started:
        org.stop()


@pytest.fixture
def local_org(tmp_path):
    """Factory: `local_org(**serve_options)` starts `email-privacy org serve` (tests/harness.py);
    stopped at teardown."""
    yield from _serve(tmp_path)


@pytest.fixture(scope="module")
def module_local_org(tmp_path_factory):
    """The same factory for a module: an org its tests share because each only reads it, or changes it in a way
    no other test looks at (every check counts requests and files from its own start)."""
    yield from _serve(tmp_path_factory.mktemp("module-org"))
