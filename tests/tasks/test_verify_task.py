"""verify_email_privacy as CumulusCI runs it: reuse of the prerequisites' read, one retrieve otherwise, the
table, the 0600 JSON report, failures and dry run. Against the in-process local org, with
the real read (recorded by a spy)."""

import json
import logging
import stat

import pytest

from email_privacy.errors import OptionError, OrgError
from email_privacy.steps import read as org_read
from tests.conftest import import_task
from tests.harness import inprocess_task
from tests.inprocess_org import count
from tests.steps.reads import org_read as read_of
from tests.tasks.test_prerequisites_task import (
    LAYOUT,
    OFF,
    ON,
    WITH_FIELD,
    ReadSpy,
    configure,
    local_org,
    settings_task,
)

mod = import_task("verify")
OBJECTS = ["Contact", "Lead"]


def state(settings, layout):
    # As the flow's prerequisites step reads: the record pages with the layouts (none in this org).
    return read_of(OBJECTS, {f"{o}-{o} Layout": layout for o in OBJECTS}, settings=settings, pages_read=True)


def make(org, options):
    # Who can tick (four REST queries) and Individual's own pages are tested on their own
    # (test_who_can_tick_task.py, test_individual_pages.py); off here.
    options = {"objects": OBJECTS, "editors": "false", "individual": "false", **options}
    task = inprocess_task(org, mod.VerifyEmailPrivacy, options)
    task.project_config.config["project"]["package"]["api_version"] = "63.0"
    return task


@pytest.fixture
def org(tmp_path):
    """An org the flow has configured; the request log starts after that."""
    with local_org(tmp_path, person_accounts=False) as org:
        configure(org, tmp_path)
        org.log.write_text("")
        yield org


@pytest.fixture
def read(monkeypatch):
    spy = ReadSpy()
    monkeypatch.setattr(org_read, "read_org", spy)
    return spy


def test_configured_prerequisites_read_is_reused_without_any_call(org, read, tmp_path, caplog):
    path = tmp_path / "reports" / "verify.json"
    with caplog.at_level(logging.INFO):
        rv = make(org, {"org_state": state(ON, WITH_FIELD), "report": str(path)})()
    assert read.calls == [] and org.log.read_text() == ""
    assert rv["configured"] is True and rv["reused_read"] is True
    assert "Enhanced Email" in caplog.text and "Contact Layout" in caplog.text and "has IndividualId" in caplog.text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["configured"] is True and len(data["layouts"]) == 2 and data["org"]["name"] == "inprocess"


def test_after_changes_it_retrieves_the_listed_layouts_once_without_listing_again(org, read):
    rv = make(org, {"org_state": state(OFF, LAYOUT)})()
    assert len(read.calls) == 1
    objects, kwargs = read.calls[0]
    assert kwargs["layouts"] == ["Contact-Contact Layout", "Lead-Lead Layout"]
    assert count(org.log, "listMetadata") == 0 and count(org.log, "retrieve") == 1
    assert rv["configured"] is True and rv["reused_read"] is False


def test_standalone_reads_with_listing(org, read):
    rv = make(org, {})()
    # No layout names given: the read lists the layouts itself (listMetadata), settings included.
    assert read.calls == [
        (tuple(OBJECTS), {"layouts": None, "permission_sets": (), "include_settings": True, "pages": True})
    ]
    assert count(org.log, "listMetadata") == 1 and count(org.log, "retrieve") == 1 and rv["configured"] is True


def test_pages_false_reads_no_pages(org, read):
    make(org, {"pages": "false"})()
    assert read.calls == [
        (tuple(OBJECTS), {"layouts": None, "permission_sets": (), "include_settings": True, "pages": False})
    ]


def test_unconfigured_org_fails_with_one_line(tmp_path):
    with local_org(tmp_path, person_accounts=False) as org:
        inprocess_task(org, settings_task.DeployEmailPrivacySettings, {"backoff": "0"})()  # settings only
        with pytest.raises(OrgError) as err:
            make(org, {"org_state": state(OFF, LAYOUT)})()
    msg = str(err.value)
    assert "2 layout(s) lack the Individual field" in msg and "Contact Layout (Contact)" in msg and "\n" not in msg


def test_dry_run_reuses_the_read_and_warns_instead_of_failing(org, read, caplog):
    with caplog.at_level(logging.INFO):
        rv = make(org, {"org_state": state(OFF, LAYOUT), "dry_run": True})()
    assert read.calls == [] and rv["configured"] is False and org.log.read_text() == ""
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
def test_bad_options_one_line_naming_the_option(tmp_path, options, named):
    with local_org(tmp_path) as org, pytest.raises(OptionError) as err:
        make(org, options)
    assert f"Option {named}" in str(err.value) and "\n" not in str(err.value)


def test_a_long_table_counts_the_right_layouts_of_an_object_and_the_report_holds_every_row(org, read, tmp_path, caplog):
    path = tmp_path / "verify.json"
    layouts = {f"Contact-Contact {i:02} Layout": WITH_FIELD for i in range(25)} | {"Lead-Lead Layout": WITH_FIELD}
    org_state = read_of(OBJECTS, layouts, settings=ON, pages_read=True)
    with caplog.at_level(logging.INFO):
        rv = make(org, {"org_state": org_state, "report": str(path)})()
    table = next(r.getMessage() for r in caplog.records if "Email privacy verification" in r.getMessage())
    assert "25 layouts" in table and "Contact 07 Layout" not in table and "Lead Layout" in table
    assert f"25 rows are counted in the table above, not listed: every row is in {path}." in caplog.text
    assert rv["configured"] is True and len(json.loads(path.read_text())["layouts"]) == 26
