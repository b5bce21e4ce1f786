"""What a test starts (a local org server, the real cci, the real sf, the stand-alone cci), derived from the
code it runs, so nobody marks a test by hand.

`kinds(item)` reads the test function and every fixture it uses (pytest's own closure of fixture names),
following each global name they use into the test helpers they call, and collects the kinds of the starters
below (`STARTERS`, keyed by object; `STARTER_PATHS`, by executable folder). tests/conftest.py turns the kinds
into marks at collection, plus `e2e` for any of them, so `-m "not e2e"` is every in-process test.

The reading is static, so conftest checks it at run time too: an audit hook sees every process a test starts
(`launched`), and a test that starts one its marks do not name fails, naming the helper to use.
"""

from __future__ import annotations

import functools
import inspect
import sys
import types
from pathlib import Path

from localorg.process import LocalOrgProcess
from scripts import real_runs
from tests.e2e.sf_cli import SfRun
from tests.harness import REPO, run_cci, run_cci_offline, run_demo

KINDS = {
    "server": "starts a local org server process (`python -m localorg serve`)",
    "cci": "runs the real cci of this environment",
    "sf": "runs the real Salesforce CLI (build/sf)",
    "standalone_cci": "runs the stand-alone CumulusCI (build/cci), as users install it",
}
E2E = "e2e: starts a local org server or a real client (any of server, cci, sf, standalone_cci)"

STARTERS: dict[object, tuple[str, ...]] = {
    LocalOrgProcess: ("server",),
    run_cci: ("cci",),
    run_cci_offline: ("cci",),
    run_demo: ("server", "cci"),
    SfRun: ("sf",),
    # The docs' real runs (scripts/real_runs.py): local orgs, cci, the stand-alone cci, sf where installed.
    real_runs.collect: ("server", "cci", "standalone_cci", "sf"),
}
STANDALONE_CCI_DIR = REPO / "build" / "cci"
STARTER_PATHS: dict[Path, str] = {STANDALONE_CCI_DIR: "standalone_cci", REPO / "build" / "sf": "sf"}
# Helpers here are read through; anything else is a leaf. Not benchmarks/: its tests stub out what would start.
_OWN = ("tests", "scripts")


def _path_kind(value: Path) -> str | None:
    for folder, kind in STARTER_PATHS.items():
        if value == folder or folder in value.parents:
            return kind
    return None


def _own(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] in _OWN


def _codes(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _kinds_of(obj, seen: set[int]) -> set[str]:
    """The kinds `obj` starts: a starter itself, or a function or class of ours that uses one."""
    if id(obj) in seen:
        return set()
    seen.add(id(obj))
    try:
        if obj in STARTERS:
            return set(STARTERS[obj])
    except TypeError:  # unhashable values are never starters
        return set()
    if isinstance(obj, Path):
        kind = _path_kind(obj)
        return {kind} if kind else set()
    if isinstance(obj, types.MethodType):
        return _kinds_of(obj.__func__, seen)
    if isinstance(obj, functools.partial):
        return _kinds_of(obj.func, seen)
    if inspect.isclass(obj) and _own(obj):
        found = set()
        for value in vars(obj).values():
            found |= _kinds_of(getattr(value, "__func__", value), seen)
        return found
    if inspect.isfunction(obj) and _own(obj):
        return _function_kinds(obj, seen)
    return set()


def _function_kinds(func, seen: set[int]) -> set[str]:
    func = inspect.unwrap(func)
    found = set()
    names = {name for code in _codes(func.__code__) for name in code.co_names}
    values = [func.__globals__[n] for n in names if n in func.__globals__]
    values += [sys.modules[n] for n in names if n in sys.modules]  # imports inside the function
    values += [cell.cell_contents for cell in func.__closure__ or () if _filled(cell)]
    values += list(func.__defaults__ or ())
    for value in values:
        if isinstance(value, types.ModuleType):
            # `harness.run_cci`: the attribute names sit in co_names beside the module's name.
            found |= {k for n in names if hasattr(value, n) for k in _kinds_of(getattr(value, n), seen)}
        else:
            found |= _kinds_of(value, seen)
    return found


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


def kinds(item) -> set[str]:
    """The kinds a collected test starts: its own code and every fixture in its closure."""
    seen: set[int] = set()
    found = _kinds_of(getattr(item, "function", None), seen) if hasattr(item, "function") else set()
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        for fixturedef in (info.name2fixturedefs.get(name, ()) if info else ())[-1:]:
            found |= _kinds_of(fixturedef.func, seen)
    return found


def launched_kind(argv) -> str | None:
    """What a started process is, from its command line, or None for anything else (git, bash, our CLI)."""
    argv = [str(a) for a in (argv if isinstance(argv, (list, tuple)) else [argv])]
    if not argv:
        return None
    exe = Path(argv[0])
    kind = _path_kind(exe) if exe.is_absolute() else None
    if kind:
        return kind
    if argv[1:3] == ["-m", "localorg"] and "serve" in argv[3:4]:
        return "server"
    if exe.name == "cci":
        return "cci"
    if exe.name == "sf":
        return "sf"
    return None


class Launches:
    """Every process the running test starts, by kind (an audit hook; hooks cannot be removed, so one per
    process, switched by `current`)."""

    def __init__(self):
        self.current = None
        self.seen: dict[str, set[str]] = {}
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if event == "subprocess.Popen" and self.current is not None:
            kind = launched_kind(args[1])
            if kind:
                self.seen.setdefault(self.current, set()).add(kind)

    def unmarked(self, nodeid: str, marked: set[str]) -> set[str]:
        return self.seen.pop(nodeid, set()) - marked
