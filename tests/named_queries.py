"""A named query of the library run on a store, its answer as Python rows: numbers as ``Decimal``, the rest as
text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from budgetlod.query.library import named_query
from budgetlod.query.params import bind
from budgetlod.query.run import run_store

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMBERS = {f"{XSD}{t}" for t in ("integer", "decimal", "double")}


def value(term: NamedNode | BlankNode | Literal | None) -> Any:
    """A cell as Python: numbers as Decimal, the rest as text (None when unbound)."""
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype.value in NUMBERS:
        return Decimal(term.value)
    return term.value


def run(store: Any, name: str, binding: str = "values", **params: str) -> list[dict[str, Any]]:
    query = named_query(name)
    result = run_store(store, query.text, bind(query, params), binding=binding)
    return [{v: value(t) for v, t in zip(result.variables, row, strict=True)} for row in result.rows]
