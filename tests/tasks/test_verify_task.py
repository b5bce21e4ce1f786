"""verify_email_privacy as CumulusCI runs it: reuse of the prerequisites' read, one retrieve otherwise, the
table, the 0600 JSON report, failures and dry run. The Metadata API read is a recording stub here; the real
read runs end to end in tests/e2e/test_flow.py."""

import json
import logging
import stat

import pytest
import responses
from cumulusci.tasks.salesforce.tests.util import create_task

from email_privacy.errors import OptionError, OrgError
from email_privacy.org import read as org_read
from email_privacy.org.read import OrgState
from tests.conftest import import_task

from .test_preflight_task import LAYOUT, OFF, ON, WITH_FIELD, mock_account_describe

mod = import_task("verify")
OBJECTS = ["Contact", "Lead"]


def state(settings, layout):
    # As the flow's prerequisites step reads: the record pages with the layouts (none in this org).
    return OrgState(
        objects=tuple(OBJECTS),
        settings=settings,
        layout_files={f"{o}-{o} Layout": layout for o in OBJECTS},
        pages_read=True,
    )


class FakeRead:
    def __init__(self, result):
        self.calls, self.result = [], result

    def __call__(self, client, objects, **kwargs):
        self.calls.append((tuple(objects), kwargs))
        return self.result


def make(options):
    task = create_task(mod.VerifyEmailPrivacy, {"objects": OBJECTS, **options})
    task.project_config.config["project"]["package"]["api_version"] = "63.0"
    return task


@pytest.fixture
def read(monkeypatch):
    fake = FakeRead(state(ON, WITH_FIELD))
    monkeypatch.setattr(org_read, "read_org", fake)
    return fake


def test_configured_prerequisites_read_is_reused_without_any_call(read, tmp_path, caplog):
    path = tmp_path / "reports" / "verify.json"
    with caplog.at_level(logging.INFO):
        rv = make({"org_state": state(ON, WITH_FIELD), "report": str(path)})()
    assert read.calls == []
    assert rv["configured"] is True and rv["reused_read"] is True
    assert "Enhanced Email" in caplog.text and "Contact Layout" in caplog.text and "has IndividualId" in caplog.text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["configured"] is True and len(data["layouts"]) == 2 and data["org"]["name"] == "test"


def test_after_changes_it_retrieves_the_listed_layouts_once_without_listing_again(read):
    rv = make({"org_state": state(OFF, LAYOUT)})()
    assert len(read.calls) == 1
    objects, kwargs = read.calls[0]
    assert kwargs["layouts"] == ["Contact-Contact Layout", "Lead-Lead Layout"]
    assert rv["configured"] is True and rv["reused_read"] is False


@responses.activate
def test_standalone_reads_with_listing(read):
    mock_account_describe(person_accounts=False)
    make({})()
    # No layout names given: the read lists the layouts itself (listMetadata), settings included.
    assert read.calls == [
        (tuple(OBJECTS), {"layouts": None, "permission_sets": (), "include_settings": True, "pages": True})
    ]


@responses.activate
def test_pages_false_reads_no_pages(read):
    mock_account_describe(person_accounts=False)
    make({"pages": "false"})()
    assert read.calls == [
        (tuple(OBJECTS), {"layouts": None, "permission_sets": (), "include_settings": True, "pages": False})
    ]


def test_unconfigured_org_fails_with_one_line(monkeypatch):
    monkeypatch.setattr(org_read, "read_org", FakeRead(state(ON, LAYOUT)))
    with pytest.raises(OrgError) as err:
        make({"org_state": state(OFF, LAYOUT)})()
    msg = str(err.value)
    assert "2 layout(s) lack the Individual field" in msg and "Contact Layout (Contact)" in msg and "\n" not in msg


def test_dry_run_reuses_the_read_and_warns_instead_of_failing(read, caplog):
    with caplog.at_level(logging.INFO):
        rv = make({"org_state": state(OFF, LAYOUT), "dry_run": True})()
    assert read.calls == [] and rv["configured"] is False
    assert "Dry run: The org is not configured" in caplog.text


@pytest.mark.parametrize(
    "options, named",
    [
        ({"report": "."}, "report"),
        ({"objects": "Opportunity"}, "objects"),
        ({"email_tracking": "often"}, "email_tracking"),
        ({"dry_run": "2"}, "dry_run"),
        ({"pages": "some"}, "pages"),
    ],
)
def test_bad_options_one_line_naming_the_option(options, named):
    with pytest.raises(OptionError) as err:
        make(options)
    assert f"Option {named}" in str(err.value) and "\n" not in str(err.value)
