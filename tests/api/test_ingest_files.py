"""org.ingest_files: rows split into upload files, each within the limit once base64-encoded."""

import base64
import csv

import pytest

from email_privacy.api.ingest_files import UploadFile, check_upload, csv_budget, write_upload_files
from email_privacy.errors import OrgError


def test_rows_split_into_files_each_within_the_limit_every_row_once(tmp_path):
    rows = [(f"0PK{i:012d}AAA", i % 2 == 0, 'Zoë, "quoted"\nname' if i % 7 == 0 else None) for i in range(500)]
    files = list(write_upload_files(tmp_path, "Individual-update", ["Id", "HasOptedOutTracking", "Note"], rows, 6000))
    assert len(files) > 3 and sum(f.rows for f in files) == 500
    read = []
    for f in files:
        data = f.path.read_bytes()
        assert len(data) == f.size <= csv_budget(6000) and len(base64.b64encode(data)) <= 6000
        with open(f.path, newline="", encoding="utf-8") as fh:
            lines = list(csv.reader(fh))
        assert lines[0] == ["Id", "HasOptedOutTracking", "Note"] and len(lines) - 1 == f.rows
        read += lines[1:]
    assert read == [[r[0], "true" if r[1] else "false", r[2] or ""] for r in rows]


def test_a_row_larger_than_any_upload_and_an_oversized_file_are_refused(tmp_path):
    with pytest.raises(OrgError, match="more than one Bulk API 2.0 upload takes"):
        list(write_upload_files(tmp_path, "Individual-insert", ["LastName"], [("x" * 2000,)], 1500))
    big = tmp_path / "big.csv"
    big.write_bytes(b"Id\n" + b"0PK000000000001AAA\n" * 100)
    with pytest.raises(OrgError, match="over the Bulk API 2.0 upload limit"):
        check_upload(UploadFile(big, 100, 1903), 1500)
    check_upload(UploadFile(big, 100, 1903), 3000)
