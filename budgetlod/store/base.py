"""What ingest and the readers need of a store, whichever it is: the embedded Oxigraph store
(:mod:`budgetlod.store.embedded`) or a remote SPARQL 1.1 store (:mod:`budgetlod.store.remote`).

* :class:`GraphWriter` — replace one named graph (replace semantics: after the call the graph holds
  exactly the quads given, never a mix of old and new), list the graphs, load the ontology and code
  lists. :class:`budgetlod.store.embedded.Writer` and :class:`budgetlod.store.remote.RemoteStore`
  satisfy it.
* :class:`GraphReader` — run a SPARQL query with pyoxigraph's keywords (``prefixes``, ``substitutions``)
  and get pyoxigraph's result types: a ``pyoxigraph.Store`` and a ``RemoteStore`` satisfy it. A remote
  SELECT/ASK answer is a real ``QuerySolutions``/``QueryBoolean``; a CONSTRUCT/DESCRIBE answer is a
  list of ``Triple`` (iterating it is what consumers of ``QueryTriples`` do).
* :class:`QuadReader` — a ``GraphReader`` that also matches quad patterns (``quads_for_pattern``), what the
  server's pages and the publishing documents read: a ``pyoxigraph.Store``, and
  :class:`budgetlod.store.remote_reader.RemoteReader` over a ``RemoteStore``.

:func:`rows` turns either kind of SELECT answer into the neutral form, a list of ``{variable: term}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Triple,
    Variable,
)

Term = NamedNode | BlankNode | Literal | Triple
Substitutions = dict[Variable, NamedNode | BlankNode | Literal | Triple]
QueryResult = QuerySolutions | QueryBoolean | QueryTriples | list[Triple]


class GraphWriter(Protocol):
    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> int:
        """Make the named graph hold exactly these quads' triples (their graph names ignored); the count sent."""
        ...

    def graph_names(self) -> set[str]:
        """The named graphs that hold triples."""
        ...


class GraphReader(Protocol):
    def query(
        self,
        query: str,
        *,
        prefixes: dict[str, str] | None = None,
        substitutions: Substitutions | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; ``substitutions`` bind variables before evaluation (never pasted into the text)."""
        ...


class QuadReader(GraphReader, Protocol):
    def quads_for_pattern(
        self,
        subject: NamedNode | BlankNode | Triple | None,
        predicate: NamedNode | None,
        object: NamedNode | BlankNode | Literal | Triple | None,
        graph_name: NamedNode | BlankNode | DefaultGraph | None = None,
    ) -> Iterable[Quad]:
        """The quads matching a pattern (None matches anything; no graph_name: every graph)."""
        ...


def rows(answer: QueryResult) -> list[dict[str, Term]]:
    """A SELECT answer as ``[{variable name: term}]``, unbound variables left out."""
    if not isinstance(answer, QuerySolutions):
        raise TypeError(f"not a SELECT answer: {type(answer).__name__}")
    names = [v.value for v in answer.variables]
    out: list[dict[str, Term]] = []
    for solution in answer:
        row: dict[str, Term] = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = term
        out.append(row)
    return out


def text_of(term: Term) -> str:
    """The value of an IRI, blank node or literal as text (a quoted triple is not expected in a row)."""
    if isinstance(term, Triple):
        raise TypeError(f"a quoted triple where a term was expected: {term}")
    return term.value


@runtime_checkable
class PagingReader(Protocol):
    def select_all(self, text: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, Term]]:
        """Every row of a SELECT that ends with its ORDER BY, asked a page at a time (a store with a row cap)."""
        ...


def select_rows(
    store: GraphReader,
    text: str,
    order_by: str,
    *,
    prefixes: dict[str, str] | None = None,
    substitutions: Substitutions | None = None,
) -> list[dict[str, Term]]:
    """Every row of a SELECT (``text`` without solution modifiers after its GROUP BY) in the order given,
    however many: a store that caps its answers (:class:`PagingReader`: a remote store) is asked a page at a
    time in that order, which must be total (e.g. the grouping keys); the embedded store answers at once, and
    so does any store when ``substitutions`` are given (one disclosure, say: a few rows)."""
    ordered = f"{text.rstrip()}\nORDER BY {order_by}"
    if isinstance(store, PagingReader) and not substitutions:
        return store.select_all(ordered, prefixes=prefixes)
    return rows(store.query(ordered, prefixes=prefixes, substitutions=substitutions))

__all__ = [
    "GraphReader",
    "GraphWriter",
    "PagingReader",
    "QuadReader",
    "QueryResult",
    "Substitutions",
    "Term",
    "rows",
    "select_rows",
    "text_of",
]
