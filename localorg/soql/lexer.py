"""SOQL tokens and literals: the lexer, string escapes and dateTime literals."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from localorg.exceptions import SoqlError  # noqa: F401 (the SOQL modules' error, re-exported)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op><>|!=|<=|>=|=|<|>)
  | (?P<punct>[(),])
  | (?P<nliteral>[A-Za-z_]+:\d+)
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
    kind: str  # string number date datetime nliteral op punct ident kw eof
    text: str
    value: object
    pos: int


def tokenize(q: str) -> list[Tok]:
    """Split a query into tokens; MALFORMED_QUERY on a character SOQL does not allow."""
    toks, pos = [], 0
    while pos < len(q):
        m = _TOKEN.match(q, pos)
        if not m:
            raise malformed(q, pos, f"unexpected token: '{q[pos]}'" if q[pos] != "'" else "unterminated string")
        kind, text = m.lastgroup, m.group()
        if kind == "string":
            toks.append(Tok("string", text, _unescape(q, pos, text[1:-1]), pos))
        elif kind == "datetime":
            toks.append(Tok("datetime", text, _datetime_literal(q, pos, text), pos))
        elif kind == "date":
            toks.append(Tok("date", text, _date_literal(q, pos, text), pos))
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
        raise malformed(q, pos, f"line 1:{pos} no viable alternative at character '{text}'") from None


def _date_literal(q: str, pos: int, text: str) -> date:
    """A SOQL date value (YYYY-MM-DD); MALFORMED_QUERY when it names no real day."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise malformed(q, pos, f"line 1:{pos} no viable alternative at character '{text}'") from None


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
                raise malformed(
                    q, pos + i + 1, f"Invalid string literal '{body}'. Illegal character sequence '\\{nxt}'"
                )
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def near(q: str, pos: int) -> str:
    line = q[:pos].count("\n") + 1
    col = pos - (q.rfind("\n", 0, pos) + 1) + 1
    return f"\n{q}\n{' ' * (col - 1)}^\nERROR at Row:{line}:Column:{col}\n"


def malformed(q: str, pos: int, message: str) -> SoqlError:
    return SoqlError("MALFORMED_QUERY", near(q, pos) + message)


def not_modelled(q: str, pos: int, what: str) -> SoqlError:
    """SOQL Salesforce accepts that the local org does not model: refused as such (HTTP 501), not as malformed."""
    err = SoqlError(
        "NOT_MODELLED_BY_LOCAL_ORG",
        near(q, pos) + f'{what} is not modelled by the local org (docs/local-org.md, "SOQL, standard objects")',
    )
    err.status = 501
    return err
