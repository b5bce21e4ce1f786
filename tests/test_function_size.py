"""Short functions: no function or method of the product is over 50 lines (decorators and docstring included),
so a step reads as its parts; a longer one is split into named parts."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 50


def long_functions(folder: Path) -> dict[str, int]:
    found = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                found[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = node.end_lineno - start + 1
    return found


def test_the_walk_measures_functions():
    sizes = long_functions(ROOT / "email_privacy")
    assert len(sizes) > 200 and max(sizes.values()) > 10


def test_no_product_function_over_the_limit():
    sizes = long_functions(ROOT / "email_privacy")
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
