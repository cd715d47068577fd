"""Read access for the server process: the store's current snapshot, re-opened when an ingest
publishes a new one. Used for the server's own bounded queries (pages, health); user SPARQL runs
in worker processes that can be stopped (:mod:`budgetlod.serve.workers`)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pyoxigraph import Store

from budgetlod.store.embedded import StoreError, current_snapshot


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
                except OSError as exc:
                    raise StoreError(f"{self.store_path}: cannot open the store: {exc}") from exc
            return self._opened[1]

    @property
    def snapshot(self) -> str | None:
        return self._opened[0] if self._opened else None
