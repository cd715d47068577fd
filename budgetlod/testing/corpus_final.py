"""Synthetic 部门决算 (final accounts, family ``final-2024``) paired with the synthetic 预算 of the same unit and year.

:func:`generate_final` writes the final accounts of unit ``index`` of corpus ``seed`` for ``year``: the national
2024 template's nine tables (f01 … f09, :mod:`budgetlod.testing.corpus_final_tables`) and a narrative
(:mod:`budgetlod.testing.corpus_final_text`), in the text form of ``tests/cases/final-narrative/source.txt``. Its
figures come from the same :class:`~budgetlod.testing.corpus_model.Year` as :func:`budgetlod.testing.corpus.generate`
for that unit and year, so the two make a pair: the 年初预算 the narrative states are the 预算's 表5 figures, the
预算数 of its 三公 table are the 预算's 表10, and the 决算数 are deterministic executions of the budget's items
(per mille rates, integers in fen, every total exact). The unit's name is the 预算's, so both disclosures are
about the same unit IRI.

Same ``(seed, index, year)`` -> byte-identical text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgetlod.testing.corpus_doc import Doc, ExpectedRow
from budgetlod.testing.corpus_final_tables import FinalFigures
from budgetlod.testing.corpus_final_text import FinalFact, FinalWriter
from budgetlod.testing.corpus_model import build_year, default_year, make_unit, sub_rng

__all__ = ["FINAL_TABLE_IDS", "FinalFact", "FinalFigures", "GeneratedFinal", "final_figures", "generate_final"]

FINAL_TABLE_IDS: tuple[str, ...] = tuple(f"f{n:02d}" for n in range(1, 10))


@dataclass
class GeneratedFinal:
    """One synthetic 部门决算 and what it states (the counterpart of :class:`~budgetlod.testing.corpus.Generated`)."""

    text: str
    unit: str
    year: int
    file_name: str  # ASCII: unit-00042-2023-final.txt
    kind: str
    seed: int
    index: int
    expected: dict[str, list[ExpectedRow]]  # f01 … f09 -> printed rows (blank cells absent from the values)
    narrative: list[FinalFact] = field(default_factory=list)


def final_figures(seed: int, index: int, year: int) -> FinalFigures:
    """The figures of the final accounts of unit ``index`` of corpus ``seed`` for ``year`` (and of its 预算)."""
    unit = make_unit(seed, index)
    return FinalFigures(unit, build_year(unit, year))


def generate_final(seed: int, index: int, *, year: int | None = None) -> GeneratedFinal:
    """The 部门决算 of unit ``index`` of corpus ``seed`` for ``year`` (default: the year
    :func:`budgetlod.testing.corpus.generate` would draw), the pair of that unit's 预算 of the same year."""
    unit = make_unit(seed, index)
    year = default_year(seed, index) if year is None else year
    figures = FinalFigures(unit, build_year(unit, year))
    previous = FinalFigures(unit, build_year(unit, year - 1))
    doc = Doc()
    writer = FinalWriter(doc, unit, figures, previous, sub_rng(unit.key, 22, year))
    writer.write()
    return GeneratedFinal(
        text=doc.render(),
        unit=unit.name,
        year=year,
        file_name=f"unit-{index:05d}-{year}-final.txt",
        kind=unit.kind,
        seed=seed,
        index=index,
        expected={tid: doc.expected.get(tid, []) for tid in FINAL_TABLE_IDS},
        narrative=writer.expected(),
    )
