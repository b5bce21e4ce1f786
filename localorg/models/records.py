"""The local org's records: Contact, Lead, Account, Individual, User, in SQLite (DIR/records.sqlite).

One table per object, one column per field. Which fields and objects are *visible* depends on the
org's switches, as in a real org: Individual and the IndividualId / PersonIndividualId lookups exist
only while Data Protection and Privacy (PartyDataModelSettings.enableConsentManagement) is on, and
person-account fields only with person accounts. Callers pass that as a `Visibility`.

Writes validate like Salesforce (unknown field, read-only field, required field, lookup to a missing
or wrong-type record) and raise RecordError carrying Salesforce's statusCode, message and fields.
`create_many` / `update_many` give per-record results for sObject Collections and Bulk API ingest.
"""

import datetime
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from localorg.exceptions import RecordError
from localorg.models.ids import normalize_id, sf_id
from localorg.models.record_types import PERSON_ACCOUNT_ID
from localorg.models.record_values import COLUMN_TYPES, address_value, field_value
from localorg.models.schema import FIELDS, KEY_PREFIX, PERSON_NAMED, PREFIX_OBJECT, Visibility, cascading_lookups

# Per object: (field, value) a new record gets when it leaves the field out, and the fields the running user fills.
_DEFAULTS = {
    obj: (
        [(f.name, 0 if f.type == "boolean" else f.default) for f in fields if f.type == "boolean" or f.default],
        [f.name for f in fields if f.name in ("OwnerId", "CreatedById", "LastModifiedById")],
    )
    for obj, fields in FIELDS.items()
}


def now_iso() -> str:
    """Salesforce's datetime format: 2024-05-01T10:20:30.000+0000."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


class RecordStore:
    """SQLite-backed records. Not itself locked across calls: the server runs one handler at a time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.RLock()
        self._create_tables()

    def _create_tables(self) -> None:
        with self._lock:
            self.db.execute("CREATE TABLE IF NOT EXISTS counters (object TEXT PRIMARY KEY, next INTEGER NOT NULL)")
            for obj, fields in FIELDS.items():
                stored = [f for f in fields if f.type != "address"]  # a compound address is read from its parts
                cols = ", ".join(
                    f'"{f.name}" {COLUMN_TYPES.get(f.type, "TEXT")}' + (" PRIMARY KEY" if f.name == "Id" else "")
                    for f in stored
                )
                self.db.execute(f'CREATE TABLE IF NOT EXISTS "{obj}" ({cols})')
                # An org saved before a field existed gains its column, empty, as Salesforce adds fields.
                have = {row[1] for row in self.db.execute(f'PRAGMA table_info("{obj}")')}
                for f in stored:
                    if f.name not in have:
                        self.db.execute(f'ALTER TABLE "{obj}" ADD COLUMN "{f.name}" {COLUMN_TYPES.get(f.type, "TEXT")}')
            for obj, field_name in (("Contact", "Email"), ("Lead", "Email"), ("Account", "PersonEmail")):
                # NOCASE: SOQL's = and IN on strings ignore case, and rows_where must use the index.
                self.db.execute(
                    f'CREATE INDEX IF NOT EXISTS "{obj}_{field_name}_nocase" ON "{obj}" ("{field_name}" COLLATE NOCASE)'
                )

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _transaction(self):
        """All of a write or none of it: a failing request never leaves half its records."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # -- reading --------------------------------------------------------------------------------

    @staticmethod
    def _row(obj: str, row: sqlite3.Row) -> dict:
        out = dict(row)
        for f in FIELDS[obj]:
            if f.type == "boolean" and f.name in out:  # a checkbox is never null (a column added later may be)
                out[f.name] = bool(out[f.name])
            elif f.type == "address":
                out[f.name] = address_value(out, f.name[: -len("Address")])
        return out

    def get(self, obj: str, record_id: str) -> dict | None:
        """One record with every stored field, or None."""
        full = normalize_id(record_id)
        if obj not in FIELDS or not full:
            return None
        row = self.db.execute(f'SELECT * FROM "{obj}" WHERE Id = ?', (full,)).fetchone()
        return self._row(obj, row) if row else None

    def rows(self, obj: str):
        """Every record of obj, in insertion order, as dicts."""
        for row in self.db.execute(f'SELECT * FROM "{obj}" ORDER BY rowid'):
            yield self._row(obj, row)

    def rows_where(self, obj: str, field_name: str, values: list):
        """Records whose field equals one of values (ASCII case-insensitive), in insertion order.

        A fast pre-filter for `WHERE Email IN (...)` over tens of thousands of rows; the SOQL engine
        still applies the full condition afterwards.
        """
        if field_name not in {f.name for f in FIELDS[obj]}:
            raise KeyError(field_name)
        found = {}
        for start in range(0, len(values), 500):
            chunk = [str(v) for v in values[start : start + 500]]
            sql = (
                f'SELECT rowid AS _rowid, * FROM "{obj}" WHERE "{field_name}" COLLATE NOCASE IN '
                f"({', '.join('?' * len(chunk))})"
            )
            for row in self.db.execute(sql, chunk):
                found[row["_rowid"]] = row
        for rowid in sorted(found):
            rec = self._row(obj, found[rowid])
            rec.pop("_rowid", None)
            yield rec

    def count(self, obj: str) -> int:
        return self.db.execute(f'SELECT COUNT(*) FROM "{obj}"').fetchone()[0]

    def find(self, record_id: str) -> tuple[str, dict] | None:
        """(object, record) for any id, by its key prefix."""
        full = normalize_id(record_id)
        obj = PREFIX_OBJECT.get((full or "")[:3])
        rec = self.get(obj, full) if obj in FIELDS else None
        return (obj, rec) if rec else None

    # -- writing --------------------------------------------------------------------------------

    def _next_ids(self, obj: str, n: int) -> list[str]:
        row = self.db.execute("SELECT next FROM counters WHERE object = ?", (obj,)).fetchone()
        start = row[0] if row else 1
        self.db.execute("INSERT OR REPLACE INTO counters (object, next) VALUES (?, ?)", (obj, start + n))
        return [sf_id(KEY_PREFIX[obj], i) for i in range(start, start + n)]

    def _clean(self, obj: str, values: dict, vis: Visibility, creating: bool) -> dict:
        """Validated values keyed by canonical field names; RecordError on the first problem."""
        if not isinstance(values, dict):
            raise RecordError("JSON_PARSER_ERROR", "Record must be a JSON object")
        fmap = vis.field_map(obj)
        clean = {}
        for key, value in values.items():
            if key == "attributes":
                continue
            f = fmap.get(str(key).lower())
            if f is None:
                raise RecordError("INVALID_FIELD", f"No such column '{key}' on sobject of type {obj}", [str(key)])
            if f.readonly or (f.create_only and not creating):
                raise RecordError(
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    f"Unable to create/update fields: {f.name}. Please check the security settings of this field "
                    "and verify that it is read/write for your identity or permission set.",
                    [f.name],
                )
            clean[f.name] = field_value(self, obj, f, value, vis)
        if creating:
            missing = [f.name for f in fmap.values() if f.required and clean.get(f.name) in (None, "")]
            if obj == "Account" and not clean.get("Name") and not clean.get("LastName"):
                missing.append("Name")
            if missing:
                raise RecordError(
                    "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing
                )
        return clean

    @staticmethod
    def _with_name(obj: str, rec: dict) -> dict:
        if obj in PERSON_NAMED or (obj == "Account" and rec.get("IsPersonAccount")):
            rec["Name"] = " ".join(p for p in (rec.get("FirstName"), rec.get("LastName")) if p) or None
        return rec

    def _insert(self, obj: str, recs: list[dict]) -> None:
        if not recs:
            return
        given = set().union(*recs)  # columns no record names stay empty: seeding a million rows stays quick
        cols = [f.name for f in FIELDS[obj] if f.type != "address" and f.name in given]
        columns = ", ".join(f'"{c}"' for c in cols)
        sql = f'INSERT INTO "{obj}" ({columns}) VALUES ({", ".join("?" * len(cols))})'
        self.db.executemany(sql, [tuple(r.get(c) for c in cols) for r in recs])

    def _new_record(self, obj: str, rid: str, clean: dict, stamp: str, owner: str | None) -> dict:
        rec = {"Id": rid, "CreatedDate": stamp, "LastModifiedDate": stamp, "SystemModstamp": stamp, "IsDeleted": 0}
        defaults, system = _DEFAULTS[obj]
        if owner:
            rec.update(dict.fromkeys(system, owner))  # the running user, as Salesforce fills them
        rec.update(clean)
        for name, value in defaults:  # checkboxes false; Lead.Status its picklist's default
            if rec.get(name) is None:
                rec[name] = value
        if obj == "Account" and rec.get("RecordTypeId") == PERSON_ACCOUNT_ID:  # the record type makes it a person
            rec["IsPersonAccount"] = 1
        return self._with_name(obj, rec)

    def create_many(
        self, obj: str, records: list[dict], vis: Visibility, all_or_none: bool = False, owner: str | None = None
    ) -> list[dict]:
        """Create records; per-record results {id, success, errors} in input order.

        With all_or_none, one failure fails every record (the others get ALL_OR_NONE_OPERATION_ROLLED_BACK,
        as Salesforce answers) and nothing is written.
        """
        with self._lock:
            cleaned: list[dict | RecordError] = []
            for values in records:
                try:
                    cleaned.append(self._clean(obj, values, vis, creating=True))
                except RecordError as e:
                    cleaned.append(e)
            if all_or_none and any(isinstance(c, RecordError) for c in cleaned):
                return _rolled_back(cleaned)
            good = [c for c in cleaned if not isinstance(c, RecordError)]
            stamp = now_iso()
            with self._transaction():
                ids = iter(self._next_ids(obj, len(good)))
                results, new = [], []
                for c in cleaned:
                    if isinstance(c, RecordError):
                        results.append({"id": None, "success": False, "errors": [c.as_error()]})
                    else:
                        rec = self._new_record(obj, next(ids), c, stamp, owner)
                        new.append(rec)
                        results.append({"id": rec["Id"], "success": True, "errors": []})
                self._insert(obj, new)
            return results

    def update_many(self, obj: str, records: list[dict], vis: Visibility, all_or_none: bool = False) -> list[dict]:
        """Update records (each carries its Id); per-record results {id, success, errors}. Only named fields change."""
        with self._lock:
            cleaned = []
            for values in records:
                values = dict(values) if isinstance(values, dict) else values
                rid = None
                try:
                    if not isinstance(values, dict):
                        raise RecordError("JSON_PARSER_ERROR", "Record must be a JSON object")
                    raw_id = next((values.pop(k) for k in list(values) if k.lower() == "id"), None)
                    if raw_id is None:
                        raise RecordError("MISSING_ARGUMENT", "Id not specified in an update call", [])
                    rid = normalize_id(raw_id)
                    if not rid or PREFIX_OBJECT.get(rid[:3]) != obj:
                        raise RecordError("MALFORMED_ID", f"{obj} ID: id value of incorrect type: {raw_id}", ["Id"])
                    if self.get(obj, rid) is None:
                        raise RecordError("ENTITY_IS_DELETED", "entity is deleted", [])
                    cleaned.append((rid, self._clean(obj, values, vis, creating=False)))
                except RecordError as e:
                    cleaned.append((rid, e))
            if all_or_none and any(isinstance(c, RecordError) for _, c in cleaned):
                return _rolled_back([c for _, c in cleaned], [r for r, _ in cleaned])
            stamp = now_iso()
            results = []
            with self._transaction():
                for rid, c in cleaned:
                    if isinstance(c, RecordError):
                        results.append({"id": rid, "success": False, "errors": [c.as_error()]})
                        continue
                    rec = self.get(obj, rid)
                    rec.update(c)
                    rec.update({"LastModifiedDate": stamp, "SystemModstamp": stamp})
                    self._with_name(obj, rec)
                    changed = dict(c, LastModifiedDate=stamp, SystemModstamp=stamp)
                    if obj in PERSON_NAMED or rec.get("IsPersonAccount"):
                        changed["Name"] = rec["Name"]
                    sets = ", ".join(f'"{k}" = ?' for k in changed)
                    self.db.execute(f'UPDATE "{obj}" SET {sets} WHERE Id = ?', (*changed.values(), rid))
                    results.append({"id": rid, "success": True, "errors": []})
            return results

    def create(self, obj: str, values: dict, vis: Visibility, owner: str | None = None) -> str:
        """Create one record and return its id; RecordError if Salesforce would refuse it."""
        result = self.create_many(obj, [values], vis, all_or_none=True, owner=owner)[0]
        if not result["success"]:
            err = result["errors"][0]
            raise RecordError(err["statusCode"], err["message"], err["fields"])
        return result["id"]

    def update(self, obj: str, record_id: str, values: dict, vis: Visibility) -> None:
        """Update one record; RecordError if Salesforce would refuse it."""
        result = self.update_many(obj, [dict(values, Id=record_id)], vis, all_or_none=True)[0]
        if not result["success"]:
            err = result["errors"][0]
            raise RecordError(err["statusCode"], err["message"], err["fields"])

    def insert_raw(self, obj: str, recs: list[dict]) -> list[str]:
        """Seed records without validation (fast path for tens of thousands); returns their ids."""
        with self._lock:
            stamp = now_iso()
            with self._transaction():
                ids = self._next_ids(obj, len(recs))
                full = [
                    self._new_record(obj, rid, dict(r), stamp, r.get("OwnerId"))
                    for rid, r in zip(ids, recs, strict=False)
                ]
                self._insert(obj, full)
            return ids

    def _delete_children(self, obj: str, record_id: str) -> None:
        for child, field_name in cascading_lookups(obj):
            self.db.execute(f'DELETE FROM "{child}" WHERE "{field_name}" = ?', (record_id,))

    def set_system_fields(self, obj: str, record_id: str, values: dict) -> None:
        """Write fields only the org itself sets (read-only to clients), e.g. a ScratchOrgInfo's Status."""
        known = {f.name for f in FIELDS[obj]}
        assert set(values) <= known, set(values) - known
        stamp = now_iso()
        sets = ", ".join(f'"{k}" = ?' for k in [*values, "LastModifiedDate", "SystemModstamp"])
        with self._lock:
            self.db.execute(f'UPDATE "{obj}" SET {sets} WHERE Id = ?', (*values.values(), stamp, stamp, record_id))

    def purge(self, objects: list[str], lookups: list[tuple[str, str]]) -> None:
        """Delete every record of `objects` and clear the (object, field) lookups, in one transaction."""
        with self._transaction():
            for obj in objects:
                self.db.execute(f'DELETE FROM "{obj}"')
            for obj, field_name in lookups:
                self.db.execute(f'UPDATE "{obj}" SET "{field_name}" = NULL WHERE "{field_name}" IS NOT NULL')

    def delete_many(self, obj: str, ids: list) -> list[dict]:
        """Delete records by Id; per-record results (MALFORMED_ID, ENTITY_IS_DELETED) in the order given."""
        results = []
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for raw in ids:
                    rid = normalize_id(raw)
                    if not rid or PREFIX_OBJECT.get(rid[:3]) != obj:
                        error = RecordError("MALFORMED_ID", f"{obj} ID: id value of incorrect type: {raw}", ["Id"])
                    elif self.get(obj, rid) is None:
                        error = RecordError("ENTITY_IS_DELETED", "entity is deleted", [])
                    else:
                        self.db.execute(f'DELETE FROM "{obj}" WHERE Id = ?', (rid,))
                        self._delete_children(obj, rid)
                        results.append({"id": rid, "success": True, "errors": []})
                        continue
                    results.append({"id": rid, "success": False, "errors": [error.as_error()]})
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return results


ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


def _rolled_back(cleaned, ids=None) -> list[dict]:
    return [
        {
            "id": ids[i] if ids else None,
            "success": False,
            "errors": [c.as_error() if isinstance(c, RecordError) else dict(ROLLED_BACK)],
        }
        for i, c in enumerate(cleaned)
    ]
