"""The audit_individual_privacy task against the in-process local org: the table, JSON, JUnit and summary,
and a failure when the Consent API does not confirm someone."""

import json
import stat

import pytest
from lxml import etree

from email_privacy.errors import OptionError, OrgError
from email_privacy.steps import individuals as ind
from localorg.models.org import SeedOptions
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import serve
from tests.steps.test_individuals import Client


def task_class():
    return import_task("consent_audit").AuditIndividualPrivacy


def test_bad_options_refused(tmp_path):
    with serve(tmp_path) as org:
        with pytest.raises(OptionError, match="dont_track and dont_process"):
            inprocess_task(org, task_class(), {"contacts_where": "Email != null"})


def test_audit_writes_report_junit_summary_and_fails_on_one_changed_back(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=12)) as org:
        ind.run(Client(org), ind.parse_request({"dont_track": "true", "contacts_where": "Email != null"}))
        out = tmp_path / "out"
        options = {
            "dont_track": "true",
            "contacts_where": "Email != null",
            "report": str(out / "audit.json"),
            "junit": str(out / "audit.xml"),
            "summary": str(out / "audit.md"),
        }
        task = inprocess_task(org, task_class(), options)
        task()
        assert task.return_values["confirmed"] == 12 and task.return_values["confirmed_all"]
        suite = etree.parse(str(out / "audit.xml")).getroot()
        assert suite.get("tests") == "1" and suite.get("failures") == "0"
        assert "all confirmed" in (out / "audit.md").read_text()

        contact = next(org.records.rows("Contact"))
        org.records.update("Individual", contact["IndividualId"], {"HasOptedOutTracking": False}, org.visibility)
        task = inprocess_task(org, task_class(), options)
        with pytest.raises(OrgError, match="does not confirm 1 of 12 people not to be tracked"):
            task()
        data = json.loads((out / "audit.json").read_text())
        assert data["not_confirmed"][0]["id"] == contact["Id"]
        suite = etree.parse(str(out / "audit.xml")).getroot()
        assert suite.get("failures") == "2" and contact["Id"] in etree.tostring(suite).decode()
        assert "1 NOT confirmed" in (out / "audit.md").read_text()
        assert all(stat.S_IMODE((out / n).stat().st_mode) == 0o600 for n in ("audit.json", "audit.xml", "audit.md"))
        warn = inprocess_task(org, task_class(), {**options, "dry_run": "true"})
        warn()
        assert warn.return_values["not_confirmed_count"] == 1
