"""The server over a remote SPARQL 1.1 store (``budgetlod serve --endpoint URL``): read-only, credentials from the
environment only (``BUDGETLOD_REMOTE_USER``/``_PASSWORD``/``_AUTH``, :mod:`budgetlod.store.sparql_client`).

A user's query (:meth:`RemoteBackend.run`) is checked as the embedded store would check it — the routers have
already refused updates, SERVICE and LOAD; here the text is parsed by pyoxigraph, so a syntax error is the same
400 with the same message, and nothing the embedded endpoint would refuse is sent — and then sent as it is, with
the protocol's dataset, to the remote endpoint, which is given ``query_timeout`` seconds to answer (a socket
timeout: the remote store may go on computing; bound it there, Virtuoso: ``[SPARQL] MaxQueryExecutionTime``).
At most ``query_workers`` queries are at the remote store at once; a request waits for a slot up to the timeout.
The answer is parsed and written again in the format asked for by the same code as the embedded store's
(:func:`budgetlod.serve.workers.serialise`), at most ``row_limit`` rows; it is truncated when it has more, or when
the remote store says it cut it at its own row cap (Virtuoso: ``X-SPARQL-MaxRows``).

Failures (:func:`failure`): no answer in time, or the remote store stopping the query at a limit of its own
(Virtuoso's anytime answer, its cost estimate over ``MaxQueryCostEstimationTime``) -> :class:`QueryTimeout` (503);
no connection, or HTTP 502/503/504 -> :class:`StoreUnavailable` (503); the remote store refusing the query
(HTTP 400) -> :class:`StoreFailed` 400; any other error of the remote store -> :class:`StoreFailed` 502. The pages'
reads fail the same way, through the app's handler (:func:`budgetlod.serve.errors.store_failed`).
Every message names the endpoint's URL, never the credentials.
"""

from __future__ import annotations

import multiprocessing
import re
import threading
import time

from budgetlod.serve.config import ServerConfig
from budgetlod.serve.pool import STARTUP_SECONDS, Worker
from budgetlod.serve.querycheck import check, parse_loop
from budgetlod.serve.workers import (
    NotAcceptable,
    QueryError,
    QueryOptions,
    QueryOutcome,
    QuerySyntaxError,
    QueryTimeout,
    StoreFailed,
    StoreUnavailable,
    serialise,
)
from budgetlod.store.embedded import StoreError
from budgetlod.store.remote import RemoteOptions, RemoteStore, ResultTruncated, check_complete, parse_answer
from budgetlod.store.remote_reader import RemoteReader
from budgetlod.store.sparql_client import EndpointError, RemoteStoreError

REMOTE_VERSION_SECONDS = 60.0  # documents computed from a remote store (catalogue, VoID, pages) are kept this long
NO_GRAPH = "urn:budgetlod:no-graph"  # named-graph-uri of no graph: the protocol's "no named graphs"
FORMS = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT"}
_STOPPED = re.compile(r"S1T00|exceeds the limit", re.IGNORECASE)  # Virtuoso: timed out; refused by its cost estimate
PARSE_SECONDS = 2.0  # a query that takes longer to check parsed: its evaluation is what takes long


class SyntaxChecker:
    """pyoxigraph's parser for the queries sent to a remote store: the same syntax errors, with the same messages,
    as the embedded store, and only the SPARQL it accepts sent on (no Virtuoso ``define`` pragma, no undeclared
    ``bif:`` prefix). It runs in a child process (:func:`budgetlod.serve.querycheck.parse_loop`): pyoxigraph has no
    parser on its own and evaluates some queries while parsing them, which must not happen in the server. An answer
    later than ``seconds`` means the query parsed and its evaluation began: the child is killed (a new one starts
    for the next query) and the query passes. One check at a time; each takes milliseconds."""

    def __init__(self, seconds: float = PARSE_SECONDS) -> None:
        self.seconds = seconds
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._worker: Worker | None = None

    def _start(self) -> Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(target=parse_loop, args=(child,), name="budgetlod-parse", daemon=True)
        process.start()
        child.close()
        return Worker(process, parent)

    def _stop(self, kill: bool) -> None:
        if self._worker is not None:
            self._worker.stop(kill)
            self._worker = None

    def start(self) -> None:
        with self._lock:
            self._worker = self._worker or self._start()

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)

    def check(self, query: str, wait: float) -> None:
        """Raise :class:`QuerySyntaxError` where the embedded store would; :class:`QueryTimeout` when no check could
        start within ``wait`` seconds."""
        if not self._lock.acquire(timeout=wait):
            raise QueryTimeout(f"the query could not be checked within {wait:g} s; try again later")
        try:
            worker = self._worker = self._worker or self._start()
            try:
                worker.wait_ready(STARTUP_SECONDS)  # a new child first imports pyoxigraph
                worker.conn.send(query)
                answered = worker.conn.poll(self.seconds)
                message = worker.conn.recv() if answered else None
            except (QueryError, EOFError, OSError) as exc:
                self._stop(kill=True)
                raise QueryError(f"the query could not be checked: {exc}") from None
            if not answered:
                self._stop(kill=True)
        finally:
            self._lock.release()
        if message is not None:
            raise QuerySyntaxError(message)


def failure(exc: RemoteStoreError, timeout: float) -> QueryError:
    """What a remote store's error means for the client (see the module's documentation)."""
    if isinstance(exc, ResultTruncated):
        if "partial result" in str(exc):  # check_complete: stopped by its own time limit (X-SQL-State)
            return QueryTimeout(f"the remote store stopped the query at a limit of its own: {exc}")
        return StoreFailed(f"the answer is larger than the remote store gives: {exc}", 502)  # its row cap
    if isinstance(exc, EndpointError):
        if exc.timed_out:
            return QueryTimeout(f"the remote store did not answer within {timeout:g} s ({exc.url})")
        if exc.status is None or exc.status in (502, 503, 504):
            return StoreUnavailable(str(exc))
        if exc.status >= 500 and _STOPPED.search(str(exc)):
            return QueryTimeout(f"the remote store stopped the query: {str(exc).rstrip('.')}")
        if exc.status == 400:
            return StoreFailed(f"the remote store refused the query: {exc}", 400)
    return StoreFailed(f"the remote store failed: {exc}", 502)


class RemoteBackend:
    kind = "remote"
    lateral = False  # any SPARQL 1.1 store

    def __init__(self, config: ServerConfig, remote: RemoteStore | None = None) -> None:
        assert config.endpoint, "RemoteBackend needs config.endpoint"
        self.config = config
        self.timeout = float(config.query_timeout)
        options = RemoteOptions(attempts=1, query_timeout=self.timeout)  # one request a query: the timeout holds
        self.remote = remote or RemoteStore.from_environment(config.endpoint, options=options)
        self.reader = RemoteReader(self.remote, memo_seconds=REMOTE_VERSION_SECONDS)
        self._slots = threading.BoundedSemaphore(max(1, int(config.query_workers)))
        self.syntax = SyntaxChecker()

    @property
    def endpoint(self) -> str:
        return self.remote.client.query_url

    def start(self) -> None:
        self.syntax.start()

    def close(self) -> None:
        self.syntax.close()

    def run(self, query: str, options: QueryOptions) -> QueryOutcome:
        started = time.monotonic()
        self.syntax.check(query, wait=self.timeout)
        kind = check(query).kind
        if kind is not None and kind not in options.formats:
            raise NotAcceptable(kind)
        default_graphs: tuple[str, ...] = ()
        named_graphs: tuple[str, ...] = ()
        if options.default_graphs is not None or options.named_graphs is not None:
            # the protocol's dataset: a part not given is empty (Virtuoso leaves GRAPH ?g ranging over every graph)
            default_graphs = options.default_graphs or ()
            named_graphs = options.named_graphs or (NO_GRAPH,)
        if not self._slots.acquire(timeout=self.timeout):
            raise QueryTimeout(f"every query slot stayed busy for {self.timeout:g} s; try again later")
        try:
            reply = self.remote.client.query(
                query, timeout=self.timeout, default_graphs=default_graphs, named_graphs=named_graphs
            )
            try:
                cut = check_complete(reply) is not None  # the answer reached the remote store's row cap
            except ResultTruncated:
                if reply.headers.get("X-SQL-State"):
                    raise  # stopped by its own time limit: a partial answer, not a first part of it
                cut = True  # another budgetlod server answered its first row_limit rows (X-Result-Truncated)
            answer = parse_answer(reply, FORMS.get(kind or "", "SELECT"))
        except RemoteStoreError as exc:
            raise failure(exc, self.timeout) from None
        finally:
            self._slots.release()
        return serialise(answer, options, started, cut=cut, answer_bytes=self.config.answer_bytes)

    def store(self) -> RemoteReader:
        return self.reader

    @property
    def version(self) -> str | None:
        return f"{self.endpoint}@{int(time.time() // REMOTE_VERSION_SECONDS)}"

    def health(self) -> dict[str, object]:
        try:
            counts = self.remote.count_triples()
        except RemoteStoreError as exc:
            raise StoreError(str(exc)) from None
        return {"store": "remote", "endpoint": self.endpoint, "graphs": len(counts), "triples": sum(counts.values())}

    def graph_names(self) -> list[str]:
        try:
            return sorted(self.remote.graph_names())
        except RemoteStoreError:
            return []


def probe(backend: RemoteBackend) -> str:
    """What ``serve --endpoint`` says when it starts: the endpoint, and whether it answers ``ASK {}`` (the server
    starts either way; ``/health`` says when the remote store answers)."""
    try:
        backend.remote.query("ASK {}")
    except RemoteStoreError as exc:
        return f"{backend.endpoint} — [WARNING] it does not answer now: {exc}"
    return f"{backend.endpoint} (it answers)"


__all__ = ["REMOTE_VERSION_SECONDS", "RemoteBackend", "SyntaxChecker", "failure", "probe"]
