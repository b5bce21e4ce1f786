"""Small modules: no module of the product, the local org, the tasks or the CI and benchmark scripts grows past
400 lines (tests are not counted), so each one still reads in one sitting."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400


def test_no_module_over_the_limit():
    modules = [
        p
        for folder in ("email_privacy", "localorg", "tasks", "ci", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
    ]
    assert len(modules) > 50  # the walk found the code
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in modules}
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
