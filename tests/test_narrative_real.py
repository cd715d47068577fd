"""The narrative as real documents write it (issue 17): sections without 第X部分 headings, subjects carried
over from the lead of a sentence or paragraph, 分别/各 pairs and item lists, 决算 figures (年初预算, 决算,
完成预算, 决算数小于预算数), staffing sentences, and lines a PDF broke inside a sentence.

Every document here is written in the test; the expected figures are the ones it prints."""

from __future__ import annotations

from decimal import Decimal

from budgetlod.findings import Reporter
from budgetlod.model import NarrativeFact
from budgetlod.parse.document import parse_text
from budgetlod.parse.narrative import parse_narrative
from budgetlod.parse.parts import split_parts
from budgetlod.parse.profile import parse_profile
from budgetlod.read.stream import Block, Paragraph

# (key, subject, amount, change, rate)
Row = tuple[str | None, str, str | None, str | None, str | None]


def run(*texts: str, unit: str | None = None) -> tuple[list[NarrativeFact], Reporter]:
    reporter = Reporter()
    facts, _ = parse_narrative([Paragraph(line=n, text=t) for n, t in enumerate(texts, start=1)], reporter, unit=unit)
    return facts, reporter


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def rows(facts: list[NarrativeFact]) -> list[Row]:
    return [(f.key, f.subject, _s(f.amount), _s(f.change), _s(f.rate)) for f in facts]


def codes(reporter: Reporter) -> list[str]:
    return [f.code for f in reporter.findings]


# --- sections without 第X部分 headings ------------------------------------------

SCHOOL = """XX市某小学2024年单位预算情况说明

一、基本情况
XX市某小学为XX市教育局所属公益一类事业单位，核定人员编制36人，实有50人，比上年减少4人，其中在编人员36人，临聘人员14人；离退休人员12人。

二、收支预算情况
2024年收支预算总额1,250.00万元，比上年预算增加50.00万元，增长4.17%。其中：基本支出和项目支出分别为1,000.00万元和250.00万元。

三、“三公”经费预算情况说明
2024年“三公”经费预算数为18.00万元，其中：因公出国（境）费0.00万元，公务用车购置及运行费15.50万元，公务接待费2.50万元。比上年预算减少1.00万元，下降5.26%。主要原因是厉行节约。

四、其他重要事项
（一）机关运行经费
2024年机关运行经费预算30.00万元，比上年预算减少2.00万元，下降6.25%。
"""


def test_qingkuang_shuoming_form_is_split_at_its_sections() -> None:
    disclosure = parse_text(SCHOOL, "xx-school-2024-unit-budget.txt")
    assert disclosure.meta.title == "XX市某小学2024年单位预算情况说明"
    assert rows(disclosure.narratives) == [
        ("total_budget", "收支预算总额", "1250.00", "50.00", "4.17"),
        ("basic", "基本支出", "1000.00", None, None),
        ("project", "项目支出", "250.00", None, None),
        ("sangong_total", "三公经费预算数", "18.00", "-1.00", "-5.26"),
        ("sangong_abroad", "因公出国（境）费", "0.00", None, None),
        ("sangong_vehicle_total", "公务用车购置及运行费", "15.50", None, None),
        ("sangong_reception", "公务接待费", "2.50", None, None),
    ]
    assert [f.section for f in disclosure.narratives] == ["二", "二", "二", "三", "三", "三", "三"]
    assert [(s.category, s.count, s.change) for s in disclosure.profile.staffing] == [
        ("编制数", 36, None),
        ("实有人数", 50, -4),
        ("在编", 36, None),
        ("临聘", 14, None),
        ("离退休", 12, None),
    ]
    running = disclosure.other.running_cost
    assert running is not None and running.amount is not None and running.change is not None
    assert (running.amount.value, running.change.amount, running.change.rate) == (
        Decimal("30.00"),
        Decimal("-2.00"),
        Decimal("-6.25"),
    )
    found = [f.code for f in disclosure.findings]
    assert "P301" not in found and "P305" not in found


def test_sections_route_to_parts() -> None:
    blocks: list[Block] = [
        Paragraph(1, "某局2024年部门预算情况说明"),
        Paragraph(2, "一、部门基本情况"),
        Paragraph(3, "本部门核定编制10人。"),
        Paragraph(4, "二、收入预算情况"),
        Paragraph(5, "收入预算100.00万元。"),
        Paragraph(6, "三、其他重要事项"),
        Paragraph(7, "（一）政府采购情况"),
        Paragraph(8, "四、名词解释"),
        Paragraph(9, "一、财政拨款收入：指本级财政当年拨付的资金。"),
    ]
    parts = split_parts(blocks)
    assert [b.line for b in parts.front] == [1]
    assert [b.line for b in parts.profile] == [2, 3]
    assert [b.line for b in parts.narrative] == [4, 5]
    assert [b.line for b in parts.other] == [7]
    assert [b.line for b in parts.glossary] == [9]  # 一、财政拨款收入：指… is an entry, not a section
    assert parts.headings == {"profile": 2, "narrative": 4, "other": 6, "glossary": 8}


def test_a_tables_only_document_keeps_its_old_split() -> None:
    blocks: list[Block] = [Paragraph(1, "一、收入支出决算总表"), Paragraph(2, "二、收入决算表")]
    parts = split_parts(blocks)
    assert parts.headings == {} and [b.line for b in parts.tables] == [1, 2]


def test_part_heading_broken_over_two_lines() -> None:
    blocks: list[Block] = [
        Paragraph(1, "第一部分某局概况"),
        Paragraph(2, "第三部分某局2024年度部门决算情况"),
        Paragraph(3, "说明"),
        Paragraph(4, "一、收入支出决算总体情况说明"),
    ]
    parts = split_parts(blocks)
    assert parts.headings == {"profile": 1, "narrative": 2}
    assert [b.line for b in parts.narrative] == [4]


def test_lines_a_pdf_broke_are_joined() -> None:
    blocks: list[Block] = [
        Paragraph(1, "第一部分某局概况"),
        Paragraph(2, "第三部分某局2024年度部门决算情况说明"),
        Paragraph(3, "二、收入决算情况说明"),
        Paragraph(4, "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他"),
        Paragraph(5, "收入6.2万元，占0.21%；"),
        Paragraph(6, "1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休"),
        Paragraph(7, "（项）。主要用于：退休人员经费支出。年初预算为85.55万元，支出决算为84.65万"),
        Paragraph(8, "元。"),
        Paragraph(9, "单位整体绩效目标表"),
    ]
    narrative = split_parts(blocks).narrative
    assert [(b.line, b.text) for b in narrative if isinstance(b, Paragraph)] == [
        (3, "二、收入决算情况说明"),
        (4, "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元，占99.79%；其他收入6.2万元，占0.21%；"),
        (
            6,
            "1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：退休人员经费支出。"
            "年初预算为85.55万元，支出决算为84.65万元。",
        ),
        (9, "单位整体绩效目标表"),  # a title: not the end of a sentence
    ]


# --- subjects: the lead of the sentence or paragraph ------------------------------


def test_change_opening_a_sentence_belongs_to_the_paragraph_lead() -> None:
    facts, reporter = run(
        "三、“三公”经费预算情况",
        "2024年“三公”经费预算数为18.00万元，其中：因公出国（境）费0.00万元，公务接待费2.50万元。"
        "比上年预算减少1.00万元，下降5.26%。主要原因是厉行节约。",
    )
    assert codes(reporter) == []
    assert rows(facts) == [
        ("sangong_total", "三公经费预算数", "18.00", "-1.00", "-5.26"),
        ("sangong_abroad", "因公出国（境）费", "0.00", None, None),
        ("sangong_reception", "公务接待费", "2.50", None, None),
    ]
    assert facts[0].reason == "厉行节约" and facts[2].reason is None


def test_change_within_the_sentence_stays_with_its_statement() -> None:
    facts, _ = run("二、收入预算情况", "收入预算100.00万元，其中：一般公共预算80.00万元，比上年增加5.00万元。")
    assert rows(facts) == [
        ("income_total", "收入预算", "100.00", None, None),
        ("income_gpb", "一般公共预算", "80.00", "5.00", None),
    ]


def test_subject_named_again_after_a_comparison_clause() -> None:
    facts, reporter = run(
        "一、收入支出决算总体情况说明",
        "某局2024年度收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元，下降1.87%。",
        unit="某局",
    )
    assert codes(reporter) == []
    assert rows(facts) == [("total_budget", "收入支出总计", "2995.39", "-56.95", "-1.87")]
    assert facts[0].compared_with == "2023年度"


# --- 分别 / 各 pairs and item lists ----------------------------------------------


def test_fenbie_with_he() -> None:
    facts, reporter = run("二、支出预算情况", "基本支出和项目支出分别为502.40万元和985.00万元。")
    assert codes(reporter) == []
    assert rows(facts) == [("basic", "基本支出", "502.40", None, None), ("project", "项目支出", "985.00", None, None)]


def test_ge_gives_each_item_the_value() -> None:
    facts, reporter = run("三、“三公”经费", "公务用车运行费和公务接待费比上年各减少0.50万元，分别下降10.00%、16.67%。")
    assert codes(reporter) == []
    assert rows(facts) == [
        ("sangong_vehicle_operation", "公务用车运行费", None, "-0.50", "-10.00"),
        ("sangong_reception", "公务接待费", None, "-0.50", "-16.67"),
    ]
    assert [f.compared_with for f in facts] == ["上年", "上年"]


def test_ge_after_shou_zhi_names_one_total() -> None:
    facts, reporter = run(
        "一、收支预算总表情况说明",
        "某局2017年度收入、支出预算总计9,146.79万元，与上年相比收、支预算总计各增加498.72万元，增长5.77%。",
        unit="某局",
    )
    assert "P301" not in codes(reporter) and "P302" not in codes(reporter)
    assert rows(facts)[1:] == [("total_budget", "收支预算总计", None, "498.72", "5.77")]


def test_item_list_gives_one_statement_per_item() -> None:
    facts, reporter = run(
        "六、基本支出情况",
        "公用经费9.80万元，主要包括：办公费1.91万元、印刷费0.50万元、水费0.30万元。比上年减少0.20万元。",
    )
    assert "P301" not in codes(reporter)
    assert rows(facts) == [
        ("public_funds", "公用经费", "9.80", "-0.20", None),
        (None, "办公费", "1.91", None, None),
        (None, "印刷费", "0.50", None, None),
        (None, "水费", "0.30", None, None),
    ]
    assert facts[0].purpose == "办公费1.91万元、印刷费0.50万元、水费0.30万元"


# --- 决算 --------------------------------------------------------------------------


def test_budget_outturn_and_completion() -> None:
    facts, reporter = run(
        "五、一般公共预算财政拨款支出决算情况说明",
        "一般公共预算财政拨款支出年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%。"
        "决算数小于预算数的主要原因：个别信息化项目调减。",
    )
    assert codes(reporter) == []
    got = [(f.key, f.subject, f.measure, _s(f.amount), _s(f.completion), f.compared_with, f.relation) for f in facts]
    assert got == [
        ("gpb_appropriation", "一般公共预算财政拨款支出", "年初预算", "2993.92", None, None, None),
        ("gpb_appropriation", "一般公共预算财政拨款支出", "决算", "2940.05", "98.20", "年初预算", "小于"),
    ]
    assert facts[1].reason == "个别信息化项目调减"


def test_function_line_named_before_its_figures() -> None:
    facts, reporter = run(
        "五、一般公共预算财政拨款支出决算情况说明",
        "2、一般公共服务支出（类）财政事务（款）一般行政管理事务（项）。主要用于：业务指导。"
        "年初预算为10.00万元，全年预算为12.00万元，支出决算为12.00万元，完成全年预算的100%。决算数与预算数基本持平。",
    )
    assert codes(reporter) == []
    assert [(f.key, f.function, f.measure, _s(f.amount)) for f in facts] == [
        ("function", ("一般公共服务支出", "财政事务", "一般行政管理事务"), "年初预算", "10.00"),
        ("function", ("一般公共服务支出", "财政事务", "一般行政管理事务"), "全年预算", "12.00"),
        ("function", ("一般公共服务支出", "财政事务", "一般行政管理事务"), "决算", "12.00"),
    ]
    assert (_s(facts[2].completion), facts[2].compared_with, facts[2].relation) == ("100", "全年预算", "等于")


def test_sangong_outturn_items() -> None:
    facts, reporter = run(
        "七、财政拨款“三公”经费支出决算情况说明",
        "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，完成预算的0%，其中：因公出国（境）费决算为"
        "0.00万元，完成预算的0%；公务接待费支出决算为3.00万元，完成预算100%，决算数等于预算数。",
    )
    assert codes(reporter) == []
    got = [(f.key, f.measure, _s(f.amount), _s(f.completion), f.relation) for f in facts]
    assert got == [
        ("sangong_total", "年初预算", "0.95", None, None),
        ("sangong_total", "决算", "0.00", "0", None),
        ("sangong_abroad", "决算", "0.00", "0", None),
        ("sangong_reception", "决算", "3.00", "100", "等于"),
    ]


# --- staffing ----------------------------------------------------------------------


def test_staffing_sentences() -> None:
    reporter = Reporter()
    profile = parse_profile(
        [
            Paragraph(1, "（二）人员情况"),
            Paragraph(
                2, "核定人员编制36人，实有50人，比上年减少4人。其中在编人员30人，编外聘用人员20人；离退休人员12人。"
            ),
        ],
        reporter,
    )
    assert [(s.category, s.count, s.change, s.line) for s in profile.staffing] == [
        ("编制数", 36, None, 2),
        ("实有人数", 50, -4, 2),
        ("在编", 30, None, 2),
        ("临聘", 20, None, 2),
        ("离退休", 12, None, 2),
    ]
    assert reporter.findings == []


def test_relation_naming_its_subject_goes_to_that_statement() -> None:
    facts, reporter = run(
        "七、财政拨款“三公”经费支出决算情况说明",
        "“三公”经费财政拨款支出年初预算为0.95万元，支出决算为0.00万元，其中：公务接待费支出决算为0.00万元。"
        "2024年度“三公”经费支出决算数小于预算数的主要原因：当年度无“三公”经费支出。",
    )
    assert codes(reporter) == []
    assert [(f.key, f.measure, f.relation, f.reason) for f in facts] == [
        ("sangong_total", "年初预算", None, None),
        ("sangong_total", "决算", "小于", "当年度无“三公”经费支出"),
        ("sangong_reception", "决算", None, None),
    ]
