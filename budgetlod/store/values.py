"""Terms bound into a query's text as ``VALUES`` blocks at the start of its outermost WHERE group.

How a named query's typed parameters reach the engine (:mod:`budgetlod.query.params`), and how a remote store gets
the substitutions pyoxigraph takes as an argument (:mod:`budgetlod.store.remote`): values are RDF terms written by
pyoxigraph (``str(term)``), never pasted strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from budgetlod.store.base import Term

_TOKEN = re.compile(
    r"(?P<comment>#[^\n\r]*)"
    r"|(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\""
    r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\")"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<pname>(?:[A-Za-z][\w.-]*)?:[\w.:%-]*)"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<open>\{)"
    r"|(?P<other>.)",
    re.DOTALL,
)


def where_start(text: str) -> int:
    """The offset just after the ``{`` that opens the query's outermost WHERE group.

    The first ``{`` after a top-level ``WHERE`` keyword; without the keyword (``SELECT * { … }``,
    ``ASK { … }``) the first ``{`` of the query. Comments, strings and IRIs are skipped."""
    first: int | None = None
    after_where = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word" and match.group().upper() == "WHERE":
            after_where = True
        elif kind == "open":
            if after_where:
                return match.end()
            if first is None:
                first = match.end()
    if first is None:
        raise ValueError("the query has no WHERE group")
    return first


def values_block(terms: Mapping[str, Term]) -> str:
    """``VALUES ?year { "2024"^^<…#integer> }`` lines (one block a variable)."""
    return "".join(f"\n  VALUES ?{name} {{ {value} }}" for name, value in terms.items())


def with_values(text: str, terms: Mapping[str, Term]) -> str:
    """The query with the bound terms as VALUES blocks at the start of its outermost WHERE group."""
    if not terms:
        return text
    at = where_start(text)
    return text[:at] + values_block(terms) + text[at:]
