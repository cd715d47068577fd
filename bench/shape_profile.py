"""Where validation time goes: CPU milliseconds per document for each shape, as ``budgetlod ingest`` validates
(the direct validator: one fresh in-memory Oxigraph store per document, every SPARQL shape a query).

    python bench/shape_profile.py [--count 20] [--seed 11] [--top 15]

Generates ``--count`` documents (budgetlod.testing.corpus), converts each without validating (not timed), then
times, per document: loading the store, the core (non-SPARQL) shapes together, and each SPARQL shape. Prints the
mean CPU ms per document of the ``--top`` dearest parts and the total, as a Markdown table (one core).
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

from pyoxigraph import RdfFormat, Store

from budgetlod.pipeline import convert
from budgetlod.testing.corpus import generate
from budgetlod.validate import direct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    validator = direct.validator()
    cost: dict[str, float] = defaultdict(float)
    with TemporaryDirectory() as folder:
        for index in range(args.count):
            document = generate(args.seed, index)
            path = Path(folder) / document.file_name
            path.write_text(document.text, encoding="utf-8")
            data = direct.ntriples(convert(path, validate=False).quads)
            start = time.process_time()
            store = Store()
            store.extend(validator.vocabulary)
            store.load(data, format=RdfFormat.N_TRIPLES, lenient=True)
            run = direct._Run(store)
            cost["(store loaded)"] += time.process_time() - start
            for core in validator.program.core:
                start = time.process_time()
                list(run.core(core))
                cost["(core shapes)"] += time.process_time() - start
            for shape in validator.program.sparql:
                start = time.process_time()
                list(run.sparql(shape))
                cost[shape.iri.rsplit("#", 1)[-1]] += time.process_time() - start
    total = sum(cost.values())
    print(f"{date.today()}, {platform.machine()}, {args.count} generated documents (seed {args.seed}); "
          f"{len(validator.program.sparql)} SPARQL shapes\n")
    print("| part | CPU ms per document | share |")
    print("| --- | ---: | ---: |")
    for name, seconds in sorted(cost.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"| {name} | {seconds / args.count * 1000:.1f} | {seconds / total:.0%} |")
    print(f"| **total** | **{total / args.count * 1000:.1f}** | 100% |")


if __name__ == "__main__":
    main()
