"""The PDF reader's speed on the real PDFs: pages/s and documents/s, pdfplumber (budgetlod's reader, tables
and all) against plain text extraction with pypdfium2 (no tables, no layout: a floor for what any reader
costs), median of --repeat runs, pinned to one core where the OS allows.

    .venv/bin/python bench/pdf_bench.py [--repeat 3] [--folder ../shared/samples/real]

Prints a Markdown table for docs/benchmarks.md.
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

from budgetlod.findings import Reporter
from budgetlod.read.pdf import read_pdf
from budgetlod.read.stream import Limits

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "real"


def budgetlod_reader(data: bytes, name: str) -> int:
    read = read_pdf(data, name, Reporter(), Limits.from_settings())
    return read.pages or 0


def pdfium_text(data: bytes, name: str) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        for page in document:
            page.get_textpage().get_text_range()
        return len(document)
    finally:
        document.close()


def run(reader: Callable[[bytes, str], int], files: list[tuple[str, bytes]]) -> tuple[float, int]:
    start = time.perf_counter()
    pages = sum(reader(data, name) for name, data in files)
    return time.perf_counter() - start, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=DEFAULT)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    files = [(p.name, p.read_bytes()) for p in sorted(args.folder.glob("*.pdf"))]
    if not files:
        raise SystemExit(f"no PDF in {args.folder}")
    print(
        f"{date.today()}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(files)} PDFs; one core; median of {args.repeat}"
    )
    print()
    print("| reader | documents | pages | median s | pages/s | documents/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, reader in (
        ("budgetlod (pdfplumber: text, tables, layout)", budgetlod_reader),
        ("pypdfium2 text only", pdfium_text),
    ):
        times, pages = [], 0
        for _ in range(args.repeat):
            seconds, pages = run(reader, files)
            times.append(seconds)
        median = statistics.median(times)
        print(f"| {label} | {len(files)} | {pages} | {median:.2f} | {pages / median:.1f} | {len(files) / median:.2f} |")


if __name__ == "__main__":
    main()
