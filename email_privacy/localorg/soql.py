"""The SOQL subset the local org understands, parsed and run over its records.

Supported (anything else is refused with Salesforce's error shapes, never a crash):

  SELECT item, ... FROM Object [WHERE condition] [ORDER BY path [ASC|DESC] [NULLS FIRST|LAST], ...]
         [LIMIT n] [OFFSET n]

  item       Field | Parent.Field (one level: Individual.HasOptedOutTracking, Owner.Name, Account.Name)
             | COUNT() | COUNT(Field) [alias]
  condition  comparisons joined by AND or by OR (mixing both needs parentheses, as in SOQL),
             NOT (...), parentheses
  comparison path = != <> < <= > >= value | path [NOT] IN (value, ...) | path LIKE 'pattern'
  value      'string' (escapes \\' \\" \\\\ \\n \\r \\t \\b \\f \\% \\_), number, true, false, null,
             dateTime literal, unquoted: 2026-11-27T07:00:00Z, 2026-11-27T07:00:00.000Z, 2026-11-27T08:00:00+01:00
             (only against datetime fields, as in SOQL; compared as instants)

Keywords and field names are case-insensitive; string equality and LIKE are case-insensitive, as
in Salesforce. Results over 2,000 rows are paged (`done`, `nextRecordsUrl`).

Errors are SoqlError(error_code, message): MALFORMED_QUERY for syntax, INVALID_TYPE for an object
that does not exist, INVALID_FIELD for a field the object lacks.
"""

import operator
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .records import normalize_id

PAGE_SIZE = 2000


class SoqlError(Exception):
    """A query Salesforce would refuse: errorCode and message."""

    def __init__(self, error_code: str, message: str):
        super().__init__(message)
        self.error_code, self.message = error_code, message


# -- syntax ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op><>|!=|<=|>=|=|<|>)
  | (?P<punct>[(),])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
""",
    re.VERBOSE,
)
_ESCAPES = {
    "'": "'",
    '"': '"',
    "\\": "\\",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    "%": "\\%",
    "_": "\\_",
}  # \% and \_ stay escaped for LIKE
_KEYWORDS = {
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "in",
    "like",
    "order",
    "by",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "limit",
    "offset",
    "true",
    "false",
    "null",
    "count",
    "group",
    "having",
    "with",
    "for",
}


@dataclass
class Tok:
    kind: str  # string number op punct ident kw eof
    text: str
    value: object
    pos: int


def tokenize(q: str) -> list[Tok]:
    """Split a query into tokens; MALFORMED_QUERY on a character SOQL does not allow."""
    toks, pos = [], 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m:
            raise _malformed(q, pos, f"unexpected token: '{q[pos]}'" if q[pos] != "'" else "unterminated string")
        kind, text = m.lastgroup, m.group()
        if kind == "string":
            toks.append(Tok("string", text, _unescape(q, pos, text[1:-1]), pos))
        elif kind == "datetime":
            toks.append(Tok("datetime", text, _datetime_literal(q, pos, text), pos))
        elif kind == "number":
            toks.append(Tok("number", text, float(text) if "." in text else int(text), pos))
        elif kind == "ident" and text.lower() in _KEYWORDS:
            toks.append(Tok("kw", text, text.lower(), pos))
        elif kind != "ws":
            toks.append(Tok(kind, text, text, pos))
        pos = m.end()
    toks.append(Tok("eof", "<EOF>", None, len(q)))
    return toks


def _datetime_literal(q: str, pos: int, text: str) -> datetime:
    """A SOQL dateTime literal as an aware datetime; MALFORMED_QUERY when it names no real instant."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _malformed(q, pos, f"line 1:{pos} no viable alternative at character '{text}'") from None


def as_instant(value):
    """A datetime value as an aware datetime: SOQL literals, REST's `...000+0000` and the Metadata API's
    `...000Z` forms; None for anything else."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str):
        return None
    text = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _unescape(q: str, pos: int, body: str) -> str:
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in _ESCAPES:
                raise _malformed(
                    q, pos + i + 1, f"Invalid string literal '{body}'. Illegal character sequence '\\{nxt}'"
                )
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _where(q: str, pos: int) -> str:
    line = q[:pos].count("\n") + 1
    col = pos - (q.rfind("\n", 0, pos) + 1) + 1
    return f"\n{q}\n{' ' * (col - 1)}^\nERROR at Row:{line}:Column:{col}\n"


def _malformed(q: str, pos: int, message: str) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", _where(q, pos) + message)


@dataclass
class Path:
    parts: tuple[str, ...]  # ("Email",) or ("Individual", "HasOptedOutTracking")
    pos: int

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass
class Count:
    path: Path | None
    alias: str | None
    pos: int


@dataclass
class Compare:
    path: Path
    op: str  # = != < <= > >= in notin like
    value: object


@dataclass
class BoolOp:
    op: str  # and / or / not
    items: list


@dataclass
class Query:
    select: list  # Path | Count
    obj: str
    obj_pos: int
    where: object = None
    order_by: list = field(default_factory=list)  # (Path, descending, nulls_last)
    limit: int | None = None
    offset: int = 0


class _Parser:
    def __init__(self, q: str):
        self.q, self.toks, self.i = q, tokenize(q), 0

    def peek(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, tok: Tok | None = None) -> SoqlError:
        tok = tok or self.peek()
        return _malformed(
            self.q, tok.pos, f"unexpected token: '{tok.text}'" if tok.kind != "eof" else "unexpected token: <EOF>"
        )

    def kw(self, *words) -> bool:
        tok = self.peek()
        if tok.kind == "kw" and tok.value in words:
            self.i += 1
            return True
        return False

    def expect_kw(self, word: str) -> None:
        if not self.kw(word):
            raise self.fail()

    def expect(self, kind: str, text: str | None = None) -> Tok:
        tok = self.peek()
        if tok.kind != kind or (text is not None and tok.text != text):
            raise self.fail()
        return self.take()

    def path(self) -> Path:
        tok = self.expect("ident")
        parts = tuple(tok.text.split("."))
        if len(parts) > 2:
            raise SoqlError(
                "MALFORMED_QUERY",
                _where(self.q, tok.pos) + f"Only one level of parent relationship is supported here: '{tok.text}'",
            )
        return Path(parts, tok.pos)

    def query(self) -> Query:
        self.expect_kw("select")
        select = [self.item()]
        while self.peek().kind == "punct" and self.peek().text == ",":
            self.take()
            select.append(self.item())
        self.expect_kw("from")
        obj_tok = self.expect("ident")
        if "." in obj_tok.text:
            raise self.fail(obj_tok)
        query = Query(select, obj_tok.text, obj_tok.pos)
        if self.kw("where"):
            query.where = self.condition()
        if self.kw("order"):
            self.expect_kw("by")
            query.order_by.append(self.order_item())
            while self.peek().kind == "punct" and self.peek().text == ",":
                self.take()
                query.order_by.append(self.order_item())
        if self.kw("limit"):
            query.limit = self.whole_number()
        if self.kw("offset"):
            query.offset = self.whole_number()
        if self.peek().kind != "eof":
            raise self.fail()
        if any(isinstance(s, Count) for s in select) and len(select) > 1:
            raise SoqlError(
                "MALFORMED_QUERY",
                _where(self.q, select[1].pos if hasattr(select[1], "pos") else 0)
                + "Field must be grouped or aggregated",
            )
        return query

    def whole_number(self) -> int:
        tok = self.peek()
        if tok.kind != "number" or not isinstance(tok.value, int) or tok.value < 0:
            raise self.fail()
        self.take()
        return tok.value

    def item(self):
        tok = self.peek()
        if tok.kind == "kw" and tok.value == "count":
            self.take()
            self.expect("punct", "(")
            path = None
            if self.peek().kind == "ident":
                path = self.path()
            self.expect("punct", ")")
            alias = self.take().text if self.peek().kind == "ident" else None
            return Count(path, alias, tok.pos)
        return self.path()

    def order_item(self):
        path = self.path()
        desc = False
        if self.kw("desc"):
            desc = True
        else:
            self.kw("asc")
        nulls_last = desc  # Salesforce: NULLS FIRST by default for ASC, NULLS LAST for DESC
        if self.kw("nulls"):
            if self.kw("first"):
                nulls_last = False
            else:
                self.expect_kw("last")
                nulls_last = True
        return (path, desc, nulls_last)

    def condition(self):
        items = [self.unary()]
        joiner = None
        while self.peek().kind == "kw" and self.peek().value in ("and", "or"):
            tok = self.take()
            if joiner and tok.value != joiner:
                # SOQL refuses a mix of AND and OR without parentheses.
                raise self.fail(tok)
            joiner = tok.value
            items.append(self.unary())
        return items[0] if len(items) == 1 else BoolOp(joiner, items)

    def unary(self):
        if self.kw("not"):
            return BoolOp("not", [self.unary()])
        tok = self.peek()
        if tok.kind == "punct" and tok.text == "(":
            self.take()
            inner = self.condition()
            self.expect("punct", ")")
            return inner
        return self.comparison()

    def comparison(self):
        path = self.path()
        tok = self.peek()
        if tok.kind == "op":
            self.take()
            op = "!=" if tok.text == "<>" else tok.text
            return Compare(path, op, self.value())
        if self.kw("like"):
            val_tok = self.peek()
            value = self.value()
            if not isinstance(value, str):
                raise self.fail(val_tok)
            return Compare(path, "like", value)
        negate = self.kw("not")
        if self.kw("in"):
            self.expect("punct", "(")
            values = [self.value()]
            while self.peek().kind == "punct" and self.peek().text == ",":
                self.take()
                values.append(self.value())
            self.expect("punct", ")")
            return Compare(path, "notin" if negate else "in", values)
        raise self.fail()

    def value(self):
        tok = self.take()
        if tok.kind in ("string", "number", "datetime"):
            return tok.value
        if tok.kind == "kw" and tok.value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[tok.value]
        raise self.fail(tok)


def parse(q: str) -> Query:
    """Parse a query of the supported subset; SoqlError(MALFORMED_QUERY) otherwise."""
    if not isinstance(q, str) or not q.strip():
        raise SoqlError("MALFORMED_QUERY", "No query string was given")
    return _Parser(q).query()


# -- execution ---------------------------------------------------------------------------------


class Source(ABC):
    """What the engine needs from an org (rest.py supplies the real one).

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
        _where(q, pos) + f"No such column '{name}' on entity '{obj}'. If you are "
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
            _where(q, path.pos) + f"Didn't understand relationship '{rel}' in field "
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
                    _where(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type boolean "
                    "and should not be enclosed in quotes",
                )
            if r.field_type == "datetime" and not isinstance(v, datetime):
                raise SoqlError(
                    "INVALID_FIELD",
                    _where(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type dateTime "
                    "and should not be enclosed in quotes",
                )
            if r.field_type != "datetime" and isinstance(v, datetime):
                raise SoqlError(
                    "INVALID_FIELD",
                    _where(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type "
                    f"{r.field_type} and should be enclosed in quotes",
                )
            if r.field_type != "boolean" and isinstance(v, bool):
                raise SoqlError(
                    "INVALID_FIELD",
                    _where(self.q, node.path.pos)
                    + f"value of filter criterion for field '{r.field_name}' must be of type "
                    f"{r.field_type} and should be enclosed in quotes",
                )

    def run(self) -> dict:
        query, source = self.query, self.source
        obj = source.canonical_object(query.obj)
        if obj is None:
            raise SoqlError(
                "INVALID_TYPE",
                _where(self.q, query.obj_pos) + f"sObject type '{query.obj}' is not "
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
