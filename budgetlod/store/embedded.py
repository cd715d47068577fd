"""The embedded store: Oxigraph on disk, one named graph per disclosure.

Layout of a store folder (the setting ``store_path``)::

    primary/            the read-write Oxigraph (RocksDB) database, written only by ``budgetlod ingest``
    snapshots/<n>/      read-only checkpoints of primary (RocksDB hard-link backups: cheap)
    current             a symbolic link to the newest snapshot, switched atomically
    lock                held while a writer is open: one ingest at a time

Readers (the server's query workers, ``budgetlod query``) open ``current`` read-only, so a reader
never sees a write in progress: it sees the snapshot it opened, and a reader that looks again after
an ingest sees the new one. Within ``primary``, replacing a disclosure's graph is one transaction
(``DROP SILENT GRAPH`` and ``INSERT DATA`` in one SPARQL update): the old graph or the new one,
never half, never both.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pyoxigraph import NamedNode, Quad, RdfFormat, Store, serialize

from budgetlod.rdf.vocabulary import vocabulary_quads

KEEP_SNAPSHOTS = 3
SNAPSHOT_GRACE_SECONDS = 600.0  # an old snapshot is removed only when this old (readers may still use it)


class StoreError(RuntimeError):
    """The store folder cannot be used (missing, locked, not a budgetlod store)."""


def damaged(path: Path, reason: str) -> StoreError:
    """The error of a store that cannot be opened: ``STORE: the store is damaged or not a budgetlod store: …``."""
    return StoreError(f"{path}: the store is damaged or not a budgetlod store: {' '.join(reason.split())}")


def current_snapshot(path: Path) -> Path:
    link = path / "current"
    if not link.exists():
        raise StoreError(f"{path}: no data yet (run budgetlod ingest first)")
    return link.resolve()


def open_reader(path: Path) -> Store:
    """The newest published snapshot, read-only."""
    try:
        return Store.read_only(str(current_snapshot(path)))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store: {exc}") from exc


class Writer:
    """Writes into ``primary``; :meth:`publish` makes the writes visible to readers."""

    def __init__(self, path: Path, lock: IO[str]) -> None:
        self.path = path
        self._lock = lock
        try:
            self.store = Store(str(path / "primary"))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store for writing: {exc}") from exc

    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> int:
        """Replace one named graph with the quads (their graph names are ignored), atomically."""
        name = NamedNode(graph)
        triples = [q.triple for q in quads]
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        self.store.update(
            f"DROP SILENT GRAPH <{name.value}> ; INSERT DATA {{ GRAPH <{name.value}> {{\n{body.decode()}\n}} }}"
        )
        return len(triples)

    def graph_names(self) -> set[str]:
        return {g.value for g in self.store.named_graphs() if isinstance(g, NamedNode)}

    def load_vocabulary(self) -> None:
        """The ontology and the code lists, each graph replaced."""
        by_graph: dict[str, list[Quad]] = {}
        for quad in vocabulary_quads():
            by_graph.setdefault(quad.graph_name.value, []).append(quad)  # type: ignore[union-attr]
        for graph, quads in by_graph.items():
            self.replace_graph(graph, quads)

    def publish(self) -> Path:
        """Checkpoint primary into a new snapshot and switch ``current`` to it."""
        self.store.flush()
        snapshots = self.path / "snapshots"
        snapshots.mkdir(exist_ok=True)
        numbers = [int(p.name) for p in snapshots.iterdir() if p.name.isdigit()]
        target = snapshots / str(max(numbers, default=0) + 1)
        self.store.backup(str(target))
        link = self.path / "current.new"
        if link.is_symlink():
            link.unlink()
        link.symlink_to(Path("snapshots") / target.name)
        os.replace(link, self.path / "current")  # atomic switch
        self._prune(snapshots, keep=target)
        return target

    def _prune(self, snapshots: Path, keep: Path) -> None:
        old = sorted((p for p in snapshots.iterdir() if p.name.isdigit() and p != keep), key=lambda p: int(p.name))
        for snapshot in old[: max(0, len(old) - (KEEP_SNAPSHOTS - 1))]:
            if time.time() - snapshot.stat().st_mtime > SNAPSHOT_GRACE_SECONDS:
                shutil.rmtree(snapshot, ignore_errors=True)


@contextmanager
def open_writer(path: Path) -> Iterator[Writer]:
    """The one writer of a store (an exclusive lock: a second ingest waits for nothing, it fails)."""
    path.mkdir(parents=True, exist_ok=True)
    lock = (path / "lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        lock.close()
        raise StoreError(f"{path}: another ingest is writing to this store") from exc
    try:
        writer = Writer(path, lock)
        yield writer
        del writer
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def count_triples(store: Store) -> dict[str, int]:
    """Triples per named graph."""
    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {s["g"].value: int(s["n"].value) for s in result}  # type: ignore[union-attr]


__all__ = ["StoreError", "Writer", "count_triples", "current_snapshot", "damaged", "open_reader", "open_writer"]
