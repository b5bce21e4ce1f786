"""Option parsing: every bad value is one line naming the option, the value and what is allowed."""

import pytest

from email_privacy.errors import OptionError
from email_privacy.options.values import (
    parse_api_version,
    parse_bool,
    parse_choice,
    parse_existing_path,
    parse_folder,
    parse_int,
    parse_list,
    report_path,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (True, True),
        (False, False),
        ("True", True),
        ("false", False),
        (" yes ", True),
        ("0", False),
        ("off", False),
    ],
)
def test_booleans_from_yaml_and_strings(value, expected):
    assert parse_bool("dry_run", value) is expected


def test_boolean_default_and_required():
    assert parse_bool("dry_run", None, False) is False
    assert parse_bool("dry_run", "", True) is True
    with pytest.raises(OptionError, match="^Option dry_run is required: use true or false.$"):
        parse_bool("dry_run", None)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: parse_bool("dry_run", "maybe"), "Option dry_run: 'maybe' is not a boolean; use true or false."),
        (
            lambda: parse_choice("behavior", "Hidden", ("Edit", "Readonly")),
            "Option behavior: 'Hidden' is not allowed; use one of Edit, Readonly.",
        ),
        (
            lambda: parse_list("objects", "Contact,Case,Task", ("Contact", "Lead")),
            "Option objects: Case, Task not allowed; use any of Contact, Lead.",
        ),
        (lambda: parse_list("objects", 42), "Option objects: 42 is not a list; use comma-separated values."),
        (
            lambda: parse_int("retries", "x", 3, 0, 10),
            "Option retries: 'x' is not a whole number; use a whole number from 0 to 10.",
        ),
        (
            lambda: parse_int("retries", "11", 3, 0, 10),
            "Option retries: 11 is out of range; use a whole number from 0 to 10.",
        ),
        (lambda: parse_int("count", None), "Option count is required: use a whole number."),
        (
            lambda: parse_api_version("api_version", "v63", "63.0"),
            "Option api_version: 'v63' is not an API version; use a number like 63.0.",
        ),
        (
            lambda: parse_api_version("api_version", "nan", "63.0"),
            "Option api_version: 'nan' is not an API version; use a number like 63.0.",
        ),
        (lambda: parse_existing_path("csv", "no/such.csv"), "Option csv: no/such.csv is not an existing file."),
    ],
)
def test_bad_values_one_line(call, message):
    with pytest.raises(OptionError) as err:
        call()
    assert str(err.value) == message


def test_good_values_are_canonical():
    assert parse_choice("behavior", "readonly", ("Edit", "Readonly")) == "Readonly"
    assert parse_list("objects", "contact, LEAD", ("Contact", "Lead")) == ["Contact", "Lead"]
    assert parse_list("objects", ["Lead"], ("Contact", "Lead")) == ["Lead"]
    assert parse_int("retries", " 4 ", 3, 0, 10) == 4
    assert parse_api_version("api_version", "63", "62.0") == "63.0"
    assert parse_api_version("api_version", None, "62.0") == "62.0"


def test_folders(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("x")
    monkeypatch.chdir(tmp_path)
    # Relative paths are made absolute against the folder cci runs in, before CumulusCI moves into the
    # checkout the task came from.
    assert parse_folder("snapshot_dir", None, "default") == tmp_path / "default"
    assert parse_folder("snapshot_dir", "sub/dir", "default") == tmp_path / "sub" / "dir"
    assert report_path("report", "out.json") == tmp_path / "out.json"
    assert parse_folder("snapshot_dir", str(tmp_path / "new"), "default") == tmp_path / "new"
    with pytest.raises(OptionError, match="is a file; use a folder"):
        parse_folder("snapshot_dir", str(tmp_path / "a-file"), "default")
    with pytest.raises(OptionError, match="is not an existing folder"):
        parse_folder("snapshot_dir", str(tmp_path / "new"), "default", must_exist=True)
    assert parse_existing_path("snapshot", str(tmp_path), kind="folder") == tmp_path
