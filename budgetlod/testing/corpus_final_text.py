"""The prose of a synthetic 部门决算: front matter, 第一部分 概况, 第三部分 情况说明 and 第四部分 名词解释.

The sentence patterns are those of the national 2024 template and of the Putuo finance bureau's 2024 final
accounts (``shared/samples/real/sh-putuo-finance-bureau-2024-final-accounts.pdf``): 收入支出总计 and its change
from the previous year's 决算, the shares of income and expenditure, 一般公共预算财政拨款支出 by class and, line by
line, its 年初预算 (the 预算's 表5), 支出决算 (表5 of the 决算), the completion rate and 决算数大于/小于/等于预算数,
the 三公 budget and outturn with their completion rates, and the 机关运行经费 (表6 公用经费合计). Every figure written
is recorded as a :class:`FinalFact` (where it is printed, and the measure it states).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlod.testing.corpus_data import ECONOMIC, FUNCTIONS, REASONS, cn
from budgetlod.testing.corpus_doc import Doc, Line, dec, money, percent, rate
from budgetlod.testing.corpus_final_tables import FISCAL_GROUPS, TITLES, FinalFigures, write_final_tables
from budgetlod.testing.corpus_model import Unit

PART3 = (
    "收入支出决算总体情况说明", "收入决算情况说明", "支出决算情况说明", "财政拨款收入支出决算总体情况说明",
    "一般公共预算财政拨款支出决算情况说明", "一般公共预算财政拨款基本支出决算情况说明",
    "财政拨款“三公”经费支出决算情况说明", "政府性基金预算财政拨款收入支出决算情况说明",
    "国有资本经营预算财政拨款收入支出决算情况说明", "预算绩效管理情况", "其他重要事项的情况说明",
)
GLOSSARY = (
    "一、财政拨款收入：指单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款和"
    "国有资本经营预算财政拨款。",
    "二、事业收入：指事业单位开展专业业务活动及辅助活动所取得的收入。",
    "三、其他收入：指除上述“财政拨款收入”“事业收入”“经营收入”等以外的收入。",
    "四、年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "五、年末结转和结余：指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按有关规定"
    "继续使用的资金。",
    "六、基本支出：指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。",
    "七、项目支出：指单位为完成特定的行政工作任务或事业发展目标，在基本支出之外发生的各项支出。",
    "八、“三公”经费：指单位使用本级财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
    "九、机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费"
    "支出。",
)
UNDER = ("项目实施进度慢于预期，部分资金结转下年使用", "落实过紧日子要求，压减一般性支出",
         "人员变动，人员经费相应减少", "预算按充分保障预估，实际执行基本贴合预期")
OVER = ("年中追加人员经费", "使用上年结转资金", "年中追加项目经费")
SANGONG_UNDER = ("厉行节约，严格控制“三公”经费支出", "落实中央八项规定精神，压减公务接待和公务用车支出")
SANGONG_ITEMS = (("因公出国（境）费", "abroad"), ("公务用车购置及运行维护费", "vehicle"), ("公务接待费", "reception"))
INCOME_NAMES = (("财政拨款收入", FISCAL_GROUPS), ("上级补助收入", ("superior",)), ("事业收入", ("service",)),
                ("经营收入", ("business",)), ("其他收入", ("other",)))


@dataclass(frozen=True)
class FinalFact:
    """A figure the 决算 narrative states: 万元 amounts, the completion rate in percent."""

    section: str  # 第三部分 section: 一 … 十一
    subject: str
    measure: str  # 决算 | 年初预算 | 合计 (an amount stated plainly)
    amount: Decimal
    line: int
    completion: Decimal | None = None  # 完成年初预算的 X%
    relation: str | None = None  # 大于 | 小于 | 等于 (决算数…预算数)
    codes: tuple[str, ...] = ()


@dataclass
class _Fact:
    section: str
    subject: str
    measure: str
    amount: int
    line: Line
    completion: Decimal | None = None
    relation: str | None = None
    codes: tuple[str, ...] = ()


@dataclass
class FinalWriter:
    doc: Doc
    unit: Unit
    fig: FinalFigures
    prev: FinalFigures
    rng: random.Random
    facts: list[_Fact] = field(default_factory=list)

    @property
    def u(self) -> str:
        return self.unit.name

    @property
    def y(self) -> int:
        return self.fig.year.year

    def fact(self, section: str, subject: str, measure: str, amount: int, line: Line, **more: object) -> None:
        self.facts.append(_Fact(section, subject, measure, amount, line, **more))  # type: ignore[arg-type]

    def expected(self) -> list[FinalFact]:
        numbers = {id(line): i for i, line in enumerate(self.doc.lines, 1)}
        return [FinalFact(f.section, f.subject, f.measure, dec(f.amount), numbers[id(f.line)], f.completion,
                          f.relation, f.codes) for f in self.facts]

    # -- phrases ---------------------------------------------------------------

    def change(self, subject: str, now: int, before: int, topic: str) -> str:
        """与上年度相比 …: the change from the previous year's 决算 and a reason (持平 when unchanged)."""
        lead = f"与{self.y - 1}年度相比，{subject}"
        up, down, _ = REASONS[topic]
        if now == before:
            return f"{lead}持平。"
        word, growth = ("增加", "增长") if now > before else ("减少", "下降")
        reason = self.rng.choice(up if now > before else down)
        return f"{lead}{word}{money(abs(now - before))}万元，{growth}{abs(rate(now, before))}%。主要原因：{reason}。"

    def versus(self, budget: int, actual: int, reasons: tuple[str, ...]) -> tuple[str, str]:
        """决算数大于/小于/等于预算数 and its reason (基本持平 within 0.01 万元, as the shapes allow)."""
        if actual == budget:
            return "等于", "决算数等于预算数。"
        if abs(actual - budget) <= 1:
            return "等于", "决算数与预算数基本持平。"
        word = "大于" if actual > budget else "小于"
        return word, f"决算数{word}预算数的主要原因：{self.rng.choice(OVER if actual > budget else reasons)}。"

    # -- document --------------------------------------------------------------

    def write(self) -> None:
        u, y = self.u, self.y
        self.doc.para(u)
        self.doc.para(f"{y}年度部门决算")
        self.doc.para("目 录")
        self.doc.para(f"- 第一部分 {u}概况", blank=False)
        self.doc.para(f"- 第二部分 {u}{y}年度部门决算表", blank=False)
        self.doc.para(f"- 第三部分 {u}{y}年度部门决算情况说明", blank=False)
        self.doc.para("- 第四部分 名词解释")
        self.doc.para(f"第一部分 {u}概况")
        self.doc.para("一、主要职能")
        self.doc.para(self.unit.dept.duties)
        self.doc.para("二、机构设置")
        offices = "、".join(self.unit.offices) if self.unit.offices else "无下设处室"
        self.doc.para(f"{u}无下属预算单位，下设{len(self.unit.offices)}个处室，分别是：{offices}。")
        self.doc.para(f"第二部分 {u}{y}年度部门决算表")
        write_final_tables(self.doc, self.fig, u)
        self.doc.para(f"第三部分 {u}{y}年度部门决算情况说明")
        for section in (self.s1_4, self.s5, self.s6, self.s7, self.s8_11):
            section()
        self.doc.para("第四部分 名词解释")
        for entry in GLOSSARY:
            self.doc.para(entry)

    def heading(self, number: int) -> None:
        self.doc.para(f"{cn(number)}、{PART3[number - 1]}")

    def s1_4(self) -> None:
        fig, prev, u, y = self.fig, self.prev, self.u, self.y
        self.heading(1)
        line = self.doc.para(f"{u}{y}年度收入支出总计{money(fig.total)}万元。"
                             + self.change("收入支出总计", fig.total, prev.total, "general"))
        self.fact("一", "收入支出总计", "合计", fig.total, line)
        self.heading(2)
        parts = []
        for name, groups in INCOME_NAMES:
            amount = sum(fig.income[g] for g in groups)
            if amount:
                parts.append(f"{name}{money(amount)}万元，占{percent(amount, fig.current_income)}%")
        line = self.doc.para(f"本年收入合计{money(fig.current_income)}万元，其中：" + "；".join(parts) + "。")
        self.fact("二", "本年收入合计", "合计", fig.current_income, line)
        self.heading(3)
        parts = [f"{name}{money(amount)}万元，占{percent(amount, fig.expenditure)}%"
                 for name, amount in (("基本支出", fig.basic_total), ("项目支出", fig.project_total)) if amount]
        line = self.doc.para(f"本年支出合计{money(fig.expenditure)}万元，其中：" + "；".join(parts) + "。")
        self.fact("三", "本年支出合计", "合计", fig.expenditure, line)
        self.heading(4)
        total, before = fig.fiscal_income + fig.fiscal_opening, prev.fiscal_income + prev.fiscal_opening
        line = self.doc.para(f"{u}{y}年度财政拨款收入支出总计{money(total)}万元。"
                             + self.change("财政拨款收入支出总计", total, before, "general"))
        self.fact("四", "财政拨款收入支出总计", "合计", total, line)

    def s5(self) -> None:
        fig, prev = self.fig, self.prev
        gpb = fig.gpb_spent
        self.heading(5)
        self.doc.para("（一）一般公共预算财政拨款支出决算总体情况")
        line = self.doc.para(f"一般公共预算财政拨款支出{money(gpb)}万元，"
                             f"占本年支出合计的{percent(gpb, fig.expenditure)}%。"
                             + self.change("一般公共预算财政拨款支出", gpb, prev.gpb_spent, "general"))
        self.fact("五", "一般公共预算财政拨款支出", "决算", gpb, line)
        self.doc.para("（二）一般公共预算财政拨款支出决算结构情况")
        classes: dict[str, int] = {}
        for code, values in fig.f05.items():
            classes[code[:3]] = classes.get(code[:3], 0) + values["合计"]
        parts = [f"{FUNCTIONS[c]}（类）{money(a)}万元，占{percent(a, gpb)}%" for c, a in sorted(classes.items())]
        self.doc.para(f"一般公共预算财政拨款支出{money(gpb)}万元，主要用于以下方面：" + "；".join(parts) + "。")
        self.doc.para("（三）一般公共预算财政拨款支出决算具体情况")
        budget = fig.budget.t05
        planned = sum(v["合计"] for v in budget.values())
        relation, why = self.versus(planned, gpb, UNDER)
        completion = percent(gpb, planned)
        line = self.doc.para(f"一般公共预算财政拨款支出年初预算为{money(planned)}万元，支出决算为{money(gpb)}万元，"
                             f"完成年初预算的{completion}%，{why}其中：")
        self.fact("五", "一般公共预算财政拨款支出", "年初预算", planned, line)
        self.fact("五", "一般公共预算财政拨款支出", "决算", gpb, line, completion=completion, relation=relation)
        lines = sorted(set(fig.f05) | set(budget))
        for i, code in enumerate(lines, 1):
            names = tuple(FUNCTIONS[code[:n]] for n in (3, 5, 7))
            planned = budget.get(code, {}).get("合计", 0)
            actual = fig.f05.get(code, {}).get("合计", 0)
            relation, why = self.versus(planned, actual, UNDER)
            rate_text, completion_or_none = "", None
            if planned:
                completion_or_none = percent(actual, planned)
                rate_text = f"完成年初预算的{completion_or_none}%，"
            line = self.doc.para(f"{i}、{names[0]}（类）{names[1]}（款）{names[2]}（项）。"
                                 f"年初预算为{money(planned)}万元，支出决算为{money(actual)}万元，{rate_text}{why}")
            codes = (code[:3], code[3:5], code[5:])
            self.fact("五", names[2], "年初预算", planned, line, codes=codes)
            self.fact("五", names[2], "决算", actual, line, completion=completion_or_none, relation=relation,
                      codes=codes)

    def s6(self) -> None:
        fig = self.fig
        self.heading(6)
        personnel = [ECONOMIC[c] for c in fig.econ if not c.startswith("302")]
        public = [ECONOMIC[c] for c in fig.econ if c.startswith("302")]
        line = self.doc.para(f"一般公共预算财政拨款基本支出{money(fig.personnel + fig.public)}万元。其中：人员经费"
                             f"{money(fig.personnel)}万元，主要包括：{'、'.join(personnel)}；公用经费{money(fig.public)}"
                             f"万元，主要包括：{'、'.join(public)}。")
        self.fact("六", "人员经费", "合计", fig.personnel, line)
        self.fact("六", "公用经费", "合计", fig.public, line)

    def s7(self) -> None:
        fig = self.fig
        budget, actual = fig.sangong_budget, fig.sangong
        self.heading(7)
        relation, why = self.versus(budget["total"], actual["total"], SANGONG_UNDER)
        completion = percent(actual["total"], budget["total"])
        parts = []
        for name, key in SANGONG_ITEMS:
            done = f"，完成预算的{percent(actual[key], budget[key])}%" if budget[key] else ""
            parts.append(f"{name}支出决算为{money(actual[key])}万元{done}")
        line = self.doc.para(f"“三公”经费财政拨款支出年初预算为{money(budget['total'])}万元，支出决算为"
                             f"{money(actual['total'])}万元，完成预算的{completion}%，{why}其中："
                             + "；".join(parts) + "。")
        self.fact("七", "“三公”经费", "年初预算", budget["total"], line)
        self.fact("七", "“三公”经费", "决算", actual["total"], line, completion=completion, relation=relation)
        for name, key in SANGONG_ITEMS:
            self.fact("七", name, "决算", actual[key], line,
                      completion=percent(actual[key], budget[key]) if budget[key] else None)

    def s8_11(self) -> None:
        fig, prev, u, y = self.fig, self.prev, self.u, self.y
        for number, group, word in ((8, "fund", "政府性基金预算"), (9, "soce", "国有资本经营预算")):
            self.heading(number)
            if fig.fund_tables[group]:
                line = self.doc.para(f"{u}{y}年度{word}财政拨款支出{money(fig.spent[group])}万元。")
                self.fact(cn(number), f"{word}财政拨款支出", "决算", fig.spent[group], line)
            else:
                self.doc.para(f"{u}{y}年度无{word}财政拨款收入和支出。")
        self.heading(10)
        self.doc.para(f"{u}{y}年度按照全面实施预算绩效管理的要求，对项目支出开展了绩效目标管理和绩效自评。")
        self.heading(11)
        self.doc.para("（一）机关运行经费支出情况")
        now, before = fig.public, prev.public
        word, growth = ("增加", "增长") if now >= before else ("减少", "下降")
        up, down, _ = REASONS["public"]
        reason = self.rng.choice(up if now >= before else down)
        line = self.doc.para(f"{y}年度{u}机关运行经费支出{money(now)}万元，比上年{word}{money(abs(now - before))}万元，"
                             f"{growth}{abs(rate(now, before))}%，主要原因：{reason}。")
        self.fact("十一", "机关运行经费", "合计", now, line)


__all__ = ["TITLES", "FinalFact", "FinalWriter"]
