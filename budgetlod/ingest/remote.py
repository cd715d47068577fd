"""Bulk ingest into a remote SPARQL 1.1 store: ``budgetlod ingest PATHS… --endpoint URL``.

The same run as :func:`budgetlod.ingest.bulk.ingest` — files converted in parallel worker processes
(:mod:`budgetlod.ingest.prepare`), taken in order, claims and ``--strict`` refusals (:class:`~budgetlod.store.
ingest.Run`), progress, summary, report, Ctrl-C — but each disclosure's named graph is written with
:meth:`budgetlod.store.remote.RemoteStore.replace_graph`: staged, checked and committed in one idempotent
update, retried with backoff, the live graph old or new, never half (``docs/remote-store.md``). A graph that
cannot be written is the file's outcome ``unwritten``, with the remote graph's state (old, new, absent,
partial, unknown) and the reason; the run goes on with the next file, and stops when ``max_failures`` files
in a row could not be written (the server is gone: the rest is "not done").

**Unchanged files.** A *local* manifest (:class:`budgetlod.ingest.manifest.Manifest`, the embedded store's) in
a state folder of this endpoint (:func:`state_folder`: ``$XDG_STATE_HOME/budgetlod/remote/<host_port_path>-
<hash of the URL>/``, or ``--state DIR``), checked against the remote store itself at the start of each run:
a line is trusted only if the remote graph is there and records the same file sha256 (``bl:sha256``; one
paged query). So nothing but the disclosures' own graphs is written into the user's store, a store emptied or
restored behind budgetlod's back is written again, and a lost state folder costs conversions, never a wrong
"unchanged". The ontology and code lists are replaced when the conversion fingerprint changed or their
triple counts differ (``vocabulary.txt`` in the state folder), else left as they are.

**Leftovers.** Before a graph is written its staging graph is listed in ``<state>/ingest-staging.txt``, and
taken off when the replacement ended without leaving it; a run killed meanwhile leaves the name, and the next
run drops that staging graph first. One ingest at a time per state folder (a lock file); two ingests into the
same server from different machines would share staging graphs (``docs/remote-store.md``).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from budgetlod.ingest.bulk import (
    REPORT_NAME,
    NotWritten,
    Run,
    Signals,
    drive,
    gather,
    pair_findings,
    plan,
    reporting,
)
from budgetlod.ingest.manifest import SOURCES, Entry, Manifest
from budgetlod.ingest.prepare import fingerprint
from budgetlod.ingest.progress import Progress
from budgetlod.ingest.report import FileOutcome, IngestSummary
from budgetlod.ingest.vocabulary import load_vocabulary as write_vocabulary
from budgetlod.rdf.vocabulary import vocabulary_quads
from budgetlod.store.canonical import canonical_triples
from budgetlod.store.remote import RemoteStore
from budgetlod.store.sparql_client import RemoteStoreError
from budgetlod.store.staging import GraphState, RemoteGraphError

__all__ = ["MAX_FAILURES", "RemoteWriter", "ingest_remote", "open_remote", "remote_sources", "state_folder"]

MAX_FAILURES = 5  # files in a row not written: the run stops (the server is gone or refuses everything)
STAGING_LIST = "ingest-staging.txt"
VOCABULARY = "vocabulary.txt"
LOCK = "lock"


def open_remote(endpoint: str, update: str | None = None, gsp: str | None = None) -> RemoteStore:
    """The store at these endpoints, credentials from the environment (``BUDGETLOD_REMOTE_USER`` …) only.
    Without ``update`` the query endpoint takes updates too (Virtuoso's ``/sparql-auth``), unless only a GSP
    endpoint is given (then graphs are PUT in place)."""
    if update is None and gsp is None:
        update = endpoint
    return RemoteStore.from_environment(endpoint, update_url=update, gsp_url=gsp)


def state_folder(endpoint: str, root: Path | None = None) -> Path:
    """The state folder of a query endpoint: ``<root>/<host_port_path>-<sha256 of the URL, 12>``; the root is
    ``$XDG_STATE_HOME/budgetlod/remote`` (default ``~/.local/state/budgetlod/remote``)."""
    if root is None:
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        root = Path(base) / "budgetlod" / "remote"
    parts = urlsplit(endpoint)
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.hostname}_{parts.port or ''}_{parts.path}").strip("_")
    return root / f"{readable[:60]}-{hashlib.sha256(endpoint.encode('utf-8')).hexdigest()[:12]}"


def remote_sources(store: RemoteStore) -> dict[str, set[str]]:
    """graph -> the sha256 of the file(s) its source nodes record, paged (the embedded store's query)."""
    found: dict[str, set[str]] = {}
    for row in store.select_all(SOURCES + "\nORDER BY ?g ?sha"):
        graph, sha = row.get("g"), row.get("sha")
        if isinstance(graph, NamedNode) and isinstance(sha, Literal):
            found.setdefault(graph.value, set()).add(sha.value)
    return found


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK).open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RemoteStoreError(f"{folder}: another ingest into this store is running") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class RemoteWriter:
    """The :class:`~budgetlod.ingest.bulk.Sink` of a remote ingest: each graph replaced at once, recorded in
    the manifest when it is there; :class:`NotWritten` (with the remote graph's state) when it is not."""

    def __init__(self, store: RemoteStore, folder: Path) -> None:
        self.store = store
        self.staging_list = folder / STAGING_LIST
        self.manifest: Manifest | None = None
        self.left: set[str] = set(self._listed())  # staging graphs that may exist

    def _listed(self) -> list[str]:
        try:
            return [g for g in self.staging_list.read_text(encoding="utf-8").splitlines() if g]
        except (OSError, UnicodeDecodeError):
            return []

    def _write_list(self) -> None:
        if self.left:
            self.staging_list.write_text("".join(g + "\n" for g in sorted(self.left)), encoding="utf-8")
        else:
            self.staging_list.unlink(missing_ok=True)

    def recover(self) -> list[str]:
        """Drop the staging graphs a killed run may have left; return their names."""
        dropped = sorted(self.left)
        for staging in dropped:
            self.store.drop_graph(staging)
        self.left.clear()
        self._write_list()
        return dropped

    def add(self, entry: Entry, nquads: bytes) -> None:
        assert self.manifest is not None
        staging = self.store.staging_graph(entry.graph)
        self.left.add(staging)
        self._write_list()
        try:
            self.store.replace_graph(entry.graph, list(parse(nquads, RdfFormat.N_QUADS)))
        except RemoteGraphError as exc:
            if exc.staging is None:
                self.left.discard(staging)
                self._write_list()
            raise NotWritten(str(exc), exc.state.value) from None
        except RemoteStoreError as exc:  # not judged by the store: say so
            raise NotWritten(str(exc), GraphState.UNKNOWN.value) from None
        self.left.discard(staging)
        self._write_list()
        self.manifest.record(entry)


def load_vocabulary(store: RemoteStore, folder: Path, stamp: str, force: bool) -> bool:
    """The ontology and code lists replaced, unless this state folder recorded them under the same conversion
    fingerprint and the store holds as many triples in each graph; whether they were written."""
    by_graph: dict[str, list[Quad]] = {}
    for quad in vocabulary_quads():
        by_graph.setdefault(quad.graph_name.value, []).append(quad)  # type: ignore[union-attr]
    expected = {graph: len(canonical_triples(quads)) for graph, quads in by_graph.items()}
    record = folder / VOCABULARY
    try:
        recorded = record.read_text(encoding="utf-8").strip()
    except OSError:
        recorded = ""
    if not force and recorded == stamp and store.count_triples(expected) == expected:
        return False
    record.unlink(missing_ok=True)
    write_vocabulary(store)
    record.write_text(stamp + "\n", encoding="utf-8")
    return True


def ingest_remote(
    paths: Iterable[Path],
    store: RemoteStore,
    *,
    state: Path | None = None,
    strict: bool = False,
    jobs: int = 1,
    progress: Callable[[FileOutcome], None] | Progress | None = None,
    report: Path | None = None,
    force: bool = False,
    handle_signals: bool = False,
    max_failures: int = MAX_FAILURES,
) -> IngestSummary:
    """Write every file's graph into the remote store (see the module's description). ``state`` is the state
    folder (default :func:`state_folder` of the query endpoint); the report defaults to
    ``<state>/ingest-report.tsv``. Raises :class:`RemoteStoreError` when the run cannot start (no server,
    refused credentials, vocabulary not written, another ingest using the state folder)."""
    endpoint = store.client.query_url
    folder = state or state_folder(endpoint)
    summary = IngestSummary(report=report or folder / REPORT_NAME, endpoint=endpoint)
    with _locked(folder), reporting(summary, progress) as listener, Signals(handle_signals) as signals:
        files = gather(paths, summary, listener)
        stamp = fingerprint()
        manifest = Manifest(folder, remote_sources(store))  # first a query: a server that does not answer fails here
        writer = RemoteWriter(store, folder)
        dropped = writer.recover()
        if dropped and listener is not None:
            listener.line(f"[WARNING] {endpoint}: dropped {len(dropped)} staging graphs an interrupted run left")
        load_vocabulary(store, folder, stamp, force)
        writer.manifest = manifest
        in_a_row = 0

        def after(outcome: FileOutcome) -> bool:
            nonlocal in_a_row
            in_a_row = in_a_row + 1 if outcome.state is not None else 0
            if in_a_row >= max_failures:
                summary.stopped = f"{in_a_row} files in a row could not be written to {endpoint}"
                return False
            return True

        try:
            drive(plan(files, manifest, stamp, force), Run(writer, strict, stamp), jobs=jobs, signals=signals,
                  summary=summary, progress=progress, after=after)
            if not (signals.stopped or summary.stopped):
                pair_findings(store, summary, manifest, listener)
        finally:
            manifest.rewrite()
    return summary
