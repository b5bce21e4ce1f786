"""The SOQL executor: a parsed Query run over a Source (the org), shaped as Salesforce shapes query replies."""

from abc import ABC, abstractmethod
from datetime import UTC, datetime

from localorg.soql.conditions import Conditions
from localorg.soql.lexer import SoqlError, near
from localorg.soql.parser import Aggregate, FieldsFn, Path, Query, Subquery, parse
from localorg.soql.paths import _norm, _resolve, _Resolved


class Source(ABC):
    """What the engine needs from an org (models/sobjects.py supplies the real one).

    fields(obj) -> {lower-case name: Field} or None when obj does not exist;
    rows(obj) -> iterable of dicts keyed by canonical field names; get(obj, id) -> dict | None.
    """

    api_version = "63.0"
    time_zone = "UTC"  # where date literals' days begin (the org's TimeZoneSidKey)
    week_start = 0  # the locale's first day of the week, Monday 0 (THIS_WEEK ...)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def child_relationships(self, obj: str) -> dict:
        """{lower-case relationship name: (child object, lookup field, relationship name)} of obj's children."""
        return {}

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


class _Executor(Conditions):
    def __init__(self, q: str, query: Query, source: Source):
        self.q, self.query, self.source = q, query, source
        self._parents: dict[tuple[str, str], dict | None] = {}
        self._relationships: dict[int, tuple[str, str, str]] = {}

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

    def resolve_object(self) -> str:
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
        return obj

    def select_items(self, obj: str) -> list:
        """The select list with FIELDS() expanded to the object's fields; a field selected twice is refused."""
        out, seen = [], set()
        unbounded = any(isinstance(s, FieldsFn) and s.kind != "standard" for s in self.query.select)
        if unbounded and (self.query.limit is None or self.query.limit > FIELDS_LIMIT):
            raise SoqlError(
                "MALFORMED_QUERY",
                near(self.q, 0) + f"The SOQL FIELDS function must have a LIMIT of at most {FIELDS_LIMIT}",
            )
        for item in self.query.select:
            paths = [item]
            if isinstance(item, FieldsFn):
                paths = [
                    Path((f.name,), item.pos)
                    for f in self.source.fields(obj).values()
                    if item.kind == "all" or (item.kind == "custom") == f.name.endswith("__c")
                ]
            for p in paths:
                key = p.text.lower() if isinstance(p, Path) else id(p)
                if key in seen:
                    raise SoqlError("INVALID_FIELD", near(self.q, p.pos) + f"duplicate field selected: {p.text}")
                seen.add(key)
                out.append(p)
        return out

    def ordered(self, rows: list, keys) -> list:
        """Rows sorted by (value function, descending, nulls last) keys, stably, last key first."""
        for key, desc, nulls_last in reversed(keys):
            present = [row for row in rows if key(row) is not None]
            missing = [row for row in rows if key(row) is None]
            present.sort(key=lambda row: _norm(key(row)), reverse=desc)
            rows = present + missing if nulls_last else missing + present
        return rows

    def matching_rows(self, obj: str) -> list:
        predicate = self.compile(self.query.where) if self.query.where is not None else (lambda row: True)
        return [row for row in self.source.rows(obj, self.prefilter(self.query.where)) if predicate(row)]

    def run(self) -> dict:
        from localorg.soql import aggregate  # aggregate builds on this module

        query, source = self.query, self.source
        obj = self.resolve_object()
        items = self.select_items(obj)
        if query.aggregates or query.group_by:
            for a in query.aggregates:
                if a.path:
                    _resolve(self.q, source, obj, a.path)
            if any(a.func == "count" and a.path is None for a in query.aggregates):
                rows = self.matching_rows(obj)[query.offset :]
                n = len(rows) if query.limit is None else min(len(rows), query.limit)
                return {"totalSize": n, "done": True, "records": []}
            return aggregate.run(self, obj, self.matching_rows(obj))
        selected = [(item, _resolve(self.q, source, obj, item)) if isinstance(item, Path) else (item, None)
                    for item in items]  # fmt: skip
        order = [(self._order_key(obj, p), desc, nulls_last) for p, desc, nulls_last in query.order_by]
        rows = self.ordered(self.matching_rows(obj), order)[query.offset :]
        if query.limit is not None:
            rows = rows[: query.limit]
        children = {id(item): self.children(obj, item, rows) for item, _ in selected if isinstance(item, Subquery)}
        records = [self.shape(row, obj, selected, children) for row in rows]
        return {"totalSize": len(rows), "done": True, "records": records}

    def _order_key(self, obj: str, key):
        if isinstance(key, Aggregate):
            raise SoqlError("MALFORMED_QUERY", near(self.q, key.pos) + "Ordered field must be grouped or aggregated")
        r = _resolve(self.q, self.source, obj, key)
        return lambda row: self.value(row, r)

    def child_relationship(self, obj: str, sub: Subquery) -> tuple[str, str, str]:
        """(child object, lookup field, relationship name) the subquery's FROM names; its query then runs on the
        child object."""
        if id(sub) in self._relationships:
            return self._relationships[id(sub)]
        found = self.source.child_relationships(obj).get(sub.query.obj.lower())
        if not found:
            raise SoqlError(
                "INVALID_TYPE",
                near(self.q, sub.query.obj_pos) + f"Didn't understand relationship '{sub.query.obj}' in FROM part of "
                "query call. If you are attempting to use a custom relationship, be sure to append the '__r' after "
                "the custom relationship name. Please reference your WSDL or the describe call for the appropriate "
                "names.",
            )
        self._relationships[id(sub)] = found
        sub.query.obj = found[0]
        return found

    def children(self, obj: str, sub: Subquery, parents: list) -> dict:
        """{parent id: the subquery's result for it} for a parent-to-child subquery (its LIMIT per parent)."""
        child_obj, lookup, _ = self.child_relationship(obj, sub)
        inner = _Executor(self.q, sub.query, self.source)
        items = inner.select_items(child_obj)
        selected = [(p, _resolve(self.q, self.source, child_obj, p)) for p in items]
        order = [(inner._order_key(child_obj, p), desc, nl) for p, desc, nl in sub.query.order_by]
        wanted = {row.get("Id") for row in parents}
        by_parent: dict = {}
        for row in inner.ordered([r for r in inner.matching_rows(child_obj) if r.get(lookup) in wanted], order):
            by_parent.setdefault(row.get(lookup), []).append(row)
        out = {}
        for pid, rows in by_parent.items():
            rows = rows[sub.query.offset :]
            rows = rows if sub.query.limit is None else rows[: sub.query.limit]
            if rows:
                records = [inner.shape(row, child_obj, selected, {}) for row in rows]
                out[pid] = {"totalSize": len(records), "done": True, "records": records}
        return out

    def shape(self, row: dict, obj: str, selected: list, children: dict) -> dict:
        rec = {"attributes": {"type": obj, "url": f"{self.source.sobjects_url}/{obj}/{row.get('Id')}"}}
        for item, r in selected:
            if isinstance(item, Subquery):
                name = self.child_relationship(obj, item)[2]
                rec[name] = children[id(item)].get(row.get("Id"))  # null when the parent has no such children
                continue
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


FIELDS_LIMIT = 200  # FIELDS(ALL) and FIELDS(CUSTOM) need a LIMIT of at most 200 (SOQL Reference, "FIELDS()")


def execute(q: str, source: Source) -> dict:
    """Run a query; the full result {totalSize, done, records} (paging is the caller's)."""
    return _Executor(q, parse(q), source).run()
