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

Corpora (:func:`write_corpus`, the command line): document ``i`` is unit ``i // len(years)`` in year
``years[i % len(years)]`` (:func:`document_at`), so a corpus of ``count`` documents has ``count / len(years)``
units, each disclosed for every year, and cross-year comparisons have data. With ``kinds=("budget", "final")``
(``--kinds budget,final``) each unit-year also gets its 部门决算 (:func:`budgetlod.testing.corpus_final.generate_final`,
family ``final-2024``, file ``unit-00042-2023-final.txt``) from the same figures: the pair answers the execution
queries (预算 against 决算). Errors are injected into the 预算 documents only. ``js-budget`` adds the unit-year's
Jiangsu 部门预算 (:func:`budgetlod.testing.corpus_js.generate_js`, family ``js-department-budget``,
``unit-00042-2019-js.txt``) and ``national-budget-2017`` its older national-layout 预算
(:func:`budgetlod.testing.corpus_national.generate_national`, ``unit-00042-2019-national.txt``), from the same figures.

Errors can also break a whole file (:data:`FILE_ERROR_KINDS`: empty, binary, not a disclosure), for bulk
ingest's tests; ``broken`` puts errors into chosen documents of a corpus.

Command line: ``python -m budgetlod.testing.corpus --out DIR --count N [--seed S] [--years 2022,2023,2024,2025]
[--kinds budget,final,js-budget,national-budget-2017]
[--jobs J] [--broken N --broken-kinds K,…] [--index FILE]``; 10,000 documents take about a
minute on two cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
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
from budgetlod.testing.corpus_errors import ERROR_KINDS, FILE_ERROR_KINDS, damage, inject
from budgetlod.testing.corpus_final import GeneratedFinal, generate_final
from budgetlod.testing.corpus_js import GeneratedFamily, generate_js
from budgetlod.testing.corpus_model import DEFAULT_YEARS, build_year, default_year, make_unit, sub_rng
from budgetlod.testing.corpus_national import generate_national
from budgetlod.testing.corpus_tables import Figures
from budgetlod.testing.corpus_text import Writer

__all__ = [
    "DEFAULT_YEARS",
    "ERROR_KINDS",
    "FAMILY_KINDS",
    "FILE_ERROR_KINDS",
    "KINDS",
    "CorpusEntry",
    "ExpectedFact",
    "ExpectedRow",
    "ExpectedStaffing",
    "Generated",
    "InjectedError",
    "TableRef",
    "corpus",
    "corpus_index",
    "document_at",
    "generate",
    "main",
    "spread",
    "write_corpus",
]

KINDS: tuple[str, ...] = ("budget", "final")  # the 2024-form pair of each unit-year
# the other families, from the same figures: the Jiangsu 部门预算 (unit-00042-2019-js.txt) and the older national
# layout (unit-00042-2019-national.txt); write_corpus accepts KINDS + FAMILY_KINDS
FAMILY_KINDS: tuple[str, ...] = ("js-budget", "national-budget-2017")
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
    unknown = [e for e in errors if e not in ERROR_KINDS and e not in FILE_ERROR_KINDS]
    if unknown:
        raise ValueError(f"unknown error kind(s) {unknown}; known: {', '.join(ERROR_KINDS + FILE_ERROR_KINDS)}")
    unit = make_unit(seed, index)
    year = default_year(seed, index) if year is None else year
    figures = Figures(build_year(unit, year))
    previous = Figures(build_year(unit, year - 1))
    doc = Doc()
    writer = Writer(doc, unit, figures, previous, sub_rng(unit.key, 11, year))
    writer.write()
    records = inject(doc, [e for e in errors if e in ERROR_KINDS], sub_rng(unit.key, 12, year))
    numbers = {id(line): i for i, line in enumerate(doc.lines, 1)}
    narrative = [_fact(f, numbers[id(f.line)]) for f in doc.facts if f.line is not None and id(f.line) in numbers]
    staffing_line = numbers[id(writer.staffing_line)]
    text = doc.render()
    injected = [InjectedError(kind, table, numbers[id(line)], what) for kind, table, line, what in records]
    for kind in (e for e in errors if e in FILE_ERROR_KINDS):
        text, line, description = damage(text, kind, sub_rng(unit.key, 13, year), unit=unit.name, year=year)
        injected.append(InjectedError(kind, None, line, description))
    return Generated(
        text=text,
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
        injected=injected,
    )


def corpus(seed: int, units: int, years: Sequence[int] = (2023, 2024)) -> Iterator[Generated]:
    """``units`` units, each for every year in ``years`` (same unit, figures evolving)."""
    for index in range(units):
        for year in years:
            yield generate(seed, index, year=year)


@dataclass(frozen=True)
class CorpusEntry:
    """Document ``position`` of a corpus: which unit (generator index), which year, which file."""

    position: int
    index: int
    year: int
    file_name: str
    unit: str
    kind: str


def document_at(position: int, years: Sequence[int] = (2023, 2024)) -> tuple[int, int]:
    """(unit index, year) of document ``position`` of :func:`write_corpus` with these years."""
    unit, year = divmod(position, len(years))
    return unit, years[year]


def corpus_index(seed: int, count: int, years: Sequence[int] = (2023, 2024)) -> list[CorpusEntry]:
    """What :func:`write_corpus` writes, without generating the documents (the unit names are cheap)."""
    entries = []
    for position in range(count):
        index, year = document_at(position, years)
        unit = make_unit(seed, index)
        entries.append(CorpusEntry(position, index, year, f"unit-{index:05d}-{year}.txt", unit.name, unit.kind))
    return entries


def spread(count: int, broken: int, kinds: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """``broken`` positions spread evenly over ``count`` documents, each with one kind, in turn."""
    if not broken or not kinds:
        return {}
    step = count / broken
    return {int(step * i + step / 2): (kinds[i % len(kinds)],) for i in range(broken)}


def _write_range(directory: Path, seed: int, start: int, stop: int, years: Sequence[int], errors: Sequence[str],
                 broken: Mapping[int, Sequence[str]], kinds: Sequence[str] = ("budget",)) -> list[Path]:
    paths = []
    for position in range(start, stop):
        index, year = document_at(position, years)
        documents: list[Generated | GeneratedFinal | GeneratedFamily] = []
        if "budget" in kinds:
            documents.append(generate(seed, index, year=year, errors=tuple(errors) + tuple(broken.get(position, ()))))
        if "final" in kinds:
            documents.append(generate_final(seed, index, year=year))
        if "js-budget" in kinds:
            documents.append(generate_js(seed, index, year=year))
        if "national-budget-2017" in kinds:
            documents.append(generate_national(seed, index, year=year))
        for document in documents:
            path = directory / document.file_name
            path.write_bytes(document.text.encode("utf-8"))
            paths.append(path)
    return paths


def write_corpus(directory: Path, seed: int, count: int, years: Sequence[int] = (2023, 2024),
                 errors: Sequence[str] = (), *, broken: Mapping[int, Sequence[str]] | None = None,
                 jobs: int = 1, kinds: Sequence[str] = ("budget",)) -> list[Path]:
    """Write ``count`` unit-years (units × years, in order: :func:`document_at`) into ``directory``; return
    the paths written. ``kinds`` says which documents of each: its 预算 (``budget``), its 决算 (``final``), or
    both. ``errors`` go into every 预算, ``broken[position]`` into one; ``jobs`` processes write (the same bytes
    whatever their number)."""
    unknown = [k for k in kinds if k not in KINDS + FAMILY_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown document kind(s) {unknown}; known: {', '.join(KINDS + FAMILY_KINDS)}")
    directory.mkdir(parents=True, exist_ok=True)
    years, errors, broken, kinds = tuple(years), tuple(errors), dict(broken or {}), tuple(kinds)
    if jobs <= 1 or count < 200:
        return _write_range(directory, seed, 0, count, years, errors, broken, kinds)
    chunk = 100
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_write_range, directory, seed, start, min(count, start + chunk), years, errors, broken,
                               kinds) for start in range(0, count, chunk)]
        return [path for future in futures for path in future.result()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m budgetlod.testing.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--count", type=int, default=10, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--years", default=",".join(map(str, DEFAULT_YEARS)), help="comma-separated years per unit")
    parser.add_argument("--errors", default="", help=f"comma-separated error kinds for every document: "
                        f"{', '.join(ERROR_KINDS + FILE_ERROR_KINDS)}")
    parser.add_argument("--broken", type=int, default=0, help="break this many documents, spread evenly")
    parser.add_argument("--broken-kinds", default=",".join(FILE_ERROR_KINDS), help="their error kinds, in turn")
    parser.add_argument("--kinds", default="budget", help=f"comma-separated documents of each unit-year: "
                        f"{', '.join(KINDS + FAMILY_KINDS)}")
    parser.add_argument("--jobs", type=int, default=1, help="processes writing")
    parser.add_argument("--index", type=Path, help="also write a TSV: position, file, unit index, unit, kind, year, "
                        "errors")
    args = parser.parse_args(argv)
    years = [int(y) for y in args.years.split(",") if y.strip()]
    errors = [e.strip() for e in args.errors.split(",") if e.strip()]
    kinds = [k.strip() for k in args.broken_kinds.split(",") if k.strip()]
    broken = spread(args.count, args.broken, kinds)
    started = time.perf_counter()
    documents = [k.strip() for k in args.kinds.split(",") if k.strip()]
    paths = write_corpus(args.out, args.seed, args.count, years, errors, broken=broken, jobs=args.jobs,
                         kinds=documents)
    seconds = time.perf_counter() - started
    if args.index is not None:
        lines = ["position\tfile\tunit_index\tunit\tkind\tyear\terrors"]
        for e in corpus_index(args.seed, args.count, years):
            lines.append(f"{e.position}\t{e.file_name}\t{e.index}\t{e.unit}\t{e.kind}\t{e.year}\t"
                         + ",".join(tuple(errors) + tuple(broken.get(e.position, ()))))
        args.index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(paths)} documents to {args.out} in {seconds:.1f} s ({len(paths) / max(seconds, 1e-9):.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
