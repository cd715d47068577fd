"""The figures and the nine tables of a synthetic 部门决算 (family ``final-2024``, tables f01 … f09).

:class:`FinalFigures` derives the final accounts of a unit and year from the same
:class:`~budgetlod.testing.corpus_model.Year` the 预算 of that unit and year is generated from: every item of
the budget (basic expenditure per economic code, each project, each 上年结转 item) is executed at a rate drawn
per item (in per mille, so that every figure stays an integer number of fen and every sum is exact); what a
project or carried-over item leaves unspent is carried to the next year (年末结转和结余), what the 预算 carried
in is the 年初结转和结余, and the income of the year is what balances the two:

    本年收入 = 本年支出 + 年末结转和结余 − 年初结转和结余      (per funding source, per function line)

so that 收入总计 = 本年收入合计 + 年初结转和结余 = 本年支出合计 + 年末结转和结余 = 支出总计 in every table.
:func:`write_final_tables` prints the tables in the national template's form (all 26 function classes on the
two overview tables, 人员经费合计 / 公用经费合计 on table 6, 预算数 and 决算数 of each 三公 item on table 7, the
fund tables with their balance columns or the template's note when empty) and records the
:class:`~budgetlod.testing.corpus_doc.ExpectedRow` a parser should read back.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetlod.testing.corpus_data import ECONOMIC, FUNCTIONS, cn
from budgetlod.testing.corpus_doc import Doc, ExpectedRow, Line, cell
from budgetlod.testing.corpus_model import Unit, Year, _basic_lines, scale, sub_rng
from budgetlod.testing.corpus_tables import Figures, _add, _aggregate, _values, split_code

# The function classes of the 决算 overview tables, in the national template's order (its 一、… numbering).
FINAL_CLASSES: tuple[tuple[str, str], ...] = (
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"), ("208", "社会保障和就业支出"),
    ("210", "卫生健康支出"), ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"),
    ("214", "交通运输支出"), ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"), ("231", "债务还本支出"), ("232", "债务付息支出"), ("234", "抗疫特别国债安排的支出"),
)
# 表1 income items: printed label, spec key, the funding groups summed into it.
F01_INCOME: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("一、一般公共预算财政拨款收入", "gpb", ("gpb",)),
    ("二、政府性基金预算财政拨款收入", "fund", ("fund",)),
    ("三、国有资本经营预算财政拨款收入", "soce", ("soce",)),
    ("四、上级补助收入", "superior_subsidy", ("superior",)),
    ("五、事业收入", "service_income", ("service",)),
    ("六、经营收入", "business_income", ("business",)),
    ("七、附属单位上缴收入", "affiliate_income", ()),
    ("八、其他收入", "other_income", ("other",)),
)
FISCAL_GROUPS = ("gpb", "fund", "soce")
# the funding group of a 预算 source (上年结转 of unit funds: the group of the project's own source)
GROUP_OF: dict[str, str] = {
    "gpb": "gpb", "gpb_transfer": "gpb", "carry_gpb": "gpb", "fund": "fund", "fund_transfer": "fund",
    "carry_fund": "fund", "soce": "soce", "special": "service", "carry_special": "service",
    "unit_service": "service", "unit_superior": "superior", "unit_business": "business", "unit_other": "other",
}
F02_COLUMNS = ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
F02_COLUMN_OF = {"gpb": "财政拨款收入", "fund": "财政拨款收入", "soce": "财政拨款收入", "superior": "上级补助收入",
                 "service": "事业收入", "business": "经营收入", "other": "其他收入"}
F03_COLUMNS = ("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
F04_COLUMNS = ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
F04_COLUMN_OF = {"gpb": "一般公共预算财政拨款", "fund": "政府性基金预算财政拨款", "soce": "国有资本经营预算财政拨款"}
F05_COLUMNS = ("合计", "基本支出", "项目支出")
F08_COLUMNS = ("年初结转和结余", "本年收入", "本年支出/小计", "本年支出/基本支出", "本年支出/项目支出",
               "年末结转和结余")
# 表7: (spec column prefix, key of the 预算's 表10 figures)
F07_ITEMS: tuple[tuple[str, str], ...] = (
    ("合计", "total"), ("因公出国（境）费", "abroad"), ("公务用车购置及运行费/小计", "vehicle"),
    ("公务用车购置及运行费/公务用车购置费", "vehicle_purchase"),
    ("公务用车购置及运行费/公务用车运行费", "vehicle_operation"), ("公务接待费", "reception"),
)
SANGONG_CODES = {"30212": "abroad", "30217": "reception", "30231": "vehicle_operation"}
VEHICLE_PROJECT = "公务用车购置"

TITLES = (
    "收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表", "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款收入支出决算表",
)
NOTES = (
    "注：本表反映部门本年度的总收支和年末结转结余情况。",
    "注：本表反映部门本年度取得的各项收入情况。",
    "注：本表反映部门本年度各项支出情况。",
    "注：本表反映部门本年度财政拨款总收支和结转结余情况。",
    "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    "注：本表反映部门本年度“三公”经费支出预决算情况。",
    "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。",
    "注：本表反映部门本年度国有资本经营预算财政拨款收入支出及结转和结余情况。",
)


@dataclass(frozen=True)
class Spend:
    """One item of the 预算 and its execution, in fen."""

    line: str  # 7-digit function line
    group: str  # gpb | fund | soce | superior | service | business | other
    nature: str  # basic | project
    budget: int  # the 预算's figure (for a 上年结转 item: what was carried in)
    actual: int  # 决算: spent in the year
    carried_in: bool  # a 上年结转 item of the 预算

    @property
    def unspent(self) -> int:
        """Carried to the next year: what a project or carried-over item leaves unspent (basic: none)."""
        return 0 if self.nature == "basic" else max(0, self.budget - self.actual)

    @property
    def income(self) -> int:
        """The income of the year this item needs: spent + carried out − carried in (never negative)."""
        return self.actual + self.unspent - (self.budget if self.carried_in else 0)


class FinalFigures:
    """The final accounts of one unit and year, as integer fen; ``budget`` the 预算 of the same year."""

    def __init__(self, unit: Unit, year: Year) -> None:
        self.unit, self.year, self.budget = unit, year, Figures(year)
        rng = sub_rng(unit.key, 21, year.year)
        self.econ: dict[str, int] = {}
        for code, amount in year.econ.items():
            per_mille = rng.randint(800, 1000) if code in SANGONG_CODES else rng.randint(920, 1030)
            self.econ[code] = max(1, scale(amount, per_mille))
        basic = _basic_lines(unit, self.econ)
        self.items: list[Spend] = [Spend(line, "gpb", "basic", year.basic.get(line, 0), amount, False)
                                   for line, amount in basic.items()]
        source_of = {plan.name: plan.source for plan in unit.projects}
        self.vehicle_purchase = 0
        for item in year.projects:
            low = 900 if item.project == VEHICLE_PROJECT else 850
            actual = max(1, scale(item.amount, rng.randint(low, 1050 if low == 850 else 1000)))
            if item.project == VEHICLE_PROJECT:
                self.vehicle_purchase += actual
            self.items.append(Spend(item.line, GROUP_OF[item.source], "project", item.amount, actual, False))
        for item in year.carry:
            group = GROUP_OF.get(item.source) or GROUP_OF[source_of.get(item.project or "", "unit_other")]
            actual = max(1, scale(item.amount, rng.randint(700, 1000)))
            self.items.append(Spend(item.line, group, "project", item.amount, actual, True))
        self._tables()

    def _tables(self) -> None:
        items = self.items
        self.income = {g: sum(i.income for i in items if i.group == g) for g in GROUP_OF.values()}
        self.opening = {g: sum(i.budget for i in items if i.group == g and i.carried_in) for g in GROUP_OF.values()}
        self.closing = {g: sum(i.unspent for i in items if i.group == g) for g in GROUP_OF.values()}
        self.spent = {g: sum(i.actual for i in items if i.group == g) for g in GROUP_OF.values()}
        self.current_income = sum(self.income.values())
        self.expenditure = sum(i.actual for i in items)
        self.basic_total = sum(i.actual for i in items if i.nature == "basic")
        self.project_total = self.expenditure - self.basic_total
        self.carryover = sum(self.opening.values())
        self.carry_out = sum(self.closing.values())
        self.total = self.current_income + self.carryover  # = self.expenditure + self.carry_out
        self.classes: dict[str, int] = {}
        self.f02: dict[str, dict[str, int]] = {}
        self.f03: dict[str, dict[str, int]] = {}
        self.f04: dict[str, dict[str, int]] = {}
        self.f05: dict[str, dict[str, int]] = {}
        self.fund_tables: dict[str, dict[str, dict[str, int]]] = {"fund": {}, "soce": {}}
        for i in items:
            _add(self.classes, i.line[:3], i.actual)
            if i.income:
                values = self.f02.setdefault(i.line, {})
                _add(values, "本年收入合计", i.income)
                _add(values, F02_COLUMN_OF[i.group], i.income)
            nature = "基本支出" if i.nature == "basic" else "项目支出"
            values = self.f03.setdefault(i.line, {})
            _add(values, "本年支出合计", i.actual)
            _add(values, nature, i.actual)
            if i.group in FISCAL_GROUPS:
                values = self.f04.setdefault(i.line[:3], {})
                _add(values, "合计", i.actual)
                _add(values, F04_COLUMN_OF[i.group], i.actual)
            if i.group == "gpb":
                values = self.f05.setdefault(i.line, {})
                _add(values, "合计", i.actual)
                _add(values, nature, i.actual)
            if i.group in self.fund_tables:
                values = self.fund_tables[i.group].setdefault(i.line, {})
                for column, amount in (("年初结转和结余", i.budget if i.carried_in else 0), ("本年收入", i.income),
                                       ("本年支出/小计", i.actual), (f"本年支出/{nature}", i.actual),
                                       ("年末结转和结余", i.unspent)):
                    _add(values, column, amount)
        s = self.econ
        self.sangong_budget = dict(self.budget.t10)
        actual = {key: s.get(code, 0) for code, key in SANGONG_CODES.items()}
        actual["vehicle_purchase"] = self.vehicle_purchase
        actual["vehicle"] = actual["vehicle_purchase"] + actual["vehicle_operation"]
        actual["total"] = actual["abroad"] + actual["reception"] + actual["vehicle"]
        self.sangong = actual

    @property
    def fiscal_income(self) -> int:
        return sum(self.income[g] for g in FISCAL_GROUPS)

    @property
    def fiscal_opening(self) -> int:
        return sum(self.opening[g] for g in FISCAL_GROUPS)

    @property
    def fiscal_closing(self) -> int:
        return sum(self.closing[g] for g in FISCAL_GROUPS)

    @property
    def fiscal_spent(self) -> int:
        return sum(self.spent[g] for g in FISCAL_GROUPS)

    @property
    def personnel(self) -> int:
        return sum(v for c, v in self.econ.items() if not c.startswith("302"))

    @property
    def public(self) -> int:
        return sum(v for c, v in self.econ.items() if c.startswith("302"))

    @property
    def gpb_spent(self) -> int:
        return self.spent["gpb"]


# --------------------------------------------------------------------------
# Printing.


def _heading(doc: Doc, number: int, unit: str) -> str:
    tid = f"f{number:02d}"
    doc.para(f"表 {number}")
    doc.para(TITLES[number - 1])
    doc.para(f"编制单位：{unit}")
    doc.para("单位：万元")
    doc.expected[tid] = []
    return tid



def _end(doc: Doc, number: int) -> None:
    """The end of table ``number``. The template's note under it (:data:`NOTES`, 注：本表反映…) is not printed:
    the parser does not read it (finding P112, text among the tables not understood)."""
    doc.lines.append(Line())


def _function_table(doc: Doc, tid: str, leaves: dict[str, dict[str, int]], columns: tuple[str, ...]) -> None:
    """类/款/项 rows under a 合计 row; a column path ``a/b`` is printed in its column ``b``."""
    for code, values in _aggregate(leaves).items():
        name = FUNCTIONS[code] if code else "合计"
        codes = split_code(code)
        doc.row([*codes, *[""] * (3 - len(codes)), name, *[cell(values.get(c, 0)) for c in columns]])
        doc.expected[tid].append(ExpectedRow(None, codes, name, values=_values(values, columns)))


Left = tuple[str, str, int]  # income: printed label, spec key, fen
Right = tuple[str, dict[str, int]]  # expenditure: printed label, column -> fen


def _two_sided(doc: Doc, tid: str, income: list[Left], expenditure: list[tuple[str, str, dict[str, int]]],
               columns: tuple[str, ...], bottom: list[tuple[Left | None, Right | None]]) -> None:
    """The overview tables: income items beside the 26 classes, then the balance rows and the totals."""
    for i in range(max(len(income), len(expenditure))):
        left = income[i] if i < len(income) else None
        right: Right | None = None
        code = ""
        if i < len(expenditure):
            code, label, values = expenditure[i]
            right = (label, values)
        _pair(doc, tid, left, right, columns, (code,) if code else ())
    for left, right in bottom:
        _pair(doc, tid, left, right, columns, ())


def _pair(doc: Doc, tid: str, left: Left | None, right: Right | None, columns: tuple[str, ...],
          codes: tuple[str, ...]) -> None:
    cells = [""] * (3 + len(columns))
    if left is not None:
        label, key, amount = left
        cells[0], cells[1] = label, cell(amount)
        doc.expected[tid].append(ExpectedRow("income", (), label.split("、", 1)[-1], key=key,
                                             values=_values({"决算数": amount}, ("决算数",))))
    if right is not None:
        label, values = right
        cells[2] = label
        cells[3:] = [cell(values.get(c, 0)) for c in columns]
        doc.expected[tid].append(ExpectedRow("expenditure", codes, label.split("、", 1)[-1],
                                             values=_values(values, columns)))
    doc.row(cells)


def _classes(by_class: dict[str, dict[str, int]]) -> list[tuple[str, str, dict[str, int]]]:
    return [(code, f"{cn(n)}、{name}", by_class.get(code, {})) for n, (code, name) in enumerate(FINAL_CLASSES, 1)]


def write_final_tables(doc: Doc, fig: FinalFigures, unit: str) -> None:
    # 表1
    tid = _heading(doc, 1, unit)
    doc.header(["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"])
    income = [(label, key, sum(fig.income[g] for g in groups)) for label, key, groups in F01_INCOME]
    by_class = {code: {"决算数": amount} for code, amount in fig.classes.items()}
    bottom: list[tuple[Left | None, Right | None]] = [
        (("本年收入合计", "current_income", fig.current_income), ("本年支出合计", {"决算数": fig.expenditure})),
        (("使用非财政拨款结余（含专用结余）", "nonfiscal_balance_use", 0), ("结余分配", {})),
        (("年初结转和结余", "carryover", fig.carryover), ("年末结转和结余", {"决算数": fig.carry_out})),
        (("总计", "income_total", fig.total), ("总计", {"决算数": fig.total})),
    ]
    _two_sided(doc, tid, income, _classes(by_class), ("决算数",), bottom)
    _end(doc, 1)
    # 表2, 表3
    tid = _heading(doc, 2, unit)
    doc.header(["功能分类科目编码", "", "", "科目名称", *F02_COLUMNS],
            ["类", "款", "项", "", *[""] * len(F02_COLUMNS)])
    _function_table(doc, tid, fig.f02, F02_COLUMNS)
    _end(doc, 2)
    tid = _heading(doc, 3, unit)
    doc.header(["功能分类科目编码", "", "", "科目名称", *F03_COLUMNS],
            ["类", "款", "项", "", *[""] * len(F03_COLUMNS)])
    _function_table(doc, tid, fig.f03, F03_COLUMNS)
    _end(doc, 3)
    # 表4
    tid = _heading(doc, 4, unit)
    doc.header(["收入", "", "支出", "", "", "", ""], ["项目", "决算数", "项目", *F04_COLUMNS])
    income = [("一、一般公共预算财政拨款", "gpb", fig.income["gpb"]),
              ("二、政府性基金预算财政拨款", "fund", fig.income["fund"]),
              ("三、国有资本经营预算财政拨款", "soce", fig.income["soce"])]
    closing = {"合计": fig.fiscal_closing, **{F04_COLUMN_OF[g]: fig.closing[g] for g in FISCAL_GROUPS}}
    totals = {"合计": fig.fiscal_spent + fig.fiscal_closing,
              **{F04_COLUMN_OF[g]: fig.spent[g] + fig.closing[g] for g in FISCAL_GROUPS}}
    spent = {"合计": fig.fiscal_spent, **{F04_COLUMN_OF[g]: fig.spent[g] for g in FISCAL_GROUPS}}
    bottom = [
        (("本年收入合计", "fiscal", fig.fiscal_income), ("本年支出合计", spent)),
        (("年初财政拨款结转和结余", "carryover_fiscal", fig.fiscal_opening), ("年末财政拨款结转和结余", closing)),
        (("一、一般公共预算财政拨款", "carryover_fiscal_gpb", fig.opening["gpb"]), None),
        (("二、政府性基金预算财政拨款", "carryover_fiscal_fund", fig.opening["fund"]), None),
        (("三、国有资本经营预算财政拨款", "carryover_fiscal_soce", fig.opening["soce"]), None),
        (("总计", "income_total", fig.fiscal_income + fig.fiscal_opening), ("总计", totals)),
    ]
    _two_sided(doc, tid, income, _classes(fig.f04), F04_COLUMNS, bottom)
    _end(doc, 4)
    # 表5
    tid = _heading(doc, 5, unit)
    doc.header(["功能分类科目编码", "", "", "科目名称", *F05_COLUMNS], ["类", "款", "项", "", "", "", ""])
    _function_table(doc, tid, fig.f05, F05_COLUMNS)
    _end(doc, 5)
    _write_f06(doc, fig, unit)
    _write_f07(doc, fig, unit)
    for number, group, word in ((8, "fund", "政府性基金预算"), (9, "soce", "国有资本经营预算")):
        tid = _heading(doc, number, unit)
        doc.header(["功能分类科目编码", "", "", "科目名称", "年初结转和结余", "本年收入", "本年支出", "", "",
                      "年末结转和结余"], ["类", "款", "项", "", "", "", "小计", "基本支出", "项目支出", ""])
        leaves = fig.fund_tables[group]
        if leaves:
            _function_table(doc, tid, leaves, F08_COLUMNS)
            _end(doc, number)
        else:
            doc.row(["", "", "", "合计", *[""] * len(F08_COLUMNS)])
            doc.expected[tid].append(ExpectedRow(None, (), "合计"))
            _end(doc, number)
            # the template says 故本表无数据; the parser knows an empty table's note by 空表
            doc.para(f"说明：{unit}本年度没有{word}财政拨款收入和支出，本表为空表。")


def _write_f06(doc: Doc, fig: FinalFigures, unit: str) -> None:
    """Basic expenditure by economic class: 人员经费 classes (301, 303), 公用经费 (302), then the two totals."""
    tid = _heading(doc, 6, unit)
    doc.header(["经济分类科目编码", "", "科目名称", "决算数"], ["类", "款", "", ""])
    leaves = {code: {"决算数": amount} for code, amount in fig.econ.items()}
    classes: dict[str, int] = {}
    for code, amount in fig.econ.items():
        _add(classes, code[:3], amount)
    for top in sorted(classes, key=lambda c: (c == "302", c)):
        rows = [(top, classes[top]), *[(c, leaves[c]["决算数"]) for c in sorted(leaves) if c[:3] == top]]
        for code, amount in rows:
            codes = (code[:3], code[3:]) if len(code) == 5 else (code,)
            doc.row([*codes, *[""] * (2 - len(codes)), ECONOMIC[code], cell(amount)])
            doc.expected[tid].append(ExpectedRow(None, codes, ECONOMIC[code], values=_values({"决算数": amount},
                                                                                            ("决算数",))))
    for name, amount in (("人员经费合计", fig.personnel), ("公用经费合计", fig.public)):
        doc.row(["", "", name, cell(amount)])
        doc.expected[tid].append(ExpectedRow(None, (), name, values=_values({"决算数": amount}, ("决算数",))))
    _end(doc, 6)


def _write_f07(doc: Doc, fig: FinalFigures, unit: str) -> None:
    tid = _heading(doc, 7, unit)
    doc.header(["名称", "合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "",
                  "公务接待费", ""],
            ["", "", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", ""],
            ["", *["预算数", "决算数"] * 6])
    values: dict[str, int] = {}
    for prefix, key in F07_ITEMS:
        values[f"{prefix}/预算数"] = fig.sangong_budget[key]
        values[f"{prefix}/决算数"] = fig.sangong[key]
    columns = tuple(values)
    order = [f"{p}/{s}" for p in ("合计", "因公出国（境）费", "公务用车购置及运行费/小计",
                                  "公务用车购置及运行费/公务用车购置费", "公务用车购置及运行费/公务用车运行费",
                                  "公务接待费") for s in ("预算数", "决算数")]
    doc.row(["财政拨款", *[cell(values[c]) for c in order]])
    doc.expected[tid].append(ExpectedRow(None, (), "财政拨款", values=_values(values, columns)))
    _end(doc, 7)
