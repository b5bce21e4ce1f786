"""No module of localorg keeps state of its own: counters, caches, locks and job tables live in
the org (models/org.py), so two orgs in one process never share anything."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "localorg"
STATEFUL_CALLS = {"count", "WeakKeyDictionary", "WeakValueDictionary", "Lock", "RLock", "defaultdict", "Queue", "local"}


def _called(node) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return None


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and _called(node.value) in STATEFUL_CALLS:
            found.append(f"line {node.lineno}: module-level {_called(node.value)}()")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.append(f"line {node.lineno}: global {', '.join(node.names)}")
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            found.append(f"line {node.lineno}: state kept in an object's __dict__")
    return found


def test_the_check_finds_module_state(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import itertools\n_ids = itertools.count(1)\ndef f(org):\n    org.__dict__['x'] = 1\n")
    assert findings(sample) == ["line 2: module-level count()", "line 4: state kept in an object's __dict__"]


def test_no_localorg_module_keeps_state():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 20
    assert {str(p.relative_to(PACKAGE)): f for p in modules if (f := findings(p))} == {}
