"""The real-run blocks of README.md and docs/*.md, made from real runs and checked against them.

A block is marked in the markdown by the name of the run excerpt that makes it:

    <!-- real-run: flow-first-run -->
    ```
    ...what the tool printed...
    ```
    <!-- /real-run -->

This script starts local orgs, runs the real `cci` (and CumulusCI alone in build/cci, for the README's
`sources:` block) against them once, cuts each named excerpt from what they printed, and then either rewrites
every marked block (the default) or, with --check, names each block that no longer matches and exits 1. A
block matches when it equals the excerpt once org and record ids, times, ports and temporary paths are
normalised, and runs of spaces (table alignment) are taken as one gap. tests/e2e/test_real_runs.py makes the
same runs once for `make test`.

    .venv/bin/python scripts/real_runs.py            # regenerate every block
    .venv/bin/python scripts/real_runs.py --check    # exit 1 if a block is stale

Run it from the checkout's root (cci needs the project's git checkout), after `make test` has installed .venv
and build/cci.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: the checkout's packages come first
    sys.path.insert(0, str(REPO))

FLOW = "enable_individual_email_tracking"
# Flow options given wrong, as flow.md shows them: a misspelt option, a misspelt task, a bad value.
OPTION_MISTAKES = [
    ("check_email_privacy_prerequisites__dry_rn", "true"),
    ("check_email_privacy_prerequisite__dry_run", "true"),
    ("add_individual_field_to_layouts__position", "top"),
]
# The folder the runs work in is shown as this one: the paths in the blocks read as a person's own.
SHOWN_WORK = "/tmp"
MARK = re.compile(r"(?P<open><!-- real-run: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(?P<close><!-- /real-run -->)", re.S)

# ---- normalising -------------------------------------------------------------------------------------------

# Salesforce record ids of the kinds the tools print: orgs, users, deploys, retrieves, layouts, pages...
_IDS = re.compile(r"\b(?:00D|005|0Af|09S|00h|0PS|0M0|0Xs|0Ho|0PL|7tf|0Pa)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?\b")
_NORMALISE = [
    (_IDS, "<id>"),
    (re.compile(r"\[\d\d/\d\d/\d\d \d\d:\d\d:\d\d\]"), "<time>"),  # cci's log gutter
    (re.compile(r"\b\d{8}T\d{6}\.\d{6}Z\b"), "<stamp>"),  # a snapshot folder's name
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<time>"),
    (re.compile(r"\b(127\.0\.0\.1|localhost):\d+"), r"\1:<port>"),
    (re.compile(r"(?<![\w.])/tmp(?:/[^\s'\"),;]*)?"), "<tmp>"),
    (re.compile(r"\bin \d+(?:\.\d+)?s\b"), "in <n>s"),
    (re.compile(r"\btest-[0-9a-f]{12}@example\.com\b"), "<scratch user>"),  # sf's scratch-org usernames
    # cci adds the flag only where git knows the user's email (a clone's own config, or HOME's).
    (re.compile(r" --admin-email=\S+"), ""),
]


def normalise(text: str) -> str:
    """The text with what changes from run to run replaced: ids, times, ports, temporary paths; trailing
    spaces, blank lines at either end and the width of runs of spaces (rich's table alignment) do not count."""
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    lines = [re.sub(r"(\S) {2,}", r"\1  ", line.rstrip()) for line in text.strip("\n").splitlines()]
    return "\n".join(lines)


# ---- markdown ----------------------------------------------------------------------------------------------


def doc_files(root: Path = REPO) -> list[Path]:
    """README.md and every docs/*.md: the files whose real-run blocks this script owns."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def blocks(text: str) -> list[tuple[str, str]]:
    """(name, body) of every marked block, in order."""
    return [(m["name"], m["body"]) for m in MARK.finditer(text)]


def fenced(text: str) -> str:
    """A block body: the excerpt in a fenced code block."""
    return f"```\n{text.strip(chr(10))}\n```\n"


def _inner(body: str) -> str:
    """A block body without its fences."""
    inner = body.strip("\n")
    inner = inner[3:] if inner.startswith("```") else inner
    return inner[:-3] if inner.endswith("```") else inner


def rewrite(text: str, rendered: dict[str, str]) -> str:
    """`text` with every marked block whose name `rendered` has replaced by it (fenced), unless the block matches
    it already: ids, times and ports alone never change a doc."""

    def block(m):
        name, body = m["name"], m["body"]
        if name not in rendered or normalise(_inner(body)) == normalise(rendered[name]):
            return m[0]
        return m["open"] + fenced(rendered[name]) + m["close"]

    return MARK.sub(block, text)


def first_difference(doc: str, fresh: str) -> str:
    """Where two normalised texts first part, for the message."""
    a, b = normalise(doc).splitlines(), normalise(fresh).splitlines()
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"line {i + 1}: the doc has {x!r}, the run printed {y!r}"
    return f"the doc has {len(a)} line(s), the run printed {len(b)}"


def stale(files: Iterable[Path], rendered: dict[str, str], root: Path = REPO, skip: Iterable[str] = ()) -> list[str]:
    """One line per marked block that no longer matches its excerpt (or names no excerpt this script makes);
    blocks named in `skip` are not looked at."""
    problems = []
    for path in files:
        for name, body in blocks(path.read_text(encoding="utf-8")):
            if name in skip:
                continue
            where = f"{path.relative_to(root)}: block {name}"
            if name not in rendered:
                problems.append(f"{where}: no run makes a block of that name (known: {', '.join(sorted(rendered))})")
                continue
            inner = _inner(body)
            if normalise(inner) != normalise(rendered[name]):
                problems.append(f"{where} is stale ({first_difference(inner, rendered[name])})")
    return problems


# ---- cutting excerpts from cci's output ------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_GUTTER = re.compile(r"^(?:\[\d\d/\d\d/\d\d \d\d:\d\d:\d\d\](?: |$)| {20})")
# cci's own chatter between our lines: banners, option listings, progress.
_CHATTER = re.compile(
    r"^(?:-{20,}|={20,}|\s*━+.*|Options:|Token refreshed by an earlier task.*|Beginning task: .*|Org info updated.*"
    r"|(?:listMetadata|retrieve|deploy|checkStatus): started|\[Done\]|Ran \S+ in .*|Optional dependencies are missing.*"
    r"|Verifying and refreshing credentials.*|Unable to store an encryption key.*)$"
)


def log_lines(output: str) -> list[str]:
    """cci's output as the lines a person reads: the time gutter cut, trailing spaces and blank lines gone."""
    lines = []
    for raw in output.splitlines():
        raw = _ANSI.sub("", raw)
        line = _GUTTER.sub("", "".join(c for c in raw if c.isprintable()).rstrip())  # cci ends with a bell
        if line.strip():
            lines.append(line)
    return lines


def task_lines(output: str) -> list[str]:
    """From the first `Running task:`, without cci's chatter and the option listings under `Options:`."""
    lines = log_lines(output)
    start = next((i for i, line in enumerate(lines) if line.startswith("Running task: ")), len(lines))
    out, in_options = [], False
    for line in lines[start:]:
        if line == "Options:":
            in_options = True
            continue
        if in_options and line.startswith("  "):
            continue
        in_options = False
        if not _CHATTER.match(line):
            out.append(line)
    return out


def collapse(lines: list[str], matches: Callable[[str], bool], keep: int = 1) -> list[str]:
    """Each run of more than 2 * keep + 1 consecutive lines that `matches`: its first and last `keep` lines with
    `  ...` between."""
    out, run = [], []

    def flush():
        if len(run) > 2 * keep + 1:
            out.extend([*run[:keep], "  ...", *run[-keep:]])
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        if matches(line):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return out


def between(lines: list[str], first: str, last: str) -> list[str]:
    """The lines from the one starting with `first` to the one starting with `last`, both kept."""
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(last))
    return lines[start : end + 1]


def _is_layout_row(line: str) -> bool:
    return bool(re.match(r"^  (Contact|Lead|PersonAccount) +\S.* Layout +(has|lacks) ", line))


def _is_page_row(line: str) -> bool:
    return bool(re.match(r"^  (Account|Contact|Lead|PersonAccount) +\w+_Page ", line))


# ---- the runs ------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One real command: what it was (as shown in the docs) and what it printed."""

    shown: str
    output: str
    returncode: int


@dataclass
class Runs:
    """Every real run the blocks are cut from, made once (collect)."""

    work: Path
    runs: dict[str, Run] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    def show(self, text: str) -> str:
        """Text as the docs show it: the work folder as SHOWN_WORK, this checkout as /path/to/EmailPrivacy."""
        return text.replace(str(self.work), SHOWN_WORK).replace(str(REPO), "/path/to/EmailPrivacy")


def _cci(org, args: list, cwd: Path = REPO, cci: Path | None = None) -> subprocess.CompletedProcess:
    env = {**org.env, "COLUMNS": "400"}
    if cci is not None:  # CumulusCI alone: nothing of this checkout on its path
        env.pop("PYTHONPATH", None)
    exe = cci or Path(sys.executable).parent / "cci"
    return subprocess.run(
        [str(exe), *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def _record(runs: Runs, key: str, result: subprocess.CompletedProcess, shown_args: list) -> None:
    shown = "cci " + " ".join(str(a) if " " not in str(a) else repr(str(a)) for a in shown_args)
    runs.runs[key] = Run(runs.show(shown), runs.show(result.stdout + result.stderr), result.returncode)


def collect(work: Path) -> Runs:
    """Make every real run, in `work`: a local org with person accounts and Dynamic Forms pages (the flow twice,
    then restore refused in another org), a Team Edition org (the flow stopped at step 1), and CumulusCI alone
    with a `path:` source lacking allow_remote_code (the README's error)."""
    from email_privacy.cli.demo import describe_changes, metadata_files
    from localorg.process import LocalOrgProcess

    work = Path(work).resolve()
    runs = Runs(work)
    started = []
    scratch = _start_scratch_demo(work)  # the slowest run, alongside the others
    try:
        org = LocalOrgProcess(work / "serve", state_dir=work / "myorg", person_accounts=True, dynamic_forms=True)
        org.env_file = work / "myorg" / "env.sh"  # where `email-privacy org serve --state DIR` writes it
        started.append(org.start())
        runs.extra["serve"] = runs.show(_ready_line(org))
        flow = f"flow run {FLOW} --org sim -o check_email_privacy_prerequisites__enhanced_email false".split()
        flow += ["-o", "verify_email_privacy__report", work / "verify.json"]
        flow += ["-o", "add_individual_field_to_layouts__snapshot_dir", work / "snapshots"]
        before = metadata_files(org.metadata_dir)
        _record(runs, "flow-first", _cci(org, flow), flow)
        runs.extra["demo"] = describe_changes(before, metadata_files(org.metadata_dir))
        runs.extra["report"] = json.loads((work / "verify.json").read_text(encoding="utf-8"))
        _record(runs, "flow-second", _cci(org, flow), flow)

        for i, option in enumerate(OPTION_MISTAKES):
            args = ["flow", "run", FLOW, "--org", "sim", "-o", *option]
            _record(runs, f"mistake-{i}", _cci(org, args), args)
        team = LocalOrgProcess(work / "team", edition="Team Edition")
        started.append(team.start())
        _record(
            runs, "flow-team", _cci(team, ["flow", "run", FLOW, "--org", "sim"]), ["flow", "run", FLOW, "--org", "sim"]
        )
        [snapshot] = sorted((work / "snapshots").glob("*/*"))
        restore = ["task", "run", "restore_page_changes", "--org", "sim", "-o", "snapshot", snapshot]
        _record(runs, "restore-other-org", _cci(team, restore), restore)

        standalone = REPO / "build" / "cci" / "bin" / "cci"
        if standalone.is_file():
            from tests.e2e.test_sources import consumer_project

            project = consumer_project(work / "Consumer", allow_remote_code=False)
            args = ["flow", "run", f"email_privacy:{FLOW}", "--org", "sim"]
            _record(runs, "no-remote-code", _cci(org, args, cwd=project, cci=standalone), args)
    finally:
        for org in started:
            org.stop()
        if scratch is not None:
            try:
                scratch.wait(timeout=600)
            except subprocess.TimeoutExpired:
                scratch.kill()
                scratch.wait()
            output = (work / "scratch-demo.txt").read_text(encoding="utf-8", errors="replace")
            runs.runs["scratch-demo"] = Run("make scratch-demo", runs.show(output), scratch.returncode)
    return runs


def _ready_line(org, timeout: float = 30) -> str:
    """The line the server prints once ready (it may reach its log a moment after the env file)."""
    deadline = time.monotonic() + timeout
    while not (lines := org.output().strip().splitlines()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return lines[0] if lines else "(the server printed nothing)"


SF = REPO / "build" / "sf" / "node_modules" / ".bin" / "sf"


def _start_scratch_demo(work: Path) -> subprocess.Popen | None:
    """`make scratch-demo` with CumulusCI's dev_org too (scripts/scratch-orgs-offline.sh, the real sf and cci
    against a local Dev Hub), started in the background; None where build/sf is not installed."""
    if not SF.is_file():
        return None
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", "DEV_ORG": "1", "TMPDIR": str(work)}
    with open(work / "scratch-demo.txt", "wb") as out:
        return subprocess.Popen(
            [str(REPO / "scripts" / "scratch-orgs-offline.sh")],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


# ---- the excerpts ----------------------------------------------------------------------------------------------


def _flow_first(runs: Runs) -> str:
    run = runs.runs["flow-first"]
    lines = task_lines(run.output)
    lines = collapse(lines, lambda line: line.startswith("  will add the field: "))
    lines = collapse(lines, _is_layout_row)
    lines = collapse(lines, lambda line: line.startswith("  Lightning page "), keep=1)
    return "\n".join([f"$ {run.shown}", *lines])


def _flow_second(runs: Runs) -> str:
    lines = task_lines(runs.runs["flow-second"].output)
    wanted = ("The org is already configured", "Every target layout", "Email privacy verification")
    return "\n".join(line for line in lines if line.startswith(wanted) or line.startswith("Running task: "))


def _option_mistakes(runs: Runs) -> str:
    parts = []
    for i in range(len(OPTION_MISTAKES)):
        run = runs.runs[f"mistake-{i}"]
        kept = [line for line in task_lines(run.output) if line.startswith(("Running task: ", "Error: "))]
        parts.append("\n".join([f"$ {run.shown}", *kept]))
    return "\n\n".join(parts)


def _error_lines(run: Run) -> str:
    """From cci's `Error:` line to the end of what it printed about it."""
    lines = log_lines(run.output)
    start = next(i for i, line in enumerate(lines) if line.startswith("Error: "))
    return "\n".join(lines[start:])


def _pages_prerequisites(runs: Runs) -> str:
    lines = between(task_lines(runs.runs["flow-first"].output), "Running task: check_email_privacy", "The org can")
    return "\n".join(line.strip() for line in lines if line.startswith("  Lightning page "))


def _pages_layouts(runs: Runs) -> str:
    lines = between(
        task_lines(runs.runs["flow-first"].output), "Running task: add_individual_field_to_layouts", "To put them back"
    )
    kept = [
        line
        for line in lines[1:]
        if line.startswith(("  Lightning page ", "Deployed in one deploy", "To put them back"))
    ]
    return "\n".join(kept)


def _pages_verify(runs: Runs) -> str:
    lines = between(task_lines(runs.runs["flow-first"].output), "Running task: verify_email_privacy", "The org honours")
    return "\n".join([line for line in lines if _is_page_row(line)] + [lines[-1]])


def _report(runs: Runs) -> str:
    """The verify report with each list cut to its first entry."""
    report = {k: (v[:1] if isinstance(v, list) else v) for k, v in runs.extra["report"].items()}
    return runs.show(json.dumps(report, indent=2, ensure_ascii=False))


def _pages_report(runs: Runs) -> str:
    return "\n".join(json.dumps(p, ensure_ascii=False) for p in runs.extra["report"]["pages"][:2])


def _sections(output: str) -> list[tuple[str, list[str]]]:
    """A shell transcript cut at its `$ command` lines: (command line, the lines it printed)."""
    sections: list[tuple[str, list[str]]] = []
    for line in log_lines(output):
        if line.startswith("$ "):
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line)
    return sections


ORG_INFO_KEYS = ("config_file", "config_name", "is_sandbox", "org_type", "scratch")


def _scratch_demo(runs: Runs) -> str:
    out = []
    for command, lines in _sections(runs.runs["scratch-demo"].output):
        if "dev_org" in command:
            continue
        out.append(command)
        if command.startswith(("$ sf org login", "$ cci org scratch ")):
            out += lines
        elif command.startswith("$ cci org info"):
            out += [line for line in lines if line.startswith(("Creating scratch org", "Created: OrgId", "  Org: "))]
            out += [line for line in lines if line.split()[:1] and line.split()[0] in ORG_INFO_KEYS]
        elif command.startswith("$ cci flow run"):
            kept = [
                line
                for line in lines
                if line.endswith("): already on")
                or line.startswith(("Deployed in one deploy", "The org honours", "Ran "))
                or _is_layout_row(line)
            ]
            out += collapse(kept, _is_layout_row)
        elif command.startswith("$ cci org scratch_delete"):
            out += [line for line in lines if line.startswith(("Deleting scratch org", "scratch orgs left"))]
    return "\n".join(out)


def _scratch_dev_org(runs: Runs) -> str:
    [(command, lines)] = [s for s in _sections(runs.runs["scratch-demo"].output) if "dev_org" in s[0]]
    start = next(i for i, line in enumerate(lines) if line.startswith("Running task: unschedule_apex"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Error: "))
    kept = [lines[start]] + [line for line in lines[start:end] if line.startswith(("Executing", "Exception in"))]
    return "\n".join([command, *kept, lines[end]])


EXCERPTS: dict[str, Callable[[Runs], str]] = {
    "scratch-demo": _scratch_demo,
    "scratch-dev-org": _scratch_dev_org,
    "flow-option-mistakes": _option_mistakes,
    "flow-first-run": _flow_first,
    "flow-second-run": _flow_second,
    "flow-stopped": lambda runs: _error_lines(runs.runs["flow-team"]),
    "flow-report": _report,
    "pages-prerequisites": _pages_prerequisites,
    "pages-layouts": _pages_layouts,
    "pages-verify": _pages_verify,
    "pages-report": _pages_report,
    "restore-other-org": lambda runs: (
        f"$ {runs.runs['restore-other-org'].shown}\n" + _error_lines(runs.runs["restore-other-org"])
    ),
    "demo": lambda runs: (
        "What changed in the org:\n"
        + "\n".join(collapse([f"  {line}" for line in runs.extra["demo"]], lambda line: line.startswith("  layout ")))
    ),
    "local-org-serve": lambda runs: runs.extra["serve"],
    "no-remote-code": lambda runs: _error_lines(runs.runs["no-remote-code"]),
}


def render(runs: Runs) -> dict[str, str]:
    """Every excerpt the runs allow, by block name (the README's needs build/cci)."""
    out = {}
    for name, excerpt in EXCERPTS.items():
        try:
            out[name] = excerpt(runs)
        except (KeyError, StopIteration) as e:
            out[name] = f"(no excerpt: the run it needs did not print what it cuts: {e!r})"
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 naming each stale block")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="real-runs-"))
    try:
        rendered = render(collect(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.check:
        problems = stale(doc_files(), rendered)
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    for path in doc_files():
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, rendered)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    os.chdir(REPO)
    sys.exit(main())
