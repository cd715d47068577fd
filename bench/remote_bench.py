"""Ingest throughput: the embedded Oxigraph store against Virtuoso (budgetlod.store.remote), same documents.

    python bench/remote_bench.py [--count 50] [--jobs 2] [--batch-triples 1000]
                                 [--endpoint URL --update-endpoint URL --gsp-endpoint URL]

Generates ``--count`` disclosures (budgetlod.testing.corpus, seed 1) and converts them once (parse, map,
validate: ``budgetlod.pipeline.convert_file``, ``--jobs`` processes; timed, and the same for both stores).
Then only the store writes are timed, per document, in this process pinned to one core:

* embedded — ``Writer.replace_graph`` into a fresh store, then ``publish`` (the snapshot) once;
* Virtuoso, ``update`` — INSERT DATA batches into the staging graph, the commit, the checks;
* Virtuoso, ``gsp`` — one Graph Store Protocol PUT into the staging graph, the commit, the checks;

each twice: a first load (new graphs) and a re-ingest of the same documents (graphs replaced); the
embedded store's snapshot (``publish``, once a run) is counted in its totals. Without ``--endpoint`` a fresh
Virtuoso is started for each mode (tests/virtuoso.py: its own temporary database on loopback ports, pinned
to the other core, the Debian package's defaults otherwise); with it, the given server is used (credentials
from BUDGETLOD_REMOTE_USER/_PASSWORD) and the graphs written are dropped afterwards. Progress on stderr; a
Markdown table of medians on stdout, for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyoxigraph import Quad

from budgetlod.pipeline import convert_file
from budgetlod.store.embedded import open_writer
from budgetlod.store.remote import RemoteOptions, RemoteStore
from budgetlod.store.sparql_client import Credentials
from budgetlod.testing.corpus import write_corpus

TESTS = Path(__file__).resolve().parent.parent / "tests"


@dataclass
class Row:
    store: str
    run: str
    seconds: list[float]  # one a document
    triples: int
    extra: float = 0.0  # seconds outside the per-document writes (the embedded snapshot)

    def line(self) -> str:
        total = sum(self.seconds) + self.extra
        median = statistics.median(self.seconds) * 1000
        return (
            f"| {self.store} | {self.run} | {len(self.seconds)} | {median:.1f} | {total:.1f} | "
            f"{len(self.seconds) / total:.1f} | {self.triples / total:,.0f} |"
        )


def convert_one(path: Path) -> tuple[str, list[Quad], float]:
    started = time.perf_counter()
    converted = convert_file(path)
    return converted.iri, converted.quads, time.perf_counter() - started


def convert_all(paths: list[Path], jobs: int) -> list[tuple[str, list[Quad], float]]:
    if jobs <= 1:
        return [convert_one(p) for p in paths]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(convert_one, paths, chunksize=4))


def timed(documents: list[tuple[str, list[Quad], float]], write: Callable[[str, list[Quad]], object],
          label: str) -> list[float]:
    """Seconds a document; progress every 10 documents on stderr."""
    seconds = []
    for number, (iri, quads, _) in enumerate(documents, 1):
        started = time.perf_counter()
        write(iri, quads)
        seconds.append(time.perf_counter() - started)
        if number % 10 == 0 or number == len(documents):
            recent = seconds[-10:]
            print(f"{label}: {number}/{len(documents)}, last {len(recent)} median {statistics.median(recent):.2f} s, "
                  f"max {max(recent):.2f} s", file=sys.stderr, flush=True)
    return seconds


def embedded(folder: Path, documents: list[tuple[str, list[Quad], float]], triples: int) -> list[Row]:
    out = []
    with open_writer(folder / "store") as writer:
        writer.load_vocabulary()
        for run in ("load", "re-ingest"):
            seconds = timed(documents, writer.replace_graph, f"embedded {run}")
            started = time.perf_counter()
            writer.publish()
            out.append(Row("embedded (Oxigraph)", run, seconds, triples, time.perf_counter() - started))
    return out


MODES = ("update", "gsp")


def remote(servers: Callable[[str], AbstractContextManager[RemoteStore]],
           documents: list[tuple[str, list[Quad], float]], triples: int) -> list[Row]:
    """Each mode on a server of its own (a fresh one when the bench starts them: no IRI is known in advance)."""
    out = []
    for mode in MODES:
        with servers(mode) as store:
            store.load_vocabulary()
            for run in ("load", "re-ingest"):
                seconds = timed(documents, store.replace_graph, f"Virtuoso {mode} {run}")
                out.append(Row(f"Virtuoso ({mode})", run, seconds, triples))
            for iri, _, _ in documents:  # a given server is left as it was
                store.drop_graph(iri)
    return out


@contextmanager
def given_server(endpoint: str, update: str | None, gsp: str | None, options: RemoteOptions,
                 mode: str) -> Iterator[RemoteStore]:
    """A running server (credentials from the environment)."""
    yield RemoteStore.from_environment(endpoint, update_url=update, gsp_url=gsp if mode == "gsp" else None,
                                       options=options)


@contextmanager
def started_server(folder: Path, options: RemoteOptions, mode: str) -> Iterator[RemoteStore]:
    """A Virtuoso started for this mode (tests/virtuoso.py), on the other core, stopped and removed afterwards."""
    sys.path.insert(0, str(TESTS))
    from virtuoso import running_virtuoso

    with running_virtuoso(folder / f"virtuoso-{mode}") as server:
        if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
            os.sched_setaffinity(server.process.pid, {sorted(os.sched_getaffinity(0))[-1]})
        try:
            yield RemoteStore(server.sparql_auth, update_url=server.sparql_auth,
                              gsp_url=server.gsp_auth if mode == "gsp" else None,
                              credentials=Credentials(server.user, server.password), options=options)
        except BaseException:
            log = server.folder / "db" / "virtuoso.log"
            tail = log.read_text(errors="replace").splitlines()[-40:] if log.exists() else []
            print("virtuoso.log (last lines):", *tail, sep="\n", file=sys.stderr)
            raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2, help="processes converting the documents (not timed)")
    parser.add_argument("--batch-triples", type=int, default=RemoteOptions.batch_triples)
    parser.add_argument("--endpoint", help="query endpoint of a running Virtuoso (else one is started)")
    parser.add_argument("--update-endpoint")
    parser.add_argument("--gsp-endpoint")
    args = parser.parse_args()
    options = RemoteOptions(batch_triples=args.batch_triples)
    with tempfile.TemporaryDirectory(prefix="remote-bench-") as tmp:
        folder = Path(tmp)
        paths = [p for p in write_corpus(folder / "corpus", seed=1, count=args.count) if p.suffix == ".txt"]
        started = time.perf_counter()
        documents = convert_all(paths, args.jobs)
        convert_wall = time.perf_counter() - started
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        triples = sum(len(quads) for _, quads, _ in documents)
        rows = embedded(folder, documents, triples)
        if args.endpoint:
            update = args.update_endpoint or args.endpoint
            what = f"Virtuoso at {args.endpoint} (the second mode finds the IRIs the first left in its dictionary)"
            rows += remote(lambda mode: given_server(args.endpoint, update, args.gsp_endpoint, options, mode),
                           documents, triples)
        else:
            what = "Virtuoso 7.2.5 started for each mode (Debian defaults, 80 MB buffers, its own core)"
            rows += remote(lambda mode: started_server(folder, options, mode), documents, triples)
    convert_median = statistics.median(s for _, _, s in documents) * 1000
    print(f"date {date.today()}, {platform.machine()}, Python {platform.python_version()}; {what}")
    print(f"{len(documents)} documents, {triples:,} triples ({triples / len(documents):,.0f} a document); "
          f"batch {options.batch_triples} triples")
    print(f"convert (parse + map + validate): median {convert_median:.0f} ms/doc, {convert_wall:.1f} s wall "
          f"with {args.jobs} processes — the same whichever store follows")
    print("| store | run | docs | median ms/doc | total s | docs/s | triples/s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(row.line())


if __name__ == "__main__":
    main()
