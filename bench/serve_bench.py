"""HTTP latency of the example queries (p50/p95) on budgetlod's server and on rdflib-endpoint serving the
same data, side by side in one run; then budgetlod's throughput under concurrent clients.

    python bench/serve_bench.py [--count 1000] [--repeat 10] [--clients 20] [--seconds 15] [--rdflib-count N]

Generates ``--count`` disclosures, ingests them (timed) into a fresh store, starts ``budgetlod serve`` and
rdflib-endpoint (``pip install rdflib-endpoint``; it holds the data in rdflib's in-memory store, so it gets the
first ``--rdflib-count`` documents, default all) on loopback ports, and runs every query of ``queries/``
``--repeat`` times against each (after one warm-up). A query that takes longer than ``--query-timeout``
seconds on rdflib-endpoint is reported as such and not repeated.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

from pyoxigraph import RdfFormat

from budgetlod import resources
from budgetlod.store.embedded import open_reader
from budgetlod.store.ingest import ingest
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


def ask(endpoint: str, query: str, timeout: float) -> float:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": "application/sparql-results+json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
    return time.perf_counter() - start


def latencies(endpoint: str, query: str, repeat: int, timeout: float) -> str:
    try:
        warm_up = ask(endpoint, query, timeout)
        if warm_up > 10:  # a slow server gets fewer repeats: the figures are still medians
            repeat = min(repeat, 3)
        runs = sorted(ask(endpoint, query, timeout) for _ in range(repeat))
    except OSError as exc:
        return f"failed ({type(exc).__name__}: > {timeout:.0f} s or error)"
    p95 = runs[min(len(runs) - 1, round(0.95 * (len(runs) - 1)))]
    return f"{statistics.median(runs) * 1000:,.0f} / {p95 * 1000:,.0f}"


def throughput(endpoint: str, query: str, clients: int, seconds: float) -> tuple[float, int, float]:
    deadline = time.monotonic() + seconds
    done: list[float] = []
    errors = 0

    def client() -> tuple[list[float], int]:
        times, failed = [], 0
        while time.monotonic() < deadline:
            try:
                times.append(ask(endpoint, query, 60))
            except OSError:
                failed += 1
        return times, failed

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for times, failed in pool.map(lambda _: client(), range(clients)):
            done += times
            errors += failed
    return len(done) / seconds, errors, statistics.median(done) if done else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rdflib-count", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--query-timeout", type=float, default=120)
    parser.add_argument("--reuse", type=Path, help="A folder of an earlier run (corpus/ and store/): skip the ingest.")
    args = parser.parse_args()
    work = args.reuse or Path(tempfile.mkdtemp(prefix="budgetlod-bench-"))
    if args.reuse:
        files = sorted((work / "corpus").glob("*.txt"))
        start = time.perf_counter()
        summary = ingest(files[:0], work / "store")  # nothing new: publishes the current snapshot
    else:
        files = write_corpus(work / "corpus", seed=2026, count=args.count)
        start = time.perf_counter()
        summary = ingest(files, work / "store")
    ingest_seconds = time.perf_counter() - start
    dump = work / "dump.nq"
    reader = open_reader(work / "store")
    graphs = {g.value for g in reader.named_graphs()}  # type: ignore[union-attr]
    if args.rdflib_count:
        keep = {str(f.stem) for f in files[: args.rdflib_count]}
        graphs = {o.graph for o in summary.outcomes if o.graph and o.path.stem in keep}
        graphs |= {"https://w3id.org/budgetlod/ontology", "https://w3id.org/budgetlod/codelist"}
    with dump.open("wb") as out:
        reader.dump(out, format=RdfFormat.N_QUADS)
    if args.rdflib_count:
        lines = [line for line in dump.read_text().splitlines() if line.rsplit(" ", 2)[-2].strip("<>") in graphs]
        dump.write_text("\n".join(lines) + "\n")
    triples = sum(1 for _ in dump.open("rb"))
    ours_port, theirs_port = free_port(), free_port()
    ours = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "budgetlod",
            "serve",
            "--store",
            str(work / "store"),
            "--port",
            str(ours_port),
            "--timeout",
            str(args.query_timeout),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    start = time.perf_counter()
    theirs = subprocess.Popen(
        [sys.executable, str(HERE / "rdflib_endpoint_server.py"), str(dump), str(theirs_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{ours_port}/health", ours, 120)
        wait_for(f"http://127.0.0.1:{theirs_port}/?query=ASK%7B%7D", theirs, 3600)
        load_seconds = time.perf_counter() - start
        rate = (
            "ingested earlier"
            if args.reuse
            else f"ingest {ingest_seconds:.0f} s ({len(files) / ingest_seconds:.1f} docs/s)"
        )
        print(
            f"date {date.today()}, {platform.machine()}, Python {platform.python_version()}; "
            f"{len(files)} generated disclosures, {rate}; "
            f"rdflib-endpoint: {len(graphs) - 2} disclosures, {triples:,} quads, loaded in {load_seconds:.0f} s"
        )
        print("| query | budgetlod p50 / p95 ms | rdflib-endpoint p50 / p95 ms |")
        print("| --- | --- | --- |")
        for name in resources.queries():
            query = resources.query(name)
            mine = latencies(f"http://127.0.0.1:{ours_port}/sparql", query, args.repeat, args.query_timeout)
            other = latencies(f"http://127.0.0.1:{theirs_port}/", query, args.repeat, args.query_timeout)
            print(f"| {name} | {mine} | {other} |")
        simple = resources.query("disclosures")
        rate, errors, median = throughput(f"http://127.0.0.1:{ours_port}/sparql", simple, args.clients, args.seconds)
        print(
            f"\nbudgetlod, {args.clients} concurrent clients, {args.seconds:.0f} s of `disclosures`: "
            f"{rate:.1f} requests/s, median {median * 1000:,.0f} ms, {errors} errors"
        )
    finally:
        for process in (ours, theirs):
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
