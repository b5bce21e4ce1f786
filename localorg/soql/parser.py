"""The SOQL parser: tokens to a Query tree (paths, aggregates, FIELDS(), child subqueries, comparisons,
boolean operators, GROUP BY)."""

from dataclasses import dataclass, field

from localorg.soql.dates import DATE_LITERALS, DateLiteral
from localorg.soql.lexer import SoqlError, Tok, malformed, near, not_modelled, tokenize

AGGREGATES = ("count", "count_distinct", "sum", "min", "max", "avg")
# SOQL functions and clauses Salesforce has that the local org does not model (SOQL and SOSL Reference).
UNMODELLED_FUNCTIONS = (
    "calendar_month", "calendar_quarter", "calendar_year", "day_in_month", "day_in_week", "day_in_year",
    "day_only", "fiscal_month", "fiscal_quarter", "fiscal_year", "hour_in_day", "week_in_month", "week_in_year",
    "converttimezone", "convertcurrency", "format", "tolabel", "grouping", "distance", "geolocation", "rollup",
    "cube",
)  # fmt: skip
UNMODELLED_CLAUSES = ("having", "with", "for", "using", "typeof")
FIELDS_KINDS = ("all", "standard", "custom")


@dataclass
class Path:
    parts: tuple[str, ...]  # ("Email",) or ("Individual", "HasOptedOutTracking")
    pos: int

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass
class Aggregate:
    """COUNT(), COUNT(f), COUNT_DISTINCT(f), SUM(f), MIN(f), MAX(f), AVG(f), with an optional alias."""

    func: str  # lower case, one of AGGREGATES
    path: Path | None  # None for COUNT()
    alias: str | None
    pos: int

    @property
    def text(self) -> str:
        """As Salesforce names the column to a reader (columns=true's displayName)."""
        return f"{self.func.upper()}({self.path.text if self.path else ''})"


Count = Aggregate  # the name other modules test for ("an aggregate query")


@dataclass
class FieldsFn:
    """FIELDS(ALL | STANDARD | CUSTOM)."""

    kind: str
    pos: int


@dataclass
class Subquery:
    """A parent-to-child subquery: (SELECT ... FROM <child relationship> ...)."""

    query: "Query"
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
    select: list  # Path | Aggregate | FieldsFn | Subquery
    obj: str
    obj_pos: int
    where: object = None
    group_by: list = field(default_factory=list)  # Path
    order_by: list = field(default_factory=list)  # (Path | Aggregate, descending, nulls_last)
    limit: int | None = None
    offset: int = 0

    @property
    def aggregates(self) -> list:
        return [s for s in self.select if isinstance(s, Aggregate)]


class _Parser:
    def __init__(self, q: str):
        self.q, self.toks, self.i = q, tokenize(q), 0

    def peek(self, ahead: int = 0) -> Tok:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, tok: Tok | None = None) -> SoqlError:
        tok = tok or self.peek()
        return malformed(
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

    def punct(self, text: str) -> bool:
        if self.peek().kind == "punct" and self.peek().text == text:
            self.i += 1
            return True
        return False

    def path(self) -> Path:
        tok = self.expect("ident")
        parts = tuple(tok.text.split("."))
        if len(parts) > 2:
            raise SoqlError(
                "MALFORMED_QUERY",
                near(self.q, tok.pos) + f"Only one level of parent relationship is supported here: '{tok.text}'",
            )
        return Path(parts, tok.pos)

    def query(self, nested: bool = False) -> Query:
        self.expect_kw("select")
        select = [self.item(nested)]
        while self.punct(","):
            select.append(self.item(nested))
        self.expect_kw("from")
        obj_tok = self.expect("ident")
        if "." in obj_tok.text:
            raise self.fail(obj_tok)
        query = Query(select, obj_tok.text, obj_tok.pos)
        self.refuse_unmodelled_clause()
        if self.kw("where"):
            query.where = self.condition()
        self.refuse_unmodelled_clause()
        if self.kw("group"):
            self.expect_kw("by")
            self.refuse_unmodelled_function()
            query.group_by.append(self.path())
            while self.punct(","):
                query.group_by.append(self.path())
        self.refuse_unmodelled_clause()
        if self.kw("order"):
            self.expect_kw("by")
            query.order_by.append(self.order_item())
            while self.punct(","):
                query.order_by.append(self.order_item())
        if self.kw("limit"):
            query.limit = self.whole_number()
        if self.kw("offset"):
            query.offset = self.whole_number()
        self.refuse_unmodelled_clause()
        if not nested and self.peek().kind != "eof":
            raise self.fail()
        self._check_grouping(query)
        return query

    def _check_grouping(self, query: Query) -> None:
        """COUNT() stands alone; with other aggregates or GROUP BY, every plain field must be grouped."""
        counts = [a for a in query.aggregates if a.func == "count" and a.path is None]
        if counts and len(query.select) > 1:
            other = next(s for s in query.select if s is not counts[0])
            raise SoqlError(
                "MALFORMED_QUERY", near(self.q, getattr(other, "pos", 0)) + "Field must be grouped or aggregated"
            )
        if not (query.aggregates or query.group_by):
            return
        grouped = {p.text.lower() for p in query.group_by}
        for item in query.select:
            if isinstance(item, Path) and item.text.lower() not in grouped:
                raise SoqlError(
                    "MALFORMED_QUERY", near(self.q, item.pos) + f"Field must be grouped or aggregated: {item.parts[-1]}"
                )
            if isinstance(item, (FieldsFn, Subquery)):
                raise malformed(self.q, item.pos, "Field must be grouped or aggregated")

    def refuse_unmodelled_clause(self) -> None:
        tok = self.peek()
        if tok.kind in ("kw", "ident") and tok.text.lower() in UNMODELLED_CLAUSES:
            raise not_modelled(self.q, tok.pos, f"The {tok.text.upper()} clause")

    def refuse_unmodelled_function(self) -> None:
        tok, nxt = self.peek(), self.peek(1)
        if tok.text.lower() in UNMODELLED_FUNCTIONS and nxt.kind == "punct" and nxt.text == "(":
            raise not_modelled(self.q, tok.pos, f"The SOQL function {tok.text.upper()}()")

    def whole_number(self) -> int:
        tok = self.peek()
        if tok.kind != "number" or not isinstance(tok.value, int) or tok.value < 0:
            raise self.fail()
        self.take()
        return tok.value

    def function(self):
        """An aggregate or FIELDS() call, when the next tokens are NAME '('; else None."""
        tok, nxt = self.peek(), self.peek(1)
        if tok.kind not in ("kw", "ident") or nxt.kind != "punct" or nxt.text != "(":
            return None
        name = tok.text.lower()
        if name == "fields":
            self.i += 2
            kind = self.expect("ident")
            if kind.text.lower() not in FIELDS_KINDS:
                raise self.fail(kind)
            self.expect("punct", ")")
            return FieldsFn(kind.text.lower(), tok.pos)
        self.refuse_unmodelled_function()
        if name not in AGGREGATES:
            raise SoqlError("MALFORMED_QUERY", near(self.q, tok.pos) + f"Unknown function: {tok.text}")
        self.i += 2
        path = None
        if self.peek().kind == "ident":
            path = self.path()
        elif name != "count":
            raise self.fail()
        self.expect("punct", ")")
        alias = self.take().text if self.peek().kind == "ident" else None
        return Aggregate(name, path, alias, tok.pos)

    def item(self, nested: bool):
        if self.peek().text.lower() == "typeof":
            raise not_modelled(self.q, self.peek().pos, "TYPEOF")
        found = self.function()
        if found is not None:
            return found
        tok = self.peek()
        if tok.kind == "punct" and tok.text == "(":
            if nested:
                raise self.fail()  # subqueries nest one level
            self.take()
            inner = self.query(nested=True)
            self.expect("punct", ")")
            return Subquery(inner, tok.pos)
        return self.path()

    def order_item(self):
        key = self.function() or self.path()
        if isinstance(key, FieldsFn):
            raise self.fail()
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
        return (key, desc, nulls_last)

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
        if self.punct("("):
            inner = self.condition()
            self.expect("punct", ")")
            return inner
        return self.comparison()

    def comparison(self):
        self.refuse_unmodelled_function()
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
            if self.peek().kind == "kw" and self.peek().value == "select":
                raise not_modelled(self.q, self.peek().pos, "A semi-join (IN or NOT IN a subquery)")
            values = [self.value()]
            while self.punct(","):
                values.append(self.value())
            self.expect("punct", ")")
            return Compare(path, "notin" if negate else "in", values)
        raise self.fail()

    def value(self):
        tok = self.take()
        if tok.kind in ("string", "number", "datetime", "date"):
            return tok.value
        if tok.kind == "kw" and tok.value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[tok.value]
        if tok.kind in ("ident", "nliteral"):
            name, _, n = tok.text.partition(":")
            takes_n = DATE_LITERALS.get(name.upper())
            if takes_n is not None and takes_n == bool(n):
                return DateLiteral(name.upper(), int(n) if n else None, tok.pos)
        raise self.fail(tok)


def parse(q: str) -> Query:
    """Parse a query of the supported subset; SoqlError(MALFORMED_QUERY) otherwise."""
    if not isinstance(q, str) or not q.strip():
        raise SoqlError("MALFORMED_QUERY", "No query string was given")
    return _Parser(q).query()
