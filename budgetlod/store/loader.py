"""The single writer of a bulk ingest: new graphs loaded in batches, replaced graphs one transaction each.

Oxigraph's transactional ``load`` costs about 85 ms of CPU for a disclosure's 5,000 quads and keeps them in
RocksDB's memtables (the writer's memory grows by gigabytes over a few thousand documents); its
``bulk_load`` writes sorted files straight into the database, about 50 ms a disclosure in batches of 32 and
flat memory, but is not atomic. So:

* a graph the store does not have yet joins a batch; a batch is bulk-loaded when it holds ``batch`` graphs,
  when its first graph has waited ``batch_seconds``, and before anything else is written or published;
  before the bulk load, ``<store>/ingest-pending.txt`` lists the batch's graphs; after it, the graphs are
  recorded in the manifest and the list is removed. A run killed in between leaves the list: the next run
  first drops those graphs (each may be partly written; none existed before the batch) and loads their files
  again, so ``primary`` never keeps a partial graph;
* a graph the store has is replaced in one transaction (``DROP`` + ``INSERT DATA``, :func:`load_graph`).

Snapshots are only published between writes, so readers never see a batch in progress.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from budgetlod.store.manifest import Entry, Manifest
from budgetlod.validate.direct import strip_graph

PENDING = "ingest-pending.txt"
BATCH = 32
BATCH_SECONDS = 5.0


def load_graph(store: Store, graph: str, nquads: bytes) -> None:
    """Load one graph's N-Quads (every quad in ``graph``) in one transaction, replacing the graph if the store
    has it (readers of ``primary`` see the old graph or the new one, never half, never both)."""
    if store.contains_named_graph(NamedNode(graph)):
        body = strip_graph(nquads, graph).decode("utf-8")
        store.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
    else:
        store.load(nquads, format=RdfFormat.N_QUADS, lenient=True)


def recover(store_path: Path, store: Store) -> list[str]:
    """Drop the graphs of a batch that a killed run left unrecorded (``ingest-pending.txt``); return them."""
    pending = store_path / PENDING
    try:
        graphs = [g for g in pending.read_text(encoding="utf-8").splitlines() if g]
    except FileNotFoundError:
        return []
    for graph in graphs:
        store.update(f"DROP SILENT GRAPH <{graph}>")
    pending.unlink()
    return graphs


@dataclass
class _Batch:
    entries: list[Entry] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)
    since: float = 0.0


class Loader:
    """Writes graphs into ``primary`` and records them in the manifest once they are there."""

    def __init__(self, store_path: Path, store: Store, manifest: Manifest, *, batch: int = BATCH,
                 batch_seconds: float = BATCH_SECONDS) -> None:
        self.pending = store_path / PENDING
        self.store, self.manifest = store, manifest
        self.size, self.seconds = batch, batch_seconds
        self.batch = _Batch()
        self.written = 0  # graphs written since the last call of take_written()

    def add(self, entry: Entry, nquads: bytes) -> None:
        """Write one graph: batched if new, else replaced now."""
        if self.store.contains_named_graph(NamedNode(entry.graph)):
            self.flush()
            load_graph(self.store, entry.graph, nquads)
            self.manifest.record(entry)
            self.written += 1
            return
        if not self.batch.entries:
            self.batch.since = time.monotonic()
        self.batch.entries.append(entry)
        self.batch.data.append(nquads)
        if len(self.batch.entries) >= self.size:
            self.flush()

    def due(self) -> bool:
        return bool(self.batch.entries) and time.monotonic() - self.batch.since >= self.seconds

    def flush(self) -> None:
        batch, self.batch = self.batch, _Batch()
        if not batch.entries:
            return
        with self.pending.open("w", encoding="utf-8") as handle:
            handle.write("".join(e.graph + "\n" for e in batch.entries))
            handle.flush()
            os.fsync(handle.fileno())
        self.store.bulk_load(b"".join(batch.data), format=RdfFormat.N_QUADS, lenient=True)
        for entry in batch.entries:
            self.manifest.record(entry)
        self.pending.unlink()
        self.written += len(batch.entries)

    def take_written(self) -> int:
        written, self.written = self.written, 0
        return written
