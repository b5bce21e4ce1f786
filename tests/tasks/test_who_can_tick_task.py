"""Who can tick: verify's rows counting who can edit Don't Track / Don't Process, and the permission-set
step's assignment option, against the in-process local org (its profiles, permission sets and assignments)."""

import json
import logging

import pytest

from email_privacy.errors import OptionError, OrgError
from localorg.models.org import SeedOptions
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import count, serve

REPO_PERMSET = "force-app/main/default/permissionsets/Email_Privacy_Individual_Access.permissionset-meta.xml"


def verify_class():
    return import_task("verify").VerifyEmailPrivacy


def permset_class():
    return import_task("permission_set").DeployEmailPrivacyPermissionSet


def run(org, task_class, options):
    task = inprocess_task(org, task_class, options)
    task.project_config.config["project"]["package"]["api_version"] = "63.0"
    task()
    return task.return_values


def access(org, tmp_path, **options):
    report = tmp_path / "verify.json"
    run(org, verify_class(), {"objects": "Contact,Lead", "dry_run": "true", "report": str(report), **options})
    return json.loads(report.read_text())["access"]


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=2, rep_users=3, rep_access="read")) as o:
        yield o


def test_no_rep_can_edit_then_assigned_by_condition_then_counted(org, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        rows = access(org, tmp_path)
    assert [r["api_name"] for r in rows] == ["Individual.HasOptedOutTracking", "Individual.HasOptedOutProcessing"]
    assert all(r["verdict"] == "WARNING" and r["ok"] for r in rows)
    assert "0 active users besides you" in rows[0]["state"] and "System Administrator (profile) 1" in rows[0]["state"]
    assert "Assign them the permission set" in caplog.text

    where = "Username LIKE 'rep%' AND Profile.Name = 'Standard User'"
    dry = run(org, permset_class(), {"assign_to_where": where, "dry_run": "true"})
    assert dry["assignment"]["assigned"] == [f"rep{i}@emailprivacy.localorg" for i in (1, 2, 3)]
    assert org.records.count("PermissionSetAssignment") == 4  # the profiles' own: nothing written
    with pytest.raises(OrgError, match="has no permission set Email_Privacy_Individual_Access"):
        run(org, permset_class(), {"assign_to_where": where, "assign_only": "true"})
    first = run(org, permset_class(), {"assign_to_where": where})
    assert first["deployed"] == ["Email_Privacy_Individual_Access"]
    assert first["assignment"]["assigned"] == [f"rep{i}@emailprivacy.localorg" for i in (1, 2, 3)]
    again = run(org, permset_class(), {"assign_to_where": where, "assign_only": "true", "dry_run": "true"})
    assert again["assignment"]["assigned"] == [] and len(again["assignment"]["already"]) == 3

    rows = access(org, tmp_path, min_editors="3")
    assert all(r["verdict"] == "OK" for r in rows)
    assert "3 active users besides you" in rows[0]["state"] and "Email Privacy: Individual Access 3" in rows[0]["state"]
    assert access(org, tmp_path, min_editors="4")[0]["verdict"] == "WARNING"


def test_usernames_checked_before_anything_is_written(org):
    with pytest.raises(OrgError, match="No active user has the username nobody@x.example"):
        run(org, permset_class(), {"assign_to_usernames": "rep1@emailprivacy.localorg, nobody@x.example"})
    assert org.records.count("PermissionSetAssignment") == 4  # the seeded profile assignments only
    out = run(org, permset_class(), {"assign_to_usernames": "rep2@emailprivacy.localorg"})
    assert out["assignment"]["assigned"] == ["rep2@emailprivacy.localorg"]


@pytest.mark.parametrize(
    "options, words",
    [
        ({"assign_to_usernames": "a@b.c", "assign_to_where": "IsActive = true"}, "give one of them"),
        ({"assign_to_where": "WHERE Id != null"}, "Option assign_to_where"),
        ({"min_editors": "-1"}, "Option min_editors"),
    ],
)
def test_bad_options(org, options, words):
    task_class = verify_class() if "min_editors" in options else permset_class()
    with pytest.raises(OptionError, match=words):
        inprocess_task(org, task_class, options)


def test_a_fixed_number_of_queries_however_many_users(tmp_path):
    calls = []
    for n in (2, 40):
        with serve(tmp_path / str(n), seed=SeedOptions(rep_users=n, rep_access="edit")) as o:
            rows = access(o, tmp_path / str(n))
            assert f"{n} active users besides you" in rows[0]["state"]
            calls.append(count(o.log, "/query"))
    assert calls[0] == calls[1]
