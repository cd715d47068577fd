"""Bulk ingest: files -> parse, map, validate (in parallel worker processes) -> the single writer -> one
named graph each in the embedded store.

Workers (:mod:`budgetlod.ingest.converter`, :mod:`budgetlod.ingest.prepare`) return each disclosure's graph as
N-Quads; the ingesting process is Oxigraph's one writer (:mod:`budgetlod.ingest.loader`): it takes the results
in the order of the files, bulk-loads new graphs in batches and replaces a graph the store has in one
transaction (``DROP`` and ``INSERT DATA`` in one update), then records each graph in the manifest
(:mod:`budgetlod.ingest.manifest`).

* Idempotent: a file whose bytes were loaded under the same conversion fingerprint is skipped ("unchanged")
  without being read beyond its hash; a changed file replaces its graph; a second file that is the same
  disclosure as an earlier one of the run (same graph) is refused, so a run's outcome does not depend on
  timing.
* Interrupt-safe: a graph is recorded once it is written, so a killed run loses nothing it loaded and the next
  run skips it and does the rest (a batch cut short by the kill is dropped first and loaded again).
  With ``handle_signals``, Ctrl-C (SIGINT) or SIGTERM stops handing out files, then publishes what was loaded
  and returns (``summary.interrupted``); a second Ctrl-C stops at once.
* Readers see progress: a snapshot is published every ``publish_every`` seconds while files are loaded, and
  at the end (:meth:`budgetlod.store.embedded.Writer.publish`).

* Several files, one disclosure: a folder's files that are parts of one disclosure (``x-text.pdf`` and
  ``x-tables.pdf``, or as its ``disclosures.txt`` lists them) are converted as one, their paths joined by ``+``
  (:mod:`budgetlod.ingest.groups`); each such group is shown (``[INFO] DIR: one disclosure from 2 files: …``)
  unless the progress is quiet.
* Robust: the paths are walked without opening anything but regular files (:mod:`budgetlod.ingest.walk`);
  a file that cannot be read is reported and skipped, and so is one whose conversion crashed, died or passed
  a limit (status ``failed``): the run goes on with the others, and what is already in the store is untouched.
  A file read and found to be nothing to load (unsupported format, needs OCR, password-protected, not a budget
  disclosure: :data:`~budgetlod.ingest.report.NOT_TO_LOAD`) is ``skipped`` with that reason; a run in which no
  file was a disclosure says ``nothing loadable in DIR`` (exit code 2).
* A store that cannot be written (a full disk): the file in progress is not loaded (nothing of it stays in
  what readers see), the run stops (``summary.error``: ``no space left on device while loading FILE: …; N
  files loaded before it; rerun to complete``), the report and manifest list only what was committed, and a
  rerun once there is space completes the store. A store that cannot be opened (damaged, not a store) raises
  :class:`~budgetlod.store.embedded.StoreError` before anything is written.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import Protocol

from budgetlod.errors import BudgetlodError
from budgetlod.ingest.converter import Converter, Interrupted, WorkersFailed
from budgetlod.ingest.loader import STORE_ERRORS, Loader, WriteFailed, load_graph, recover
from budgetlod.ingest.manifest import Entry, Manifest, stored_sources
from budgetlod.ingest.pairs import check_pairs
from budgetlod.ingest.prepare import Prepared, fingerprint, source_key
from budgetlod.ingest.progress import Progress
from budgetlod.ingest.report import NOT_TO_LOAD, FileOutcome, IngestSummary, write_report
from budgetlod.ingest.vocabulary import load_vocabulary
from budgetlod.ingest.walk import SUFFIXES, expand, survey
from budgetlod.store.base import GraphReader
from budgetlod.store.embedded import StoreError, Writer, damaged, open_writer

__all__ = ["SUFFIXES", "FileOutcome", "IngestSummary", "NotWritten", "Run", "Signals", "Sink", "default_jobs", "drive",
           "expand", "gather", "ingest", "load_graph", "plan", "reporting"]

REPORT_NAME = "ingest-report.tsv"
PUBLISH_EVERY = 300.0  # seconds between snapshots while loading (each keeps replaced database files on disk)


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Signals:
    """SIGINT and SIGTERM ask the run to stop after the file being written (main thread only); a second
    SIGINT raises KeyboardInterrupt at once."""

    def __init__(self, active: bool = True) -> None:
        self.active = active
        self.stopped: str | None = None
        self._previous: dict[int, object] = {}

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self.stopped is not None and number == signal.SIGINT:
            raise KeyboardInterrupt
        self.stopped = signal.Signals(number).name

    def __enter__(self) -> Signals:
        if self.active and threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]


class NotWritten(Exception):
    """A sink could not write a graph: ``reason``, and ``state``, what the store's graph holds now (a remote
    store's :class:`~budgetlod.store.staging.GraphState` value)."""

    def __init__(self, reason: str, state: str) -> None:
        super().__init__(reason)
        self.reason, self.state = reason, state


class Sink(Protocol):
    """Where :class:`Run` writes a converted graph: the embedded :class:`~budgetlod.ingest.loader.Loader`, or a
    remote store's writer (:mod:`budgetlod.ingest.remote`), which raises :class:`NotWritten` for a graph
    it could not write (the file's outcome is then ``unwritten``; the run goes on)."""

    def add(self, entry: Entry, nquads: bytes) -> None: ...


class Run:
    """The writer's side of one run: claims, refusals, the sink."""

    def __init__(self, loader: Sink, strict: bool, fingerprint: str) -> None:
        self.loader, self.strict, self.fingerprint = loader, strict, fingerprint
        self.claimed: dict[str, Path] = {}  # graph -> the file of this run that holds it

    def unchanged(self, path: Path, entry: Entry) -> FileOutcome:
        outcome = FileOutcome(path, entry.graph, entry.triples, entry.violations, entry.warnings, unchanged=True)
        return self._claim(outcome) or outcome

    def _claim(self, outcome: FileOutcome) -> FileOutcome | None:
        """None if the outcome's graph is free in this run (and now claimed), else the refusal."""
        assert outcome.graph is not None
        other = self.claimed.get(outcome.graph)
        if other is not None and other != outcome.path:
            outcome.error = f"the same disclosure as {other} (graph <{outcome.graph}>): not loaded"
            outcome.refused, outcome.unchanged = True, False
            return outcome
        self.claimed[outcome.graph] = outcome.path
        return None

    def load(self, path: Path, prepared: Prepared) -> FileOutcome:
        outcome = FileOutcome(
            path,
            graph=prepared.graph,
            triples=prepared.triples,
            violations=prepared.violations,
            warnings=prepared.warnings,
            parse_warnings=prepared.parse_warnings,
            error=prepared.error,
            seconds=sum(prepared.seconds.values()),
            failure=prepared.failure,
            skipped=prepared.error is not None and prepared.code in NOT_TO_LOAD,
        )
        if prepared.error is not None or prepared.graph is None:
            return outcome
        if self.strict and prepared.violations:
            outcome.error = f"{prepared.violations} violations (--strict): not loaded"
            outcome.refused = True
            return outcome
        refusal = self._claim(outcome)
        if refusal is not None:
            return refusal
        entry = Entry(prepared.key, self.fingerprint, prepared.graph, prepared.triples, prepared.violations,
                      prepared.warnings, str(path))
        try:
            self.loader.add(entry, prepared.data)
        except NotWritten as exc:
            outcome.error, outcome.state = exc.reason, exc.state
        return outcome


def _cpu_since(own: resource.struct_rusage, children: resource.struct_rusage) -> dict[str, float]:
    """CPU seconds since: this process's (the writer, with RocksDB's threads) and its ended workers'."""
    now_own, now_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "writer": now_own.ru_utime + now_own.ru_stime - own.ru_utime - own.ru_stime,
        "workers": now_children.ru_utime + now_children.ru_stime - children.ru_utime - children.ru_stime,
    }


def cpu_clock() -> Callable[[], dict[str, float]]:
    """CPU seconds from now on, as :attr:`IngestSummary.cpu` has them."""
    before = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    return lambda: _cpu_since(*before)


def warn(summary: IngestSummary, listener: Progress | None, text: str) -> None:
    """A warning about the run: into ``summary.notes``, and shown now if there is a progress listener."""
    summary.notes.append(text)
    if listener is not None:
        listener.line(f"[WARNING] {text}")


@contextmanager
def reporting(summary: IngestSummary,
              progress: Callable[[FileOutcome], None] | Progress | None) -> Iterator[Progress | None]:
    """Around a run: its wall and CPU time into ``summary``, the report written to ``summary.report`` (also when
    the run fails, unless the store could not be used: :class:`StoreError`; a report that cannot be written is a
    warning), the progress bar finished when it ends well; yields the :class:`Progress`, if one is given."""
    assert summary.report is not None
    started, cpu = time.monotonic(), cpu_clock()
    listener = progress if isinstance(progress, Progress) else None
    unusable = False
    try:
        yield listener
    except StoreError:
        unusable = True  # nothing was done, and the folder may not be a store: no report in it
        raise
    finally:
        summary.seconds = time.monotonic() - started
        summary.cpu = cpu()
        if not unusable:
            try:
                write_report(summary, summary.report)
                summary.report_written = True
            except OSError as exc:
                warn(summary, listener, f"{summary.report}: the report could not be written: {exc}")
    if summary.nothing_loadable and listener is not None:
        listener.line(f"[ERROR] {summary.nothing_message()}")
    if listener is not None:
        listener.finish()


def gather(paths: Iterable[Path], summary: IngestSummary, listener: Progress | None) -> list[Path]:
    """The disclosures of ``paths`` (:func:`budgetlod.ingest.walk.survey`: a group's files joined by ``+``);
    what it skipped goes into ``summary.skipped`` and is shown now, and so are its warnings and (unless quiet)
    each group of several files."""
    paths = list(paths)
    summary.inputs = [str(p) for p in paths]
    found = survey(paths)
    for item in found.skipped:
        summary.skipped.append(item.outcome())
        if listener is not None:
            listener.line(item.line)
    if listener is not None:
        for note in found.notes:
            listener.line(note)
        if not listener.quiet:
            for group in found.groups:
                if len(group.files) > 1:
                    listener.line(group.info())
    return found.files


Plan = list[tuple[Path, str | None, Entry | None]]  # file, source key, its manifest entry if unchanged


def plan(files: Iterable[Path], manifest: Manifest, stamp: str, force: bool) -> Plan:
    """Every file with its source key, and its manifest entry when it is unchanged (never with ``force``)."""
    out: Plan = []
    for path in files:
        key = source_key(path)
        out.append((path, key, None if force else manifest.unchanged(key, stamp)))
    return out


def drive(
    todo: Plan,
    run: Run,
    *,
    jobs: int,
    signals: Signals,
    summary: IngestSummary,
    progress: Callable[[FileOutcome], None] | Progress | None,
    after: Callable[[FileOutcome], bool],
) -> None:
    """Convert (in ``jobs`` workers) and write the planned files in order, each outcome into ``summary``; stops
    when a signal asked for it or ``after(outcome)`` answers False (``summary.not_done`` counts the rest)."""
    listener = progress if isinstance(progress, Progress) else None
    if listener is not None:
        listener.start(len(todo))
    converter = Converter(jobs, [(str(p), k) for p, k, entry in todo if entry is None], signals)
    results = iter(converter)
    try:
        for path, _, entry in todo:
            if signals.stopped:
                break
            outcome = run.unchanged(path, entry) if entry is not None else run.load(path, next(results))
            summary.outcomes.append(outcome)
            if listener is not None:
                listener.file_done(outcome)
            elif callable(progress):
                progress(outcome)
            if not after(outcome):
                break
    except Interrupted:
        pass
    finally:
        converter.close(cancel=len(summary.outcomes) < len(todo))
        summary.interrupted = signals.stopped
        summary.not_done = len(todo) - len(summary.outcomes)


OPTIMIZE_AFTER = 100  # graphs written by one run, after which the store is compacted before the last snapshot


def ingest(
    paths: Iterable[Path],
    store_path: Path,
    *,
    strict: bool = False,
    jobs: int = 1,
    progress: Callable[[FileOutcome], None] | Progress | None = None,
    report: Path | None = None,
    publish_every: float = PUBLISH_EVERY,
    force: bool = False,
    handle_signals: bool = False,
) -> IngestSummary:
    """Load every file into the store (see the module's description); ``strict`` refuses documents with
    Violations; ``jobs`` worker processes convert (a run of fewer than four files: this process); ``force``
    converts unchanged files too. The report (every file's outcome) goes to ``report`` (default
    ``<store>/ingest-report.tsv``). With ``handle_signals`` (the command line), SIGINT and SIGTERM stop the run
    gracefully. Raises :class:`StoreError` when the store cannot be used; every other failure is in the
    summary (:meth:`IngestSummary.exit_code`)."""
    summary = IngestSummary(report=report or store_path / REPORT_NAME)
    with reporting(summary, progress) as listener:
        files = gather(paths, summary, listener)
        with open_writer(store_path) as writer, Signals(handle_signals) as signals:
            manifest = _begin(store_path, writer, summary, listener)
            _load(files, store_path, writer, manifest, summary, listener, signals, strict=strict, jobs=jobs,
                  progress=progress, publish_every=publish_every, force=force)
    return summary


def no_space(exc: BaseException) -> bool:
    """A full disk (or quota), as the OS or RocksDB says it."""
    text = str(exc)
    return getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or any(
        words in text for words in ("No space left on device", "Disk quota exceeded"))


def _begin(store_path: Path, writer: Writer, summary: IngestSummary, listener: Progress | None) -> Manifest:
    """Before the files: drop a batch a killed run left, write the vocabulary, read what the store holds.
    :class:`StoreError` when the store fails (damaged, or no space left)."""
    try:
        dropped = recover(store_path, writer.store)
        load_vocabulary(writer)
        sources = stored_sources(writer.store)
    except STORE_ERRORS as exc:
        if no_space(exc):
            raise StoreError(f"{store_path}: no space left on device while preparing the store: {exc}") from exc
        raise damaged(store_path, str(exc)) from exc
    if dropped:
        warn(summary, listener, f"{store_path}: dropped {len(dropped)} graphs an interrupted run left unrecorded "
                                "(their files are loaded again)")
    current = store_path / "current"
    if current.is_symlink() and not current.exists():
        warn(summary, listener, f"{store_path}: current points to {os.readlink(current)}, which does not exist; "
                                "the snapshot this run publishes replaces it")
    return Manifest(store_path, sources)


def _load(files: list[Path], store_path: Path, writer: Writer, manifest: Manifest, summary: IngestSummary,
          listener: Progress | None, signals: Signals, *, strict: bool, jobs: int,
          progress: Callable[[FileOutcome], None] | Progress | None, publish_every: float, force: bool) -> None:
    stamp = fingerprint()
    loader = Loader(store_path, writer.store, manifest)
    last_publish = time.monotonic()

    def after(outcome: FileOutcome) -> bool:
        nonlocal last_publish
        if loader.due():
            loader.flush()
        if publish_every > 0 and time.monotonic() - last_publish >= publish_every:
            loader.flush()
            if loader.take_written():
                try:
                    writer.publish()
                except STORE_ERRORS as exc:
                    raise WriteFailed("publishing a snapshot", [], exc) from exc
            last_publish = time.monotonic()
        return True

    failed: WriteFailed | None = None
    try:
        drive(plan(files, manifest, stamp, force), Run(loader, strict, stamp), jobs=jobs, signals=signals,
              summary=summary, progress=progress, after=after)
    except WriteFailed as exc:
        failed = exc
    except WorkersFailed as exc:
        summary.stopped, summary.error = "the worker processes cannot start", f"{store_path}: {exc}"
    finally:
        if failed is None:
            try:
                loader.flush()  # the batch in progress, also when the run stops (a signal, an error)
            except WriteFailed as exc:
                failed = exc
        clean = failed is None or failed.clean
        if failed is not None:
            _not_loaded(summary, failed)
            failed = None  # its traceback holds this frame: no cycle keeping the store open after the run
        elif not (signals.stopped or summary.error):
            pair_findings(writer.store, summary, manifest, listener)
        _end(store_path, writer, manifest, summary, listener, stopped=bool(signals.stopped or summary.error),
             clean=clean)


def pair_findings(store: GraphReader, summary: IngestSummary, manifest: Manifest, listener: Progress | None) -> None:
    """After the files: each 决算 or 预算 the run wrote against its pair of the store (finding X001,
    :mod:`budgetlod.ingest.pairs`), printed now; a store that cannot answer is a warning (the graphs stand)."""
    names = {entry.graph: entry.file for entry in manifest.entries.values()}
    try:
        check_pairs(store, summary.outcomes, names, listener.line if listener is not None else None)
    except (*STORE_ERRORS, BudgetlodError) as exc:
        warn(summary, listener, f"the 决算 and 预算 pairs were not compared: {exc}")


def _not_loaded(summary: IngestSummary, failed: WriteFailed) -> None:
    """A write failed: the outcomes of the files it did not load are taken back (they are "not done"), and the
    run stops with the message of :func:`ingest`."""
    graphs = {e.graph for e in failed.entries}
    kept = [o for o in summary.outcomes if not (o.graph in graphs and o.error is None and not o.unchanged)]
    summary.not_done += len(summary.outcomes) - len(kept)
    summary.outcomes = kept
    cause = " ".join(str(failed.cause).split())
    problem = "no space left on device" if no_space(failed.cause) else "cannot write to the store"
    summary.stopped = problem
    summary.error = (f"{problem} while {failed.doing}: {cause}; {summary.loaded} files loaded before it; "
                     "rerun to complete")


def _end(store_path: Path, writer: Writer, manifest: Manifest, summary: IngestSummary, listener: Progress | None,
         *, stopped: bool, clean: bool) -> None:
    """After the files: the manifest rewritten, the store compacted after a big run, a snapshot published — each
    a warning if it fails (the graphs are committed; the manifest keeps its appended lines)."""
    try:
        manifest.rewrite()
    except OSError as exc:
        warn(summary, listener, f"{manifest.path}: not rewritten ({exc}); the lines it has stand")
    written = sum(1 for o in summary.outcomes if o.graph and o.error is None and not o.unchanged)
    try:
        if not stopped and written >= OPTIMIZE_AFTER:
            if listener is not None:
                listener.line(f"[INFO] {store_path}: compacting the store after {written} graphs written")
            writer.store.optimize()  # RocksDB compaction: 7-10x faster reads after a bulk load (benchmarks)
        if clean:
            summary.snapshot = writer.publish()
        else:
            warn(summary, listener, f"{store_path}: no snapshot published: primary holds part of a batch that could "
                                    "not be dropped (the next run drops it first); readers see the previous snapshot")
    except STORE_ERRORS as exc:
        warn(summary, listener, f"{store_path}: no snapshot published ({exc}); readers see the previous snapshot")
