"""The SOQL parser: tokens to a Query tree (paths, counts, comparisons, boolean operators)."""

from dataclasses import dataclass, field

from .lexer import SoqlError, Tok, malformed, near, tokenize


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

    def path(self) -> Path:
        tok = self.expect("ident")
        parts = tuple(tok.text.split("."))
        if len(parts) > 2:
            raise SoqlError(
                "MALFORMED_QUERY",
                near(self.q, tok.pos) + f"Only one level of parent relationship is supported here: '{tok.text}'",
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
                near(self.q, select[1].pos if hasattr(select[1], "pos") else 0) + "Field must be grouped or aggregated",
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
