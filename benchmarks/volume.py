"""Volume runs of set_individual_privacy with the real cci against the local org, each a PASS or FAIL line.

    .venv/bin/python benchmarks/volume.py             # 20,000 contacts by REST then Bulk; 100,000 in split jobs
    .venv/bin/python benchmarks/volume.py --quick     # both at 5,000 contacts

1. REST then Bulk: 10 records (contacts, leads, a person account) through REST, then 2,000 and every contact
   through Bulk API 2.0; the number of calls does not grow with the records; every contact's Individual right.
2. Streamed in split jobs: Don't Track on half the contacts, then every contact (each tenth named twice) with
   Don't Track off and Don't Process on under a 1.5 MB upload limit (15 bytes a contact), so update, insert and
   link each split into jobs of at most 1 MB of CSV; every Individual right, one per contact; a third run changes
   nothing.

`make test` proves the same at 1,500 contacts (tests/e2e/test_individuals.py); these show it holds at volume.
Exit status: 0 when the runs ran (a FAIL line is a result), 1 when one broke (the org did not start, cci failed).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from localorg import process  # noqa: E402
from tests.harness import (  # noqa: E402
    LocalOrgProcess,
    flat_calls,
    records_db,
    run_cci,
    set_individual_privacy,
    write_emails,
)

process.START_TIMEOUT = 900  # seeding 100,000 contacts outlasts the default wait


class Checks:
    def __init__(self, scenario: str):
        self.scenario, self.lines = scenario, []

    def check(self, what: str, ok: bool, detail: object = "") -> None:
        line = f"{'PASS' if ok else 'FAIL'} {self.scenario}: {what}" + (
            "" if ok or detail == "" else f" (got {detail})"
        )
        self.lines.append(line)
        print("  " + line, flush=True)


def deploy_settings(org) -> None:
    done = run_cci(org, "task", "run", "deploy_email_privacy_settings", "--org", "sim")
    if done.returncode:
        raise RuntimeError(f"settings deploy failed: {(done.stdout + done.stderr)[-1000:]}")


def rest_then_bulk(workdir: Path, contacts: int, c: Checks) -> None:
    with LocalOrgProcess(workdir, person_accounts=True, contacts=contacts, leads=20, person_accounts_count=10) as org:
        deploy_settings(org)
        con = records_db(org)
        contact_emails = [r["Email"] for r in con.execute("SELECT Email FROM Contact ORDER BY rowid")]
        lead_emails = [r["Email"] for r in con.execute("SELECT Email FROM Lead ORDER BY rowid LIMIT 2")]
        pa_email = con.execute("SELECT PersonEmail FROM Account WHERE IsPersonAccount = 1 LIMIT 1").fetchone()[0]
        opt_out_before = con.execute("SELECT SUM(HasOptedOutOfEmail) FROM Contact").fetchone()[0]
        small = write_emails(workdir / "small.csv", contact_emails[:7] + lead_emails + [pa_email])
        first, calls, _ = set_individual_privacy(org, workdir, "rest", "csv", small, "dont_track", "true")
        c.check("10 records created and linked", (first["created"], first["linked"]) == (10, 10), first)
        c.check("10 records go through REST, no Bulk job", not [x for x in calls if "/jobs/" in x["path"]])

        mid, mid_calls, _ = set_individual_privacy(
            org, workdir, "mid", "csv", write_emails(workdir / "mid.csv", contact_emails[7:2007]), "dont_track", "true"
        )
        c.check("2,000 contacts created", (mid["matched"], mid["created"], mid["failed"]) == (2000, 2000, []), mid)
        big, big_calls, _ = set_individual_privacy(
            org, workdir, "big", "csv", write_emails(workdir / "big.csv", contact_emails), "dont_track", "true"
        )
        created = (big["matched"], big["created"], big["already_set"], big["updated"], big["failed"])
        c.check(f"{contacts:,} contacts matched, the rest created", created == (contacts, contacts - 2007, 2007, 0, []))
        c.check(
            "Bulk API 2.0 used, no sObject Collections",
            not [x for x in big_calls if "/composite/sobjects" in x["path"]],
        )
        c.check(
            f"calls flat (status polls and consent checks aside): {len(flat_calls(big_calls))} for {contacts:,} "
            f"vs {len(flat_calls(mid_calls))} for 2,000",
            len(flat_calls(big_calls)) <= len(flat_calls(mid_calls)) + 2,
            (len(flat_calls(mid_calls)), len(flat_calls(big_calls))),
        )
        wrong = con.execute("""SELECT COUNT(*) FROM Contact c LEFT JOIN Individual i ON i.Id = c.IndividualId
                               WHERE i.Id IS NULL OR i.HasOptedOutTracking != 1 OR i.LastName != c.LastName""")
        c.check("every contact linked to its own Individual with Don't Track on", wrong.fetchone()[0] == 0)
        after = con.execute("SELECT SUM(HasOptedOutOfEmail) FROM Contact").fetchone()[0]
        c.check("Email Opt Out left as it was", after == opt_out_before, (opt_out_before, after))
        con.close()


def split_jobs(workdir: Path, count: int, c: Checks) -> None:
    with LocalOrgProcess(workdir, contacts=count) as org:
        deploy_settings(org)
        con = records_db(org)
        emails = [r[0] for r in con.execute("SELECT Email FROM Contact ORDER BY rowid")]
        opt_out_before = con.execute("SELECT SUM(HasOptedOutOfEmail) FROM Contact").fetchone()[0]
        half, _, _ = set_individual_privacy(
            org, workdir, "half", "csv", write_emails(workdir / "half.csv", emails[: count // 2]), "dont_track", "true"
        )
        c.check("half created", (half["created"], half["failed_count"]) == (count // 2, 0), half)

        every = write_emails(workdir / "all.csv", emails + [e.upper() for e in emails[::10]])
        limit = 15 * count  # 1.5 MB at 100,000 contacts: each write splits into jobs of at most 1 MB of CSV
        options = ("csv", every, "dont_track", "false", "dont_process", "true", "upload_limit", str(limit))
        full, calls, _ = set_individual_privacy(org, workdir, "all", *options)
        counts = (full["matched"], full["updated"], full["created"], full["linked"], full["failed_count"])
        c.check("all matched, half updated, half created and linked", counts == (count, *[count // 2] * 3, 0), counts)
        jobs = [x for x in calls if x["method"] == "POST" and x["path"].endswith("/jobs/ingest")]
        uploads = [x for x in calls if x["method"] == "PUT" and x["path"].endswith("/batches")]
        c.check(f"writes split into {len(jobs)} jobs, one upload each", len(jobs) == len(uploads) >= 6)
        c.check(f"every upload at most {10 * count:,} bytes", all(int(x["bytes_in"]) <= 10 * count for x in uploads))
        rows = con.execute("""SELECT COUNT(*), SUM(i.HasOptedOutTracking), SUM(i.HasOptedOutProcessing),
                              SUM(i.LastName = c.LastName AND i.FirstName = c.FirstName)
                              FROM Contact c JOIN Individual i ON i.Id = c.IndividualId""").fetchone()
        c.check("every Individual right", tuple(rows) == (count, 0, count, count), tuple(rows))
        individuals = con.execute("SELECT COUNT(*) FROM Individual").fetchone()[0]
        c.check("one Individual each, no orphans", individuals == count, individuals)
        after = con.execute("SELECT SUM(HasOptedOutOfEmail) FROM Contact").fetchone()[0]
        c.check("Email Opt Out left as it was", after == opt_out_before, (opt_out_before, after))
        again, again_calls, _ = set_individual_privacy(org, workdir, "again", *options)
        c.check(
            "a third run changes nothing", (again["already_set"], again["created"], again["updated"]) == (count, 0, 0)
        )
        c.check("a third run starts no job", not [x for x in again_calls if "/jobs/ingest" in x["path"]])
        con.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 contacts each instead of 20,000 and 100,000")
    args = parser.parse_args(argv)
    sizes = (5_000, 5_000) if args.quick else (20_000, 100_000)
    checks = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-volume-") as tmp:
            for (name, scenario), size in zip(
                (("REST then Bulk", rest_then_bulk), ("split jobs", split_jobs)), sizes, strict=True
            ):
                started = time.monotonic()
                print(f"{name}, {size:,} contacts:", flush=True)
                c = Checks(f"{name} at {size:,}")
                scenario(Path(tmp) / name.replace(" ", "-"), size, c)
                print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
                checks += c.lines
    except RuntimeError as e:
        print(f"volume run stopped: {str(e).splitlines()[0]}", file=sys.stderr)
        return 1
    failed = [line for line in checks if line.startswith("FAIL")]
    print(f"{len(checks) - len(failed)} of {len(checks)} checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
