"""Running a named query with its parameters bound: in the embedded store, or at a SPARQL endpoint.

* :func:`run_store` — pyoxigraph, the default graph the union of the named graphs (as the server's
  ``/sparql`` has it). The parameters are bound as a ``VALUES`` block at the start of the outermost WHERE
  group (:func:`budgetlod.store.values.with_values`: typed terms, never the text given), or, with
  ``binding="substitutions"``, by ``Store.query(substitutions=…)`` (SEP-0007). Both give the same answers
  (tested for every query); VALUES is the default because Oxigraph 0.5 plans it as data to join with (its
  values drive index lookups), whereas a substituted variable is bound only as the query runs: measured on
  1,000 disclosures the same query took up to seven times longer with substitutions.
* :func:`run_endpoint` — any SPARQL 1.1 endpoint through :class:`budgetlod.store.remote.RemoteStore`
  (credentials from the environment, retries; an answer the server cut at its row cap is read again a page at a
  time when the query is ordered, else an error), the parameters as the same ``VALUES`` block.

Both return a :class:`Result`: the variables and the rows as pyoxigraph terms, whatever the source, so
that :mod:`budgetlod.query.output` writes them the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store, Triple, Variable

from budgetlod.query.params import Term
from budgetlod.store.embedded import StoreError, open_reader
from budgetlod.store.values import with_values

Cell = NamedNode | BlankNode | Literal | None

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class QueryRunError(RuntimeError):
    """The query could not be run (store, endpoint, syntax or evaluation); ``str()`` says why."""


@dataclass(frozen=True)
class Result:
    variables: list[str]
    rows: list[tuple[Cell, ...]]
    truncated: bool = False  # more rows than the limit: only the first ones are here

    def column(self, name: str) -> list[Cell]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def dicts(self) -> list[dict[str, str]]:
        """Rows as ``{variable: lexical value}`` (unbound variables left out)."""
        return [{v: t.value for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]


def open_store(path: Path) -> Store:
    """The store's newest snapshot, read-only (``QueryRunError`` when there is none)."""
    try:
        return open_reader(path)
    except StoreError as exc:
        raise QueryRunError(str(exc)) from None


BINDINGS = ("values", "substitutions")


def run_store(
    store: Store, text: str, terms: Mapping[str, Term], limit: int | None = None, binding: str = "values"
) -> Result:
    """A SELECT query on the store with its parameters bound (``binding``: values or substitutions)."""
    if binding not in BINDINGS:
        raise ValueError(f"binding must be one of {BINDINGS}")
    substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {}
    if binding == "substitutions":
        substitutions = {Variable(name): value for name, value in terms.items()}
    if binding == "values":
        text = with_values(text, terms)
    try:
        answer = store.query(text, use_default_graph_as_union=True, substitutions=substitutions or None)
    except SyntaxError as exc:
        raise QueryRunError(f"SPARQL syntax error: {exc}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryRunError(f"the query failed: {exc}") from None
    if not isinstance(answer, QuerySolutions):
        raise QueryRunError("only SELECT queries can be run as named queries")
    variables = [v.value for v in answer.variables]
    try:
        solutions = answer if limit is None else itertools.islice(answer, limit + 1)
        rows = [tuple(solution[v] for v in variables) for solution in solutions]
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryRunError(f"the query failed: {exc}") from None
    truncated = limit is not None and len(rows) > limit
    return Result(variables, rows[:limit] if truncated else rows, truncated)


def term_from_json(value: Mapping[str, Any]) -> Cell:
    """A term of the SPARQL 1.1 results JSON format as a pyoxigraph term."""
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return NamedNode(text)
    if kind == "bnode":
        return BlankNode(text)
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang")
        if language:
            return Literal(text, language=str(language))
        datatype = value.get("datatype")
        if datatype and datatype != RDF_LANG_STRING:
            return Literal(text, datatype=NamedNode(str(datatype)))
        return Literal(text)
    raise QueryRunError(f"unexpected term in the results: {value!r}")


def result_from_json(document: Mapping[str, Any], truncated: bool = False) -> Result:
    """SPARQL 1.1 results JSON (a SELECT answer) as a :class:`Result`."""
    try:
        variables = [str(v) for v in document["head"]["vars"]]
        bindings: Sequence[Mapping[str, Any]] = document["results"]["bindings"]
    except (KeyError, TypeError):
        raise QueryRunError("the endpoint did not answer with SELECT results") from None
    rows = [tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in bindings]
    return Result(variables, rows, truncated)


def run_endpoint(url: str, text: str, terms: Mapping[str, Term], timeout: float = 60.0) -> Result:
    """A SELECT query at a SPARQL endpoint through :class:`budgetlod.store.remote.RemoteStore` (credentials
    from the environment, retries, SPARQL results XML), its parameters bound as the same VALUES block as in the
    embedded store. An answer the server cut at its row cap (Virtuoso's ``ResultSetMaxRows``: 10,000 rows, which
    ``disclosures`` passes at 10,000 disclosures) is asked again a page at a time in the query's own order, so
    that every row comes; a query without an ``ORDER BY`` cannot be paged reliably, and the cap is an error."""
    from budgetlod.store.remote import RemoteOptions, RemoteStore, ResultTruncated
    from budgetlod.store.sparql_client import RemoteStoreError

    # without the #+ header: it documents the query, and SPARQLWrapper would read a word of it as the query form
    query = with_values("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#+")), terms)
    try:  # two tries: a dropped connection is tried again, a query the server timed out not four times
        store = RemoteStore.from_environment(url, options=RemoteOptions(attempts=2, query_timeout=timeout))
        try:
            answer = store.query(query)
        except ResultTruncated as cut:
            variables = ordered_projection(query)
            if variables is None:
                raise QueryRunError(f"{cut}; the query has no ORDER BY to read it a page at a time") from None
            found = store.select_all(query)
            return Result(variables, [tuple(_cell(row.get(v)) for v in variables) for row in found])
    except RemoteStoreError as exc:
        raise QueryRunError(str(exc)) from None
    if not isinstance(answer, QuerySolutions):
        raise QueryRunError(f"{url}: the endpoint did not answer with SELECT results")
    variables = [v.value for v in answer.variables]
    return Result(variables, [tuple(solution[v] for v in variables) for solution in answer])


def _cell(term: NamedNode | BlankNode | Literal | Triple | None) -> Cell:
    if isinstance(term, Triple):
        raise QueryRunError(f"a quoted triple in the answer, which budgetlod does not show: {term}")
    return term


WRAPPERS = ("SelectQuery", "Slice", "Distinct", "Reduced", "Project")  # what rdflib's algebra puts above ORDER BY


def ordered_projection(text: str) -> list[str] | None:
    """The variables a SELECT query projects, in order, when its outermost query is ordered (``ORDER BY``);
    None otherwise, or when rdflib cannot parse it (rdflib's parser, since pyoxigraph exposes no algebra)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # any parse failure: not pageable, and the cap stays the error
        return None
    node = algebra
    while getattr(node, "name", None) in WRAPPERS:
        node = node.get("p")
    if getattr(node, "name", None) != "OrderBy":
        return None
    return [str(v) for v in algebra["PV"]]
