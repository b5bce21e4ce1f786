"""The benchmark's table, the machine it ran on, and the flow benchmark's acceptance checks, from run summaries."""

import datetime
import os
import platform
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.metrics import POLLS, Summary
from email_privacy.reports.tables import render_table

OURS = "project flow"
BUILTIN = "built-in"
FIRST, SECOND, PARTIAL = "first", "second", "partial"
PHASES = (FIRST, SECOND, PARTIAL)
MAIN_KINDS = ("listMetadata", "retrieve", "deploy")
# The client's CPU may grow by at most this much per target layout beyond its fixed start-up.
CPU_MS_PER_LAYOUT_MAX = 1.0

COLUMNS = [
    ("tool", "flow"),
    ("n", "layouts/obj"),
    ("phase", "run"),
    ("runs", "runs (ok)"),
    ("wall", "wall s"),
    ("range", "min-max s"),
    ("cpu", "cpu s"),
    ("peak", "peak MB"),
    ("md_ops", "MD ops"),
    ("listMetadata", "list"),
    ("retrieve", "retrieve"),
    ("deploy", "deploy"),
    ("other", "other MD"),
    ("polls", "polls"),
    ("rest", "REST"),
    ("tokens", "tokens"),
    ("kb_sent", "KB sent"),
    ("correct", "with field"),
]


def machine_info() -> dict[str, str]:
    """CPU model, cores, OS, Python and CumulusCI versions, and the date (UTC)."""
    import cumulusci

    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")  # Linux only; elsewhere platform's answer stands
    if cpuinfo.is_file():
        lines = cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines()
        model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), model)
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": model,
        "cores": str(os.cpu_count()),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "cumulusci": cumulusci.__version__,
    }


def _fmt(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def summary_row(s: Summary) -> dict:
    """One table row: medians over the runs, except correctness, which shows the worst run."""
    walls = [r.wall_s for r in s.runs]
    other = {}
    for r in s.runs:
        for kind in r.metadata_ops:
            if kind not in POLLS and kind not in MAIN_KINDS:
                other[kind] = s.median_ops(kind)
    worst = min(s.runs, key=lambda r: r.with_field - r.target_layouts)
    return {
        "tool": s.tool,
        "n": s.layouts_per_object,
        "phase": s.phase,
        "runs": f"{len(s.runs)} ({sum(r.exit_code == 0 for r in s.runs)})",
        "wall": f"{s.median('wall_s'):.1f}",
        "range": f"{min(walls):.1f}-{max(walls):.1f}",
        "cpu": f"{s.median('cpu_s'):.2f}",
        "peak": f"{max(r.peak_mb for r in s.runs):.0f}",
        "md_ops": _fmt(s.median("non_poll_ops")),
        **{kind: _fmt(s.median_ops(kind)) for kind in MAIN_KINDS},
        "other": ", ".join(f"{k} {_fmt(v)}" for k, v in sorted(other.items())) or "-",
        "polls": _fmt(s.median("polls")),
        "rest": _fmt(s.median("rest_calls")),
        "tokens": _fmt(s.median("token_refreshes")),
        "kb_sent": f"{s.median('bytes_sent') / 1024:.0f}",
        "correct": f"{worst.with_field}/{worst.target_layouts}",
    }


def ordered(summaries: Iterable[Summary]) -> list[Summary]:
    """Table order: by size, then phase (first, second, partial), this project's flow before the built-in."""
    return sorted(summaries, key=lambda s: (s.layouts_per_object, PHASES.index(s.phase), s.tool != OURS))


def render_text(summaries: Iterable[Summary], width: int = 200) -> str:
    """The results as a plain-text table for the terminal."""
    return render_table(
        "Benchmark: enable_individual_email_tracking vs the built-in tasks",
        COLUMNS,
        [summary_row(s) for s in summaries],
        width,
    )


def render_markdown(summaries: Iterable[Summary]) -> str:
    """The results as a Markdown table (for benchmarks/README.md)."""
    lines = ["| " + " | ".join(h for _, h in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for s in summaries:
        row = summary_row(s)
        lines.append("| " + " | ".join(str(row[k]) for k, _ in COLUMNS) + " |")
    return "\n".join(lines)


@dataclass
class Check:
    """One acceptance point of the flow benchmark: what was required, whether it held, and the numbers."""

    name: str
    passed: bool | None  # None: not measured in this run (e.g. --quick has one size only)
    detail: str

    def line(self) -> str:
        verdict = {True: "PASS", False: "FAIL", None: "n/a "}[self.passed]
        return f"{verdict}  {self.name}: {self.detail}"


def _worst(s: Summary, kind: str) -> int:
    return max(r.ops(kind) for r in s.runs)


def cpu_checks(by: dict, small: int, large: int) -> list[Check]:
    """The cci process's CPU per target layout between the smallest and the largest size, first and second run:
    the slope must stay under CPU_MS_PER_LAYOUT_MAX; the start-up is the line's value at no layout."""
    checks = []
    for phase in (FIRST, SECOND):
        a, b = by.get((OURS, small, phase)), by.get((OURS, large, phase))
        name = f"{phase} run: cci CPU per target layout, {small} to {large} layouts/object"
        name += f", <= {CPU_MS_PER_LAYOUT_MAX:g} ms"
        if not (a and b) or small == large or a.median("target_layouts") == b.median("target_layouts"):
            checks.append(Check(name, None, "needs two sizes"))
            continue
        (cpu_a, cpu_b), (n_a, n_b) = ([s.median(k) for s in (a, b)] for k in ("cpu_s", "target_layouts"))
        per_ms = (cpu_b - cpu_a) / (n_b - n_a) * 1000
        detail = (
            f"{per_ms:.2f} ms per layout ({cpu_a:.2f} s at {n_a:g} target layouts, {cpu_b:.2f} s at {n_b:g}; "
            f"start-up {cpu_a - n_a * per_ms / 1000:.2f} s)"
        )
        checks.append(Check(name, per_ms <= CPU_MS_PER_LAYOUT_MAX, detail))
    return checks


def acceptance(summaries: Iterable[Summary], small: int | None = None, large: int | None = None) -> list[Check]:
    """The flow benchmark's acceptance points, checked against what was measured, and the correctness of every
    project-flow run (partly configured org included). Sizes compared: the smallest and largest measured."""
    summaries = ordered(summaries)
    by = {(s.tool, s.layouts_per_object, s.phase): s for s in summaries}
    sizes = [s.layouts_per_object for s in summaries if s.tool == OURS] or [0]
    small, large = small if small is not None else min(sizes), large if large is not None else max(sizes)
    checks = []
    for phase in (FIRST, SECOND):
        a, b = by.get((OURS, small, phase)), by.get((OURS, large, phase))
        name = f"{phase} run: MD operations (no polls) at {large} layouts/object <= at {small}"
        if a and b and small != large:
            x, y = max(r.non_poll_ops for r in b.runs), min(r.non_poll_ops for r in a.runs)
            checks.append(Check(name, x <= y, f"{x} at {large} (most of any run), {y} at {small} (fewest)"))
        else:
            checks.append(Check(name, None, "needs both sizes"))
    checks += cpu_checks(by, small, large)
    for (tool, n, phase), s in by.items():
        if tool != OURS:
            continue
        counts = {k: _worst(s, k) for k in MAIN_KINDS}
        detail = ", ".join(f"{k} {v}" for k, v in counts.items()) + " (most of any run)"
        if phase == PARTIAL:
            pass  # not an acceptance point: only the correctness below matters there
        elif phase == FIRST:
            ok = counts["listMetadata"] <= 1 and counts["retrieve"] <= 2 and counts["deploy"] <= 2
            checks.append(Check(f"first run at {n}: at most 1 listMetadata, 2 retrieves, 2 deploys", ok, detail))
        else:  # SECOND
            # "None at all apart from the verification": the verification is one read of the org
            # (at most one listMetadata and one retrieve); anything more, and any deploy, fails.
            ok = counts["deploy"] == 0 and counts["retrieve"] <= 1 and counts["listMetadata"] <= 1
            checks.append(
                Check(
                    f"second run at {n}: no deploy, only the verification read (<= 1 listMetadata, <= 1 retrieve)",
                    ok,
                    detail,
                )
            )
        ok = s.all_ok and s.all_correct
        checks.append(
            Check(
                f"{phase} run at {n}: every run exits 0 and every target layout has the field",
                ok,
                f"exit codes {[r.exit_code for r in s.runs]}, "
                f"with field {[f'{r.with_field}/{r.target_layouts}' for r in s.runs]}",
            )
        )
    for (tool, n, phase), s in by.items():
        other = by.get((BUILTIN, n, phase))
        if tool != OURS or not other or phase == PARTIAL:
            continue
        ours, theirs = s.median("wall_s"), other.median("wall_s")
        checks.append(
            Check(
                f"{phase} run at {n}: median wall time <= half the built-in's",
                ours <= theirs / 2,
                f"{ours:.1f} s vs {theirs:.1f} s (ratio {ours / theirs:.2f})",
            )
        )
    return checks
