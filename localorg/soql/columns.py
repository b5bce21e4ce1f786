"""What `query?q=...&columns=true` answers instead of records: the query's columns (sf's `data query` reads
them after every query that returns rows, @salesforce/plugin-data `retrieveColumns`): each select item in order,
a relationship path as its relationship with the field as a join column, an aggregate function as an aggregate
column with the `displayName` sf prints, a child subquery as an aggregate column whose join columns are its own
(docs/salesforce-facts.md, "REST API resources beyond records and queries")."""

from localorg.soql.aggregate import names
from localorg.soql.executor import Source, _Executor
from localorg.soql.parser import Aggregate, Subquery, parse
from localorg.soql.paths import _resolve


def _column(name: str, aggregate: bool = False, join: list | None = None, display: str | None = None) -> dict:
    return {"aggregate": aggregate, "columnName": name, "displayName": display or name, "joinColumns": join or []}


def _columns(ex: _Executor, obj: str) -> list:
    grouping = bool(ex.query.aggregates or ex.query.group_by)
    keyed = names(ex.query.select)
    out = []
    for item in ex.select_items(obj):
        if isinstance(item, Aggregate):
            if item.path:
                _resolve(ex.q, ex.source, obj, item.path)
            out.append(_column(keyed[id(item)], True, display=item.alias or item.text))
        elif isinstance(item, Subquery):
            child_obj, _, relationship = ex.child_relationship(obj, item)
            inner = _Executor(ex.q, item.query, ex.source)
            out.append(_column(relationship, True, _columns(inner, child_obj)))
        else:
            r = _resolve(ex.q, ex.source, obj, item)
            column = _column(r.field_name)
            if r.relationship and not grouping:  # an AggregateResult names a grouped parent field by its own name
                column = _column(r.relationship, join=[column])
            out.append(column)
    return out


def columns(q: str, source: Source) -> dict:
    """{columnMetadata, entityName} for the query; the same errors as running it."""
    ex = _Executor(q, parse(q), source)
    obj = ex.resolve_object()
    return {"columnMetadata": _columns(ex, obj), "entityName": obj}
