"""Issue 17: errors of a 决算 disclosure injected into a correct 决算 document, each caught by the rule meant for it.

Each kind is a few text replacements (every occurrence of the old text is replaced, and it must occur) in one of
three hand-made 决算 documents that give no Violation as they are: ``small`` (tests/cases/final-small, 表1-表7),
``narrative`` (tests/cases/final-narrative, 表1 and 表5-表7 with a 情况说明) and ``wlmq`` (the 12345 hotline's
final accounts in tests/fixtures/budget-actual, with the empty 表8/表9 and their 为空表 notes).  The document is
converted with :func:`budgetlod.pipeline.convert`, which validates it; the expected rule is a SHACL shape
(``blsh:…``, its results' source shape) or a parser finding code (``P…``, docs/findings.md), with its severity and
a fragment of its message (the shapes' zh message; findings are in English).  The expected result must not be in
the report of the unmodified document.  A kind expected as a Warning must give no Violation at all (a 0.02 miss
over 3 items is rounding, not an error).

The totals a 决算 narrative restates from the tables (一、收入支出决算总体情况说明: 收、支总计 = 表1 总计, 本年收入合计
and 本年支出合计 = 表1's 本年 rows; 二 and 三 the same 本年 rows and 表3's 基本支出/项目支出; 四 财政拨款收、支总计 = 表4
总计; 五 一般公共预算财政拨款支出 = 表5 合计) are caught by blsh:NarrativeAmountMatchesTable through the 决算 restatements
of the narrative-subject code list (``<subject>/final-s<section>``, table types f01, f03, f04, f05). ``small`` has no
narrative: :data:`SMALL_NARRATIVE` (a correct one, by hand below) is appended to it for those kinds.

Injected but caught by no rule (so not asserted here), as found with ``budgetlod validate`` on modified copies (a
year or unit placeholder in a heading, a heading naming another unit and an amount-unit placeholder were on this list
until the parser's review findings P118, P120 and P123 caught them: asserted below):

* the narrative quoting a cell that was blanked: blsh:FinalNarrativeAmountMatchesTable needs a cell with an
  amount, and a blank cell makes no observation, so ``行政运行（项）……支出决算为320.00万元`` against a blanked
  表5 cell is not compared.  The blank is caught by the arithmetic instead (kind ``blanked-cell-quoted``: the
  parent 款 no longer adds up), which is what is asserted.
* a narrative amount of a function line stated in 元 for 万元 with its stage (``支出决算为3200000.00元``):
  blsh:NarrativeAmountTenThousandFold compares only the amounts the narrative-subject code list restates without a
  stage; the statement is caught by blsh:FinalComparisonMatchesFigures and FinalCompletionRateMatchesFigures (as
  3200000.00 元 against a 年初预算 of 330.00 元). A restated total in 元 is caught (kind ``narrative-total-in-yuan``).

The figures, by hand: final-small 表1 支出总计 350.00 = 本年支出合计 310.00 + 年末结转和结余 40.00, 收入总计 350.00 =
本年收入合计 320.00 + 年初结转和结余 30.00 (so 总计 and 本年 differ); 表3 合计行 基本支出 275.00 (275.00 ÷ 310.00 =
88.71%), 项目支出 35.00 (11.29%); 表4 总计 310.00; 表5 合计 300.00; 表3 201 =
250.00 = 20106 250.00; 表6 人员经费合计 210.00 = 301 200.00 + 303 10.00, 公用经费合计 60.00 = 302 60.00, and
210.00 + 60.00 = 270.00 = 表5 合计行 基本支出; 表7 决算 8.50 = 1.50 + 4.50 + 2.50, 小计 4.50 = 2.00 + 2.50.
final-narrative: 行政运行 320.00 ÷ 330.00 = 96.97%; shares 420.00/500.00 = 84.00%, 80.00/500.00 = 16.00%.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
from paths import CASES, ROOT

from budgetlod.pipeline import Converted, convert

SOURCES = {
    "small": CASES / "final-small" / "source.txt",
    "narrative": CASES / "final-narrative" / "source.txt",
    "wlmq": ROOT / "tests" / "fixtures" / "budget-actual" / "wlmq-12345-hotline-2024-final-accounts.txt",
}
SHAPES = "https://w3id.org/budgetlod/shapes#"


class Kind(NamedTuple):
    kind: str
    source: str  # a key of SOURCES
    pairs: tuple[tuple[str, str], ...]  # (old, new): every occurrence of old is replaced
    rule: str  # blsh:Shape or a finding code
    severity: str  # violation | warning
    fragment: str  # a fragment of the expected message


Hit = tuple[str, str, str]  # (rule, severity, message)


def _small_table_3() -> str:
    text = SOURCES["small"].read_text(encoding="utf-8")
    return text[text.index("表 3\n") : text.index("表 4\n")]


T5_2080505 = "| 208 | 05 | 05 | 机关事业单位基本养老保险缴费支出 | 60.00 | 60.00 | |\n"  # final-small 表5
T3_2080505 = "| 208 | 05 | 05 | 机关事业单位基本养老保险缴费支出 | 60.00 | 60.00 | | | | |\n"  # final-small 表3
T5_2010601 = "| 201 | 06 | 01 | 行政运行 | 210.00 | 210.00 | |\n"  # final-small 表5
T7_ROW = "| 10.00 | 8.50 | 2.00 | 1.50 | 5.00 | 4.50 |"  # final-small 表7: 合计, 出国, 车辆小计 (预算数, 决算数)
T6_UNIT = "一般公共预算财政拨款基本支出决算表\n\n编制单位：上海市示例区小局\n\n单位：万元"
T7_LINE = T7_ROW + " 2.00 | 2.00 | 3.00 | 2.50 | 3.00 | 2.50 |\n"  # final-small 表7, its last line
# a correct narrative for final-small (the figures by hand in the module's description)
SMALL_NARRATIVE = """
第三部分 上海市示例区小局 2024 年度部门决算情况说明

一、收入支出决算总体情况说明

2024年度收、支总计均为350.00万元。本年收入合计320.00万元，本年支出合计310.00万元。

二、收入决算情况说明

2024年度本年收入合计320.00万元。

三、支出决算情况说明

2024年度本年支出合计310.00万元，其中：基本支出275.00万元，占88.71%；项目支出35.00万元，占11.29%。

四、财政拨款收入支出决算总体情况说明

2024年度财政拨款收、支总计均为310.00万元。

五、一般公共预算财政拨款支出决算情况说明

2024年度一般公共预算财政拨款支出300.00万元。
"""
SECTION_5 = "五、一般公共预算财政拨款支出决算情况说明"  # final-narrative: the first section of its 情况说明


def _small_narrative(old: str, new: str) -> tuple[str, str]:
    """The pair that appends :data:`SMALL_NARRATIVE` to final-small with ``old`` replaced by ``new`` in it."""
    assert SMALL_NARRATIVE.count(old) == 1
    return (T7_LINE, T7_LINE + SMALL_NARRATIVE.replace(old, new))


NARRATIVE_HEAD = "第三部分 上海市示例区示例局 2024 年度"
WLMQ_TABLES_HEAD = "第二部分 乌鲁木齐市 12345 政务服务热线中心 2024 年度部门决算表"

KINDS = [
    Kind("missing-table", "small", ((_small_table_3(), ""),), "P102", "warning", "table missing: 表3 支出决算表"),
    # 表5 2010601 合计 blanked while the narrative still says 支出决算为320.00万元: 20106 420.00 ≠ 100.00
    Kind(
        "blanked-cell-quoted",
        "narrative",
        (("| 201 | 06 | 01 | 行政运行 | 320.00 | 320.00 | |", "| 201 | 06 | 01 | 行政运行 | | | |"),),
        "blsh:ParentRowIsSumOfChildRows",
        "violation",
        "20106 财政事务：合计 420.00 ≠ 下级各行之和 100.00（2010602 100.00）",
    ),
    Kind(
        "comparison-word",
        "narrative",
        (("96.97%，决算数小于预算数", "96.97%，决算数大于预算数"),),
        "blsh:FinalComparisonMatchesFigures",
        "violation",
        "行政运行（项）：称决算数大于预算数，但决算 320.00 万元，年初预算 330.00 万元",
    ),
    Kind(
        "completion-rate",
        "narrative",
        (("完成年初预算的96.97%", "完成年初预算的97.96%"),),
        "blsh:FinalCompletionRateMatchesFigures",
        "violation",
        "完成率 97.96% ≠ 决算 320.00 万元 ÷ 年初预算 330.00 万元",
    ),
    Kind(
        "narrative-class-amount",
        "narrative",
        (("一般公共服务支出（类）420.00万元，占84.00%", "一般公共服务支出（类）430.00万元，占84.00%"),),
        "blsh:FinalNarrativeAmountMatchesTable",
        "violation",
        "一般公共服务支出（类） 决算 430.00 万元 ≠ 表5 合计 420.00",
    ),
    Kind(
        "narrative-sangong-item",
        "narrative",
        (("公务接待费支出决算为3.00万元", "公务接待费支出决算为3.50万元"),),
        "blsh:FinalNarrativeAmountMatchesTable",
        "violation",
        "公务接待费 决算 3.50 万元 ≠ 表7 公务接待费/决算数 3.00",
    ),
    Kind(
        "income-total-ne-expenditure-total",
        "small",
        (("| 总计 | 350.00 | 总计 | 350.00 |", "| 总计 | 360.00 | 总计 | 350.00 |"),),
        "blsh:FinalIncomeTotalEqualsExpenditureTotal",
        "violation",
        "表1 第6行：收入总计 360.00 ≠ 支出总计 决算数 350.00",
    ),
    Kind(
        "expenditure-total-ne-parts",
        "small",
        (("| 年末结转和结余 | 40.00 |", "| 年末结转和结余 | 45.00 |"),),
        "blsh:FinalExpenditureTotalIsSumOfParts",
        "violation",
        "总计：决算数 350.00 ≠ 本年支出合计 310.00 + 年末结转和结余 45.00 = 355.00",
    ),
    Kind(
        "class-ne-sum-of-kuan",
        "small",
        (
            (
                "| 201 | | | 一般公共服务支出 | 250.00 | 215.00 | 35.00 | | | |",
                "| 201 | | | 一般公共服务支出 | 255.00 | 220.00 | 35.00 | | | |",
            ),
        ),
        "blsh:ParentRowIsSumOfChildRows",
        "violation",
        "表3 第2行 201 一般公共服务支出：本年支出合计 255.00 ≠ 下级各行之和 250.00（20106 250.00）",
    ),
    Kind(
        "kuan-ne-sum-of-xiang",
        "wlmq",
        (
            (
                "| 201 | 03 | 50 | 事业运行 | 436.00 | 436.00 | | | | | |",
                "| 201 | 03 | 50 | 事业运行 | 446.00 | 446.00 | | | | | |",
            ),
        ),
        "blsh:ParentRowIsSumOfChildRows",
        "violation",
        "表2 第3行 20103 政府办公厅（室）及相关机构事务：本年收入合计 1346.00 ≠ 下级各行之和 1356.00",
    ),
    Kind(
        "total-ne-basic-plus-project",
        "small",
        ((T5_2080505, T5_2080505.replace("| 60.00 | 60.00 |", "| 60.00 | 50.00 |")),),
        "blsh:RowTotalIsSumOfColumns",
        "violation",
        "2080505 机关事业单位基本养老保险缴费支出：合计 60.00 ≠ 基本支出 50.00 = 50.00",
    ),
    Kind(
        "personnel-total-ne-classes",
        "small",
        (("| | | 人员经费合计 | 210.00 |", "| | | 人员经费合计 | 220.00 |"),),
        "blsh:FinalFundsTotalIsSumOfClasses",
        "violation",
        "人员经费合计：决算数 220.00 ≠ 301 200.00 + 303 10.00 = 210.00",
    ),
    Kind(
        "sangong-total-ne-items",
        "small",
        ((T7_ROW, "| 10.00 | 9.50 | 2.00 | 1.50 | 5.00 | 4.50 |"),),
        "blsh:FinalSangongTotalIsSumOfItems",
        "violation",
        "合计/决算数 9.50 ≠ 公务接待费/决算数 2.50 + 公务用车购置及运行费/小计/决算数 4.50 + 因公出国（境）费/决算数 1.50 = 8.50",
    ),
    # 小计 5.50 and 合计 9.50 = 1.50 + 5.50 + 2.50: only the vehicle subtotal is wrong (购置 2.00 + 运行 2.50)
    Kind(
        "vehicle-subtotal-ne-purchase-plus-running",
        "small",
        ((T7_ROW, "| 10.00 | 9.50 | 2.00 | 1.50 | 5.00 | 5.50 |"),),
        "blsh:FinalSangongTotalIsSumOfItems",
        "violation",
        "公务用车购置及运行费/小计/决算数 5.50 ≠ 公务用车购置及运行费/公务用车购置费/决算数 2.00 + "
        "公务用车购置及运行费/公务用车运行费/决算数 2.50 = 4.50",
    ),
    # 表6 consistent in itself (302 = 办公费 = 公用经费合计 = 70.00), but 210.00 + 70.00 = 280.00 ≠ 表5 270.00
    Kind(
        "t5-basic-ne-t6",
        "small",
        (
            ("| 302 | | 商品和服务支出 | 60.00 |", "| 302 | | 商品和服务支出 | 70.00 |"),
            ("| 302 | 01 | 办公费 | 60.00 |", "| 302 | 01 | 办公费 | 70.00 |"),
            ("| | | 公用经费合计 | 60.00 |", "| | | 公用经费合计 | 70.00 |"),
        ),
        "blsh:FinalBasicIsPersonnelPlusPublic",
        "violation",
        "表5 第1行 合计：基本支出 270.00 ≠ 表6 人员经费合计 210.00 + 公用经费合计 70.00 = 280.00",
    ),
    # 表1 still adds up (290.00 + 30.00 = 320.00); 表4 keeps 300.00
    Kind(
        "f04-ne-f01",
        "small",
        (
            ("| 一般公共预算财政拨款收入 | 300.00 |", "| 一般公共预算财政拨款收入 | 290.00 |"),
            ("| 其他收入 | 20.00 |", "| 其他收入 | 30.00 |"),
        ),
        "blsh:FinalFiscalTablesAgree",
        "violation",
        "表4 第1行 一般公共预算财政拨款：决算数 300.00 ≠ 表1 第1行 一般公共预算财政拨款收入 决算数 290.00",
    ),
    # 8.52 - (1.50 + 4.50 + 2.50) = 0.02: more than 0.01, within 0.01 × 3
    Kind(
        "rounding-miss-over-3-items",
        "small",
        ((T7_ROW, "| 10.00 | 8.52 | 2.00 | 1.50 | 5.00 | 4.50 |"),),
        "blsh:FinalSangongTotalIsSumOfItemsRounding",
        "warning",
        "合计/决算数 8.52 与 公务接待费/决算数 2.50 + 公务用车购置及运行费/小计/决算数 4.50 + 因公出国（境）费/决算数 1.50 = 8.50 "
        "相差 0.02，在 3 项各舍入到 0.01 的舍入误差以内",
    ),
    Kind(
        "narrative-heading-wrong-year",
        "narrative",
        ((NARRATIVE_HEAD, NARRATIVE_HEAD.replace("2024", "2023")),),
        "P116",
        "warning",
        "the year of '第三部分上海市示例区示例局2023年度部门决算情况说明' is 2023, the title's 2024",
    ),
    Kind(
        "tables-heading-wrong-year",
        "wlmq",
        ((WLMQ_TABLES_HEAD, WLMQ_TABLES_HEAD.replace("2024", "2023")),),
        "P116",
        "warning",
        "is 2023, the title's 2024: the title's is kept",
    ),
    Kind(
        "year-placeholder-in-heading",
        "narrative",
        ((NARRATIVE_HEAD, NARRATIVE_HEAD.replace("2024", "20XX")),),
        "P118",
        "error",
        "holds the placeholder '20XX年' where the year 2024 was expected",
    ),
    Kind(
        "unit-placeholder-in-heading",
        "narrative",
        ((NARRATIVE_HEAD, NARRATIVE_HEAD.replace("上海市示例区示例局", "上海市XX局")),),
        "P118",
        "error",
        "the part heading '第三部分上海市XX局2024年度部门决算情况说明' holds the placeholder 'XX' where a name was expected",
    ),
    Kind(
        "heading-names-another-unit",
        "wlmq",
        ((WLMQ_TABLES_HEAD, WLMQ_TABLES_HEAD.replace("12345 政务服务热线中心", "12366 纳税服务热线中心")),),
        "P120",
        "warning",
        "names the unit '乌鲁木齐市12366纳税服务热线中心'; the document's is '乌鲁木齐市12345政务服务热线中心'",
    ),
    Kind(
        "amount-unit-placeholder",
        "small",
        (("单位：万元", "单位：XX"),),
        "P123",
        "error",
        "holds the placeholder 'XX'",
    ),
    Kind(
        "unit-placeholder",
        "small",
        (("上海市示例区小局", "XX局"),),
        "P115",
        "warning",
        "the unit's name 'XX局' is a placeholder (XX)",
    ),
    Kind(
        "unreadable-amount",
        "wlmq",
        (
            (
                "| 201 | 03 | 50 | 事业运行 | 436.00 | 436.00 | | | | | |",
                "| 201 | 03 | 50 | 事业运行 | 1,2O3.00 | 436.00 | | | | | |",
            ),
        ),
        "blsh:UnreadableCell",
        "violation",
        "表2 第4行 2010350 事业运行 列「本年收入合计」：所印“1,2O3.00”不能读作金额",
    ),
    Kind(
        "malformed-code",
        "small",
        ((T3_2080505, T3_2080505.replace("| 05 | 05 |", "| 05 | 5 |")),),
        "blsh:CodeWellFormed",
        "violation",
        "编码“208055”格式不对（支出功能分类编码应为3位、5位或7位数字）",
    ),
    Kind(
        "empty-table-without-note",
        "wlmq",
        (("乌鲁木齐市 12345 政务服务热线中心 2024 年度没有政府性基金预算财政拨款收入和支出，本表为空表。", ""),),
        "blsh:EmptyTableHasNote",
        "warning",
        "《政府性基金预算财政拨款收入支出决算表》没有数字，表后也没有“为空表”的说明",
    ),
    # 85.00% + 16.00% = 101.00%
    Kind(
        "shares-do-not-add-up",
        "narrative",
        (("占84.00%", "占85.00%"),),
        "blsh:NarrativeSharesAddUp",
        "violation",
        "一般公共服务支出（类） 85.00% + 社会保障和就业支出（类） 16.00% = 101.00% ≠ 100%",
    ),
    Kind(
        "one-table-in-yuan",
        "small",
        ((T6_UNIT, T6_UNIT.replace("单位：万元", "单位：元")),),
        "blsh:TableUnitsConsistent",
        "warning",
        "表6 金额单位为“元”，表1 为“万元”",
    ),
    Kind(
        "narrative-function-name",
        "narrative",
        (("一般公共服务支出（类）420.00万元", "一般公共管理支出（类）420.00万元"),),
        "blsh:NarrativeFunctionNamesMatchTables",
        "warning",
        "“一般公共管理支出（类）”420.00 万元：表中没有类、款、项名称与之相同的功能分类科目",
    ),
    Kind(
        "change-without-reason",
        "narrative",
        (("增长5.26%，主要原因：办公设备更新。", "增长5.26%。"),),
        "blsh:ChangeHasReason",
        "warning",
        "机关运行经费比上年增加 2.00 万元，未说明原因",
    ),
    Kind(
        "duplicated-row",
        "small",
        ((T5_2010601, T5_2010601 * 2),),
        "blsh:DuplicatedRow",
        "violation",
        "表5 第5行 2010601 行政运行：与第4行重复",
    ),
    Kind(
        "missing-parent-row",
        "small",
        (("| 201 | 06 | | 财政事务 | 240.00 | 210.00 | 30.00 |\n", ""),),
        "blsh:CodeHasParentRow",
        "warning",
        "表5 第3行 2010601 行政运行：上级编码 20106 在本表中没有对应的行",
    ),
    # a 决算 narrative's totals against the tables they restate (the 决算 restatements of the narrative-subject code list)
    Kind(
        "narrative-grand-total-ne-t1",
        "narrative",
        ((SECTION_5, f"一、收入支出决算总体情况说明\n\n2024年度收、支总计均为510.00万元。\n\n{SECTION_5}"),),
        "blsh:NarrativeAmountMatchesTable",
        "violation",
        "情况说明（一）收、支总计 510.00 万元 ≠ 表1 第5行 总计：决算数 500.00",
    ),
    Kind(
        "narrative-lead-total-ne-t5",
        "narrative",
        (("一般公共预算财政拨款支出500.00万元，主要用于", "一般公共预算财政拨款支出510.00万元，主要用于"),),
        "blsh:NarrativeAmountMatchesTable",
        "violation",
        "情况说明（五）一般公共预算财政拨款支出 510.00 万元 ≠ 表5 第1行 合计：合计 500.00",
    ),
    # 本年收入合计 stated as the 总计 (350.00, with the opening balance): 表1's 本年收入合计 is 320.00
    Kind(
        "narrative-current-income-ne-t1",
        "small",
        (_small_narrative("本年收入合计320.00万元，本年支出", "本年收入合计350.00万元，本年支出"),),
        "blsh:NarrativeAmountMatchesTable",
        "violation",
        "情况说明（一）本年收入合计 350.00 万元 ≠ 表《收入支出决算总表》 第3行 本年收入合计：决算数 320.00",
    ),
    Kind(
        "narrative-current-expenditure-ne-t1",
        "small",
        (_small_narrative("2024年度本年支出合计310.00", "2024年度本年支出合计300.00"),),
        "blsh:NarrativeAmountMatchesTable",
        "violation",
        "情况说明（三）本年支出合计 300.00 万元 ≠ 表《收入支出决算总表》 第3行 本年支出合计：决算数 310.00",
    ),
    Kind(
        "narrative-fiscal-total-ne-t4",
        "small",
        (_small_narrative("财政拨款收、支总计均为310.00", "财政拨款收、支总计均为300.00"),),
        "blsh:NarrativeAmountMatchesTable",
        "violation",
        "情况说明（四）财政拨款收、支总计 300.00 万元 ≠ 表4 第4行 总计：决算数 310.00",
    ),
    Kind(
        "narrative-total-in-yuan",
        "narrative",
        ((SECTION_5, f"一、收入支出决算总体情况说明\n\n2024年度收、支总计均为500.00元。\n\n{SECTION_5}"),),
        "blsh:NarrativeAmountTenThousandFold",
        "violation",
        "情况说明（一）收、支总计 500.00 元 是表1 第5行 总计：决算数 500.00 万元 的万分之一：疑为元与万元混淆",
    ),
]


def _hits(converted: Converted) -> list[Hit]:
    """The shapes' results (source shape as blsh:Name, zh message) and the findings (code), both with severity."""
    assert converted.report is not None
    hits = [(r.shape.replace(SHAPES, "blsh:"), r.severity, r.message("zh")) for r in converted.report.results]
    return hits + [(f.code, f.severity, f.message) for f in converted.findings]


def _caught(hits: list[Hit], kind: Kind) -> bool:
    return any(rule == kind.rule and severity == kind.severity and kind.fragment in msg for rule, severity, msg in hits)


@cache
def _unmodified(source: str) -> tuple[Hit, ...]:
    return tuple(_hits(convert(SOURCES[source])))


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_unmodified_document_has_no_violation(source: str) -> None:
    violations = [hit for hit in _unmodified(source) if hit[1] == "violation"]
    assert violations == []


def test_at_least_twenty_kinds() -> None:
    assert len({kind.kind for kind in KINDS}) == len(KINDS) >= 20


@pytest.mark.parametrize("kind", KINDS, ids=[kind.kind for kind in KINDS])
def test_injected_error_is_caught(kind: Kind, tmp_path: Path) -> None:
    assert not _caught(list(_unmodified(kind.source)), kind), "the unmodified document already gives it"
    text = SOURCES[kind.source].read_text(encoding="utf-8")
    for old, new in kind.pairs:
        assert old in text, f"{old!r} is not in {kind.source}"
        text = text.replace(old, new)
    path = tmp_path / "source.txt"
    path.write_text(text, encoding="utf-8")
    hits = _hits(convert(path))
    assert _caught(hits, kind), f"{kind.rule} {kind.severity} {kind.fragment!r} not in {hits}"
    if kind.severity == "warning":
        assert [hit for hit in hits if hit[1] == "violation"] == []


def test_a_correct_narrative_restating_the_tables_gives_no_violation(tmp_path: Path) -> None:
    """final-small with :data:`SMALL_NARRATIVE`: 本年收入合计 320.00 and 收、支总计 350.00 each agree with their own row
    of 表1, and every other restated total with its table."""
    text = SOURCES["small"].read_text(encoding="utf-8")
    assert text.count(T7_LINE) == 1
    path = tmp_path / "source.txt"
    path.write_text(text.replace(T7_LINE, T7_LINE + SMALL_NARRATIVE), encoding="utf-8")
    hits = _hits(convert(path))
    assert [hit for hit in hits if hit[1] == "violation"] == []
