"""set_individual_privacy's logic: options, matching, plan, and runs against the in-process local org
(localorg.inprocess: the real models and handlers behind `responses`), through the real records client."""

from pathlib import Path

import pytest
import requests

from email_privacy.api import records as records_api
from email_privacy.api.records import RecordsClient
from email_privacy.errors import OptionError, OrgError
from email_privacy.steps import individual_report, match_index
from email_privacy.steps import individuals as ind
from localorg.models.org import SeedOptions
from localorg.models.seed import seed_people
from tests.inprocess_org import enable_consent, serve

TRACK, PROCESS = "HasOptedOutTracking", "HasOptedOutProcessing"


class Client(RecordsClient):
    """The real records client, keeping a copy of every Bulk upload it sends (a spy, not a fake)."""

    def __init__(self, org):
        super().__init__(
            session=requests.Session(),
            instance_url=org.base_url,
            api_version="63.0",
            token=org.sessions.issue(),
            poll_interval=0,
        )
        self.uploads = []

    def request(self, method, path, kind, **kwargs):
        if kwargs.get("upload") is not None:
            self.uploads.append(Path(kwargs["upload"]).read_bytes())
        return super().request(method, path, kind, **kwargs)


@pytest.fixture
def org(tmp_path):
    """The in-process local org, consent management on, with 30 contacts, 10 leads and 5 person accounts."""
    seed = SeedOptions(contacts=30, leads=10, person_accounts_count=5)
    with serve(tmp_path, person_accounts=True, seed=seed) as o:
        yield o


def write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def emails(org, obj, n, field="Email"):
    return [r[field] for r in org.records.rows(obj) if r.get(field)][:n]


def individual_of(org, obj, record):
    lookup = "PersonIndividualId" if obj == "Account" else "IndividualId"
    rec = org.records.get(obj, record["Id"])
    return org.records.get("Individual", rec[lookup]) if rec.get(lookup) else None


# -- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, words",
    [
        ({"contacts_where": "Email != null"}, "dont_track and dont_process"),
        ({"dont_track": "maybe", "contacts_where": "Email != null"}, "Option dont_track: 'maybe'"),
        ({"dont_track": "true"}, "give a csv file or at least one where"),
        ({"dont_track": "true", "csv": "/nonexistent.csv"}, "Option csv: /nonexistent.csv is not an existing file"),
        ({"dont_track": "true", "contacts_where": "WHERE Email = 'a'"}, "Option contacts_where"),
        ({"dont_track": "true", "leads_where": "Email = 'a'; DELETE"}, "Option leads_where"),
        ({"dont_track": "true", "contacts_where": "Email != null", "bulk_threshold": "0"}, "Option bulk_threshold"),
        ({"dont_track": "true", "contacts_where": "Email != null", "bulk_threshold": "many"}, "Option bulk_threshold"),
        ({"dont_track": "true", "contacts_where": "Email != null", "dry_run": "perhaps"}, "Option dry_run"),
    ],
)
def test_bad_options_one_line_naming_the_option(options, words):
    with pytest.raises(OptionError) as err:
        ind.parse_request(options)
    assert words in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "is empty"),
        ("name,phone\nA,1\n", "has no email or id column"),
        ("email\n", "has a header but no rows"),
        ("email,object\na@example.com,Opportunity\n", "line 2: object 'Opportunity' is not allowed"),
        ("email\nnot-an-email\n", "line 2: 'not-an-email' is not an email address"),
        ("id\n003xyz\n", "line 2: '003xyz' is not a Salesforce record id"),
        ("id\n0065g00000000001AAA\n", "is not a Salesforce record id"),
        ("id\n006000000000001AAA\n", "is not a contact, lead or account id"),
        ('email,id\n,\nx@y.z,\n,\n"",""\nq@r.s,\n', None),
    ],
)
def test_csv_checks(tmp_path, text, words):
    options = {"dont_track": "true", "csv": write_csv(tmp_path / "r.csv", text)}
    if words is None:
        assert [r.email for r in ind.parse_request(options).rows()] == ["x@y.z", "q@r.s"]
        return
    with pytest.raises(OptionError) as err:
        ind.parse_request(options)
    assert words in str(err.value) and "Option csv" in str(err.value)


def test_csv_infers_object_from_id_and_accepts_bom_and_case(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("\ufeffEMAIL,Id,Object\n,00Q000000000001AAA,\nA@B.C,,lead\n".encode())
    rows = list(ind.parse_request({"dont_process": "false", "csv": str(path)}).rows())
    assert [(r.email, r.id, r.object) for r in rows] == [(None, "00Q000000000001AAA", "Lead"), ("A@B.C", None, "Lead")]


def test_csv_and_where_are_exclusive(tmp_path):
    with pytest.raises(OptionError, match="cannot be combined"):
        ind.parse_request(
            {"dont_track": "1", "csv": write_csv(tmp_path / "r.csv", "email\na@b.c\n"), "leads_where": "Email != null"}
        )


# -- pure parts ---------------------------------------------------------------------------------


def test_in_chunks_cover_every_value_within_the_limit():
    values = [f"person{i}@example.com" for i in range(2000)] + ["o'brien@example.com"]
    chunks = list(ind.in_chunks("Email", values, limit=1000))
    assert len(chunks) > 1 and all(len(c) < 1000 + len("Email IN ()") for c in chunks)
    joined = " ".join(chunks)
    assert all(f"'{v}'" in joined for v in values[:-1]) and "'o\\'brien@example.com'" in joined


def test_plan_updates_a_shared_individual_once(tmp_path):
    flags = {TRACK: True}
    contact = ind.Target("Contact", "Contact", "Email", "IndividualId", "Individual")
    lead = ind.Target("Lead", "Lead", "Email", "IndividualId", "Individual")

    def rec(rid, email, individual, track):
        return {
            "Id": rid,
            "FirstName": "A",
            "LastName": "B",
            "Email": email,
            "IndividualId": individual,
            "Individual": {TRACK: track} if individual else None,
        }

    index = match_index.MatchIndex(tmp_path)
    index.add_records(
        [
            ind.record_row(contact, rec("003A00000000001", "a@x", "0PKshared", False), flags),
            ind.record_row(lead, rec("00QA00000000001", "a@x", "0PKshared", False), flags),
            ind.record_row(contact, rec("003B00000000001", "c@x", "0PKset", True), flags),
            ind.record_row(contact, rec("003C00000000001", "e@x", None, None), flags),
            ind.record_row(
                contact, rec("003A00000000001AAA", "a@x", "0PKshared", False), flags
            ),  # the same record again
        ]
    )
    assert index.matched() == 4
    assert list(index.individuals_to_update()) == ["0PKshared"] and index.count_to_update() == 1
    assert index.count_already_set() == 1
    assert [(seq, first) for seq, first, _ in index.to_create()] == [(4, "A")]
    index.close()


# -- runs against the in-process org -----------------------------------------------------------


def run(org, **options):
    options.setdefault("dont_track", "true")
    client = Client(org)
    stem = options.pop("lists_stem", None)
    return ind.run(client, ind.parse_request(options), lists_stem=stem), client


def test_csv_of_emails_sets_flags_creates_links_and_lists_unknown(org, tmp_path):
    contact_emails = emails(org, "Contact", 4)
    lead_emails = emails(org, "Lead", 3)
    pa_emails = emails(org, "Account", 3, "PersonEmail")
    before_opt_out = {r["Id"]: r["HasOptedOutOfEmail"] for r in org.records.rows("Contact")}
    text = "email\n" + "\n".join(contact_emails + lead_emails + pa_emails + ["nobody@nowhere.example"]) + "\n"
    report, client = run(org, csv=write_csv(tmp_path / "r.csv", text), dont_process="true")
    assert (report.matched, report.created, report.linked, report.updated, report.already_set) == (10, 10, 10, 0, 0)
    assert report.not_found == ["nobody@nowhere.example"] and report.failed == []
    for obj, field, wanted in (
        ("Contact", "Email", contact_emails),
        ("Lead", "Email", lead_emails),
        ("Account", "PersonEmail", pa_emails),
    ):
        for record in (r for r in org.records.rows(obj) if r.get(field) in wanted):
            individual = individual_of(org, obj, record)
            assert individual[TRACK] is True and individual[PROCESS] is True
            assert (individual["FirstName"], individual["LastName"]) == (record["FirstName"], record["LastName"])
    untouched = [r for r in org.records.rows("Contact") if r["Email"] not in contact_emails]
    assert all(r["IndividualId"] is None for r in untouched)
    assert {r["Id"]: r["HasOptedOutOfEmail"] for r in org.records.rows("Contact")} == before_opt_out
    assert not any(k.startswith("Bulk") for k in client.calls_by_kind)  # 10 records: REST only

    again, _ = run(org, csv=str(tmp_path / "r.csv"), dont_process="true")
    assert (again.created, again.linked, again.updated, again.already_set) == (0, 0, 0, 10)


def test_existing_individual_updated_once_and_only_asked_flag_changes(org):
    contacts = list(org.records.rows("Contact"))[:2]
    shared = org.records.create("Individual", {"LastName": "Shared", PROCESS: True}, org.visibility)
    for c in contacts:
        org.records.update("Contact", c["Id"], {"IndividualId": shared}, org.visibility)
    where = "Email IN ('{}', '{}')".format(*(c["Email"] for c in contacts))
    report, _ = run(org, contacts_where=where)
    assert (report.matched, report.updated, report.created) == (2, 1, 0)
    individual = org.records.get("Individual", shared)
    assert individual[TRACK] is True and individual[PROCESS] is True  # Don't Process left as it was


def test_dry_run_changes_nothing(org):
    before = [list(org.records.rows(o)) for o in ("Contact", "Individual")]
    report, _ = run(org, contacts_where="Email != null", dry_run="true")
    assert report.dry_run and (report.matched, report.created, report.linked) == (30, 30, 30)
    assert [list(org.records.rows(o)) for o in ("Contact", "Individual")] == before


def test_bulk_path_keeps_calls_flat(org, tmp_path):
    seed_people(org.records, org.identity.user_id, contacts=400)
    small, client_small = run(org, contacts_where="Email LIKE '%.1_@example.com'", bulk_threshold="5")
    large, client_large = run(org, contacts_where="Email != null AND IndividualId = null", bulk_threshold="5")
    assert small.matched >= 5 and large.matched > 300 and large.failed == []
    # Flat but for the Consent API's confirmation afterwards, a call per 200 people.
    consent_small, consent_large = (c.calls_by_kind.get("Consent API", 0) for c in (client_small, client_large))
    assert client_large.calls - consent_large == client_small.calls - consent_small
    assert consent_large == -(-large.matched // 200) and large.consent["confirmed"] == large.matched
    assert "sObject Collections" not in client_large.calls_by_kind and "collections" not in client_large.calls_by_kind
    assert all(individual_of(org, "Contact", r)[TRACK] for r in org.records.rows("Contact"))


def test_partial_failure_reported_and_rerun_finishes(org):
    # A contact without a last name cannot give its Individual one: the org refuses that Individual.
    org.records.insert_raw("Contact", [{"FirstName": "No", "Email": "nolast@example.com"}])
    report, _ = run(org, contacts_where="Email LIKE 'ava%' OR Email = 'nolast@example.com'")
    assert len(report.failed) == 1 and report.failed[0]["email"] == "nolast@example.com"
    assert "Required fields are missing: [LastName]" in report.failed[0]["error"]
    assert report.created == report.matched - 1
    record = next(r for r in org.records.rows("Contact") if r["Email"] == "nolast@example.com")
    org.records.update("Contact", record["Id"], {"LastName": "Fixed"}, org.visibility)
    again, _ = run(org, contacts_where="Email LIKE 'ava%' OR Email = 'nolast@example.com'")
    assert (again.created, again.failed, again.already_set) == (1, [], report.created)


def test_bulk_insert_failures_map_back_to_their_records(org):
    org.records.insert_raw("Contact", [{"FirstName": "No", "Email": f"nolast{i}@example.com"} for i in range(3)])
    report, _ = run(org, contacts_where="Email != null", bulk_threshold="2")
    assert sorted(f["email"] for f in report.failed) == [f"nolast{i}@example.com" for i in range(3)]
    assert report.created == 30 and org.records.count("Individual") == 30


def test_ids_and_person_accounts_where(org, tmp_path):
    pa = next(r for r in org.records.rows("Account") if r.get("IsPersonAccount"))
    lead = next(org.records.rows("Lead"))
    text = f"id\n{pa['Id']}\n{lead['Id']}\n00Q000000000999AAA\n"
    report, _ = run(org, csv=write_csv(tmp_path / "r.csv", text))
    assert report.matched == 2 and report.not_found == ["00Q000000000999AAA"]
    assert individual_of(org, "Account", pa)[TRACK] is True
    report, _ = run(org, person_accounts_where="PersonEmail != null", dont_track="false")
    assert report.matched == 5 and report.updated == 1 and report.created == 4
    assert individual_of(org, "Account", pa)[TRACK] is False


def test_org_without_consent_management_or_person_accounts(tmp_path):
    with serve(tmp_path, consent=False, person_accounts=False) as off:
        with pytest.raises(OrgError, match="no lookup to Individual: turn on Data Protection and Privacy"):
            run(off, contacts_where="Email != null")
        enable_consent(off)
        with pytest.raises(OrgError, match="Person accounts are not enabled"):
            run(off, person_accounts_where="PersonEmail != null")
        path = write_csv(tmp_path / "r.csv", "email\na@example.com\n")
        report, _ = run(off, csv=path)  # rows without an object: person accounts left out where off
        assert report.not_found == ["a@example.com"]


# -- streaming: chunked matching, split uploads, long lists in files ------------------------------


def test_matching_in_small_chunks_and_pages_finds_every_record_once(org, tmp_path, monkeypatch):
    """Pages of 37 rows (Sforce-Locator) and index batches of 7: a row's match never depends on its chunk."""
    seed_people(org.records, org.identity.user_id, contacts=300)
    monkeypatch.setattr(records_api, "QUERY_PAGE_ROWS", 37)
    monkeypatch.setattr(match_index, "BATCH", 7)
    contacts = emails(org, "Contact", 400)
    wanted = contacts[::3]
    # Every wanted email twice, once in upper case, plus unknown ones between them.
    lines = [e for e in wanted] + [e.upper() for e in wanted] + [f"ghost{i}@nowhere.example" for i in range(5)]
    report, client = run(
        org, csv=write_csv(tmp_path / "r.csv", "email\n" + "\n".join(lines) + "\n"), bulk_threshold="10"
    )
    assert report.matched == len(wanted) and report.created == len(wanted) and report.failed == []
    assert report.not_found == [f"ghost{i}@nowhere.example" for i in range(5)] and report.not_found_count == 5
    pages = client.calls_by_kind["Bulk API 2.0 results"] - 3  # less the ingest jobs' three result reads
    assert pages >= len(contacts) // 37
    linked = {r["Email"] for r in org.records.rows("Contact") if r["IndividualId"]}
    assert linked == set(wanted)
    assert all(individual_of(org, "Contact", r)[TRACK] for r in org.records.rows("Contact") if r["Email"] in linked)


def test_upload_limit_splits_writes_into_jobs_each_within_it(org, tmp_path):
    seed_people(org.records, org.identity.user_id, contacts=300)
    report, client = run(org, contacts_where="Email != null", bulk_threshold="5", upload_limit="3000")
    assert report.matched == 330 and report.created == 330 and report.linked == 330 and report.failed == []
    # 330 inserts and 330 links, each row 20 to 40 bytes: several jobs of at most 2,000 bytes of CSV.
    assert len(client.uploads) >= 8 and all(len(u) <= 2000 for u in client.uploads)
    assert all(
        u.startswith(b"FirstName,LastName,HasOptedOutTracking\n") or u.startswith(b"Id,IndividualId\n")
        for u in client.uploads
    )
    assert sum(u.count(b"\n") - 1 for u in client.uploads) == 660  # every row uploaded once
    assert all(individual_of(org, "Contact", r)[TRACK] for r in org.records.rows("Contact"))
    again, _ = run(org, contacts_where="Email != null", bulk_threshold="5", upload_limit="3000")
    assert (again.created, again.updated, again.already_set) == (0, 0, 330)


def test_failures_across_split_jobs_map_back_to_their_records(org):
    for i in range(6):  # the refused rows land in different upload files
        org.records.insert_raw("Contact", [{"FirstName": "No", "Email": f"nolast{i}@example.com"}])
        seed_people(org.records, org.identity.user_id, contacts=15)
    report, client = run(org, contacts_where="Email != null", bulk_threshold="2", upload_limit="1000")
    assert len([u for u in client.uploads if u.startswith(b"FirstName")]) >= 2
    assert sorted(f["email"] for f in report.failed) == [f"nolast{i}@example.com" for i in range(6)]
    assert {f["step"] for f in report.failed} == {"create Individual"} and report.failed_count == 6
    assert report.created == 120 and org.records.count("Individual") == 120
    assert all(
        individual_of(org, "Contact", r)["LastName"] == r["LastName"]
        for r in org.records.rows("Contact")
        if r["LastName"]
    )


def test_long_lists_go_to_files_the_report_names(org, tmp_path, monkeypatch):
    monkeypatch.setattr(individual_report, "LIST_LIMIT", 3)
    lines = emails(org, "Contact", 2) + [f"ghost{i}@nowhere.example" for i in range(7)]
    report, _ = run(
        org, csv=write_csv(tmp_path / "r.csv", "email\n" + "\n".join(lines) + "\n"), lists_stem=tmp_path / "out"
    )
    assert report.not_found == [f"ghost{i}@nowhere.example" for i in range(3)] and report.not_found_count == 7
    path = tmp_path / "out.not_found.csv"
    assert report.not_found_file == str(path) and (path.stat().st_mode & 0o777) == 0o600
    assert path.read_text().splitlines() == ["value"] + [f"ghost{i}@nowhere.example" for i in range(7)]
    assert report.failed_file is None and report.to_dict()["not_found_count"] == 7
