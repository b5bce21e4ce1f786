"""The flow benchmark: this project's `enable_individual_email_tracking` against the
hand-written built-in equivalent (benchmarks/builtin/cumulusci.yml), each run with the real `cci`
on a fresh local org (person accounts on), then once more on the org it has just configured.
"""

import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import yaml

from benchmarks.metrics import RunMetrics, Summary, count_requests, layout_correctness, layouts_by_object
from benchmarks.report import BUILTIN, FIRST, OURS, PARTIAL, SECOND
from localorg.process import LocalOrgProcess
from tests.harness import BIN, run_cci

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
    (dest / "cumulusci.yml").write_text(builtin_config(TEMPLATE.read_text(encoding="utf-8"), layouts), encoding="utf-8")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q", "-b", "main"], ["add", "cumulusci.yml"], ["commit", "-q", "-m", "benchmark"]):
        subprocess.run([*git, *args], cwd=dest, check=True, capture_output=True)
    return dest


def timed_cci(org: LocalOrgProcess, cwd: Path, flow: str, log: Path) -> RunMetrics:
    """Run `cci flow run FLOW --org sim` in cwd; measure it from the requests it added to the log."""
    # The local org writes each request's log line before its reply, so the log is complete when cci exits.
    before = len(org.requests())
    start = time.monotonic()
    code, output, usage = measured_run([str(BIN / "cci"), "flow", "run", flow, "--org", "sim"], cwd, org.env)
    wall = time.monotonic() - start
    cpu, peak_mb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    with open(log, "a", encoding="utf-8") as fh:  # kept for reading failures; no secrets: cci masks them
        fh.write(f"$ cci flow run {flow} --org sim  (exit {code}, {wall:.1f} s, cpu {cpu:.2f} s, {peak_mb:.0f} MB)\n")
        fh.write(output + "\n")
    counts = count_requests(org.requests()[before:])
    with_field, total = layout_correctness(org.metadata_dir)
    return RunMetrics(wall, code, cpu_s=cpu, peak_mb=peak_mb, with_field=with_field, target_layouts=total, **counts)


def measured_run(command: list[str], cwd: Path, env: dict, timeout: float | None = None):
    """(exit code, output, resource usage of that process and those it waited for). os.wait4 reports one
    child's peak memory; RUSAGE_CHILDREN gives the largest of every child reaped so far. -1 when it timed out."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            command, cwd=cwd, env={**env, "COLUMNS": "400"}, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        fired = []
        timer = threading.Timer(timeout or CCI_TIMEOUT, lambda: fired.append(proc.kill()))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    if fired:
        return -1, output + "\n(timed out)", usage
    return code, output, usage


def _project(tool: str, workdir: Path, metadata_dir: Path) -> tuple[Path, str]:
    """Where cci runs, and which flow, for this tool on this org."""
    if tool == OURS:
        return ROOT, OUR_FLOW
    return make_builtin_project(workdir / "builtin-project", layouts_by_object(metadata_dir)), BUILTIN_FLOW


def run_pair(tool: str, layouts_per_object: int, workdir: Path) -> dict[str, RunMetrics]:
    """One tool on a fresh org: the first run, then the second on the org the first configured."""
    with LocalOrgProcess(workdir, person_accounts=True, layouts_per_object=layouts_per_object) as org:
        cwd, flow = _project(tool, workdir, org.metadata_dir)
        log = workdir / "cci-output.log"
        first = timed_cci(org, cwd, flow, log)
        return {FIRST: first, SECOND: timed_cci(org, cwd, flow, log)}


def run_partial(tool: str, layouts_per_object: int, workdir: Path) -> RunMetrics:
    """One tool on an org where someone already put the field on the first layout of each object (by
    name order) and turned the settings on, with the built-in tasks (not measured): the case where
    add_page_layout_fields' defect (docs/salesforce-facts.md, "CumulusCI 4.10") skips every later layout."""
    with LocalOrgProcess(workdir, person_accounts=True, layouts_per_object=layouts_per_object) as org:
        first_layouts = {obj: sorted(names)[:1] for obj, names in layouts_by_object(org.metadata_dir).items()}
        prep = run_cci(
            org,
            "flow",
            "run",
            BUILTIN_FLOW,
            "--org",
            "sim",
            timeout=CCI_TIMEOUT,
            cwd=make_builtin_project(workdir / "prep-project", first_layouts),
        )
        if prep.returncode != 0:
            raise RuntimeError(
                f"preparing the partly configured org failed (exit {prep.returncode}): "
                f"{(prep.stdout + prep.stderr)[-1500:]}"
            )
        cwd, flow = _project(tool, workdir, org.metadata_dir)
        return timed_cci(org, cwd, flow, workdir / "cci-output.log")


def run_benchmark(sizes: list[int], runs: int, workdir: Path, progress=print, partial: bool = True) -> list[Summary]:
    """Every size, `runs` times, alternating the two tools so machine load falls on both alike."""
    results: dict[tuple[str, int, str], list[RunMetrics]] = {}
    for n in sizes:
        for i in range(1, runs + 1):
            for tool in (OURS, BUILTIN):
                where = workdir / f"{'ours' if tool == OURS else 'builtin'}-{n}-{i}"
                measured = run_pair(tool, n, where)
                if partial:
                    measured[PARTIAL] = run_partial(tool, n, where / "partial")
                for phase, m in measured.items():
                    results.setdefault((tool, n, phase), []).append(m)
                progress(
                    f"{tool:>12} at {n} layouts/object, run {i}/{runs}: "
                    + "; ".join(
                        f"{phase} {m.wall_s:.1f} s (cpu {m.cpu_s:.2f} s), exit {m.exit_code}, "
                        f"{m.with_field}/{m.target_layouts} layouts"
                        for phase, m in measured.items()
                    )
                    + ("" if all(m.exit_code == 0 for m in measured.values()) else f" (cci output in {where})")
                )
    return [Summary(tool, n, phase, runs_) for (tool, n, phase), runs_ in results.items()]
