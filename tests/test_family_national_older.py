"""The older national 部门预算 / 单位预算 layout (2015–2020, family ``national-budget-2017``, issue 17).

Cases: ``tests/cases/national-2017-department-budget`` (all eight tables, 行次 columns) and
``tests/cases/national-2019-unit-budget`` (a 单位, 行次 and 栏次). Figures written by hand from the sources.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from expected import parsed_figures, read_expected
from pyoxigraph import Literal, NamedNode, Quad

from budgetlod.model import Disclosure
from budgetlod.parse.document import parse_file, parse_text
from budgetlod.pipeline import convert_disclosure
from budgetlod.prefixes import iri

CASES = Path(__file__).resolve().parent / "cases"
DEPARTMENT = CASES / "national-2017-department-budget" / "source.txt"
UNIT = CASES / "national-2019-unit-budget" / "source.txt"
COUNT_ROWS = {"因公出国（境）团组数（个）", "因公出国（境）人次数（人）", "公务用车购置数（辆）", "公务用车保有量（辆）",
              "国内公务接待批次（个）", "国内公务接待人次（人）"}  # fmt: skip


def _rows(disclosure: Disclosure, table: str) -> dict[str, dict[str, Decimal | None]]:
    found = next(t for t in disclosure.tables if t.id == table)
    return {f"{r.side or ''}|{r.code}|{r.name}": dict(r.values) for r in found.rows}


def test_the_family_is_chosen_with_its_evidence() -> None:
    disclosure = parse_file(DEPARTMENT)
    family = disclosure.meta.family
    assert family is not None
    assert (family.family, family.score, family.tables, family.uncertain) == ("national-budget-2017", 8, 8, False)
    assert family.matched[6] == "一般公共预算“三公”经费支出预算表 -> n07"
    assert [t.id for t in disclosure.tables] == ["n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08"]
    assert [t.id for t in disclosure.tables if t.empty] == ["n08"]
    assert not [f for f in disclosure.findings if f.code == "P117"]


def test_unit_titles_choose_it_too() -> None:
    disclosure = parse_file(UNIT)
    assert disclosure.meta.family is not None and disclosure.meta.family.family == "national-budget-2017"
    assert [t.id for t in disclosure.tables] == ["n01", "n05", "n07"]
    assert (disclosure.meta.year, disclosure.meta.level, disclosure.meta.phase) == (2019, "单位", "预算")


def test_the_unit_case_reads_every_hand_written_figure() -> None:
    """Every figure of expected.tsv (万元, counts as printed) on its row, column and line; nothing else."""
    expected = read_expected(UNIT.parent / "expected.tsv")
    got = parsed_figures(parse_file(UNIT))  # in yuan: x 10,000
    assert {k: (v / 10000, line) for k, (v, line) in got.items()} == expected


def test_the_row_numbers_are_never_amounts_nor_codes() -> None:
    disclosure = parse_file(DEPARTMENT)
    for table in disclosure.tables:
        assert all("行次" not in c.path and "行次" not in c.printed for c in table.columns), table.id
    n02 = _rows(disclosure, "n02")
    assert n02["|2010302|一般行政管理事务"] == {
        "合计": Decimal("150.00"), "财政拨款": Decimal("130.00"), "事业收入": None,
        "事业单位经营收入": None, "其他收入": None, "上年结转": Decimal("20.00"),
    }  # fmt: skip
    n01 = _rows(disclosure, "n01")
    assert n01["income||本年收入合计"] == {"预算数": Decimal("880.00")}
    assert n01["expenditure|208|社会保障和就业支出"] == {"预算数": Decimal("80.00")}
    n04 = next(t for t in disclosure.tables if t.id == "n04")
    assert [c.path for c in n04.columns] == ["预算数", "合计", "一般公共预算", "政府性基金预算"]
    assert [r.codes for r in _table(disclosure, "n06").rows[:3]] == [(), ("301",), ("301", "01")]


def _table(disclosure: Disclosure, table: str):  # type: ignore[no-untyped-def]
    return next(t for t in disclosure.tables if t.id == table)


def test_the_column_numbers_row_is_no_data() -> None:
    disclosure = parse_file(UNIT)
    n05 = _table(disclosure, "n05")
    assert [(c.path, c.number) for c in n05.columns] == [("合计", 1), ("基本支出", 2), ("项目支出", 3)]
    assert n05.rows[0].name == "合计" and n05.rows[0].values["合计"] == Decimal("120.00")
    assert all(r.name != "栏次" for t in disclosure.tables for r in t.rows)


def test_sangong_meeting_and_training_rows_are_their_own_items() -> None:
    n07 = _table(parse_file(DEPARTMENT), "n07")
    keys = {r.name: (r.key, r.values["预算数"]) for r in n07.rows}
    assert keys["合计"] == ("total", Decimal("55.00"))
    assert keys["会议费"] == ("meeting", Decimal("8.00"))
    assert keys["培训费"] == ("training", Decimal("12.00"))
    assert keys["公务用车运行费"] == ("vehicle_operation", Decimal("20.00"))
    assert keys["公务用车保有量（辆）"] == ("vehicles_held", Decimal("4"))


@pytest.fixture(scope="module")
def department_graph() -> list[Quad]:
    return convert_disclosure(parse_file(DEPARTMENT), validate=False).quads


def _value(term: object) -> str:
    assert isinstance(term, (NamedNode, Literal)), term
    return term.value


def _subjects(quads: list[Quad], predicate: str, value: Literal | NamedNode) -> set[str]:
    return {_value(q.subject) for q in quads if q.predicate.value == predicate and q.object == value}


def test_count_rows_are_counts_not_yuan(department_graph: list[Quad]) -> None:
    name = iri("bl:printedName")
    amount = "http://data.openbudgets.eu/ontology/dsd/measure/amount"
    for label in COUNT_ROWS:
        subjects = _subjects(department_graph, name, Literal(label, language="zh"))
        assert len(subjects) == 1, label
        (node,) = subjects
        about = {q.predicate.value: q.object for q in department_graph if _value(q.subject) == node}
        assert about[iri("rdf:type")] == NamedNode(iri("bl:CountFigure")), label
        assert amount not in about and iri("bl:amountInYuan") not in about, label
    held = _subjects(department_graph, name, Literal("公务用车保有量（辆）", language="zh")).pop()
    about = {q.predicate.value: q.object for q in department_graph if _value(q.subject) == held}
    assert about[iri("bl:itemCount")] == Literal("4", datatype=NamedNode(iri("xsd:integer")))
    assert about[iri("bl:countUnit")] == Literal("辆", language="zh")
    assert held.endswith("/n07/vehicles_held/amount")


def test_meeting_and_training_are_specific_observations(department_graph: list[Quad]) -> None:
    category = iri("bl:sangongCategory")
    found = {
        _value(q.object).rsplit("/", 1)[-1]
        for q in department_graph
        if q.predicate.value == category and "/n07/" in _value(q.subject)
    }
    assert found == {"_T", "abroad", "vehicle", "vehicle_operation", "reception", "meeting", "training"}


def _violations(text: str) -> list[str]:
    from budgetlod.pipeline import convert_disclosure as convert

    report = convert(parse_text(text, "national.txt")).report
    assert report is not None
    return [r.shape.rsplit("#", 1)[-1] for r in report.results if r.severity == "violation"]


def test_the_consistent_documents_have_no_violation() -> None:
    assert _violations(DEPARTMENT.read_text(encoding="utf-8")) == []
    assert _violations(UNIT.read_text(encoding="utf-8")) == []


def test_the_sangong_total_check_still_works() -> None:
    text = DEPARTMENT.read_text(encoding="utf-8").replace("| 合计 | 1 | 55.00 |", "| 合计 | 1 | 57.00 |")
    assert _violations(text) == ["ItemisedTotalIsSumOfItems"]


def test_a_sangong_table_with_most_money_rows_blank_keeps_its_columns() -> None:
    """A county's 三公 table often prints only a few of its eight money rows; below them the count rows print whole
    numbers (团组数 1, 保有量 4). With three money rows blank the 预算数 column was taken for a label column (its
    whole numbers read as codes) and every row was an unknown row named by its amount."""
    text = DEPARTMENT.read_text(encoding="utf-8")
    for row in ("| 1．因公出国（境）费 | 2 | 5.00 |", "| 公务用车运行费 | 5 | 20.00 |", "| 4．会议费 | 7 | 8.00 |"):
        assert row in text
        text = text.replace(row, row.rsplit("|", 2)[0] + "| |")
    document = parse_text(text, name="blank-sangong.txt")
    n07 = _table(document, "n07")
    keys = {r.name: (r.key, r.values["预算数"]) for r in n07.rows}
    assert keys["合计"] == ("total", Decimal("55.00"))
    assert keys["因公出国（境）费"] == ("abroad", None)  # blank: not reported, not 0
    assert keys["培训费"] == ("training", Decimal("12.00"))
    assert keys["国内公务接待人次（人）"] == ("reception_persons", Decimal("300"))
    assert not [f for f in document.findings if f.code == "P204"]
