"""The named query ``cross-document-checks`` (issue 17): on a generated corpus of 2 units × 2 years (2023, 2024;
``budgetlod.testing.corpus.generate``, seed 7), whose narratives state changes consistent with the previous year's
tables, it lists nothing; after one 2024 narrative states a change 1.00 万元 off (its rate recomputed so the
document itself stays consistent: no rule of one disclosure can see it), it lists exactly that statement, with
the prior amount it implies and last year's table figure — both computed here from the generator's figures."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from named_queries import run

from budgetlod.ingest.bulk import ingest
from budgetlod.query.run import open_store
from budgetlod.testing.corpus import Generated, generate

SEED = 7
UNITS = 2
YEARS = (2023, 2024)
BROKEN = (1, 2024)
YEAR_IRI = "http://reference.data.gov.uk/id/year/{}"


def total_row(document: Generated, table: str) -> dict[str, Decimal]:
    return next(r.values for r in document.expected[table] if not r.codes and r.side is None and r.project is None)


def wording(change: Decimal, rate: Decimal) -> str:
    """比上年预算增加 2.00 万元，增长 18.18% as the generator prints it."""
    more = change >= 0
    return (
        f"比上年预算{'增加' if more else '减少'} {abs(change):,.2f} 万元，{'增长' if more else '下降'} {abs(rate):.2f}%"
    )


def restate_basic_change(document: Generated, delta: Decimal) -> tuple[str, Any, Decimal]:
    """The document with section three's 基本支出 change made ``delta`` smaller (so a prior ``delta`` larger), its
    rate recomputed; the statement and the new prior amount (万元)."""
    fact = next(f for f in document.narrative if f.section == "三" and f.subject == "基本支出")
    assert fact.amount is not None and fact.change is not None and fact.rate is not None
    change = fact.change - delta
    prior = fact.amount - change
    rate = (change * 100 / prior).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    lines = document.text.split("\n")
    old = wording(fact.change, fact.rate)
    assert lines[fact.line - 1].count(old) == 1, lines[fact.line - 1]
    lines[fact.line - 1] = lines[fact.line - 1].replace(old, wording(change, rate))
    return "\n".join(lines), fact, prior


@pytest.fixture(scope="module")
def corpus() -> dict[tuple[int, int], Generated]:
    return {(index, year): generate(SEED, index, year=year) for index in range(UNITS) for year in YEARS}


def store_of(corpus: dict[tuple[int, int], Generated], folder: Path, texts: dict[tuple[int, int], str]) -> Any:
    for key, document in corpus.items():
        (folder / document.file_name).write_text(texts.get(key, document.text), encoding="utf-8")
    summary = ingest([folder], folder / "store")
    assert not summary.failed and len(summary.outcomes) == len(corpus)
    return open_store(folder / "store")


def test_consistent_years_give_nothing(corpus: dict[tuple[int, int], Generated], tmp_path: Path) -> None:
    store = store_of(corpus, tmp_path, {})
    assert run(store, "cross-document-checks") == []


def test_a_prior_figure_off_last_years_table_is_listed(
    corpus: dict[tuple[int, int], Generated], tmp_path: Path
) -> None:
    text, fact, prior = restate_basic_change(corpus[BROKEN], Decimal("1.00"))
    store = store_of(corpus, tmp_path, {BROKEN: text})
    last_year = total_row(corpus[(BROKEN[0], 2023)], "t03")["基本支出"]
    assert prior - last_year == Decimal("1.00")
    rows = run(store, "cross-document-checks")
    assert [
        (
            r["unitName"],
            r["year"],
            r["priorYear"],
            r["section"],
            r["name"],
            r["statedPriorYuan"],
            r["tableYuan"],
            r["differenceYuan"],
            r["line"],
        )
        for r in rows
    ] == [
        (
            corpus[BROKEN].unit,
            YEAR_IRI.format(2024),
            YEAR_IRI.format(2023),
            "三",
            "基本支出",
            prior * 10000,
            last_year * 10000,
            Decimal(10000),
            fact.line,
        )
    ]
    assert rows[0]["disclosure"].endswith("/2024/unit-budget") and rows[0]["priorDisclosure"].endswith(
        "/2023/unit-budget"
    )
    assert run(store, "cross-document-checks", year="2024") == rows
    assert run(store, "cross-document-checks", year="2023") == []  # no 2022 disclosure to compare with
