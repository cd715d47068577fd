"""Budget against actual (issue 17): a unit's 预算 and 决算 of the same year in one store.

The 预算 is the bundled example (乌鲁木齐市 12345 政务服务热线中心, 2024 单位预算); the 决算 is
``fixtures/budget-actual/wlmq-12345-hotline-2024-final-accounts.txt``, the national 部门决算 template's nine tables
(f01 … f09) as Markdown, with figures chosen for this test (万元):

=====================  ===========  ===========
figure                 预算 (表3/10)  决算 (表3/7)
=====================  ===========  ===========
支出合计                 1,487.40     1,400.00
基本支出                   502.40       490.00
项目支出                   985.00       910.00
201 一般公共服务支出      1,432.05     1,346.00   (basic 447.05 / 436.00, project 985.00 / 910.00)
208 社会保障和就业支出       55.35        54.00   (basic only)
三公 合计 = 公务用车 = 运行费   3.78         3.50   (the 决算 prints 预算数 3.78: agrees with the 预算)
=====================  ===========  ===========

Execution rates, by hand (决算 ÷ 预算, percent, two decimals): 1,400.00 / 1,487.40 = 94.12%; 490.00 / 502.40 =
97.53%; 910.00 / 985.00 = 92.39%; 201: 1,346.00 / 1,432.05 = 93.99%; 208: 54.00 / 55.35 = 97.56%; 201 basic
436.00 / 447.05 = 97.53%; 三公 3.50 / 3.78 = 92.59%. A variant of the 决算 prints 预算数 4.00 for the three 三公
cells: each disagrees with the 预算's 3.78 by 0.22 万元 = 2,200 元.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from budget_actual import AGREEING_ROW, DISAGREEING_ROW, FINAL, write_disagreeing_final
from live_server import get, running_server
from named_queries import run
from paths import SAMPLE

from budgetlod.query.run import open_store

YEAR = "http://reference.data.gov.uk/id/year/2024"
UNIT = "https://w3id.org/budgetlod/id/unit/c694353348dbd08a"
BUDGET = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
ACTUAL = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/department-final"
SANGONG = "https://w3id.org/budgetlod/codelist/sangong/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WAN = Decimal(10000)  # yuan in a 万元



def yuan(wan: str) -> Decimal:
    return Decimal(wan) * WAN


def rate(final: str, budget: str) -> Decimal:
    """决算 ÷ 预算 in percent, two decimals (half up, as SPARQL's ROUND does for positive numbers)."""
    return (Decimal(final) * 100 / Decimal(budget)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ingest(folder: Path, *files: Path) -> Any:
    """The files ingested with the command line (``budgetlod ingest --store …``); the store opened."""
    store = folder / "store"
    command = [sys.executable, "-m", "budgetlod", "ingest", "--store", str(store), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "0 failed" in done.stderr + done.stdout, done.stderr
    return open_store(store)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("budget-actual")
    store = ingest(folder, SAMPLE, FINAL)
    del store  # closed: the server opens it next
    return folder / "store"


@pytest.fixture(scope="module")
def store(store_path: Path) -> Any:
    return open_store(store_path)


def test_the_rates_by_hand() -> None:
    # the figures of the docstring, so that a reader can check the expectations below
    assert rate("1400.00", "1487.40") == Decimal("94.12")
    assert rate("490.00", "502.40") == Decimal("97.53")
    assert rate("910.00", "985.00") == Decimal("92.39")
    assert rate("1346.00", "1432.05") == Decimal("93.99")
    assert rate("54.00", "55.35") == Decimal("97.56")
    assert rate("436.00", "447.05") == Decimal("97.53")
    assert rate("3.50", "3.78") == Decimal("92.59")


def test_execution_by_unit(store: Any) -> None:
    rows = run(store, "execution-by-unit", year="2024")
    assert [(r["figure"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in rows] == [
        ("支出合计 total", yuan("1487.40"), yuan("1400.00"), Decimal("94.12")),
        ("基本支出 basic", yuan("502.40"), yuan("490.00"), Decimal("97.53")),
        ("项目支出 project", yuan("985.00"), yuan("910.00"), Decimal("92.39")),
    ]
    assert {(r["year"], r["unitName"], r["unit"], r["budget"], r["final"]) for r in rows} == {
        (YEAR, "乌鲁木齐市12345政务服务热线中心", UNIT, BUDGET, ACTUAL)
    }
    # the same answer with the parameters bound by pyoxigraph's substitutions, and for the unit in every year
    assert run(store, "execution-by-unit", binding="substitutions", year="2024") == rows
    assert run(store, "execution-by-unit", year="", unit=UNIT) == rows
    assert run(store, "execution-by-unit", year="2023") == []
    assert run(store, "execution-by-unit", unit=UNIT + "0") == []


def test_execution_by_function(store: Any) -> None:
    rows = run(store, "execution-by-function", year="2024")
    assert [(r["classCode"], r["className"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in rows] == [
        ("201", "一般公共服务支出", yuan("1432.05"), yuan("1346.00"), Decimal("93.99")),
        ("208", "社会保障和就业支出", yuan("55.35"), yuan("54.00"), Decimal("97.56")),
    ]
    basic = run(store, "execution-by-function", year="2024", nature="basic")
    assert [(r["classCode"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in basic] == [
        ("201", yuan("447.05"), yuan("436.00"), Decimal("97.53")),
        ("208", yuan("55.35"), yuan("54.00"), Decimal("97.56")),
    ]
    # 208 has no project expenditure on either side: no row (a blank is not 0)
    project = run(store, "execution-by-function", year="2024", nature="project")
    assert [(r["classCode"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in project] == [
        ("201", yuan("985.00"), yuan("910.00"), Decimal("92.39")),
    ]
    assert run(store, "execution-by-function", binding="substitutions", year="2024", nature="basic") == basic


def test_execution_sangong(store: Any) -> None:
    rows = run(store, "execution-sangong", year="2024")
    # the categories either side prints (因公出国, 公务接待, 购置费 are blank on both: no row)
    assert [(r["category"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in rows] == [
        (SANGONG + "_T", yuan("3.78"), yuan("3.50"), Decimal("92.59")),
        (SANGONG + "vehicle", yuan("3.78"), yuan("3.50"), Decimal("92.59")),
        (SANGONG + "vehicle_operation", yuan("3.78"), yuan("3.50"), Decimal("92.59")),
    ]
    assert [r["categoryName"] for r in rows] == ["合计", "公务用车购置及运行费", "公务用车运行费"]
    assert run(store, "execution-sangong", binding="substitutions", year="2024") == rows


def test_units_totals_has_a_row_for_the_budget_and_one_for_the_final(store: Any) -> None:
    # 预算: 表1 收入总计 1,487.40, 表3 总计 1,487.40 = 502.40 + 985.00; 决算: 决算表1 收入总计 1,400.00,
    # 决算表3 合计行 本年支出合计 1,400.00 = 基本支出 490.00 + 项目支出 910.00 (万元): one row each, nothing added
    rows = run(store, "units-totals", year="2024")
    assert [(r["kind"], r["incomeYuan"], r["expenditureYuan"], r["basicYuan"], r["projectYuan"], r["disclosure"])
            for r in rows] == [
        ("单位预算", yuan("1487.40"), yuan("1487.40"), yuan("502.40"), yuan("985.00"), BUDGET),
        ("部门决算", yuan("1400.00"), yuan("1400.00"), yuan("490.00"), yuan("910.00"), ACTUAL),
    ]
    assert {r["year"] for r in rows} == {YEAR}


def test_printed_budget_figures_that_agree_are_not_listed(store: Any) -> None:
    assert run(store, "final-budget-disagreements") == []
    assert run(store, "final-budget-disagreements", year="2024") == []


def test_printed_budget_figures_that_disagree_are_listed(tmp_path: Path) -> None:
    text = FINAL.read_text(encoding="utf-8")
    assert text.count(AGREEING_ROW) == 1
    variant = tmp_path / FINAL.name
    variant.write_text(text.replace(AGREEING_ROW, DISAGREEING_ROW), encoding="utf-8")
    store = ingest(tmp_path, SAMPLE, variant)
    rows = run(store, "final-budget-disagreements", year="2024")
    final_table, budget_table = ACTUAL + "/f07/", BUDGET + "/t10/"
    found = [(r["category"], r["printedYuan"], r["budgetYuan"], r["differenceYuan"], r["budgetCell"]) for r in rows]
    assert found == [
        (SANGONG + "_T", yuan("4.00"), yuan("3.78"), Decimal(2200), budget_table + "total/total"),
        (SANGONG + "vehicle", yuan("4.00"), yuan("3.78"), Decimal(2200), budget_table + "vehicle/total"),
        (
            SANGONG + "vehicle_operation",
            yuan("4.00"),
            yuan("3.78"),
            Decimal(2200),
            budget_table + "vehicle_operation/total",
        ),
    ]
    # the final accounts' cells are the 预算数 (approved) columns of its table 7
    assert all(r["finalCell"].startswith(final_table) and r["finalCell"].endswith("-approved") for r in rows)
    assert {(r["final"], r["budget"]) for r in rows} == {(ACTUAL, BUDGET)}
    # the executed figures are unchanged: the rate stays 92.59%
    assert {r["ratePercent"] for r in run(store, "execution-sangong")} == {Decimal("92.59")}


def ingest_stderr(store: Path, *arguments: Path | str) -> str:
    """One ``budgetlod ingest --store STORE --quiet ARGUMENTS`` run (exit code 0): what it printed on stderr."""
    command = [sys.executable, "-m", "budgetlod", "ingest", "--store", str(store), "--quiet", *map(str, arguments)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stderr


def x001_lines(loaded: Path, final: Path, budget: Path) -> list[str]:
    """The three findings X001 of the disagreeing 决算 (预算数 4.00 against the 预算's 3.78: 0.22 万元), by hand."""
    cells = [
        ("合计", "表7 财政拨款 合计/预算数", "表10 合计 合计"),
        ("公务用车购置及运行费", "表7 财政拨款 公务用车购置及运行费/小计/预算数", "表10 公务用车购置及运行费（小计） 合计"),
        ("公务用车运行费", "表7 财政拨款 公务用车购置及运行费/公务用车运行费/预算数", "表10 公务用车运行费 合计"),
    ]
    return [
        f"[WARNING] {loaded}: {name} ({cell}): the 决算 prints 预算数 4.00 万元, the 预算 3.78 万元 ({budget_cell}): "
        f"difference 0.22 万元 (决算 {final}; 预算 {budget}) (X001)"
        for name, cell, budget_cell in cells
    ]


def findings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.endswith("(X001)")]


def test_ingesting_the_final_after_its_budget_reports_each_disagreement(tmp_path: Path) -> None:
    store, final = tmp_path / "store", write_disagreeing_final(tmp_path)
    assert findings_of(ingest_stderr(store, SAMPLE)) == []
    assert findings_of(ingest_stderr(store, final)) == x001_lines(final, final, SAMPLE)
    report = (store / "ingest-report.tsv").read_text(encoding="utf-8").splitlines()
    assert report[0].split("\t")[-1] == "findings"
    assert report[1].split("\t")[-1] == " | ".join(
        "X001: " + line.split(": ", 1)[1].removesuffix(" (X001)") for line in x001_lines(final, final, SAMPLE))


def test_ingesting_the_budget_after_its_final_reports_them_for_the_budget(tmp_path: Path) -> None:
    store, final = tmp_path / "store", write_disagreeing_final(tmp_path)
    assert findings_of(ingest_stderr(store, final)) == []
    assert findings_of(ingest_stderr(store, SAMPLE)) == x001_lines(SAMPLE, final, SAMPLE)


def test_one_run_with_both_reports_them_once_for_the_final(tmp_path: Path) -> None:
    store, final, report = tmp_path / "store", write_disagreeing_final(tmp_path), tmp_path / "report.json"
    assert findings_of(ingest_stderr(store, "--report", report, SAMPLE, final)) == x001_lines(final, final, SAMPLE)
    by_file = {row["file"]: row["findings"] for row in json.loads(report.read_text(encoding="utf-8"))["files"]}
    assert by_file[str(SAMPLE)] == []
    assert [(f["code"], f["severity"]) for f in by_file[str(final)]] == [("X001", "warning")] * 3
    assert by_file[str(final)][0]["message"] == x001_lines(final, final, SAMPLE)[0].split(": ", 1)[1].removesuffix(
        " (X001)")


def test_a_final_that_agrees_with_its_budget_gives_no_finding(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert findings_of(ingest_stderr(store, SAMPLE)) == []
    stderr = ingest_stderr(store, FINAL)
    assert "X001" not in stderr and "[WARNING]" not in stderr
    report = (store / "ingest-report.tsv").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[-1] for line in report[1:]] == [""]


class ExecutionTables(HTMLParser):
    """The ``<table class="execution">`` of a unit page: per ``data-year``, its rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.year: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "execution" in (found.get("class") or "").split():
            self.year = found.get("data-year") or ""
            self.tables[self.year] = []
        elif self.year is not None and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None and self.year is not None:
            self.tables[self.year].append(self.row)
            self.row = None
        elif tag == "table":
            self.year, self.in_body = None, False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


@pytest.fixture(scope="module")
def server(store_path: Path, store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    del store  # the queries above are run first; the server opens the store read-only beside them
    with running_server(store_path, tmp_path_factory.mktemp("server")) as live:
        yield live


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("zh", ["支出合计", "基本支出", "项目支出", "“三公”经费", "合计", "公务用车购置及运行费", "公务用车运行费"]),
        ("en", ["total", "basic", "project", "Three public expenses"]),
    ],
)
def test_unit_page_shows_budget_and_actual_side_by_side(server: Any, lang: str, labels: list[str]) -> None:
    answer = get(server, f"/id/unit/c694353348dbd08a?lang={lang}", accept=BROWSER)
    assert answer.status == 200, answer.text[:500]
    parser = ExecutionTables()
    parser.feed(answer.text)
    assert list(parser.tables) == ["2024"]
    rows = parser.tables["2024"]
    assert [r[0] for r in rows][: len(labels)] == labels
    figures = [r[1:] for r in rows if len(r) == 4]
    assert figures == [
        ["14,874,000.00", "14,000,000.00", "94.12%"],
        ["5,024,000.00", "4,900,000.00", "97.53%"],
        ["9,850,000.00", "9,100,000.00", "92.39%"],
        ["37,800.00", "35,000.00", "92.59%"],
        ["37,800.00", "35,000.00", "92.59%"],
        ["37,800.00", "35,000.00", "92.59%"],
    ]
    # the two disclosures are linked from the table's head
    assert "/id/disclosure/c694353348dbd08a/2024/unit-budget" in answer.text
    assert "/id/disclosure/c694353348dbd08a/2024/department-final" in answer.text


def test_queries_over_http(server: Any) -> None:
    # the same answer at /queries/{name}; the HTML page draws the chart of budget and actual
    answer = get(server, "/queries/execution-by-unit?year=2024", accept="application/json")
    assert answer.status == 200, answer.text[:500]
    rows = json.loads(answer.body, parse_float=Decimal, parse_int=Decimal)["rows"]
    assert [(r["figure"], r["ratePercent"]) for r in rows] == [
        ("支出合计 total", Decimal("94.12")),
        ("基本支出 basic", Decimal("97.53")),
        ("项目支出 project", Decimal("92.39")),
    ]
    for name in ("execution-by-unit", "execution-by-function", "execution-sangong", "final-budget-disagreements"):
        page = get(server, f"/queries/{name}?format=html")
        assert page.status == 200, (name, page.text[:500])
    assert "<svg" in get(server, "/queries/execution-sangong?format=html").text
