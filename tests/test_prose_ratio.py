"""Prose per code line (scripts/prose_ratio.py): docstring, task_docs and comment lines stay at or under 0.12 per
code line in email_privacy/ and tasks/, so comments say why in a line or two and Salesforce facts live in
docs/salesforce-facts.md."""

import re

import pytest

from scripts import prose_ratio


def test_the_measure_counts_docstrings_task_docs_and_comments_but_not_code_or_blank_lines():
    source = '''"""Module.

Second line."""

X = 1  # inline: a code line


class Task:
    """One line."""

    task_docs = """
Shown by cci task info.
"""
    other = """not prose"""

    # a why
    def run(self):
        return "text"
'''
    assert prose_ratio.count(source) == (3 + 1 + 3 + 1, 5)


@pytest.mark.parametrize("package", prose_ratio.PACKAGES)
def test_prose_per_code_line_is_at_most_the_limit(package):
    counts = prose_ratio.measure(package)
    assert len(counts) > 5  # the walk found the package
    value = prose_ratio.ratio(counts)
    assert value <= prose_ratio.LIMIT, f"{package}/ {value:.3f} > {prose_ratio.LIMIT}: {prose_ratio.worst(counts)}"


def test_every_facts_citation_names_a_section_of_the_facts_file():
    headings = [
        line[3:].split(" (")[0].strip()
        for line in (prose_ratio.ROOT / "docs" / "salesforce-facts.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("## ")
    ]
    cited = {}
    for package in prose_ratio.PACKAGES:
        for path in (prose_ratio.ROOT / package).rglob("*.py"):
            text = re.sub(r"\s*\n\s*#?\s*", " ", path.read_text(encoding="utf-8"))
            for name in re.findall(r"salesforce-facts\.md, \"?([A-Z](?:[^\".;:]|\.\d)*)", text):
                cited.setdefault(name.strip(), path.relative_to(prose_ratio.ROOT).as_posix())
    assert len(cited) > 5  # the citations were found
    assert {name: where for name, where in cited.items() if not any(name.startswith(h) for h in headings)} == {}
