"""The create_missing_individuals task class against the in-process local org: options, enabled, the report."""

import json

import pytest
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.errors import OptionError
from localorg.models.org import SeedOptions
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import serve


def task_class():
    return import_task("missing_individuals").CreateMissingIndividuals


@pytest.mark.parametrize(
    "options, words",
    [
        ({"enabled": "sometimes"}, "Option enabled"),
        ({"contacts_where": "WHERE x"}, "Option contacts_where"),
        ({"retries": "-1"}, "Option retries"),
    ],
)
def test_bad_options_refused_before_any_call(options, words):
    with pytest.raises(OptionError, match=words):
        create_task(task_class(), options)


def test_runs_reports_and_does_nothing_when_disabled(tmp_path):
    with serve(tmp_path, seed=SeedOptions(contacts=4, leads=2)) as org:
        off = inprocess_task(org, task_class(), {"enabled": "false"})
        off()
        assert off.return_values == {"enabled": False} and org.records.count("Individual") == 0
        report = tmp_path / "out" / "report.json"
        task = inprocess_task(org, task_class(), {"report": str(report)})
        task()
        assert task.return_values["created"] == 6 and org.records.count("Individual") == 6
        assert json.loads(report.read_text())["linked"] == 6
