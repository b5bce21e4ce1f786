"""WHERE conditions compiled to row predicates: comparisons, LIKE, IN, date and dateTime values and date
literals, with Salesforce's type checks."""

import operator
import re
from datetime import date, datetime

from localorg.soql.dates import DateLiteral, in_range, literal_range
from localorg.soql.lexer import SoqlError, as_instant, near
from localorg.soql.parser import BoolOp, Compare
from localorg.soql.paths import _full_id, _norm, _resolve, _Resolved


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


class Conditions:
    """The executor's WHERE half (mixed into executor._Executor: uses its q, query, source and value())."""

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
        if r.field_type in ("datetime", "date"):
            return self._compile_temporal(r, op, value)
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

    def _as_point(self, r: _Resolved, value):
        """A date or datetime field's value (or literal) as a date or an instant, for comparing."""
        if r.field_type == "datetime":
            return as_instant(value)
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def _range(self, r: _Resolved, lit: DateLiteral):
        """The literal's [start, end) as days for a date field, as instants for a dateTime field."""
        src = self.source
        return literal_range(lit, src.now(), src.time_zone, src.week_start, days=r.field_type == "date")

    def _compile_temporal(self, r: _Resolved, op: str, value):
        """A date or datetime comparison (=, !=, <, <=, >, >=, IN, NOT IN): stored values in any Salesforce form,
        date and dateTime values compared as days or instants, date literals as ranges (dates.py). _check_type
        has refused quoted values (and LIKE)."""

        def point(row):
            return self._as_point(r, self.value(row, r))

        def matches(single_op, target):
            if isinstance(target, DateLiteral):
                start, end = self._range(r, target)
                return lambda row: in_range(single_op, point(row), start, end)
            target = self._as_point(r, target)
            compare = _COMPARE[single_op]
            if single_op == "!=":
                return lambda row: point(row) != target
            if target is None:  # = null; an ordering against null matches nothing
                return (lambda row: point(row) is None) if single_op == "=" else (lambda row: False)
            return lambda row: (v := point(row)) is not None and compare(v, target)

        if op in ("in", "notin"):
            tests = [matches("=", v) for v in value]
            if op == "in":
                return lambda row: point(row) is not None and any(t(row) for t in tests)
            return lambda row: not any(t(row) for t in tests)
        return matches(op, value)

    def prefilter(self, node) -> tuple[str, list] | None:
        """(field, values) that every matching row must equal one of, from a top-level `=` or `IN`
        on a string field of the queried object itself, so a source can use an index."""
        candidates = node.items if isinstance(node, BoolOp) and node.op == "and" else [node]
        for c in candidates:
            if isinstance(c, Compare) and c.op in ("=", "in") and len(c.path.parts) == 1:
                values = c.value if c.op == "in" else [c.value]
                if values and all(isinstance(v, str) for v in values):
                    r = _resolve(self.q, self.source, self.query.obj, c.path)
                    if r.field_type not in ("date", "datetime"):
                        return r.field_name, values
        return None

    def _check_type(self, r: _Resolved, node: Compare) -> None:
        values = node.value if isinstance(node.value, list) else [node.value]
        for v in values:
            if v is None:
                continue
            kind = (
                "boolean" if isinstance(v, bool) else "datetime" if isinstance(v, datetime)
                else "date" if isinstance(v, date) else "literal" if isinstance(v, DateLiteral) else "other"
            )  # fmt: skip
            temporal = r.field_type in ("date", "datetime")
            wanted = {"boolean": "boolean", "datetime": "dateTime", "date": "date"}.get(r.field_type)
            if r.field_type == "boolean" and kind != "boolean":
                raise _filter_error(self.q, node, r, "boolean", quoted=False)
            if temporal and kind not in ("literal", r.field_type):
                raise _filter_error(self.q, node, r, wanted, quoted=False)
            if not temporal and kind in ("datetime", "date", "literal"):
                raise _filter_error(self.q, node, r, r.field_type, quoted=True)
            if r.field_type != "boolean" and kind == "boolean":
                raise _filter_error(self.q, node, r, r.field_type, quoted=True)


def _filter_error(q: str, node: Compare, r: _Resolved, wanted: str, quoted: bool) -> SoqlError:
    quotes = "should be enclosed in quotes" if quoted else "should not be enclosed in quotes"
    return SoqlError(
        "INVALID_FIELD",
        near(q, node.path.pos) + f"value of filter criterion for field '{r.field_name}' must be of type {wanted} "
        f"and {quotes}",
    )
