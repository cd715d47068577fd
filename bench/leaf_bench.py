"""``table3-by-function`` with the leaf flag (``bl:leaf true``, set at ingest) against the search for finer rows it
replaced (``tests/reference_queries/table3-by-function-by-prefix.rq``), side by side on the same store.

    python bench/leaf_bench.py --store DIR [--repeat 5]

Opens the store as ``budgetlod query --store`` does (read-only, pyoxigraph in this process), binds the default
parameters (year 2024) as the library does, and runs the two texts alternately: the first call of each after the
store is opened, then ``--repeat`` runs each (p50 / max ms); checks that both give the same rows (by value).
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from budgetlod.query.library import named_queries
from budgetlod.query.params import bind
from budgetlod.query.run import open_store, run_store
from budgetlod.store.canonical import value_key

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference_queries" / "table3-by-function-by-prefix.rq"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    query = next(q for q in named_queries() if q.name == "table3-by-function")
    terms = bind(query, {})
    texts = {"bl:leaf true (now)": query.text, "finer rows searched (before)": REFERENCE.read_text(encoding="utf-8")}
    store = open_store(args.store)
    times: dict[str, list[float]] = {name: [] for name in texts}
    answers = {}
    for run in range(args.repeat + 1):
        for name, text in texts.items():
            start = time.perf_counter()
            result = run_store(store, text, terms)
            times[name].append((time.perf_counter() - start) * 1000)
            if run == 0:
                answers[name] = [tuple(map(value_key, r)) for r in result.rows]
    same = len({tuple(a) for a in answers.values()}) == 1
    print(f"{date.today()}, {platform.node()} ({platform.processor() or platform.machine()}), store {args.store}; "
          f"same rows: {'yes' if same else 'NO'}\n")
    print("| table3-by-function | rows | first call ms | p50 / max ms of the next runs |")
    print("| --- | ---: | ---: | ---: |")
    for name, ms in times.items():
        rest = ms[1:]
        print(f"| {name} | {len(answers[name]):,} | {ms[0]:,.0f} | {statistics.median(rest):,.0f} / {max(rest):,.0f} |")


if __name__ == "__main__":
    main()
