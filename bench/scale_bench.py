"""Concurrent remote ingest: W independent ``budgetlod ingest --endpoint`` processes writing into one Virtuoso.

    python bench/scale_bench.py [--count 400] [--workers 1,2,4] [--buffers 170000] [--vocabulary once|each]
                                [--bulk-loaders 0]

1. Writes ``--count`` generated disclosures (budgetlod.testing.corpus, seed 11, 2022–2025: ``count / 4`` units
   × 4 years, as bench/remote_bench.py) into a temporary folder once; for each number of workers W, the files
   are split round-robin into W disjoint shares (hard links: the same bytes in every configuration).
2. For each W, a **fresh** Virtuoso (tests/virtuoso.py, ``--buffers`` pages of 8 KB, on the same cores) and W
   ingest processes started together, each as a separate machine would run it: ``budgetlod ingest SHARE
   --endpoint /sparql-auth --update-endpoint /sparql-auth --gsp-endpoint /sparql-graph-crud-auth --jobs 1 -q
   --report R.json --state STATE_w`` (its own state folder; the writer's credentials in the environment). Wall
   clock from the first start to the last end. ``--vocabulary each``: every worker loads the ontology and code
   lists as a fresh state folder makes it (all at once, into the same graphs); ``once``: one ingest of the first
   file loads them before the clock starts (that graph is rewritten by its worker later) and its
   ``vocabulary.txt`` is copied into each worker's state folder, so the workers find them and skip them.
3. Per configuration: workers, files, loaded, failed (the reports' summaries), requests that failed and were
   retried (each worker runs budgetlod's command line with a hook that logs every failed request of
   ``SparqlClient``: the report does not count retries), wall s, files/s, budgetlod CPU s (the workers' reports:
   each ingesting process and its one conversion process), Virtuoso CPU s (/proc of the server, over the
   timed window), how many cores that kept busy (both CPU times over the wall time), what the database file grew
   by (sizes after a checkpoint), the server's peak resident memory; then the store checked through
   ``RemoteStore``: every graph a report says was loaded is there with the report's triple count, no other
   budgetlod graph and no staging graph left (no graph lost, doubled or half-written under concurrent writers),
   and the quads in all.
4. With ``--bulk-loaders L`` (after the configurations): the alternative to ``ingest --endpoint`` — the same files
   converted here to N-Quads (two processes, ``budgetlod.ingest.prepare`` as the ingest's workers convert them),
   written as files of 20 disclosures beside a fresh Virtuoso, loaded by its bulk loader (``ld_dir``, then
   ``rdf_loader_run()`` in L isql sessions at once, then a checkpoint), timed and checked the same way.

Prints the date, the machine, the load average before and after and a Markdown table on stdout; progress on stderr.
Every process it starts (Virtuoso, the ingests and their workers, each in its own process group) is stopped by
its id when a configuration ends or the run is interrupted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import RdfFormat, serialize

from budgetlod.store.remote import RemoteStore
from budgetlod.store.staging import STAGING_PREFIX
from budgetlod.testing.corpus import DEFAULT_YEARS, write_corpus

if TYPE_CHECKING:
    from virtuoso import Virtuoso  # type: ignore[import-not-found, unused-ignore]  # tests/virtuoso.py

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))  # tests/virtuoso.py, imported where a server is started
BUDGETLOD_GRAPHS = "https://w3id.org/budgetlod/"
ERRORS_ENV = "SCALE_BENCH_ERRORS"
CHUNK = 20  # disclosures a file for the bulk loader
# budgetlod's command line, with every failed request of the SPARQL client logged (transient ones are retried)
HOOK = f"""
import os, sys
from budgetlod.store import sparql_client
_open_once = sparql_client.SparqlClient._open_once
def _logged(self, url, request, timeout):
    try:
        return _open_once(self, url, request, timeout)
    except sparql_client.EndpointError as exc:
        with open(os.environ["{ERRORS_ENV}"], "a", encoding="utf-8") as log:
            log.write(f"{{int(exc.transient)}}\\t{{' '.join(str(exc).split())[:300]}}\\n")
        raise
sparql_client.SparqlClient._open_once = _logged
sys.argv[0] = "budgetlod"
from budgetlod.cli import main
main()
"""


@dataclass
class Outcome:
    workers: int
    files: int
    loaded: int
    failed: int  # not loaded: failed, not done, or in the share of a worker that stopped at its start
    exits: list[int]  # the workers' exit codes
    retried: int  # failed requests that were transient (tried again unless it was the last attempt)
    wall: float
    cpu: float  # budgetlod: the ingesting processes and their conversion processes
    writer_cpu: float  # of which the ingesting processes (hashing, serialising, HTTP)
    server_cpu: float | None
    database_mb: float  # what virtuoso.db grew by, each size after a checkpoint
    server_rss_mb: float  # the server's peak resident memory (VmHWM)
    graphs: int  # disclosure graphs found in the store
    quads: int  # their triples
    check: str  # "ok", or what is wrong

    def line(self) -> str:
        server = "–" if self.server_cpu is None else f"{self.server_cpu:.0f}"
        busy = (self.cpu + (self.server_cpu or 0.0)) / self.wall
        cells = [self.workers, self.files, self.loaded, self.failed, ", ".join(map(str, self.exits)), self.retried,
                 f"{self.wall:.1f}", f"{self.loaded / self.wall:.2f}",
                 f"{self.cpu:.0f} ({self.writer_cpu:.0f} + {self.cpu - self.writer_cpu:.0f})", server, f"{busy:.2f}",
                 f"{self.database_mb:,.0f}", f"{self.server_rss_mb:,.0f}", self.graphs, f"{self.quads:,}", self.check]
        return "| " + " | ".join(map(str, cells)) + " |"


COLUMNS = ("workers", "files", "loaded", "failed", "exit codes", "retried requests", "wall s", "files/s",
           "budgetlod CPU s (writers + converters)", "Virtuoso CPU s", "cores busy", "database growth MB",
           "Virtuoso peak RSS MB", "graphs in store", "quads in them", "store check")
HEADER = ("| " + " | ".join(COLUMNS) + " |\n|"
          + "|".join(" --- " if c in ("exit codes", "store check") else " ---: " for c in COLUMNS) + "|")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a process (VmHWM, Linux /proc), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def shares(files: list[Path], folder: Path, workers: int) -> list[Path]:
    """``workers`` disjoint folders, file i in share i mod workers (hard links)."""
    folders = [folder / f"share-{k}" for k in range(workers)]
    for target in folders:
        target.mkdir(parents=True)
    for i, path in enumerate(files):
        link = folders[i % workers] / path.name
        os.link(path, link)
    return folders


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group this script started (the ingest and its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def command(share: Path, args: list[str], report: Path, state: Path) -> list[str]:
    return [sys.executable, "-c", HOOK, "ingest", str(share), *args, "--jobs", "1", "-q", "--report", str(report),
            "--state", str(state)]


def run_workers(commands: list[list[str]], env: dict[str, str], work: Path) -> tuple[float, list[int]]:
    """Start every command at once, wait for all; wall seconds from the first start to the last end, exit codes."""
    processes: list[subprocess.Popen[bytes]] = []
    outputs = []
    try:
        started = time.perf_counter()
        for k, argv in enumerate(commands):
            output = (work / f"worker-{k}.out").open("wb")
            outputs.append(output)
            processes.append(subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, env=env,
                                              start_new_session=True))
        for process in processes:
            process.wait()
        wall = time.perf_counter() - started
    finally:
        for process in processes:
            stop_group(process)
        for output in outputs:
            output.close()
    for k, process in enumerate(processes):
        if process.returncode != 0:
            tail = (work / f"worker-{k}.out").read_text(errors="replace")[-2000:]
            log(f"  worker {k}: exit {process.returncode}\n{tail}")
    return wall, [process.returncode for process in processes]


def check_store(store: RemoteStore, reports: list[dict[str, Any]]) -> tuple[int, int, str]:
    """(disclosure graphs in the store, their triples, "ok" or what is wrong) against what the reports loaded."""
    expected: dict[str, int] = {}
    problems: list[str] = []
    for report in reports:
        for row in report["files"]:
            if row["status"] in ("ok", "warnings", "violations") and row["graph"]:
                if row["graph"] in expected:
                    problems.append(f"{row['graph']} loaded twice")
                expected[row["graph"]] = int(row["triples"])
    counts = store.count_triples()
    staging = [g for g in counts if g.startswith(STAGING_PREFIX)]
    ours = {g: n for g, n in counts.items() if g.startswith(BUDGETLOD_GRAPHS)}
    found = {g: n for g, n in ours.items() if g in expected}
    missing = sorted(set(expected) - set(found))
    wrong = sorted(g for g, n in found.items() if n != expected[g])
    others = sorted(set(ours) - set(expected))
    vocabulary = [g for g in others if "/id/" not in g]  # the ontology and the code lists
    extra = [g for g in others if g not in vocabulary]
    for what, graphs in (("missing", missing), ("triples differ", wrong), ("extra", extra), ("staging", staging)):
        if graphs:
            problems.append(f"{len(graphs)} {what} (e.g. {graphs[0]})")
    if not vocabulary:
        problems.append("no vocabulary graph")
    return len(found), sum(found.values()), "; ".join(problems) or f"ok (+ {len(vocabulary)} vocabulary graphs)"


def prime_vocabulary(first: Path, args: list[str], env: dict[str, str], work: Path) -> Path:
    """One ingest of one file: the vocabulary loaded; the state folder's record of it."""
    share = work / "prime"
    share.mkdir()
    os.link(first, share / first.name)
    state = work / "state-prime"
    result = subprocess.run(command(share, args, work / "report-prime.json", state), env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"[ERROR] priming the vocabulary: exit {result.returncode}\n{result.stdout}{result.stderr[-2000:]}")
    return state / "vocabulary.txt"


def database_size_mb(server: Virtuoso) -> float:
    """The size of the server's database file after a checkpoint."""
    server.isql("checkpoint;\n")
    return float((server.folder / "db" / "virtuoso.db").stat().st_size) / 1e6


def configuration(files: list[Path], folder: Path, workers: int, buffers: int, vocabulary: str) -> Outcome:
    from virtuoso import running_virtuoso

    share_folders = shares(files, folder / "corpus", workers)
    errors = folder / "request-errors.tsv"
    with running_virtuoso(folder / "virtuoso", buffers=buffers) as server:
        log(f"{workers} worker(s): Virtuoso pid {server.process.pid} at {server.http}")
        empty_mb = database_size_mb(server)
        args = ["--endpoint", server.sparql_auth, "--update-endpoint", server.sparql_auth,
                "--gsp-endpoint", server.gsp_auth]
        env = {**os.environ, **server.environment, ERRORS_ENV: str(errors)}
        record = prime_vocabulary(files[0], args, env, folder) if vocabulary == "once" else None
        reports = [folder / f"report-{k}.json" for k in range(workers)]
        states = [folder / f"state-{k}" for k in range(workers)]
        for state in states:
            state.mkdir()
            if record is not None:
                (state / record.name).write_bytes(record.read_bytes())
        errors.write_text("", encoding="utf-8")
        before = cpu_seconds(server.process.pid)
        commands = [command(s, args, r, st) for s, r, st in zip(share_folders, reports, states, strict=True)]
        wall, exits = run_workers(commands, env, folder)
        after = cpu_seconds(server.process.pid)
        data = [json.loads(r.read_text(encoding="utf-8")) for r in reports if r.exists()]
        if len(data) < workers:
            log(f"  {workers - len(data)} worker(s) wrote no report")
        graphs, quads, check = check_store(RemoteStore(server.sparql), data)
        database_mb = database_size_mb(server) - empty_mb
        server_rss_mb = peak_rss_mb(server.process.pid)
    failed_lines = [line for line in errors.read_text(encoding="utf-8").splitlines() if line]
    for line in failed_lines[:5]:
        log(f"  failed request: {line}")
    summaries = [d["summary"] for d in data]
    outcome = Outcome(
        workers=workers, files=len(files), loaded=sum(s["loaded"] for s in summaries),
        failed=len(files) - sum(s["loaded"] for s in summaries), exits=exits,
        retried=sum(1 for line in failed_lines if line.startswith("1\t")), wall=wall,
        cpu=sum(sum(s["cpu_seconds"].values()) for s in summaries),
        writer_cpu=sum(s["cpu_seconds"].get("writer", 0.0) for s in summaries),
        server_cpu=None if before is None or after is None else after - before,
        database_mb=database_mb, server_rss_mb=server_rss_mb, graphs=graphs, quads=quads, check=check)
    log(f"  {outcome.line()}")
    return outcome


@dataclass
class Bulk:
    loaders: int
    files: int
    convert_wall: float
    convert_cpu: float
    wall: float
    server_cpu: float | None
    database_mb: float
    graphs: int
    quads: int
    check: str

    def line(self) -> str:
        server = "–" if self.server_cpu is None else f"{self.server_cpu:.0f}"
        cells = [self.loaders, self.files, f"{self.convert_wall:.1f}", f"{self.convert_cpu:.0f}", f"{self.wall:.1f}",
                 f"{self.files / self.wall:.1f}", f"{self.quads / self.wall:,.0f}", server, f"{self.database_mb:,.0f}",
                 self.graphs, f"{self.quads:,}", self.check]
        return "| " + " | ".join(map(str, cells)) + " |"


BULK_HEADER = ("| loaders | files | convert wall s (2 processes) | convert CPU s | load wall s | files/s | quads/s "
               "| Virtuoso CPU s | database growth MB | graphs in store | quads in them | store check |\n"
               "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")


def bulk_load(files: list[Path], work: Path, buffers: int, loaders: int) -> Bulk:
    """The alternative to ingest --endpoint: the graphs converted here to N-Quads files (what the ingest's workers
    make: ``budgetlod.ingest.prepare``), then Virtuoso's bulk loader (``ld_dir`` + ``rdf_loader_run()`` in
    ``loaders`` isql sessions at once, and a checkpoint) on a fresh server, timed from the server's side."""
    from virtuoso import isql_command, running_virtuoso

    from budgetlod.ingest.prepare import prepare
    from budgetlod.rdf.vocabulary import vocabulary_quads

    folder = work / "bulk"
    started, before_cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        prepared = list(pool.map(prepare, map(str, files), chunksize=10))
    convert_wall = time.perf_counter() - started
    after_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    convert_cpu = after_cpu.ru_utime + after_cpu.ru_stime - before_cpu.ru_utime - before_cpu.ru_stime
    report = {"files": [{"status": "ok", "graph": p.graph, "triples": p.triples} for p in prepared if p.graph]}
    with running_virtuoso(folder / "virtuoso", buffers=buffers) as server:
        log(f"bulk loader ({loaders} loaders): Virtuoso pid {server.process.pid} at {server.http}")
        empty_mb = database_size_mb(server)
        dump = server.folder / "db" / "load"  # under DirsAllowed
        dump.mkdir()
        (dump / "vocabulary.nq").write_bytes(serialize(vocabulary_quads(), format=RdfFormat.N_QUADS) or b"")
        for k in range(0, len(prepared), CHUNK):
            (dump / f"part-{k // CHUNK:05d}.nq").write_bytes(b"".join(p.data for p in prepared[k:k + CHUNK]))
        server.isql(f"ld_dir('{dump}', '*.nq', 'urn:budgetlod:bulk-default');\n")
        script = server.folder / "load.sql"
        script.write_text("rdf_loader_run();\n", encoding="utf-8")
        before = cpu_seconds(server.process.pid)
        started = time.perf_counter()
        sessions = [subprocess.Popen([isql_command(), f"127.0.0.1:{server.isql_port}", "dba", "dba", str(script)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(loaders)]
        for session in sessions:
            session.wait()
        server.isql("checkpoint;\n")
        wall = time.perf_counter() - started
        after = cpu_seconds(server.process.pid)
        graphs, quads, check = check_store(RemoteStore(server.sparql), [report])
        database_mb = database_size_mb(server) - empty_mb
    outcome = Bulk(loaders, len(files), convert_wall, convert_cpu, wall,
                   None if before is None or after is None else after - before, database_mb, graphs, quads, check)
    log(f"  {outcome.line()}")
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--count", type=int, default=400, help="generated disclosures (count / 4 units × 4 years)")
    parser.add_argument("--workers", default="1,2,4", help="numbers of concurrent ingest processes, comma-separated")
    parser.add_argument("--buffers", type=int, default=170000, help="NumberOfBuffers of each Virtuoso (8 KB pages)")
    parser.add_argument("--bulk-loaders", type=int, default=0,
                        help="also time Virtuoso's bulk loader with this many loaders (0: not)")
    parser.add_argument("--vocabulary", choices=("each", "once"), default="once",
                        help="each: every worker loads the ontology and code lists; once: loaded before the clock")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the servers and workers are stopped on the way out
    counts = [int(w) for w in args.workers.split(",") if w]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    started = datetime.now(UTC)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        work = Path(tmp)
        log(f"writing {args.count} disclosures")
        files = sorted(write_corpus(work / "corpus", seed=11, count=args.count, years=DEFAULT_YEARS, jobs=2))
        for number, workers in enumerate(counts):
            outcomes.append(configuration(files, work / f"{number}-w{workers}", workers, args.buffers,
                                          args.vocabulary))
        bulk = bulk_load(files, work, args.buffers, args.bulk_loaders) if args.bulk_loaders else None
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"{started:%Y-%m-%d %H:%M}–{datetime.now(UTC):%H:%M} UTC, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{memory:.0f} GiB, Python {platform.python_version()}; {args.count} generated disclosures "
          f"({args.count // len(DEFAULT_YEARS)} units × {len(DEFAULT_YEARS)} years), a fresh Virtuoso per row "
          f"({args.buffers:,} buffers), each worker `budgetlod ingest SHARE --jobs 1` (GSP + update endpoints), "
          f"vocabulary {args.vocabulary}; load average before {' '.join(load_before)}, after {' '.join(load_after)}\n")
    if outcomes:
        print(HEADER)
        for outcome in outcomes:
            print(outcome.line())
    if bulk is not None:
        print(f"\nVirtuoso's bulk loader on the same graphs (N-Quads files of {CHUNK} disclosures):\n\n{BULK_HEADER}\n"
              f"{bulk.line()}")


if __name__ == "__main__":
    main()
