"""Synthetic 部门（单位）预算 of the MoF's older national layout (family ``national-budget-2017``, n01 … n08).

:func:`generate_national` writes the 预算公开 of unit ``index`` of corpus ``seed`` for ``year`` in the form of the
2015–2020 公开表 template as ``tests/cases/national-2017-department-budget`` and ``national-2019-unit-budget`` print
it: ``公开01表`` … ``公开08表``, each table with a 行次 column (row numbers, never amounts) and, in every other
document, a 栏次 row (column numbers) under its header; the 收支预算总表 and 财政拨款收支预算总表 two-sided with
their 类 names, the 三公 table with 会议费 / 培训费 rows and the count rows (团组数, 人次数, 购置数, 保有量, 接待批次,
接待人次), the 政府性基金 table printed empty with its note when the unit has none. A short 第三部分 states the
收支预算总计 and the “三公” total; 第四部分 the 名词解释.

The figures come from the same :class:`~budgetlod.testing.corpus_model.Year` as the unit's 2024-form 预算
(:func:`budgetlod.testing.corpus.generate`), regrouped: 财政拨款 = 一般公共预算 + 政府性基金预算 (this template prints
no 国有资本经营预算: those projects are left out), 事业收入 takes the 教育收费 (财政专户) projects, 其他收入 the
上级补助 and other income, and the 上年结转 items are printed (上年结转 row and column, spent as 项目支出; the fiscal
ones in 财政拨款收支预算总表 and in the 一般公共预算 / 政府性基金 tables). The counts are drawn per unit and year
from the 三公 amounts (a vehicle per purchase, the fleet the unit's ``vehicles``).

Same ``(seed, index, year)`` -> byte-identical text.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlod.testing.corpus_data import ECONOMIC, FUNCTIONS, cn
from budgetlod.testing.corpus_doc import Doc, ExpectedRow, Line, cell, dec
from budgetlod.testing.corpus_js import GeneratedFamily, NarrativeFact
from budgetlod.testing.corpus_model import Unit, Year, build_year, make_unit, sub_rng
from budgetlod.testing.corpus_tables import Figures, _add, _aggregate, split_code

__all__ = ["NATIONAL_TABLE_IDS", "NATIONAL_YEARS", "NationalFigures", "generate_national", "national_year"]

NATIONAL_TABLE_IDS: tuple[str, ...] = tuple(f"n{n:02d}" for n in range(1, 9))
NATIONAL_YEARS: tuple[int, ...] = (2017, 2018, 2019, 2020)
TITLES = ("收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "一般公共预算支出预算表",
          "一般公共预算基本支出预算表", "一般公共预算“三公”经费支出预算表", "政府性基金预算支出预算表")
GROUP = {"gpb": "gpb", "gpb_transfer": "gpb", "fund": "fund", "fund_transfer": "fund", "soce": None,
         "special": "service", "unit_service": "service", "unit_business": "business", "unit_other": "other",
         "unit_superior": "other"}
CARRY_GROUP = {"carry_gpb": "gpb", "carry_fund": "fund"}  # the fiscal 上年结转 (others: non-fiscal)
N02_COLUMNS = ("合计", "财政拨款", "事业收入", "事业单位经营收入", "其他收入", "上年结转")
N02_OF = {"gpb": "财政拨款", "fund": "财政拨款", "service": "事业收入", "business": "事业单位经营收入",
          "other": "其他收入", "carry": "上年结转"}
GLOSSARY = (
    "一、财政拨款收入：指本级财政当年拨付的资金，包括一般公共预算拨款和政府性基金预算拨款。",
    "二、上年结转：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "三、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "四、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "五、“三公”经费：指用一般公共预算拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
)


class NationalFigures:
    """The eight tables of one unit and year, in integer fen (counts as integers)."""

    def __init__(self, unit: Unit, year: Year) -> None:
        self.unit, self.year = unit, year
        # spending items: (line, group, nature, fen, fiscal carried-over group or None)
        items: list[tuple[str, str, str, int]] = [(line, "gpb", "基本支出", a) for line, a in year.basic.items()]
        items += [(p.line, GROUP[p.source] or "", "项目支出", p.amount) for p in year.projects if GROUP[p.source]]
        self.carry_fiscal: dict[str, int] = {}
        carry_items = []
        for item in year.carry:
            fiscal = CARRY_GROUP.get(item.source)
            carry_items.append((item.line, fiscal, item.amount))
            if fiscal:
                _add(self.carry_fiscal, fiscal, item.amount)
        self.income: dict[str, int] = {}
        self.n02: dict[str, dict[str, int]] = {}
        self.n03: dict[str, dict[str, int]] = {}
        self.fiscal: dict[str, dict[str, dict[str, int]]] = {"gpb": {}, "fund": {}}  # group -> line -> columns
        for line, group, nature, amount in items:
            _add(self.income, group, amount)
            for table, column in ((self.n02, N02_OF[group]), (self.n03, nature)):
                _add(table.setdefault(line, {}), "合计", amount)
                _add(table[line], column, amount)
            if group in self.fiscal:
                _add(self.fiscal[group].setdefault(line, {}), "合计", amount)
                _add(self.fiscal[group][line], nature, amount)
        for line, fiscal, amount in carry_items:
            for table, column in ((self.n02, "上年结转"), (self.n03, "项目支出")):
                _add(table.setdefault(line, {}), "合计", amount)
                _add(table[line], column, amount)
            if fiscal:
                _add(self.fiscal[fiscal].setdefault(line, {}), "合计", amount)
                _add(self.fiscal[fiscal][line], "项目支出", amount)
        self.carryover = sum(a for _, _, a in carry_items)
        self.current = sum(self.income.values())
        self.total = self.current + self.carryover
        self.classes: dict[str, int] = {}
        for line, values in self.n03.items():
            _add(self.classes, line[:3], values["合计"])
        self.econ = dict(year.econ)
        t10 = Figures(year).t10
        self.sangong = {key: t10.get(key, 0) for key in ("total", "abroad", "vehicle", "vehicle_purchase",
                                                          "vehicle_operation", "reception")}
        self.sangong["meeting"] = self.econ.get("30215", 0)
        self.sangong["training"] = self.econ.get("30216", 0)
        self.sangong["all"] = self.sangong["total"] + self.sangong["meeting"] + self.sangong["training"]
        rng = sub_rng(unit.key, 42, year.year)
        groups = -(-self.sangong["abroad"] // 800) if self.sangong["abroad"] else 0
        batches = -(-self.sangong["reception"] // 250) if self.sangong["reception"] else 0
        self.counts = {"abroad_groups": groups, "abroad_persons": groups * rng.randint(2, 5),
                       "vehicles_purchased": 1 if self.sangong["vehicle_purchase"] else 0,
                       "vehicles_held": unit.vehicles, "reception_batches": batches,
                       "reception_persons": batches * rng.randint(3, 8)}

    def g(self, *groups: str) -> int:
        return sum(self.income.get(group, 0) for group in groups)


class _Writer:
    def __init__(self, doc: Doc, unit: Unit, fig: NationalFigures, year: int, level: str) -> None:
        self.doc, self.unit, self.fig, self.year, self.level = doc, unit, fig, year, level
        self.columns_row = year % 2 == 1  # every other year prints the 栏次 row
        self.facts: list[tuple[str, int, Line]] = []

    def heading(self, number: int) -> str:
        tid = f"n{number:02d}"
        self.doc.para(f"公开{number:02d}表")
        self.doc.para(TITLES[number - 1])
        self.doc.para(f"编制单位：{self.unit.name}")
        self.doc.para("单位：万元")
        self.doc.expected[tid] = []
        return tid

    def header(self, cells: list[str], numbers: list[str] | None = None, *more: list[str]) -> None:
        self.doc.lines.append(Line(text="| " + " | ".join(cells) + " |"))
        self.doc.lines.append(Line(text="|" + "|".join("------" for _ in cells) + "|"))
        for row in more:
            self.doc.lines.append(Line(text="| " + " | ".join(row) + " |"))
        if self.columns_row and numbers is not None:
            self.doc.row(numbers)

    def expect(self, tid: str, side: str | None, name: str, values: dict[str, int], key: str | None = None,
               codes: tuple[str, ...] = ()) -> None:
        self.doc.expected[tid].append(ExpectedRow(side, codes, name, key=key,
                                                  values={k: dec(v) for k, v in values.items() if v}))

    def two_sided(self, tid: str, income: list[tuple[str, str, str, int]], tail: list[tuple[str, str, str, int]],
                  columns: tuple[str, ...], spend: dict[str, dict[str, int]], end: tuple[str, dict[str, int]],
                  closing: bool) -> None:
        """Income items and 类 rows side by side, then the tail rows (上年结转 … / 结转下年, 总计), 行次 each."""
        classes = [(code, spend[code]) for code in sorted(spend)]
        n = max(len(income), len(classes))
        row_number = 0
        for i in range(n):
            row_number += 1
            cells = ["", str(row_number), ""]
            if i < len(income):
                printed, name, key, amount = income[i]
                cells = [printed, str(row_number), cell(amount)]
                self.expect(tid, "income", name, {"预算数": amount}, key)
            if i < len(classes):
                code, values = classes[i]
                amounts = [cell(values.get(c, 0)) for c in columns]
                cells += [f"{cn(i + 1)}、{FUNCTIONS[code]}", str(row_number), *amounts]
                self.expect(tid, "expenditure", FUNCTIONS[code], values, codes=(code,))
            else:
                cells += ["", str(row_number), *[""] * len(columns)]
            self.doc.row(cells)
        for j, (printed, name, key, amount) in enumerate(tail):
            row_number += 1
            right = ["", str(row_number), *[""] * len(columns)]
            if j == len(tail) - 2 and closing:
                right[0] = "结转下年"
            if j == len(tail) - 1:
                right = [end[0], str(row_number), *[cell(end[1].get(c, 0)) for c in columns]]
                self.expect(tid, "expenditure", end[0], end[1])
            self.doc.row([printed, str(row_number), cell(amount), *right])
            self.expect(tid, "income", name, {"预算数": amount}, key)
        self.doc.lines.append(Line())

    def coded(self, tid: str, leaves: dict[str, dict[str, int]], columns: tuple[str, ...]) -> None:
        numbers = ["栏次", "", "", *[str(i) for i in range(1, len(columns) + 1)]]
        self.header(["科目编码", "科目名称", "行次", *columns], numbers)
        rows = [(code, values) for code, values in _aggregate(leaves).items()]
        for i, (code, values) in enumerate(rows, 1):
            name = FUNCTIONS[code] if code else "合计"
            self.doc.row([code, name, str(i), *[cell(values.get(c, 0)) for c in columns]])
            self.expect(tid, None, name, values, codes=split_code(code))
        self.doc.lines.append(Line())

    def tables(self) -> None:
        fig, unit, y = self.fig, self.unit.name, self.year
        tid = self.heading(1)
        self.header(["收入", "", "", "支出", "", ""], ["栏次", "", "1", "栏次", "", "2"],
                    ["项目", "行次", "预算数", "项目", "行次", "预算数"])
        income = [("一、一般公共预算拨款收入", "一般公共预算拨款收入", "gpb", fig.g("gpb")),
                  ("二、政府性基金预算拨款收入", "政府性基金预算拨款收入", "fund", fig.g("fund")),
                  ("三、事业收入", "事业收入", "service_income", fig.g("service")),
                  ("四、事业单位经营收入", "事业单位经营收入", "business_income", fig.g("business")),
                  ("五、其他收入", "其他收入", "other_income", fig.g("other"))]
        tail = [("本年收入合计", "本年收入合计", "current_income", fig.current),
                ("上年结转", "上年结转", "carryover", fig.carryover),
                ("收入总计", "收入总计", "income_total", fig.total)]
        spend = {code: {"预算数": amount} for code, amount in fig.classes.items()}
        self.two_sided(tid, income, tail, ("预算数",), spend, ("支出总计", {"预算数": fig.total}), True)
        tid = self.heading(2)
        self.coded(tid, fig.n02, N02_COLUMNS)
        tid = self.heading(3)
        self.coded(tid, fig.n03, ("合计", "基本支出", "项目支出"))
        tid = self.heading(4)
        self.header(["收入", "", "", "支出", "", "", "", ""], ["栏次", "", "1", "栏次", "", "2", "3", "4"],
                    ["项目", "行次", "预算数", "项目", "行次", "合计", "一般公共预算", "政府性基金预算"])
        gpb, fund = fig.g("gpb"), fig.g("fund")
        cg, cf = fig.carry_fiscal.get("gpb", 0), fig.carry_fiscal.get("fund", 0)
        income = [("一、本年收入", "本年收入", "fiscal", gpb + fund),
                  ("（一）一般公共预算拨款", "一般公共预算拨款", "gpb", gpb),
                  ("（二）政府性基金预算拨款", "政府性基金预算拨款", "fund", fund),
                  ("二、上年结转", "上年结转", "carryover_fiscal", cg + cf),
                  ("（一）一般公共预算拨款", "一般公共预算拨款", "carryover_fiscal_gpb", cg),
                  ("（二）政府性基金预算拨款", "政府性基金预算拨款", "carryover_fiscal_fund", cf)]
        by_class: dict[str, dict[str, int]] = {}
        for group, column in (("gpb", "一般公共预算"), ("fund", "政府性基金预算")):
            for line, values in fig.fiscal[group].items():
                _add(by_class.setdefault(line[:3], {}), "合计", values["合计"])
                _add(by_class[line[:3]], column, values["合计"])
        total = gpb + fund + cg + cf
        end = ("支出总计", {"合计": total, "一般公共预算": gpb + cg, "政府性基金预算": fund + cf})
        self.two_sided(tid, income, [("收入总计", "收入总计", "income_total", total)],
                       ("合计", "一般公共预算", "政府性基金预算"), by_class, end, False)
        tid = self.heading(5)
        self.coded(tid, fig.fiscal["gpb"], ("合计", "基本支出", "项目支出"))
        self.n06()
        self.n07()
        tid = self.heading(8)
        if fig.fiscal["fund"]:
            self.coded(tid, fig.fiscal["fund"], ("合计", "基本支出", "项目支出"))
        else:
            self.header(["科目编码", "科目名称", "行次", "合计", "基本支出", "项目支出"],
                        ["栏次", "", "", "1", "2", "3"])
            self.doc.row(["", "合计", "1", "", "", ""])
            self.doc.lines.append(Line())
            self.doc.para(f"{unit}{y}年没有政府性基金预算拨款安排的支出，本表为空表。")

    def n06(self) -> None:
        tid = self.heading(6)
        self.header(["科目编码", "科目名称", "行次", "合计", "人员经费", "公用经费"], ["栏次", "", "", "1", "2", "3"])
        leaves = {c: {"合计": a, "公用经费" if c.startswith("302") else "人员经费": a}
                  for c, a in self.fig.econ.items()}
        classes: dict[str, dict[str, int]] = {}
        for code, values in leaves.items():
            for key in ("", code[:3]):
                for column, amount in values.items():
                    _add(classes.setdefault(key, {}), column, amount)
        rows = [("", classes[""])]
        for top in sorted(k for k in classes if k):
            rows += [(top, classes[top]), *[(c, leaves[c]) for c in sorted(leaves) if c[:3] == top]]
        for i, (code, values) in enumerate(rows, 1):
            name = ECONOMIC[code] if code else "合计"
            codes = (code[:3], code[3:]) if len(code) == 5 else ((code,) if code else ())
            self.doc.row([code, name, str(i), *[cell(values.get(c, 0)) for c in ("合计", "人员经费", "公用经费")]])
            self.expect(tid, None, name, values, codes=codes)
        self.doc.lines.append(Line())

    def n07(self) -> None:
        tid = self.heading(7)
        self.header(["项目", "行次", "预算数"], ["栏次", "", "1"])
        s, c = self.fig.sangong, self.fig.counts
        rows = [("合计", "合计", "total", s["all"]), ("1．因公出国（境）费", "因公出国（境）费", "abroad", s["abroad"]),
                ("2．公务用车购置及运行费", "公务用车购置及运行费", "vehicle", s["vehicle"]),
                ("其中：公务用车购置费", "公务用车购置费", "vehicle_purchase", s["vehicle_purchase"]),
                ("公务用车运行费", "公务用车运行费", "vehicle_operation", s["vehicle_operation"]),
                ("3．公务接待费", "公务接待费", "reception", s["reception"]),
                ("4．会议费", "会议费", "meeting", s["meeting"]),
                ("5．培训费", "培训费", "training", s["training"])]
        # the items the unit does not have print 0.00, as the county tables of the time do (a table printing three
        # or more of its eight amounts blank loses its header in the parser: budgetlod/parse reads the 行次 column
        # as the table's only figures)
        for i, (printed, name, key, amount) in enumerate(rows, 1):
            self.doc.row([printed, str(i), f"{dec(amount):,.2f}"])
            self.doc.expected[tid].append(ExpectedRow(None, (), name, key=key, values={"预算数": dec(amount)}))
        counts = [("因公出国（境）团组数（个）", "abroad_groups"), ("因公出国（境）人次数（人）", "abroad_persons"),
                  ("公务用车购置数（辆）", "vehicles_purchased"), ("公务用车保有量（辆）", "vehicles_held"),
                  ("国内公务接待批次（个）", "reception_batches"), ("国内公务接待人次（人）", "reception_persons")]
        for i, (name, key) in enumerate(counts, len(rows) + 1):
            self.doc.row([name, str(i), str(c[key])])  # a count prints 0: it is a number of things, not a blank
            self.doc.expected[tid].append(ExpectedRow(None, (), name, key=key, values={"预算数": Decimal(c[key])}))
        self.doc.lines.append(Line())

    def write(self) -> None:
        doc, u, y, fig, level = self.doc, self.unit.name, self.year, self.fig, self.level
        doc.para(u)
        doc.para(f"{y}年{level}预算")
        doc.para(f"第一部分 {level}概况")
        doc.para("一、主要职能")
        doc.para(self.unit.dept.duties)
        doc.para(f"第二部分 {y}年{level}预算表")
        self.tables()
        doc.para(f"第三部分 {y}年{level}预算情况说明")
        doc.para("一、收支预算总体情况说明")
        line = doc.para(f"{u}{y}年收入、支出预算总计{dec(fig.total)}万元。")
        self.facts.append(("收入、支出预算总计", fig.total, line))
        doc.para("二、“三公”经费支出预算情况说明")
        line = doc.para(f"{u}{y}年一般公共预算安排“三公”经费支出预算{dec(fig.sangong['total'])}万元。")
        self.facts.append(("“三公”经费", fig.sangong["total"], line))
        doc.para("第四部分 名词解释")
        for entry in GLOSSARY:
            doc.para(entry)

    def expected(self) -> list[NarrativeFact]:
        numbers = {id(line): i for i, line in enumerate(self.doc.lines, 1)}
        return [NarrativeFact(subject, dec(amount), numbers[id(line)]) for subject, amount, line in self.facts]


def national_year(seed: int, index: int) -> int:
    """The year of a national-layout document when none is asked for: one of the template's years."""
    return NATIONAL_YEARS[sub_rng(seed * 1_000_003 + index, 43).randrange(len(NATIONAL_YEARS))]


def generate_national(seed: int, index: int, *, year: int | None = None) -> GeneratedFamily:
    """The older national-layout 预算 of unit ``index`` of corpus ``seed`` for ``year`` (default
    :func:`national_year`): a 部门预算 for a bureau, a 单位预算 for any other unit."""
    unit = make_unit(seed, index)
    year = national_year(seed, index) if year is None else year
    level = "部门" if unit.kind == "bureau" else "单位"
    doc = Doc()
    writer = _Writer(doc, unit, NationalFigures(unit, build_year(unit, year)), year, level)
    writer.write()
    return GeneratedFamily(
        text=doc.render(),
        unit=unit.name,
        year=year,
        file_name=f"unit-{index:05d}-{year}-national.txt",
        family="national-budget-2017",
        level=level,
        seed=seed,
        index=index,
        expected={tid: doc.expected.get(tid, []) for tid in NATIONAL_TABLE_IDS},
        narrative=writer.expected(),
    )
