"""The Jiangsu 部门预算 family (mapping/families/js-department-budget.yaml, tables j01…j12): chosen for every
Jiangsu disclosure, and the hand-checked cells of each case mapped as observations of its specific tables.

The 支出用途 rows of j01/j04 (基本支出, 项目支出, 单位预留机动经费, 结转下年资金) are told apart by their expenditure
nature (function _T), j01's 当年支出小计 and 支出合计 by the balance dimension. The 政府采购预算表 (j12) rows are told
apart by procurement category, 专项 (bl:project), economic class and procurement item (budgetlod/rdf/procurement.py).
The only cells left to the generic mapping are those of the tables the 2017 single file splits (REREAD). The floors
below are today's shares of specific cells; the violations each case's validation reports are listed with why."""

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
from tests.real_cells import CASES, REAL, load_expected, source_files

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BL = "https://w3id.org/budgetlod/ontology#"
AMOUNT = "http://data.openbudgets.eu/ontology/dsd/measure/amount"
DATASET = "http://purl.org/linked-data/cube#dataSet"
SKOS = "http://www.w3.org/2004/02/skos/core#"
J_TABLES = [f"j{n:02d}" for n in range(1, 13)]

# case -> (tables read with a j-spec in document order, floor of the share of specific cells in percent)
CASES_JS: dict[str, tuple[list[str], float]] = {}


def _present(case: str) -> bool:
    return all(path.is_file() for path in source_files(CASES / case))


@cache
def _converted(case: str) -> Converted:
    return convert(source_files(CASES / case), validate=False)


def test_family_lists_twelve_specs() -> None:
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
# the printed title of the 政府采购预算表 (j12) where it is not that: the year printed before it, 支出 in 2018
PROCUREMENT_TITLES = {
    "real-js-congress-2019": "2019年政府采购预算表",
    "real-js-congress-office-2017": "2017年政府采购预算表",
    "real-js-congress-office-2018": "政府采购支出预算表",
    "real-js-cppcc-office-2017": "2017年政府采购预算表",
    "real-js-cppcc-office-2019": "2019年政府采购预算表",
    "real-js-party-office-2018": "2018年政府采购预算表",
    "real-js-party-office-2019": "2019年政府采购预算表",
}
# today's share (percent) of each case's hand-checked cells that are observations of a j-table: a floor (before the
# 政府采购预算表 had a spec, then before the 支出用途 rows had a dimension)
FLOORS = {
    "real-js-congress-2019": 100.0,  # 163/163 (137/163 84.0%; 80.4%)
    "real-js-congress-office-2017": 99.0,  # 161/162 (135/162 83.3%; 79.6%): 财政拨款基本支出预算表 split (REREAD)
    "real-js-congress-office-2018": 100.0,  # 158/158 (134/158 84.8%; 81.0%)
    "real-js-cppcc-office-2017": 100.0,  # 175/175 (135/175 77.1%; 73.1%)
    "real-js-cppcc-office-2019": 100.0,  # 154/154 (134/154 87.0%; 82.5%)
    "real-js-party-office-2018": 100.0,  # 178/178 (139/178 78.1%; 74.7%)
    "real-js-party-office-2019": 100.0,  # 181/181 (142/181 78.5%; 75.1%)
}


@pytest.mark.parametrize("case", sorted(CASE_TABLES))
def test_jiangsu_case_chooses_the_family_and_every_table_its_spec(case: str) -> None:
    if not _present(case):
        pytest.skip("shared/samples/real not present")
    disclosure = _converted(case).disclosure
    choice = disclosure.meta.family
    assert choice is not None and choice.family == "js-department-budget" and not choice.uncertain
    assert choice.score == choice.tables  # every title names a j-spec (the split tables of REREAD too)
    ids = [t.id for t in disclosure.tables]
    assert sorted({i for i in ids if i is not None}) == CASE_TABLES[case]
    unknown = [t.title for t in disclosure.tables if t.id is None]
    assert len(unknown) == REREAD.get(case, 0)
    assert [t.title for t in disclosure.tables if t.id == "j12"] == [PROCUREMENT_TITLES.get(case, "政府采购预算表")]


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
    # the rest: the tables the 2017 single file splits
    rereads = ("财政拨款基本支出预算表", "财政拨款政府性基金支出预算表") if case in REREAD else ()
    assert all(any(part in o for part in rereads) for o in others), others
    assert share >= FLOORS[case], (share, others)


NATURE = "https://w3id.org/budgetlod/codelist/expenditure-nature/"
FUNCTION = "https://w3id.org/budgetlod/codelist/function/"
BALANCE = "https://w3id.org/budgetlod/codelist/balance/"
# (case, table type, printed name, amount as printed in the PDF, nature, balance or None where the table has none):
# read from the PDFs (pdftotext -layout): 表1 / 表4's 支出用途 part and their totals
PURPOSES = [
    ("real-js-congress-2019", "j01", "基本支出", "9312.90", "basic", "expenditure"),
    ("real-js-congress-2019", "j01", "当年支出小计", "18330.37", "_T", "expenditure"),
    ("real-js-congress-2019", "j01", "支出合计", "18330.37", "_T", "_T"),
    ("real-js-congress-2019", "j04", "项目支出", "6459.58", "project", None),
    ("real-js-congress-office-2018", "j01", "单位预留机动经费", "1685.72", "reserve", "expenditure"),
    # all funds in 表1, the fiscal appropriations in 表4: 80.00 of 基本支出 is 其他资金 (表1 收入 三、其他资金)
    ("real-js-cppcc-office-2017", "j01", "基本支出", "5916.27", "basic", "expenditure"),
    ("real-js-cppcc-office-2017", "j04", "基本支出", "5836.27", "basic", None),
]


@pytest.mark.parametrize(("case", "table", "name", "amount", "nature", "balance"), PURPOSES)
def test_expenditure_purposes_are_told_apart_by_nature(
    case: str, table: str, name: str, amount: str, nature: str, balance: str | None
) -> None:
    if not _present(case):
        pytest.skip("shared/samples/real not present")
    props: dict[str, dict[str, str]] = defaultdict(dict)
    for quad in _converted(case).quads:
        subject, obj = quad.subject, quad.object
        if (
            isinstance(subject, NamedNode)
            and isinstance(obj, NamedNode | Literal)
            and f"/{table}/expenditure/" in subject.value
        ):
            props[subject.value][quad.predicate.value] = obj.value
    found = [p for p in props.values() if p.get(f"{BL}printedName") == name and p.get(AMOUNT) == amount]
    assert len(found) == 1, sorted(p.get(f"{BL}printedName", "") for p in props.values())
    (obs,) = found
    assert obs[f"{BL}functionalClassification"] == f"{FUNCTION}_T"
    assert obs[f"{BL}expenditureNature"] == NATURE + nature
    assert obs.get(f"{BL}balanceItem") == (BALANCE + balance if balance else None)


# the Violations each case's validation reports (shape, the figures of the message): the two real errors of the
# narratives, nothing else — the tables of every case hold all of shapes/jiangsu.ttl's identities
VIOLATIONS: dict[str, list[tuple[str, str]]] = {
    "real-js-congress-2019": [],
    "real-js-congress-office-2017": [],
    # 情况说明（一）预留机动经费 1685.72 up 1557.29 from 128.43: the rate is 1212.56%, printed 1312.56%
    "real-js-congress-office-2018": [("NarrativeRateMatchesChange", "增减率 1312.56% ≠")],
    "real-js-cppcc-office-2017": [],
    "real-js-cppcc-office-2019": [],
    "real-js-party-office-2018": [],
    # 情况说明（一）住房保障 3894.09 up 878.93 from 3015.16: the rate is 29.15%, printed 30.00%
    "real-js-party-office-2019": [("NarrativeRateMatchesChange", "增减率 30.00% ≠")],
}


@pytest.mark.parametrize("case", sorted(VIOLATIONS))
def test_jiangsu_case_violations(case: str) -> None:
    if not _present(case):
        pytest.skip("shared/samples/real not present")
    report = convert(source_files(CASES / case), validate=True).report
    assert report is not None
    found = sorted((r.shape.rsplit("#", 1)[-1], r.message("zh")) for r in report.results if r.severity == "violation")
    expected = VIOLATIONS[case]
    assert len(found) == len(expected), found
    assert all(
        shape == want and part in message
        for (shape, message), (want, part) in zip(found, sorted(expected), strict=True)
    ), found


CATEGORY = "https://w3id.org/budgetlod/codelist/procurement-category/"
ECONOMIC = "https://w3id.org/budgetlod/codelist/economic/"
LEVEL = "https://w3id.org/budgetlod/codelist/level/"
PARTY_2017 = ["js-provincial-party-office-2017-budget-text.pdf", "js-provincial-party-office-2017-budget-tables.pdf"]
# (case or the files of a disclosure without a case, printed name, amount, category, 专项, economic code, level) of
# the 政府采购预算表 (j12), read from the PDFs (pdftotext -layout); the 专项 of a row that prints none is the one above
PROCUREMENT = [
    ("real-js-party-office-2019", "合计", "1422.50", "_T", None, "_T", "total"),
    ("real-js-party-office-2019", "PC服务器", "3.00", "A", "机要及电子政务业务费", "31002", "entry"),
    # 培训费 prints no 专项 (the 商品和服务支出 of the 会议费 row above); its 会议服务 item neither
    ("real-js-party-office-2019", "培训费", "25.00", "C", "商品和服务支出", "30216", "project"),
    ("real-js-cppcc-office-2017", "合计", "1271.22", "_T", None, "_T", "total"),
    ("real-js-cppcc-office-2017", "其他货物", "72.45", "A", "省政协全委会", "30215", "entry"),
    # on the table's second page, under its repeated header
    ("real-js-cppcc-office-2017", "住宿服务", "362.60", "C", "省政协全委会", "30215", "entry"),
    ("real-js-congress-2019", "合计", "2416.43", "_T", None, "_T", "total"),
    ("real-js-congress-2019", "其他计算机设备及软件", "180.00", "A", "信息化建设经费", "30299", "entry"),
    ("real-js-congress-2019", "会议服务", "1035.00", "C", "江苏省第十三届人代会二次会议经费", "30215", "entry"),
    # party-office-2017: the table runs over three pages; 便携式计算机 is printed on one line with its 专项
    ("party-office-2017", "合计", "1774.70", "_T", None, "_T", "total"),
    ("party-office-2017", "便携式计算机（20万以下）", "3.50", "A", "机要及电子政务业务费", "31002", "entry"),
    ("party-office-2017", "炼焦产品、炼油产品", "346.20", "A", "交通运行费", "30231", "entry"),
]


@cache
def _converted_files(key: str) -> Converted:
    if key == "party-office-2017":
        return convert([REAL / name for name in PARTY_2017], validate=False)
    return _converted(key)


def _files_present(key: str) -> bool:
    return all((REAL / name).is_file() for name in PARTY_2017) if key == "party-office-2017" else _present(key)


@pytest.mark.parametrize(("key", "name", "amount", "category", "project", "economic", "level"), PROCUREMENT)
def test_procurement_rows_are_placed(
    key: str, name: str, amount: str, category: str, project: str | None, economic: str, level: str
) -> None:
    if not _files_present(key):
        pytest.skip("shared/samples/real not present")
    props: dict[str, dict[str, str]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for quad in _converted_files(key).quads:
        subject, obj = quad.subject, quad.object
        if not isinstance(subject, NamedNode) or not isinstance(obj, NamedNode | Literal):
            continue
        if quad.predicate.value in ("http://www.w3.org/2000/01/rdf-schema#label", f"{SKOS}prefLabel"):
            labels[subject.value] = obj.value
        if "/j12/" in subject.value:
            props[subject.value][quad.predicate.value] = obj.value
    found = [p for p in props.values() if p.get(f"{BL}printedName") == name and p.get(AMOUNT) == amount]
    assert len(found) == 1, sorted((p.get(f"{BL}printedName", ""), p.get(AMOUNT, "")) for p in props.values())
    (obs,) = found
    assert obs[f"{BL}procurementCategory"] == CATEGORY + category
    assert obs[f"{BL}economicClassification"] == ECONOMIC + economic
    if project is None:
        assert obs[f"{BL}project"] == "https://w3id.org/budgetlod/codelist/project/_T"
    else:
        assert labels[obs[f"{BL}project"]] == project
    assert obs[f"{BL}aggregationLevel"] == LEVEL + level
    item = obs[f"{BL}procurementItem"]
    assert (labels.get(item) == name) if level == "entry" else item.endswith("/procurement-item/_T")


@pytest.mark.parametrize("key", [*sorted(CASE_TABLES), "party-office-2017"])
def test_no_procurement_cell_is_generic(key: str) -> None:
    if not _files_present(key):
        pytest.skip("shared/samples/real not present")
    converted = _converted_files(key)
    (table,) = [t for t in converted.disclosure.tables if "采购" in t.title]
    assert table.id == "j12"
    generic = {
        q.subject.value
        for q in converted.quads
        if q.predicate.value == f"{BL}tableType" and q.object.value.endswith("/generic")
    }
    titles = {q.subject.value: q.object.value for q in converted.quads if q.predicate.value == f"{BL}printedTitle"}
    assert not any("采购" in titles.get(g, "") for g in generic)
