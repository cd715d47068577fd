"""The figures and the twelve tables of a synthetic Jiangsu 部门预算 (family ``js-department-budget``, j01 … j12).

:class:`JsFigures` derives the tables from the same :class:`~budgetlod.testing.corpus_model.Year` the unit's
2024-form 预算 (:func:`budgetlod.testing.corpus.generate`) is generated from, regrouped the Jiangsu way: 财政拨款 =
一般公共预算 (basic expenditure and the general public budget projects) + 政府性基金预算; 财政专户管理资金 the
教育收费 projects; 其他资金 the unit's own income (事业收入, 经营收入, 其他收入 — 上级补助 counted as 其他收入).
The Jiangsu template prints no 国有资本经营预算: a unit's 国有资本经营预算 projects are left out of this document,
and so are the 上年结转 items (the provincial tables of 2017–2019 print 上年结转资金 blank) and 单位预留机动经费
(the Year has none). So every figure this document shares with the unit's 2024-form 预算 agrees with it: basic
expenditure by economic class (j06, j08 = 表6), the general public budget by function (j07 = 表5 of a unit
without carried-over items), the 三公 (j09 = 表10), and the 政府采购 total (j12 = 第三部分's 政府采购预算) for a unit
without 国有资本经营预算 projects.

:func:`write_js_tables` prints them as the provincial PDFs print them (``pdftotext -layout`` of
``shared/samples/real/js-provincial-*-budget*.pdf``), as Markdown pipe tables: the title, ``公开表N``, ``部门：``
and ``单位：万元``; the three-sided 收支预算总表 (收入 / 功能分类 with every 类 of the 2019 list / 支出用途), the
支出预算总表 and the 三公 table as one unlabelled row, the 政府采购预算表 with its categories (一、货物A …), 专项 rows
(专项名称, 经济科目) and item rows (采购物品名称, 采购组织形式).
"""

from __future__ import annotations

import random

from budgetlod.testing.corpus_data import ECONOMIC, FUNCTIONS, cn
from budgetlod.testing.corpus_doc import Doc, ExpectedRow, Line, cell, dec
from budgetlod.testing.corpus_model import Unit, Year, share_out, sub_rng
from budgetlod.testing.corpus_tables import Figures, _add, _aggregate, split_code

# the 功能分类 类 of the 2019 收支预算总表, in its order (the 2017/2018 tables print the older names)
JS_CLASSES: tuple[str, ...] = ("201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212",
                               "213", "214", "215", "216", "217", "220", "221", "222", "224", "229")
TITLES: tuple[str, ...] = (
    "收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "财政拨款支出预算表（功能科目）",
    "财政拨款基本支出预算表（经济科目）", "一般公共预算支出预算表（功能科目）",
    "一般公共预算基本支出预算表（经济科目）",
    "“三公”经费、会议费、培训费支出预算表", "财政拨款政府性基金支出预算表", "一般公共预算机关运行经费支出预算表",
    "政府采购预算表",
)
# the funding group of a project's source (None: not printed in the Jiangsu template)
GROUP: dict[str, str | None] = {"gpb": "gpb", "gpb_transfer": "gpb", "fund": "fund", "fund_transfer": "fund",
                                "soce": None, "special": "special", "unit_service": "service",
                                "unit_business": "business", "unit_other": "other", "unit_superior": "other"}
J09_COLUMNS: tuple[tuple[str, str], ...] = (
    ("“三公”经费、会议费和培训费合计", "with_meetings"), ("“三公”经费/小计", "total"),
    ("“三公”经费/因公出国（境）费", "abroad"), ("“三公”经费/公务用车购置及运行维护费/小计", "vehicle"),
    ("“三公”经费/公务用车购置及运行维护费/公务用车购置费", "vehicle_purchase"),
    ("“三公”经费/公务用车购置及运行维护费/公务用车运行维护费", "vehicle_operation"),
    ("“三公”经费/公务接待费", "reception"), ("会议费", "meeting"), ("培训费", "training"),
)
# 政府采购: the 经济科目 of each kind of purchase and the 采购物品 it may buy (names never an economic class's)
GOODS_ITEMS = ("台式计算机", "便携式计算机", "复印机", "打印设备", "多功能一体机", "办公家具", "空调机", "投影仪")
SERVICE_ITEMS = {"物业管理费": ("物业管理服务",), "维修（护）费": ("车辆维修和保养服务", "其他维修和保养服务"),
                 "其他商品和服务支出": ("会议服务", "印刷和出版服务", "信息技术服务", "其他服务")}
WORKS_ITEMS = ("房屋修缮", "装修工程")
EXTRA_GOODS_PROJECT = "办公设备购置费"  # the 专项 of the goods bought from basic expenditure (as the PDFs print)
MEMO = "分散自行组织"


class JsFigures:
    """The twelve tables of one unit and year, in integer fen."""

    def __init__(self, unit: Unit, year: Year) -> None:
        self.unit, self.year, self.budget = unit, year, Figures(year)
        self.income: dict[str, int] = {"gpb": sum(year.basic.values())}
        self.by_line: dict[str, dict[str, int]] = {}  # 7-digit line -> group -> fen (basic in "gpb")
        self.basic = sum(year.basic.values())
        for line, amount in year.basic.items():
            _add(self.by_line.setdefault(line, {}), "gpb", amount)
        self.projects = [p for p in year.projects if GROUP[p.source] is not None]
        for p in self.projects:
            group = GROUP[p.source] or ""
            _add(self.income, group, p.amount)
            _add(self.by_line.setdefault(p.line, {}), group, p.amount)
        self.project = sum(p.amount for p in self.projects)
        self.fiscal_project = sum(p.amount for p in self.projects if GROUP[p.source] in ("gpb", "fund"))
        self.total = self.basic + self.project
        self.classes: dict[str, int] = {}
        for line, groups in self.by_line.items():
            _add(self.classes, line[:3], sum(groups.values()))
        self.econ = dict(year.econ)
        t10 = self.budget.t10
        self.sangong = {key: t10.get(key, 0) for key in ("total", "abroad", "vehicle", "vehicle_purchase",
                                                          "vehicle_operation", "reception")}
        self.sangong["meeting"] = self.econ.get("30215", 0)
        self.sangong["training"] = self.econ.get("30216", 0)
        self.sangong["with_meetings"] = self.sangong["total"] + self.sangong["meeting"] + self.sangong["training"]
        self.procurement = self._procurement()

    def g(self, *groups: str) -> int:
        return sum(self.income.get(group, 0) for group in groups)

    def lines(self, *groups: str) -> dict[str, dict[str, int]]:
        """Function line -> {金额: the sum of these groups}, lines without any left out."""
        out = {}
        for line, values in sorted(self.by_line.items()):
            amount = sum(values.get(group, 0) for group in groups)
            if amount:
                out[line] = {"金额": amount}
        return out

    def _procurement(self) -> list[tuple[str, list[tuple[str, str, list[tuple[str, int]]]]]]:
        """[(category label, [(专项, 经济科目, [(采购物品, fen)])])]: the Year's 政府采购 goods, works and
        services (the same draws as :func:`~budgetlod.testing.corpus_model.build_year`), placed on projects."""
        year, rng = self.year, sub_rng(self.unit.key, 8, self.year.year)
        shown = {id(p) for p in self.projects}
        services: list[tuple[str, int]] = []
        for p in year.projects:
            amount = p.mix.get("商品和服务支出", 0) * rng.randint(200, 800) // 1000
            if amount and id(p) in shown:
                services.append((p.project or "", amount))
        extra = rng.randint(0, 30) * 10
        pick = sub_rng(self.unit.key, 40, year.year)
        goods: list[tuple[str, str, list[tuple[str, int]]]] = []
        works: list[tuple[str, str, list[tuple[str, int]]]] = []
        for p in self.projects:
            if p.mix.get("资本性支出"):
                economic = "专用设备购置" if pick.random() < 0.3 else "办公设备购置"
                goods.append((p.project or "", economic, _items(p.mix["资本性支出"], GOODS_ITEMS, pick)))
            if p.mix.get("资本性支出（基本建设）"):
                built = p.mix["资本性支出（基本建设）"]
                works.append((p.project or "", "房屋建筑物购建", _items(built, WORKS_ITEMS, pick)))
        if extra:
            goods.append((EXTRA_GOODS_PROJECT, "办公设备购置", _items(extra, GOODS_ITEMS, pick)))
        service_rows = []
        for project, amount in services:
            economic = pick.choice(sorted(SERVICE_ITEMS))
            service_rows.append((project, economic, _items(amount, SERVICE_ITEMS[economic], pick)))
        categories = (("一、货物A", goods), ("二、工程B", works), ("三、服务C", service_rows))
        return [(label, rows) for label, rows in categories if rows]

    @property
    def procurement_total(self) -> int:
        return sum(a for _, rows in self.procurement for _, _, items in rows for _, a in items)


def _items(amount: int, names: tuple[str, ...], rng: random.Random) -> list[tuple[str, int]]:
    """``amount`` split over one to three distinct items of ``names`` (each at least 0.01)."""
    count = min(len(names), rng.randint(1, 3), max(1, amount))
    chosen = rng.sample(names, count)
    parts = share_out(amount, [(name, rng.randint(1, 9)) for name in chosen])
    return [(name, value) for name, value in parts.items() if value]


# --------------------------------------------------------------------------
# Printing.


def _heading(doc: Doc, number: int, unit: str) -> str:
    tid = f"j{number:02d}"
    doc.para(TITLES[number - 1])
    doc.para(f"公开表{cn(number)}")
    doc.para(f"部门：{unit}")
    doc.para("单位：万元")
    doc.expected[tid] = []
    return tid



def _end(doc: Doc) -> None:
    doc.lines.append(Line())


def _expect(doc: Doc, tid: str, side: str | None, name: str, values: dict[str, int], *, key: str | None = None,
            codes: tuple[str, ...] = (), project: str | None = None) -> None:
    doc.expected[tid].append(ExpectedRow(side, codes, name, key=key, project=project,
                                         values={k: dec(v) for k, v in values.items() if v}))


def _write_j01(doc: Doc, fig: JsFigures, unit: str) -> None:
    tid = _heading(doc, 1, unit)
    doc.header(["收入", "", "支出", "", "", ""], ["", "", "功能分类", "", "支出用途", ""],
            ["项目名称", "金额", "功能科目名称", "金额", "项目名称", "金额"])
    income = [("一、财政拨款", "财政拨款", "fiscal", fig.g("gpb", "fund")),
              (" 1.一般公共预算", "一般公共预算", "gpb", fig.g("gpb")),
              (" 2.政府性基金预算", "政府性基金预算", "fund", fig.g("fund")),
              ("二、财政专户管理资金", "财政专户管理资金", "special_account", fig.g("special")),
              ("三、其他资金", "其他资金", "other_funds", fig.g("service", "business", "other"))]
    purposes = [("一、基本支出", "基本支出", fig.basic), ("二、项目支出", "项目支出", fig.project),
                ("三、单位预留机动经费", "单位预留机动经费", 0)]
    for i, code in enumerate(JS_CLASSES):
        cells = ["", ""]
        if i < len(income):
            printed, name, key, amount = income[i]
            cells = [printed.strip(), cell(amount)]
            _expect(doc, tid, "income", name, {"金额": amount}, key=key)
        amount = fig.classes.get(code, 0)
        cells += [f"{cn(i + 1)}、{FUNCTIONS[code]}", cell(amount)]
        _expect(doc, tid, "expenditure", FUNCTIONS[code], {"金额": amount}, codes=(code,))
        if i < len(purposes):
            printed, name, amount = purposes[i]
            cells += [printed, cell(amount)]
            _expect(doc, tid, "expenditure", name, {"金额": amount})
        else:
            cells += ["", ""]
        doc.row(cells)
    current = fig.g("gpb", "fund", "special", "service", "business", "other")
    for (left, lkey, lvalue), right in ((("当年收入小计", "current_income", current), ("当年支出小计", fig.total)),
                                        (("上年结转资金", "carryover", 0), ("结转下年资金", 0)),
                                        (("收入合计", "income_total", current), ("支出合计", fig.total))):
        doc.row([left, cell(lvalue), right[0], "", "", cell(right[1])])
        _expect(doc, tid, "income", left, {"金额": lvalue}, key=lkey)
        _expect(doc, tid, "expenditure", right[0], {"金额": right[1]})
    _end(doc)


def _write_j02(doc: Doc, fig: JsFigures, unit: str) -> None:
    tid = _heading(doc, 2, unit)
    doc.header(["项目名称", "", "金额"])
    rows = [("收入总计", "", "income_total", fig.g("gpb", "fund", "special", "service", "business", "other")),
            ("一般公共预算资金", "小计", "gpb", fig.g("gpb")),
            ("", "公共财政拨款(补助)资金", "gpb_appropriation", fig.g("gpb")),
            ("", "专项收入", "gpb_special", 0),
            ("政府性基金", "小计", "fund", fig.g("fund")),
            ("财政专户管理资金", "小计", "special_account", fig.g("special")),
            ("", "专户管理教育收费", "special_education_fees", fig.g("special")),
            ("", "其他非税收入", "special_other_nontax", 0),
            ("其他资金", "小计", "other_funds", fig.g("service", "business", "other")),
            ("", "事业收入", "service_income", fig.g("service")),
            ("", "经营收入", "business_income", fig.g("business")),
            ("", "其他收入", "other_income", fig.g("other")),
            ("上年结转和结余资金", "小计", "carryover", 0),
            ("", "其中：动用上年结转和结余资金", "carryover_used", 0)]
    for group, label, key, amount in rows:
        doc.row([group, label, cell(amount)])
        _expect(doc, tid, None, label or group, {"金额": amount}, key=key)
    _end(doc)


def _write_j03(doc: Doc, fig: JsFigures, unit: str) -> None:
    tid = _heading(doc, 3, unit)
    doc.header(["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"])
    values = {"合计": fig.total, "基本支出": fig.basic, "项目支出": fig.project}
    doc.row([cell(fig.total), cell(fig.basic), cell(fig.project), "", ""])
    _expect(doc, tid, None, "", values)
    _end(doc)


def _write_j04(doc: Doc, fig: JsFigures, unit: str) -> None:
    tid = _heading(doc, 4, unit)
    doc.header(["收入", "", "支出", ""], ["", "", "支出用途", ""], ["项目名称", "金额", "项目名称", "金额"])
    fiscal = fig.g("gpb", "fund")
    rows = [(("一、一般公共预算", "一般公共预算", "gpb", fig.g("gpb")), ("一、基本支出", "基本支出", fig.basic)),
            (("二、政府性基金预算", "政府性基金预算", "fund", fig.g("fund")),
             ("二、项目支出", "项目支出", fig.fiscal_project)),
            (None, ("三、单位预留机动经费", "单位预留机动经费", 0)),
            (("收入合计", "收入合计", "income_total", fiscal), ("支出合计", "支出合计", fiscal))]
    for left, (printed, name, amount) in rows:
        cells = ["", ""]
        if left is not None:
            cells = [left[0], cell(left[3])]
            _expect(doc, tid, "income", left[1], {"金额": left[3]}, key=left[2])
        doc.row([*cells, printed, cell(amount)])
        _expect(doc, tid, "expenditure", name, {"金额": amount})
    _end(doc)


def _coded(doc: Doc, tid: str, leaves: dict[str, dict[str, int]], names: dict[str, str], header: list[str],
           column: str = "金额") -> None:
    """A coded table: 编码 | 名称 | amount, the 合计 row first, then each class above its lines."""
    doc.header(header)
    total = sum(v[column] for v in leaves.values())
    if not leaves:
        doc.row(["", "合计", ""])
        _end(doc)
        return
    doc.row(["", "合计", cell(total)])
    _expect(doc, tid, None, "合计", {column: total})
    for code, values in _aggregate(leaves).items():
        if not code:
            continue
        doc.row([code, names[code], cell(values[column])])
        _expect(doc, tid, None, names[code], values, codes=split_code(code))
    _end(doc)


def _econ_leaves(econ: dict[str, int], column: str, only: str = "") -> dict[str, dict[str, int]]:
    return {code: {column: amount} for code, amount in sorted(econ.items()) if code.startswith(only)}


def _economic(doc: Doc, tid: str, leaves: dict[str, dict[str, int]], header: list[str], column: str) -> None:
    doc.header(header)
    total = sum(v[column] for v in leaves.values())
    doc.row(["", "合计", cell(total)])
    _expect(doc, tid, None, "合计", {column: total})
    classes: dict[str, int] = {}
    for code, values in leaves.items():
        _add(classes, code[:3], values[column])
    for top in sorted(classes):
        for code, amount in [(top, classes[top]), *[(c, v[column]) for c, v in leaves.items() if c[:3] == top]]:
            codes = (code[:3], code[3:]) if len(code) == 5 else (code,)
            doc.row([code, ECONOMIC[code], cell(amount)])
            _expect(doc, tid, None, ECONOMIC[code], {column: amount}, codes=codes)
    _end(doc)


def _write_j09(doc: Doc, fig: JsFigures, unit: str) -> None:
    tid = _heading(doc, 9, unit)
    doc.header(["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
            ["", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "", ""],
            ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""])
    values = {path: fig.sangong[key] for path, key in J09_COLUMNS}
    doc.row([cell(fig.sangong[key]) for _, key in J09_COLUMNS])
    _expect(doc, tid, None, "", values)
    _end(doc)


def _write_j12(doc: Doc, fig: JsFigures, unit: str) -> None:
    tid = _heading(doc, 12, unit)
    doc.header(["采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"])
    total = fig.procurement_total
    doc.row(["合计", "", "", "", "", cell(total)])
    _expect(doc, tid, None, "合计", {"总计": total})
    for label, rows in fig.procurement:
        amount = sum(a for _, _, items in rows for _, a in items)
        doc.row([label, "", "", "", "", cell(amount)])
        _expect(doc, tid, None, label.split("、", 1)[1], {"总计": amount})
        for project, economic, items in rows:
            doc.row(["", project, economic, "", "", cell(sum(a for _, a in items))])
            _expect(doc, tid, None, economic, {"总计": sum(a for _, a in items)}, project=project)
            for name, value in items:
                doc.row(["", "", "", name, MEMO, cell(value)])
                _expect(doc, tid, None, name, {"总计": value})  # the parser leaves the 专项 to the RDF
    _end(doc)


def write_js_tables(doc: Doc, fig: JsFigures, unit: str) -> None:
    """The twelve tables, in the template's order, each row's :class:`ExpectedRow` in ``doc.expected``."""
    names = {**FUNCTIONS}
    coded_header = ["功能科目编码", "功能科目名称", "金额"]
    econ_header = ["科目编码", "科目名称", "金额"]
    _write_j01(doc, fig, unit)
    _write_j02(doc, fig, unit)
    _write_j03(doc, fig, unit)
    _write_j04(doc, fig, unit)
    for number, groups in ((5, ("gpb", "fund")), (7, ("gpb",))):
        tid = _heading(doc, number, unit)
        _coded(doc, tid, fig.lines(*groups), names, coded_header)
        if number == 5:
            tid = _heading(doc, 6, unit)
            _economic(doc, tid, _econ_leaves(fig.econ, "金额"), econ_header, "金额")
    tid = _heading(doc, 8, unit)
    _economic(doc, tid, _econ_leaves(fig.econ, "金额"), econ_header, "金额")
    _write_j09(doc, fig, unit)
    tid = _heading(doc, 10, unit)
    _coded(doc, tid, fig.lines("fund"), names, coded_header)
    tid = _heading(doc, 11, unit)
    _economic(doc, tid, _econ_leaves(fig.econ, "机关运行经费支出", "302"), ["科目编码", "科目名称", "机关运行经费支出"],
              "机关运行经费支出")
    _write_j12(doc, fig, unit)


def running_cost(fig: JsFigures) -> int:
    """机关运行经费: the 302 block of basic expenditure (j11's 合计)."""
    return sum(v for c, v in fig.econ.items() if c.startswith("302"))


__all__ = ["JS_CLASSES", "TITLES", "JsFigures", "running_cost", "write_js_tables"]
