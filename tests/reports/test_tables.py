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


def verified(kind, item, name, state, verdict, ok=True, warning=False):
    return {"kind": kind, "item": item, "name": name, "state": state, "verdict": verdict, "ok": ok, "warning": warning}


def long_verification() -> list[dict]:
    """3,000 rows as verify logs them: settings, a thousand layouts of each target object (two lacking the field),
    Individual's one layout, three record pages, who can edit the flags."""
    rows = [verified("Setting", "Setting", f"Switch {i}", "on", "OK") for i in range(4)]
    for obj, field in (("Contact", "IndividualId"), ("Lead", "IndividualId"), ("PersonAccount", "PersonIndividualId")):
        rows += [verified("Layout", obj, f"{obj} {i:04} Layout", f"has {field}", "OK") for i in range(996)]
        if obj != "PersonAccount":
            rows.insert(-500, verified("Layout", obj, f"{obj} Odd Layout", f"lacks {field}", "MISSING", ok=False))
    rows.append(verified("Layout", "Individual", "Individual Layout", "has HasOptedOutTracking", "OK"))
    rows += [
        verified("Page", "Contact", f"Contact_Page_{i}", "shows the layout's fields", "left alone") for i in range(3)
    ]
    rows.append(verified("Access", "Access", "Who can edit Don't Track", "2 users", "OK"))
    rows.append(verified("Access", "Access", "Who can edit Don't Process", "0 users", "WARNING", warning=True))
    assert len(rows) == 3000
    return rows


VERIFY_COLUMNS = (("item", "Item"), ("name", "Name"), ("state", "State"), ("verdict", "Verdict"))


def test_a_long_verification_logs_counts_per_object_for_rows_that_are_right(caplog, monkeypatch):
    monkeypatch.setattr(tables, "log_width", lambda: 100)
    logger = logging.getLogger("test_report")
    with caplog.at_level(logging.INFO, logger="test_report"):
        text = tables.log_table(logger, "Verification", VERIFY_COLUMNS, long_verification(), tables.counted_when_ok)
    assert text.splitlines() == [
        "Verification",
        "",
        "  Item            Name                         State                       Verdict",
        " " + "━" * 85,
        "  Setting         Switch 0                     on                          OK",
        "  Setting         Switch 1                     on                          OK",
        "  Setting         Switch 2                     on                          OK",
        "  Setting         Switch 3                     on                          OK",
        "  Contact         996 layouts                  has IndividualId            OK",
        "  Contact         Contact Odd Layout           lacks IndividualId          MISSING",
        "  Lead            996 layouts                  has IndividualId            OK",
        "  Lead            Lead Odd Layout              lacks IndividualId          MISSING",
        "  PersonAccount   996 layouts                  has PersonIndividualId      OK",
        "  Individual      Individual Layout            has HasOptedOutTracking     OK",
        "  Contact         Contact_Page_0               shows the layout's fields   left alone",
        "  Contact         Contact_Page_1               shows the layout's fields   left alone",
        "  Contact         Contact_Page_2               shows the layout's fields   left alone",
        "  Access          Who can edit Don't Track     2 users                     OK",
        "  Access          Who can edit Don't Process   0 users                     WARNING",
    ]
    assert [r.getMessage() for r in caplog.records] == [
        "\n" + text,
        "2,988 rows are counted in the table above, not listed: options report (JSON), junit and summary (Markdown) "
        "write every row to a file.",
    ]


def test_a_summarised_table_names_the_files_holding_every_row_and_a_short_one_stays_whole(
    caplog, tmp_path, monkeypatch
):
    monkeypatch.setattr(tables, "log_width", lambda: 100)
    logger = logging.getLogger("test_report")
    rows = long_verification()
    files = (tmp_path / "r.json", None, tmp_path / "s.md")
    with caplog.at_level(logging.INFO, logger="test_report"):
        tables.log_table(logger, "Verification", VERIFY_COLUMNS, rows, tables.counted_when_ok, files)
    assert caplog.records[-1].getMessage().endswith(f"not listed: every row is in {files[0]}, {files[2]}.")
    caplog.clear()
    # 20 layouts of an object are listed; the 21st makes them a count.
    short = [r for r in rows if r["kind"] != "Layout" or r["name"] < f"{r['item']} 0020"]
    with caplog.at_level(logging.INFO, logger="test_report"):
        text = tables.log_table(logger, "Verification", VERIFY_COLUMNS, short, tables.counted_when_ok, files)
    assert len(caplog.records) == 1 and text == tables.render_table("Verification", VERIFY_COLUMNS, short, 100)
    grown = short + [verified("Layout", "Lead", "Lead 0020 Layout", "has IndividualId", "OK")]
    shown, counted = tables.summarised(grown, tables.counted_when_ok)
    assert counted == 21 and len(shown) == len(grown) - 20


def test_log_names_lists_up_to_the_limit_per_group_and_counts_beyond(caplog):
    logger = logging.getLogger("test_report")
    names = [f"Contact-C{i:02}" for i in range(21)] + [f"Lead-L{i:02}" for i in range(20)]
    with caplog.at_level(logging.INFO, logger="test_report"):
        tables.log_names(logger, "will add the field", names, lambda n: n.split("-")[0], str.lower)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["  will add the field: 21 Contact layouts (listed in the return values)"] + [
        f"  will add the field: lead-l{i:02}" for i in range(20)
    ]
