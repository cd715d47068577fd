"""Fuzzing at scale: mutated disclosures through parse → map → validate, in worker processes with limits.

    python bench/fuzz.py [--cases 100000] [--jobs 2] [--seed 1] [--validate-every 10] [--minutes 0]
                         [--case-seconds 10] [--memory-mb 1024] [--scale 1000] [--out bench/out/fuzz-failures.json]

Case ``i`` is made from ``random.Random(f"{seed}-{i}")`` by :func:`budgetlod.testing.fuzz.random_recipe`
over the seeds (``examples/``, ``tests/cases/*/source.txt``, ``tests/fuzz_seeds/``), so any case can be made
again from its number. Each worker process has an address-space limit (``--memory-mb``, RLIMIT_AS) and stops
a case at ``--case-seconds`` (SIGALRM); a case stuck where no signal reaches it (inside a C call) is ended by
killing its worker 5 s later, and the worker is replaced. Every case is parsed and mapped (the outputs of
``parse``, ``parse --json`` and ``convert``); every ``--validate-every``-th one is also validated with the
SHACL shapes by pyshacl, as ``budgetlod validate`` does (1: all; 0: none). ``--minutes`` stops handing out
cases after that long (0: no limit). A worker is replaced every 2,000 cases, so that one case's memory is
measured on a fresh heap as far as that goes (ru_maxrss is a high-water mark).

Prints the counts — cases, outcomes (ok / cannot parse / cannot map), unhandled exceptions (grouped, with the
recipe of the first), cases over the time limit, cases over the memory limit (MemoryError or killed), the
slowest case, the largest peak RSS of a worker — and throughput. Exit code 1 when any case failed; the
failures' recipes go to ``--out`` (JSON).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import queue
import random
import resource
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from multiprocessing.context import SpawnProcess
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECYCLE = 2000  # cases per worker before it is replaced


class CaseTimeout(BaseException):
    """The case ran past --case-seconds."""


def _expired(signum: int, frame: FrameType | None) -> None:
    raise CaseTimeout


def worker(tasks: Any, results: Any, options: dict[str, Any]) -> None:
    """Runs cases from ``tasks`` until told to stop (None) or after RECYCLE cases; one result per case."""
    limit = options["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from budgetlod.testing.fuzz import load_seeds, random_recipe, run_case

    seeds = dict(load_seeds(ROOT))
    names = sorted(seeds)
    signal.signal(signal.SIGALRM, _expired)
    for _ in range(RECYCLE):
        index = tasks.get()
        if index is None:
            break
        recipe = random_recipe(random.Random(f"{options['seed']}-{index}"), names, options["scale"])
        every = options["validate_every"]
        engine = "pyshacl" if every and index % every == 0 else "none"
        results.put(("start", os.getpid(), index, time.monotonic()))
        outcome, error = "ok", None
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, options["case_seconds"])
        try:
            outcome = run_case(recipe.build(seeds), engine)
        except CaseTimeout:
            outcome = "timeout"
        except MemoryError:
            outcome = "memory"
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
            outcome, error = "error", f"{type(exc).__name__}: {str(exc)[:200]} ({where})"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        results.put(("done", os.getpid(), index, outcome, error, seconds, peak, asdict(recipe), engine))
        if outcome == "memory":
            break  # a heap that hit the limit is not trusted with the next case
    results.put(("exit", os.getpid()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--validate-every", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=0)
    parser.add_argument("--case-seconds", type=float, default=10)
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz-failures.json")
    args = parser.parse_args()
    options = {k: getattr(args, k) for k in ("seed", "validate_every", "case_seconds", "memory_mb", "scale")}
    context = mp.get_context("spawn")
    tasks, results = context.Queue(), context.Queue()
    workers: dict[int, SpawnProcess] = {}

    def spawn() -> None:
        process = context.Process(target=worker, args=(tasks, results, options), daemon=True)
        process.start()
        assert process.pid is not None
        workers[process.pid] = process

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))  # unwinds to the finally below
    try:
        run(args, tasks, results, workers, spawn)
    finally:
        for process in workers.values():  # the workers this bench started, by their processes
            if process.is_alive():
                process.kill()


def run(
    args: argparse.Namespace, tasks: Any, results: Any, workers: dict[int, SpawnProcess], spawn: Callable[[], None]
) -> None:
    """Hand out the cases, collect their outcomes, watch the workers; print the figures."""
    running: dict[int, tuple[int, float]] = {}  # worker pid -> (case, started)
    started = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes else None
    handed = done = 0
    outcomes: Counter[str] = Counter()
    errors: dict[str, list[Any]] = {}
    failures: list[dict[str, Any]] = []
    slowest: tuple[float, int] = (0.0, -1)
    peak_kib = 0
    for _ in range(args.jobs):
        spawn()
    while handed < min(args.cases, args.jobs * 4):
        tasks.put(handed)
        handed += 1
    last_report = started
    while done < handed:
        try:
            message = results.get(timeout=1)
        except queue.Empty:
            message = None
        now = time.monotonic()
        if message is not None and message[0] == "start":
            running[message[1]] = (message[2], message[3])
        elif message is not None and message[0] == "done":
            _, pid, index, outcome, error, seconds, peak, recipe, engine = message
            running.pop(pid, None)
            done += 1
            outcomes[outcome] += 1
            peak_kib = max(peak_kib, peak)
            slowest = max(slowest, (seconds, index))
            if outcome in ("error", "timeout", "memory"):
                key = error or outcome
                errors.setdefault(key, [0, index])[0] += 1
                failures.append({"case": index, "outcome": outcome, "error": error, "seconds": round(seconds, 2),
                                 "engine": engine, "recipe": recipe})
            if handed < args.cases and (deadline is None or now < deadline):
                tasks.put(handed)
                handed += 1
        elif message is not None and message[0] == "exit":
            process = workers.pop(message[1], None)
            if process is not None:
                process.join(5)
            if len(workers) < args.jobs and done < handed:
                spawn()
        for pid, (index, since) in list(running.items()):  # stuck where SIGALRM cannot reach: end the worker
            if now - since > args.case_seconds + 5 and pid in workers:
                workers.pop(pid).kill()  # a process this bench started, by its id
                running.pop(pid)
                done += 1
                outcomes["killed"] += 1
                errors.setdefault("killed after the time limit", [0, index])[0] += 1
                failures.append({"case": index, "outcome": "killed", "error": None, "seconds": now - since})
                spawn()
        for pid, process in list(workers.items()):  # a worker that died (a crash in C code, the OOM killer)
            if process.is_alive():
                continue
            workers.pop(pid)
            if pid in running:
                index, since = running.pop(pid)
                done += 1
                outcomes["died"] += 1
                errors.setdefault(f"worker died (exit code {process.exitcode})", [0, index])[0] += 1
                failures.append({"case": index, "outcome": "died", "error": process.exitcode})
            if done < handed:
                spawn()
        if now - last_report > 60:
            last_report = now
            rate = done / (now - started)
            print(f"[{now - started:6.0f} s] {done:,} cases, {rate:.1f}/s, {dict(outcomes)}", file=sys.stderr,
                  flush=True)
    for _ in workers:
        tasks.put(None)
    for process in workers.values():
        process.join(10)
    elapsed = time.monotonic() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(failures, ensure_ascii=False, indent=1), encoding="utf-8")
    unhandled = outcomes["error"] + outcomes["died"]
    over_time = outcomes["timeout"] + outcomes["killed"]
    print(f"date {date.today()}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(f"command: python bench/fuzz.py {' '.join(sys.argv[1:])}")
    print(f"cases {done:,} of {args.cases:,} in {elapsed:,.0f} s: {done / elapsed:.1f} cases/s")
    print(f"outcomes {dict(sorted(outcomes.items()))}")
    print(f"unhandled exceptions {unhandled}; over {args.case_seconds:g} s {over_time}; "
          f"over {args.memory_mb} MB {outcomes['memory']}")
    print(f"slowest case {slowest[1]}: {slowest[0]:.2f} s; largest worker peak RSS {peak_kib / 1024:.0f} MB")
    for key, (count, first) in sorted(errors.items(), key=lambda item: -item[1][0]):
        print(f"  {count} × {key} (first: case {first})")
    print(f"failures: {args.out}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
