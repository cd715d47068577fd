"""The reviewers' checks one document decides (issue 17; docs/checks.md C03-C07; budgetlod/parse/review.py and
review_text.py): placeholders (P118 in headings, P123 in sentences and labels), a heading's year (P119), the unit's
name (P120 on the cover, headings and 编制单位 lines, P125 in the narrative), the table of contents (P121, P122)
and the as-of dates of the text (P124).

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
from budgetlod.parse.review_text import SENTENCE_PLACEHOLDER

REVIEW = {"P118", "P119", "P120", "P121", "P122", "P123", "P124", "P125"}
WLMQ = ROOT / "tests" / "fixtures" / "budget-actual" / "wlmq-12345-hotline-2024-final-accounts.txt"
SMALL = CASES / "final-small" / "source.txt"
FINAL_NARRATIVE = CASES / "final-narrative" / "source.txt"
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


def test_placeholders_in_a_narrative_sentence() -> None:
    """A paragraph holding several placeholders gives one finding, naming the first and its sentence."""
    d = changed(SAMPLE, "基本支出 502.40 万元，占 33.78%", "基本支出 XXX 万元，占 XX%")
    assert found(d) == [
        (
            "P123",
            "error",
            386,
            "the narrative sentence '乌鲁木齐市12345政务服务热线中心2024年支出预算1,487.40万元，其中：基本支出XXX万元，"
            "占XX%，比上年预算增加11.48万元，增长2.34%，主…' holds the placeholder 'XXX'",
        )
    ]


def test_year_placeholder_in_a_narrative_sentence() -> None:
    old = "乌鲁木齐市 12345 政务服务热线中心 2024 年支出预算 1,487.40 万元，其中："
    d = changed(SAMPLE, old, old.replace("2024", "20XX"))
    assert found(d) == [
        (
            "P123",
            "error",
            386,
            "the narrative sentence '乌鲁木齐市12345政务服务热线中心20XX年支出预算1,487.40万元，其中：' holds the "
            "placeholder '20XX年'",
        )
    ]


def test_placeholder_counts_in_the_profile() -> None:
    d = changed(SAMPLE, "实有人数 33 人，其中：在职 30 人", "实有人数 XX 人，其中：在职 XX 人")
    assert found(d) == [
        (
            "P123",
            "error",
            64,
            "the profile sentence '乌鲁木齐市12345政务服务热线中心编制数34，实有人数XX人，其中：在职XX人，减少2人；' "
            "holds the placeholder 'XX'",
        )
    ]


def test_placeholder_in_a_row_label() -> None:
    old = "| 201 | 03 | 50 | 事业运行 | 447.05 | 447.05 | 447.05 | | | | | | | | | |"
    d = changed(SAMPLE, old, old.replace("事业运行", "XX（项）"))
    assert found(d) == [
        ("P123", "error", 127, "the row label of 《单位收入总体情况表》 'XX（项）' holds the placeholder 'XX'")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("收支总预算XXX万元", "XXX"),
        ("支出××万元", "××"),
        ("实有人数XX人", "XX"),
        ("截至20XX年底", "20XX年"),
        ("主要原因：某某", "某某"),
        ("采购XXL号服装", None),  # an acronym
        ("MAXX系统运维费", None),
        ("**一般公共预算**支出", None),  # Markdown bold
        ("增长12.5%，主要原因是人员增加", None),
    ],
)
def test_sentence_placeholder_patterns(text: str, expected: str | None) -> None:
    found_ = SENTENCE_PLACEHOLDER.search(text)
    assert (found_.group(0) if found_ else None) == expected


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


def test_narrative_sentence_naming_another_unit() -> None:
    old = "乌鲁木齐市 12345 政务服务热线中心 2024 年支出预算 1,487.40 万元，其中："
    d = changed(SAMPLE, old, old.replace("12345 政务", "12366 纳税"))
    assert found(d) == [
        (
            "P125",
            "warning",
            386,
            "the narrative sentence '乌鲁木齐市12366纳税服务热线中心2024年支出预算1,487.40万元，其中：' names the unit "
            "'乌鲁木齐市12366纳税服务热线中心'; the document's is '乌鲁木齐市12345政务服务热线中心'",
        )
    ]


def test_narrative_section_heading_naming_another_unit() -> None:
    old = "一、关于乌鲁木齐市 12345 政务服务热线中心 2024 年收支"
    d = changed(SAMPLE, old, old.replace("12345 政务", "12366 纳税"))
    assert found(d) == [
        (
            "P125",
            "warning",
            362,
            "the narrative sentence '一、关于乌鲁木齐市12366纳税服务热线中心2024年收支预算情况总体说明' names the unit "
            "'乌鲁木齐市12366纳税服务热线中心'; the document's is '乌鲁木齐市12345政务服务热线中心'",
        )
    ]


def test_final_narrative_copied_from_a_sibling_unit() -> None:
    old = "一般公共预算财政拨款支出500.00万元，主要用于"
    d = changed(FINAL_NARRATIVE, old, "上海市示例区样例局2024年度" + old)
    assert found(d) == [
        (
            "P125",
            "warning",
            90,
            "the narrative sentence '上海市示例区样例局2024年度一般公共预算财政拨款支出500.00万元，主要用于以下方面："
            "一般公共服务支出（类）420.00万元，占84.00%；' names the unit '上海市示例区样例局'; the document's is "
            "'上海市示例区示例局'",
        )
    ]


@pytest.mark.parametrize(
    "prefix",
    [
        "上海市示例区示例局2024年度",
        "示例局2024年度",
        "上海市示例区示例局（本级）2024年度",
        "根据《上海市财政局关于2024年度",
    ],
)
def test_narrative_naming_the_unit_or_another_organisation(prefix: str) -> None:
    """The unit, its abbreviation, its 本级, and an organisation that is not the subject: nothing."""
    old = "一般公共预算财政拨款支出500.00万元，主要用于"
    assert found(changed(FINAL_NARRATIVE, old, prefix + old)) == []


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


# --- C07: the dates figures are stated as of

STAFF = "乌鲁木齐市 12345 政务服务热线中心编制数 34，"


def test_budget_stating_figures_as_of_two_years_before() -> None:
    d = changed(SAMPLE, STAFF, "截至 2022 年 12 月 31 日，" + STAFF)
    assert found(d) == [
        (
            "P124",
            "warning",
            64,
            "figures stated as of 2022年12月31日 in the 2024 预算 (expected 2023 or 2024): '截至2022年12月31日，"
            "乌鲁木齐市12345政务服务热线中心编制数34，实有人数33人，其中：在职30人，减少2人；'",
        )
    ]


def test_a_full_date_opening_a_stock() -> None:
    d = changed(SAMPLE, STAFF, "2022年12月31日，乌鲁木齐市 12345 政务服务热线中心共有编制数 34，")
    assert [(f.code, f.line) for f in d.findings if f.code in REVIEW] == [("P124", 64)]


def test_final_account_stating_figures_as_of_the_year_before() -> None:
    old = "2024年度上海市示例区示例局机关运行经费支出40.00万元"
    d = changed(FINAL_NARRATIVE, old, "截至2023年12月31日，上海市示例区示例局机关运行经费支出40.00万元")
    assert found(d) == [
        (
            "P124",
            "warning",
            108,
            "figures stated as of 2023年12月31日 in the 2024 决算 (expected 2024): '截至2023年12月31日，上海市示例区示例局"
            "机关运行经费支出40.00万元，比上年增加2.00万元，增长5.26%，主要原因：办公设备更新。'",
        )
    ]


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        (SAMPLE, STAFF, "截至 2023 年 12 月 31 日，" + STAFF),  # a 预算: the year before
        (SAMPLE, STAFF, "截至2024年3月1日，" + STAFF),  # a 预算: its year
        (SAMPLE, STAFF, "根据2018年3月1日印发的办法，" + STAFF),  # a policy's date
        (SAMPLE, STAFF, "2018年12月31日印发的办法规定，" + STAFF),
        (SAMPLE, "截至2023年底", "截至2021年底"),  # the assets' date: blsh:AssetDateInYear's
        (FINAL_NARRATIVE, "比上年增加2.00万元", "比2023年增加2.00万元"),  # a comparison
    ],
)
def test_dates_that_are_not_an_as_of_date_of_another_year(path: Path, old: str, new: str) -> None:
    assert found(changed(path, old, new)) == []


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
# checked by hand in the PDF (pdftotext): p. 1 title 上海市 XX 局 / 2024 年度部门决算; p. 4 第一部分 上海市 XX 局概况; p. 15
# 第三部分 上海市 XX 局 2024 年度部门决算情况说明; p. 5 上海市 XX 局 2024 年度部门决算表 (the tables' part, no 第二部分);
# the template's sentences (P123, one a paragraph): p. 4 (单位构成), the notes under tables 8 and 9, and the narrative
# and glossary (XXX万元, XX%, 主要原因：XXXXXXXX …), each line found in the PDF's text
TRUE_FINDINGS: dict[str, list[str]] = {
    TEMPLATE: [
        "P118 the title '上海市XX局2024年度部门决算' holds the placeholder 'XX' where a name was expected",
        "P118 the part heading '第一部分上海市XX局概况' holds the placeholder 'XX' where a name was expected",
        "P123 the profile sentence '从预算单位构成看，上海市XX局部门决算包括：上海市XX' holds the placeholder 'XX'",
        "P123 the profile sentence '纳入上海市XX局2024年度部门决算编制范围的单位包括：' holds the placeholder 'XX'",
        # p. 5 prints the tables' part under its own title, without 第二部分 (its contents entry is 第二部分 …)
        "P118 the part heading '上海市XX局2024年度部门决算表' holds the placeholder 'XX' where a name was expected",
        "P123 the tables' note sentence '说明：上海市XX局本年度没有政府性基金预算财政拨款收入和支出，故本表无数据。"
        "' holds the placeholder 'XX'",
        "P123 the tables' note sentence '说明：上海市XX局本年度没有国有资本经营预算财政拨款收入和支出，故本表无数据"
        "。' holds the placeholder 'XX'",
        "P118 the part heading '第三部分上海市XX局2024年度部门决算情况说明' holds the placeholder 'XX' where a name"
        " was expected",
        "P123 the narrative sentence '上海市XX局2024年度收入支出总计XXX万元。' holds the placeholder 'XX'",
        "P123 the narrative sentence '主要原因：XXXXXXXX。' holds the placeholder 'XXXXXXXX'",
        "P123 the narrative sentence '本年收入合计XXX万元，其中：财政拨款收入XXX万元，占（不涉及的不列）。' holds t"
        "he placeholder 'XXX'",
        "P123 the narrative sentence '本年支出合计XXX万元，其中：基本支出XXX万元，占XX%；' holds the placeholder 'XXX'",
        "P123 the narrative sentence '项目支出XXX万元，占XX%；' holds the placeholder 'XXX'",
        "P123 the narrative sentence '上海市XX局2024年度财政拨款收入支出总计XXX万元。' holds the placeholder 'XX'",
        "P123 the narrative sentence '一般公共预算财政拨款支出XXX万元，占本年支出合计的XX%。' holds the placeholder"
        " 'XXX'",
        "P123 the narrative sentence '一般公共预算财政拨款支出XXX万元，主要用于以下方面：一般公共服务支出（类）XXX"
        "万元，占XX%；' holds the placeholder 'XXX'",
        "P123 the narrative sentence '一般公共预算财政拨款支出年初预算为XXX万元，支出决算为XXX万元，完成年初预算的X"
        "X%。' holds the placeholder 'XXX'",
        "P123 the narrative sentence '主要用于：XXXXXXXX。' holds the placeholder 'XXXXXXXX'",
        "P123 the narrative sentence '主要用于：XXXXXXXX。' holds the placeholder 'XXXXXXXX'",
        "P123 the narrative sentence '一般公共预算财政拨款基本支出XXX万元。' holds the placeholder 'XXX'",
        "P123 the narrative sentence '“三公”经费财政拨款支出年初预算为XXX万元，支出决算为XXX万元，完成预算的XX%，其"
        "中：因公出国（境）费决算为XXX万元，完成预算的XX%；' holds the placeholder 'XXX'",
        "P123 the narrative sentence '少（增加）XXX万元，下降（增长）XX%，其中：因公出国（境）费支出决算减少（增加"
        "）XXX万元，下降（增长）XX%；' holds the placeholder 'XXX'",
        "P123 the narrative sentence '“三公”经费财政拨款支出决算中，因公出国（境）费支出决算XXX万元，占XX%；' holds"
        " the placeholder 'XXX'",
        "P123 the narrative sentence '1、因公出国（境）费支出XXX万元。' holds the placeholder 'XXX'",
        "P123 the narrative sentence '2、公务用车购置及运行维护费支出XX万元。' holds the placeholder 'XX'",
        "P123 the narrative sentence '公务用车运行维护支出XX万元。' holds the placeholder 'XX'",
        "P123 the narrative sentence '3、公务接待费支出XX万元。' holds the placeholder 'XX'",
        "P123 the narrative sentence '上海市XX局2024年度无“三公”经费财政拨款支出。' holds the placeholder 'XX'",
        "P123 the narrative sentence '政府性基金预算财政拨款收入XXX万元，支出收入XXX万元，' holds the placeholder '"
        "XXX'",
        "P123 the narrative sentence '1、XX（类）XX（款）XX（项）。' holds the placeholder 'XX'",
        "P123 the narrative sentence '上海市XX局2024年度无政府性基金预算财政拨款收入和支' holds the placeholder 'XX'",
        "P123 the narrative sentence '国有资本经营预算财政拨款收入XXX万元，支出XXX万元，' holds the placeholder 'XXX'",
        "P123 the narrative sentence '1、XX（类）XX（款）XX（项）。' holds the placeholder 'XX'",
        "P123 the narrative sentence '上海市XX局2024年度无国有资本经营预算财政拨款收入和' holds the placeholder 'XX'",
        "P123 the narrative sentence '上海市XX局2024年度预算绩效管理工作开展情况如下：本部' holds the placeholder 'XX'",
        "P123 the narrative sentence '门建立了如下预算绩效管理制度：XXXX（制度名称）、XXXX（制度名称）……，建立了XXX"
        "X的预算绩效管理工作机制；' holds the placeholder 'XXXX'",
        "P123 the narrative sentence '绩效评级为“不合格”的项目XX个。' holds the placeholder 'XX'",
        "P123 the narrative sentence '机关运行经费支出XXX万元，比2023年度增加（减少）XXX万元，增长（下降）XX%。' ho"
        "lds the placeholder 'XXX'",
        "P123 the narrative sentence '上海市XX局2024年度无机关运行经费支出。' holds the placeholder 'XX'",
        "P123 the narrative sentence '上海市XX局2024年度政府采购金额（以合同签订为准）为' holds the placeholder 'XX'",
        "P123 the narrative sentence 'XXX万元，其中：货物采购金额XX万元、工程采购金额XX万元、服务采购金额XX万元。' "
        "holds the placeholder 'XXX'",
        "P123 the narrative sentence 'XX万元，面向小微企业预留政府采购项目预算金额XX万元。' holds the placeholder 'XX'",
        "P123 the narrative sentence '截至2024年12月31日，XX部门（单位）共有车辆XX辆，其中：部级领导干部用车XX辆、"
        "主要领导干部用车XX辆、机要通信用车XX辆、应急保障用车XX辆、执法执…' holds the placeholder 'XX'",
        "P123 the glossary sentence '主要是：XXXXXXXX收入等（无事业收入的单位保' holds the placeholder 'XXXXXXXX'",
        "P123 the glossary sentence '主要是：XXXXXXXX收' holds the placeholder 'XXXXXXXX'",
        "P123 the glossary sentence '主要是：XXXXXXXX收入等。' holds the placeholder 'XXXXXXXX'",
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
