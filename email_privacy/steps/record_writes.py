"""One write step of a run through REST or Bulk API 2.0, outcomes keyed back in the rows' order; Bulk results are
paired with the rows in the run's index, so no step holds its rows."""

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from email_privacy.api.ingest_files import check_upload, write_upload_files
from email_privacy.api.records import Every, RecordsClient, csv_value
from email_privacy.steps.match_index import BATCH, MatchIndex

NO_RESULT = "no result from the org"
UNPROCESSED = "not processed by the org"


def write(
    client: RecordsClient,
    index: MatchIndex,
    sobject: str,
    operation: str,
    columns: Sequence[str],
    rows: Iterable[tuple],
    count: int,
    threshold: int,
    upload_limit: int,
    folder: Path,
) -> Iterator[tuple]:
    """(key, new id or None, error or None) for each (key, values) row; `count` rows are expected."""
    if count <= 0:
        return
    if count < threshold:
        yield from _rest(client, sobject, operation, columns, rows)
    else:
        yield from _bulk(client, index, sobject, operation, columns, rows, upload_limit, folder)


def _rest(client, sobject, operation, columns, rows) -> Iterator[tuple]:
    keys: dict[int, object] = {}

    def records():
        for n, (key, values) in enumerate(rows):
            keys[n] = key
            yield dict(zip(columns, values, strict=True))

    for outcome in client.collection_write(sobject, operation, records()):
        yield keys.pop(outcome.index), outcome.id, outcome.error


def _match_key(operation: str, columns: Sequence[str], values: Sequence) -> str:
    """What a result row is paired by: the Id for update and delete, the uploaded values for insert."""
    if operation == "insert":
        return "\x1f".join(csv_value(v) for v in values)
    return csv_value(values[list(columns).index("Id")])[:15]  # results may carry the 18-character form


def _bulk(client, index, sobject, operation, columns, rows, upload_limit, folder) -> Iterator[tuple]:
    what = f"{sobject} {operation} (Bulk API 2.0)"
    tick = Every(client.progress)
    index.clear_sent()
    pending: list[tuple] = []

    def values():
        for n, (key, vals) in enumerate(rows, start=1):
            pending.append((n, key, _match_key(operation, columns, vals)))
            if len(pending) >= BATCH:
                index.add_sent(pending)
                pending.clear()
                tick(f"{what}: {n} rows written to upload files")
            yield vals

    first = 1
    with tempfile.TemporaryDirectory(prefix="upload-", dir=folder) as tmp:
        for number, upload in enumerate(
            write_upload_files(Path(tmp), f"{sobject}-{operation}", columns, values(), upload_limit), start=1
        ):
            index.add_sent(pending)
            pending.clear()
            check_upload(upload, upload_limit)
            client.progress(f"{what}: upload {number}, {upload.rows} rows, {upload.size} bytes")
            job_id, _ = client.ingest_job(sobject, operation, upload.path, what)
            upload.path.unlink()
            index.add_results(_results(client, job_id, operation, columns, lambda n: tick(f"{what}: {n} results read")))
            last = first + upload.rows - 1
            for key, new_id, error, has_result in index.outcomes(first, last):
                if not has_result:
                    yield key, None, NO_RESULT
                else:
                    yield key, new_id, error
            first = last + 1


def _results(client, job_id, operation, columns, on_row) -> Iterator[tuple]:
    for n, (kind, row) in enumerate(client.ingest_results(job_id), start=1):
        if n % BATCH == 0:
            on_row(n)
        key = _match_key(operation, columns, [row.get(c) for c in columns])
        if kind == "successfulResults":
            yield key, row.get("sf__Id") or None, None
        elif kind == "failedResults":
            yield key, row.get("sf__Id") or None, row.get("sf__Error") or "failed, no reason given"
        else:
            yield key, None, UNPROCESSED
