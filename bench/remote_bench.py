"""Ingest throughput and query latency: the embedded Oxigraph store against Virtuoso, both through the command line.

    python bench/remote_bench.py --count 1000 [--jobs 2] [--modes gsp[,update]] [--repeats 5] [--buffers 170000]
                                 [--endpoint URL [--update-endpoint URL] [--gsp-endpoint URL]]

1. Writes ``--count`` generated disclosures (budgetlod.testing.corpus, seed 11, 2022–2025: ``count / 4`` units
   × 4 years) and the sample into a temporary folder.
2. **Ingest**, timed end to end as a user runs it: ``budgetlod ingest CORPUS --jobs J -q --report R.json`` in a
   subprocess, into the embedded store (``--store``) and into Virtuoso (``--endpoint``) for each mode —
   ``gsp``: ``--update-endpoint`` and ``--gsp-endpoint`` (each graph staged with one PUT, then committed: the
   recommended setup, the default), ``update``: ``INSERT DATA`` batches only (about 5× slower: 1,000 documents
   take the better part of two hours on two cores). Each store three times: the first load, a
   second run (every file unchanged: skipped), and ``--force`` (every graph converted and replaced). The
   CPU seconds are budgetlod's (the ingesting process and its workers, from the report) and, for a Virtuoso
   started here, the server's.
3. **Query latency**: every named query of ``queries/`` with its default parameters, on the embedded store
   (as ``budgetlod query --store`` runs it) and on Virtuoso at ``/sparql`` (as ``budgetlod query --endpoint``:
   ``RemoteStore.query``), one warm-up and then ``--repeats`` runs each: p50 and p95 in ms, the rows, and
   whether both answers are the same (compared by value: ``budgetlod.store.canonical.value_key``). Virtuoso gets
   the text ``budgetlod query --endpoint`` sends (without the LATERAL hints: ``budgetlod.query.dialect``); a query
   it cannot run shows its error; ``--skip-remote`` names queries not to send (none by default).
4. **Site-wide documents**: the catalogue's query (``dataset_infos``) and VoID's figures (``void_statistics``), once
   on each store (the remote one through ``RemoteReader``, as ``budgetlod serve --endpoint`` reads it), and whether
   they agree.

Without ``--endpoint`` a fresh Virtuoso is started for each mode (tests/virtuoso.py: its own temporary database
on loopback ports, ``--buffers`` pages of 8 KB — 170,000 is virtuoso.ini's advice for 2 GB — on the same cores as
budgetlod); the latencies are measured on the first mode's server. With ``--endpoint`` the given server is used
(credentials from BUDGETLOD_REMOTE_USER/_PASSWORD/_AUTH; the mode follows from the endpoints given) and the graphs
written are dropped afterwards. Progress on stderr; Markdown tables on stdout, for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from budgetlod.ingest.remote import open_remote
from budgetlod.publish.disclosures import dataset_infos
from budgetlod.publish.void import void_statistics
from budgetlod.query.library import named_queries
from budgetlod.query.params import bind
from budgetlod.query.run import QueryRunError, Result, open_store, run_endpoint, run_store
from budgetlod.store.canonical import value_key
from budgetlod.store.remote import RemoteStore
from budgetlod.store.remote_reader import RemoteReader
from budgetlod.store.sparql_client import RemoteStoreError
from budgetlod.testing.corpus import DEFAULT_YEARS, write_corpus

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SAMPLE = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"
RUNS = ("load", "unchanged", "force")


@dataclass
class Server:
    """Where the CLI writes (its ingest arguments and environment) and where queries go."""

    label: str
    args: list[str]
    sparql: str  # the query endpoint for the latencies (anonymous /sparql on a started Virtuoso)
    env: dict[str, str] = field(default_factory=dict)
    pid: int | None = None  # a started server's process: its CPU time is measured


@dataclass
class Ingested:
    store: str
    run: str
    files: int
    loaded: int
    unchanged: int
    failed: int
    wall: float
    cpu: float  # budgetlod: the ingesting process and its workers
    server_cpu: float | None = None

    def line(self) -> str:
        converted = self.files - self.unchanged
        rate = f"{converted / self.wall:.1f}" if converted else "–"
        server = "–" if self.server_cpu is None else f"{self.server_cpu:.0f}"
        return (f"| {self.store} | {self.run} | {self.files} | {self.loaded} | {self.unchanged} | {self.failed} | "
                f"{self.wall:.1f} | {rate} | {self.cpu:.0f} | {server} |")


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ingest(server: Server, corpus: Path, work: Path, run: str, jobs: int) -> tuple[Ingested, list[str]]:
    """One ``budgetlod ingest`` run, timed; the graphs it wrote (from its report)."""
    report = work / ("report-" + "".join(c if c.isalnum() else "-" for c in server.label) + f"-{run}.json")
    command = [sys.executable, "-m", "budgetlod", "ingest", str(corpus), *server.args, "--jobs", str(jobs), "-q",
               "--report", str(report), *(["--force"] if run == "force" else [])]
    print(f"{server.label} {run}: {' '.join(command[3:])}", file=sys.stderr, flush=True)
    before = cpu_seconds(server.pid)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **server.env}, check=False)
    wall = time.perf_counter() - started
    after = cpu_seconds(server.pid)
    if result.returncode != 0:
        sys.exit(f"[ERROR] {server.label} {run}: exit {result.returncode}\n{result.stdout}{result.stderr[-3000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    totals = data["summary"]
    row = Ingested(server.label, run, totals["files"], totals["loaded"], totals["unchanged"], totals["failed"], wall,
                   sum(totals["cpu_seconds"].values()),
                   None if before is None or after is None else after - before)
    print(f"  {row.line()}", file=sys.stderr, flush=True)
    return row, [f["graph"] for f in data["files"] if f["graph"]]


@dataclass
class Latency:
    rows: int | None = None
    seconds: list[float] = field(default_factory=list)
    error: str | None = None
    answer: Counter[tuple[object, ...]] = field(default_factory=Counter)

    def shown(self) -> str:
        if self.error is not None:
            return f"error: {self.error}"
        return f"{percentile(self.seconds, 50) * 1000:,.0f} / {percentile(self.seconds, 95) * 1000:,.0f}"


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share / 100 * len(ordered)) - 1)]


def measure(run: Callable[[], Result], repeats: int) -> Latency:
    out = Latency()
    try:
        result = run()  # the warm-up, and the answer compared
        out.rows = len(result.rows)
        out.answer = Counter(tuple(value_key(t) for t in row) for row in result.rows)
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            out.seconds.append(time.perf_counter() - started)
    except QueryRunError as exc:
        out.error = str(exc).split(": ", 1)[-1][:120].replace("|", "/")
    return out


def latencies(store_path: Path, sparql: str, repeats: int, skip: set[str]) -> list[str]:
    """A Markdown row per named query: rows, same answer, p50 / p95 on each store (the remote store gets the text
    `budgetlod query --endpoint` sends: without LATERAL; the queries in ``skip`` are not sent to it)."""
    store = open_store(store_path)
    lines = []
    for query in named_queries():
        terms = bind(query, {})
        local = measure(partial(run_store, store, query.text, terms), repeats)
        if query.name in skip:
            remote = Latency(error="not sent (--skip-remote)")
        else:
            remote = measure(partial(run_endpoint, sparql, query.text_for(lateral=False), terms, timeout=120), repeats)
        same = "–" if remote.error or local.error else ("yes" if local.answer == remote.answer else "**no**")
        line = (f"| {query.name} | {local.rows} / {'–' if remote.rows is None else remote.rows} | {same} | "
                f"{local.shown()} | {remote.shown()} |")
        print(f"  {line}", file=sys.stderr, flush=True)
        lines.append(line)
    return lines


def documents(store_path: Path, sparql: str) -> list[str]:
    """A Markdown row per site-wide document the server computes (once per snapshot on the embedded store, for a
    minute over a remote store): the catalogue's one query and VoID's figures, once on each store, seconds, and
    whether the answers agree (the catalogue entries equal; every graph of the embedded store has the same
    triple count in VoID: the remote store also has its own graphs)."""
    store = open_store(store_path)
    reader = RemoteReader(RemoteStore(sparql))
    lines = []
    for name, compute, agree in (
        ("catalogue: `dataset_infos` (a row a disclosure)", dataset_infos, lambda a, b: a == b),
        ("VoID: `void_statistics`", void_statistics,
         lambda a, b: all(b.graph_triples.get(g) == n for g, n in a.graph_triples.items())),
    ):
        answers, seconds = [], []
        for source in (store, reader):
            started = time.perf_counter()
            try:
                answers.append(compute(source))
            except RemoteStoreError as exc:
                answers.append(None)
                print(f"  {name}: {exc}", file=sys.stderr, flush=True)
            seconds.append(time.perf_counter() - started)
        same = "yes" if None not in answers and agree(*answers) else "**no**"
        line = f"| {name} | {same} | {seconds[0]:.2f} | {seconds[1]:.2f} |"
        print(f"  {line}", file=sys.stderr, flush=True)
        lines.append(line)
    return lines


@contextmanager
def started_virtuoso(work: Path, mode: str, buffers: int) -> Iterator[Server]:
    """A Virtuoso started for this mode (tests/virtuoso.py), stopped and removed afterwards."""
    sys.path.insert(0, str(TESTS))
    from virtuoso import running_virtuoso

    with running_virtuoso(work / f"virtuoso-{mode}", buffers=buffers) as server:
        args = ["--endpoint", server.sparql_auth, "--update-endpoint", server.sparql_auth]
        if mode == "gsp":
            args += ["--gsp-endpoint", server.gsp_auth]
        yield Server(f"Virtuoso ({mode})", [*args, "--state", str(work / f"state-{mode}")], server.sparql,
                     server.environment, server.process.pid)


@contextmanager
def given_server(work: Path, endpoint: str, update: str | None, gsp: str | None) -> Iterator[Server]:
    """A running server (credentials from the environment); the graphs written are dropped afterwards."""
    args = ["--endpoint", endpoint, *(["--update-endpoint", update] if update else []),
            *(["--gsp-endpoint", gsp] if gsp else []), "--state", str(work / "state-given")]
    yield Server(f"{endpoint} ({'gsp' if gsp else 'update'})", args, endpoint)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="generated disclosures (the sample is added)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of each ingest")
    parser.add_argument("--modes", default="gsp", help="Virtuoso modes to measure, comma-separated: gsp, update")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each query (after one warm-up)")
    parser.add_argument("--buffers", type=int, default=170000, help="NumberOfBuffers of a started Virtuoso")
    parser.add_argument("--runs", default=",".join(RUNS),
                        help=f"ingest runs to time, comma-separated: {','.join(RUNS)}")
    parser.add_argument("--skip-remote", default="",
                        help="comma-separated queries not sent to the server")
    parser.add_argument("--endpoint", help="query endpoint of a running server (else Virtuoso is started)")
    parser.add_argument("--update-endpoint")
    parser.add_argument("--gsp-endpoint")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if args.endpoint is None and (not modes or set(modes) - {"gsp", "update"}):
        parser.error("--modes: gsp and/or update")
    ingests: list[Ingested] = []
    queries: list[str] = []
    site: list[str] = []
    with tempfile.TemporaryDirectory(prefix="remote-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        write_corpus(corpus, seed=11, count=args.count, years=DEFAULT_YEARS, jobs=args.jobs)
        shutil.copy(SAMPLE, corpus / SAMPLE.name)
        files = sum(1 for p in corpus.iterdir() if p.suffix == ".txt")
        embedded = Server("embedded (Oxigraph)", ["--store", str(work / "store")], "")
        runs = [run for run in args.runs.split(",") if run]
        for run in runs:
            ingests.append(ingest(embedded, corpus, work, run, args.jobs)[0])
        servers: list[Callable[[], AbstractContextManager[Server]]] = []
        if args.endpoint:
            servers.append(partial(given_server, work, args.endpoint, args.update_endpoint, args.gsp_endpoint))
        else:
            servers += [partial(started_virtuoso, work, mode, args.buffers) for mode in modes]
        for number, open_server in enumerate(servers):
            with open_server() as server:
                graphs: list[str] = []
                for run in runs:
                    row, written = ingest(server, corpus, work, run, args.jobs)
                    ingests.append(row)
                    graphs += written
                if number == 0:
                    print(f"query latency: embedded and {server.label}", file=sys.stderr, flush=True)
                    queries = latencies(work / "store", server.sparql, args.repeats, set(args.skip_remote.split(",")))
                    site = documents(work / "store", server.sparql)
                if args.endpoint:
                    remote = open_remote(args.endpoint, args.update_endpoint, args.gsp_endpoint)
                    for graph in sorted(set(graphs)):
                        remote.drop_graph(graph)
    where = args.endpoint or f"Virtuoso 7.2 started per mode ({args.buffers:,} buffers), same machine"
    print(f"date {date.today()}, {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{files} disclosures ({args.count} generated + the sample), --jobs {args.jobs}; {where}")
    print("\n| store | run | files | loaded | unchanged | failed | wall s | files/s | budgetlod CPU s | server CPU s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in ingests:
        print(row.line())
    print(f"\nQuery latency, default parameters, {args.repeats} runs after a warm-up (p50 / p95 ms):\n")
    print("| query | rows (embedded / Virtuoso) | same rows (by value, any order) | embedded | Virtuoso |")
    print("| --- | --- | --- | --- | --- |")
    for line in queries:
        print(line)
    print("\nSite-wide documents the server computes, once on each store (seconds):\n")
    print("| document | same | embedded | Virtuoso |")
    print("| --- | --- | --- | --- |")
    for line in site:
        print(line)


if __name__ == "__main__":
    main()
