"""A query result written out: an aligned table for a terminal, CSV, or simple JSON.

* **table** — one column a variable, aligned by *display* width (a Chinese character takes two columns
  of a terminal: ``unicodedata.east_asian_width`` W/F), numbers right-aligned, IRIs shortened with the
  project's prefixes but never cut (they are what one copies), a year's IRI as the year, long texts cut with ``…``.
* **csv** — the W3C SPARQL 1.1 Query Results CSV format (:func:`budgetlod.query.results.write_select`).
* **json** — ``{"columns": [...], "rows": [{column: value}], ...}``: numbers (xsd:integer, xsd:decimal,
  xsd:double) as JSON numbers written exactly as the store gives them (no float rounding), booleans as
  true/false, anything else as its lexical form; an unbound cell is left out of its row.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from budgetlod import formats
from budgetlod.prefixes import PREFIXES, XSD
from budgetlod.query import results
from budgetlod.query.run import Cell, Result

NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger")}
MAX_CELL_WIDTH = 48
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def is_number(cell: Cell) -> bool:
    return isinstance(cell, Literal) and cell.datatype.value in NUMERIC and not cell.language


def width(text: str) -> int:
    """Columns a text takes in a terminal (East Asian wide and full-width characters take two)."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def cut(text: str, limit: int = MAX_CELL_WIDTH) -> str:
    """The text, cut to ``limit`` display columns with an ellipsis when longer."""
    if width(text) <= limit:
        return text
    out, used = [], 0
    for char in text:
        w = width(char)
        if used + w > limit - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def compact(iri: str) -> str:
    """An IRI as a prefixed name when one of the project's prefixes fits (the longest namespace wins)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            local = iri[len(namespace) :]
            if local and all(c.isalnum() or c in "_-." for c in local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


YEAR_NAMESPACE = "http://reference.data.gov.uk/id/year/"


def display(cell: Cell) -> str:
    """A cell as people read it: a year's IRI as the year (``2024``, as the queries that return the integer show
    it), another IRI as a prefixed name where a prefix fits, a literal's text on one line."""
    if cell is None:
        return ""
    if isinstance(cell, NamedNode):
        year = cell.value[len(YEAR_NAMESPACE) :] if cell.value.startswith(YEAR_NAMESPACE) else ""
        if len(year) == 4 and year.isdigit():
            return year
        return compact(cell.value)
    if isinstance(cell, BlankNode):
        return f"_:{cell.value}"
    return cell.value.replace("\n", " ")


def pad(text: str, size: int, right: bool) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def table(result: Result) -> str:
    """The result as an aligned text table (a header, a rule, one line a row)."""
    headers = list(result.variables)
    cells = [[display(c) if isinstance(c, NamedNode) else cut(display(c)) for c in row] for row in result.rows]
    numeric = [
        bool(result.rows) and all(row[i] is None or is_number(row[i]) for row in result.rows)
        for i in range(len(headers))
    ]
    sizes = [max([width(h)] + [width(row[i]) for row in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(pad(h, sizes[i], numeric[i]) for i, h in enumerate(headers)).rstrip(),
        "  ".join("-" * s for s in sizes),
    ]
    for row in cells:
        lines.append("  ".join(pad(text, sizes[i], numeric[i]) for i, text in enumerate(row)).rstrip())
    return "\n".join(lines) + "\n"


def csv(result: Result) -> str:
    return results.write_select(formats.CSV, result.variables, result.rows).decode("utf-8")


def json_value(cell: Cell) -> Any:
    """A cell as a JSON value (numbers kept exact as :class:`RawNumber`)."""
    if cell is None:
        return None
    if is_number(cell):
        return RawNumber(cell.value)
    if isinstance(cell, Literal) and cell.datatype.value == f"{XSD}boolean":
        return cell.value in ("true", "1")
    if isinstance(cell, BlankNode):
        return f"_:{cell.value}"
    return cell.value


class RawNumber(str):
    """A number's lexical form, written into JSON as a number, digit for digit."""


def _dump(value: Any) -> str:
    if isinstance(value, RawNumber):
        text = str(value)
        if _JSON_NUMBER.fullmatch(text):
            return text
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        return format(number, "f") if number.is_finite() else json.dumps(text)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def rows_json(result: Result) -> list[dict[str, Any]]:
    return [
        {v: json_value(c) for v, c in zip(result.variables, row, strict=True) if c is not None} for row in result.rows
    ]


def simple_json(result: Result, extra: Mapping[str, Any] | None = None) -> str:
    """``{…extra, "columns": [...], "rows": [...], "truncated": bool}`` with exact numbers."""
    document: dict[str, Any] = dict(extra or {})
    document["columns"] = list(result.variables)
    document["rows"] = rows_json(result)
    document["truncated"] = result.truncated
    return _dump(document) + "\n"


def write(result: Result, fmt: str, extra: Mapping[str, Any] | None = None) -> str:
    """The result in ``table``, ``csv`` or ``json``."""
    if fmt == "table":
        return table(result)
    if fmt == "csv":
        return csv(result)
    if fmt == "json":
        return simple_json(result, extra)
    raise ValueError(f"unknown format {fmt!r}")


def params_json(terms: Mapping[str, Cell]) -> dict[str, Any]:
    """The bound parameters as JSON values (what a result was computed for)."""
    return {name: json_value(value) for name, value in terms.items()}


def labels(result: Result, columns: Sequence[str]) -> list[str]:
    """For each row, the display text of ``columns`` joined by a space (chart labels)."""
    indexes = [result.variables.index(c) for c in columns if c in result.variables]
    return [" ".join(display(row[i]) for i in indexes if row[i] is not None) for row in result.rows]
