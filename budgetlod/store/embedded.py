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

Every way of opening a store raises :class:`StoreError` when it cannot be used, never pyoxigraph's own
exceptions: ``STORE: no data yet (run budgetlod ingest first)``, ``STORE: another ingest is writing to this
store``, or (:func:`damaged`) ``STORE: the store is damaged or not a budgetlod store: <reason>`` — RocksDB's
words for truncated or garbled files (pyoxigraph raises ``RuntimeError`` for corruption, ``OSError`` for I/O),
``current`` pointing nowhere, a file instead of a folder, a folder of other files without ``primary/``.
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

from budgetlod.errors import BudgetlodError

KEEP_SNAPSHOTS = 3
SNAPSHOT_GRACE_SECONDS = 600.0  # an old snapshot is removed only when this old (readers may still use it)


# what a store folder may hold besides dotfiles (anything else, without primary/, is not a store)
STORE_NAMES = frozenset({"primary", "snapshots", "current", "current.new", "lock", "ingest-manifest.tsv",
                         "ingest-manifest.tmp", "ingest-report.tsv", "ingest-report.tsv.tmp", "ingest-pending.txt"})


class StoreError(BudgetlodError, RuntimeError):
    """The store folder cannot be used (missing, locked, damaged, not a budgetlod store)."""


def damaged(path: Path, reason: str) -> StoreError:
    """The error of a store that cannot be opened: ``STORE: the store is damaged or not a budgetlod store: …``."""
    return StoreError(f"{path}: the store is damaged or not a budgetlod store: {' '.join(reason.split())}")


def _foreign(path: Path) -> list[str]:
    """The names in a folder (no primary/) that a store does not hold: a folder that is not a store."""
    try:
        names = sorted(n for n in os.listdir(path) if not n.startswith("."))
    except OSError as exc:
        raise StoreError(f"{path}: cannot list the store folder: {exc}") from exc
    return [] if "primary" in names else [n for n in names if n not in STORE_NAMES]


def _not_a_store(path: Path, foreign: list[str]) -> StoreError:
    shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
    return damaged(path, f"no primary/ database, and the folder holds other files ({shown})")


def current_snapshot(path: Path) -> Path:
    """The snapshot ``current`` links to. :class:`StoreError`: no data yet (no store, or nothing published),
    or the store is damaged (``current`` points nowhere, the folder is a file or not a store)."""
    link = path / "current"
    if path.exists() and not path.is_dir():
        raise damaged(path, "it is a file, not a folder")
    if link.is_symlink() and not link.exists():
        raise damaged(path, f"current points to {os.readlink(link)}, which does not exist")
    if not link.exists():
        foreign = _foreign(path) if path.is_dir() else []
        if foreign:
            raise _not_a_store(path, foreign)
        raise StoreError(f"{path}: no data yet (run budgetlod ingest first)")
    if not link.is_dir():
        raise damaged(path, "current is not a folder")
    return link.resolve()


def open_snapshot(path: Path, snapshot: Path | str) -> Store:
    """A snapshot of the store ``path``, read-only (:class:`StoreError` when RocksDB cannot open it)."""
    try:
        return Store.read_only(str(snapshot))
    except (OSError, RuntimeError) as exc:  # pyoxigraph: OSError for I/O, RuntimeError for RocksDB corruption
        raise damaged(path, f"cannot open the snapshot {snapshot}: {exc}") from exc


def open_reader(path: Path) -> Store:
    """The newest published snapshot, read-only."""
    return open_snapshot(path, current_snapshot(path))


class Writer:
    """Writes into ``primary``; :meth:`publish` makes the writes visible to readers."""

    def __init__(self, path: Path, lock: IO[str]) -> None:
        self.path = path
        self._lock = lock
        try:
            self.store = Store(str(path / "primary"))
        except (OSError, RuntimeError) as exc:  # RuntimeError: RocksDB found corruption
            raise damaged(path, f"cannot open primary/ (the database): {exc}") from exc

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

    def publish(self) -> Path:
        """Checkpoint primary into a new snapshot and switch ``current`` to it."""
        self.store.flush()
        snapshots = self.path / "snapshots"
        snapshots.mkdir(exist_ok=True)
        numbers = [int(p.name) for p in snapshots.iterdir() if p.name.isdigit()]
        target = snapshots / str(max(numbers, default=0) + 1)
        try:
            self.store.backup(str(target))
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)  # a backup cut short (a full disk) is not a snapshot
            raise
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
    """The one writer of a store (an exclusive lock: a second ingest waits for nothing, it fails). The folder is
    created if missing; :class:`StoreError` when it is a file, a folder of other files, or RocksDB cannot open
    ``primary`` (damaged)."""
    if path.exists() and not path.is_dir():
        raise damaged(path, "it is a file, not a folder")
    if path.is_dir() and (foreign := _foreign(path)):
        raise _not_a_store(path, foreign)
    try:
        path.mkdir(parents=True, exist_ok=True)
        lock = (path / "lock").open("a+")
    except OSError as exc:
        raise StoreError(f"{path}: cannot use the store folder: {exc}") from exc
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


__all__ = ["StoreError", "Writer", "count_triples", "current_snapshot", "damaged", "open_reader", "open_snapshot",
           "open_writer"]
