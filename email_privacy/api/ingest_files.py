"""Bulk API 2.0 upload files on disk, a new one before one would pass the upload limit (docs/salesforce-facts.md,
Bulk API 2.0), counted in exact bytes as written and checked again before upload."""

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from email_privacy.api.records import csv_value
from email_privacy.errors import OrgError

SALESFORCE_UPLOAD_LIMIT = 150_000_000  # bytes per upload, base64-encoded
BASE64_GROWTH = 1.5  # Salesforce's own figure for the base64 increase ("about 50%")


def csv_budget(upload_limit: int) -> int:
    """Bytes of plain CSV that stay within `upload_limit` once base64-encoded."""
    return int(upload_limit / BASE64_GROWTH)


@dataclass
class UploadFile:
    """One CSV file for one ingest job: its path, how many data rows it holds, and its size in bytes."""

    path: Path
    rows: int
    size: int


def _line(values) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([csv_value(v) for v in values])
    return out.getvalue().encode("utf-8")


def write_upload_files(
    folder: Path,
    stem: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    upload_limit: int = SALESFORCE_UPLOAD_LIMIT,
) -> Iterator[UploadFile]:
    """Yields each file once complete, so it is uploaded before the next is written."""
    budget = csv_budget(upload_limit)
    header = _line(columns)
    number, handle, size, count, path = 0, None, 0, 0, Path(folder)
    try:
        for values in rows:
            line = _line(values)
            if len(header) + len(line) > budget:
                raise OrgError(
                    f"A {stem} row is {len(line)} bytes, more than one Bulk API 2.0 upload takes "
                    f"({upload_limit} bytes base64-encoded)."
                )
            if handle is not None and size + len(line) > budget:
                handle.close()
                yield UploadFile(path, count, size)
                handle = None
            if handle is None:
                number += 1
                path = Path(folder) / f"{stem}-{number}.csv"
                handle = open(path, "wb")
                handle.write(header)
                size, count = len(header), 0
            handle.write(line)
            size += len(line)
            count += 1
        if handle is not None:
            handle.close()
            handle = None
            yield UploadFile(path, count, size)
    finally:
        if handle is not None:
            handle.close()


def check_upload(upload: UploadFile, upload_limit: int) -> None:
    """Refuse a file over the limit before it is sent (the file on disk, whatever wrote it)."""
    size = os.path.getsize(upload.path)
    if size > csv_budget(upload_limit):
        raise OrgError(
            f"{upload.path.name} is {size} bytes: over the Bulk API 2.0 upload limit "
            f"({upload_limit} bytes base64-encoded, so {csv_budget(upload_limit)} bytes of CSV)."
        )
