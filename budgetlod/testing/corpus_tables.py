"""The eleven tables of a synthetic disclosure.

:class:`Figures` derives every table of one year from a :class:`~budgetlod.testing.corpus_model.Year`;
:func:`write_tables` prints them in the reference disclosure's Markdown form
and records, for each printed row, the :class:`ExpectedRow` a parser should
read back (and where it is, for error injection).
"""

from __future__ import annotations

from decimal import Decimal

from budgetlod.testing.corpus_data import (
    CLASSES,
    ECONOMIC,
    EMPTY_NOTES,
    EMPTY_ROWS,
    FUNCTIONS,
    FUND_COLUMNS,
    HEADERS,
    SOURCE_COLUMN,
    SPLIT_COLUMNS,
    T01_INCOME,
    T02_COLUMNS,
    T04_CARRYOVER,
    T04_COLUMNS,
    T04_INCOME,
    T06_COLUMNS,
    T07_COLUMNS,
    T10_COLUMNS,
    T11_COLUMNS,
    TABLE_TITLES,
)
from budgetlod.testing.corpus_doc import Doc, ExpectedRow, Line, RowRec, cell, dec
from budgetlod.testing.corpus_model import FISCAL_SOURCES, Year

# --------------------------------------------------------------------------
# The figures of the eleven tables.


def _add(target: dict[str, int], key: str, amount: int) -> None:
    if amount:
        target[key] = target.get(key, 0) + amount


class Figures:
    """Every table of one year, as integer fen."""

    def __init__(self, year: Year) -> None:
        self.year = year
        basic_total = sum(year.basic.values())
        self.sources: dict[str, int] = {"gpb": basic_total}
        for item in (*year.projects, *year.carry):
            _add(self.sources, item.source, item.amount)
        self.t01_income = {key: sum(self.sources.get(s, 0) for s in srcs) for _, key, srcs in T01_INCOME}
        self.total = self.t01_income["current_income"] + self.t01_income["carryover"]
        self.t01_income["income_total"] = self.total
        # 表2/表3: every line, every source
        self.t02: dict[str, dict[str, int]] = {}
        self.t03: dict[str, dict[str, int]] = {}
        for line, amount in year.basic.items():
            _add(self.t02.setdefault(line, {}), SOURCE_COLUMN["gpb"], amount)
            _add(self.t03.setdefault(line, {}), "基本支出", amount)
        for item in (*year.projects, *year.carry):
            _add(self.t02.setdefault(item.line, {}), SOURCE_COLUMN[item.source], item.amount)
            _add(self.t03.setdefault(item.line, {}), "项目支出", item.amount)
        for values in self.t02.values():
            subtotal = sum(v for k, v in values.items() if k.startswith("财政拨款（补助）/"))
            values["总计"] = sum(values.values())
            _add(values, "财政拨款（补助）/小计", subtotal)
        for values in self.t03.values():
            values["合计"] = values.get("基本支出", 0) + values.get("项目支出", 0)
        self.classes: dict[str, int] = {}
        for line, values in self.t03.items():
            _add(self.classes, line[:3], values["合计"])
        # 表4: fiscal money by class
        self.t04_income = {key: sum(self.sources.get(s, 0) for s in srcs) for _, key, srcs in T04_INCOME}
        self.t04_carry = {key: sum(self.sources.get(s, 0) for s in srcs) for _, key, srcs in T04_CARRYOVER}
        self.fiscal_total = self.t04_income["fiscal"] + self.t04_carry["carryover_fiscal"]
        column_of = {"gpb": "一般公共预算", "gpb_transfer": "一般公共预算", "carry_gpb": "一般公共预算",
                     "fund": "政府性基金预算", "fund_transfer": "政府性基金预算", "carry_fund": "政府性基金预算",
                     "soce": "国有资本经营预算"}
        self.t04: dict[str, dict[str, int]] = {}
        for line, amount in year.basic.items():
            _add(self.t04.setdefault(line[:3], {}), "一般公共预算", amount)
        for item in (*year.projects, *year.carry):
            if item.source in column_of:
                _add(self.t04.setdefault(item.line[:3], {}), column_of[item.source], item.amount)
        for values in self.t04.values():
            values["合计"] = sum(values.values())
        # 表5 and 表7: general public budget of the year
        gpb_projects = [p for p in year.projects if p.source in ("gpb", "gpb_transfer")]
        self.t05: dict[str, dict[str, int]] = {}
        for line, amount in year.basic.items():
            _add(self.t05.setdefault(line, {}), "基本支出", amount)
        for item in gpb_projects:
            _add(self.t05.setdefault(item.line, {}), "项目支出", item.amount)
        for values in self.t05.values():
            values["合计"] = values.get("基本支出", 0) + values.get("项目支出", 0)
        self.t07 = [(p.line, p.project or "", {"合计": p.amount, **p.mix}) for p in gpb_projects]
        self.projects = gpb_projects
        # 表6
        self.t06: dict[str, dict[str, int]] = {}
        for code, amount in year.econ.items():
            column = "公用经费" if code.startswith("302") else "人员经费"
            self.t06[code] = {"合计": amount, column: amount}
        # 表8/表9
        self.t08: dict[str, dict[str, int]] = {}
        self.t09: dict[str, dict[str, int]] = {}
        for item in year.projects:
            target = {"fund": self.t08, "fund_transfer": self.t08, "soce": self.t09}.get(item.source)
            if target is not None:
                values = target.setdefault(item.line, {})
                _add(values, "合计", item.amount)
                _add(values, "项目支出", item.amount)
        # 表10
        s = year.sangong
        vehicle = s["vehicle_purchase"] + s["vehicle_operation"]
        self.t10 = {
            "total": s["abroad"] + s["reception"] + vehicle,
            "abroad": s["abroad"],
            "reception": s["reception"],
            "vehicle": vehicle,
            "vehicle_purchase": s["vehicle_purchase"],
            "vehicle_operation": s["vehicle_operation"],
        }
        # 表11
        self.t11: list[tuple[str, dict[str, int]]] = []
        for item in year.carry:
            fiscal = item.source in ("carry_gpb", "carry_fund")
            part = "财政拨款" if fiscal else "非财政拨款"
            self.t11.append((item.project or "", {"总计": item.amount, f"{part}/合计": item.amount,
                                                   f"{part}/项目支出": item.amount}))

    @property
    def basic_total(self) -> int:
        return sum(self.year.basic.values())

    @property
    def project_total(self) -> int:
        return self.total - self.basic_total

    @property
    def gpb_projects_total(self) -> int:
        return sum(p.amount for p in self.projects)

    @property
    def personnel(self) -> int:
        return sum(v for c, v in self.year.econ.items() if not c.startswith("302"))

    @property
    def public(self) -> int:
        return sum(v for c, v in self.year.econ.items() if c.startswith("302"))

    def fiscal_project_count(self) -> tuple[int, int]:
        items = [p for p in self.year.projects if p.source in FISCAL_SOURCES]
        return len(items), sum(p.amount for p in items)

    def nonfiscal_project_count(self) -> tuple[int, int]:
        items = [p for p in self.year.projects if p.source not in FISCAL_SOURCES]
        return len(items), sum(p.amount for p in items)


# --------------------------------------------------------------------------
# Printing.


def split_code(code: str) -> tuple[str, ...]:
    return tuple(part for part in (code[:3], code[3:5], code[5:7]) if part)


def _level(code: str) -> str:
    return {0: "total", 3: "类", 5: "款", 7: "项"}[len(code)]


def _aggregate(leaves: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for code, values in leaves.items():
        for key in {"", code[:3], code[:5], code}:
            target = out.setdefault(key, {})
            for column, amount in values.items():
                _add(target, column, amount)
    return dict(sorted(out.items()))


def _wrap(name: str) -> str:
    """Long names wrap inside a cell of 表7, as in the reference disclosure."""
    return name[:12] + " " + name[12:] if len(name) > 12 else name


def _values(values: dict[str, int], columns: tuple[str, ...]) -> dict[str, Decimal]:
    return {c: dec(values[c]) for c in columns if values.get(c)}


def _emit(doc: Doc, tid: str, cells: list[str], expected: ExpectedRow, level: str, first_value: int,
          columns: tuple[str, ...], codes: tuple[int, ...]) -> None:
    line = doc.row(cells)
    doc.expected[tid].append(expected)
    value_cells = {c: first_value + i for i, c in enumerate(columns)}
    doc.rows.append(RowRec(tid, line, level, expected.name, expected.side, value_cells, codes))


def _heading(doc: Doc, number: int, tid: str, unit: str) -> None:
    doc.para(f"表 {number}")
    doc.para(TABLE_TITLES[tid])
    doc.para(f"编制单位：{unit}")
    doc.para("单位：万元")
    doc.expected[tid] = []
    for raw in HEADERS[tid]:
        doc.lines.append(Line(text=raw))


def _empty(doc: Doc, tid: str, unit: str, year: int) -> None:
    width = len(HEADERS[tid][-1].strip("|").split("|"))
    for _ in range(EMPTY_ROWS[tid]):
        doc.row([""] * width)
    doc.lines.append(Line())
    doc.para(EMPTY_NOTES[tid].format(unit=unit, year=year))


def _function_table(doc: Doc, tid: str, leaves: dict[str, dict[str, int]], columns: tuple[str, ...]) -> None:
    for code, values in _aggregate(leaves).items():
        name = FUNCTIONS[code] if code else "总计"
        codes = split_code(code)
        cells = [*codes, *[""] * (3 - len(codes)), name, *[cell(values.get(c, 0)) for c in columns]]
        row = ExpectedRow(None, codes, name, values=_values(values, columns))
        _emit(doc, tid, cells, row, _level(code), 4, columns, tuple(range(len(codes))))


def _two_sided(doc: Doc, tid: str, income: list[tuple[str, str, int]], by_class: dict[str, dict[str, int]],
               columns: tuple[str, ...], income_column: str, total: int, expenditure_total: dict[str, int]) -> None:
    rows = max(len(CLASSES), len(income))
    for i in range(rows):
        cells = ["", "", *[""] * (1 + len(columns))]
        income_row: ExpectedRow | None = None
        if i < len(income):
            label, key, amount = income[i]
            cells[0], cells[1] = label, cell(amount)
            name = label.split("、", 1)[-1].split(". ", 1)[-1].removeprefix("其中：")
            values = _values({income_column: amount}, (income_column,))
            income_row = ExpectedRow("income", (), name, key=key, values=values)
        expenditure_row: ExpectedRow | None = None
        if i < len(CLASSES):
            code, name = CLASSES[i]
            amounts = by_class.get(code, {})
            cells[2] = f"{code} {name}"
            cells[3:] = [cell(amounts.get(c, 0)) for c in columns]
            expenditure_row = ExpectedRow("expenditure", (code,), name, values=_values(amounts, columns))
        line = doc.row(cells)
        if income_row is not None:
            doc.expected[tid].append(income_row)
            doc.rows.append(RowRec(tid, line, "item", income_row.name, "income", {income_column: 1}, ()))
        if expenditure_row is not None:
            doc.expected[tid].append(expenditure_row)
            doc.rows.append(RowRec(tid, line, "类", expenditure_row.name, "expenditure",
                                   {c: 3 + j for j, c in enumerate(columns)}, ()))
    doc.row([""] * (3 + len(columns)))
    cells = ["收入总计", cell(total), "支出总计", *[cell(expenditure_total.get(c, 0)) for c in columns]]
    line = doc.row(cells)
    income_total = ExpectedRow("income", (), "收入总计", key="income_total",
                               values=_values({income_column: total}, (income_column,)))
    expenditure = ExpectedRow("expenditure", (), "支出总计", values=_values(expenditure_total, columns))
    doc.expected[tid].extend((income_total, expenditure))
    spending = {c: 3 + j for j, c in enumerate(columns)}
    doc.rows.append(RowRec(tid, line, "total", "收入总计", "income", {income_column: 1}, ()))
    doc.rows.append(RowRec(tid, line, "total", "支出总计", "expenditure", spending, ()))


def write_tables(doc: Doc, fig: Figures, unit: str) -> None:
    year = fig.year.year
    # 表1
    _heading(doc, 1, "t01", unit)
    income = [(label, key, fig.t01_income[key]) for label, key, _ in T01_INCOME]
    by_class = {code: {"预算数": amount} for code, amount in fig.classes.items()}
    _two_sided(doc, "t01", income, by_class, ("预算数",), "预算数", fig.total, {"预算数": fig.total})
    doc.lines.append(Line())
    # 表2, 表3
    _heading(doc, 2, "t02", unit)
    _function_table(doc, "t02", fig.t02, T02_COLUMNS)
    doc.lines.append(Line())
    _heading(doc, 3, "t03", unit)
    _function_table(doc, "t03", fig.t03, SPLIT_COLUMNS)
    doc.lines.append(Line())
    # 表4
    _heading(doc, 4, "t04", unit)
    rows = [(label, key, fig.t04_income[key]) for label, key, _ in T04_INCOME]
    if fig.t04_carry["carryover_fiscal"]:
        rows += [(label, key, fig.t04_carry[key]) for label, key, _ in T04_CARRYOVER]
    totals = {c: sum(v.get(c, 0) for v in fig.t04.values()) for c in T04_COLUMNS}
    _two_sided(doc, "t04", rows, fig.t04, T04_COLUMNS, "合计", fig.fiscal_total, totals)
    doc.lines.append(Line())
    # 表5
    _heading(doc, 5, "t05", unit)
    _function_table(doc, "t05", fig.t05, SPLIT_COLUMNS)
    doc.lines.append(Line())
    # 表6
    _heading(doc, 6, "t06", unit)
    for code, values in _aggregate(fig.t06).items():
        name = ECONOMIC[code] if code else "总计"
        codes: tuple[str, ...] = (code[:3], code[3:]) if len(code) == 5 else (code,) if code else ()
        cells = [*codes, *[""] * (2 - len(codes)), name, *[cell(values.get(c, 0)) for c in T06_COLUMNS]]
        level = {0: "total", 1: "类", 2: "款"}[len(codes)]
        row = ExpectedRow(None, codes, name, values=_values(values, T06_COLUMNS))
        _emit(doc, "t06", cells, row, level, 3, T06_COLUMNS, tuple(range(len(codes))))
    doc.lines.append(Line())
    # 表7
    _heading(doc, 7, "t07", unit)
    if fig.t07:
        subtotals = _aggregate({line: {} for line, _, _ in fig.t07})
        for line, _, values in fig.t07:
            for key in ("", line[:3], line[:5]):
                for column, amount in values.items():
                    _add(subtotals[key], column, amount)
        for code, values in subtotals.items():
            if len(code) == 7:
                continue
            codes = split_code(code)
            name = FUNCTIONS[code] if code else "总计"
            cells = [*codes, *[""] * (3 - len(codes)), _wrap(name), "", *[cell(values.get(c, 0)) for c in T07_COLUMNS]]
            row = ExpectedRow(None, codes, name, values=_values(values, T07_COLUMNS))
            _emit(doc, "t07", cells, row, _level(code), 5, T07_COLUMNS, tuple(range(len(codes))))
            if len(code) == 5:
                for line, project, pvalues in fig.t07:
                    if line[:5] != code:
                        continue
                    name = FUNCTIONS[line]
                    cells = [*split_code(line), _wrap(name), project, *[cell(pvalues.get(c, 0)) for c in T07_COLUMNS]]
                    row = ExpectedRow(None, split_code(line), name, project=project,
                                      values=_values(pvalues, T07_COLUMNS))
                    _emit(doc, "t07", cells, row, "project", 5, T07_COLUMNS, (0, 1, 2))
        doc.lines.append(Line())
    else:
        _empty(doc, "t07", unit, year)
    # 表8, 表9
    for number, tid, leaves in ((8, "t08", fig.t08), (9, "t09", fig.t09)):
        _heading(doc, number, tid, unit)
        if leaves:
            _function_table(doc, tid, leaves, FUND_COLUMNS)
            doc.lines.append(Line())
        else:
            _empty(doc, tid, unit, year)
    # 表10
    _heading(doc, 10, "t10", unit)
    for label, key in (("合计", "total"), ("因公出国（境）费", "abroad"), ("公务接待费", "reception"),
                       ("公务用车购置及运行费（小计）", "vehicle"), ("其中：公务用车购置费", "vehicle_purchase"),
                       ("公务用车运行费", "vehicle_operation")):
        amount = fig.t10[key]
        values = {"合计": amount, "资金来源/一般公共预算": amount}
        cells = [label, *[cell(values.get(c, 0)) for c in T10_COLUMNS]]
        row = ExpectedRow(None, (), label.removeprefix("其中："), key=key, values=_values(values, T10_COLUMNS))
        _emit(doc, "t10", cells, row, "total" if key == "total" else "item", 1, T10_COLUMNS, ())
    doc.lines.append(Line())
    # 表11
    _heading(doc, 11, "t11", unit)
    if fig.t11:
        total: dict[str, int] = {}
        for _, values in fig.t11:
            for column, amount in values.items():
                _add(total, column, amount)
        for name, values in [("合计", total), *fig.t11]:
            cells = [name, *[cell(values.get(c, 0)) for c in T11_COLUMNS]]
            row = ExpectedRow(None, (), name, values=_values(values, T11_COLUMNS))
            _emit(doc, "t11", cells, row, "total" if name == "合计" else "item", 1, T11_COLUMNS, ())
        doc.lines.append(Line())
    else:
        _empty(doc, "t11", unit, year)
