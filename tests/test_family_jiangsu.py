"""The Jiangsu 部门预算 family (mapping/families/js-department-budget.yaml, tables j01…j11): chosen for every
Jiangsu disclosure, and the hand-checked cells of each case mapped as observations of its specific tables.

The cells a j-spec leaves to the generic mapping on purpose are the 支出用途 rows of j01/j04 (no dimension of
those structures tells 基本支出 from 项目支出 there), 支出合计 of j01 and the whole 政府采购预算表 (no spec: its
rows have no dimension that tells them apart). The floors below are today's shares of specific cells."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from budgetlod.parse.document import parse_file
from budgetlod.pipeline import Converted, convert
from budgetlod.specs import family_specs
from budgetlod.text import label_key
from tests.real_cells import CASES, load_expected, source_files

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BL = "https://w3id.org/budgetlod/ontology#"
AMOUNT = "http://data.openbudgets.eu/ontology/dsd/measure/amount"
DATASET = "http://purl.org/linked-data/cube#dataSet"
J_TABLES = [f"j{n:02d}" for n in range(1, 12)]

# case -> (tables read with a j-spec in document order, floor of the share of specific cells in percent)
CASES_JS: dict[str, tuple[list[str], float]] = {}


def _present(case: str) -> bool:
    return all(path.is_file() for path in source_files(CASES / case))


@cache
def _converted(case: str) -> Converted:
    return convert(source_files(CASES / case), validate=False)


def test_family_lists_eleven_specs() -> None:
    assert [s.id for s in family_specs("js-department-budget")] == J_TABLES


def test_example_still_chooses_unit_budget() -> None:
    example = sorted(EXAMPLES.glob("*.txt"))[0]
    choice = parse_file(example).meta.family
    assert choice is not None and choice.family == "unit-budget-2024"


CASE_TABLES = {
    "real-js-congress-2019": J_TABLES,
    "real-js-congress-office-2017": J_TABLES,
    "real-js-congress-office-2018": J_TABLES,
    "real-js-cppcc-office-2017": J_TABLES,
    "real-js-cppcc-office-2019": J_TABLES,
    "real-js-party-office-2018": J_TABLES,
    "real-js-party-office-2019": J_TABLES,
}
# tables the reader finds twice today (kept as unknown tables, P-warning "appears twice"): the 2017 single file
# prints 财政拨款基本支出预算表 and 财政拨款政府性基金支出预算表 where their title and rows are split by page breaks
REREAD = {"real-js-congress-office-2017": 2}
# today's share (percent) of each case's hand-checked cells that are observations of a j-table: a floor
FLOORS = {
    "real-js-congress-2019": 80.0,
    "real-js-congress-office-2017": 79.0,
    "real-js-congress-office-2018": 80.5,
    "real-js-cppcc-office-2017": 73.0,
    "real-js-cppcc-office-2019": 82.0,
    "real-js-party-office-2018": 74.5,
    "real-js-party-office-2019": 75.0,
}


@pytest.mark.parametrize("case", sorted(CASE_TABLES))
def test_jiangsu_case_chooses_the_family_and_every_table_its_spec(case: str) -> None:
    if not _present(case):
        pytest.skip("shared/samples/real not present")
    disclosure = _converted(case).disclosure
    choice = disclosure.meta.family
    assert choice is not None and choice.family == "js-department-budget" and not choice.uncertain
    assert choice.score == choice.tables - 1  # 政府采购预算表 has no spec
    ids = [t.id for t in disclosure.tables]
    assert sorted({i for i in ids if i is not None}) == CASE_TABLES[case]
    unknown = [t.title for t in disclosure.tables if t.id is None]
    assert len(unknown) == 1 + REREAD.get(case, 0) and "政府采购" in unknown[-1]


def _names(row: str) -> set[str]:
    """The printed names an expected row label may be mapped under: the label, its sub-label, its group."""
    parts = [label_key(p) for p in row.split(" / ")]
    return {label_key(row.replace(" / ", "")), *parts}


def _title_fits(printed: str, expected: str) -> bool:
    printed, expected = label_key(printed), label_key(expected)
    return printed == expected or printed.endswith(expected) or printed.split("（")[0] == expected.split("（")[0]


def specific_share(case: str) -> tuple[int, int, list[str]]:
    """(cells found as an observation of a j-table with their amount, all cells, the others)."""
    by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for quad in _converted(case).quads:
        subject, obj = quad.subject, quad.object
        if isinstance(subject, NamedNode) and isinstance(obj, NamedNode | Literal):
            by_subject[subject.value][quad.predicate.value].append(obj.value)
    types = {s: p.get(f"{BL}tableType", [""])[0].rsplit("/", 1)[-1] for s, p in by_subject.items()}
    titles = {s: p.get(f"{BL}printedTitle", [""])[0] for s, p in by_subject.items()}
    cells: dict[tuple[str, str], set[tuple[str, Decimal]]] = defaultdict(set)  # (title, type) -> (name, amount)
    for props in by_subject.values():
        if AMOUNT in props:
            dataset = props[DATASET][0]
            name = label_key(props.get(f"{BL}printedName", [""])[0])
            cells[(titles[dataset], types[dataset])].add((name, Decimal(props[AMOUNT][0])))
    expected = load_expected(CASES / case)
    others = []
    for cell in expected:
        names = _names(cell.row) if cell.row else None
        found = any(
            table_type.startswith("j")
            and _title_fits(title, cell.table)
            and any(amount == cell.amount and (names is None or name in names) for name, amount in values)
            for (title, table_type), values in cells.items()
        )
        if not found:
            others.append(cell.where())
    return len(expected) - len(others), len(expected), others


@pytest.mark.parametrize("case", sorted(CASE_TABLES))
def test_jiangsu_cells_are_observations_of_specific_tables(case: str) -> None:
    if not _present(case):
        pytest.skip("shared/samples/real not present")
    specific, total, others = specific_share(case)
    share = 100 * specific / total
    print(f"{case}: {specific}/{total} specific ({share:.1f}%)")
    # the rest: the generic 政府采购预算表 and the 支出用途 rows / 支出合计 of j01 and j04
    rereads = ("财政拨款基本支出预算表", "财政拨款政府性基金支出预算表") if case in REREAD else ()
    assert all(any(part in o for part in ("采购", "收支预算总表", *rereads)) for o in others), others
    assert share >= FLOORS[case], (share, others)
