"""The real-run blocks of README.md and docs/*.md match what the tools print now: scripts/real_runs.py makes its
real runs once here (local orgs, the real cci, CumulusCI alone in build/cci) and every marked block is compared
with its excerpt. When this fails, `make docs` makes the blocks again (docs/development.md)."""

import re

import pytest

from scripts import real_runs
from tests.harness import REPO


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if not (REPO / "build" / "cci" / "bin" / "cci").is_file():
        pytest.fail("build/cci is missing: `make test` installs CumulusCI alone there (the README's block needs it)")
    return real_runs.collect(tmp_path_factory.mktemp("real-runs"))


SCRATCH = ("scratch-demo", "scratch-dev-org")  # made by the real sf too: build/sf


def test_every_real_run_block_matches_what_the_tools_print(runs):
    problems = real_runs.stale(real_runs.doc_files(), real_runs.render(runs), skip=SCRATCH)
    assert problems == [], "\n".join(problems) + "\nRun `make docs` to make the blocks again."


def test_the_scratch_org_blocks_match_what_sf_and_cci_print(runs):
    if "scratch-demo" not in runs.runs:
        pytest.skip(f"{real_runs.SF} is not installed (make test installs it where node and npm are)")
    assert runs.runs["scratch-demo"].returncode == 0, runs.runs["scratch-demo"].output[-3000:]
    rendered = real_runs.render(runs)
    others = set(rendered) - set(SCRATCH)
    problems = real_runs.stale(real_runs.doc_files(), rendered, skip=others)
    assert problems == [], "\n".join(problems) + "\nRun `make docs` to make the blocks again."


def test_every_excerpt_has_its_block_once():
    used = [name for path in real_runs.doc_files() for name, _ in real_runs.blocks(path.read_text(encoding="utf-8"))]
    assert sorted(used) == sorted(real_runs.EXCERPTS)


def test_the_runs_went_as_the_docs_say(runs):
    """The flow runs succeed, the stopped ones stop: a block cut from a run that failed otherwise proves little."""
    codes = {name: run.returncode for name, run in runs.runs.items()}
    assert codes["flow-first"] == codes["flow-second"] == 0
    assert all(codes[name] != 0 for name in codes if name.startswith("mistake-"))
    assert codes["flow-team"] != 0 and codes["restore-other-org"] != 0 and codes["no-remote-code"] != 0


def test_flow_md_describes_every_field_of_the_report(runs):
    section = real_runs.REPO.joinpath("docs", "flow.md").read_text(encoding="utf-8").split("## The JSON report")[1]
    described = set(re.findall(r"^\| `(\w+)` \|", section, re.M))
    report = runs.extra["report"]
    fields = set(report) | {k for key in ("settings", "layouts", "access") for row in report[key] for k in row}
    assert fields <= described, f"flow.md does not describe {sorted(fields - described)}"
