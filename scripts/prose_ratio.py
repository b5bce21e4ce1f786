"""Prose per code line: docstring and comment lines over code lines, per package, worst modules first.

A line is code when it holds a token that is neither a comment nor part of a docstring; a full-line comment and
every line of a module, class or function docstring or of a task's `task_docs` (its docstring in `cci task info`)
is prose; blank lines count as neither.

    .venv/bin/python scripts/prose_ratio.py                # email_privacy/ and tasks/
    .venv/bin/python scripts/prose_ratio.py localorg       # any package
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("email_privacy", "tasks")
LIMIT = 0.12
_LAYOUT = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        prose = [s for s in node.body[:1] if isinstance(s, ast.Expr) and _is_text(s.value)]
        if isinstance(node, ast.ClassDef):
            prose += [
                s
                for s in node.body
                if isinstance(s, ast.Assign)
                and _is_text(s.value)
                and any(isinstance(t, ast.Name) and t.id == "task_docs" for t in s.targets)
            ]
        for statement in prose:
            lines.update(range(statement.lineno, statement.end_lineno + 1))
    return lines


def count(source: str) -> tuple[int, int]:
    """(prose lines, code lines) of one module."""
    docstrings = _docstring_lines(ast.parse(source))
    comments: set[int] = set()
    code: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments.add(tok.start[0])
        elif tok.type not in _LAYOUT:
            code.update(n for n in range(tok.start[0], tok.end[0] + 1) if n not in docstrings)
    return len(docstrings) + len(comments - code), len(code)


def measure(package: str) -> dict[str, tuple[int, int]]:
    """{module path: (prose, code)} for every module of one package."""
    return {
        str(path.relative_to(ROOT)): count(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def ratio(counts: dict[str, tuple[int, int]]) -> float:
    prose = sum(p for p, _ in counts.values())
    code = sum(c for _, c in counts.values())
    return prose / code if code else 0.0


def worst(counts: dict[str, tuple[int, int]], n: int = 8) -> list[str]:
    """The n modules with the most prose lines beyond the limit, as "path prose/code"."""
    ranked = sorted(counts.items(), key=lambda item: item[1][0] - LIMIT * item[1][1], reverse=True)
    return [f"{name} {p}/{c}" for name, (p, c) in ranked[:n]]


def main(argv: list[str]) -> int:
    over = False
    for package in argv or PACKAGES:
        counts = measure(package)
        value = ratio(counts)
        over |= value > LIMIT
        prose, code = (sum(column) for column in zip(*counts.values(), strict=True))
        print(f"{package}/: {value:.3f} ({prose} prose / {code} code)")
        for line in worst(counts):
            print(f"  {line}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
