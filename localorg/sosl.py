"""SOSL on the local org: `FIND {terms} [IN scope FIELDS] [RETURNING Object[(fields [WHERE ...] [ORDER BY ...]
[LIMIT n])], ...] [LIMIT n]` over its records' text fields (SOQL and SOSL Reference, "SOSL Syntax").

  terms   words and "phrases", joined by AND, OR, AND NOT (a space is AND), in parentheses if needed;
          `*` matches any characters and `?` one, inside or at the end of a word
  scope   ALL (default), NAME, EMAIL, PHONE

Salesforce's search index tokenises text into words; here a field's words are its runs of letters and digits
(`ava.smith.0@example.com` is ava, smith, 0, example, com), case-insensitive, and a term of several words
(a phrase, an email address) matches those words in a row. Stemming, synonyms and relevance ranking are not
modelled: records come in the order they were created, or by the RETURNING clause's ORDER BY. The WHERE and
ORDER BY of a RETURNING clause are SOQL's, run by the SOQL engine. Errors are SoqlError with MALFORMED_SEARCH.
"""

import re
from dataclasses import dataclass, field

from localorg.soql import SoqlError, execute

SCOPES = {"all": None, "name": ("string",), "email": ("email",), "phone": ("phone",)}
TEXT_TYPES = ("string", "email", "phone", "textarea", "picklist", "url")
NAME_FIELDS = {"Name", "FirstName", "LastName", "MiddleName", "Suffix", "Company"}
DEFAULT_LIMIT = 2000
WORD = re.compile(r"[^\W_]+")


def _malformed(message: str) -> SoqlError:
    return SoqlError("MALFORMED_SEARCH", message)


@dataclass
class Returning:
    obj: str
    fields: list[str] = field(default_factory=list)
    where: str = ""
    order: str = ""
    limit: int | None = None


@dataclass
class Search:
    terms: object  # ("term", [word patterns]) | ("and"|"or"|"andnot", left, right)
    scope: str = "all"
    returning: list[Returning] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT


# -- parsing ---------------------------------------------------------------------------------------


def _find_clause(q: str) -> tuple[str, str]:
    m = re.match(r"\s*FIND\s*\{", q, re.I)
    if not m:
        raise _malformed("Search query must start with FIND {search terms}")
    depth, i = 1, m.end()
    while i < len(q) and depth:
        if q[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(q[i], 0)
        i += 1
    if depth:
        raise _malformed("line 1:5 mismatched character '<EOF>' expecting '}'")
    return q[m.end() : i - 1], q[i:]


def _word_patterns(text: str) -> list[re.Pattern]:
    """One pattern per word of a term (`ava*` is one word with a wildcard; an email address is several)."""
    words = re.findall(r"(?:[^\W_]|[*?])+", text)
    return [
        re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in w), re.I) for w in words
    ]


def _parse_terms(text: str):
    tokens = re.findall(r'"[^"]*"|\(|\)|[^\s()"]+', text)
    pos = 0

    def peek():
        return tokens[pos].upper() if pos < len(tokens) else None

    def primary():
        nonlocal pos
        if pos >= len(tokens):
            raise _malformed(f"Search term is missing in FIND {{{text}}}")
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            node = expression()
            if peek() != ")":
                raise _malformed(f"Unbalanced parentheses in FIND {{{text}}}")
            pos += 1
            return node
        if len("".join(WORD.findall(tok))) < 2:
            raise _malformed("search term must be longer than one character")
        return ("term", _word_patterns(tok.strip('"')))

    def expression():
        nonlocal pos
        node = primary()
        while pos < len(tokens) and peek() != ")":
            op = "and"
            if peek() in ("AND", "OR"):
                op = peek().lower()
                pos += 1
                if op == "and" and peek() == "NOT":
                    op = "andnot"
                    pos += 1
            node = (op, node, primary())
        return node

    node = expression()
    if pos != len(tokens):
        raise _malformed(f"Unbalanced parentheses in FIND {{{text}}}")
    return node


def _returning(text: str) -> list[Returning]:
    out = []
    for m in re.finditer(r"\s*(\w+)\s*(?:\(([^()]*)\))?\s*(?:,|$)", text):
        if not m.group(1):
            continue
        inner = m.group(2) or ""
        parts = re.split(r"\b(WHERE|ORDER\s+BY|LIMIT)\b", inner, flags=re.I)
        item = Returning(m.group(1), [f.strip() for f in parts[0].split(",") if f.strip()])
        for key, value in zip(parts[1::2], parts[2::2], strict=False):
            key = key.upper().split()[0]
            if key == "WHERE":
                item.where = value.strip()
            elif key == "ORDER":
                item.order = value.strip()
            else:
                item.limit = _limit(value)
        out.append(item)
    if not out:
        raise _malformed(f"RETURNING names no object: {text.strip()}")
    return out


def _limit(text: str) -> int:
    if not text.strip().isdigit():
        raise _malformed(f"LIMIT must be a number: {text.strip()}")
    return int(text)


def _top_level_limit(rest: str) -> tuple[str, int | None]:
    """rest without its closing `LIMIT n` (one outside any RETURNING parentheses), and n."""
    depth, cut = 0, None
    for m in re.finditer(r"[()]|\bLIMIT\b", rest, re.I):
        if m.group() in "()":
            depth += 1 if m.group() == "(" else -1
        elif depth == 0:
            cut = m.start()
    if cut is None:
        return rest, None
    return rest[:cut], _limit(rest[cut + len("LIMIT") :])


def parse(q: str) -> Search:
    """The query as a Search; MALFORMED_SEARCH naming what is wrong."""
    terms_text, rest = _find_clause(q or "")
    search = Search(_parse_terms(terms_text))
    rest, limit = _top_level_limit(rest)
    if limit is not None:
        search.limit = limit
    m = re.match(r"\s*(?:IN\s+(\w+)\s+FIELDS)?\s*(?:RETURNING\s+(.*?))?\s*$", rest, re.I | re.S)
    if not m:
        raise _malformed(f"unexpected token after FIND {{{terms_text}}}: {rest.strip()[:40]}")
    if m.group(1):
        if m.group(1).lower() not in SCOPES:
            raise _malformed(f"IN {m.group(1)} FIELDS: the scope is ALL, NAME, EMAIL or PHONE FIELDS")
        search.scope = m.group(1).lower()
    if m.group(2):
        search.returning = _returning(m.group(2))
    return search


# -- matching --------------------------------------------------------------------------------------


def _has_sequence(words: list[str], patterns: list[re.Pattern]) -> bool:
    n = len(patterns)
    return any(
        all(p.fullmatch(w) for p, w in zip(patterns, words[i : i + n], strict=True)) for i in range(len(words) - n + 1)
    )


def _matches(node, texts: list[list[str]]) -> bool:
    kind = node[0]
    if kind == "term":
        return any(_has_sequence(words, node[1]) for words in texts)
    left, right = _matches(node[1], texts), _matches(node[2], texts)
    return {"and": left and right, "or": left or right, "andnot": left and not right}[kind]


def searched_fields(fields, scope: str) -> list[str]:
    """The names of the fields a scope searches, of an object's {name: Field}."""
    if scope == "name":
        return [f.name for f in fields.values() if f.name in NAME_FIELDS]
    types = SCOPES[scope] or TEXT_TYPES
    return [f.name for f in fields.values() if f.type in types]


def run(search: Search, source, objects: list[str]) -> list[dict]:
    """The matching records: per RETURNING object (or, without one, per object in `objects`, Id only), SOQL over
    source for the clause's fields, WHERE and ORDER BY, kept when a searched text field holds the terms."""
    wanted = search.returning or [Returning(o) for o in objects]
    out: list[dict] = []
    for item in wanted:
        obj = source.canonical_object(item.obj)
        fields = source.fields(obj) if obj else None
        if not fields:
            raise SoqlError("INVALID_TYPE", f"sObject type '{item.obj}' is not supported.")
        select = item.fields or ["Id"]
        with_id = select if any(f.lower() == "id" for f in select) else [*select, "Id"]
        soql = f"SELECT {', '.join(with_id)} FROM {obj}"
        soql += f" WHERE {item.where}" if item.where else ""
        soql += f" ORDER BY {item.order}" if item.order else ""
        searched = searched_fields(fields, search.scope)
        kept = 0
        for record in execute(soql, source)["records"]:
            row = source.get(obj, record["Id"]) or {}
            texts = [WORD.findall(str(row[name])) for name in searched if row.get(name)]
            if not _matches(search.terms, texts):
                continue
            if with_id is not select:
                record.pop("Id")
            out.append(record)
            kept += 1
            if len(out) >= search.limit or (item.limit is not None and kept >= item.limit):
                break
        if len(out) >= search.limit:
            break
    return out
