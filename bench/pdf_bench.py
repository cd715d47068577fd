"""The PDF reader's speed on the real PDFs: pages/s and documents/s, side by side in one run, median of
--repeat runs, pinned to one core where the OS allows:

- budgetlod's reader as it runs: PDFium (pypdfium2) for each page's characters and ruling lines, handed to
  pdfplumber's table finder and budgetlod's text code (budgetlod.read.pdf_pdfium);
- budgetlod's reader with pdfplumber alone (pdfminer.six interpreting each page: the reader before PDFium,
  and its fallback on the pages PDFium cannot give the same way);
- pdfplumber's parse alone (every page's characters and ruling edges, nothing read from them): the floor
  of any reader built on pdfplumber/pdfminer.six, which interprets the content streams in Python;
- plain text extraction with pypdfium2 (PDFium, in C; no tables, no layout): the floor of any reader.

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
from unittest import mock

from budgetlod.findings import Reporter
from budgetlod.read import pdf_pdfium
from budgetlod.read.pdf import read_pdf
from budgetlod.read.stream import Limits

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "real"


def budgetlod_reader(data: bytes, name: str) -> int:
    read = read_pdf(data, name, Reporter(), Limits.from_settings())
    return read.pages or 0


def budgetlod_pdfplumber_only(data: bytes, name: str) -> int:
    with mock.patch.object(pdf_pdfium, "open_document", lambda data: None):
        return budgetlod_reader(data, name)


def pdfplumber_parse(data: bytes, name: str) -> int:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            _ = page.chars, page.edges
            page.close()
        return len(pdf.pages)


def pdfium_text(data: bytes, name: str) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        for page in document:
            page.get_textpage().get_text_range()
        return len(document)
    finally:
        document.close()


def same_reading(data: bytes, name: str) -> bool:
    """Whether both routes give the same blocks and findings (the speed-up must change nothing)."""

    def reading() -> tuple[str, str]:
        reporter = Reporter()
        read = read_pdf(data, name, reporter, Limits.from_settings())
        return repr(read.blocks), repr(reporter.findings)

    after = reading()
    with mock.patch.object(pdf_pdfium, "open_document", lambda data: None):
        return reading() == after


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
    same = sum(same_reading(data, name) for name, data in files)
    print(f"{same} of {len(files)} PDFs read the same with PDFium objects as with pdfplumber alone")
    print()
    print("| reader | documents | pages | median s | pages/s | documents/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, reader in (
        ("budgetlod, PDFium objects (after)", budgetlod_reader),
        ("budgetlod, pdfplumber alone (before)", budgetlod_pdfplumber_only),
        ("pdfplumber parse only (characters, edges)", pdfplumber_parse),
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
