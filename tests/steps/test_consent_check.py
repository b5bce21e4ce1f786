"""Salesforce's Consent API asked after set_individual_privacy and by the audit, against the in-process
local org (its Consent API computes the least permissive answer across linked records)."""

import pytest

from email_privacy.errors import OrgError
from email_privacy.steps import consent_audit, consent_check
from email_privacy.steps import individuals as ind
from localorg.models.org import SeedOptions
from tests.inprocess_org import serve
from tests.steps.test_individuals import Client, individual_of


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=30, leads=10)) as o:
        yield o


def flag(org, **options):
    client = Client(org)
    return ind.run(client, ind.parse_request({"dont_track": "true", **options})), client


def test_set_individual_privacy_ends_with_the_consent_api_confirming_everyone(org):
    report, client = flag(org, contacts_where="Email != null", dont_process="true")
    assert report.consent["asked"] == report.consent["confirmed"] == 30
    assert report.consent["not_confirmed"] == [] and client.calls_by_kind["Consent API"] == 1
    rows = {r["what"]: r["count"] for r in report.summary_rows()}
    assert rows["confirmed"] == 30 and rows["not_confirmed"] == 0
    skipped, _ = flag(org, contacts_where="Email != null", confirm="false")
    assert skipped.consent is None


def test_audit_catches_an_individual_changed_back_by_hand(org):
    flag(org, contacts_where="Email != null")
    contact = next(org.records.rows("Contact"))
    individual = individual_of(org, "Contact", contact)
    org.records.update("Individual", individual["Id"], {"HasOptedOutTracking": False}, org.visibility)
    client = Client(org)
    audit = consent_audit.run_audit(
        client, ind.parse_request({"dont_track": "true", "contacts_where": "Email != null"})
    )
    assert (audit.check.asked, audit.check.confirmed, audit.check.not_confirmed_count) == (30, 29, 1)
    assert (
        audit.check.not_confirmed[0]["id"] == contact["Id"] and "track: true" in audit.check.not_confirmed[0]["answer"]
    )
    rows = audit.rows()
    assert [r["ok"] for r in rows] == [False, False] and contact["Id"] in rows[1]["todo"]
    assert client.calls_by_kind["Consent API"] == 1


def test_a_linked_lead_with_its_own_unflagged_individual_is_caught(org):
    # The least permissive answer: the contact's Individual says don't track; the lead linked to it agrees.
    flag(org, contacts_where="Email != null")
    audit = consent_audit.run_audit(
        Client(org), ind.parse_request({"dont_track": "false", "leads_where": "Email != null"})
    )
    assert audit.check.asked == 10 and audit.check.confirmed == 0  # no Individual: Salesforce says no go


def test_batches_of_200_and_not_found(org, tmp_path):
    from localorg.models.seed import seed_people

    seed_people(org.records, org.identity.user_id, contacts=450)
    flag(org, contacts_where="Email != null", bulk_threshold="100")
    path = tmp_path / "people.csv"
    path.write_text("email\n" + "\n".join(r["Email"] for r in org.records.rows("Contact")) + "\nno@one.example\n")
    client = Client(org)
    audit = consent_audit.run_audit(client, ind.parse_request({"dont_track": "true", "csv": str(path)}))
    assert audit.check.confirmed == 480 and client.calls_by_kind["Consent API"] == 3
    assert audit.not_found == ["no@one.example"] and audit.rows()[-1]["name"] == "Not found"


def test_missing_permission_named(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=3), customize_application=False) as org:
        report, _ = flag(org, contacts_where="Email != null")
        assert "View All Data or Allow User Access to Privacy Data" in report.consent["skipped"]
        with pytest.raises(OrgError, match="PermissionsPrivacyDataAccess"):
            consent_audit.run_audit(
                Client(org), ind.parse_request({"dont_track": "true", "contacts_where": "Email != null"})
            )


def test_expected_answers():
    assert consent_check.expected({"HasOptedOutTracking": True, "HasOptedOutProcessing": False}) == {
        "track": "false",
        "process": "true",
    }
    assert consent_check.meaning({"HasOptedOutTracking": True}) == "not to be tracked"
