"""The marks by what a test starts: derived from the code a test and its fixtures run, checked at run time."""

import subprocess
import sys

import pytest

from tests import starts
from tests.conftest import LAUNCHES
from tests.harness import BIN, REPO, cci_task, run_cci


def reads_files(tmp_path):
    return sorted(tmp_path.iterdir())


def flow_helper(org):
    return cci_task(org, "deploy_email_privacy_settings")  # run_cci, two calls down


def uses_a_helper(org):
    return flow_helper(org)


def starts_lazily(tmp_path):
    from tests.harness import LocalOrgProcess

    return LocalOrgProcess(tmp_path)


def through_the_module(org):
    from tests import harness

    return harness.run_cci(org, "org", "info")


STANDALONE = REPO / "build" / "cci" / "bin" / "cci"


def standalone(project):
    return subprocess.run([str(STANDALONE), "org", "list"], cwd=project)


class Sf:
    def run(self, org, home):
        from tests.e2e.sf_cli import SfRun

        return SfRun(org, home)("org", "list")


@pytest.mark.parametrize(
    "func, kinds",
    [
        (reads_files, set()),
        (run_cci, {"cci"}),
        (uses_a_helper, {"cci"}),
        (starts_lazily, {"server"}),
        (through_the_module, {"cci"}),
        (standalone, {"standalone_cci"}),
        (Sf().run, {"sf"}),
    ],
)
def test_kinds_follow_helpers_imports_and_paths(func, kinds):
    assert starts._kinds_of(func, set()) == kinds


def test_a_collected_test_gets_its_fixtures_kinds(request):
    """This very test uses `request` only: nothing to start, so it is in `make test-fast`."""
    assert starts.kinds(request.node) == set()
    assert "e2e" not in {m.name for m in request.node.iter_markers()}


@pytest.mark.parametrize(
    "argv, kind",
    [
        ([sys.executable, "-m", "localorg", "serve", "--state", "x"], "server"),
        ([str(BIN / "cci"), "task", "run"], "cci"),
        ([str(REPO / "build" / "cci" / "bin" / "cci"), "flow", "run"], "standalone_cci"),
        ([str(REPO / "build" / "cci" / "bin" / "python"), "-c", "pass"], "standalone_cci"),
        ([str(REPO / "build" / "sf" / "node_modules" / ".bin" / "sf"), "org", "list"], "sf"),
        (["git", "init"], None),
        ([str(BIN / "email-privacy"), "org", "serve", "--port", "70000"], None),
        ("bash", None),
    ],
)
def test_started_processes_are_told_apart_by_their_command_line(argv, kind):
    assert starts.launched_kind(argv) == kind


def test_a_start_the_marks_do_not_name_is_reported_for_that_test_only():
    launches = starts.Launches.__new__(starts.Launches)  # no second audit hook for this check
    launches.current, launches.seen = "t::a", {}
    launches._hook("subprocess.Popen", (str(BIN / "cci"), [str(BIN / "cci"), "version"], None, None))
    launches._hook("open", ("/etc/hosts", "r", 0))
    launches.current = "t::b"
    launches._hook("subprocess.Popen", ("git", ["git", "status"], None, None))
    assert launches.unmarked("t::a", set()) == {"cci"}
    assert launches.unmarked("t::a", set()) == set()  # reported once
    assert launches.unmarked("t::b", set()) == set()
    launches.current = "t::c"
    launches._hook("subprocess.Popen", (str(BIN / "cci"), [str(BIN / "cci"), "version"], None, None))
    assert launches.unmarked("t::c", {"cci"}) == set()


def test_the_audit_hook_sees_a_real_start(request, tmp_path):
    fake = tmp_path / "cci"  # a stand-in named like the client: the hook goes by the command line
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o700)
    launches = request.config.stash[LAUNCHES]
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert launches.unmarked(request.node.nodeid, set()) == set()
    subprocess.run([str(fake)], check=True)
    assert launches.unmarked(request.node.nodeid, set()) == {"cci"}  # popped: this test is not failed for it
