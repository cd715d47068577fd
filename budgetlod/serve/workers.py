"""What runs inside a query worker process: one user query, answered serialised.

pyoxigraph has no query timeout and a running query cannot be interrupted from Python, so each query runs in a worker
process (``spawn`` context) of :class:`budgetlod.serve.pool.QueryPool`, which can kill it. A worker
(:func:`worker_main`) first cuts itself off the network and caps its memory (:mod:`budgetlod.serve.isolation`),
lowers its CPU priority below the server's, then opens the store's current snapshot read-only and re-opens it when
the ``current`` link has moved (an ingest published a new snapshot). Results are serialised here, with the row limit
and the answer's byte limit applied (:func:`serialise`), so only bytes cross the pipe.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Store, Triple

from budgetlod import formats
from budgetlod.query import results
from budgetlod.serve.isolation import isolate, limit_memory, lower_priority
from budgetlod.store.base import QueryResult
from budgetlod.store.embedded import damaged

WORKER_NICE = 5  # a worker yields the CPU to the server process (pages, checks, admission)
STORE_FAILURES = ("Corruption", "IO error")  # how RocksDB's errors begin (pyoxigraph raises them as RuntimeError)
ROW_OVERHEAD_BYTES = 64  # per term, in the estimate of an answer's size before it is written


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
    truncated: bool  # more rows (triples) than the row limit or the byte limit: only the first are in body
    count: int  # rows (triples) in body
    seconds: float = 0.0
    cached: bool = False  # answered from the result cache (computed earlier on the same snapshot)
    cut_by: str | None = None  # what truncated it: "rows" (row_limit), "bytes" (answer_bytes), "store" (its cap)

    def headers(self, row_limit: int, answer_bytes: int) -> dict[str, str]:
        """The HTTP headers of this answer: whether it was cut, by what, and the limits."""
        headers = {
            "X-Result-Truncated": "true" if self.truncated else "false",
            "X-Row-Limit": str(row_limit),
            "X-Answer-Byte-Limit": str(answer_bytes),
            "Vary": "Accept",
        }
        if self.cut_by is not None:
            headers["X-Result-Truncated-By"] = self.cut_by
        return headers


@dataclass(frozen=True)
class WorkerLimits:
    memory_bytes: int = 0  # RLIMIT_DATA of the worker (0: none)
    answer_bytes: int = 0  # largest answer body (0: none)


# --- in the worker process -------------------------------------------------------------------------


def execute(store: Store, query: str, options: QueryOptions, answer_bytes: int = 0) -> QueryOutcome:
    """Run one query and serialise its results (in a worker; usable directly in tests)."""
    started = time.monotonic()
    kwargs: dict[str, Any] = {}
    if options.default_graphs is not None or options.named_graphs is not None:
        # the protocol's dataset replaces any other: a part not given is empty (SPARQL 1.1 Protocol 2.1.4)
        kwargs["default_graph"] = [NamedNode(g) for g in options.default_graphs or ()]
        kwargs["named_graphs"] = [NamedNode(g) for g in options.named_graphs or ()]
    elif options.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    return serialise(store.query(query, **kwargs), options, started, answer_bytes=answer_bytes)


T = TypeVar("T")


def _term_bytes(term: object) -> int:
    if term is None:
        return 0
    if isinstance(term, Triple):
        return sum(_term_bytes(part) for part in (term.subject, term.predicate, term.object))
    value = getattr(term, "value", "")
    if not isinstance(value, str):
        return ROW_OVERHEAD_BYTES
    return (len(value) if value.isascii() else len(value.encode())) + ROW_OVERHEAD_BYTES


def _fit(
    items: Sequence[T], parts: Callable[[T], Sequence[object]], write: Callable[[Sequence[T]], bytes], cap: int
) -> tuple[bytes, int]:
    """The body of the longest prefix of ``items`` whose body is at most ``cap`` bytes (0: no cap), and its length:
    cut first by an estimate of each item's size (so that a huge answer is never written whole), then halved until
    the written body fits."""
    if cap <= 0:
        return write(items), len(items)
    kept, size = 0, 0
    for item in items:
        size += sum(_term_bytes(term) for term in parts(item))
        if size > cap:
            break
        kept += 1
    while True:
        body = write(items[:kept])
        if len(body) <= cap or kept == 0:
            return body, kept
        kept //= 2


def serialise(
    answer: QueryResult, options: QueryOptions, started: float, *, cut: bool = False, answer_bytes: int = 0
) -> QueryOutcome:
    """An answer (pyoxigraph's, or a remote store's, whose CONSTRUCT answer is a list of triples) in the format the
    options ask for, at most ``row_limit`` rows and ``answer_bytes`` bytes (0: no byte limit); ``cut``: the store
    itself stopped at a cap of its own, so the answer is truncated whatever its length."""
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
    fmt = formats.BY_NAME[name]
    cut_by = "store" if cut else None
    if isinstance(answer, QueryBoolean):
        body, count = results.write_ask(fmt, bool(answer)), 1
    elif isinstance(answer, QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(solution[v] for v in variables) for solution in itertools.islice(answer, limit + 1)]
        if len(rows) > limit:
            cut_by, rows = cut_by or "rows", rows[:limit]
        body, count = _fit(rows, lambda row: row, lambda part: results.write_select(fmt, variables, part), answer_bytes)
        if count < len(rows):
            cut_by = "bytes"
    else:
        triples = list(itertools.islice(answer, limit + 1))
        if len(triples) > limit:
            cut_by, triples = cut_by or "rows", triples[:limit]
        body, count = _fit(
            triples,
            lambda t: (t.subject, t.predicate, t.object),
            lambda part: results.write_graph(fmt, part),
            answer_bytes,
        )
        if count < len(triples):
            cut_by = "bytes"
    return QueryOutcome(
        body, fmt.content_type, fmt.name, kind, cut_by is not None, count, time.monotonic() - started, cut_by=cut_by
    )


def worker_main(store_path: str, conn: Connection, limits: WorkerLimits) -> None:
    """A worker's loop: say ("ready", how it is cut off the network), then receive (query, options), answer ("ok",
    outcome) or (error kind, message). A failed read of the store is answered with the first line of its reason
    (the query cannot reach anything else: no SERVICE, no network)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    isolation = isolate()  # first: a new user namespace needs a single-threaded process
    os.environ["RUST_BACKTRACE"] = "0"  # an allocation past the limit aborts without a page of backtrace
    limit_memory(limits.memory_bytes)
    lower_priority(WORKER_NICE)
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
            except (OSError, RuntimeError) as exc:  # RocksDB's "Corruption: …" is a RuntimeError
                raise StoreUnavailable(str(damaged(Path(store_path), str(exc)))) from exc
        return opened[1]

    with contextlib.suppress(StoreUnavailable):
        store()  # open early, so that the first query does not pay for it
    conn.send(("ready", isolation))
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
            reply = ("ok", execute(store(), query, options, limits.answer_bytes))
        except SyntaxError as exc:
            reply = ("syntax", str(exc))
        except NotAcceptable as exc:
            reply = ("not-acceptable", exc.kind)
        except StoreUnavailable as exc:
            reply = ("store", str(exc))
        except MemoryError:
            reply = ("error", "the query needed more memory than a worker may use")
        except (OSError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError) and not str(exc).startswith(STORE_FAILURES):  # an evaluation error
                reply = ("error", f"{type(exc).__name__}: {exc}")
            else:  # a read of the store failed (damaged, removed): the first line of the reason, shortened
                reason = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
                reply = ("store", f"{store_path}: the store could not be read while answering the query: {reason}")
        except Exception as exc:  # an evaluation error (a type error, an unbound SERVICE variable): the client's
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
