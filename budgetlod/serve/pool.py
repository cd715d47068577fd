"""The worker processes that run users' SPARQL queries, shared fairly (:class:`QueryPool`).

pyoxigraph has no query timeout, no memory limit and no way to interrupt a running query from Python, so each query
runs in a worker process (:func:`budgetlod.serve.workers.worker_main`: no network, memory capped, a lower CPU
priority than the server) that can be killed. The pool keeps:

* ``query_workers`` **lanes** for queries in their first ``slow_query_seconds``: a request takes an idle worker
  when fewer than that many young queries run, else it waits (at most ``query_timeout``);
* up to ``long_queries`` workers more for **long** queries: a query that passes ``slow_query_seconds`` is moved
  out of its lane (its worker is reniced to the lowest priority and no longer counts), so that a new query finds
  a lane at once. Past ``long_queries`` long ones, a long query keeps its lane. A worker that ran a long query is
  replaced when it finishes (its priority cannot be raised again).

A watcher thread checks the running queries every ``WATCH_SECONDS``: their age (lanes) and their anonymous resident
memory.
A worker past ``worker_memory_bytes`` is killed (its ``RLIMIT_DATA`` stops most allocations before that: Oxigraph
then aborts), the query answered as stopped at the memory limit, a fresh worker started. A query past the timeout is
killed the same way by the thread waiting for it. Admission (how many requests may wait, per client) is the HTTP
layer's (:mod:`budgetlod.serve.admission`). ``run`` blocks: call it from a thread, never on the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from budgetlod.serve.cache import ResultCache
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.isolation import demote, resident_bytes
from budgetlod.serve.workers import (
    NotAcceptable,
    QueryError,
    QueryOptions,
    QueryOutcome,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    WorkerLimits,
    worker_main,
)

STARTUP_SECONDS = 60.0  # a new worker must be ready within this (not counted in the query timeout)
WATCH_SECONDS = 0.1

log = logging.getLogger("budgetlod.serve")


@dataclass(eq=False)  # identity: workers are kept in lists and sets
class Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    isolation: str | None = None  # what the worker said of its network at start (isolation.isolate)

    def poll_ready(self) -> bool:
        """Ready without waiting (its "ready" message has arrived)?"""
        if not self.ready and self.conn.poll(0):
            self.wait_ready(0)
        return self.ready

    def wait_ready(self, seconds: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(seconds):
            raise QueryError("a query worker did not start in time")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise QueryError(f"a query worker died while starting ({exc or 'no reason given'})") from None
        if not (isinstance(message, tuple) and len(message) == 2 and message[0] == "ready"):
            raise QueryError(f"a query worker started badly: {message!r}")
        self.isolation = message[1]
        self.ready = True

    def stop(self, kill: bool) -> None:
        if not kill:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5.0)
        with contextlib.suppress(OSError):
            self.conn.close()


@dataclass(eq=False)
class _Job:
    worker: Worker
    started: float = field(default_factory=time.monotonic)
    long: bool = False  # moved out of the lanes (reniced)
    stopped: str | None = None  # why the watcher killed it


class QueryPool:
    def __init__(self, config: ServerConfig) -> None:
        self.store_path = Path(config.store_path)
        self.timeout = float(config.query_timeout)
        self.lanes = max(1, int(config.query_workers))
        self.long_lanes = max(0, int(config.long_queries))
        self.slow_seconds = float(config.slow_query_seconds)
        self.memory_bytes = int(config.worker_memory_bytes)
        self.limits = WorkerLimits(memory_bytes=self.memory_bytes, answer_bytes=int(config.answer_bytes))
        self._context = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._running: dict[Worker, _Job] = {}
        self._workers: set[Worker] = set()
        self._closed = False
        self.isolation: str | None = None  # the first worker's word on its network (for /health)
        self.cache: ResultCache[QueryOutcome] = ResultCache(config.result_cache_bytes)
        with self._cond:
            for _ in range(self.lanes + self.long_lanes):
                self._idle.append(self._start())
        self._watcher = threading.Thread(target=self._watch, name="budgetlod-query-watch", daemon=True)
        self._watcher.start()

    # --- workers ------------------------------------------------------------------------------------

    def _start(self) -> Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=worker_main, args=(str(self.store_path), child, self.limits), name="budgetlod-query", daemon=True
        )
        process.start()
        child.close()
        worker = Worker(process, parent)
        self._workers.add(worker)
        return worker

    def _retire(self, worker: Worker, kill: bool) -> None:
        """Stop a worker (stuck, broken, killed or reniced) and put a fresh one among the idle (holding _cond)."""
        self._workers.discard(worker)
        threading.Thread(target=worker.stop, args=(kill,), daemon=True).start()
        if not self._closed:
            self._idle.append(self._start())
        self._cond.notify_all()

    def _young(self) -> int:
        return sum(1 for job in self._running.values() if not job.long)

    def _take(self) -> tuple[Worker, _Job]:
        """An idle worker (a started one first) once a lane is free; QueryTimeout after the timeout."""
        deadline = time.monotonic() + self.timeout
        with self._cond:
            while self._closed or not self._idle or self._young() >= self.lanes:
                if self._closed:
                    raise QueryError("the server is shutting down")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s; try again later")
                self._cond.wait(remaining)
            worker = next((w for w in self._idle if w.poll_ready()), self._idle[0])
            self._idle.remove(worker)
            job = _Job(worker)
            self._running[worker] = job
            return worker, job

    def _give_back(self, job: _Job, broken: bool) -> None:
        with self._cond:
            self._running.pop(job.worker, None)
            if broken or job.long or job.stopped:
                self._retire(job.worker, kill=True)
            else:
                self._idle.append(job.worker)
                self._cond.notify_all()

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                long_count = sum(1 for job in self._running.values() if job.long)
                for job in list(self._running.values()):
                    pid = job.worker.process.pid
                    if job.stopped or pid is None or not job.worker.ready:  # a worker still starting is not timed
                        continue
                    resident = resident_bytes(pid) if self.memory_bytes else None
                    if resident is not None and resident > self.memory_bytes:
                        job.stopped = (
                            f"the query used more than the memory limit of {_mib(self.memory_bytes)} per query and "
                            "was stopped"
                        )
                        with contextlib.suppress(OSError):
                            os.kill(pid, signal.SIGKILL)
                        continue
                    if not job.long and long_count < self.long_lanes and now - job.started > self.slow_seconds:
                        job.long = True
                        long_count += 1
                        demote(pid)
                        self._cond.notify_all()  # a lane is free

    # --- queries ------------------------------------------------------------------------------------

    def _snapshot(self) -> str | None:
        link = self.store_path / "current"
        return os.path.realpath(link) if link.exists() else None

    def run(self, query: str, options: QueryOptions) -> QueryOutcome:
        """Answer a query: from the result cache when the same query ran on the current snapshot with the same
        options, else in a worker (then kept). Raises a :class:`QueryError` subclass when it cannot be answered."""
        if self._closed:
            raise QueryError("the server is shutting down")
        snapshot = self._snapshot() if self.cache.enabled else None
        if snapshot is None:
            return self._run(query, options)
        key = (query, options.key())
        kept = self.cache.get(snapshot, key)
        if kept is not None:
            return replace(kept, cached=True, seconds=0.0)
        outcome = self._run(query, options)
        if self._snapshot() == snapshot:  # not kept when an ingest published a new snapshot meanwhile
            self.cache.put(snapshot, key, outcome, key_bytes=len(query.encode()))
        return outcome

    def _run(self, query: str, options: QueryOptions) -> QueryOutcome:
        worker, job = self._take()
        try:
            worker.wait_ready(STARTUP_SECONDS)
            if self.isolation is None:
                self.isolation = worker.isolation
                if worker.isolation and worker.isolation.startswith("none"):
                    log.warning(
                        "query workers keep the network (SERVICE is refused by the checks only): %s", worker.isolation
                    )
            job.started = time.monotonic()
            worker.conn.send((query, options))
        except (QueryError, OSError, EOFError, ValueError) as exc:
            self._give_back(job, broken=True)
            raise QueryError(f"the query worker failed: {exc}") from exc
        if not worker.conn.poll(self.timeout):
            self._give_back(job, broken=True)
            raise QueryTimeout(f"the query did not finish within {self.timeout:g} s and was stopped")
        try:
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died: killed by the watcher, or out of memory
            worker.process.join(5.0)
            self._give_back(job, broken=True)
            if job.stopped:
                raise QueryTimeout(job.stopped) from exc
            if worker.process.exitcode == -signal.SIGABRT:  # Oxigraph aborts when an allocation fails
                raise QueryTimeout(
                    f"the query used more than the memory limit of {_mib(self.memory_bytes)} per query and was stopped"
                ) from exc
            raise QueryError("the query stopped its worker process") from exc
        self._give_back(job, broken=False)
        if status == "ok":
            outcome: QueryOutcome = payload
            return outcome
        if status == "syntax":
            raise QuerySyntaxError(payload)
        if status == "not-acceptable":
            raise NotAcceptable(payload)
        if status == "store":
            raise StoreUnavailable(payload)
        raise QueryError(payload)

    def figures(self) -> dict[str, object]:
        """For /health: the lanes in use, the long queries, the idle workers, the network isolation."""
        with self._cond:
            return {
                "query_workers": {
                    "lanes": self.lanes,
                    "young": self._young(),
                    "long": sum(1 for job in self._running.values() if job.long),
                    "idle": len(self._idle),
                },
                "network_isolation": self.isolation,
            }

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.stop(kill=False)


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MiB"
