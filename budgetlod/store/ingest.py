"""Bulk ingest: files -> parse, map, validate (in parallel worker processes) -> the single writer -> one
named graph each in the embedded store.

Workers (:mod:`budgetlod.store.prepare`) return each disclosure's graph as N-Quads; the ingesting process is
Oxigraph's one writer (:mod:`budgetlod.store.loader`): it takes the results in the order of the files,
bulk-loads new graphs in batches and replaces a graph the store has in one transaction (``DROP`` and
``INSERT DATA`` in one update), then records each graph in the manifest (:mod:`budgetlod.store.manifest`).

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

A file that cannot be read is reported and skipped; what is already in the store is untouched.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import Protocol

from budgetlod.store.embedded import open_writer
from budgetlod.store.loader import Loader, load_graph, recover
from budgetlod.store.manifest import Entry, Manifest, stored_sources
from budgetlod.store.prepare import Prepared, fingerprint, init_worker, prepare, source_key, warm_up
from budgetlod.store.progress import Progress
from budgetlod.store.report import FileOutcome, IngestSummary, write_report

__all__ = ["SUFFIXES", "FileOutcome", "IngestSummary", "NotWritten", "Run", "Signals", "Sink", "default_jobs", "drive",
           "expand", "ingest", "load_graph", "plan", "reporting"]

SUFFIXES = (".txt", ".md", ".html", ".htm")
REPORT_NAME = "ingest-report.tsv"
PUBLISH_EVERY = 300.0  # seconds between snapshots while loading (each keeps replaced database files on disk)
WINDOW = 4  # files handed out ahead per worker (results are taken in order; memory stays bounded)
POOL_FROM = 4  # fewer files to convert than this: convert them in this process (no worker start-up)


def default_jobs() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched recursively for disclosure files (sorted; READMEs and sidecar
    ``.meta.json`` files are not disclosures). A file named twice is taken once."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.upper().startswith("README")
            )
        else:
            files.append(path)
    return list(dict.fromkeys(files))


class Interrupted(Exception):
    """A stop was asked for (SIGINT, SIGTERM) while waiting for a worker."""


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


class Converter:
    """Prepared files in the order given: in worker processes (spawned: the writer's RocksDB is never
    forked), a bounded window ahead, or in this process."""

    def __init__(self, jobs: int, items: list[tuple[str, str | None]], signals: Signals) -> None:
        self.items = deque(items)
        self.signals = signals
        self.jobs = min(jobs, len(items))
        self.pending: deque[tuple[tuple[str, str | None], Future[Prepared]]] = deque()
        self.executor: ProcessPoolExecutor | None = None
        if self.jobs > 1 and len(items) >= POOL_FROM:
            self._start()
        else:
            warm_up()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.executor = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=init_worker)

    def _fill(self) -> None:
        assert self.executor is not None
        while self.items and len(self.pending) < self.jobs * WINDOW:
            item = self.items.popleft()
            self.pending.append((item, self.executor.submit(prepare, *item)))

    def __iter__(self) -> Iterator[Prepared]:
        if self.executor is None:
            while self.items:
                yield prepare(*self.items.popleft())
            return
        while self.items or self.pending:
            self._fill()
            item, future = self.pending.popleft()
            yield self._wait(item, future)

    def _wait(self, item: tuple[str, str | None], future: Future[Prepared]) -> Prepared:
        while True:
            if self.signals.stopped:
                raise Interrupted
            try:
                return future.result(timeout=0.2)
            except FutureTimeout:
                continue
            except BrokenProcessPool as exc:
                # a worker died (killed, out of memory): blame this file, start again with the others
                again = [i for i, _ in self.pending]
                self.pending.clear()
                self.items.extendleft(reversed(again))
                self.close(cancel=True)
                self._start()
                return Prepared(path=item[0], key=item[1] or "", error=f"the worker process converting it died ({exc})")

    def close(self, cancel: bool = False) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=not cancel, cancel_futures=cancel)
            self.executor = None


class NotWritten(Exception):
    """A sink could not write a graph: ``reason``, and ``state``, what the store's graph holds now (a remote
    store's :class:`~budgetlod.store.staging.GraphState` value)."""

    def __init__(self, reason: str, state: str) -> None:
        super().__init__(reason)
        self.reason, self.state = reason, state


class Sink(Protocol):
    """Where :class:`Run` writes a converted graph: the embedded :class:`~budgetlod.store.loader.Loader`, or a
    remote store's writer (:mod:`budgetlod.store.remote_ingest`), which raises :class:`NotWritten` for a graph
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


@contextmanager
def reporting(summary: IngestSummary,
              progress: Callable[[FileOutcome], None] | Progress | None) -> Iterator[Progress | None]:
    """Around a run: its wall and CPU time into ``summary``, the report written to ``summary.report`` (also when
    the run fails), the progress bar finished when it ends well; yields the :class:`Progress`, if one is given."""
    assert summary.report is not None
    started, cpu = time.monotonic(), cpu_clock()
    listener = progress if isinstance(progress, Progress) else None
    try:
        yield listener
    finally:
        summary.seconds = time.monotonic() - started
        summary.cpu = cpu()
        write_report(summary, summary.report)
    if listener is not None:
        listener.finish()


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
    Violations; ``jobs`` worker processes convert (1: this process); ``force`` converts unchanged files too.
    The report (every file's outcome) goes to ``report`` (default ``<store>/ingest-report.tsv``). With
    ``handle_signals`` (the command line), SIGINT and SIGTERM stop the run gracefully."""
    files = expand(paths)
    summary = IngestSummary(report=report or store_path / REPORT_NAME)
    with reporting(summary, progress) as listener, open_writer(store_path) as writer, \
            Signals(handle_signals) as signals:
        dropped = recover(store_path, writer.store)
        if dropped and listener is not None:
            listener.line(f"[WARNING] {store_path}: dropped {len(dropped)} graphs an interrupted run left unrecorded "
                          "(their files are loaded again)")
        writer.load_vocabulary()
        manifest = Manifest(store_path, stored_sources(writer.store))
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
                    writer.publish()
                last_publish = time.monotonic()
            return True

        try:
            drive(plan(files, manifest, stamp, force), Run(loader, strict, stamp), jobs=jobs, signals=signals,
                  summary=summary, progress=progress, after=after)
        finally:
            loader.flush()
            manifest.rewrite()
            written = sum(1 for o in summary.outcomes if o.graph and o.error is None and not o.unchanged)
            if not signals.stopped and written >= OPTIMIZE_AFTER:
                if listener is not None:
                    listener.line(f"[INFO] {store_path}: compacting the store after {written} graphs written")
                writer.store.optimize()  # RocksDB compaction: 7-10x faster reads after a bulk load (benchmarks)
            summary.snapshot = writer.publish()
    return summary
