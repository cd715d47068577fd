"""The library's queries for stores without SPARQL 1.2 ``LATERAL`` (Virtuoso 7, GraphDB, QLever, Jena < 4.7).

A few queries of ``queries/`` say ``LATERAL { … }`` (SEP-0006) only as an evaluation hint for Oxigraph: its
planner then looks a cell up for each row found so far instead of reading every cell of the store and joining
(``units-side-by-side`` 33 ms instead of 3 s on 1,000 disclosures). They use it only where dropping the keyword
and its braces leaves the answer unchanged — the inner group is one ``GRAPH`` block of triple patterns (a join)
or one ``OPTIONAL`` (a left join) whose shared variables the rows before it bind — which a test checks for every
query (``tests/test_queries_units.py``) and on both stores (``tests/test_remote_queries.py``).
:func:`without_lateral` makes that SPARQL 1.1 text; named queries sent to a remote store go through it.
"""

from __future__ import annotations

import re

KEYWORD = re.compile(r"LATERAL\b", re.IGNORECASE)
NAME_CHAR = re.compile(r"[\w:?$]")


def _skip(text: str, i: int) -> int:
    """If a comment, string or IRI starts at ``i``, the index after it; else ``i``."""
    char = text[i]
    if char == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if char in "\"'":
        quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
        j = i + len(quote)
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                return j + len(quote)
            j += 1
        return len(text)
    if char == "<":
        match = re.compile(r"<[^<>\"{}|^`\\\s]*>").match(text, i)
        if match:
            return match.end()
    return i


def _closing(text: str, start: int) -> int:
    """The index of the ``}`` that closes the ``{`` at ``start``."""
    depth, i = 0, start
    while i < len(text):
        after = _skip(text, i)
        if after != i:
            i = after
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced braces after position {start}")


def lateral_groups(text: str) -> list[tuple[int, int, int]]:
    """Every ``LATERAL`` outside comments, strings and IRIs: (keyword start, ``{`` index, ``}`` index)."""
    found: list[tuple[int, int, int]] = []
    i = 0
    while i < len(text):
        after = _skip(text, i)
        if after != i:
            i = after
            continue
        match = KEYWORD.match(text, i)
        if match and (i == 0 or not NAME_CHAR.match(text[i - 1])):
            brace = match.end()
            while brace < len(text) and text[brace].isspace():
                brace += 1
            if brace >= len(text) or text[brace] != "{":
                raise ValueError(f"LATERAL without a group at position {i}")
            found.append((i, brace, _closing(text, brace)))
            i = brace + 1
            continue
        i += 1
    return found


def without_lateral(text: str) -> str:
    """The query with each ``LATERAL { X }`` replaced by ``X`` (one at a time, found again after each)."""
    while groups := lateral_groups(text):
        start, brace, close = groups[0]
        text = text[:start] + text[brace + 1 : close].strip() + text[close + 1 :]
    return text
