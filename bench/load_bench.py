"""The server under load, with and without runaway queries, before and after the hardening (issue 8 of step 8).

    python bench/load_bench.py --count 200 --before 28255c9      # generate and ingest 200 disclosures, compare

50 clients (each from its own loopback address, so the per-client limit sees 50 clients) loop for ``--seconds``
over a mix: Linked Data pages (the disclosure, its unit, a table; 40 %), small SPARQL queries (30 %) and named
queries (``/queries/disclosures``, ``/queries/totals-by-unit``; 30 %). Then the same again with ``--runaways``
clients added, each from its own address, that send cross-product queries (they run until the query timeout) without
pause. Each server — the current tree, and with ``--before REV`` the same store served by that revision's code
(checked out with ``git worktree`` in a temporary folder, run with its own ``PYTHONPATH``) — gets both phases, one
after the other in the same run. Per kind of request: answered (2xx), refused or failed (other statuses and
timeouts), throughput, p50/p95/p99 latency of the 2xx answers.

The load generator runs on the same 2 cores as the server: its figures compare the two servers under the same
conditions, they are not the server's capacity on a machine of its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from budgetlod.ingest.bulk import ingest
from budgetlod.testing.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"
DISCLOSURE = "/id/disclosure/c694353348dbd08a/2024/unit-budget"
PAGES = [DISCLOSURE, "/id/unit/c694353348dbd08a", f"{DISCLOSURE}/t03"]
SMALL = [
    "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?d a <https://w3id.org/budgetlod/ontology#Disclosure> } }",
    "SELECT ?d ?title { ?d <http://purl.org/dc/terms/title> ?title } ORDER BY ?d LIMIT 20",
    "ASK { ?s ?p ?o }",
]
NAMED = ["/queries/disclosures?format=json", "/queries/units-totals?format=json"]
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: str) -> None:
        with self.lock:
            if status.startswith("2"):
                self.latencies[kind].append(seconds)
            else:
                self.failures[kind][status] += 1


def request(http: httpx.Client, url: str, kind: str, rng: random.Random) -> httpx.Response:
    if kind == "page":
        return http.get(url + rng.choice(PAGES), headers={"Accept": "text/html"})
    if kind == "sparql":
        return http.post(url + "/sparql", data={"query": rng.choice(SMALL)}, headers={"Accept": "application/json"})
    if kind == "named":
        return http.get(url + rng.choice(NAMED))
    return http.post(url + "/sparql", data={"query": RUNAWAY}, headers={"Accept": "application/json"})


def client_loop(url: str, address: str, kind: str | None, until: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=120) as http:
        while time.monotonic() < until:
            chosen = kind or rng.choices(["page", "sparql", "named"], weights=[4, 3, 3])[0]
            started = time.monotonic()
            try:
                status = str(request(http, url, chosen, rng).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            tally.add(chosen, time.monotonic() - started, status)
            if status in ("429", "503"):
                time.sleep(0.5)  # what a polite client does with Retry-After


def phase(url: str, clients: int, runaways: int, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(url, f"127.0.1.{10 + n}", None, until, tally, n))
        for n in range(clients)
    ] + [
        threading.Thread(target=client_loop, args=(url, f"127.0.2.{10 + n}", "runaway", until, tally, 1000 + n))
        for n in range(runaways)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rows(label: str, tally: Tally, seconds: float) -> list[str]:
    lines = []
    for kind in ("page", "sparql", "named", "runaway"):
        done = tally.latencies.get(kind, [])
        failed = tally.failures.get(kind, {})
        if not done and not failed:
            continue
        refused = ", ".join(f"{count} × {status}" for status, count in sorted(failed.items())) or "0"
        if done:
            ms = [percentile(done, p) * 1000 for p in (0.5, 0.95, 0.99)]
            timing = f"{ms[0]:,.0f} | {ms[1]:,.0f} | {ms[2]:,.0f}"
        else:
            timing = "– | – | –"
        lines.append(f"| {label} | {kind} | {len(done):,} | {refused} | {len(done) / seconds:,.1f} | {timing} |")
    return lines


def serve(source: Path, store: Path, port: int, timeout: float, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(source), "BUDGETLOD_RESULT_CACHE_BYTES": "0"}
    command = [sys.executable, "-m", "budgetlod", "serve", "--store", str(store), "--port", str(port)]
    command += ["--timeout", str(timeout)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=source, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server of {source} exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server of {source} did not answer in 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="generated disclosures (with the sample)")
    parser.add_argument("--store", type=Path, help="an existing store instead of generating one")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--runaways", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase")
    parser.add_argument("--timeout", type=float, default=30.0, help="the servers' query timeout")
    parser.add_argument("--before", help="a git revision to compare with (served from a worktree)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="budgetlod-load-") as scratch:
        work = Path(scratch)
        store = args.store
        if store is None:
            corpus = work / "corpus"
            corpus.mkdir()
            write_corpus(corpus, seed=8, count=args.count)
            store = work / "store"
            ingest([SAMPLE, corpus], store)
        sources = [("now", ROOT)]
        if args.before:
            tree = work / "before"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), args.before], check=True)
            sources.insert(0, (f"before ({args.before})", tree))
        table = [
            "| server | request | answered | refused or failed | answered/s | p50 ms | p95 ms | p99 ms |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        try:
            for label, source in sources:
                port = 18500 + len(table)
                process = serve(source, store, port, args.timeout, work / f"server-{port}.log")
                try:
                    url = f"http://127.0.0.1:{port}"
                    for runaways in (0, args.runaways):
                        tally, seconds = phase(url, args.clients, runaways, args.seconds)
                        table += rows(f"{label}, {runaways} runaways", tally, seconds)
                        if runaways:
                            time.sleep(args.timeout + 2)  # its runaways end before the next server starts
                finally:
                    process.terminate()
                    process.wait(30)
        finally:
            if args.before:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "before")])
    print(
        f"{date.today()} · {platform.node()} · {os.cpu_count()} cores · {args.clients} clients · {args.seconds:g} s a "
        f"phase · query timeout {args.timeout:g} s · store: {args.store or f'{args.count} generated + the sample'}"
    )
    print("\n".join(table))


if __name__ == "__main__":
    main()
