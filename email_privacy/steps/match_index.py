"""The on-disk index (SQLite) of one set_individual_privacy run, so neither the CSV nor the org's records are held
whole in memory: rows go in and out in batches, and SQLite's joins do the matching."""

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

BATCH = 5000

SCHEMA = """
CREATE TABLE request (line INTEGER, email TEXT, email_key TEXT, id TEXT, id_key TEXT, object TEXT);
CREATE TABLE wanted (target TEXT, kind TEXT, key TEXT, PRIMARY KEY (target, kind, key)) WITHOUT ROWID;
CREATE TABLE found (kind TEXT, key TEXT, PRIMARY KEY (kind, key)) WITHOUT ROWID;
CREATE TABLE page (key TEXT, object TEXT, id15 TEXT, id TEXT, first_name TEXT, last_name TEXT, email TEXT,
                   individual_id TEXT, is_set INTEGER);
CREATE TABLE match (seq INTEGER PRIMARY KEY, object TEXT, id15 TEXT, id TEXT, first_name TEXT, last_name TEXT,
                    email TEXT, individual_id TEXT, is_set INTEGER, new_individual_id TEXT, orphan INTEGER DEFAULT 0,
                    UNIQUE (object, id15));
CREATE INDEX match_individual ON match (individual_id);
CREATE TABLE sent (n INTEGER PRIMARY KEY, key TEXT, match_key TEXT);
CREATE TABLE result (n INTEGER PRIMARY KEY, match_key TEXT, new_id TEXT, error TEXT);
CREATE TABLE failed (seq INTEGER PRIMARY KEY, object TEXT, id TEXT, email TEXT, step TEXT, error TEXT);
"""
MATCH_COLUMNS = "object, id15, id, first_name, last_name, email, individual_id, is_set"


def batched(items: Iterable, size: int | None = None) -> Iterator[list]:
    iterator, size = iter(items), size or BATCH
    while chunk := list(islice(iterator, size)):
        yield chunk


class MatchIndex:
    """Under a temporary `folder` the caller removes."""

    def __init__(self, folder: Path):
        self.db = sqlite3.connect(str(Path(folder) / "index.sqlite"), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _many(self, sql: str, rows: Iterable) -> int:
        count = 0
        for chunk in batched(rows):
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany(sql, chunk)
            count += len(chunk)
        return count

    def scalar(self, sql: str, *args):
        return self.db.execute(sql, args).fetchone()[0]

    # -- the request ------------------------------------------------------------------------------
    def add_requests(self, rows: Iterable, on_batch=lambda n: None) -> int:
        """Store the CSV rows (InputRow) with their lookup keys; the keys each target must find."""

        def values():
            for n, r in enumerate(rows, start=1):
                if n % BATCH == 0:
                    on_batch(n)
                yield (
                    r.line,
                    r.email,
                    r.email.lower() if r.email else None,
                    r.id,
                    r.id[:15] if r.id else None,
                    r.object,
                )

        count = self._many("INSERT INTO request VALUES (?, ?, ?, ?, ?, ?)", values())
        self.db.execute("CREATE INDEX request_email ON request (email_key)")
        self.db.execute("CREATE INDEX request_id ON request (id_key)")
        return count

    def want(self, target: str) -> None:
        """The distinct keys `target` must be searched for: emails of rows for it or for no object, ids of its rows."""
        self.db.execute(
            "INSERT OR IGNORE INTO wanted SELECT ?, 'email', email_key FROM request "
            "WHERE email_key IS NOT NULL AND (object IS NULL OR object = ?)",
            (target, target),
        )
        self.db.execute(
            "INSERT OR IGNORE INTO wanted SELECT ?, 'id', id_key FROM request "
            "WHERE email IS NULL AND id_key IS NOT NULL AND object = ?",
            (target, target),
        )

    def wanted_count(self, target: str, kind: str) -> int:
        return self.scalar("SELECT COUNT(*) FROM wanted WHERE target = ? AND kind = ?", target, kind)

    def wanted_keys(self, target: str, kind: str) -> Iterator[str]:
        for (key,) in self.db.execute(
            "SELECT key FROM wanted WHERE target = ? AND kind = ? ORDER BY key", (target, kind)
        ):
            yield key

    # -- matching ---------------------------------------------------------------------------------
    def add_records(
        self, rows: Iterable[tuple], target: str | None = None, kind: str | None = None, on_batch=None
    ) -> int:
        """The first of each (object, id) only; with `target` and `kind`, only records whose key it wanted."""
        total = read = 0
        for chunk in batched(rows):
            read += len(chunk)
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany(
                    f"INSERT INTO page (key, {MATCH_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk
                )
                keep = ""
                if target:
                    keep = (
                        " WHERE EXISTS (SELECT 1 FROM wanted w WHERE w.target = ? AND w.kind = ? AND w.key = page.key)"
                    )
                    self.db.execute(f"INSERT OR IGNORE INTO found SELECT ?, key FROM page{keep}", (kind, target, kind))
                before = self.db.total_changes
                self.db.execute(
                    f"INSERT OR IGNORE INTO match ({MATCH_COLUMNS}) "
                    f"SELECT {MATCH_COLUMNS} FROM page{keep} ORDER BY rowid",
                    (target, kind) if target else (),
                )
                total += self.db.total_changes - before
                self.db.execute("DELETE FROM page")
            if on_batch:
                on_batch(read, total)
        return total

    def not_found(self) -> Iterator[str]:
        """Emails or ids of the CSV with no record, each once, in the order of their first line."""
        yield from (
            value
            for (value,) in self.db.execute(
                """SELECT value FROM (
                     SELECT COALESCE(email, id) AS value, MIN(line) AS first FROM request r
                     WHERE (email IS NOT NULL AND NOT EXISTS
                              (SELECT 1 FROM found f WHERE f.kind = 'email' AND f.key = r.email_key))
                        OR (email IS NULL AND NOT EXISTS
                              (SELECT 1 FROM found f WHERE f.kind = 'id' AND f.key = r.id_key))
                     GROUP BY value) ORDER BY first"""
            )
        )

    # -- the plan ---------------------------------------------------------------------------------
    def matched(self) -> int:
        return self.scalar("SELECT COUNT(*) FROM match")

    def individuals_to_update(self) -> Iterator[str]:
        """Each existing Individual whose flags differ, once however many records share it."""
        sql = (
            "SELECT individual_id FROM match WHERE individual_id IS NOT NULL AND NOT is_set "
            "GROUP BY individual_id ORDER BY MIN(seq)"
        )
        yield from (i for (i,) in self.db.execute(sql))

    def count_to_update(self) -> int:
        return self.scalar(
            "SELECT COUNT(DISTINCT individual_id) FROM match WHERE individual_id IS NOT NULL AND NOT is_set"
        )

    def count_already_set(self) -> int:
        return self.scalar("SELECT COUNT(DISTINCT individual_id) FROM match WHERE individual_id IS NOT NULL AND is_set")

    def count_to_create(self) -> int:
        return self.scalar("SELECT COUNT(*) FROM match WHERE individual_id IS NULL")

    def to_create(self) -> Iterator[tuple]:
        yield from self.db.execute(
            "SELECT seq, first_name, last_name FROM match WHERE individual_id IS NULL ORDER BY seq"
        )

    def to_link(self, obj: str) -> Iterator[tuple]:
        """(seq, record id, new Individual id) of each record of `obj` whose new Individual was created."""
        yield from self.db.execute(
            "SELECT seq, id, new_individual_id FROM match "
            "WHERE object = ? AND new_individual_id IS NOT NULL ORDER BY seq",
            (obj,),
        )

    def linked_objects(self) -> list[str]:
        return [o for (o,) in self.db.execute("SELECT DISTINCT object FROM match WHERE new_individual_id IS NOT NULL")]

    def count_to_link(self, obj: str) -> int:
        return self.scalar("SELECT COUNT(*) FROM match WHERE object = ? AND new_individual_id IS NOT NULL", obj)

    def count_orphans(self) -> int:
        return self.scalar("SELECT COUNT(*) FROM match WHERE orphan")

    def orphans(self) -> Iterator[tuple]:
        yield from self.db.execute("SELECT seq, new_individual_id FROM match WHERE orphan ORDER BY seq")

    def set_created(self, pairs: list[tuple]) -> None:
        self._many("UPDATE match SET new_individual_id = ? WHERE seq = ?", ((i, s) for s, i in pairs))

    def set_orphans(self, seqs: list[int]) -> None:
        self._many("UPDATE match SET orphan = 1 WHERE seq = ?", ((s,) for s in seqs))

    def confirmable(self) -> Iterator[tuple]:
        """(object, id, email) of every matched record no step failed for, in match order."""
        yield from self.db.execute(
            "SELECT object, id, email FROM match WHERE id NOT IN (SELECT id FROM failed) ORDER BY seq"
        )

    # -- failures ---------------------------------------------------------------------------------
    def fail_records(self, step: str, seqs_and_errors: list[tuple]) -> None:
        self._many(
            "INSERT INTO failed (object, id, email, step, error) "
            "SELECT object, id, email, ?, ? FROM match WHERE seq = ?",
            ((step, e, s) for s, e in seqs_and_errors),
        )

    def fail_individuals(self, step: str, ids_and_errors: list[tuple]) -> None:
        """A failure for every record sharing each Individual: (Individual id, the org's error)."""
        self._many(
            "INSERT INTO failed (object, id, email, step, error) SELECT object, id, email, ?, ? FROM match "
            "WHERE individual_id = ? ORDER BY seq",
            ((step, e, i) for i, e in ids_and_errors),
        )

    def failed_count(self) -> int:
        return self.scalar("SELECT COUNT(*) FROM failed")

    def failed(self) -> Iterator[dict]:
        for row in self.db.execute("SELECT object, id, email, step, error FROM failed ORDER BY seq"):
            yield dict(zip(("object", "id", "email", "step", "error"), row, strict=True))

    # -- Bulk job outcomes --------------------------------------------------------------------------
    def clear_sent(self) -> None:
        self.db.execute("DELETE FROM sent")

    def add_sent(self, rows: Iterable[tuple]) -> None:
        """(n, key, match key) of rows written to upload files; n counts the rows of one write."""
        self._many("INSERT INTO sent VALUES (?, ?, ?)", rows)

    def add_results(self, rows: Iterable[tuple]) -> None:
        """(match key, new id, error) of each result row of one job, in the order read."""
        self.db.execute("DELETE FROM result")
        self._many("INSERT INTO result (match_key, new_id, error) VALUES (?, ?, ?)", rows)

    def outcomes(self, first: int, last: int) -> Iterator[tuple]:
        """(key, new id, error, has a result) per uploaded row in first..last; results come in no order, so rows
        with equal match keys pair in order (equal rows are interchangeable)."""
        yield from self.db.execute(
            """WITH s AS (SELECT n, key, match_key, ROW_NUMBER() OVER (PARTITION BY match_key ORDER BY n) AS rn
                          FROM sent WHERE n BETWEEN ? AND ?),
                    r AS (SELECT match_key, new_id, error, ROW_NUMBER() OVER (PARTITION BY match_key ORDER BY n) AS rn
                          FROM result)
               SELECT s.key, r.new_id, r.error, r.match_key IS NOT NULL FROM s
               LEFT JOIN r ON r.match_key = s.match_key AND r.rn = s.rn ORDER BY s.n""",
            (first, last),
        )
