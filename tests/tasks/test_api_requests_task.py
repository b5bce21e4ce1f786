"""check_api_requests against the in-process local org: it reads /limits, reports what is left and refuses,
changing nothing, below the minimum."""

import json
import stat

import pytest

from email_privacy.errors import OptionError
from email_privacy.steps.api_requests import TooFewApiRequests
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import serve

CheckApiRequests = import_task("api_requests").CheckApiRequests


@pytest.fixture
def org(tmp_path):
    with serve(tmp_path) as org:
        yield org


def test_enough_left_reports_and_goes_on(org, tmp_path):
    org.api_usage.set_remaining(5000)
    report = tmp_path / "api.json"
    task = inprocess_task(org, CheckApiRequests, {"minimum": "1000", "report": str(report)})
    task()
    data = json.loads(report.read_text())
    # The org counted the /limits request itself (and nothing else of this task).
    assert data["max"] == 15000 and data["remaining"] == 4999 and data["enough"] is True
    assert task.return_values == data and stat.S_IMODE(report.stat().st_mode) == 0o600


def test_too_few_left_fails_in_one_line_after_writing_the_report(org, tmp_path):
    org.api_usage.set_remaining(120)
    report = tmp_path / "api.json"
    task = inprocess_task(org, CheckApiRequests, {"minimum": "1000", "report": str(report)})
    with pytest.raises(TooFewApiRequests) as info:
        task()
    assert str(info.value).startswith("Skipped: 119 of 15000 daily API requests left (minimum 1000)")
    assert "\n" not in str(info.value)
    assert json.loads(report.read_text())["enough"] is False


def test_a_bad_minimum_is_refused_before_any_request(org):
    with pytest.raises(OptionError, match="Option minimum: 'lots' is not a whole number"):
        inprocess_task(org, CheckApiRequests, {"minimum": "lots"})
    assert org.api_usage.used() == 0
