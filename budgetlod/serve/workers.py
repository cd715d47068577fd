"""User SPARQL queries run in worker processes, so that a runaway query can be stopped.

pyoxigraph has no query timeout and a running query cannot be interrupted from Python, so each
query runs in one of N worker processes (``spawn`` context). Each worker opens the store's current
snapshot read-only and re-opens it when the ``current`` link has moved (an ingest published a new
snapshot). :meth:`QueryPool.run` hands a query to an idle worker and waits at most
``query_timeout`` seconds for its answer; on timeout the worker is killed, a fresh one started, and
:class:`QueryTimeout` raised. Concurrent requests use different workers; when all are busy a
request waits for one up to the timeout. Results are serialised in the worker (with the row limit
applied), so only bytes cross the pipe. ``run`` blocks: call it from a thread
(``run_in_threadpool``), never on the event loop.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Store

from budgetlod.serve import results
from budgetlod.serve.cache import ResultCache
from budgetlod.serve.config import ServerConfig
from budgetlod.store.base import QueryResult

STARTUP_SECONDS = 60.0  # a new worker must be ready within this (not counted in the query timeout)


class QueryError(Exception):
    """A query could not be answered; ``str()`` is the message for the client."""


class QueryTimeout(QueryError):
    """The query ran longer than the timeout (or no worker became free in time)."""


class QuerySyntaxError(QueryError):
    """The parser refused the query (the message says where)."""


class NotAcceptable(QueryError):
    """The query's kind of result cannot be given in any format the client accepts."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class StoreUnavailable(QueryError):
    """The store (its current snapshot, or a remote store) cannot be reached."""


class StoreFailed(QueryError):
    """A remote store refused the query (``status`` 400) or failed (502); ``str()`` names its URL and says why."""

    def __init__(self, message: str, status: int = 502) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryOptions:
    formats: dict[str, str]  # result kind (select/ask/graph) -> format name; a kind missing is not acceptable
    row_limit: int
    union_default_graph: bool = True  # the default graph is the union of all graphs
    default_graphs: tuple[str, ...] | None = None  # the protocol's default-graph-uri (None: not given)
    named_graphs: tuple[str, ...] | None = None  # the protocol's named-graph-uri (None: not given)

    def key(self) -> tuple[object, ...]:
        """Everything that shapes the answer, hashable (for the result cache)."""
        formats = tuple(sorted(self.formats.items()))
        return (formats, self.row_limit, self.union_default_graph, self.default_graphs, self.named_graphs)


@dataclass(frozen=True)
class QueryOutcome:
    body: bytes
    media_type: str  # the Content-Type, with charset where textual
    format: str  # short format name
    kind: str  # select / ask / graph
    truncated: bool  # more rows (triples) than the row limit: only the first row_limit are in body
    count: int  # rows (triples) in body
    seconds: float = 0.0
    cached: bool = False  # answered from the result cache (computed earlier on the same snapshot)


# --- in the worker process -------------------------------------------------------------------------


def execute(store: Store, query: str, options: QueryOptions) -> QueryOutcome:
    """Run one query and serialise its results (in a worker; usable directly in tests)."""
    started = time.monotonic()
    kwargs: dict[str, Any] = {}
    if options.default_graphs is not None or options.named_graphs is not None:
        # the protocol's dataset replaces any other: a part not given is empty (SPARQL 1.1 Protocol 2.1.4)
        kwargs["default_graph"] = [NamedNode(g) for g in options.default_graphs or ()]
        kwargs["named_graphs"] = [NamedNode(g) for g in options.named_graphs or ()]
    elif options.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    return serialise(store.query(query, **kwargs), options, started)


def serialise(answer: QueryResult, options: QueryOptions, started: float, *, cut: bool = False) -> QueryOutcome:
    """An answer (pyoxigraph's, or a remote store's, whose CONSTRUCT answer is a list of triples) in the format the
    options ask for, at most ``row_limit`` rows; ``cut``: the store itself stopped at a cap of its own, so the answer
    is truncated whatever its length."""
    limit = max(0, options.row_limit)
    if isinstance(answer, QueryBoolean):
        kind = results.ASK
    elif isinstance(answer, QuerySolutions):
        kind = results.SELECT
    elif isinstance(answer, QueryTriples | list):
        kind = results.GRAPH
    else:  # pragma: no cover - pyoxigraph has no other result type
        raise QueryError(f"unexpected result type {type(answer).__name__}")
    name = options.formats.get(kind)
    if name is None:
        raise NotAcceptable(kind)
    fmt = results.BY_NAME[name]
    truncated = cut
    if isinstance(answer, QueryBoolean):
        body, count = results.write_ask(fmt, bool(answer)), 1
    elif isinstance(answer, QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(solution[v] for v in variables) for solution in itertools.islice(answer, limit + 1)]
        truncated = truncated or len(rows) > limit
        rows = rows[:limit]
        body, count = results.write_select(fmt, variables, rows), len(rows)
    else:
        triples = list(itertools.islice(answer, limit + 1))
        truncated = truncated or len(triples) > limit
        triples = triples[:limit]
        body, count = results.write_graph(fmt, triples), len(triples)
    return QueryOutcome(body, fmt.content_type, fmt.name, kind, truncated, count, time.monotonic() - started)


def _worker_main(store_path: str, conn: Connection) -> None:
    """A worker's loop: receive (query, options), answer ("ok", outcome) or (error kind, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    link = Path(store_path) / "current"
    opened: tuple[str, Store] | None = None

    def store() -> Store:
        nonlocal opened
        if not link.exists():
            raise StoreUnavailable(f"{store_path}: no data yet (run budgetlod ingest first)")
        target = os.path.realpath(link)
        if opened is None or opened[0] != target:
            try:
                opened = (target, Store.read_only(target))
            except OSError as exc:
                raise StoreUnavailable(f"{store_path}: cannot open the store: {exc}") from exc
        return opened[1]

    with contextlib.suppress(StoreUnavailable):
        store()  # open early, so that the first query does not pay for it
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        query, options = request
        reply: tuple[str, Any]
        try:
            reply = ("ok", execute(store(), query, options))
        except SyntaxError as exc:
            reply = ("syntax", str(exc))
        except NotAcceptable as exc:
            reply = ("not-acceptable", exc.kind)
        except StoreUnavailable as exc:
            reply = ("store", str(exc))
        except Exception as exc:  # an evaluation error: the message goes to the client
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


# --- in the server process -------------------------------------------------------------------------


@dataclass(eq=False)  # identity: workers are kept in a set
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False

    def wait_ready(self, seconds: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(seconds):
            raise QueryError("a query worker did not start in time")
        message = self.conn.recv()
        if message != ("ready", None):
            raise QueryError(f"a query worker started badly: {message!r}")
        self.ready = True

    def stop(self, kill: bool) -> None:
        if not kill:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5.0)
        with contextlib.suppress(OSError):
            self.conn.close()


class QueryPool:
    def __init__(self, config: ServerConfig) -> None:
        self.store_path = Path(config.store_path)
        self.timeout = float(config.query_timeout)
        self.size = max(1, int(config.query_workers))
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.cache: ResultCache[QueryOutcome] = ResultCache(config.result_cache_bytes)
        for _ in range(self.size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main, args=(str(self.store_path), child), name="budgetlod-query", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (stuck or broken) and put a fresh one in the pool."""
        worker.stop(kill=True)
        with self._lock:
            self._workers.discard(worker)
            closed = self._closed
        if not closed:
            self._idle.put(self._start())

    def _snapshot(self) -> str | None:
        link = self.store_path / "current"
        return os.path.realpath(link) if link.exists() else None

    def run(self, query: str, options: QueryOptions) -> QueryOutcome:
        """Answer a query: from the result cache when the same query ran on the current snapshot with the same
        options, else in a worker (then kept). Raises a :class:`QueryError` subclass when it cannot be answered."""
        if self._closed:
            raise QueryError("the server is shutting down")
        snapshot = self._snapshot() if self.cache.enabled else None
        if snapshot is None:
            return self._run(query, options)
        key = (query, options.key())
        kept = self.cache.get(snapshot, key)
        if kept is not None:
            return replace(kept, cached=True, seconds=0.0)
        outcome = self._run(query, options)
        if self._snapshot() == snapshot:  # not kept when an ingest published a new snapshot meanwhile
            self.cache.put(snapshot, key, outcome, key_bytes=len(query.encode()))
        return outcome

    def _run(self, query: str, options: QueryOptions) -> QueryOutcome:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s; try again later") from None
        try:
            worker.wait_ready(STARTUP_SECONDS)
            worker.conn.send((query, options))
        except (QueryError, OSError, EOFError, ValueError) as exc:
            self._replace(worker)
            raise QueryError(f"the query worker failed: {exc}") from exc
        if not worker.conn.poll(self.timeout):
            self._replace(worker)
            raise QueryTimeout(f"the query did not finish within {self.timeout:g} s and was stopped")
        try:
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died (killed, out of memory)
            self._replace(worker)
            raise QueryError("the query stopped its worker process (out of memory?)") from exc
        self._idle.put(worker)
        if status == "ok":
            outcome: QueryOutcome = payload
            return outcome
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "not-acceptable":
            raise NotAcceptable(payload)
        if status == "store":
            raise StoreUnavailable(payload)
        raise QueryError(payload)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop(kill=False)
