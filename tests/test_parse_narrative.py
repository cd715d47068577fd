"""第三部分 情况说明: narrative facts and project descriptions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from paths import SAMPLE

from budgetlod.findings import Reporter
from budgetlod.model import NarrativeFact, ProjectDescription
from budgetlod.parse.narrative import parse_narrative
from budgetlod.parse.narrative_clauses import vocabulary
from budgetlod.parse.parts import split_parts
from budgetlod.read.stream import Paragraph
from budgetlod.read.text import to_blocks

Parsed = tuple[list[NarrativeFact], list[ProjectDescription], Reporter]
# (key, line, amount, change, rate, share, start of the reason)
Expected = tuple[str | None, int, str | None, str | None, str | None, str | None, str | None]


@pytest.fixture(scope="module")
def sample() -> Parsed:
    parts = split_parts(to_blocks(SAMPLE.read_text(encoding="utf-8"), Reporter()))
    reporter = Reporter()
    facts, projects = parse_narrative(parts.narrative, reporter)
    return facts, projects, reporter


def run(*texts: str, unit: str | None = None) -> Parsed:
    reporter = Reporter()
    blocks = [Paragraph(line=n, text=t) for n, t in enumerate(texts, start=1)]
    facts, projects = parse_narrative(list(blocks), reporter, unit=unit)
    return facts, projects, reporter


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def check(facts: list[NarrativeFact], expected: list[Expected]) -> None:
    got = [(f.key, f.line, _s(f.amount), _s(f.change), _s(f.rate), _s(f.share)) for f in facts]
    assert got == [e[:6] for e in expected]
    for fact, (*_, reason) in zip(facts, expected, strict=True):
        if reason is None:
            assert fact.reason is None, fact
        else:
            assert fact.reason is not None and fact.reason.startswith(reason), fact


def in_section(facts: list[NarrativeFact], section: str) -> list[NarrativeFact]:
    return [f for f in facts if f.section == section]


# --- the sample -------------------------------------------------------------


def test_sample_count_and_no_findings(sample: Parsed) -> None:
    facts, projects, reporter = sample
    assert len(facts) == 36
    assert len(projects) == 1
    assert reporter.findings == []
    assert [(s, len(in_section(facts, s))) for s in "一二三四五六七八九十"] == [
        ("一", 1),
        ("二", 4),
        ("三", 3),
        ("四", 4),
        ("五", 10),
        ("六", 3),
        ("七", 1),
        ("八", 0),
        ("九", 0),
        ("十", 10),
    ]
    assert in_section(facts, "十一") == []
    assert all(f.codes == () for f in facts)


def test_sample_section_1(sample: Parsed) -> None:
    check(in_section(sample[0], "一"), [("total_budget", 364, "1487.40", None, None, None, None)])


def test_sample_section_2_income(sample: Parsed) -> None:
    facts = in_section(sample[0], "二")
    check(
        facts,
        [
            ("income_total", 372, "1487.40", None, None, None, None),
            ("income_gpb", 372, "1487.40", "996.48", "202.98", "100.00", "单位历年项目支出从城维费中列支"),
            ("income_fund", 376, "0.00", "0.00", "0.00", "0.00", "单位部门预算政府性基金预算未安排"),
            ("income_soce", 380, "0.00", "0.00", "0.00", "0.00", "单位部门预算国有资本经营预算未安排"),
        ],
    )
    gpb = facts[1]
    assert gpb.subject == "一般公共预算"
    assert gpb.unit == "万元"
    assert gpb.compared_with == "上年预算"
    # the reason runs to the end of the sentence, commas included
    assert gpb.reason == "单位历年项目支出从城维费中列支，为年中追加预算，今年调至单位部门年初预算支出"
    assert facts[0].subject == "收入预算"  # unit name and 单位 removed


def test_sample_section_3_expenditure(sample: Parsed) -> None:
    check(
        in_section(sample[0], "三"),
        [
            ("expenditure_total", 386, "1487.40", None, None, None, None),
            ("basic", 388, "502.40", "11.48", "2.34", "33.78", "人员工资相比上年普遍上调"),
            ("project", 390, "985.00", "985.00", "100.00", "66.22", "单位历年项目支出从城维费中列支"),
        ],
    )


def test_sample_section_4_functions_with_purpose(sample: Parsed) -> None:
    facts = in_section(sample[0], "四")
    check(
        facts,
        [
            ("fiscal_total", 394, "1487.40", None, None, None, None),
            ("gpb_appropriation", 398, "1487.40", None, None, None, None),
            ("function", 400, "1432.05", None, None, None, None),
            ("function", 400, "55.35", None, None, None, None),
        ],
    )
    assert facts[2].function == ("一般公共服务支出",)
    assert facts[2].purpose == "工资福利支出和日常运行经费支出以及12345热线服务化外包项目支出"
    assert facts[3].function == ("社会保障和就业支出",)
    assert facts[3].purpose is not None
    assert facts[3].purpose.startswith("退休人员基础绩效奖支出，退休人员取暖费支出")
    assert facts[3].purpose.endswith("机关事业单位基本养老保险缴费支出")


def test_sample_section_5_appropriation(sample: Parsed) -> None:
    facts = in_section(sample[0], "五")
    check(
        facts,
        [
            ("gpb_appropriation", 406, "1487.40", None, None, None, None),
            ("basic", 408, "502.40", "11.48", "2.34", None, "人员工资相比上年普遍上调"),
            ("project", 410, "985.00", "985.00", "100.00", None, "历年项目支出从城维费中列支"),
            ("function", 414, "1432.05", None, None, "96.28", None),
            ("function", 415, "55.35", None, None, "3.72", None),
            ("function", 419, "447.05", "447.05", "100.00", None, "单位隶属关系划转后"),
            ("function", 421, "985.00", "985.00", "100.00", None, "单位隶属关系划转后"),
            ("function", 423, "2.80", "1.56", "125.81", None, "退休人员2023年基础绩效奖上调"),
            ("function", 425, "52.55", "1.72", "3.38", None, "人员工资上调使社保基数上调"),
            ("function", 427, "0.00", "-438.85", "-100.00", None, "单位隶属关系划转后"),
        ],
    )
    assert [f.function for f in facts[3:]] == [
        ("一般公共服务支出",),
        ("社会保障和就业支出",),
        ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "事业运行"),
        ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "其他政府办公厅（室）及相关机构事务支出"),
        ("社会保障和就业支出", "行政事业单位养老支出", "事业单位离退休"),
        ("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出"),
        ("城乡社区支出", "城乡社区管理事务", "城管执法"),
    ]
    # a reason in its own sentence (。主要原因是…) attaches to the statement before
    assert facts[1].reason == "人员工资相比上年普遍上调，使得人员经费增加"


def test_sample_section_6_basic(sample: Parsed) -> None:
    facts = in_section(sample[0], "六")
    check(
        facts,
        [
            ("gpb_basic", 431, "502.40", None, None, None, None),
            ("personnel", 433, "460.94", None, None, None, None),
            ("public_funds", 435, "41.46", None, None, None, None),
        ],
    )
    assert facts[1].purpose is not None and facts[1].purpose.startswith("基本工资、津贴补贴")


def test_sample_section_10_sangong(sample: Parsed) -> None:
    facts = in_section(sample[0], "十")
    check(
        facts,
        [
            ("sangong_total", 461, "3.78", None, None, None, None),
            ("sangong_abroad", 461, "0", None, None, None, None),
            ("sangong_vehicle_purchase", 461, "0", None, None, None, None),
            ("sangong_vehicle_operation", 461, "3.78", None, None, None, None),
            ("sangong_reception", 461, "0", None, None, None, None),
            ("sangong_total", 463, None, "-0.21", "-5.26", None, None),
            ("sangong_abroad", 463, None, "0.00", "0.00", None, "单位无因公出国（境）事项"),
            ("sangong_vehicle_purchase", 463, None, "0.00", "0.00", None, "单位没有计划购置车辆"),
            ("sangong_vehicle_operation", 463, None, "-0.21", "-5.26", None, "财政压缩公务用车运行费"),
            ("sangong_reception", 463, None, "0.00", "0.00", None, "单位没有公务接待事务"),
        ],
    )
    # the reason ends at the ；
    assert facts[6].reason == "单位无因公出国（境）事项故无此项预算支出"
    # the items inherit the comparison stated for the total
    assert {f.compared_with for f in facts[5:]} == {"上年预算"}
    assert facts[1].amount == Decimal("0") and str(facts[1].amount) == "0"


def test_sample_project_description(sample: Parsed) -> None:
    facts, projects, _ = sample
    assert len(projects) == 1
    project = projects[0]
    assert (project.name, project.line, project.section) == ("12345热线服务化外包项目", 439, "七")
    assert project.amount == Decimal("985.00") and str(project.amount) == "985.00"
    assert project.unit == "万元"
    assert list(project.fields) == ["设立的政策依据", "预算安排规模", "项目承担单位", "资金分配情况", "资金执行时间"]
    assert project.fields["设立的政策依据"].startswith("依据《关于加快推进")
    assert project.fields["资金执行时间"] == "2024年2月1日"
    (budget,) = in_section(facts, "七")
    assert (budget.key, budget.line, budget.amount, budget.project) == (
        "project_budget",
        443,
        Decimal("985.00"),
        "12345热线服务化外包项目",
    )


# --- inline variants --------------------------------------------------------


def test_paired_statement_is_split() -> None:
    facts, _, reporter = run(
        "三、关于某某局2024年支出预算情况说明",
        "某某局2024年基本支出、项目支出分别为502.40、985.00万元，分别占33.78%、66.22%，"
        "分别比上年预算增加11.48万元、减少985.00万元，分别增长2.34%、下降100.00%。主要原因是人员调整。",
    )
    assert reporter.findings == []
    check(
        facts,
        [
            ("basic", 2, "502.40", "11.48", "2.34", "33.78", "人员调整"),
            ("project", 2, "985.00", "-985.00", "-100.00", "66.22", "人员调整"),
        ],
    )


def test_paired_with_he_and_units_on_each() -> None:
    facts, _, reporter = run("三、支出", "基本支出和项目支出分别为502.40万元和985.00万元，分别下降1%、2%。")
    assert reporter.findings == []
    check(facts, [("basic", 2, "502.40", None, "-1", None, None), ("project", 2, "985.00", None, "-2", None, None)])


def test_mismatched_pair_is_p302() -> None:
    facts, _, reporter = run("三、支出", "基本支出、项目支出分别为502.40、985.00、3.00万元。")
    assert facts == []
    assert [(f.code, f.line) for f in reporter.findings] == [("P302", 2)]
    facts, _, reporter = run("三、支出", "基本支出、项目支出分别为1、2万元，分别下降1%、2%、3%。")
    assert len(facts) == 2 and all(f.rate is None for f in facts)
    assert [f.code for f in reporter.findings] == ["P302"]


def test_unknown_figure_is_p301() -> None:
    facts, _, reporter = run("二、收入", "一般公共预算100万元。", "另有资金约30万元未列，合计2项共5%。")
    assert len(facts) == 1
    assert [(f.code, f.line) for f in reporter.findings] == [("P301", 3), ("P301", 3)]
    assert "另有资金约30万元未列" in reporter.findings[0].message


def test_figure_without_a_statement_is_p301() -> None:
    facts, _, reporter = run("五、x", "同比增长 5%", "基本支出502.40万元，同比下降 5%")
    assert [f.code for f in reporter.findings] == ["P301"]
    check(facts, [("basic", 3, "502.40", None, "-5", None, None)])
    assert facts[0].compared_with == "上年"


def test_unknown_subject_is_p303() -> None:
    facts, _, reporter = run("二、收入", "神秘收入 100 万元，占 50%。")
    assert [(f.key, f.subject, f.amount, f.share) for f in facts] == [(None, "神秘收入", Decimal(100), Decimal(50))]
    assert [(f.code, f.severity) for f in reporter.findings] == [("P303", "info")]


def test_reason_in_its_own_sentence_and_decrease() -> None:
    facts, _, reporter = run(
        "二、关于某某局2024年收入预算情况说明",
        "一般公共预算 1,487.40 万元，占 100.00%，比上年预算减少 20.00 万元，下降 1.33%。主要原因是压减开支，减少公用经费。",
    )
    assert reporter.findings == []
    check(facts, [("income_gpb", 2, "1487.40", "-20.00", "-1.33", "100.00", "压减开支")])
    assert facts[0].reason == "压减开支，减少公用经费"


def test_reason_in_next_paragraph() -> None:
    facts, _, _ = run("三、支出", "基本支出 10 万元，比上年减少 1 万元。", "主要原因是人员减少。")
    assert facts[0].reason == "人员减少" and facts[0].change == Decimal(-1)


def test_no_spaces_half_width_and_chained_clauses() -> None:
    facts, _, reporter = run(
        "二、收入",
        "收入预算 100 万元 占 50 % 比上年增长 5 %",
        "十、三公",
        "因公出国(境)费0万元,公务接待费1,200.5万元;公务用车购置费:3万元",
    )
    assert reporter.findings == []
    check(
        facts,
        [
            ("income_total", 2, "100", None, "5", "50", None),
            ("sangong_abroad", 4, "0", None, None, None, None),
            ("sangong_reception", 4, "1200.5", None, None, None, None),
            ("sangong_vehicle_purchase", 4, "3", None, None, None, None),
        ],
    )


def test_unit_name_given_by_caller() -> None:
    facts, _, reporter = run(
        "乌鲁木齐市 12345 政务服务热线中心单位收入预算 1,487.40 万元", unit="乌鲁木齐市12345政务服务热线中心"
    )
    assert reporter.findings == []
    assert [(f.key, f.subject, f.section) for f in facts] == [("income_total", "收入预算", "")]


def test_same_words_by_section() -> None:
    facts, _, _ = run("二、收入", "一般公共预算 5 万元", "五、拨款", "一般公共预算 5 万元")
    assert [(f.section, f.key) for f in facts] == [("二", "income_gpb"), ("五", "gpb_appropriation")]


def test_non_figure_sentences_are_silent() -> None:
    facts, projects, reporter = run(
        "一、总体",
        "收入预算包括：一般公共预算。",
        "上级一般公共预算安排的转移支付资金未安排。",
        "某某局2024年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。",
    )
    assert (facts, projects, reporter.findings) == ([], [], [])


def test_several_projects_and_fields_in_one_paragraph() -> None:
    facts, projects, reporter = run(
        "七、项目支出",
        "（一）项目名称：A项目；预算安排规模：100万元；项目承担单位：某局",
        "（二）项目名称：B项目",
        "预算安排规模: 200 万元",
        "资金分配情况：甲 100 万元，",
        "乙 100 万元。",
        "八、其他",
        "基本支出 1 万元",
    )
    assert reporter.findings == []
    assert [(p.name, p.line, p.amount) for p in projects] == [("A项目", 2, Decimal(100)), ("B项目", 3, Decimal(200))]
    assert projects[0].fields == {"预算安排规模": "100万元", "项目承担单位": "某局"}
    assert projects[1].fields["资金分配情况"] == "甲100万元，乙100万元"
    assert [(f.key, f.project, f.amount) for f in facts] == [
        ("project_budget", "A项目", Decimal(100)),
        ("project_budget", "B项目", Decimal(200)),
        ("basic", None, Decimal(1)),
    ]


def test_project_field_without_name_is_p320() -> None:
    _, projects, reporter = run("七、项目", "预算安排规模：100万元")
    assert [(p.name, p.amount) for p in projects] == [("", Decimal(100))]
    assert [f.code for f in reporter.findings] == ["P320"]


def test_vocabulary_loads_and_names_the_brief_keys() -> None:
    voc = vocabulary()
    keys = set(voc.general.values()) | {k for t in voc.by_section.values() for k in t.values()}
    assert {
        "total_budget",
        "income_total",
        "income_gpb",
        "income_fund",
        "income_soce",
        "expenditure_total",
        "basic",
        "project",
        "fiscal_total",
        "gpb_appropriation",
        "personnel",
        "public_funds",
        "sangong_total",
        "sangong_abroad",
        "sangong_vehicle_purchase",
        "sangong_vehicle_operation",
        "sangong_reception",
    } <= keys
