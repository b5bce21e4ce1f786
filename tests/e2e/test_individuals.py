"""set_individual_privacy with the real cci against the local org over HTTPS: the REST path for a few records,
Bulk API 2.0 for many with a flat number of calls, and writes split into jobs under an upload limit.

The same scenarios at 20,000 and 100,000 contacts are volume runs: `make bench` (benchmarks/volume.py)."""

from tests.harness import flat_calls, records_db, run_cci, set_individual_privacy, write_emails

CONTACTS = 1500
BULK = ("bulk_threshold", "50")  # Bulk API from 50 records, so a few hundred show the Bulk path


def test_rest_for_a_few_then_bulk_with_flat_calls_then_writes_split_into_jobs(local_org, tmp_path):
    org = local_org(person_accounts=True, contacts=CONTACTS, leads=20, person_accounts_count=10)
    settings = run_cci(org, "task", "run", "deploy_email_privacy_settings", "--org", "sim")
    assert settings.returncode == 0, settings.stdout[-2000:] + settings.stderr[-2000:]
    con = records_db(org)
    contact_emails = [r["Email"] for r in con.execute("SELECT Email FROM Contact ORDER BY rowid")]
    lead_emails = [r["Email"] for r in con.execute("SELECT Email FROM Lead ORDER BY rowid LIMIT 2")]
    pa_email = con.execute("SELECT PersonEmail FROM Account WHERE IsPersonAccount = 1 LIMIT 1").fetchone()[0]
    opt_out_before = con.execute("SELECT SUM(HasOptedOutOfEmail) FROM Contact").fetchone()[0]

    # 10 records through REST, plus two unknown emails; first as a dry run.
    small = write_emails(
        tmp_path / "small.csv",
        contact_emails[:7] + lead_emails + [pa_email] + ["nobody@nowhere.example", "ghost@nowhere.example"],
    )
    dry, _, _ = set_individual_privacy(org, tmp_path, "dry", "csv", small, "dont_track", "true", "dry_run", "true")
    assert (dry["matched"], dry["created"], dry["linked"]) == (10, 10, 10)
    assert con.execute("SELECT COUNT(*) FROM Individual").fetchone()[0] == 0

    first, calls, stdout = set_individual_privacy(
        org, tmp_path, "rest", "csv", small, "dont_track", "true", "dont_process", "true"
    )
    assert (first["matched"], first["created"], first["linked"], first["failed"]) == (10, 10, 10, [])
    assert first["not_found"] == ["nobody@nowhere.example", "ghost@nowhere.example"]
    assert not [c for c in calls if "/jobs/" in c["path"]] and "already_set" in stdout
    rows = con.execute("""SELECT c.Email, i.FirstName, c.FirstName AS cf, i.HasOptedOutTracking t,
                          i.HasOptedOutProcessing p FROM Contact c
                          JOIN Individual i ON i.Id = c.IndividualId""").fetchall()
    assert sorted(r["Email"] for r in rows) == sorted(contact_emails[:7])
    assert all(r["t"] == 1 and r["p"] == 1 and r["FirstName"] == r["cf"] for r in rows)
    pa = con.execute(
        """SELECT i.HasOptedOutTracking FROM Account a JOIN Individual i ON i.Id = a.PersonIndividualId
                        WHERE a.PersonEmail = ?""",
        (pa_email,),
    ).fetchone()
    assert pa[0] == 1

    again, _, _ = set_individual_privacy(
        org, tmp_path, "again", "csv", small, "dont_track", "true", "dont_process", "true"
    )
    assert (again["already_set"], again["created"], again["updated"], again["linked"]) == (10, 0, 0, 0)

    # 100 then 1,000 contacts through Bulk API 2.0: the number of calls does not grow.
    mid, mid_calls, _ = set_individual_privacy(
        org,
        tmp_path,
        "mid",
        "csv",
        write_emails(tmp_path / "mid.csv", contact_emails[7:107]),
        "dont_track",
        "true",
        *BULK,
    )
    assert (mid["matched"], mid["created"], mid["failed"]) == (100, 100, [])
    big, big_calls, _ = set_individual_privacy(
        org,
        tmp_path,
        "big",
        "csv",
        write_emails(tmp_path / "big.csv", contact_emails[:1000]),
        "dont_track",
        "true",
        *BULK,
    )
    assert big["matched"] == 1000 and big["created"] == 1000 - 107 and big["failed"] == []
    assert big["already_set"] == 107 and big["updated"] == 0  # only Don't Track asked: the first 7 are set too
    assert any("/jobs/ingest" in c["path"] for c in big_calls)
    assert not [c for c in big_calls if "/composite/sobjects" in c["path"]]
    assert len(flat_calls(big_calls)) <= len(flat_calls(mid_calls)) + 2, (len(mid_calls), len(big_calls))

    # Every contact (each tenth named twice): Don't Track off and Don't Process on for the 1,000 with an
    # Individual, an Individual created and linked for the other 500; a 10,000-byte upload limit splits each
    # write (update, insert, link) into several jobs. A second run changes nothing.
    every = write_emails(tmp_path / "all.csv", contact_emails + [e.upper() for e in contact_emails[::10]])
    options = ("csv", every, "dont_track", "false", "dont_process", "true", "upload_limit", "10000", *BULK)
    full, calls, stdout = set_individual_privacy(org, tmp_path, "all", *options)
    rest = CONTACTS - 1000
    assert (full["matched"], full["updated"], full["created"], full["linked"]) == (CONTACTS, 1000, rest, rest)
    assert (full["failed_count"], full["not_found_count"], full["not_found"]) == (0, 0, [])
    jobs = [c for c in calls if c["method"] == "POST" and c["path"].endswith("/jobs/ingest")]
    uploads = [c for c in calls if c["method"] == "PUT" and c["path"].endswith("/batches")]
    assert len(jobs) == len(uploads) >= 6  # update, insert and link each split under the limit
    assert all(int(c["bytes_in"]) <= 10000 for c in uploads)
    assert "records read" in stdout and "JobComplete" in stdout

    rows = con.execute("""SELECT COUNT(*), SUM(i.HasOptedOutTracking), SUM(i.HasOptedOutProcessing),
                          SUM(i.LastName = c.LastName AND i.FirstName = c.FirstName)
                          FROM Contact c JOIN Individual i ON i.Id = c.IndividualId""").fetchone()
    assert tuple(rows) == (CONTACTS, 0, CONTACTS, CONTACTS)
    assert con.execute("SELECT COUNT(*) FROM Contact WHERE IndividualId IS NULL").fetchone()[0] == 0
    # One Individual each (the contacts, two leads, one person account): no orphans.
    assert con.execute("SELECT COUNT(*) FROM Individual").fetchone()[0] == CONTACTS + 3
    assert con.execute("SELECT COUNT(*) FROM Lead WHERE IndividualId IS NOT NULL").fetchone()[0] == 2
    assert con.execute("SELECT SUM(HasOptedOutOfEmail) FROM Contact").fetchone()[0] == opt_out_before

    again, again_calls, _ = set_individual_privacy(org, tmp_path, "again-all", *options)
    assert (again["already_set"], again["created"], again["updated"], again["linked"]) == (CONTACTS, 0, 0, 0)
    assert not [c for c in again_calls if "/jobs/ingest" in c["path"]]
    con.close()
