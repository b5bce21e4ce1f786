"""Aggregate queries: COUNT(f), COUNT_DISTINCT, SUM, MIN, MAX, AVG, with or without GROUP BY, answered as
Salesforce answers them: one AggregateResult record per group, unaliased aggregates named expr0, expr1 ...
in select order, a grouped field under its own name (SOQL and SOSL Reference, "Aggregate Functions", "GROUP BY";
docs/salesforce-facts.md, "SOQL")."""

from localorg.soql.lexer import SoqlError, near
from localorg.soql.parser import Aggregate, Path
from localorg.soql.paths import _norm, _resolve

NUMERIC = ("int", "double", "currency", "percent")
# Field types Salesforce does not group by (their describe says groupable false).
NOT_GROUPABLE = ("datetime", "textarea", "address", "double", "currency", "percent", "location")


def names(select: list) -> dict:
    """{id(item): the key its value has in an AggregateResult record}."""
    out, unaliased = {}, 0
    for item in select:
        if isinstance(item, Aggregate):
            out[id(item)] = item.alias or f"expr{unaliased}"
            unaliased += not item.alias
        elif isinstance(item, Path):
            out[id(item)] = item.parts[-1]
    return out


def _check_function(q: str, a: Aggregate, field_type: str, field_name: str) -> None:
    allowed = (
        field_type in NUMERIC if a.func in ("sum", "avg")
        else field_type not in ("boolean", "textarea", "address") if a.func in ("min", "max")
        else field_type not in ("textarea", "address")
    )  # fmt: skip
    if not allowed:
        raise SoqlError(
            "INVALID_FIELD", near(q, a.pos) + f"field {field_name} does not support aggregate operator {a.func.upper()}"
        )


def _compute(func: str, values: list):
    present = [v for v in values if v is not None]
    if func == "count":
        return len(present)
    if func == "count_distinct":
        return len({_norm(v) for v in present})
    if not present:
        return None
    if func == "sum":
        return sum(present)
    if func == "avg":
        return sum(present) / len(present)
    pick = min if func == "min" else max
    return pick(present, key=_norm)


def run(ex, obj: str, rows: list) -> dict:
    """The AggregateResult records of ex's query over the rows that matched its WHERE."""
    q, query, source = ex.q, ex.query, ex.source
    groups = []
    for p in query.group_by:
        r = _resolve(q, source, obj, p)
        if r.field_type in NOT_GROUPABLE:
            raise SoqlError(
                "INVALID_FIELD", near(q, p.pos) + f"field '{r.field_name}' can not be grouped in a query call"
            )
        groups.append(r)
    resolved = {}
    for a in query.aggregates:
        r = _resolve(q, source, obj, a.path)
        _check_function(q, a, r.field_type, r.field_name)
        resolved[id(a)] = r
    buckets: dict = {}
    for row in rows:
        key = tuple(_norm(ex.value(row, g)) for g in groups)
        buckets.setdefault(key, []).append(row)
    if not groups and not buckets:
        buckets[()] = []  # an aggregate without GROUP BY answers one row, even over no records
    grouped = {p.text.lower(): g for p, g in zip(query.group_by, groups, strict=True)}

    def value_of(item, members):
        if isinstance(item, Aggregate):
            return _compute(item.func, [ex.value(row, resolved[id(item)]) for row in members])
        return ex.value(members[0], grouped[item.text.lower()]) if members else None

    keyed = names(query.select)
    results = [
        (members, {keyed[id(item)]: value_of(item, members) for item in query.select}) for members in buckets.values()
    ]
    order = []
    for key, desc, nulls_last in query.order_by:
        if isinstance(key, Path) and key.text.lower() not in grouped:
            raise SoqlError("MALFORMED_QUERY", near(q, key.pos) + "Ordered field must be grouped or aggregated")
        if isinstance(key, Aggregate) and key.path:
            resolved[id(key)] = _resolve(q, source, obj, key.path)
        order.append((lambda pair, k=key: value_of(k, pair[0]), desc, nulls_last))
    results = ex.ordered(results, order)[query.offset :]
    if query.limit is not None:
        results = results[: query.limit]
    records = [{"attributes": {"type": "AggregateResult"}, **values} for _, values in results]
    return {"totalSize": len(records), "done": True, "records": records}
