"""Parse, map and validate time per 决算 (final accounts) document beside 预算 (budget) documents, side by side in
one run, median of --repeat runs, pinned to one core where the OS allows:

- the Shanghai 部门决算 2024 (PDF, 25 pages; the family final-2024: f01…f09);
- a Jiangsu 部门预算 2018 (PDF, narrative and tables in one file);
- the bundled example (text, 单位预算 2024: t01…t11).

Each stage as ``budgetlod.pipeline.convert`` runs it (the ``lap`` callback): read + parse, map, validate (pyshacl
over the shapes) — and the same validation with ingest's direct evaluator.

    .venv/bin/python bench/final_bench.py [--repeat 3] [--folder ../shared/samples/real]

Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from budgetlod.pipeline import Validator, convert
from budgetlod.validate.direct import ntriples, validator
from budgetlod.validate.engine import ValidationReport

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "samples" / "real"
DOCUMENTS = (
    ("决算 Shanghai 普陀区财政局 2024 (PDF)", "sh-putuo-finance-bureau-2024-final-accounts.pdf"),
    ("预算 Jiangsu 人大常委会办公厅 2018 (PDF)", "js-provincial-congress-office-2018-budget.pdf"),
    ("预算 bundled example 2024 (text)", None),
)


def timed(path: Path, direct: bool) -> tuple[dict[str, float], int]:
    laps: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        laps[stage] = now - clock
        clock = now

    check: Validator | None = None
    if direct:
        engine = validator()

        def check(quads: list[Quad]) -> ValidationReport:
            nquads = serialize(quads, format=RdfFormat.N_QUADS) or b""
            return engine.validate_ntriples(ntriples(quads, nquads))

    converted = convert(path, validator=check, lap=lap)
    return laps, len(converted.quads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=REAL)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"{date.today()} · {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print()
    print("| document | quads | read + parse (s) | map (s) | validate, pyshacl (s) | validate, direct (s) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, name in DOCUMENTS:
        path = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt" if name is None else args.folder / name
        if not path.is_file():
            print(f"| {label} | absent: {path} | | | | |")
            continue
        runs = [timed(path, direct=False) for _ in range(args.repeat)]
        direct = [timed(path, direct=True)[0]["validate"] for _ in range(args.repeat)]
        quads = runs[0][1]

        def median(stage: str, runs: list[tuple[dict[str, float], int]] = runs) -> float:
            return statistics.median(r[0][stage] for r in runs)

        print(
            f"| {label} | {quads:,} | {median('parse'):.2f} | {median('map'):.2f} | {median('validate'):.2f} "
            f"| {statistics.median(direct):.2f} |"
        )


if __name__ == "__main__":
    main()
