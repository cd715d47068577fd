"""Where the server's answers come from: the embedded store, or a remote SPARQL 1.1 store (``serve --endpoint``).

The app factory makes one :class:`Backend` from the configuration (:func:`make_backend`); the routers get it with
``BackendDep`` (:mod:`budgetlod.serve.deps`) and never know which one they have:

* ``run(query, options)`` — a user's query (``/sparql``, ``/queries/{name}``) with the timeout and the row limit,
  answered serialised (:class:`~budgetlod.serve.workers.QueryOutcome`) or refused with one of the
  :class:`~budgetlod.serve.workers.QueryError` kinds. Blocking: call it from a thread.
* ``store()`` — what the pages and publishing documents read (:class:`~budgetlod.store.base.QuadReader`): the
  current snapshot, or a :class:`~budgetlod.store.remote_reader.RemoteReader`. Raises ``StoreError`` when the
  embedded store has no snapshot; a remote store's failures surface as ``RemoteStoreError`` from the reads
  (answered by the app's handler, :func:`budgetlod.serve.errors.store_failed`).
* ``version`` — a key that changes when the data may have changed, for documents computed once and kept: the
  snapshot (after ``store()``), or for a remote store, which cannot say when it changes, a time window of
  ``REMOTE_VERSION_SECONDS``.
* ``health()`` (``/health``'s figures), ``graph_names()`` (the service description), ``start()``/``close()``.

:class:`EmbeddedBackend` is the embedded store as before: snapshots read by :class:`SnapshotReader`, user queries
in the worker processes of :class:`~budgetlod.serve.pool.QueryPool`.
"""

from __future__ import annotations

import concurrent.futures
import threading
from typing import TYPE_CHECKING, Protocol

from pyoxigraph import NamedNode

from budgetlod.serve.config import ServerConfig
from budgetlod.serve.snapshot import SnapshotReader
from budgetlod.serve.workers import QueryError, QueryOptions, QueryOutcome
from budgetlod.store.base import QuadReader
from budgetlod.store.embedded import count_triples

HEALTH_WAIT_SECONDS = 2.0  # /health waits this long for the triple counts of a new snapshot

if TYPE_CHECKING:
    from budgetlod.serve.pool import QueryPool


class Backend(Protocol):
    kind: str  # "embedded" or "remote": what /health reports; routers ask for capabilities, not this
    lateral: bool  # the engine evaluates SPARQL 1.2's LATERAL (Oxigraph does; a SPARQL 1.1 store does not)

    def __hash__(self) -> int: ...  # a key of the pages' cache

    def start(self) -> None: ...

    def close(self) -> None: ...

    def run(self, query: str, options: QueryOptions) -> QueryOutcome: ...

    def store(self) -> QuadReader: ...

    @property
    def version(self) -> str | None: ...

    def health(self) -> dict[str, object]: ...

    def graph_names(self) -> list[str]: ...


class EmbeddedBackend:
    kind = "embedded"
    lateral = True

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.reader = SnapshotReader(config.store_path)
        self._pool: QueryPool | None = None
        self._lock = threading.Lock()
        self._counter = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="budgetlod-health")
        self._counting: tuple[str | None, concurrent.futures.Future[dict[str, int]]] | None = None

    def start(self) -> None:
        from budgetlod.serve.pool import QueryPool

        self._pool = QueryPool(self.config)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        self._counter.shutdown(wait=False, cancel_futures=True)

    def run(self, query: str, options: QueryOptions) -> QueryOutcome:
        if self._pool is None:
            raise QueryError("the server has not started its query workers")
        return self._pool.run(query, options)

    def store(self) -> QuadReader:
        return self.reader.store()

    @property
    def version(self) -> str | None:
        return self.reader.snapshot

    def health(self) -> dict[str, object]:
        """The snapshot, and its graph and triple counts once counted: counting reads every quad (a minute at
        10,000 disclosures), so it runs once per snapshot in a thread; /health waits for it at most
        ``HEALTH_WAIT_SECONDS`` and otherwise says ``"counting": true`` with the counts null."""
        store = self.reader.store()
        snapshot = self.reader.snapshot
        with self._lock:
            if self._counting is None or self._counting[0] != snapshot:
                self._counting = (snapshot, self._counter.submit(count_triples, store))
            future = self._counting[1]
        workers = self._pool.figures() if self._pool is not None else {}
        try:
            counts = future.result(timeout=HEALTH_WAIT_SECONDS)
        except concurrent.futures.TimeoutError:
            return {
                "store": "embedded",
                "snapshot": snapshot,
                "graphs": None,
                "triples": None,
                "counting": True,
                **workers,
            }
        return {
            "store": "embedded",
            "snapshot": snapshot,
            "graphs": len(counts),
            "triples": sum(counts.values()),
            **workers,
        }

    def graph_names(self) -> list[str]:
        return [g.value for g in self.reader.store().named_graphs() if isinstance(g, NamedNode)]


def make_backend(config: ServerConfig) -> Backend:
    """The remote store of ``config.endpoint`` (credentials from the environment), else the embedded store."""
    if config.endpoint:
        from budgetlod.serve.remote_backend import RemoteBackend

        return RemoteBackend(config)
    return EmbeddedBackend(config)


__all__ = ["Backend", "EmbeddedBackend", "make_backend"]
