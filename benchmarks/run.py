"""`make bench`: this project's flow against CumulusCI's built-in tasks on the local org,
then the individuals benchmark (benchmarks/individuals.py) where it offers a quick mode and the volume runs
(benchmarks/volume.py).

    .venv/bin/python benchmarks/run.py                      # 3 and 1000 layouts/object, 3 runs each
    .venv/bin/python benchmarks/run.py --quick              # 1 run at 3 layouts/object: a smoke test
    .venv/bin/python benchmarks/run.py --sizes 300 --runs 5 --markdown results.md

Run from anywhere; cci runs in the project root. Exit status: 0 when the benchmarks ran (acceptance
FAIL lines are printed results), 1 when a benchmark itself broke, 2 on bad arguments.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `email_privacy` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.flow import run_benchmark  # noqa: E402
from benchmarks.report import acceptance, machine_info, ordered, render_markdown, render_text  # noqa: E402

INDIVIDUALS = ROOT / "benchmarks" / "individuals.py"
VOLUME = ROOT / "benchmarks" / "volume.py"


def sizes_arg(text: str) -> list[int]:
    """`3,300` -> [3, 300]; each a whole number from 0 to 5000 (what `org serve --layouts-per-object` takes)."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected whole numbers separated by commas, e.g. 3,300") from None
    if not sizes or any(not 0 <= n <= 5000 for n in sizes):
        raise argparse.ArgumentTypeError(f"{text!r}: each size must be from 0 to 5000, e.g. 3,300")
    return sorted(set(sizes))


def runs_arg(text: str) -> int:
    """A run count from 1 to 50."""
    if not text.isdigit() or not 1 <= int(text) <= 50:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number from 1 to 50")
    return int(text)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=[3, 1000],
        help="layouts per object (extra seeded layouts), comma-separated (default: 3,1000)",
    )
    parser.add_argument(
        "--runs", type=runs_arg, default=3, help="runs per tool and size, each on a fresh org (default: 3)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 run at 3 layouts/object, no partial phase (a fast smoke test)"
    )
    parser.add_argument(
        "--no-partial",
        dest="partial",
        action="store_false",
        help="skip the third phase: an org where one layout per object already has the field",
    )
    parser.add_argument("--markdown", type=Path, help="also write the machine, table and checks as Markdown here")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the orgs, request logs and cci output here (default: a temporary folder, removed at the end)",
    )
    parser.add_argument(
        "--skip-individuals", action="store_true", help="do not run benchmarks/individuals.py nor benchmarks/volume.py"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.partial = [3], 1, False
    if args.workdir and args.workdir.exists() and any(args.workdir.iterdir()):
        parser.error(f"--workdir {args.workdir}: must be empty or not exist yet")
    return args


def individuals_command(quick: bool) -> list[str] | None:
    """The individuals benchmark's command, or None where it is absent or has no quick mode to offer."""
    if not INDIVIDUALS.is_file():
        return None
    helped = subprocess.run(
        [sys.executable, str(INDIVIDUALS), "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    if helped.returncode != 0 or "--quick" not in helped.stdout:
        return None
    return [sys.executable, str(INDIVIDUALS), *(["--quick"] if quick else [])]


def volume_command(quick: bool) -> list[str]:
    """The volume runs (benchmarks/volume.py): set_individual_privacy at 20,000 and 100,000 contacts, checked."""
    return [sys.executable, str(VOLUME), *(["--quick"] if quick else [])]


def markdown(info: dict, summaries, checks) -> str:
    """The machine, the results table and the checks, ready for benchmarks/README.md."""
    machine = ", ".join(f"{k} {v}" for k, v in info.items() if k != "date")
    return "\n".join(
        [
            f"Run on {info['date']}: {machine}.",
            "",
            render_markdown(summaries),
            "",
            *(f"- {c.line()}" for c in checks),
            "",
        ]
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    info = machine_info()
    print("Machine: " + ", ".join(f"{k}: {v}" for k, v in info.items()), flush=True)
    print(
        f"Sizes {args.sizes} layouts/object, {args.runs} run(s) each, person accounts on, fresh org per run.",
        flush=True,
    )

    def progress(line):
        print(line, flush=True)

    try:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            summaries = run_benchmark(args.sizes, args.runs, args.workdir, progress, args.partial)
        else:
            with tempfile.TemporaryDirectory(prefix="email-privacy-bench-") as tmp:
                summaries = run_benchmark(args.sizes, args.runs, Path(tmp), progress, args.partial)
    except RuntimeError as e:  # the local org did not start, or preparing the partial phase failed
        print(f"benchmark stopped: {str(e).splitlines()[0] if str(e) else e!r}", file=sys.stderr)
        return 1
    summaries = ordered(summaries)
    checks = acceptance(summaries)
    print()
    print(render_text(summaries))
    print("\nAcceptance:")
    for check in checks:
        print("  " + check.line())
    if args.markdown:
        args.markdown.write_text(markdown(info, summaries, checks), encoding="utf-8")
        print(f"\nMarkdown written to {args.markdown}")
    # A FAIL line is a result, printed above; the exit status says only whether a benchmark broke.
    status = 0

    command = None if args.skip_individuals else individuals_command(args.quick)
    if command:
        # Then the backfill (create_missing_individuals) at 10,000 and 1,000,000 contacts (--quick: 1,000).
        backfill = [*command, "--task", "create_missing_individuals"]
        if not args.quick:
            backfill += ["--sizes", "10000,1000000"]
        for each in (command, backfill):
            print(f"\n$ {' '.join(each[1:])}", flush=True)
            if subprocess.run(each, cwd=ROOT).returncode:
                print("benchmarks/individuals.py failed (its output is above)", file=sys.stderr)
                status = 1
    elif not args.skip_individuals:
        print("\n(benchmarks/individuals.py not run: absent, or it has no --quick option yet)")
    if not args.skip_individuals:
        command = volume_command(args.quick)
        print(f"\n$ {' '.join(command[1:])}", flush=True)
        if subprocess.run(command, cwd=ROOT).returncode:
            print("benchmarks/volume.py failed (its output is above)", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
