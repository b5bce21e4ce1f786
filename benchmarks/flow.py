"""The flow benchmark of issue 7: this project's `enable_individual_email_tracking` against the
hand-written built-in equivalent (benchmarks/builtin/cumulusci.yml), each run with the real `cci`
on a fresh local org (person accounts on), then once more on the org it has just configured.
"""

import subprocess
import time
from pathlib import Path

import yaml

from email_privacy.localorg.process import LocalOrgProcess, run_cci

from .metrics import RunMetrics, Summary, count_requests, layout_correctness, layouts_by_object
from .report import BUILTIN, FIRST, OURS, SECOND

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "benchmarks" / "builtin" / "cumulusci.yml"
OUR_FLOW = "enable_individual_email_tracking"
BUILTIN_FLOW = "builtin_email_tracking"
# Which add_page_layout_fields step of the template serves which object.
BUILTIN_LAYOUT_STEPS = {2: "Contact", 3: "Lead", 4: "PersonAccount"}
CCI_TIMEOUT = 1800


def builtin_config(template: str, layouts: dict[str, list[str]]) -> str:
    """The built-in project's cumulusci.yml with each add_page_layout_fields step naming its object's
    layouts explicitly (a YAML list, so names holding a comma stay whole)."""
    config = yaml.safe_load(template)
    steps = config["flows"][BUILTIN_FLOW]["steps"]
    for number, obj in BUILTIN_LAYOUT_STEPS.items():
        step = steps.get(number) or {}
        if step.get("task") != "add_page_layout_fields":
            raise ValueError(f"{TEMPLATE}: step {number} of {BUILTIN_FLOW} must be add_page_layout_fields ({obj})")
        step["options"]["api_names"] = list(layouts.get(obj, []))
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def make_builtin_project(dest: Path, layouts: dict[str, list[str]]) -> Path:
    """A throwaway git checkout holding the built-in project's cumulusci.yml (cci needs a git repo)."""
    dest.mkdir(parents=True)
    (dest / "cumulusci.yml").write_text(builtin_config(TEMPLATE.read_text(encoding="utf-8"), layouts),
                                        encoding="utf-8")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q", "-b", "main"], ["add", "cumulusci.yml"], ["commit", "-q", "-m", "benchmark"]):
        subprocess.run([*git, *args], cwd=dest, check=True, capture_output=True)
    return dest


def settled_requests(org: LocalOrgProcess, quiet_s: float = 0.15, limit_s: float = 2.0) -> list[dict]:
    """The request log once it has stopped growing: the server appends a line just after sending its
    reply, so cci can exit a moment before the last line of its last request is written."""
    deadline = time.monotonic() + limit_s
    last = -1
    while True:
        size = org.request_log.stat().st_size if org.request_log.exists() else 0
        if size == last or time.monotonic() > deadline:
            return org.requests()
        last = size
        time.sleep(quiet_s)


def timed_cci(org: LocalOrgProcess, cwd: Path, flow: str, log: Path) -> RunMetrics:
    """Run `cci flow run FLOW --org sim` in cwd; measure it from the requests it added to the log."""
    before = len(settled_requests(org))
    start = time.monotonic()
    result = run_cci(org, "flow", "run", flow, "--org", "sim", cwd=cwd, timeout=CCI_TIMEOUT)
    wall = time.monotonic() - start
    with open(log, "a", encoding="utf-8") as fh:  # kept for reading failures; no secrets: cci masks them
        fh.write(f"$ cci flow run {flow} --org sim  (exit {result.returncode}, {wall:.1f} s)\n")
        fh.write(result.stdout + result.stderr + "\n")
    counts = count_requests(settled_requests(org)[before:])
    with_field, total = layout_correctness(org.metadata_dir)
    return RunMetrics(wall_s=wall, exit_code=result.returncode, with_field=with_field, target_layouts=total,
                      **counts)


def run_pair(tool: str, layouts_per_object: int, workdir: Path) -> tuple[RunMetrics, RunMetrics]:
    """One tool on a fresh org: the first run, then the second on the org the first configured."""
    with LocalOrgProcess(workdir, person_accounts=True, layouts_per_object=layouts_per_object) as org:
        if tool == OURS:
            cwd, flow = ROOT, OUR_FLOW
        else:
            cwd, flow = make_builtin_project(workdir / "builtin-project", layouts_by_object(org.metadata_dir)), \
                BUILTIN_FLOW
        log = workdir / "cci-output.log"
        return timed_cci(org, cwd, flow, log), timed_cci(org, cwd, flow, log)


def run_benchmark(sizes: list[int], runs: int, workdir: Path, progress=print) -> list[Summary]:
    """Every size, `runs` times, alternating the two tools so machine load falls on both alike."""
    results: dict[tuple[str, int, str], list[RunMetrics]] = {}
    for n in sizes:
        for i in range(1, runs + 1):
            for tool in (OURS, BUILTIN):
                where = workdir / f"{'ours' if tool == OURS else 'builtin'}-{n}-{i}"
                first, second = run_pair(tool, n, where)
                results.setdefault((tool, n, FIRST), []).append(first)
                results.setdefault((tool, n, SECOND), []).append(second)
                progress(f"{tool:>12} at {n} layouts/object, run {i}/{runs}: "
                         f"first {first.wall_s:.1f} s (exit {first.exit_code}, {first.with_field}/"
                         f"{first.target_layouts} layouts), second {second.wall_s:.1f} s (exit {second.exit_code})"
                         + ("" if first.exit_code == 0 and second.exit_code == 0 else f"; cci output in {where}"))
    return [Summary(tool, n, phase, runs_) for (tool, n, phase), runs_ in results.items()]

