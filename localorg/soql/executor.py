"""The SOQL executor: a parsed Query run over a Source (the org), shaped as Salesforce shapes query replies."""

import operator
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from ..models.ids import normalize_id
from .lexer import SoqlError, as_instant, near
from .parser import BoolOp, Compare, Count, Path, Query, parse


class Source(ABC):
    """What the engine needs from an org (models/sobjects.py supplies the real one).

    fields(obj) -> {lower-case name: Field} or None when obj does not exist;
    rows(obj) -> iterable of dicts keyed by canonical field names; get(obj, id) -> dict | None.
    """

    api_version = "63.0"

    @property
    def sobjects_url(self) -> str:
        """Where the records' `attributes.url` point: the data API's sobjects (the Tooling API's own for Tooling)."""
        return f"/services/data/v{self.api_version}/sobjects"

    @abstractmethod
    def fields(self, obj: str):
        """{lower-case field name: Field} of obj, or None when obj does not exist."""

    @abstractmethod
    def rows(self, obj: str, prefilter: tuple[str, list] | None = None):
        """Rows of obj; with prefilter (field, values) a source may return only rows whose field
        equals one of values (the engine still applies the whole condition)."""

    @abstractmethod
    def get(self, obj: str, record_id: str):
        """One record of obj by id, or None."""

    @abstractmethod
    def canonical_object(self, obj: str) -> str | None:
        """obj's API name as the org spells it, or None when it does not exist."""


@dataclass
class _Resolved:
    """A path checked against the schema."""

    path: Path
    field_name: str  # canonical name of the last part
    field_type: str
    parent_field: str | None = None  # e.g. IndividualId for Individual.X
    parent_obj: str | None = None
    relationship: str | None = None  # canonical relationship name, e.g. Individual


def _invalid_field(q: str, pos: int, name: str, obj: str) -> SoqlError:
    return SoqlError(
        "INVALID_FIELD",
        near(q, pos) + f"No such column '{name}' on entity '{obj}'. If you are "
        "attempting to use a custom field, be sure to append the '__c' after the custom field name. "
        "Please reference your WSDL or the describe call for the appropriate names.",
    )


def _resolve(q: str, source: Source, obj: str, path: Path) -> _Resolved:
    fmap = source.fields(obj)
    if len(path.parts) == 1:
        f = fmap.get(path.parts[0].lower())
        if not f:
            raise _invalid_field(q, path.pos, path.parts[0], obj)
        return _Resolved(path, f.name, f.type)
    rel, name = path.parts
    ref = next((f for f in fmap.values() if f.reference_to and f.name.lower() == rel.lower() + "id"), None)
    if not ref:
        raise SoqlError(
            "INVALID_FIELD",
            near(q, path.pos) + f"Didn't understand relationship '{rel}' in field "
            f"path. If you are attempting to use a custom relationship, be sure to append the '__r' after "
            "the custom relationship name. Please reference your WSDL or the describe call for the "
            "appropriate names.",
        )
    parent_fields = source.fields(ref.reference_to) or {}
    pf = parent_fields.get(name.lower())
    if not pf:
        raise _invalid_field(q, path.pos, path.text, obj)
    return _Resolved(path, pf.name, pf.type, ref.name, ref.reference_to, ref.name[:-2])


def _full_id(value):
    return (normalize_id(value) or value) if isinstance(value, str) else value


def _norm(value):
    return value.lower() if isinstance(value, str) else value


def _like(pattern: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


_COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class _Executor:
    def __init__(self, q: str, query: Query, source: Source):
        self.q, self.query, self.source = q, query, source
        self._parents: dict[tuple[str, str], dict | None] = {}

    def value(self, row: dict, r: _Resolved):
        if r.parent_field is None:
            return row.get(r.field_name)
        pid = row.get(r.parent_field)
        if not pid:
            return None
        key = (r.parent_obj, pid)
        if key not in self._parents:
            self._parents[key] = self.source.get(r.parent_obj, pid)
        parent = self._parents[key]
        return parent.get(r.field_name) if parent else None

    def compile(self, node):
        """A predicate row -> bool for a WHERE tree (schema checked once, here)."""
        if isinstance(node, BoolOp):
            parts = [self.compile(n) for n in node.items]
            if node.op == "not":
                return lambda row: not parts[0](row)
            if node.op == "and":
                return lambda row: all(p(row) for p in parts)
            return lambda row: any(p(row) for p in parts)
        r = _resolve(self.q, self.source, self.query.obj, node.path)
        self._check_type(r, node)
        op, value = node.op, node.value
        if r.field_type in ("id", "reference"):  # a 15-character id names the same record as its 18-character form
            value = [_full_id(v) for v in value] if isinstance(value, list) else _full_id(value)
        if r.field_type == "datetime":
            return self._compile_datetime(r, op, value)
        if op == "like":
            rx = _like(value)
            return lambda row: isinstance(v := self.value(row, r), str) and bool(rx.fullmatch(v))
        if op in ("in", "notin"):
            wanted = {_norm(v) for v in value}
            if op == "in":
                return lambda row: _norm(self.value(row, r)) in wanted and self.value(row, r) is not None
            return lambda row: _norm(self.value(row, r)) not in wanted
        target = _norm(value)
        if op == "=":
            return lambda row: _norm(self.value(row, r)) == target
        if op == "!=":
            return lambda row: _norm(self.value(row, r)) != target
        cmp = _COMPARE[op]

        def ordered(row):
            v = _norm(self.value(row, r))
            try:
                return v is not None and target is not None and cmp(v, target)
            except TypeError:
                return False

        return ordered

    def _compile_datetime(self, r: _Resolved, op: str, value):
        """A datetime comparison (=, !=, <, <=, >, >=, IN, NOT IN): row values in any Salesforce datetime
        form and dateTime literals compared as instants. _check_type has refused quoted values (and LIKE)."""

        def instant(row):
            return as_instant(self.value(row, r))

        if op in ("in", "notin"):
            wanted = {as_instant(v) for v in value}
            if op == "in":
                return lambda row: (v := instant(row)) is not None and v in wanted
            return lambda row: instant(row) not in wanted
        target = as_instant(value)
        compare = _COMPARE[op]
        if op == "!=":
            return lambda row: instant(row) != target
        if target is None:  # = null; an ordering against null matches nothing
            return (lambda row: instant(row) is None) if op == "=" else (lambda row: False)
        return lambda row: (v := instant(row)) is not None and compare(v, target)

    def prefilter(self, node) -> tuple[str, list] | None:
        """(field, values) that every matching row must equal one of, from a top-level `=` or `IN`
        on a string field of the queried object itself, so a source can use an index."""
        candidates = node.items if isinstance(node, BoolOp) and node.op == "and" else [node]
        for c in candidates:
            if isinstance(c, Compare) and c.op in ("=", "in") and len(c.path.parts) == 1:
                values = c.value if c.op == "in" else [c.value]
                if values and all(isinstance(v, str) for v in values):
                    r = _resolve(self.q, self.source, self.query.obj, c.path)
                    return r.field_name, values
        return None

    def _check_type(self, r: _Resolved, node: Compare) -> None:
        values = node.value if isinstance(node.value, list) else [node.value]
        for v in values:
            if v is None:
                continue
            if r.field_type == "boolean" and not isinstance(v, bool):
                raise SoqlError(
                    "INVALID_FIELD",
                    near(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type boolean "
                    "and should not be enclosed in quotes",
                )
            if r.field_type == "datetime" and not isinstance(v, datetime):
                raise SoqlError(
                    "INVALID_FIELD",
                    near(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type dateTime "
                    "and should not be enclosed in quotes",
                )
            if r.field_type != "datetime" and isinstance(v, datetime):
                raise SoqlError(
                    "INVALID_FIELD",
                    near(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type "
                    f"{r.field_type} and should be enclosed in quotes",
                )
            if r.field_type != "boolean" and isinstance(v, bool):
                raise SoqlError(
                    "INVALID_FIELD",
                    near(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type "
                    f"{r.field_type} and should be enclosed in quotes",
                )

    def run(self) -> dict:
        query, source = self.query, self.source
        obj = source.canonical_object(query.obj)
        if obj is None:
            raise SoqlError(
                "INVALID_TYPE",
                near(self.q, query.obj_pos) + f"sObject type '{query.obj}' is not "
                "supported. If you are attempting to use a custom object, be sure to append the '__c' "
                "after the entity name. Please reference your WSDL or the describe call for the "
                "appropriate names.",
            )
        query.obj = obj
        counts = [s for s in query.select if isinstance(s, Count)]
        for c in counts:
            if c.path:
                _resolve(self.q, source, obj, c.path)
        selected = [_resolve(self.q, source, obj, p) for p in query.select if isinstance(p, Path)]
        predicate = self.compile(query.where) if query.where is not None else (lambda row: True)
        order = [(_resolve(self.q, source, obj, p), desc, nulls_last) for p, desc, nulls_last in query.order_by]
        rows = [row for row in source.rows(obj, self.prefilter(query.where)) if predicate(row)]
        for r, desc, nulls_last in reversed(order):  # stable sorts, last key first
            present = [row for row in rows if self.value(row, r) is not None]
            missing = [row for row in rows if self.value(row, r) is None]
            present.sort(key=lambda row: _norm(self.value(row, r)), reverse=desc)
            rows = present + missing if nulls_last else missing + present
        rows = rows[query.offset :]
        if query.limit is not None:
            rows = rows[: query.limit]
        if counts:
            c = counts[0]
            if c.path is None:
                return {"totalSize": len(rows), "done": True, "records": []}
            r = _resolve(self.q, source, obj, c.path)
            n = sum(1 for row in rows if self.value(row, r) is not None)
            return {
                "totalSize": 1,
                "done": True,
                "records": [{"attributes": {"type": "AggregateResult"}, c.alias or "expr0": n}],
            }
        return {"totalSize": len(rows), "done": True, "records": [self.shape(row, obj, selected) for row in rows]}

    def shape(self, row: dict, obj: str, selected: list[_Resolved]) -> dict:
        rec = {"attributes": {"type": obj, "url": f"{self.source.sobjects_url}/{obj}/{row.get('Id')}"}}
        for r in selected:
            if r.parent_field is None:
                rec[r.field_name] = row.get(r.field_name)
                continue
            pid = row.get(r.parent_field)
            if not pid or self.value(row, r) is None and self._parents.get((r.parent_obj, pid)) is None:
                rec.setdefault(r.relationship, None)
                continue
            parent = rec.get(r.relationship) or {
                "attributes": {"type": r.parent_obj, "url": f"{self.source.sobjects_url}/{r.parent_obj}/{pid}"}
            }
            parent[r.field_name] = self.value(row, r)
            rec[r.relationship] = parent
        return rec


def execute(q: str, source: Source) -> dict:
    """Run a query; the full result {totalSize, done, records} (paging is the caller's)."""
    return _Executor(q, parse(q), source).run()


def columns(q: str, source: Source) -> dict:
    """The query's column metadata, what `query?q=...&columns=true` answers instead of records (sf's
    `data query` reads it after every query that returns rows): the select list in order, a relationship
    path as its relationship with the field as a join column, COUNT(...) as an aggregate column."""
    query = parse(q)
    obj = source.canonical_object(query.obj)
    if obj is None:
        _Executor(q, query, source).run()  # raises the INVALID_TYPE a query of it gets
    out, unaliased = [], 0
    for item in query.select:
        if isinstance(item, Count):
            if item.path:
                _resolve(q, source, obj, item.path)
            name = item.alias or f"expr{unaliased}"  # SOQL names unaliased aggregates expr0, expr1, ...
            unaliased += not item.alias
            out.append({"aggregate": True, "columnName": name, "joinColumns": []})
            continue
        r = _resolve(q, source, obj, item)
        column = {"aggregate": False, "columnName": r.field_name, "joinColumns": []}
        if r.relationship:
            column = {"aggregate": False, "columnName": r.relationship, "joinColumns": [column]}
        out.append(column)
    return {"columnMetadata": out, "entityName": obj}
