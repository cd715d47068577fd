"""Parse speed on one core (text form): the sample, generated 预算 and generated 决算 disclosures.

    python bench/parse_bench.py [--count 200] [--repeat 5] [--before TREE] [--stages]

The corpus is generated first (seed 1; not timed): ``--count`` 预算 and ``--count`` 决算 documents.  Each run is
a fresh process pinned to one core that loads the specs by parsing the sample once, then times the sample
(parsed 50 times), the 预算 and the 决算 documents, wall clock and the process's CPU clock; the median of
``--repeat`` runs is reported.  With ``--before TREE`` (a checkout of another commit, e.g. ``git worktree add
/tmp/before HEAD``) the runs of the two trees alternate, so that both see the same neighbours on a shared
machine.  ``--stages`` adds one run per tree with each stage of :func:`budgetlod.parse.document.parse_stream`
timed (CPU ms per document; the timers cost a little).  Prints Markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"
SAMPLE_TIMES = 50
# The stages of parse_stream (and the reading before it), by their names in budgetlod.parse.document.
STAGES = (
    "read_one",
    "split_parts",
    "read_tables",
    "_metadata",
    "read_contents",
    "review",
    "parse_profile",
    "parse_narrative",
    "_resolve_function_codes",
    "parse_other_matters",
    "parse_glossary",
    "place_findings",
)


def _timed_stages(totals: dict[str, float]) -> None:
    """Wrap each stage in budgetlod.parse.document with a CPU timer adding to ``totals``."""
    from budgetlod.parse import document

    def wrap(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.process_time() - start

        return timed

    for name in STAGES:
        if hasattr(document, name):
            setattr(document, name, wrap(name, getattr(document, name)))


def worker(corpus: Path, stages: bool) -> dict[str, Any]:
    """One run in this process: the three inputs timed, or (``stages``) the generated ones stage by stage."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    from budgetlod.parse.document import parse_text

    texts = json.loads(corpus.read_text(encoding="utf-8"))
    sample = SAMPLE.read_text(encoding="utf-8")
    parse_text(sample)  # specs, vocabulary and patterns loaded
    inputs = {"sample": [sample] * SAMPLE_TIMES, "budget": texts["budget"], "final": texts["final"]}
    result: dict[str, Any] = {}
    if stages:
        totals: dict[str, float] = {}
        _timed_stages(totals)
        for name in ("budget", "final"):
            totals.clear()
            for text in inputs[name]:
                parse_text(text)
            result[name] = {k: v / len(inputs[name]) for k, v in totals.items()}
        return result
    for name, documents in inputs.items():
        wall, cpu = time.perf_counter(), time.process_time()
        for text in documents:
            parse_text(text)
        result[name] = {
            "wall": (time.perf_counter() - wall) / len(documents),
            "cpu": (time.process_time() - cpu) / len(documents),
        }
    return result


def run(tree: Path, corpus: Path, stages: bool) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, __file__, "--worker", str(corpus)] + (["--stages"] if stages else [])
    out = subprocess.run(command, env=env, cwd=tree, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="generated 预算 documents, and as many 决算")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another tree to time side by side (alternating)")
    parser.add_argument("--stages", action="store_true", help="also time each stage (one run per tree)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.stages)))
        return
    from budgetlod.testing.corpus import document_at, generate
    from budgetlod.testing.corpus_final import generate_final

    positions = [document_at(p) for p in range(args.count)]
    texts = {
        "budget": [generate(1, i, year=y).text for i, y in positions],
        "final": [generate_final(1, i, year=y).text for i, y in positions],
    }
    sizes = {k: sum(len(t.encode()) for t in v) / len(v) / 1024 for k, v in texts.items()}
    sizes["sample"] = len(SAMPLE.read_bytes()) / 1024
    trees = {"now": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.json"
        corpus.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        for i in range(args.repeat):
            order = list(trees.items()) if i % 2 == 0 else list(reversed(trees.items()))
            for name, tree in order:
                runs[name].append(run(tree, corpus, False))
        staged = {name: run(tree, corpus, True) for name, tree in trees.items()} if args.stages else {}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"date {date.today()}, {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average at the end {load:.1f}"
    )
    print("| tree | input | documents | median ms/doc (wall) | docs/s (wall) | median ms/doc (CPU) | docs/s (CPU) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    labels = {
        "sample": f"sample ({sizes['sample']:.0f} KB)",
        "budget": f"generated 预算 (avg {sizes['budget']:.0f} KB)",
        "final": f"generated 决算 (avg {sizes['final']:.0f} KB)",
    }
    counts = {"sample": SAMPLE_TIMES, "budget": args.count, "final": args.count}
    for what in ("sample", "budget", "final"):
        for name in trees:
            wall = statistics.median(r[what]["wall"] for r in runs[name])
            cpu = statistics.median(r[what]["cpu"] for r in runs[name])
            print(
                f"| {name} | {labels[what]} | {counts[what]} × {args.repeat} | {wall * 1000:.2f} | {1 / wall:,.0f} | "
                f"{cpu * 1000:.2f} | {1 / cpu:,.0f} |"
            )
    if staged:
        print()
        print("| stage (CPU ms/doc) | " + " | ".join(f"{n} 预算 | {n} 决算" for n in trees) + " |")
        print("| --- |" + " --- |" * (2 * len(trees)))
        for stage in STAGES:
            cells = [f"{staged[n][k].get(stage, 0.0) * 1000:.2f}" for n in trees for k in ("budget", "final")]
            print(f"| {stage} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
