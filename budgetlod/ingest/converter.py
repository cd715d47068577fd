"""Converting the files of an ingest for the single writer: in worker processes, results in the order of the
files, a bounded window ahead; or, for a run of fewer than :data:`POOL_FROM` files, in the ingesting process.

Each worker (spawned: the writer's RocksDB is never forked) converts one file at a time
(:func:`budgetlod.ingest.prepare.prepare`, which catches every exception at the file's boundary). A thread of
the ingesting process hands out the files and takes the results, so the workers keep converting while the
writer writes. It knows which file each worker is converting, so a failure is the file's, never its
neighbours':

* a worker that **dies** (killed, a crash in native code, the kernel's out-of-memory killer): its file fails,
  ``the worker process converting it died (killed by SIGKILL)``, as an internal error; a new worker takes its
  place;
* a file past the **time limit** (the setting ``file_seconds``): the worker stops it itself (a ``SIGALRM``
  timer); a worker stuck where the timer cannot reach (native code) is killed :data:`GRACE` seconds later
  and replaced; the file fails, past a limit;
* the **memory limit** (the setting ``file_memory_bytes``, ``RLIMIT_DATA`` of each worker: heap and anonymous
  mappings): a file that needs more fails, past a limit (a ``MemoryError``; an allocation failing in native
  code ends the worker: it died).

Workers ignore SIGINT and SIGTERM (a terminal's Ctrl-C reaches the whole process group): the ingesting process
decides, and :meth:`Converter.close` stops them. A worker whose parent is gone ends at its next read.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Protocol

from budgetlod.ingest.prepare import Prepared, init_worker, prepare, warm_up
from budgetlod.ingest.report import INTERNAL, LIMIT
from budgetlod.limits import internal_error, past_time
from budgetlod.settings import setting

WINDOW = 4  # files handed out ahead per worker (results are taken in order; memory stays bounded)
POOL_FROM = 4  # fewer files to convert than this: convert them in this process (no worker start-up)
GRACE = 5.0  # seconds past the time limit after which a worker that did not stop its file is killed
START_FAILURES = 3  # workers in a row that die before they are ready: the run cannot convert (raise)

Item = tuple[str, str | None]  # a file and its source key


class Interrupted(Exception):
    """A stop was asked for (SIGINT, SIGTERM) while waiting for a worker."""


class WorkersFailed(RuntimeError):
    """Worker processes die before they can convert anything (a memory limit too low for Python itself)."""


class Stop(Protocol):
    stopped: str | None


@dataclass(frozen=True)
class Limits:
    seconds: float = 0.0  # per file (0: none)
    memory: int = 0  # bytes of data segment per worker (0: none)

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(float(setting("file_seconds")), int(setting("file_memory_bytes")))


def _work(conn: Connection, limits: Limits) -> None:
    """A worker process: ready, then ``(index, path, key)`` -> ``(index, Prepared)`` until ``None`` or EOF."""
    try:
        if limits.memory > 0:
            resource.setrlimit(resource.RLIMIT_DATA, (limits.memory, limits.memory))
        init_worker()
    except Exception as exc:  # the parent counts the workers that end before they are ready
        print(f"[ERROR] ingest worker process: cannot start: {internal_error(exc)}", file=sys.stderr, flush=True)
        sys.exit(1)
    conn.send(None)  # ready
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the ingesting process is gone
        if task is None:
            return
        index, path, key = task
        result = prepare(path, key, limits.seconds)
        try:
            conn.send((index, result))
        except OSError:
            return


@dataclass(eq=False)  # by identity
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    index: int | None = None  # the file it converts
    since: float = 0.0


def _death(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Converter:
    """Prepared files in the order given (see the module's description)."""

    def __init__(self, jobs: int, items: list[Item], signals: Stop, limits: Limits | None = None) -> None:
        self.items = items
        self.signals = signals
        self.limits = limits or Limits.from_settings()
        self.jobs = max(1, min(jobs, len(items)))
        self.pooled = len(items) >= POOL_FROM
        self.results: dict[int, Prepared] = {}
        self.taken = 0  # the next index the writer takes
        self.next = 0  # the next index to hand out
        self.again: deque[int] = deque()  # handed to a worker that died before it got the file
        self.failure: BaseException | None = None  # the manager thread's, raised in the writer's thread
        self.lock = threading.Condition()
        self.closing = False
        self.workers: list[_Worker] = []
        self.start_failures = 0
        self.thread: threading.Thread | None = None
        if self.pooled:
            self.context = multiprocessing.get_context("spawn")
            self.workers = [self._spawn() for _ in range(self.jobs)]
            self.thread = threading.Thread(target=self._manage, name="ingest-converter", daemon=True)
            self.thread.start()
        elif items:
            warm_up()

    # ---- the writer's side

    def __iter__(self) -> Iterator[Prepared]:
        if not self.pooled:
            for path, key in self.items:
                yield prepare(path, key, self.limits.seconds)
            return
        for index in range(len(self.items)):
            with self.lock:
                while index not in self.results:
                    if self.signals.stopped:
                        raise Interrupted
                    if self.failure is not None:
                        raise self.failure
                    self.lock.wait(0.2)
                result = self.results.pop(index)
                self.taken = index + 1
                self.lock.notify_all()
            yield result

    def close(self, cancel: bool = False) -> None:
        """Stop the workers: those converting a file are killed when ``cancel`` (an interrupted run)."""
        with self.lock:
            self.closing = True
            self.lock.notify_all()
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        for worker in self.workers:
            if worker.ready and worker.index is None and not cancel:
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        deadline = time.monotonic() + 5.0
        for worker in self.workers:
            if cancel or worker.index is not None or not worker.ready:
                worker.process.kill()
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []

    # ---- the manager thread

    def _spawn(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_work, args=(theirs, self.limits), name="budgetlod-ingest-worker",
                                       daemon=True)
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _manage(self) -> None:
        try:
            while True:
                with self.lock:
                    if self.closing:
                        return
                    self._hand_out()
                waiting: dict[object, _Worker] = {w.conn: w for w in self.workers}
                waiting.update({w.process.sentinel: w for w in self.workers})
                heard = [waiting[ready] for ready in wait(list(waiting), timeout=0.2)]  # type: ignore[arg-type]
                for worker in dict.fromkeys(heard):
                    if worker in self.workers:
                        self._hear(worker)
                self._check_time()
        except BaseException as exc:  # handed to the writer's thread, which raises it
            with self.lock:
                self.failure = exc
                self.lock.notify_all()

    def _hand_out(self) -> None:
        for worker in self.workers:
            if not worker.ready or worker.index is not None:
                continue
            if self.again:
                index = self.again.popleft()
            elif self.next < len(self.items) and self.next < self.taken + self.jobs * WINDOW:
                index, self.next = self.next, self.next + 1
            else:
                return
            try:
                worker.conn.send((index, *self.items[index]))
            except OSError:
                self.again.appendleft(index)  # it died: _hear replaces it
                continue
            worker.index, worker.since = index, time.monotonic()

    def _hear(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message is None:
                    worker.ready = True
                    self.start_failures = 0
                    continue
                index, result = message
                worker.index = None
                self._done(index, result)
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            worker.process.join()
            self._replace(worker, f"the worker process converting it died ({_death(worker.process)})", INTERNAL)

    def _check_time(self) -> None:
        if self.limits.seconds <= 0:
            return
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.index is not None and now - worker.since > self.limits.seconds + GRACE:
                worker.process.kill()
                worker.process.join()
                stopped = past_time("conversion", now - worker.since, self.limits.seconds)
                self._replace(worker, stopped + ": its worker was killed", LIMIT)

    def _replace(self, worker: _Worker, reason: str, failure: str) -> None:
        """A worker is gone: its file (if it had one) fails with ``reason``; another worker takes its place."""
        worker.conn.close()
        self.workers.remove(worker)
        if worker.index is not None:
            path, key = self.items[worker.index]
            self._done(worker.index, Prepared(path=path, key=key or "", error=reason, failure=failure,
                                              seconds={"failed": time.monotonic() - worker.since}))
        elif not worker.ready:
            self.start_failures += 1
            if self.start_failures >= START_FAILURES:
                raise WorkersFailed(f"{self.start_failures} ingest worker processes in a row died before they could "
                                    f"convert a file ({_death(worker.process)}; file_memory_bytes = "
                                    f"{self.limits.memory})")
        self.workers.append(self._spawn())

    def _done(self, index: int, result: Prepared) -> None:
        with self.lock:
            self.results[index] = result
            self.lock.notify_all()


__all__ = ["GRACE", "POOL_FROM", "WINDOW", "Converter", "Interrupted", "Limits", "WorkersFailed"]
