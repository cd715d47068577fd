"""其他重要事项: 运行经费, 政府采购, 国有资产, 预算绩效, 涉密项目, other notes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from paths import SAMPLE

from budgetlod.findings import Reporter
from budgetlod.model import Amount, AssetItem, Change, Classified, Equipment, Indicator, OtherMatters
from budgetlod.parse.other import parse_other_matters
from budgetlod.parse.parts import split_parts
from budgetlod.read.stream import Block
from budgetlod.read.text import to_blocks


def blocks_of(text: str) -> list[Block]:
    return to_blocks(text, Reporter())


def wan(value: str, line: int) -> Amount:
    return Amount(Decimal(value), "万元", line)


@pytest.fixture(scope="module")
def sample() -> tuple[OtherMatters, Reporter]:
    reporter = Reporter()
    parts = split_parts(to_blocks(SAMPLE.read_text(encoding="utf-8"), Reporter()))
    return parse_other_matters(parts.other, reporter), reporter


def test_sample_running_cost(sample: tuple[OtherMatters, Reporter]) -> None:
    other, _ = sample
    assert other.running_cost is not None
    assert other.running_cost.amount == wan("41.46", 473)
    assert other.running_cost.change == Change(amount=Decimal("-2.73"), rate=Decimal("-6.18"), line=473)
    assert other.running_cost.reason == "2名在职人员调出单位致使运行经费下降"


def test_sample_procurement(sample: tuple[OtherMatters, Reporter]) -> None:
    other, _ = sample
    proc = other.procurement
    assert proc is not None
    assert proc.total == wan("990.78", 477)
    assert proc.goods == wan("2.00", 477)
    assert proc.works == wan("0", 477)
    assert proc.works.value == Decimal("0")
    assert proc.services == wan("988.78", 477)
    assert proc.sme_reserved == wan("2.73", 479)
    assert proc.micro_reserved == wan("2.73", 479)
    assert proc.sme_awarded is None and proc.micro_awarded is None


def test_sample_assets(sample: tuple[OtherMatters, Reporter]) -> None:
    other, _ = sample
    assets = other.assets
    assert assets is not None
    assert assets.as_of == "2023年底"
    assert assets.as_of_line == 483
    assert assets.items == [
        AssetItem("房屋", 485, count=None, area_m2=Decimal("280.00"), value=wan("0.00", 485)),
        AssetItem("车辆", 487, count=2, value=wan("27.42", 487)),
        AssetItem("一般公务用车", 487, count=2, value=wan("27.42", 487)),
        AssetItem("执法执勤用车", 487, count=0, value=wan("0.00", 487)),
        AssetItem("其他车辆", 487, count=0, value=wan("0.00", 487)),
        AssetItem("办公家具", 489, value=wan("93.89", 489)),
        AssetItem("其他资产", 491, value=wan("827.10", 491)),
    ]
    assert assets.equipment == [
        Equipment("50万元以上", 2, planned=False, line=493),
        Equipment("100万元以上", 0, planned=False, line=493),
        Equipment("50万元以上", 0, planned=True, line=495),
        Equipment("100万元以上", 0, planned=True, line=495),
    ]
    assert assets.planned_vehicles is None  # "未安排购置车辆经费" states no figure


def test_sample_performance(sample: tuple[OtherMatters, Reporter]) -> None:
    other, _ = sample
    perf = other.performance
    assert perf is not None
    assert perf.line == 499
    assert perf.overall_targets == 1
    assert perf.overall_amount == wan("1487.40", 499)
    assert perf.fiscal_projects == 1
    assert perf.fiscal_projects_amount == wan("985.00", 499)
    assert perf.nonfiscal_projects == 0
    assert perf.nonfiscal_projects_amount == wan("0.00", 499)


def test_sample_performance_table(sample: tuple[OtherMatters, Reporter]) -> None:
    other, _ = sample
    assert other.performance is not None
    [table] = other.performance.tables
    assert table.title == "单位整体绩效目标表"
    assert table.line == 505
    assert table.fields["单位名称"] == "乌鲁木齐市12345政务服务热线中心"
    assert table.fields["单位联系人"] == "仇博辉"
    assert table.fields["联系电话"] == "3550021"
    goal = table.fields["年度绩效目标"]
    assert goal.startswith("主要职责为：负责受理市民诉求事项")
    assert goal.endswith("对月度考评成绩偏低的单位进行重点沟通督办及专项服务")
    assert "<p>" not in goal
    assert table.funds == {
        "财政资金/上级安排": Decimal("0.00"),
        "财政资金/本级安排": Decimal("1487.40"),
        "其他资金/其他": Decimal("0.00"),
    }
    assert table.indicators == [
        Indicator("履职效能", "数量指标", "知识库采集录入完善", ">=6800 条", "政府文件", Decimal("30"), 515),
        Indicator("履职效能", "数量指标", "二级责任单位考核频率", ">=12 次/年", "政府文件", Decimal("30"), 516),
        Indicator("服务对象满意度", "质量指标", "市民满意度", ">=90%", "政府文件", Decimal("30"), 517),
    ]


def test_sample_classified_and_notes(sample: tuple[OtherMatters, Reporter]) -> None:
    other, _ = sample
    assert other.classified == Classified(count=1, amount=wan("985.00", 521), line=521)
    assert other.notes == ["单位办公用房为机关事务管理局管辖的益民大厦B区2楼。"]


def test_sample_has_no_findings(sample: tuple[OtherMatters, Reporter]) -> None:
    _, reporter = sample
    assert reporter.findings == []


VARIANT = """（一）机关运行经费

2024年单位运行经费财政拨款预算为 52.10 万元，比上年预算增加 3.50 万元，增长 7.20%。

主要原因是新增人员 2 名。

（二）政府采购情况

2024年本单位政府采购预算总额 120.00 万元，其中：政府采购货物预算 20.00 万元，\
政府采购工程预算 0.00 万元，政府采购服务预算 100.00 万元。

（三）其他需说明的事项

本单位无涉密项目。
"""


def test_variant_wording_and_procurement_without_sme_sentence() -> None:
    reporter = Reporter()
    other = parse_other_matters(blocks_of(VARIANT), reporter)
    assert other.running_cost is not None
    assert other.running_cost.amount == wan("52.10", 3)
    assert other.running_cost.change == Change(Decimal("3.50"), Decimal("7.20"), 3)
    assert other.running_cost.reason == "新增人员2名"
    proc = other.procurement
    assert proc is not None
    assert proc.total == wan("120.00", 9)
    assert (proc.goods, proc.works, proc.services) == (wan("20.00", 9), wan("0.00", 9), wan("100.00", 9))
    assert proc.sme_reserved is None
    assert proc.micro_reserved is None
    assert other.classified == Classified(count=0, amount=None, line=13)
    assert other.notes == []
    assert reporter.findings == []


def test_awarded_contracts_and_yuan_unit() -> None:
    text = (
        "(一) 机关运行经费情况\n\n本单位机关运行经费财政拨款支出 414,600.00 元，与上年持平。\n\n"
        "(二) 政府采购情况\n\n"
        "2023年政府采购支出总额 300.00 万元，授予中小企业合同金额 240.00 万元，占政府采购支出总额的 80.00%，"
        "其中：授予小微企业合同金额 120.00 万元，占授予中小企业合同金额的 50.00%。\n"
    )
    reporter = Reporter()
    other = parse_other_matters(blocks_of(text), reporter)
    assert other.running_cost is not None
    assert other.running_cost.amount == Amount(Decimal("414600.00"), "元", 3)
    assert other.running_cost.change == Change(Decimal("0"), None, 3)
    proc = other.procurement
    assert proc is not None
    assert proc.total == wan("300.00", 7)
    assert proc.sme_awarded == wan("240.00", 7)
    assert proc.sme_share == Decimal("80.00")
    assert proc.micro_awarded == wan("120.00", 7)
    assert proc.micro_share == Decimal("50.00")
    assert proc.sme_reserved is None
    assert reporter.findings == []


FLAT_TABLE = """（四）预算绩效情况

项目绩效目标表

| 项目名称 | 热线外包服务 | 主管部门 | 某某局 |
| 资金来源 | 资金总额 |
| 财政拨款 | 985.00 |
| 其他资金 |  |
| 一级指标 | 二级指标 | 三级指标 | 指标值 | 指标设定依据 | 分值权重 |
| 产出指标 | 数量指标 | 接听量 | >=50 万次 | 合同 | 40 |
| 效益指标 | 社会效益 | 群众诉求办结率 | >=95% | 计划 | 30 |
| 满意度指标 | 服务对象满意度 | 市民满意度 | >=90% | 调查 | 30 |
"""


def test_performance_table_without_merged_cells() -> None:
    reporter = Reporter()
    other = parse_other_matters(blocks_of(FLAT_TABLE), reporter)
    assert other.performance is not None
    [table] = other.performance.tables
    assert table.title == "项目绩效目标表"
    assert table.line == 5
    assert table.fields == {"项目名称": "热线外包服务", "主管部门": "某某局"}
    assert table.funds == {"财政拨款": Decimal("985.00"), "其他资金": None}
    assert table.indicators == [
        Indicator("产出指标", "数量指标", "接听量", ">=50 万次", "合同", Decimal("40"), 10),
        Indicator("效益指标", "社会效益", "群众诉求办结率", ">=95%", "计划", Decimal("30"), 11),
        Indicator("满意度指标", "服务对象满意度", "市民满意度", ">=90%", "调查", Decimal("30"), 12),
    ]
    assert reporter.findings == []


def test_unreadable_sentence_is_reported_not_guessed() -> None:
    text = (
        "(二) 政府采购情况\n\n"
        "政府采购预算 50.00 万元。政府采购项目共计 12 个，比上年多 3 个。\n\n"
        "(三) 国有资产占用使用情况\n\n"
        "截至2023年12月31日，本单位共有电梯 4 部，价值 80.00 万元。\n"
    )
    reporter = Reporter()
    other = parse_other_matters(blocks_of(text), reporter)
    assert other.procurement is not None
    assert other.procurement.total == wan("50.00", 3)
    assert other.assets is not None
    assert other.assets.as_of == "2023年12月31日"
    assert other.assets.items == []
    assert [(f.code, f.line) for f in reporter.findings] == [("P305", 3), ("P305", 7)]
    assert "政府采购项目共计12个，比上年多3个。" in reporter.findings[0].message
    assert reporter.findings[0].message.startswith("其他重要事项 line not understood")
    assert "电梯4部，价值80.00万元" in reporter.findings[1].message


def test_planned_purchases_and_paragraphs_without_headings() -> None:
    text = (
        "本单位机关运行经费财政拨款预算 10.00 万元。\n\n"
        "2024年单位预算安排购置车辆 1 辆，安排购置单位价值 100 万元（含）以上大型设备 2 台。\n"
    )
    reporter = Reporter()
    other = parse_other_matters(blocks_of(text), reporter)
    assert other.running_cost is not None
    assert other.running_cost.amount == wan("10.00", 1)
    assert other.assets is not None
    assert other.assets.planned_vehicles == 1
    assert other.assets.planned_vehicles_line == 3
    assert other.assets.items == []
    assert other.assets.equipment == [Equipment("100万元以上", 2, planned=True, line=3)]
    assert reporter.findings == []


# 上海市普陀区财政局 2024 年度部门决算 p. 24 (shared/samples/real/sh-putuo-finance-bureau-2024-final-accounts.pdf),
# copied from the PDF: the 决算's wording of procurement — an aside in the total, and the amounts awarded to SMEs.
PUTUO_PROCUREMENT = """（二）政府采购支出情况

上海市普陀区财政局2024年度政府采购金额（以合同签订为准）为251.25万元，其中：货物采购金额4.79万元、工程采购金额0万元、服务采购金额246.47万元。

2024年度本部门面向中小企业预留政府采购项目预算金额246.47万元，面向小微企业预留政府采购项目预算金额0万元。在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额246.47万元；在面向小微企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额0万元；在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额4.79万元。
"""


def test_final_accounts_procurement_as_putuo_prints_it() -> None:
    other = parse_other_matters(blocks_of(PUTUO_PROCUREMENT), Reporter())
    proc = other.procurement
    assert proc is not None
    assert proc.total == wan("251.25", 3)  # read past "（以合同签订为准）"
    assert (proc.goods, proc.works, proc.services) == (wan("4.79", 3), wan("0", 3), wan("246.47", 3))
    assert (proc.sme_reserved, proc.micro_reserved) == (wan("246.47", 5), wan("0", 5))
    assert (proc.sme_awarded, proc.micro_awarded) == (wan("246.47", 5), wan("0", 5))
