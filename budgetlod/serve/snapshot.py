"""Read access for the server process: the store's current snapshot, re-opened when an ingest
publishes a new one. Used for the server's own bounded queries (pages, health); user SPARQL runs
in worker processes that can be stopped (:mod:`budgetlod.serve.workers`)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pyoxigraph import Store

from budgetlod.store.embedded import current_snapshot, damaged


class SnapshotReader:
    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self._lock = threading.Lock()
        self._opened: tuple[str, Store] | None = None

    def store(self) -> Store:
        """The newest snapshot (opened once per snapshot)."""
        target = os.path.realpath(current_snapshot(self.store_path))
        with self._lock:
            if self._opened is None or self._opened[0] != target:
                try:
                    self._opened = (target, Store.read_only(target))
                except (OSError, RuntimeError) as exc:  # RocksDB's "Corruption: …" is a RuntimeError
                    raise damaged(self.store_path, str(exc)) from exc
            return self._opened[1]

    def check(self) -> None:
        """Open the current snapshot and read from it, or raise :class:`StoreError` saying why it cannot be read
        (``budgetlod serve`` refuses to start on a damaged store)."""
        store = self.store()
        try:
            store.query("ASK { GRAPH ?g { ?s ?p ?o } }")
        except (OSError, RuntimeError) as exc:
            raise damaged(self.store_path, str(exc)) from exc

    @property
    def snapshot(self) -> str | None:
        return self._opened[0] if self._opened else None
