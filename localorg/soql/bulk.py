"""What Bulk API query jobs (1.0 and 2.0) refuse that a REST query accepts: GROUP BY, OFFSET, aggregate functions,
parent-to-child subqueries and compound address fields (Bulk API 2.0 Developer Guide, "Understanding Bulk API 2.0
Query", Limits; Bulk API Developer Guide, "Use Bulk Query"; docs/salesforce-facts.md, "SOQL")."""

from localorg.soql.executor import Source, _Executor
from localorg.soql.parser import Query, Subquery
from localorg.soql.paths import _resolve


def bulk_unsupported(q: str, query: Query, source: Source) -> str | None:
    """What of the query a Bulk API query job does not take ("Aggregate queries", "GROUP BY clauses" ...), or None.
    An object or field the org lacks is left for the query itself to report. A query it takes has its FIELDS()
    expanded in place, so the job's CSV columns are the fields themselves."""
    if query.aggregates:
        return "Aggregate queries"
    if query.group_by:
        return "GROUP BY clauses"
    if query.offset:
        return "OFFSET clauses"
    if any(isinstance(item, Subquery) for item in query.select):
        return "Parent-to-child relationship queries"
    ex = _Executor(q, query, source)
    obj = source.canonical_object(query.obj)
    if obj is None:
        return None
    items = ex.select_items(obj)
    for item in items:
        if _resolve(q, source, obj, item).field_type == "address":
            return "Compound address fields"
    query.select = items
    return None
