"""The set_individual_privacy task class: options checked up front, docs for `cci task info`."""

import pytest
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.errors import OptionError
from tests.conftest import import_task
from tests.harness import run_cci_offline


def task_class():
    return import_task("individuals").SetIndividualPrivacy


@pytest.mark.parametrize(
    "options, words",
    [
        ({"contacts_where": "Email != null"}, "dont_track and dont_process"),
        ({"dont_track": "yes please", "contacts_where": "Email != null"}, "Option dont_track"),
        ({"dont_track": "true", "csv": "missing.csv"}, "Option csv: missing.csv is not an existing file"),
        ({"dont_track": "true", "contacts_where": "Email != null", "report": "/"}, "Option report: / is a folder"),
        ({"dont_track": "true", "contacts_where": "Email != null", "retries": "-1"}, "Option retries"),
    ],
)
def test_bad_options_refused_before_any_call(options, words):
    with pytest.raises(OptionError) as err:
        create_task(task_class(), options)
    assert words in str(err.value)


def test_good_options_parse():
    task = create_task(task_class(), {"dont_process": "true", "leads_where": "Email != null", "bulk_threshold": "50"})
    assert task.request.flags == {"HasOptedOutProcessing": True} and task.request.bulk_threshold == 50


def test_cci_task_info_explains_every_option(tmp_path):
    home = tmp_path / "home"
    (home / ".cumulusci").mkdir(parents=True)
    (home / ".cumulusci" / "cumulus_timestamp").write_text("99999999999")
    result = run_cci_offline("task", "info", "set_individual_privacy", home=home)
    assert result.returncode == 0, result.stderr
    for word in (
        "Don't Track",
        "bulk_threshold",
        "contacts_where",
        "person_accounts_where",
        "dry_run",
        "report",
        "not_found",
        "Email Opt Out is never touched",
    ):
        assert word in result.stdout, word
