"""Shared table and JSON report rendering."""

import json
import logging
import os
import stat

import pytest

from email_privacy.errors import OptionError
from email_privacy.options import values
from email_privacy.reports import tables

COLUMNS = (("name", "Name"), ("state", "State"), ("ok", "OK"))
ROWS = [
    {"name": "Enhanced Email", "state": "on", "ok": True},
    {"name": "Contact Layout (Marketing)", "state": "lacks", "ok": False},
]


def test_table_holds_every_row_and_header_without_colour_codes():
    text = tables.render_table("Email privacy", COLUMNS, ROWS)
    for needle in ("Email privacy", "Name", "State", "Enhanced Email", "Contact Layout (Marketing)", "yes", "no"):
        assert needle in text
    assert "\x1b[" not in text


def test_log_table_logs_one_block(caplog):
    logger = logging.getLogger("test_report")
    with caplog.at_level(logging.INFO, logger="test_report"):
        text = tables.log_table(logger, "T", COLUMNS, ROWS)
    assert len(caplog.records) == 1 and text in caplog.records[0].getMessage()


def test_json_written_owner_only_and_replaces_a_world_readable_file(tmp_path):
    path = tmp_path / "sub" / "tables.json"
    path.parent.mkdir()
    path.write_text("old")
    os.chmod(path, 0o644)
    tables.write_json(path, {"rows": ROWS, "é": "製"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["rows"] == ROWS
    assert [p.name for p in path.parent.iterdir()] == ["tables.json"]  # no temporary file left


def test_json_new_folder_is_owner_only(tmp_path):
    path = tmp_path / "new" / "r.json"
    tables.write_json(path, {})
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_report_path_validation(tmp_path):
    assert values.report_path("report", None) is None
    assert values.report_path("report", "") is None
    assert values.report_path("report", str(tmp_path / "r.json")) == tmp_path / "r.json"
    with pytest.raises(OptionError, match="Option report: .* is a folder"):
        values.report_path("report", str(tmp_path))
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(OptionError, match="is not a folder"):
        values.report_path("report", str(afile / "r.json"))
