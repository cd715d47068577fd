"""The reviewers' checks one document decides (issue 17; docs/checks.md C03-C06; budgetlod/parse/review.py):
placeholders (P118), a heading's year (P119), the unit's name (P120) and the table of contents (P121, P122).

Each case is a correct document (the bundled example, the 12345 hotline's final accounts, tests/cases/final-small)
with one change made here; the unmodified documents and the real PDFs give none of these findings but the ones
checked by hand in the PDF (the national 决算 template: its placeholders, and its contents listing a 第二部分 that
its page 5 does not print — the tables' page is headed 上海市 XX 局 2024 年度部门决算表 only).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import CASES, ROOT, SAMPLE
from real_cells import REAL

from budgetlod.model import Disclosure
from budgetlod.parse.contents import clean, fields_of
from budgetlod.parse.document import parse_files, parse_text
from budgetlod.parse.review import placeholder, same_unit

REVIEW = {"P118", "P119", "P120", "P121", "P122"}
WLMQ = ROOT / "tests" / "fixtures" / "budget-actual" / "wlmq-12345-hotline-2024-final-accounts.txt"
SMALL = CASES / "final-small" / "source.txt"
WLMQ_TABLES_HEAD = "第二部分 乌鲁木齐市 12345 政务服务热线中心 2024 年度部门决算表"


def changed(path: Path, old: str, new: str) -> Disclosure:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    return parse_text(text.replace(old, new), path.name)


def found(d: Disclosure) -> list[tuple[str, str, int | None, str]]:
    return [(f.code, f.severity, f.line, f.message) for f in d.findings if f.code in REVIEW]


# --- C05: placeholders


def test_year_placeholder_in_a_final_heading() -> None:
    d = changed(WLMQ, WLMQ_TABLES_HEAD, WLMQ_TABLES_HEAD.replace("2024", "20XX"))
    assert d.meta.unit == "乌鲁木齐市12345政务服务热线中心"  # the unit's name is fine: no P115
    assert found(d) == [
        (
            "P118",
            "error",
            5,
            "the part heading '第二部分乌鲁木齐市12345政务服务热线中心20XX年度部门决算表' holds the placeholder "
            "'20XX年' where the year 2024 was expected",
        )
    ]


def test_placeholder_unit_in_one_compiler_line() -> None:
    t6 = "一般公共预算财政拨款基本支出决算表\n\n编制单位：上海市示例区小局\n"
    d = changed(SMALL, t6, t6.replace("上海市示例区小局", "××局"))
    assert found(d) == [
        (
            "P118",
            "error",
            106,
            "the 编制单位 line '编制单位：××局' holds the placeholder '××' where a name was expected",
        )
    ]


def test_placeholder_unit_on_the_cover_page() -> None:
    d = changed(SMALL, "上海市示例区小局\n\n2024 年度部门决算", "XX局\n\n2024 年度部门决算")
    assert found(d) == [
        ("P118", "error", 1, "the cover page 'XX局' holds the placeholder 'XX' where a name was expected")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第二部分 20XX 年度部门决算表", "20XX 年"),  # as printed (headings are compared squashed)
        ("XXXX 年度部门决算", "XXXX 年"),
        ("20××年单位预算", "20××年"),
        ("20__年单位预算", "20__年"),
        ("202X年单位预算", "202X年"),
        ("上海市XX局", "XX"),
        ("ＸＸ中心", "ＸＸ"),
        ("{单位}2024年部门预算", "{单位}"),
        ("某某局2024年部门预算", "某某"),
        ("**单位2024年部门预算", "**"),
        ("○○单位", "○○"),
        ("XXL号服装采购项目", None),  # an ordinary word
        ("MAXX系统运维", None),
        ("一、**财政拨款**：指…", None),  # Markdown bold
        ("2024年单位预算公开", None),
    ],
)
def test_placeholder_patterns(text: str, expected: str | None) -> None:
    assert placeholder(text) == expected


# --- C06: the year of a heading


def test_table_title_of_another_year() -> None:
    d = changed(SAMPLE, "\n财政拨款收支预算总体情况表\n", "\n2023年财政拨款收支预算总体情况表\n")
    assert found(d) == [
        (
            "P119",
            "warning",
            157,
            "the year of the table title '2023年财政拨款收支预算总体情况表' is 2023, the document's 2024",
        )
    ]


def test_section_heading_of_another_year() -> None:
    old = "十、关于乌鲁木齐市12345政务服务热线中心2024年财政拨款"
    d = changed(SAMPLE, old, old.replace("2024", "2023"))
    assert found(d) == [
        (
            "P119",
            "warning",
            459,
            "the year of the section heading '十、关于乌鲁木齐市12345政务服务热线中心2023年财政拨款“三公”经费预算情况"
            "说明' is 2023, the document's 2024",
        )
    ]


def test_other_years_in_sentences_are_not_headings() -> None:
    """截至2023年底 and 比上年预算 in sentences, a 决算's 年初预算 columns: nothing."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert "截至2023年底" in text
    assert found(parse_text(text, SAMPLE.name)) == []


# --- C04: the unit's name


def test_compiler_line_naming_another_unit() -> None:
    t3 = "单位支出总体情况表\n\n编制单位：乌鲁木齐市 12345 政务服务热线中心\n"
    d = changed(SAMPLE, t3, t3.replace("12345 政务", "12366 纳税"))
    assert found(d) == [
        (
            "P120",
            "warning",
            138,
            "the 编制单位 line of 《单位支出总体情况表》 names the unit '乌鲁木齐市12366纳税服务热线中心'; the "
            "document's is '乌鲁木齐市12345政务服务热线中心' (named so by 10 编制单位 lines, the cover page and a part "
            "heading)",
        )
    ]


def test_part_heading_naming_another_unit_when_the_title_names_none() -> None:
    """The title prints unit and year on two lines: P116 cannot compare the heading with it; P120 does."""
    d = changed(WLMQ, WLMQ_TABLES_HEAD, WLMQ_TABLES_HEAD.replace("12345 政务", "12366 纳税"))
    assert [f.code for f in d.findings if f.code == "P116"] == []
    assert found(d) == [
        (
            "P120",
            "warning",
            5,
            "the part heading '第二部分乌鲁木齐市12366纳税服务热线中心2024年度部门决算表' names the unit "
            "'乌鲁木齐市12366纳税服务热线中心'; the document's is '乌鲁木齐市12345政务服务热线中心' (named so by 9 "
            "编制单位 lines and the cover page)",
        )
    ]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("中国共产党江苏省委员会办公厅", "中共江苏省委办公厅", True),  # Jiangsu 2018/2019: tables and text
        ("中国共产党江苏省委员会办公厅", "江苏省委办公厅", True),
        ("中国共产党江苏省委员会办", "中国共产党江苏省委员会办公厅", True),  # a name cut by its cell
        ("上海市普陀区财政局本级", "上海市普陀区财政局", True),
        ("乌鲁木齐市 12345 政务服务热线中心", "乌鲁木齐市12345政务服务热线中心", True),
        ("乌鲁木齐市12366纳税服务热线中心", "乌鲁木齐市12345政务服务热线中心", False),
        ("江苏省财政厅", "江苏省政协办公厅", False),
    ],
)
def test_same_unit(a: str, b: str, same: bool) -> None:
    assert same_unit(a, b) is same


# --- C03: the table of contents


def test_contents_entry_without_its_table() -> None:
    old = "- 十一、 上年结转结余情况明细表\n"
    d = changed(SAMPLE, old, old + "- 十二、 项目支出绩效目标表\n")
    assert found(d) == [
        ("P121", "warning", 27, "the table of contents lists the table '项目支出绩效目标表', which is not printed")
    ]


def test_printed_table_missing_from_the_contents() -> None:
    """一般公共预算基本支出情况表 is nearly the same words, but it is another entry's table."""
    d = changed(SAMPLE, "- 五、 一般公共预算支出情况表\n", "")
    assert found(d) == [
        ("P122", "warning", 200, "the table '一般公共预算支出情况表' is printed but not in the table of contents")
    ]


def test_contents_part_not_printed() -> None:
    d = changed(SAMPLE, "第四部分 名词解释\n\n第一部分", "第四部分 名词解释\n\n第五部分 附件\n\n第一部分")
    assert found(d) == [
        ("P121", "warning", 54, "the table of contents lists the part '第五部分附件', which is not printed")
    ]


def test_contents_with_field_codes_and_leaders() -> None:
    """tests/cases/toc-field-codes: Word's TOC fields and dot leaders dropped by the reader (P107) are read
    back as the contents, which lists the four parts printed."""
    d = parse_files([CASES / "toc-field-codes" / "source.txt"])
    assert found(d) == []
    assert clean('HYPERLINK \\l "_Toc159845102" 第二部分 2024 年单位预算公开表 PAGEREF _Toc159845102 \\h 4') == (
        "第二部分2024年单位预算公开表"
    )
    assert clean("第四部分 名词解释……………………………………22") == "第四部分名词解释"
    assert clean("- 一、 单位收支总体情况表") == "一、单位收支总体情况表"


def test_fields_read_back_from_a_finding() -> None:
    from budgetlod.findings import make_finding

    finding = make_finding("R101", 3, what="a table-of-contents line", page=2, text="十一、一般公共预算“三公”'经费")
    assert fields_of(finding) == {
        "what": "a table-of-contents line",
        "page": "2",
        "text": "十一、一般公共预算“三公”'经费",
    }


# --- no false findings


@pytest.mark.parametrize("path", [SAMPLE, WLMQ, SMALL, CASES / "final-narrative" / "source.txt"], ids=lambda p: p.name)
def test_unmodified_documents_give_none(path: Path) -> None:
    assert found(parse_files([path])) == []


PAIRS = [
    "js-provincial-congress-2019",
    "js-provincial-cppcc-office-2017",
    "js-provincial-cppcc-office-2018",
    "js-provincial-cppcc-office-2019",
    "js-provincial-party-office-2017",
    "js-provincial-party-office-2018",
    "js-provincial-party-office-2019",
]
TEMPLATE = "national-2024-department-final-accounts-template.pdf"
# checked by hand in the PDF: p. 1 title 上海市 XX 局 / 2024 年度部门决算; p. 4 第一部分 上海市 XX 局概况; p. 15
# 第三部分 上海市 XX 局 2024 年度部门决算情况说明; p. 5 上海市 XX 局 2024 年度部门决算表 (the tables' part, no 第二部分)
TRUE_FINDINGS: dict[str, list[str]] = {
    TEMPLATE: [
        "P118 the title '上海市XX局2024年度部门决算' holds the placeholder 'XX' where a name was expected",
        "P118 the part heading '第一部分上海市XX局概况' holds the placeholder 'XX' where a name was expected",
        # p. 5 prints the tables' part under its own title, without 第二部分 (its contents entry is 第二部分 …)
        "P118 the part heading '上海市XX局2024年度部门决算表' holds the placeholder 'XX' where a name was expected",
        "P118 the part heading '第三部分上海市XX局2024年度部门决算情况说明' holds the placeholder 'XX' where a name "
        "was expected",
    ]
}


def _real() -> list[object]:
    singles = sorted(p.name for p in REAL.glob("*.pdf")) if REAL.is_dir() else []
    groups = [[name] for name in singles] + [[f"{p}-budget-text.pdf", f"{p}-budget-tables.pdf"] for p in PAIRS]
    return [pytest.param(group, id="+".join(group)) for group in groups]


@pytest.mark.parametrize("names", _real())
def test_real_pdfs_give_only_the_true_findings(names: list[str]) -> None:
    files = [REAL / name for name in names]
    absent = [f.name for f in files if not f.is_file()]
    if absent:
        pytest.skip(f"the shared samples are absent: {', '.join(absent)}")
    d = parse_files(files)
    assert [f"{code} {message}" for code, _, _, message in found(d)] == TRUE_FINDINGS.get("+".join(names), [])
