"""Parse output before and after a speed change: record ``budgetlod parse --json`` (and the findings) of a fixed
set of inputs, then compare byte for byte.

    python bench/parse_identity.py record DIR [--count 200]
    python bench/parse_identity.py compare DIR [--count 200]

The inputs: the bundled example, every ``tests/cases/*/source.txt``, every PDF of ``/work/shared/samples/real``
(or ``--real``) alone and each ``…-text.pdf`` with its ``…-tables.pdf`` read as one disclosure, ``--count``
generated 预算 (seed 1) and ``--count`` generated 决算 (seed 1).  Each input gives the JSON ``parse --json``
prints and the findings lines it writes on stderr (or the refusal), in ``DIR/NAME.json``.  ``compare`` prints the
inputs whose output differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from budgetlod.findings import format_finding
from budgetlod.model import Disclosure
from budgetlod.parse.document import CannotParse, parse_files, parse_text
from budgetlod.serialize import disclosure_json
from budgetlod.testing.corpus import document_at, generate
from budgetlod.testing.corpus_final import generate_final

ROOT = Path(__file__).resolve().parent.parent
REAL = Path("/work/shared/samples/real")


def _output(name: str, parse: Callable[[], Disclosure]) -> str:
    try:
        disclosure = parse()
    except CannotParse as exc:
        return f"refused: {exc}\n"
    findings = "".join(format_finding(name, f) + "\n" for f in disclosure.findings)
    return disclosure_json(disclosure) + "\n--- findings\n" + findings


def inputs(count: int, real: Path) -> Iterator[tuple[str, Callable[[], Disclosure]]]:
    example = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"
    yield "example", partial(parse_files, [example])
    for source in sorted(ROOT.glob("tests/cases/*/source.txt")):
        yield f"case-{source.parent.name}", partial(parse_files, [source])
    pdfs = sorted(real.glob("*.pdf")) if real.is_dir() else []
    for pdf in pdfs:
        yield f"real-{pdf.stem}", partial(parse_files, [pdf])
        if pdf.stem.endswith("-text"):
            tables = pdf.with_name(pdf.name.replace("-text.pdf", "-tables.pdf"))
            if tables.exists():
                yield f"pair-{pdf.stem}", partial(parse_files, [pdf, tables])
    for position in range(count):
        index, year = document_at(position)
        budget = generate(1, index, year=year).text
        final = generate_final(1, index, year=year).text
        yield f"gen-budget-{position:04d}", partial(parse_text, budget)
        yield f"gen-final-{position:04d}", partial(parse_text, final)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("record", "compare"))
    parser.add_argument("directory", type=Path)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--real", type=Path, default=REAL)
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    differ = total = 0
    for name, parse in inputs(args.count, args.real):
        text = _output(name, parse)
        path = args.directory / f"{name}.json"
        total += 1
        if args.mode == "record":
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            differ += 1
            print(f"differs: {name}")
    print(f"{total} inputs, {differ} differ" if args.mode == "compare" else f"{total} inputs recorded")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
