"""pyoxigraph's read API over a remote SPARQL 1.1 store, for code written against ``pyoxigraph.Store``: the
server's Linked Data pages, its catalogue and VoID, the JSON-LD publication of a disclosure
(:class:`budgetlod.store.base.QuadReader`).

* ``query(text, prefixes=, substitutions=)`` is :meth:`RemoteStore.query` (a bound value goes in as a
  ``VALUES`` block, never pasted into the text; a capped answer is an error, never a silent part);
* ``quads_for_pattern(s, p, o, g)`` is one SELECT, ``GRAPH ?g { s p o }`` with the given terms written by
  pyoxigraph in N-Triples syntax (a term is data, never query text). Without a graph it matches every named
  graph, as the embedded store (whose data is all in named graphs) does. An answer that reaches the server's
  row cap is asked again a page at a time (``ORDER BY``), so a whole graph of any size is read.
* ``select_all(text)``: every row of an ordered SELECT, a page at a time (``LIMIT``/``OFFSET``): the catalogue's
  and VoID's listings, however many disclosures (:func:`budgetlod.store.base.select_rows`).

Answers are kept for ``memo_seconds``, so that a page, or the publication of a disclosure, does not make a
round trip to the remote store for every resource it looks at:

* a named graph that a pattern names is read whole, once, when it has at most ``graph_triples`` triples (one
  ``COUNT`` to know), and the patterns naming it are answered from that copy (the code lists and the ontology,
  asked for the concepts of every disclosure; a disclosure's own graph);
* other pattern answers are kept as they are (at most ``memo_entries`` of them).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, Triple

from budgetlod.store.base import QueryResult, Substitutions, Term, rows
from budgetlod.store.remote import RemoteStore, ResultTruncated

Pattern = tuple[
    NamedNode | BlankNode | Triple | None,
    NamedNode | None,
    NamedNode | BlankNode | Literal | Triple | None,
    NamedNode | BlankNode | DefaultGraph | None,
]
POSITIONS = ("s", "p", "o", "g")


class RemoteReader:
    def __init__(
        self,
        remote: RemoteStore,
        *,
        memo_seconds: float = 60.0,
        memo_entries: int = 20000,
        graph_triples: int = 20000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.remote = remote
        self.memo_seconds = memo_seconds
        self.memo_entries = memo_entries
        self.graph_triples = graph_triples
        self._graphs: dict[str, tuple[float, dict[str, list[Quad]] | None]] = {}  # graph -> by subject; None: large
        self._clock = clock
        self._memo: OrderedDict[Pattern, tuple[float, list[Quad]]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteReader({self.remote!r})"

    def query(
        self,
        query: str,
        *,
        prefixes: dict[str, str] | None = None,
        substitutions: Substitutions | None = None,
    ) -> QueryResult:
        return self.remote.query(query, prefixes=prefixes, substitutions=substitutions)

    def select_all(self, text: str, *, prefixes: dict[str, str] | None = None) -> list[dict[str, Term]]:
        """Every row of an ordered SELECT however many, a page at a time (a :class:`~.base.PagingReader`)."""
        head = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or {}).items())
        return self.remote.select_all(head + text)

    def quads_for_pattern(
        self,
        subject: NamedNode | BlankNode | Triple | None,
        predicate: NamedNode | None,
        object: NamedNode | BlankNode | Literal | Triple | None,
        graph_name: NamedNode | BlankNode | DefaultGraph | None = None,
    ) -> list[Quad]:
        pattern: Pattern = (subject, predicate, object, graph_name)
        for term in pattern:
            if isinstance(term, BlankNode | Triple | DefaultGraph):
                raise ValueError(f"a remote store cannot be asked for {term}: only IRIs and literals, in named graphs")
        if isinstance(graph_name, NamedNode) and self.memo_seconds > 0:
            by_subject = self._graph(graph_name)
            if by_subject is not None:
                return _match(by_subject, pattern)
        kept = self._recall(pattern)
        if kept is not None:
            return kept
        found = self._ask(pattern)
        self._keep(pattern, found)
        return found

    # --- the query ---------------------------------------------------------------------------------

    def _ask(self, pattern: Pattern) -> list[Quad]:
        names = [name for name, term in zip(POSITIONS, pattern, strict=True) if term is None]
        s, p, o, g = (f"?{name}" if term is None else str(term) for name, term in zip(POSITIONS, pattern, strict=True))
        where = f"WHERE {{ GRAPH {g} {{ {s} {p} {o} }} }}"
        if not names:
            answer = self.remote.query(f"ASK {where}")
            return [Quad(*pattern)] if isinstance(answer, QueryBoolean) and bool(answer) else []  # type: ignore[arg-type]
        select = f"SELECT {' '.join('?' + n for n in names)} {where}"
        try:
            found = rows(self.remote.query(select))
        except ResultTruncated:  # more than the server's row cap: page through it in a stable order
            found = self.remote.select_all(f"{select} ORDER BY {' '.join('?' + n for n in names)}")
        return [self._quad(pattern, row) for row in found]

    def _graph(self, graph: NamedNode) -> dict[str, list[Quad]] | None:
        """The quads of a small named graph by subject (read once, kept for memo_seconds); None for a large one."""
        with self._lock:
            entry = self._graphs.get(graph.value)
        if entry is not None and self._clock() - entry[0] <= self.memo_seconds:
            return entry[1]
        size = self.remote.count_triples([graph.value]).get(graph.value, 0)
        by_subject: dict[str, list[Quad]] | None = None
        if size <= self.graph_triples:
            by_subject = {}
            for quad in self._ask((None, None, None, graph)):
                by_subject.setdefault(str(quad.subject), []).append(quad)
        with self._lock:
            self._graphs[graph.value] = (self._clock(), by_subject)
        return by_subject

    @staticmethod
    def _quad(pattern: Pattern, row: dict[str, Term]) -> Quad:
        s, p, o, g = (row.get(name) if term is None else term for name, term in zip(POSITIONS, pattern, strict=True))
        return Quad(s, p, o, g)  # type: ignore[arg-type]

    # --- the memo ----------------------------------------------------------------------------------

    def _recall(self, pattern: Pattern) -> list[Quad] | None:
        if self.memo_seconds <= 0:
            return None
        with self._lock:
            entry = self._memo.get(pattern)
            if entry is None:
                return None
            if self._clock() - entry[0] > self.memo_seconds:
                del self._memo[pattern]
                return None
            self._memo.move_to_end(pattern)
            return list(entry[1])

    def _keep(self, pattern: Pattern, quads: list[Quad]) -> None:
        if self.memo_seconds <= 0 or len(quads) > 1000:  # whole graphs are kept by the callers that need them
            return
        with self._lock:
            self._memo[pattern] = (self._clock(), list(quads))
            self._memo.move_to_end(pattern)
            while len(self._memo) > self.memo_entries:
                self._memo.popitem(last=False)

    def forget(self) -> None:
        """Drop every kept answer."""
        with self._lock:
            self._memo.clear()
            self._graphs.clear()


def _match(by_subject: dict[str, list[Quad]], pattern: Pattern) -> list[Quad]:
    """The quads of one graph's copy that match a pattern."""
    subject, predicate, obj, _ = pattern
    quads = by_subject.get(str(subject), []) if subject is not None else [q for qs in by_subject.values() for q in qs]
    return [q for q in quads if (predicate is None or q.predicate == predicate) and (obj is None or q.object == obj)]


__all__ = ["RemoteReader"]
