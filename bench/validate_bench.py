"""Validation speed: the full shape set per disclosure, pyshacl over an Oxigraph-backed graph
(oxrdflib, as budgetlod runs it) against pyshacl over a plain in-memory rdflib graph, side by side.
The plain graph is about 250 times slower (rdflib parses and evaluates every SPARQL constraint itself), so it
is run on one document, once.

    python bench/validate_bench.py [--count 20] [--repeat 3]

One core. Graph building is not timed; each figure is the median over ``--repeat`` runs of the mean
time per document. Target: ≤ 150 ms per disclosure of the sample's size.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

import pyshacl
import rdflib

from budgetlod.formats import to_bytes
from budgetlod.parse.document import parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate
from budgetlod.validate.engine import _vocabulary, data_graph, shapes_graph

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"


def plain_graph(quads: list) -> rdflib.Graph:  # type: ignore[type-arg]
    graph = rdflib.Graph()
    graph.parse(data=to_bytes(list(quads) + list(_vocabulary()), "nt"), format="nt")
    return graph


def run(graphs: list[rdflib.Graph]) -> float:
    start = time.perf_counter()
    for graph in graphs:
        pyshacl.validate(
            graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True, inplace=True
        )
    return (time.perf_counter() - start) / len(graphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    docs = {
        "sample": [to_quads(parse_text(SAMPLE.read_text(encoding="utf-8")))] * 5,
        f"generated ({args.count})": [to_quads(parse_text(generate(seed=1, index=i).text)) for i in range(args.count)],
    }
    shapes = len(set(shapes_graph().subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape"))))
    print(
        f"date {date.today()}, {platform.machine()}, Python {platform.python_version()}, pyshacl "
        f"{pyshacl.__version__}, one core; {shapes} node shapes"
    )
    print("| documents | pyshacl over Oxigraph (oxrdflib) ms/doc | pyshacl over plain rdflib ms/doc | speed-up |")
    print("| --- | --- | --- | --- |")
    for name, quads in docs.items():
        ox = statistics.median(run([data_graph(q) for q in quads]) for _ in range(args.repeat))
        # the plain rdflib graph is two orders of magnitude slower: one document, once
        plain = run([plain_graph(quads[0])])
        print(f"| {name} | {ox * 1000:.0f} | {plain * 1000:,.0f} (1 document, 1 run) | {plain / ox:.0f}× |")


if __name__ == "__main__":
    main()
