"""The typed model of one parsed disclosure.

Every figure is a :class:`decimal.Decimal` exactly as printed (``1,487.40`` ->
``Decimal("1487.40")``); ``None`` means the cell was blank ("not reported"),
which is never the same as ``Decimal("0.00")``.  Every value keeps the line of
the source file it came from.  The JSON form (``budgetlod parse --json``) is
produced by :func:`budgetlod.serialize.to_jsonable` and documented in
``docs/parse-json.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Severity = Literal["error", "warning", "info"]
Side = Literal["income", "expenditure"]

# Aggregation level of a table row: the grand total, a function/economic
# class level (类, 款, 项), a project line (表7), or an itemised row (表1 income,
# 表4 income, 表10, 表11) whose place in the hierarchy is given by ``key``/``parent``.
Level = Literal["total", "类", "款", "项", "project", "item"]

UNIT_MULTIPLIERS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}


@dataclass(frozen=True)
class Finding:
    """A message about the source: stable ``code`` from :mod:`budgetlod.findings`."""

    code: str
    severity: Severity
    line: int | None
    message: str
    table: str | None = None
    column: str | None = None
    where: str | None = None  # the place in the published file when a line number does not say it: "a.pdf p. 14"


@dataclass
class SourceInfo:
    path: str
    name: str
    sha256: str
    encoding: str  # the text encoding; "" for formats that carry their own (PDF, Office)
    bytes: int
    lines: int
    format: str = "text"  # text | html | pdf | docx | xlsx | xls | doc (budgetlod.read.detect)
    pages: int | None = None  # PDF


@dataclass
class FamilyChoice:
    """Which template family (``mapping/families``) the document's tables were read with, and why."""

    family: str  # its id, e.g. unit-budget-2024
    score: int  # tables whose title a spec of the family names
    tables: int  # tables found in the document
    matched: list[str] = field(default_factory=list)  # "title -> spec id" of those tables
    words: int = 0  # tie-break: titles holding one of the family's words (决算 …)
    runner_up: str | None = None  # the next family, when one matched any table
    runner_up_score: int = 0
    uncertain: bool = False  # a tie, or fewer than half the tables matched (finding P117)


@dataclass
class Metadata:
    unit: str | None = None
    year: int | None = None
    phase: str | None = None  # 预算 | 决算
    level: str | None = None  # 单位 | 部门
    title: str | None = None
    published: date | None = None
    published_from: str | None = None  # "document" | "sidecar"
    line: int | None = None
    family: FamilyChoice | None = None  # the template family its tables were read with


@dataclass
class Column:
    """A value column of a table: its canonical path (from the mapping spec)."""

    path: str
    printed: str  # header texts as printed at that position, joined by " / "
    number: int | None  # the printed column number (the ``※ 1 2 3`` row)
    side: Side | None = None
    known: bool = True  # False: not in the table's spec


@dataclass
class Row:
    line: int
    index: int  # 1-based position among the table's data rows (per side)
    name: str
    level: Level
    codes: tuple[str, ...] = ()  # ("201", "03", "50")
    side: Side | None = None
    key: str | None = None  # spec key of an itemised row
    parent: str | None = None  # spec key of its parent row
    project: str | None = None  # 项目名称 (表7)
    values: dict[str, Decimal | None] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)  # column -> unreadable text

    @property
    def code(self) -> str:
        return "".join(self.codes)


@dataclass
class Table:
    id: str | None  # spec id ("t01" … "t11"); None for an unknown table
    title: str
    printed_number: str | None
    line: int
    unit: str
    unit_line: int | None
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    empty: bool = False
    empty_note: str | None = None
    compiler: str | None = None  # 编制单位
    pages: int = 1  # parts joined across page breaks

    @property
    def multiplier(self) -> Decimal:
        return UNIT_MULTIPLIERS[self.unit]

    def row(self, name: str, side: Side | None = None) -> Row:
        for row in self.rows:
            if row.name == name and (side is None or row.side == side):
                return row
        raise KeyError(name)


@dataclass
class Staffing:
    category: str  # 编制数 | 实有人数 | 在编 | 在职 | 临聘 | 离退休 | 退休 | 离休
    count: int
    change: int | None  # signed: 减少 2 人 -> -2
    line: int


@dataclass
class Profile:
    functions: str | None = None
    functions_line: int | None = None
    subordinate_units: list[str] = field(default_factory=list)
    subordinate_unit_count: int | None = None
    departments: list[str] = field(default_factory=list)
    department_count: int | None = None
    staffing: list[Staffing] = field(default_factory=list)


@dataclass
class NarrativeFact:
    """One statement of the narrative: what it describes and what it states."""

    section: str  # e.g. "二" (the numbered section of 第三部分)
    subject: str  # the words naming what is described, normalised
    key: str | None  # a known subject (mapping/narrative.yaml), else None
    line: int
    function: tuple[str, ...] = ()  # names of 类/款/项 for a function line
    codes: tuple[str, ...] = ()  # resolved against the tables where possible
    amount: Decimal | None = None
    unit: str | None = None
    change: Decimal | None = None  # signed: 减少 -> negative
    rate: Decimal | None = None  # percent, signed: 下降 -> negative
    share: Decimal | None = None  # percent
    compared_with: str | None = None  # "上年预算"
    reason: str | None = None
    text: str = ""  # the clause(s) it was read from
    purpose: str | None = None  # 主要用于… / 主要包括：… (what the money is for or comprises)
    project: str | None = None  # the project name, for a fact of a project description
    measure: str | None = None  # 决算: 年初预算 | 全年预算 | 决算 (what `amount` is); None as stated
    completion: Decimal | None = None  # percent of the budget completed (完成年初预算的98.20%)
    relation: str | None = None  # 决算数 大于 | 小于 | 等于 预算数


@dataclass
class ProjectDescription:
    name: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)  # 设立的政策依据 -> text
    amount: Decimal | None = None  # 预算安排规模
    unit: str | None = None  # of amount, as printed ("万元")
    section: str = ""  # the numbered section of 第三部分 it stands in


@dataclass
class Amount:
    """A figure stated in prose, with its line."""

    value: Decimal
    unit: str
    line: int


@dataclass
class Change:
    amount: Decimal | None  # signed
    rate: Decimal | None  # percent, signed
    line: int


@dataclass
class RunningCost:
    amount: Amount | None = None
    change: Change | None = None
    reason: str | None = None


@dataclass
class Procurement:
    total: Amount | None = None
    goods: Amount | None = None
    works: Amount | None = None
    services: Amount | None = None
    sme_reserved: Amount | None = None  # 面向中小企业预留
    micro_reserved: Amount | None = None  # 小微企业预留
    sme_awarded: Amount | None = None  # 授予中小企业合同金额 (决算)
    micro_awarded: Amount | None = None  # 授予小微企业合同金额 (决算)
    sme_share: Decimal | None = None  # percent stated with the 中小企业 figure (占…%)
    micro_share: Decimal | None = None  # percent stated with the 小微企业 figure


@dataclass
class AssetItem:
    category: str  # 房屋 | 车辆 | 一般公务用车 | 执法执勤用车 | 其他车辆 | 办公家具 | 其他资产
    line: int
    count: int | None = None
    area_m2: Decimal | None = None
    value: Amount | None = None


@dataclass
class Equipment:
    threshold: str  # "50万元以上" | "100万元以上"
    count: int
    planned: bool  # True: to be bought this year
    line: int


@dataclass
class Assets:
    as_of: str | None = None
    items: list[AssetItem] = field(default_factory=list)
    equipment: list[Equipment] = field(default_factory=list)
    as_of_line: int | None = None
    planned_vehicles: int | None = None  # 安排购置车辆 N 辆
    planned_vehicles_line: int | None = None
    planned_vehicle_funds: Amount | None = None  # 安排购置车辆经费 X 万元


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    target: str
    basis: str | None
    weight: Decimal | None
    line: int


@dataclass
class PerformanceTarget:
    """整体绩效目标表 (or a project's 绩效目标表)."""

    title: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)  # 单位名称, 年度绩效目标 …
    funds: dict[str, Decimal | None] = field(default_factory=dict)  # 财政资金/本级安排 …
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class Performance:
    overall_targets: int | None = None
    overall_amount: Amount | None = None
    fiscal_projects: int | None = None
    fiscal_projects_amount: Amount | None = None
    nonfiscal_projects: int | None = None
    nonfiscal_projects_amount: Amount | None = None
    line: int | None = None
    tables: list[PerformanceTarget] = field(default_factory=list)


@dataclass
class Classified:
    """涉密项目."""

    count: int
    amount: Amount | None
    line: int


@dataclass
class OtherMatters:
    running_cost: RunningCost | None = None
    procurement: Procurement | None = None
    assets: Assets | None = None
    performance: Performance | None = None
    classified: Classified | None = None
    notes: list[str] = field(default_factory=list)  # 其他需说明的事项, as text


@dataclass
class GlossaryEntry:
    term: str
    definition: str
    line: int


@dataclass
class Disclosure:
    source: SourceInfo
    meta: Metadata
    profile: Profile = field(default_factory=Profile)
    tables: list[Table] = field(default_factory=list)
    narratives: list[NarrativeFact] = field(default_factory=list)
    projects: list[ProjectDescription] = field(default_factory=list)
    other: OtherMatters = field(default_factory=OtherMatters)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # parts and tables not found
    findings: list[Finding] = field(default_factory=list)
    more_sources: list[SourceInfo] = field(default_factory=list)  # the other files of a disclosure in several
    places: dict[int, str] = field(default_factory=dict)  # position -> "a.pdf p. 14", when a line does not say it

    @property
    def sources(self) -> list[SourceInfo]:
        return [self.source, *self.more_sources]

    def place(self, line: int | None) -> str | None:
        """Where a position is in the published files (None for a line of a single text file)."""
        return self.places.get(line) if line is not None else None

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)
