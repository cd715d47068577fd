"""Conversion speed: parse + map to RDF (quads), and parse + map + serialize N-Quads, per disclosure.

    python bench/convert_bench.py [--count 200] [--repeat 3]

Runs on one core. Prints a Markdown table for docs/benchmarks.md: the sample and
``--count`` generated documents, median of ``--repeat`` runs, side by side in one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from budgetlod.formats import to_bytes
from budgetlod.parse.document import parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"


def median_per_doc(texts: list[str], work: Callable[[str], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            work(text)
        runs.append((time.perf_counter() - start) / len(texts))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sample = [SAMPLE.read_text(encoding="utf-8")] * 20
    corpus = [generate(seed=1, index=i).text for i in range(args.count)]
    stages: dict[str, Callable[[str], object]] = {
        "parse": parse_text,
        "parse + map": lambda t: to_quads(parse_text(t)),
        "parse + map + N-Quads": lambda t: to_bytes(to_quads(parse_text(t)), "nq"),
    }
    quads_sample = len(to_quads(parse_text(sample[0])))
    quads_corpus = statistics.mean(len(to_quads(parse_text(t))) for t in corpus[:50])
    print(f"date {date.today()}, {platform.machine()}, Python {platform.python_version()}, one core")
    print(f"quads per document: sample {quads_sample}, generated (mean of 50) {quads_corpus:.0f}")
    print("| stage | sample ms/doc | generated ms/doc | generated docs/s |")
    print("| --- | --- | --- | --- |")
    for name, work in stages.items():
        s = median_per_doc(sample, work, args.repeat)
        g = median_per_doc(corpus, work, args.repeat)
        print(f"| {name} | {s * 1000:.2f} | {g * 1000:.2f} | {1 / g:,.0f} |")


if __name__ == "__main__":
    main()
