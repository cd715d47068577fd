"""A header word printed in a code column is never a code (issue 17).

The Putuo 部门决算 PDF (``shared/samples/real/sh-putuo-finance-bureau-2024-final-accounts.pdf``) prints the last
header row of 收入决算表 / 支出决算表 (``类 款 项``) on the baseline of the 合计 row: the reader gives one row
``类 | 款 | 项 | 合计 | 2,946.25 | …``. Its 合计 used to get the code ``类款项`` (a CodeWellFormed violation).
Figures written by hand from ``pdftotext -layout -f 8 -l 8`` and ``-f 10 -l 10``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetlod.findings import Reporter
from budgetlod.parse.table_read import read_rows
from budgetlod.read.stream import TableRow
from budgetlod.specs import spec

PUTUO = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "real"
PUTUO_PDF = PUTUO / "sh-putuo-finance-bureau-2024-final-accounts.pdf"


def _rows(*cells: list[str]) -> list[TableRow]:
    return [TableRow(line=10 + i, cells=c) for i, c in enumerate(cells)]


def test_a_merged_header_row_gives_the_total_no_code() -> None:
    blank = [""] * 6
    rows = _rows(
        [
            "项目",
            "",
            "",
            "",
            "本年收入合计",
            "财政拨款收入",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ],
        ["支出功能分类", "", "", "科目名称", *[""] * 7],
        ["科目编码", "", "", "", *[""] * 7],
        ["类", "款", "项", "合计", "2,946.25", "2,940.05", *blank[:4], "6.20"],
        ["201", "", "", "一般公共服务支出", "2,112.86", "2,106.66", *blank[:4], "6.20"],
        ["201", "06", "", "财政事务", "2,112.86", "2,106.66", *blank[:4], "6.20"],
    )
    reporter = Reporter()
    read = read_rows(spec("f02"), rows, reporter, "表2")
    total = read.rows[0]
    assert (total.name, total.codes, total.level) == ("合计", (), "total")
    assert total.values["本年收入合计"] == Decimal("2946.25")
    assert total.values["财政拨款收入"] == Decimal("2940.05")
    assert total.values["其他收入"] == Decimal("6.20")
    assert [r.codes for r in read.rows[1:]] == [("201",), ("201", "06")]
    assert not [f for f in reporter.findings if f.code == "P207"]


def test_a_malformed_code_that_is_no_header_word_is_still_reported() -> None:
    rows = _rows(
        ["科目编码", "", "", "科目名称", "本年收入合计"],
        ["类", "款", "项", "", ""],
        ["2O1", "", "", "一般公共服务支出", "2,112.86"],
    )
    reporter = Reporter()
    read = read_rows(spec("f02"), rows, reporter, "表2")
    assert read.rows[-1].codes == ("2O1",)
    assert [f.code for f in reporter.findings if f.code == "P207"] == ["P207"]


def _putuo() -> Path:
    if not PUTUO_PDF.is_file():
        pytest.skip(f"the shared sample is absent ({PUTUO_PDF})")
    return PUTUO_PDF


def test_putuo_totals_of_tables_2_and_3_have_no_code() -> None:
    from budgetlod.parse.document import parse_file

    disclosure = parse_file(_putuo())
    by_id = {t.id: t for t in disclosure.tables}
    income, spending = by_id["f02"].rows[0], by_id["f03"].rows[0]
    assert (income.name, income.codes, income.level) == ("合计", (), "total")
    assert income.values["本年收入合计"] == Decimal("2946.25")
    assert income.values["财政拨款收入"] == Decimal("2940.05")
    assert income.values["其他收入"] == Decimal("6.20")
    assert (spending.name, spending.codes, spending.level) == ("合计", (), "total")
    assert spending.values["本年支出合计"] == Decimal("2940.05")
    assert spending.values["基本支出"] == Decimal("2336.91")
    assert spending.values["项目支出"] == Decimal("603.14")


def test_putuo_has_no_code_well_formed_violation() -> None:
    from budgetlod.pipeline import convert

    converted = convert(_putuo())
    assert converted.report is not None
    bad = [r.message() for r in converted.report.results if r.shape.endswith("CodeWellFormed")]
    assert bad == []
