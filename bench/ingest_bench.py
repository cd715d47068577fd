"""Bulk ingest throughput (parse + map + validate + store) against a naive pipeline, side by side in one run.

    python bench/ingest_bench.py [--count 1000] [--repeat 3] [--jobs 2] [--naive-count 3] [--profile 100]

Generates ``--count`` disclosures (units × 2022–2025, not timed) and runs ``budgetlod ingest DIR --jobs J``
into a fresh store ``--repeat`` times: documents per second from the wall time of the whole command (start-up
of the workers, the final snapshot included), median of the runs, and the peak memory (RSS) of the command,
the writer alone and the writer with its workers (sampled from /proc every 0.2 s).

The naive pipeline, per document: the same parser and mapping, then an rdflib in-memory graph (the
disclosure plus the ontology and code lists), pyshacl on that graph with the same shapes, rdflib N-Quads
serialisation written to a file. pyshacl over plain rdflib takes minutes a document (rdflib evaluates the
SPARQL constraints itself), so it runs on the first ``--naive-count`` documents once; per-document medians
are compared.

``--profile N`` also runs the pipeline in one process on N documents, timing each stage with the process's
CPU clock (parse, map, validate, serialise, write), and prints cProfile's top functions of the validation.
Target of the issue: ≥ 20 disclosures/s on 2 cores and ≥ 20× the naive pipeline.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import pyshacl
import rdflib
from pyoxigraph import RdfFormat, Store, serialize

from budgetlod.ingest.loader import Loader
from budgetlod.ingest.manifest import Entry, Manifest, stored_sources
from budgetlod.parse.document import parse_file
from budgetlod.rdf.graph import disclosure_iri, to_quads
from budgetlod.rdf.iris import Minter
from budgetlod.testing.corpus import DEFAULT_YEARS, write_corpus
from budgetlod.validate.direct import ntriples, validator
from budgetlod.validate.engine import _vocabulary, shapes_graph
from budgetlod.validate.quality import quality_quads


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def run_ingest(corpus: Path, store: Path, jobs: int) -> tuple[float, float, int, int, str, dict[str, float]]:
    """(seconds, CPU seconds of the command and its workers, peak RSS of the writer, peak RSS of writer + workers
    in KiB, summary line, CPU seconds of the writer and of the workers as the report gives them)."""
    report = store.parent / f"{store.name}-report.json"
    command = [sys.executable, "-m", "budgetlod", "ingest", str(corpus), "--store", str(store), "--jobs", str(jobs),
               "-q", "--report", str(report)]
    peaks = [0, 0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while process.poll() is None:
            own = rss_kib(process.pid)
            peaks[0] = max(peaks[0], own)
            peaks[1] = max(peaks[1], own + sum(rss_kib(c) for c in children(process.pid)))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"ingest failed ({process.returncode}): {err[-2000:]}")
    split = json.loads(report.read_text(encoding="utf-8"))["summary"]["cpu_seconds"]
    return seconds, cpu, peaks[0], peaks[1], out.splitlines()[0], split


def naive(path: Path, out: Path) -> float:
    """Seconds for one document through rdflib + pyshacl + rdflib serialisation."""
    start = time.perf_counter()
    disclosure = parse_file(path)
    quads = to_quads(disclosure)
    graph = rdflib.Graph()
    data = serialize([q.triple for q in quads] + [q.triple for q in _vocabulary()], format=RdfFormat.N_TRIPLES)
    graph.parse(data=data, format="nt")
    pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True)
    dataset = rdflib.Dataset()
    named = dataset.graph(rdflib.URIRef(disclosure_iri(disclosure, Minter.from_settings())))
    for triple in graph:
        named.add(triple)
    out.write_bytes(dataset.serialize(format="nquads", encoding="utf-8"))
    return time.perf_counter() - start


def profile(files: list[Path], work: Path) -> None:
    """CPU time per stage in one process, then cProfile's view of the validation."""
    minter, engine = Minter.from_settings(), validator()
    store_path = work / "profile-store"
    shutil.rmtree(store_path, ignore_errors=True)
    store_path.mkdir(parents=True)
    store = Store(str(store_path / "primary"))
    loader = Loader(store_path, store, Manifest(store_path, stored_sources(store)))
    stages = dict.fromkeys(("parse", "map", "validate", "serialize", "write"), 0.0)
    clock = time.process_time
    for path in files:
        t0 = clock()
        disclosure = parse_file(path)
        t1 = clock()
        quads = to_quads(disclosure, minter)
        graph = disclosure_iri(disclosure, minter)
        t2 = clock()
        nquads = serialize(quads, format=RdfFormat.N_QUADS) or b""
        report = engine.validate_ntriples(ntriples(quads, nquads))
        t3 = clock()
        data = nquads + (serialize(quality_quads(graph, report), format=RdfFormat.N_QUADS) or b"")
        t4 = clock()
        loader.add(Entry(str(path), "", graph, 0, 0, 0, str(path)), data)
        t5 = clock()
        for stage, spent in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[stage] += spent
    t0 = clock()
    loader.flush()
    stages["write"] += clock() - t0
    total = sum(stages.values())
    print(f"\nCPU per document, one process, {len(files)} documents (ms; write = batched bulk load):")
    print("| " + " | ".join(stages) + " | total |")
    print("|" + " --- |" * (len(stages) + 1))
    print("| " + " | ".join(f"{v / len(files) * 1000:.1f}" for v in stages.values()) + f" | "
          f"{total / len(files) * 1000:.1f} |")
    quads_of = [to_quads(parse_file(p), minter) for p in files[:20]]
    profiler = cProfile.Profile()
    profiler.enable()
    for quads in quads_of:
        engine.validate(quads)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(8)
    print(f"\nValidation of {len(quads_of)} documents, cProfile by own time:")
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[-1600:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--naive-count", type=int, default=3)
    parser.add_argument("--profile", type=int, default=100, help="documents for the stage profile (0: none)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    corpus = work / "corpus"
    if not corpus.is_dir():
        write_corpus(corpus, seed=args.seed, count=args.count, years=DEFAULT_YEARS, jobs=2)
    files = sorted(corpus.glob("*.txt"))[: args.count]
    print(f"date {date.today()}, {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"pyshacl {pyshacl.__version__}, rdflib {rdflib.__version__}; {len(files)} documents in {work}; "
          f"load average before {os.getloadavg()[0]:.2f}")
    runs = []
    for n in range(args.repeat):
        store = work / f"store-{n}"
        shutil.rmtree(store, ignore_errors=True)
        seconds, cpu, writer, tree, line, split = run_ingest(corpus, store, args.jobs)
        runs.append((seconds, writer, tree, cpu))
        print(f"  run {n + 1}: {seconds:.1f} s, {len(files) / seconds:.2f} docs/s, CPU {cpu:.0f} s "
              f"({cpu / len(files) * 1000:.0f} ms/doc: writer {split['writer'] / len(files) * 1000:.0f}, workers "
              f"{split['workers'] / len(files) * 1000:.0f}), peak RSS writer {writer / 1024:.0f} MiB, writer + workers "
              f"{tree / 1024:.0f} MiB, load average {os.getloadavg()[0]:.2f}; {line}", flush=True)
    seconds = statistics.median(r[0] for r in runs)
    cpu_per_doc = statistics.median(r[3] for r in runs) / len(files)
    naive_times = []
    for path in files[: args.naive_count]:
        naive_times.append(naive(path, work / "naive.nq"))
        print(f"  naive {path.name}: {naive_times[-1]:.1f} s", flush=True)
    ours = seconds / len(files)
    theirs = statistics.median(naive_times) if naive_times else float("nan")
    print(f"load average after {os.getloadavg()[0]:.2f}\n")
    print("| pipeline | documents | median s/doc (wall) | docs/s | CPU s/doc | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| budgetlod ingest --jobs {args.jobs} (median of {args.repeat} runs) | {len(files)} | {ours:.3f} | "
          f"{1 / ours:.2f} | {cpu_per_doc:.3f} | writer {max(r[1] for r in runs) / 1024:.0f} MiB, with workers "
          f"{max(r[2] for r in runs) / 1024:.0f} MiB |")
    print(f"| naive: rdflib graph + pyshacl + rdflib serialisation | {len(naive_times)} | {theirs:.1f} | "
          f"{1 / theirs:.4f} | — | — |")
    print(f"\nspeed-up {theirs / ours:,.0f}× (target ≥ 20×); throughput {1 / ours:.1f} docs/s (target ≥ 20); "
          f"{os.cpu_count()} / CPU s per doc = {(os.cpu_count() or 1) / cpu_per_doc:.1f} docs/s with the cores free")
    if args.profile:
        profile(files[: args.profile], work)


if __name__ == "__main__":
    main()
