"""Generated disclosures parse back to exactly the figures they were generated from.

Tables: for every expected row, the parsed row with the same side, codes, name
and project (itemised rows: the same spec key) has exactly the expected values
(blank cells absent); no other parsed row carries a figure.  Then the prose:
narrative figures, staffing, 机关运行经费 and 政府采购.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import cache

import pytest

from budgetlod.model import Disclosure, NarrativeFact, Row
from budgetlod.testing.corpus import ExpectedFact, ExpectedRow, Generated, corpus

document = pytest.importorskip("budgetlod.parse.document")


@cache
def parsed() -> tuple[tuple[Generated, Disclosure], ...]:
    """220 documents: 110 units × 2 years, with their parse."""
    return tuple((g, document.parse_text(g.text, g.file_name)) for g in corpus(seed=777, units=110))


def _matches(expected: ExpectedRow, row: Row) -> bool:
    if row.side != expected.side:
        return False
    if expected.key is not None:
        return row.key == expected.key
    return tuple(row.codes) == expected.codes and row.name == expected.name and row.project == expected.project


def table_differences(g: Generated, disclosure: Disclosure) -> Iterator[str]:
    for tid, expected_rows in g.expected.items():
        try:
            rows = list(disclosure.table(tid).rows)
        except KeyError:
            if expected_rows:
                yield f"{tid}: table not found"
            continue
        used: set[int] = set()
        for expected in expected_rows:
            index = next((i for i, row in enumerate(rows) if i not in used and _matches(expected, row)), None)
            label = f"{tid} {expected.side or ''} {' '.join(expected.codes)} {expected.name} {expected.project or ''}"
            if index is None:
                if expected.values:
                    yield f"{label}: row not found"
                continue
            used.add(index)
            row = rows[index]
            values = {k: v for k, v in row.values.items() if v is not None}
            if values != expected.values or row.invalid:
                yield f"{label} (line {row.line}): expected {expected.values}, parsed {values} {row.invalid or ''}"
        for i, row in enumerate(rows):
            if i not in used and any(v is not None for v in row.values.values()):
                yield f"{tid} line {row.line}: unexpected row {row.name!r} {row.codes} {row.values}"


def _agreement(fact: NarrativeFact, expected: ExpectedFact, attributes: tuple[str, ...]) -> int:
    return sum(getattr(fact, a) == getattr(expected, a) for a in attributes)


@pytest.mark.slow  # 200 documents parsed and mapped (~6 s): CI, --run-slow
def test_at_least_200_documents() -> None:
    assert len(parsed()) >= 200


def test_tables_parse_back_exactly() -> None:
    problems = [f"{g.file_name}: {p}" for g, d in parsed() for p in table_differences(g, d)]
    assert not problems, "\n".join(problems[:40])


def test_no_table_findings_on_clean_documents() -> None:
    problems = [
        f"{g.file_name}: {f.code} line {f.line}: {f.message}"
        for g, d in parsed()
        for f in d.findings
        if f.severity != "info" and f.table is not None
    ]
    assert not problems, "\n".join(problems[:40])


def test_metadata() -> None:
    for g, d in parsed()[:40]:
        assert d.meta.unit == g.unit
        assert d.meta.year == g.year
        assert not d.missing, (g.file_name, d.missing)


def test_narrative_figures_parse_back() -> None:
    problems: list[str] = []
    for g, d in parsed()[:80]:
        for expected in g.narrative:
            if expected.section == "十二":
                continue  # 其他重要事项: checked below
            candidates = [f for f in d.narratives if f.line == expected.line and f.amount == expected.amount]
            if not candidates:
                problems.append(f"{g.file_name} line {expected.line}: no figure {expected.amount} ({expected.subject})")
                continue
            checked = ("share",) if expected.section == "十" else ("change", "rate", "share")  # 十: change on next line

            best = max(candidates, key=lambda fact: _agreement(fact, expected, checked))
            for attribute in checked:
                want: Decimal | None = getattr(expected, attribute)
                if want is not None and getattr(best, attribute) != want:
                    problems.append(f"{g.file_name} line {expected.line} {expected.subject}: {attribute} "
                                    f"expected {want}, parsed {getattr(best, attribute)}")
    assert not problems, "\n".join(problems[:40])


def test_staffing_running_cost_and_procurement_parse_back() -> None:
    for g, d in parsed()[:80]:
        staffing = {(s.category, s.count, s.change) for s in d.profile.staffing}
        assert staffing == {(s.category, s.count, s.change) for s in g.staffing}, g.file_name
        procurement = d.other.procurement
        assert procurement is not None, g.file_name
        for key, value in g.procurement.items():
            amount = getattr(procurement, key)
            assert amount is not None and amount.value == value, (g.file_name, key)
        running = next(f for f in g.narrative if f.subject == "机关运行经费")
        cost = d.other.running_cost
        assert cost is not None and cost.amount is not None and cost.amount.value == running.amount, g.file_name
        assert cost.change is not None, g.file_name
        assert (cost.change.amount, cost.change.rate) == (running.change, running.rate), g.file_name
