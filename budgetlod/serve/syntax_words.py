"""A SPARQL syntax error said in words a SPARQL user knows, instead of the parser's alternatives.

Oxigraph's parser (a PEG) reports where it stopped and the tokens it tried last: "expected one of LATERAL, SERVICE,
[_]" for a triple pattern with two terms, "expected one of Prefix not found, ['%'], …" and two screens of Unicode
ranges for an undeclared prefix, "expected CONSTRUCT" for a misspelt SELECT. :func:`explain` reads the query at
that place and says what is wrong in the query's terms — an undeclared prefix, a word that is not a keyword (with
the keyword it resembles), a brace or parenthesis left open, a triple pattern short of its object, an expression
in SELECT without ``AS`` — and otherwise names what the parser expected, in words (keywords quoted, character
classes left out). The parser's own message stays in the answer's last line for those who want it
(:func:`parser_line`).
"""

from __future__ import annotations

import difflib
import re

KEYWORDS = (
    "SELECT",
    "CONSTRUCT",
    "DESCRIBE",
    "ASK",
    "WHERE",
    "FROM",
    "NAMED",
    "PREFIX",
    "BASE",
    "DISTINCT",
    "REDUCED",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "FILTER",
    "BIND",
    "VALUES",
    "GRAPH",
    "GROUP",
    "BY",
    "HAVING",
    "ORDER",
    "ASC",
    "DESC",
    "LIMIT",
    "OFFSET",
    "AS",
    "NOT",
    "EXISTS",
    "IN",
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "SAMPLE",
    "GROUP_CONCAT",
    "SEPARATOR",
    "UNDEF",
    "STR",
    "LANG",
    "LANGMATCHES",
    "DATATYPE",
    "BOUND",
    "IRI",
    "URI",
    "BNODE",
    "RAND",
    "ABS",
    "CEIL",
    "FLOOR",
    "ROUND",
    "CONCAT",
    "STRLEN",
    "UCASE",
    "LCASE",
    "ENCODE_FOR_URI",
    "CONTAINS",
    "STRSTARTS",
    "STRENDS",
    "STRBEFORE",
    "STRAFTER",
    "YEAR",
    "MONTH",
    "DAY",
    "HOURS",
    "MINUTES",
    "SECONDS",
    "TIMEZONE",
    "TZ",
    "NOW",
    "UUID",
    "STRUUID",
    "MD5",
    "SHA1",
    "SHA256",
    "SHA384",
    "SHA512",
    "COALESCE",
    "IF",
    "STRLANG",
    "STRDT",
    "SAMETERM",
    "ISIRI",
    "ISURI",
    "ISBLANK",
    "ISLITERAL",
    "ISNUMERIC",
    "REGEX",
    "SUBSTR",
    "REPLACE",
    "TRUE",
    "FALSE",
    "A",
    "LATERAL",
)
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PREFIXED_END = re.compile(r"(?<![\w?$])([A-Za-z][\w.-]*)?:[\w.-]*$")
_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def _offset(query: str, line: int, column: int) -> int:
    lines = query.split("\n")
    before = sum(len(text) + 1 for text in lines[: max(0, line - 1)])
    return min(len(query), before + max(0, column - 1))


def _code(query: str) -> str:
    """The query with strings, IRIs and comments blanked (same length), so that their braces do not count."""
    return _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group()), query)


def _unclosed(code: str) -> str | None:
    depth = {"{": 0, "(": 0}
    for char in code:
        if char in "{(":
            depth[char] += 1
        elif char == "}":
            depth["{"] -= 1
        elif char == ")":
            depth["("] -= 1
    if depth["{"] > 0:
        return f"{depth['{']} «{{» not closed: a «}}» is missing"
    if depth["("] > 0:
        return f"{depth['(']} «(» not closed: a «)» is missing"
    if depth["{"] < 0:
        return "a «}» closes nothing"
    if depth["("] < 0:
        return "a «)» closes nothing"
    return None


def _first_form(code: str) -> str | None:
    """The query's first word after its PREFIX and BASE declarations, when it is not a query form."""
    rest = re.sub(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*|BASE\s+)\s*)+", "", code, flags=re.IGNORECASE)
    word = _WORD.match(rest.lstrip())
    if word is None or word.group().upper() in QUERY_FORMS:
        return None
    return word.group()


_BARE = re.compile(r"(?<![\w?$:@.\-])[A-Za-z_][A-Za-z0-9_]*(?![\w:-])")


def _stray_word(code: str) -> str | None:
    """The first bare word of the query that is no keyword (a variable, a prefixed name, a language tag and a
    number are not bare words)."""
    for match in _BARE.finditer(code):
        if match.group().upper() not in KEYWORDS:
            return match.group()
    return None


def _resembles(word: str) -> str:
    match = difflib.get_close_matches(word.upper(), KEYWORDS, n=1, cutoff=0.75)
    return f"; did you mean «{match[0]}»?" if match else ""


def _expected(detail: str) -> str:
    items = re.split(r",\s*(?![^\[]*\])", detail.removeprefix("expected one of ").removeprefix("expected "))
    words = [i.strip().strip('"') for i in items if i.strip() and not i.strip().startswith("[")]
    words = [w for w in words if w not in ("Prefix not found",)]
    if not words:
        return "the query cannot be read from here"
    return "expected " + (words[0] if len(words) == 1 else "one of " + ", ".join(words))


MAX_EXPLAINED = 20_000  # characters: a longer query gets the parser's alternatives in words, not the reading


def explain(detail: str, query: str, line: int, column: int) -> str:
    """What is wrong, in words, at ``line``:``column`` of ``query`` (the parser said ``detail``). Only a query a
    person wrote (up to :data:`MAX_EXPLAINED` characters) is read again: the regular expressions that blank its
    strings rescan an unterminated string from every quote, which a crafted megabyte turns into minutes."""
    if len(query) > MAX_EXPLAINED:
        return _expected(detail)
    code = _code(query)
    offset = _offset(code, line, column)
    if "Prefix not found" in detail:
        name = _PREFIXED_END.search(code[:offset].rstrip())
        prefix = (name.group(1) or "") if name else ""
        return f"the prefix «{prefix}:» is not declared: add «PREFIX {prefix}: <…>» at the top of the query"
    form = _first_form(code)
    if form is not None:
        return f"a query begins with SELECT, CONSTRUCT, ASK or DESCRIBE (after PREFIX lines), not «{form}»" + (
            _resembles(form)
        )
    if "IRI parsing failed" in detail:
        iri = re.findall(r"<[^<>\s]*>", query[:offset])
        found = f"«{iri[-1]}» " if iri else ""
        return f"the IRI {found}is not a valid absolute IRI (it needs a scheme, such as https://…)"
    unclosed = _unclosed(code)
    if unclosed is not None and not code[offset:].strip():
        if "closes nothing" in unclosed:
            return f"{unclosed}: remove it, or open it where it belongs"
        return f"the query ends too early: {unclosed}"
    word = _stray_word(code)
    if word is not None:
        return f"«{word}» is not a SPARQL keyword, nor a variable (?x), an IRI (<…>) or a prefixed name (ex:x)" + (
            _resembles(word)
        )
    last = code[:offset].rstrip()[-1:]
    if "}" in (last, code[offset : offset + 1]) and ("LATERAL" in detail or "SERVICE" in detail):
        return "a triple pattern needs a subject, a predicate and an object (only two terms before this)"
    projection = re.search(r"\(\s*[^()]*\([^()]*\)\s*\?\w+\s*\)", code[: offset + 1])
    if projection is not None and "AS" not in projection.group().upper().split():
        return "an expression in SELECT is written «(expression AS ?name)»: «AS» is missing"
    if unclosed is not None:
        return f"{_expected(detail)} ({unclosed})"
    return _expected(detail)


def parser_line(detail: str, limit: int = 160) -> str:
    """The parser's message, shortened (its Unicode character classes left out)."""
    short = re.sub(r"\[[^\]]*\]", "[…]", detail.replace("\n", " "))
    short = re.sub(r"(?:\[…\],?\s*)+", "[…] ", short).strip()
    return short if len(short) <= limit else short[: limit - 1] + "…"
