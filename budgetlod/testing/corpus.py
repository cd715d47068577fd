"""A deterministic synthetic corpus of 单位预算公开 disclosures, with the figures they state.

Each document has the text form of the reference disclosure
(``examples/wlmq-12345-hotline-2024-unit-budget.txt``): 第一部分 单位概况,
第二部分 the eleven tables as Markdown pipe tables (same header rows, ``※``
column-number row, 编制单位 and 单位：万元 lines, empty tables as blank rows and a
"…为空表。" note), 第三部分 sections 一 … 十二 with the same sentence patterns,
and 第四部分 名词解释.  Unlike the sample, most tables are filled.

Every figure is consistent by construction (parts sum to subtotals and
totals, the tables agree with each other and with the narrative, 比上年
changes agree with the previous year's document of the same unit), and
:attr:`Generated.expected` holds what a parser should read back.  Errors
can be injected on request (:data:`ERROR_KINDS`); each is recorded in
:attr:`Generated.injected` while ``expected`` keeps the correct figures.

Same ``(seed, index, year, errors)`` -> byte-identical text.

Command line: ``python -m budgetlod.testing.corpus --out DIR --count N --seed S``.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from budgetlod.testing.corpus_doc import (
    Doc,
    ExpectedFact,
    ExpectedRow,
    ExpectedStaffing,
    Fact,
    InjectedError,
    TableRef,
    dec,
    percent,
    rate,
)
from budgetlod.testing.corpus_errors import ERROR_KINDS, inject
from budgetlod.testing.corpus_model import build_year, make_unit, sub_rng
from budgetlod.testing.corpus_tables import Figures
from budgetlod.testing.corpus_text import Writer

__all__ = [
    "DEFAULT_YEARS",
    "ERROR_KINDS",
    "ExpectedFact",
    "ExpectedRow",
    "ExpectedStaffing",
    "Generated",
    "InjectedError",
    "TableRef",
    "corpus",
    "generate",
    "main",
    "write_corpus",
]

DEFAULT_YEARS: tuple[int, ...] = (2022, 2023, 2024, 2025)
TABLE_IDS: tuple[str, ...] = tuple(f"t{n:02d}" for n in range(1, 12))


@dataclass
class Generated:
    """One synthetic disclosure and what it states."""

    text: str
    unit: str
    year: int
    file_name: str  # ASCII: unit-00042-2023.txt
    kind: str  # bureau | school | hospital | centre | station
    seed: int
    index: int
    expected: dict[str, list[ExpectedRow]]  # t01 … t11 -> printed data rows (empty list: empty table)
    narrative: list[ExpectedFact] = field(default_factory=list)
    staffing: list[ExpectedStaffing] = field(default_factory=list)
    procurement: dict[str, Decimal] = field(default_factory=dict)  # total, goods, works, services, *_reserved
    injected: list[InjectedError] = field(default_factory=list)


def default_year(seed: int, index: int) -> int:
    return DEFAULT_YEARS[sub_rng(seed * 1_000_003 + index, 0).randrange(len(DEFAULT_YEARS))]


def _fact(fact: Fact, line: int) -> ExpectedFact:
    amount = fact.amount
    return ExpectedFact(
        section=fact.section,
        subject=fact.subject,
        line=line,
        amount=None if amount is None else dec(amount),
        change=None if fact.change is None else dec(fact.change),
        rate=None if fact.prior is None or amount is None else rate(amount, fact.prior),
        share=None if fact.share_of is None or amount is None else percent(amount, fact.share_of),
        share_of=None if fact.share_of is None else dec(fact.share_of),
        codes=fact.codes,
        function=fact.function,
        ref=fact.ref,
    )


def generate(seed: int, index: int, *, year: int | None = None, errors: Sequence[str] = ()) -> Generated:
    """Disclosure ``index`` of corpus ``seed`` for ``year`` (default: drawn from :data:`DEFAULT_YEARS`)."""
    unit = make_unit(seed, index)
    year = default_year(seed, index) if year is None else year
    figures = Figures(build_year(unit, year))
    previous = Figures(build_year(unit, year - 1))
    doc = Doc()
    writer = Writer(doc, unit, figures, previous, sub_rng(unit.key, 11, year))
    writer.write()
    records = inject(doc, list(errors), sub_rng(unit.key, 12, year))
    numbers = {id(line): i for i, line in enumerate(doc.lines, 1)}
    narrative = [_fact(f, numbers[id(f.line)]) for f in doc.facts if f.line is not None and id(f.line) in numbers]
    staffing_line = numbers[id(writer.staffing_line)]
    return Generated(
        text=doc.render(),
        unit=unit.name,
        year=year,
        file_name=f"unit-{index:05d}-{year}.txt",
        kind=unit.kind,
        seed=seed,
        index=index,
        expected={tid: doc.expected.get(tid, []) for tid in TABLE_IDS},
        narrative=narrative,
        staffing=[ExpectedStaffing(c, n, d, staffing_line) for c, n, d in writer.staffing],
        procurement={k: dec(f.amount or 0) for k, f in writer.procurement_facts.items()},
        injected=[InjectedError(kind, table, numbers[id(line)], text) for kind, table, line, text in records],
    )


def corpus(seed: int, units: int, years: Sequence[int] = (2023, 2024)) -> Iterator[Generated]:
    """``units`` units, each for every year in ``years`` (same unit, figures evolving)."""
    for index in range(units):
        for year in years:
            yield generate(seed, index, year=year)


def write_corpus(directory: Path, seed: int, count: int, years: Sequence[int] = (2023, 2024),
                 errors: Sequence[str] = ()) -> list[Path]:
    """Write ``count`` documents (units × years, in order) into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    units = -(-count // max(1, len(years)))
    paths: list[Path] = []
    documents = (generate(seed, i, year=y, errors=errors) for i in range(units) for y in years)
    for document in itertools.islice(documents, count):
        path = directory / document.file_name
        path.write_bytes(document.text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budgetlod.testing.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--count", type=int, default=10, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--years", default="2023,2024", help="comma-separated years per unit")
    parser.add_argument("--errors", default="", help=f"comma-separated error kinds: {', '.join(ERROR_KINDS)}")
    args = parser.parse_args(argv)
    years = [int(y) for y in args.years.split(",") if y.strip()]
    errors = [e.strip() for e in args.errors.split(",") if e.strip()]
    paths = write_corpus(args.out, args.seed, args.count, years, errors)
    print(f"wrote {len(paths)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
