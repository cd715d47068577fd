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

A write that fails (a full disk, an I/O error: pyoxigraph raises ``OSError``, or ``RuntimeError`` for what
RocksDB reports as corruption) raises :class:`WriteFailed` with the graphs that are not loaded: a replacement
is one transaction, so the old graph stays; a batch whose bulk load failed is dropped again, and if even that
fails (RocksDB refuses writes after a full disk) ``ingest-pending.txt`` stays, the next run drops the batch
first, and the ingest does not publish ``primary`` meanwhile. The manifest line of a graph is written only
after its write committed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from budgetlod.ingest.manifest import Entry, Manifest
from budgetlod.validate.direct import strip_graph

PENDING = "ingest-pending.txt"
BATCH = 32
BATCH_SECONDS = 5.0
STORE_ERRORS = (OSError, RuntimeError)  # what pyoxigraph raises when RocksDB cannot read or write


class WriteFailed(Exception):
    """Writing into the store failed while ``doing`` (``loading FILE``…): ``entries`` are not loaded; ``clean``:
    the store holds nothing of them (else ``ingest-pending.txt`` lists them for the next run to drop, and
    ``primary`` must not be published)."""

    def __init__(self, doing: str, entries: list[Entry], cause: BaseException, clean: bool = True) -> None:
        super().__init__(f"{doing}: {cause}")
        self.doing, self.entries, self.cause, self.clean = doing, entries, cause, clean


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

    def __init__(self, store_path: Path, store: Store, manifest: Manifest, *, batch: int | None = None,
                 batch_seconds: float | None = None) -> None:
        self.pending = store_path / PENDING
        self.store, self.manifest = store, manifest
        self.size = batch or BATCH
        self.seconds = BATCH_SECONDS if batch_seconds is None else batch_seconds
        self.batch = _Batch()
        self.written = 0  # graphs written since the last call of take_written()

    def add(self, entry: Entry, nquads: bytes) -> None:
        """Write one graph: batched if new, else replaced now (:class:`WriteFailed` when the store fails)."""
        try:
            present = self.store.contains_named_graph(NamedNode(entry.graph))
        except STORE_ERRORS as exc:
            raise WriteFailed(f"loading {entry.file}", [entry], exc) from exc
        if present:
            self.flush()
            try:
                load_graph(self.store, entry.graph, nquads)
            except STORE_ERRORS as exc:  # the transaction did not commit: the old graph is there
                raise WriteFailed(f"loading {entry.file}", [entry], exc) from exc
            self.written += 1
            self._record([entry])
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
        """Bulk-load the batch (:class:`WriteFailed` when the store fails: see the module's description)."""
        batch, self.batch = self.batch, _Batch()
        if not batch.entries:
            return
        entries = batch.entries
        others = len(entries) - 1
        doing = f"loading {entries[0].file}" + (f" and {others} other file{'s' if others > 1 else ''} of its batch"
                                                if others else "")
        try:
            with self.pending.open("w", encoding="utf-8") as handle:
                handle.write("".join(e.graph + "\n" for e in entries))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:  # nothing is written into the store yet
            self.pending.unlink(missing_ok=True)
            raise WriteFailed(doing, entries, exc) from exc
        try:
            self.store.bulk_load(b"".join(batch.data), format=RdfFormat.N_QUADS, lenient=True)
        except STORE_ERRORS as exc:
            raise WriteFailed(doing, entries, exc, clean=self._drop(entries)) from exc
        self.pending.unlink()
        self.written += len(entries)
        self._record(entries)

    def _drop(self, entries: list[Entry]) -> bool:
        """Drop the graphs of a batch whose bulk load failed (none existed before it); whether that worked."""
        try:
            for entry in entries:
                self.store.update(f"DROP SILENT GRAPH <{entry.graph}>")
        except STORE_ERRORS:
            return False  # ingest-pending.txt stays: the next run drops them
        self.pending.unlink(missing_ok=True)
        return True

    def _record(self, entries: list[Entry]) -> None:
        """The manifest lines of graphs written (they are loaded, whatever happens to the lines)."""
        for entry in entries:
            try:
                self.manifest.record(entry)
            except OSError as exc:
                raise WriteFailed(f"recording {entry.file} in the manifest (it is loaded)", [], exc) from exc

    def uncommitted(self) -> list[Entry]:
        """The graphs of the batch not written yet."""
        return list(self.batch.entries)

    def take_written(self) -> int:
        written, self.written = self.written, 0
        return written
