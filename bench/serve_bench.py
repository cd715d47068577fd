"""HTTP latency of every query of ``queries/`` (p50/p95), the server's peak memory, and — side by side in
the same run — rdflib-endpoint serving the same data (issue 7, benchmarks 2–4).

    python bench/serve_bench.py --count 1000 --rdflib      # generate, ingest, compare with rdflib-endpoint
    python bench/serve_bench.py --store DIR                # an existing store (e.g. 10,000 disclosures)

Each query is sent to ``/sparql`` as the researcher's script would send it: the ``.rq`` file with its default
parameters bound by ``with_values`` (a ``VALUES`` block, as ``budgetlod query`` and ``/queries/{name}`` do), POSTed,
answer as SPARQL JSON, read to the end. One warm-up, then ``--repeat`` runs; p50 and p95 of those.

Two budgetlod servers run on the same store at once: one with the result cache off
(``BUDGETLOD_RESULT_CACHE_BYTES=0``: every request evaluates the query — the cold figure) and one with the default
cache (a repeated request on the same snapshot is answered from memory — what repeated calls get). Peak memory is
each server's process tree (server and query workers): the sum of their ``VmHWM`` (peak resident set) from
``/proc`` after the run. ``--rdflib`` also starts rdflib-endpoint (``bench/rdflib_endpoint_server.py``; it holds an
N-Quads dump of the store in rdflib's in-memory Dataset, default graph the union) and runs the same texts there;
a query it cannot parse (``LATERAL``, SPARQL 1.2) or that passes ``--query-timeout`` is reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyoxigraph import RdfFormat

from budgetlod.ingest.bulk import ingest
from budgetlod.query.library import named_queries
from budgetlod.query.params import bind
from budgetlod.store.embedded import open_reader
from budgetlod.store.values import with_values
from budgetlod.testing.corpus import write_corpus

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url}: no answer in {seconds} s")


@dataclass
class Timing:
    runs: list[float]
    rows: int = 0
    failure: str = ""

    def cell(self) -> str:
        if self.failure:
            return self.failure
        runs = sorted(self.runs)
        p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]
        return f"{statistics.median(runs) * 1000:,.0f} / {p95 * 1000:,.0f}"

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.runs) * 1000 if self.runs else float("inf")


def ask(endpoint: str, query: str, timeout: float) -> tuple[float, bytes]:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": "application/sparql-results+json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read()
    return time.perf_counter() - start, body


def measure(endpoint: str, query: str, repeat: int, timeout: float) -> Timing:
    try:
        warm_up, body = ask(endpoint, query, timeout)
        if warm_up > 10:  # a slow server gets fewer repeats: the figures are still medians
            repeat = min(repeat, 3)
        runs = [ask(endpoint, query, timeout)[0] for _ in range(repeat)]
    except urllib.error.HTTPError as exc:
        if "LATERAL" in query:
            return Timing([], failure=f"HTTP {exc.code}: cannot run LATERAL (SPARQL 1.2)")
        reason = exc.read().decode("utf-8", "replace").strip().splitlines()
        return Timing([], failure=f"HTTP {exc.code} {reason[0][:60] if reason else ''}")
    except OSError:
        return Timing([], failure=f"> {timeout:.0f} s")
    answer = json.loads(body)
    return Timing(runs, rows=len(answer["results"]["bindings"]) if "results" in answer else 1)


def tree_rss(pid: int, field: str = "VmRSS:") -> int:
    """Sum of a /proc status field (VmRSS: resident now; VmHWM: its peak), bytes, over a process and its
    descendants."""
    pids, total = [pid], 0
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith(field):
                total += int(line.split()[1]) * 1024
        pids += [int(child) for child in children]
    return total


class PeakMemory(threading.Thread):
    """Samples the resident memory of process trees every ``interval`` seconds; keeps each tree's largest sum
    (worker processes replaced after a timeout take their own peaks with them, so VmHWM at the end is not enough)."""

    def __init__(self, pids: dict[str, int], interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.peaks = dict.fromkeys(pids, 0)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            for name, pid in self.pids.items():
                self.peaks[name] = max(self.peaks[name], tree_rss(pid))


def start_budgetlod(store: Path, port: int, timeout: float, cache: bool) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if not cache:
        env["BUDGETLOD_RESULT_CACHE_BYTES"] = "0"
    command = [sys.executable, "-m", "budgetlod", "serve", "--store", str(store), "--port", str(port)]
    return subprocess.Popen(
        [*command, "--timeout", str(timeout)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )


def prepare_store(args: argparse.Namespace) -> tuple[Path, Path, str]:
    if args.store:
        return args.store, args.store.parent, "an existing store"
    work = Path(tempfile.mkdtemp(prefix="budgetlod-bench-"))
    files = write_corpus(work / "corpus", seed=11, count=args.count)
    start = time.perf_counter()
    ingest(files, work / "store")
    seconds = time.perf_counter() - start
    return work / "store", work, f"{len(files)} generated, ingested in {seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="disclosures to generate (without --store)")
    parser.add_argument("--store", type=Path, help="serve this store instead of generating one")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--query-timeout", type=float, default=120)
    parser.add_argument("--rdflib", action="store_true", help="compare with rdflib-endpoint on the same data")
    parser.add_argument("--only", nargs="*", default=[], help="these queries only, in this order")
    args = parser.parse_args()
    store, work, origin = prepare_store(args)
    reader = open_reader(store)
    disclosures = sum(1 for g in reader.named_graphs() if "/disclosure/" in g.value)
    del reader
    cold_port, cached_port, theirs_port = free_port(), free_port(), free_port()
    servers = {
        "cold": start_budgetlod(store, cold_port, args.query_timeout, cache=False),
        "cached": start_budgetlod(store, cached_port, args.query_timeout, cache=True),
    }
    theirs: subprocess.Popen[bytes] | None = None
    load_seconds = 0.0
    try:
        for name, port in (("cold", cold_port), ("cached", cached_port)):
            wait_for(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", servers[name], 300)
        if args.rdflib:
            dump = work / "dump.nq"
            with dump.open("wb") as out:
                open_reader(store).dump(out, format=RdfFormat.N_QUADS)
            start = time.perf_counter()
            theirs = subprocess.Popen(
                [sys.executable, str(HERE / "rdflib_endpoint_server.py"), str(dump), str(theirs_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_for(f"http://127.0.0.1:{theirs_port}/?query=ASK%7B%7D", theirs, 3600)
            load_seconds = time.perf_counter() - start
        print(
            f"date {date.today()}, {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"load average before {os.getloadavg()[0]:.1f}; store: {disclosures:,} disclosures "
            f"({origin}); repeat {args.repeat}"
            + (f"; rdflib-endpoint loaded the dump in {load_seconds:.0f} s" if theirs else "")
        )
        pids = {name: process.pid for name, process in servers.items()} | ({"rdflib": theirs.pid} if theirs else {})
        memory = PeakMemory(pids)
        memory.start()
        header = "| query | rows | budgetlod, no cache: p50 / p95 ms | budgetlod, cache: p50 / p95 ms |"
        line = "| --- | --- | --- | --- |"
        if theirs:
            header += " rdflib-endpoint p50 / p95 ms | ratio (p50) |"
            line += " --- | --- |"
        print(header)
        print(line)
        by_name = {query.name: query for query in named_queries()}
        for query in [by_name[name] for name in args.only] if args.only else list(by_name.values()):
            text = with_values(query.text, bind(query, {}))
            cold = measure(f"http://127.0.0.1:{cold_port}/sparql", text, args.repeat, args.query_timeout)
            cached = measure(f"http://127.0.0.1:{cached_port}/sparql", text, args.repeat, args.query_timeout)
            row = f"| {query.name} | {max(cold.rows, cached.rows):,} | {cold.cell()} | {cached.cell()} |"
            if theirs:  # rdflib has no LATERAL: it gets the text any such store gets (budgetlod.query.dialect)
                plain = with_values(query.text_for(lateral=False), bind(query, {}))
                other = measure(f"http://127.0.0.1:{theirs_port}/", plain, args.repeat, args.query_timeout)
                ratio = f"{other.p50_ms / cold.p50_ms:,.0f}×" if other.runs and cold.runs else "—"
                row += f" {other.cell()} | {ratio} |"
            print(row, flush=True)
        memory.done.set()
        for name, process in servers.items():
            peak = max(memory.peaks[name], tree_rss(process.pid, "VmHWM:")) / 2**20
            print(f"peak RSS, budgetlod server ({name}) with its query workers: {peak:,.0f} MiB")
        if theirs:
            peak = max(memory.peaks["rdflib"], tree_rss(theirs.pid, "VmHWM:")) / 2**20
            print(f"peak RSS, rdflib-endpoint: {peak:,.0f} MiB")
        print(f"load average after {os.getloadavg()[0]:.1f}")
    finally:
        for process in [*servers.values(), *([theirs] if theirs else [])]:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
