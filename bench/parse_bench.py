"""Parse speed: the sample, and a corpus of generated disclosures, on one core.

    python bench/parse_bench.py [--count 1000] [--repeat 5]

Prints a Markdown table row set for docs/benchmarks.md: median seconds per
document and documents per second, for the sample (parsed ``--repeat`` × 50 times)
and for ``--count`` generated documents (generated first, parsed ``--repeat``
times; the median run is reported).  Generation is not timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from budgetlod.parse.document import parse_text
from budgetlod.testing.corpus import generate

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"


def timed_runs(texts: list[str], repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            parse_text(text)
        runs.append(time.perf_counter() - start)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    sample = SAMPLE.read_text(encoding="utf-8")
    corpus = [generate(seed=1, index=i).text for i in range(args.count)]
    size = sum(len(t.encode()) for t in corpus) / len(corpus) / 1024
    sample_runs = timed_runs([sample] * 50, args.repeat)
    corpus_runs = timed_runs(corpus, args.repeat)
    sample_median = statistics.median(sample_runs) / 50
    corpus_median = statistics.median(corpus_runs)
    print(f"date {date.today()}, {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print("| input | documents | median s/doc | docs/s |")
    print("| --- | --- | --- | --- |")
    print(f"| sample (30 KB) | 50 × {args.repeat} | {sample_median * 1000:.2f} ms | {1 / sample_median:,.0f} |")
    print(
        f"| generated (avg {size:.0f} KB) | {args.count} × {args.repeat} | "
        f"{corpus_median / args.count * 1000:.2f} ms | {args.count / corpus_median:,.0f} |"
    )


if __name__ == "__main__":
    main()
