"""Answers kept per store snapshot, so that a repeated query is not evaluated again.

A snapshot of the embedded store never changes once published (an ingest publishes a new one and moves the
``current`` link), so an answer computed on a snapshot stays right for as long as that snapshot is current.
:class:`ResultCache` keeps serialised answers (:class:`~budgetlod.serve.workers.QueryOutcome`) keyed by the
snapshot, the query text and the options it ran with (result format, row limit, dataset), least recently used
first out when the total size passes ``result_cache_bytes`` (0 turns the cache off). When the snapshot moves,
every older entry is dropped at the next lookup. Errors and timeouts are never kept.

This is what makes the named queries' pages and researchers' repeated calls cheap at 10,000 disclosures
(docs/benchmarks.md, "Queries"); a first call after an ingest pays the full evaluation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar


class Sized(Protocol):
    @property
    def body(self) -> bytes: ...


V = TypeVar("V", bound=Sized)

OVERHEAD_BYTES = 512  # per entry: the key (query text counted separately) and the bookkeeping


class ResultCache(Generic[V]):
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self._entries: OrderedDict[tuple[str, Hashable], tuple[V, int]] = OrderedDict()
        self._snapshot: str | None = None
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def _retire(self, snapshot: str) -> None:
        """Forget every answer of an older snapshot (caller holds the lock)."""
        if snapshot != self._snapshot:
            self._entries.clear()
            self._bytes = 0
            self._snapshot = snapshot

    def get(self, snapshot: str, key: Hashable) -> V | None:
        if not self.enabled:
            return None
        with self._lock:
            self._retire(snapshot)
            entry = self._entries.get((snapshot, key))
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end((snapshot, key))
            self.hits += 1
            return entry[0]

    def put(self, snapshot: str, key: Hashable, value: V, key_bytes: int = 0) -> None:
        size = len(value.body) + key_bytes + OVERHEAD_BYTES
        if not self.enabled or size > self.max_bytes:
            return
        with self._lock:
            self._retire(snapshot)
            old = self._entries.pop((snapshot, key), None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[(snapshot, key)] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped


class DocumentCache:
    """Documents the server computes from the store and serves many times (the DCAT catalogue, VoID, a disclosure's
    publication graph in each format): made once per key, kept while the store's version (``key[0]``) stays the
    same, at most ``max_entries`` (least recently used first out). One per app (``app.state.documents``)."""

    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._lock = threading.RLock()  # re-entrant: a format's bytes are made from the cached triples
        self._items: OrderedDict[tuple[str, ...], object] = OrderedDict()

    def get(self, key: tuple[str, ...], make: Callable[[], object]) -> object:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            for old in [k for k in self._items if k[0] != key[0]]:  # an older version of the store
                del self._items[old]
            value = make()
            self._items[key] = value
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
            return value
