"""create_missing_individuals' logic against the in-process local org, through the real records client."""

import pytest

from email_privacy.errors import OptionError, OrgError
from email_privacy.steps import missing_individuals as missing
from localorg.models.org import SeedOptions
from localorg.models.seed import seed_people
from tests.inprocess_org import serve
from tests.steps.test_individuals import Client, individual_of

PEOPLE = {"Contact": "Email", "Lead": "Email", "Account": "PersonEmail"}


@pytest.fixture
def org(tmp_path):
    """Consent management on, person accounts on: 30 contacts, 10 leads, 5 person accounts, none with an Individual."""
    with serve(tmp_path, person_accounts=True, seed=SeedOptions(contacts=30, leads=10, person_accounts_count=5)) as o:
        yield o


def run(org, **options):
    client = Client(org)
    return missing.run(client, missing.parse_options(options)), client


def people(org):
    """(object, record) of every contact, lead and person account."""
    for obj in PEOPLE:
        for record in org.records.rows(obj):
            if obj != "Account" or record.get("IsPersonAccount"):
                yield obj, record


def opt_outs(org):
    return {r["Id"]: (r.get("HasOptedOutOfEmail"), r.get("PersonHasOptedOutOfEmail")) for _, r in people(org)}


def test_every_person_gets_a_named_unflagged_individual_and_a_rerun_writes_nothing(org):
    before = opt_outs(org)
    report, _ = run(org)
    assert (report.matched, report.created, report.linked, report.failed) == (45, 45, 45, [])
    flags = ("HasOptedOutTracking", "HasOptedOutProcessing", "HasOptedOutProfiling", "HasOptedOutSolicit")
    for obj, record in people(org):
        individual = individual_of(org, obj, record)
        assert (individual["FirstName"], individual["LastName"]) == (record["FirstName"], record["LastName"])
        assert not any(individual[f] for f in flags)
    assert opt_outs(org) == before  # Email Opt Out never written
    again, client = run(org)
    assert (again.matched, again.created, again.linked, again.updated) == (0, 0, 0, 0)
    assert org.records.count("Individual") == 45
    assert not any(k.startswith("Bulk") or "ollection" in k for k in client.calls_by_kind)  # reads only


def test_condition_per_object_limits_to_those_objects_and_records(org):
    report, _ = run(org, contacts_where="Email LIKE 'ava%'")
    with_one = [(o, r) for o, r in people(org) if (r.get("IndividualId") or r.get("PersonIndividualId"))]
    assert report.created == len(with_one) == 1
    assert with_one[0][0] == "Contact" and with_one[0][1]["Email"].startswith("ava")


def test_bulk_path_flat_calls_and_partial_failure(org):
    seed_people(org.records, org.identity.user_id, contacts=300)
    org.records.insert_raw("Contact", [{"FirstName": "No", "Email": "nolast@example.com"}])
    report, client = run(org, bulk_threshold="5", leads_where="Email = 'none@example.org'")
    assert report.matched == 0  # only leads asked for, none selected
    report, client = run(org, bulk_threshold="5")
    assert report.created == 345 and len(report.failed) == 1 and report.failed[0]["email"] == "nolast@example.com"
    assert client.calls_by_kind["Bulk API 2.0 query"] == 3 and client.calls_by_kind["Bulk API 2.0 ingest"] > 0
    again, client_again = run(org, bulk_threshold="5")
    assert (again.matched, again.created) == (1, 0) and len(again.failed) == 1


def test_converted_leads_left_out_and_dry_run_changes_nothing(org):
    lead = next(org.records.rows("Lead"))
    org.records.db.execute('UPDATE "Lead" SET IsConverted = 1 WHERE Id = ?', (lead["Id"],))
    report, _ = run(org, dry_run="true")
    assert report.dry_run and report.created == 44 and org.records.count("Individual") == 0


@pytest.mark.parametrize(
    "options, words",
    [
        ({"contacts_where": "WHERE Email = 'a'"}, "Option contacts_where"),
        ({"leads_where": "Email = 'a'; DELETE"}, "Option leads_where"),
        ({"bulk_threshold": "0"}, "Option bulk_threshold"),
        ({"dry_run": "perhaps"}, "Option dry_run"),
    ],
)
def test_bad_options_one_line(options, words):
    with pytest.raises(OptionError) as err:
        missing.parse_options(options)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_person_accounts_condition_where_they_are_off(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=3, leads=2)) as o:
        report, _ = run(o)
        assert report.created == 5
        with pytest.raises(OrgError, match="Person accounts are not enabled"):
            run(o, person_accounts_where="PersonEmail != null")
