"""`cci task info` explains every task of the project and each of its options (what a release engineer reads)."""

import re
import textwrap

import pytest
import yaml

from tests.conftest import ROOT, import_task
from tests.harness import run_cci_offline

TASKS = {name: cfg for name, cfg in yaml.safe_load((ROOT / "cumulusci.yml").read_text())["tasks"].items()}


def words(text: str) -> str:
    """Text with all runs of white space folded, as rich's wrapping leaves it comparable."""
    return re.sub(r"\s+", " ", text).strip()


def rendered(rst: str) -> str:
    """task_docs as `cci task info` shows them: reStructuredText's inline literals (``x``) as plain text."""
    return words(re.sub(r"``([^`]+)``", r"\1", rst))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    (home / ".cumulusci").mkdir()
    (home / ".cumulusci" / "cumulus_timestamp").write_text("99999999999")
    return home


@pytest.mark.parametrize("task_name", sorted(TASKS))
def test_task_info_shows_the_docs_and_every_option(task_name, home):
    module, cls = TASKS[task_name]["class_path"].rsplit(".", 1)
    task_class = getattr(import_task(module.split(".", 1)[1]), cls)
    result = run_cci_offline("task", "info", task_name, home=home)
    assert result.returncode == 0, result.stderr[-2000:]
    shown = words(result.stdout)
    assert words(TASKS[task_name]["description"]) in shown
    docs = textwrap.dedent(task_class.__dict__["task_docs"]).strip()
    first_paragraph = docs.split("\n\n")[0]
    assert rendered(first_paragraph) in shown
    for option, info in task_class.task_options.items():
        assert f"--{option}" in shown, option
        assert info.get("description"), f"{task_name}: option {option} has no description"
        assert words(info["description"])[:60] in shown, option
