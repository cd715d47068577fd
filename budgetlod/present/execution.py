"""A budget unit's page: its budget and final accounts of each year side by side, with the execution rate.

The figures come from the named queries ``execution-by-unit`` (total expenditure, basic, project: the total rows
of the budget's table 3 and the final accounts' table 3) and ``execution-sangong`` (the three public expenses:
the budget's table 10, the final accounts' table 7), run with the unit bound and every year; the page shows what
they answer (in yuan, the rate in percent), so the page and the queries never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QuerySolution

from budgetlod.present.describe import amount, select, value, year_of
from budgetlod.query.library import named_query
from budgetlod.store.base import QuadReader
from budgetlod.store.values import with_values

FIGURES_QUERY = "execution-by-unit"
SANGONG_QUERY = "execution-sangong"


@dataclass(frozen=True)
class Line:
    """One figure of a year: the budget's amount, the final accounts', the rate (display text; "" when blank)."""

    label: str
    budget: str
    final: str
    rate: str
    sangong: bool = False


@dataclass
class YearPair:
    """A year's budget disclosure and final-accounts disclosure of the unit, and their figures."""

    year: str
    budget: str  # the disclosures' IRIs
    final: str
    lines: list[Line] = field(default_factory=list)


def _figure_label(text: str, lang: str) -> str:
    """``支出合计 total`` -> ``支出合计`` (zh) or ``total`` (en): the query's figure names say both."""
    zh, _, en = text.partition(" ")
    return zh if lang == "zh" or not en else en


def _text(solution: QuerySolution, name: str) -> str:
    found = value(solution, name)
    return "" if found is None else amount(found)


def _rate(solution: QuerySolution) -> str:
    found = value(solution, "ratePercent")
    return "" if found is None else f"{amount(found)}%"


def _pairs(rows: list[QuerySolution], pairs: dict[tuple[str, str], YearPair]) -> None:
    for s in rows:
        budget, final = value(s, "budget") or "", value(s, "final") or ""
        pairs.setdefault((budget, final), YearPair(year_of(value(s, "year")), budget, final))


def budget_against_actual(
    store: QuadReader, unit: str, lang: str, label_of: Callable[[str], str | None]
) -> list[YearPair]:
    """Every year of ``unit`` that has a budget and final accounts in the store, newest first. ``label_of`` gives a
    三公 category's label in the page's language (the query gives the Chinese one)."""
    # the unit bound by a VALUES block, as `budgetlod query` binds it (the store plans it as data); every year
    bound = {"unit": NamedNode(unit)}
    figures = select(store, with_values(named_query(FIGURES_QUERY).text, bound))
    sangong = select(store, with_values(named_query(SANGONG_QUERY).text, bound))
    pairs: dict[tuple[str, str], YearPair] = {}
    _pairs(figures, pairs)
    _pairs(sangong, pairs)
    for s in figures:
        pair = pairs[(value(s, "budget") or "", value(s, "final") or "")]
        label = _figure_label(value(s, "figure") or "", lang)
        pair.lines.append(Line(label, _text(s, "budgetYuan"), _text(s, "finalYuan"), _rate(s)))
    for s in sangong:
        pair = pairs[(value(s, "budget") or "", value(s, "final") or "")]
        category = value(s, "category") or ""
        label = label_of(category) or value(s, "categoryName") or category
        pair.lines.append(Line(label, _text(s, "budgetYuan"), _text(s, "finalYuan"), _rate(s), sangong=True))
    return sorted(pairs.values(), key=lambda p: (p.year, p.budget, p.final), reverse=True)
