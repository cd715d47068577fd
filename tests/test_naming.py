"""Naming a disclosure (issue 17): unit, year, phase and level from the compiler line, the title line, the cover
page, a part heading or the file name, in that order of trust; placeholders and disagreeing headings reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from real_cells import REAL

from budgetlod.model import Disclosure
from budgetlod.parse.document import parse_files, parse_text

NAMING = {"P110", "P113", "P114", "P115", "P116"}

TITLE_ONLY = """XX市某小学2024年单位预算情况说明

一、收支预算总体情况

2024年收入预算总计100.00万元，支出预算总计100.00万元。

二、收入预算情况

2024年收入预算100.00万元，全部为一般公共预算拨款。

三、支出预算情况

2024年支出预算100.00万元，其中基本支出80.00万元，项目支出20.00万元。
"""

TABLE = """表 8

政府性基金预算支出情况表

编制单位：苏州市园林和绿化管理局

单位：万元

| 科目编码 | 科目名称 | 合计 |
|---|---|---|
| | 合计 | |
"""

PROFILE = """一、主要职能

负责全市园林绿化工作。
"""


def naming(d: Disclosure) -> tuple[str | None, int | None, str | None, str | None]:
    return d.meta.unit, d.meta.year, d.meta.level, d.meta.phase


def codes(d: Disclosure) -> list[str]:
    return [f.code for f in d.findings if f.code in NAMING]


def messages(d: Disclosure, code: str) -> list[str]:
    return [f.message for f in d.findings if f.code == code]


def test_title_only() -> None:
    d = parse_text(TITLE_ONLY)
    assert naming(d) == ("XX市某小学", 2024, "单位", "预算")
    assert d.meta.title == "XX市某小学2024年单位预算情况说明" and d.meta.line == 1
    assert codes(d) == ["P115"]  # XX市 is a placeholder, and it is the only name there is
    assert messages(d, "P115") == ["the unit's name 'XX市某小学' is a placeholder (XX): a template, not a disclosure"]


def test_title_with_the_year_first() -> None:
    d = parse_text("2019年江苏省政协办公厅部门预算\n\n" + PROFILE)
    assert naming(d) == ("江苏省政协办公厅", 2019, "部门", "预算")
    assert codes(d) == []


def test_final_accounts_title() -> None:
    d = parse_text("上海市普陀区财政局2024年度部门决算\n\n第一部分 上海市普陀区财政局概况\n\n" + PROFILE)
    assert naming(d) == ("上海市普陀区财政局", 2024, "部门", "决算")
    assert codes(d) == []


def test_title_wrapped_over_two_lines() -> None:
    d = parse_text("江苏省政协办公厅2018年度\n\n部门预算公开\n\n第一部分 部门概况\n\n" + PROFILE)
    assert naming(d) == ("江苏省政协办公厅", 2018, "部门", "预算")
    assert d.meta.title == "江苏省政协办公厅2018年度部门预算公开"
    assert codes(d) == []


def test_compiler_line_is_trusted_over_the_title() -> None:
    d = parse_text("苏州市园林局2024年部门预算公开\n\n第一部分 部门概况\n\n" + PROFILE + "\n第二部分 公开表\n\n" + TABLE)
    assert naming(d) == ("苏州市园林和绿化管理局", 2024, "部门", "预算")
    assert codes(d) == []


def test_cover_page() -> None:
    text = "苏州市第一中学\n\n2024年单位预算公开\n\n目 录\n\n第一部分 单位概况\n\n" + PROFILE
    d = parse_text(text)
    assert naming(d) == ("苏州市第一中学", 2024, "单位", "预算")
    assert codes(d) == ["P113"]
    assert messages(d, "P113") == ["unit named from the cover page: '苏州市第一中学'"]
    assert next(f.line for f in d.findings if f.code == "P113") == 1


def test_cover_page_compiler_line() -> None:
    d = parse_text("2024年单位预算公开\n\n编制单位：苏州市第一中学\n\n第一部分 单位概况\n\n" + PROFILE)
    assert naming(d) == ("苏州市第一中学", 2024, "单位", "预算")
    assert messages(d, "P113") == ["unit named from the cover page: '苏州市第一中学'"]


def test_part_heading() -> None:
    text = "第一部分 2024年苏州市第一中学单位概况\n\n" + PROFILE + "\n第三部分 2024年单位预算情况说明\n\n说明。\n"
    d = parse_text(text)
    assert naming(d) == ("苏州市第一中学", 2024, "单位", "预算")
    assert codes(d) == ["P113"]
    assert messages(d, "P113") == ["unit named from the part heading: '苏州市第一中学'"]


def test_chinese_file_name() -> None:
    d = parse_text("第一部分 部门概况\n\n" + PROFILE, "苏州市园林局2023年部门预算.txt")
    assert naming(d) == ("苏州市园林局", 2023, "部门", "预算")
    assert codes(d) == ["P114"]
    assert messages(d, "P114") == [
        "unit named from the file name '苏州市园林局2023年部门预算.txt': '苏州市园林局'; the document does not print it"
    ]


def test_chinese_file_name_with_a_placeholder() -> None:
    d = parse_text("第一部分 部门概况\n\n" + PROFILE, "某某局2023年部门预算.pdf")
    assert naming(d) == ("某某局", 2023, "部门", "预算")
    assert sorted(codes(d)) == ["P114", "P115"]


def test_ascii_file_name_gives_nothing() -> None:
    d = parse_text("第一部分 部门概况\n\n" + PROFILE, "js-provincial-cppcc-office-2019-budget.pdf")
    assert naming(d) == (None, None, None, None)
    assert messages(d, "P110") == [
        "metadata not found: unit",
        "metadata not found: year",
        "metadata not found: phase (预算/决算)",
    ]


@pytest.mark.parametrize(
    ("unit", "placeholder"),
    [("上海市XX局", "XX"), ("××区财政局", "××"), ("XXX中心", "XXX"), ("{单位}", "{单位}"), ("某某局", "某某"),
     ("**单位", "**")],
)
def test_placeholders(unit: str, placeholder: str) -> None:
    d = parse_text(f"{unit}2024年度部门决算\n\n第一部分 部门概况\n\n" + PROFILE)
    assert naming(d) == (unit, 2024, "部门", "决算")
    assert codes(d) == ["P115"]
    assert messages(d, "P115") == [
        f"the unit's name {unit!r} is a placeholder ({placeholder}): a template, not a disclosure"
    ]


def test_a_real_name_is_preferred_to_a_placeholder() -> None:
    d = parse_text("上海市XX局2024年度部门决算\n\n第一部分 上海市普陀区财政局概况\n\n" + PROFILE)
    assert naming(d) == ("上海市普陀区财政局", 2024, "部门", "决算")
    assert codes(d) == ["P113", "P116"]  # named from the heading; its unit is not the title's


def test_heading_with_another_year() -> None:
    text = "苏州市第一中学2024年单位预算公开\n\n第一部分 单位概况\n\n" + PROFILE + "\n第三部分 2023年单位预算情况说明\n\n说明。\n"
    d = parse_text(text)
    assert naming(d) == ("苏州市第一中学", 2024, "单位", "预算")
    assert codes(d) == ["P116"]
    assert messages(d, "P116") == ["the year of '第三部分2023年单位预算情况说明' is 2023, the title's 2024: the title's is kept"]


def test_heading_with_another_unit() -> None:
    text = "苏州市第一中学2024年单位预算公开\n\n第一部分 2024年苏州市第二中学单位概况\n\n" + PROFILE
    d = parse_text(text)
    assert naming(d) == ("苏州市第一中学", 2024, "单位", "预算")
    assert messages(d, "P116") == [
        "the unit of '第一部分2024年苏州市第二中学单位概况' is 苏州市第二中学, the title's 苏州市第一中学: the title's is kept"
    ]


def test_a_shorter_name_in_a_heading_agrees() -> None:
    d = parse_text("江苏省委办公厅2017年度部门预算\n\n第一部分 部门概况\n\n" + PROFILE + "\n第二部分 省委办公厅2017年度部门预算表\n")
    assert naming(d) == ("江苏省委办公厅", 2017, "部门", "预算")
    assert codes(d) == []


def test_a_government_title_names_no_unit() -> None:
    d = parse_text("江苏省2018年度\n\n省级部门预算公开报表\n\n" + TABLE.replace("编制单位", "部门"))
    assert naming(d) == ("苏州市园林和绿化管理局", 2018, "部门", "预算")
    assert codes(d) == []


def test_an_enumerated_line_still_gives_year_and_phase() -> None:
    d = parse_text("一、2024年单位预算收支总体情况\n\n2024年收入预算总计100.00万元。\n")
    assert naming(d) == (None, 2024, "单位", "预算")
    assert messages(d, "P110") == ["metadata not found: unit"]


def test_convert_title_only_exits_0(tmp_path: Path) -> None:
    source = tmp_path / "school.txt"
    source.write_text(TITLE_ONLY, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "budgetlod", "convert", "--quiet", str(source)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "XX市某小学" in result.stdout
    assert "P115" not in result.stderr and "is a placeholder (XX)" in result.stderr


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["js-provincial-cppcc-office-2018-budget-text.pdf"], ("江苏省政协办公厅", 2018, "部门", "预算")),
        (["js-provincial-party-office-2017-budget-text.pdf"], ("江苏省委办公厅", 2017, "部门", "预算")),
        (["national-2024-department-final-accounts-template.pdf"], ("上海市XX局", 2024, "部门", "决算")),
    ],
)
def test_real_documents(files: list[str], expected: tuple[str, int, str, str]) -> None:
    paths = [REAL / f for f in files]
    if not all(p.is_file() for p in paths):
        pytest.skip("the real PDFs are not here")
    assert naming(parse_files(paths)) == expected


def test_the_printer_on_the_cover_is_not_the_unit() -> None:
    """js-provincial-party-office-2018-budget-tables.pdf p. 1: 江苏省财政厅印制 under the title names who printed
    the volume, not the unit (C04, P120, would otherwise compare it with the 编制单位 lines)."""
    from budgetlod.parse.naming import unit_names
    from budgetlod.parse.parts import split_parts
    from budgetlod.read.stream import Paragraph

    blocks: list[Paragraph] = [
        Paragraph(1, "江苏省2018年度省级部门预算公开报表"),
        Paragraph(2, "江苏省财政厅印制"),
        Paragraph(3, "第一部分 部门概况"),
    ]
    assert unit_names(split_parts(list(blocks)), blocks) == []
    blocks[1] = Paragraph(2, "中共江苏省委办公厅")
    assert [(c.source, c.unit) for c in unit_names(split_parts(list(blocks)), blocks)] == [("cover", "中共江苏省委办公厅")]
