"""A remote SPARQL 1.1 store (Virtuoso, Fuseki, GraphDB, QLever, Oxigraph server …) given by its URLs.

Writing (:meth:`RemoteStore.replace_graph`) stages the new content in a graph of its own, checks it, and
makes it the live graph with one idempotent update (:mod:`budgetlod.store.staging`): the live graph is old or
new, never half, and a retry after a lost answer changes nothing.

When a graph's upload fails for good, :class:`RemoteGraphError` says what the live graph now is
(:class:`GraphState`: old, new, absent, partial, or unknown when the server cannot be asked) and whether
a staging graph was left behind. With only a GSP endpoint (no update endpoint) the graph is PUT in place:
atomic on servers whose PUT is a transaction (Fuseki, GraphDB, Oxigraph), not on Virtuoso, so a failure
there is judged by counting the live graph. The design and Virtuoso's limits: ``docs/remote-store.md``.

Reading (:meth:`RemoteStore.query`) returns pyoxigraph's types (:mod:`budgetlod.store.base`); bound
variables go into the query as a ``VALUES`` block (:func:`budgetlod.store.values.with_values`), never
pasted in as text; a result the server cut short (Virtuoso's ``X-SPARQL-MaxRows``, an anytime-query
``X-SQL-State``) is an error, not a silent partial answer.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from budgetlod.store.base import QueryResult, Substitutions, Term
from budgetlod.store.canonical import canonical_triples
from budgetlod.store.sparql_client import Credentials, RemoteStoreError, Reply, Retry, SparqlClient
from budgetlod.store.staging import (
    PROBE_GRAPH,
    STAGING_PREFIX,
    XSD_DECIMAL,
    GraphState,
    RemoteGraphError,
    batches,
    commit_update,
    guard,
    has_blank,
    staging_graph,
    with_decimal_point,
)
from budgetlod.store.values import with_values

RESULT_FORMATS = {
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/rdf+xml": RdfFormat.RDF_XML,
}


# the PREFIX and BASE declarations that begin a query (they stay in front when the query becomes a subquery)
PROLOGUE = re.compile(r"(?:\s*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>))+\s*", re.IGNORECASE)


class ResultTruncated(RemoteStoreError):
    """The server answered only part of the result (a row cap or a timeout of its own)."""


_WRITERS = itertools.count(1)  # RemoteStore.writer

@dataclass(frozen=True)
class RemoteOptions:
    """Request sizes, retries and timeouts. Virtuoso 7.2 compiles an ``INSERT DATA`` into about 7 lines of SQL a
    triple and refuses more than 10,000 (SP031) when [SPARQL] MaxQueryCostEstimationTime is set, as the Debian
    package's virtuoso.ini has it: at most 1,426 triples a request; its parser stops near 4,990 (SP030) in any
    case, and it refuses request texts over 10 MB. Hence 1,000 triples and 4 MB (``docs/remote-store.md``)."""

    batch_triples: int = 1000
    batch_bytes: int = 4_000_000
    attempts: int = 4  # tries of each request in all
    backoff: float = 0.5  # seconds before the first retry, doubled each time
    max_backoff: float = 30.0
    query_timeout: float = 60.0  # seconds without an answer (socket timeout)
    update_timeout: float = 300.0
    page_rows: int = 10000  # rows a page when listing graphs (at most the server's row cap)
    verify: bool = True  # count the live graph after each replacement
    decimal_point: bool | None = None  # write "30"^^xsd:decimal as "30.0" in INSERT DATA; None: if the store needs it


def parse_answer(reply: Reply, form: str) -> QueryResult:
    """A query answer as pyoxigraph terms: ``QuerySolutions``/``QueryBoolean``, or a list of triples."""
    kind = reply.content_type
    graph = form in ("CONSTRUCT", "DESCRIBE")
    try:
        if not graph and kind in RESULT_FORMATS:
            return parse_query_results(reply.body, RESULT_FORMATS[kind])
        if graph and kind in GRAPH_FORMATS:
            return [quad.triple for quad in parse(reply.body, GRAPH_FORMATS[kind])]
    except SyntaxError as exc:
        raise RemoteStoreError(f"{reply.url}: the answer ({kind}) cannot be read: {exc}") from None
    raise RemoteStoreError(f"{reply.url}: unexpected answer to a {form} query: {kind or 'no content type'}")


def check_complete(reply: Reply) -> int | None:
    """The server's row cap when the answer reached it (``X-SPARQL-MaxRows``), else None; an error when the
    server stopped the query early and answered what it had (Virtuoso's anytime queries: ``X-SQL-State``) or
    says it cut the answer (budgetlod's own endpoint: ``X-Result-Truncated: true``)."""
    state = reply.headers.get("X-SQL-State")
    if state:
        message = reply.headers.get("X-SQL-Message") or ""
        raise ResultTruncated(f"{reply.url}: the server answered a partial result ({state} {message})".strip())
    if (reply.headers.get("X-Result-Truncated") or "").strip().lower() == "true":
        limit = reply.headers.get("X-Row-Limit") or "?"
        raise ResultTruncated(f"{reply.url}: the server answered only the first {limit} rows (X-Result-Truncated)")
    cap = reply.headers.get("X-SPARQL-MaxRows")
    return int(cap) if cap and cap.strip().isdigit() else None


def bindable(substitutions: Substitutions) -> dict[str, NamedNode | Literal]:
    terms: dict[str, NamedNode | Literal] = {}
    for variable, term in substitutions.items():
        if not isinstance(term, NamedNode | Literal):
            raise ValueError(f"?{variable.value}: only IRIs and literals can be bound at a remote endpoint")
        terms[variable.value] = term
    return terms


class RemoteStore:
    """A store at SPARQL 1.1 endpoints; satisfies :class:`~budgetlod.store.base.GraphWriter` and
    :class:`~budgetlod.store.base.GraphReader`. Writing needs an update or a GSP endpoint (or both)."""

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        credentials: Credentials | None = None,
        options: RemoteOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options or RemoteOptions()
        retry = Retry(self.options.attempts, self.options.backoff, self.options.max_backoff)
        self.client = SparqlClient(
            query_url, update_url=update_url, gsp_url=gsp_url, credentials=credentials, retry=retry, sleep=sleep
        )
        self._needs_point: bool | None = None  # see _decimal_point
        # this writer's token in its staging graphs' names (budgetlod.store.staging.staging_graph): the process, the
        # moment it was made and its number in the process, so that concurrent writers never stage one graph into
        # the same place
        self.writer = f"w{os.getpid():x}-{time.time_ns() // 1_000_000:x}-{next(_WRITERS)}"

    @classmethod
    def from_environment(
        cls,
        query_url: str,
        *,
        update_url: str | None = None,
        gsp_url: str | None = None,
        options: RemoteOptions | None = None,
    ) -> RemoteStore:
        """Credentials from ``BUDGETLOD_REMOTE_USER``/``_PASSWORD``/``_AUTH`` (the only place they come from)."""
        return cls(query_url, update_url=update_url, gsp_url=gsp_url, credentials=Credentials.from_environment(),
                   options=options)

    def __repr__(self) -> str:
        c = self.client
        return f"RemoteStore(query={c.query_url!r}, update={c.update_url!r}, gsp={c.gsp_url!r}, auth={c.auth!r})"

    # --- reading -----------------------------------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        prefixes: dict[str, str] | None = None,
        substitutions: Substitutions | None = None,
        default_graph: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        use_default_graph_as_union: bool = True,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a query at the query endpoint. ``default_graph``/``named_graphs`` are the protocol's
        ``default-graph-uri``/``named-graph-uri``; without them the server's default graph is used (on
        Virtuoso the union of all graphs, its own system graphs included). ``use_default_graph_as_union``
        is accepted for calls written for pyoxigraph; False cannot be honoured (the server decides)."""
        if not use_default_graph_as_union and not default_graph:
            raise ValueError("a remote store's default graph is the server's: give default_graph to choose one")
        text = query
        if substitutions:
            text = with_values(text, bindable(substitutions))
        if prefixes:
            text = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items()) + text
        form = self.client.query_form(text)
        reply = self.client.query(
            text,
            timeout=timeout or self.options.query_timeout,
            default_graphs=default_graph,
            named_graphs=named_graphs,
        )
        cap = check_complete(reply)
        if cap is not None:
            raise ResultTruncated(
                f"{reply.url}: the answer reached the server's row cap of {cap} rows and may be cut short "
                "(Virtuoso: [SPARQL] ResultSetMaxRows); add a LIMIT below it or raise the cap"
            )
        return parse_answer(reply, form)

    def _select(self, text: str) -> tuple[list[dict[str, Term]], int | None]:
        reply = self.client.query(text, timeout=self.options.query_timeout)
        cap = check_complete(reply)
        answer = parse_answer(reply, "SELECT")
        if not isinstance(answer, QuerySolutions):
            raise RemoteStoreError(f"{reply.url}: a SELECT query was not answered with solutions")
        names = [v.value for v in answer.variables]
        found = [{n: t for n in names if (t := s[n]) is not None} for s in answer]
        return found, cap

    def _paged(self, text: str) -> list[dict[str, Term]]:
        """All rows of an ordered SELECT, a page at a time (pages shrink to the server's row cap). The ordered
        query is a subquery and the page is cut outside it: Virtuoso refuses ``ORDER BY`` with ``OFFSET`` +
        ``LIMIT`` beyond its MaxSortedTopRows (10,000 by default: ``SR353 Sorted TOP clause specifies more then
        20003 rows to sort``) and keeps the subquery's order (tested). SPARQL 1.1 does not promise that order
        through a subquery; the outer query only slices, and the stores we know keep it."""
        prologue = PROLOGUE.match(text)
        head, body = (text[: prologue.end()], text[prologue.end() :]) if prologue else ("", text)
        out: list[dict[str, Term]] = []
        page = max(1, self.options.page_rows)
        while True:
            found, cap = self._select(f"{head}SELECT * WHERE {{ {{ {body} }} }} LIMIT {page} OFFSET {len(out)}")
            out += found
            if cap is not None and cap < page:
                page = cap  # the server cut this page at its cap: keep what came, ask in pages of that size
                continue
            if len(found) < page:
                return out

    def select_all(self, text: str) -> list[dict[str, Term]]:
        """Every row of a SELECT query that ends with its ORDER BY (no LIMIT/OFFSET of its own), asked a page
        at a time so that the server's row cap cannot cut it."""
        return self._paged(text)

    def _all_graphs(self) -> set[str]:
        found = self._paged("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return {g.value for row in found if isinstance(g := row.get("g"), NamedNode)}

    def graph_names(self) -> set[str]:
        """The named graphs holding triples, staging graphs left out (on Virtuoso its system graphs are in)."""
        return {g for g in self._all_graphs() if not g.startswith(STAGING_PREFIX)}

    def staging_graph(self, graph: str) -> str:
        """Where this writer stages ``graph``'s new content (``urn:budgetlod:staging:<writer>:<graph>``)."""
        return staging_graph(graph, self.writer)

    def staging_graphs(self) -> set[str]:
        """Staging graphs left behind by failed replacements."""
        return {g for g in self._all_graphs() if g.startswith(STAGING_PREFIX)}

    def count_triples(self, graphs: Iterable[str] | None = None) -> dict[str, int]:
        """Triples per named graph: the graphs given (those without triples left out), or all of them."""
        if graphs is None:
            found = self._paged("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
        else:
            names = " ".join(f"<{NamedNode(g).value}>" for g in graphs)
            text = f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            found, _ = self._select(text)
        return {
            g.value: int(n.value)
            for row in found
            if isinstance(g := row.get("g"), NamedNode) and isinstance(n := row.get("n"), Literal)
        }

    # --- writing -----------------------------------------------------------------------------------

    def drop_graph(self, graph: str) -> None:
        name = NamedNode(graph).value
        if self.client.update_url:
            self.client.update(f"DROP SILENT GRAPH <{name}>", timeout=self.options.update_timeout)
        else:
            self.client.put_graph(name, b"", timeout=self.options.update_timeout)

    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> int:
        """Replace one named graph with the quads' triples (their graph names ignored); the count sent.

        Raises :class:`RemoteGraphError` (with the live graph's :class:`GraphState`) when it cannot."""
        name = NamedNode(graph).value
        triples = [q.triple for q in quads]
        if self.client.update_url is None and self.client.gsp_url is None:
            raise RemoteGraphError(name, GraphState.OLD, f"{self.client.query_url}: no update or GSP endpoint given")
        if not triples:  # the new content is empty: drop the graph (one idempotent request)
            try:
                self.drop_graph(name)
            except RemoteStoreError as exc:
                state = self._state_by_count(name, 0, None)
                state = GraphState.OLD if state is GraphState.PARTIAL else state  # a DROP is not half-done
                raise RemoteGraphError(name, state, str(exc)) from exc
            return 0
        expected = len(canonical_triples(triples))
        if self.client.update_url is None:
            self._put_in_place(name, triples, expected)
        else:
            self._stage_and_commit(name, triples, expected)
        return len(triples)

    def _stage_and_commit(self, graph: str, triples: list[Triple], expected: int) -> None:
        staging = self.staging_graph(graph)
        timeout = self.options.update_timeout
        try:
            self._stage(staging, triples, timeout)
            old = self._check_staged(staging, graph, triples, expected)
        except (RemoteStoreError, ValueError) as exc:
            left = None if self._discard(staging) else staging
            raise RemoteGraphError(graph, self._untouched_state(graph), str(exc), staging=left) from exc
        try:
            self.client.update(commit_update(graph, staging, guard(triples)), timeout=timeout)
        except RemoteStoreError as exc:
            state, staged = self._state_after_commit(graph, staging, expected, old)
            left = staging if staged else None
            if state is GraphState.OLD and staged and self._discard(staging):
                left = None
            if state is not GraphState.NEW:
                raise RemoteGraphError(graph, state, str(exc), staging=left) from exc
            return  # the commit was applied; only its answer was lost
        if self.options.verify:
            state, staged = self._state_after_commit(graph, staging, expected, old)
            if state is not GraphState.NEW:
                raise RemoteGraphError(graph, state, "the live graph does not hold the new content after the commit",
                                       staging=staging if staged else None)

    def _check_staged(self, staging: str, graph: str, triples: list[Triple], expected: int) -> int:
        """The staged copy must hold every triple sent, and as many xsd:decimal literals (a store that turned
        figures into integers fails here); the live graph's triple count."""
        decimals = sum(1 for t in canonical_triples(triples) if isinstance(t.object, Literal)
                       and t.object.datatype == XSD_DECIMAL)
        live, staged, staged_decimals = self._counts(graph, staging, decimals=True)
        if (staged, staged_decimals) != (expected, decimals):
            raise RemoteStoreError(
                f"{self.client.query_url}: the staged copy holds {staged} of {expected} triples, "
                f"{staged_decimals} of {decimals} xsd:decimal figures"
            )
        return live

    def _counts(self, graph: str, staging: str, *, decimals: bool = False) -> tuple[int, int, int]:
        """Triples in the live graph, in the staging graph, and (when asked) xsd:decimal literals in the staging
        graph: one query (sub-selects: faster on Virtuoso than a GROUP BY over both graphs)."""
        parts = [
            f"{{ SELECT (COUNT(*) AS ?live) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}",
            f"{{ SELECT (COUNT(*) AS ?staged) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }} }}",
        ]
        if decimals:
            typed = f"FILTER(isLiteral(?o) && DATATYPE(?o) = <{XSD_DECIMAL.value}>)"
            parts.append(f"{{ SELECT (COUNT(*) AS ?d) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o {typed} }} }} }}")
        found, _ = self._select("SELECT * WHERE { " + " ".join(parts) + " }")
        row = found[0] if found else {}
        numbers = [int(t.value) if isinstance(t := row.get(name), Literal) else 0 for name in ("live", "staged", "d")]
        return numbers[0], numbers[1], numbers[2]

    def _decimal_point(self) -> bool:
        """Whether INSERT DATA must write integral decimals with a point: asked of the store once, by writing
        ``"1"^^xsd:decimal`` into a probe graph and reading its datatype back (Virtuoso with its Debian
        configuration answers xsd:integer), unless ``RemoteOptions.decimal_point`` says."""
        if self.options.decimal_point is not None:
            return self.options.decimal_point
        if self._needs_point is None:
            probe, timeout = PROBE_GRAPH, self.options.update_timeout
            self.client.update(
                f"DROP SILENT GRAPH <{probe}> ;\nINSERT DATA {{ GRAPH <{probe}> {{ <{probe}> <{probe}> "
                f'"1"^^<{XSD_DECIMAL.value}> }} }}',
                timeout=timeout,
            )
            typed = f"FILTER(DATATYPE(?o) = <{XSD_DECIMAL.value}>)"
            answer = self.query(f"ASK {{ GRAPH <{probe}> {{ ?s ?p ?o {typed} }} }}")
            self.client.update(f"DROP SILENT GRAPH <{probe}>", timeout=timeout)
            self._needs_point = not bool(answer)
        return self._needs_point

    def _stage(self, staging: str, triples: list[Triple], timeout: float) -> None:
        """The triples into the (emptied) staging graph: one GSP PUT, or INSERT DATA batches; triples with blank
        nodes go first, together, as ``INSERT { … } WHERE {}`` (Virtuoso refuses blank nodes in INSERT DATA)."""
        if self.client.gsp_url is not None:
            body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
            self.client.put_graph(staging, body, timeout=timeout)
            return
        if self._decimal_point():
            triples = [with_decimal_point(t) for t in triples]
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        lines = body.split(b"\n")[: len(triples)]
        together = [line for line, t in zip(lines, triples, strict=True) if has_blank(t)]
        plain = [line for line, t in zip(lines, triples, strict=True) if not has_blank(t)] if together else lines
        parts = batches(plain, together, self.options.batch_triples, self.options.batch_bytes)
        for number, part in enumerate(parts):
            drop = f"DROP SILENT GRAPH <{staging}> ;\n" if number == 0 else ""
            data = b"\n".join(part).decode("utf-8")
            if number == 0 and together:
                insert = f"INSERT {{ GRAPH <{staging}> {{\n{data}\n}} }} WHERE {{}}"
            else:
                insert = f"INSERT DATA {{ GRAPH <{staging}> {{\n{data}\n}} }}"
            self.client.update(drop + insert, timeout=timeout)

    def _put_in_place(self, graph: str, triples: list[Triple], expected: int) -> None:
        """GSP only: PUT the live graph itself (atomic only where the server's PUT is a transaction)."""
        try:
            old: int | None = self.count_triples([graph]).get(graph, 0)
        except RemoteStoreError:
            old = None
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        note = "judged by its triple count: a GSP PUT is not atomic on every server (not on Virtuoso)"
        try:
            self.client.put_graph(graph, body, timeout=self.options.update_timeout)
        except RemoteStoreError as exc:
            raise RemoteGraphError(graph, self._state_by_count(graph, expected, old), str(exc), note=note) from exc
        if self.options.verify:
            state = self._state_by_count(graph, expected, old)
            if state is not GraphState.NEW:
                raise RemoteGraphError(graph, state, "the live graph does not hold the new content after the PUT",
                                       note=note)

    # --- what the live graph holds after a failure ---------------------------------------------------

    def _discard(self, staging: str) -> bool:
        try:
            self.client.update(f"DROP SILENT GRAPH <{staging}>", timeout=self.options.update_timeout)
        except RemoteStoreError:
            try:  # no update endpoint answering: a GSP endpoint may
                if self.client.gsp_url is None:
                    return False
                self.client.put_graph(staging, b"", timeout=self.options.update_timeout)
            except RemoteStoreError:
                return False
        return True

    def _untouched_state(self, graph: str) -> GraphState:
        """The live graph was not written to: old, or absent when it holds nothing (as before)."""
        try:
            return GraphState.OLD if self.count_triples([graph]).get(graph, 0) else GraphState.ABSENT
        except RemoteStoreError:
            return GraphState.OLD  # untouched: whatever it held before

    def _state_after_commit(self, graph: str, staging: str, expected: int, old: int) -> tuple[GraphState, int]:
        try:
            live, staged, _ = self._counts(graph, staging)
        except RemoteStoreError:
            return GraphState.UNKNOWN, 1
        if staged == 0 and live == expected:
            return GraphState.NEW, 0
        if staged == expected and live == old:
            return (GraphState.OLD if old else GraphState.ABSENT), staged
        if live == 0:
            return GraphState.ABSENT, staged
        return GraphState.PARTIAL, staged

    def _state_by_count(self, graph: str, expected: int, old: int | None) -> GraphState:
        try:
            live = self.count_triples([graph]).get(graph, 0)
        except RemoteStoreError:
            return GraphState.UNKNOWN
        if live == expected and live == old:
            return GraphState.UNKNOWN  # old and new have as many triples: cannot tell
        if live == expected:
            return GraphState.NEW
        if live == old:
            return GraphState.OLD
        return GraphState.ABSENT if live == 0 else GraphState.PARTIAL


__all__ = [  # GraphState, RemoteGraphError and STAGING_PREFIX live in budgetlod.store.staging
    "STAGING_PREFIX",
    "GraphState",
    "RemoteGraphError",
    "RemoteOptions",
    "RemoteStore",
    "ResultTruncated",
    "check_complete",
    "parse_answer",
]
