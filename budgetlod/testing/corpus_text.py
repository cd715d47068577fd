"""The prose of a synthetic disclosure: front matter, 第一部分, 第三部分 and 第四部分.

Sentence patterns follow the reference disclosure; every figure written is
recorded as a :class:`~budgetlod.testing.corpus_doc.Fact` (with where it is
printed and which table cell it restates).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from budgetlod.testing.corpus_data import (
    ECONOMIC,
    FUNCTIONS,
    GLOSSARY,
    INDICATORS,
    REASONS,
    cn,
)
from budgetlod.testing.corpus_doc import Doc, Fact, Line, TableRef, Tok, money, percent, rate
from budgetlod.testing.corpus_model import Unit
from budgetlod.testing.corpus_tables import Figures, split_code, write_tables

PART3_TITLES = (
    "关于{u}{y}年收支预算情况总体说明",
    "关于{u}{y}年收入预算情况说明",
    "关于{u}{y}年支出预算情况说明",
    "关于{u}{y}年财政拨款收支预算情况的总体说明",
    "关于{u}{y}年一般公共预算当年拨款情况说明",
    "关于{u}{y}年一般公共预算基本支出情况说明",
    "关于{u}{y}年一般公共预算项目支出情况说明",
    "关于{u}{y}年政府性基金预算拨款情况说明",
    "关于{u}{y}年国有资本经营预算拨款情况说明",
    "关于{u}{y}年财政拨款“三公”经费预算情况说明",
    "关于{u}{y}年上年结转结余预算情况说明",
    "其他重要事项的情况说明",
)
TABLE_LIST = (
    "单位收支总体情况表", "单位收入总体情况表", "单位支出总体情况表", "财政拨款收支预算总体情况表",
    "一般公共预算支出情况表", "一般公共预算基本支出情况表", "一般公共预算项目支出情况表", "政府性基金预算支出情况表",
    "国有资本经营预算支出情况表", "财政拨款“三公”经费支出情况表", "上年结转结余情况明细表",
)
PURPOSES = {
    "201": "工资福利支出和日常运行经费支出",
    "205": "教职工工资福利支出、学校日常运行和教育教学支出",
    "207": "人员工资和日常运行支出以及文化活动支出",
    "208": "机关事业单位基本养老保险缴费、职业年金缴费和离退休人员支出",
    "210": "职工基本医疗保险缴费及医疗卫生业务支出",
    "212": "人员工资和日常运行支出以及城乡社区管理支出",
    "213": "人员工资和日常运行支出以及农林水业务支出",
    "221": "住房公积金支出",
    "223": "国有企业退休人员社会化管理补助支出",
    "229": "彩票公益金安排的公益事业支出",
}


class Writer:
    def __init__(self, doc: Doc, unit: Unit, fig: Figures, prev: Figures, rng: random.Random) -> None:
        self.doc, self.unit, self.fig, self.prev, self.rng = doc, unit, fig, prev, rng
        self.u = unit.name
        self.y = fig.year.year

    # -- phrases ---------------------------------------------------------------

    def amount(self, fact: Fact, spaced: bool = False, zero: str | None = None) -> list[str | Tok]:
        assert fact.amount is not None
        text = zero if zero is not None and not fact.amount else money(fact.amount)
        pad = " " if spaced else ""
        return [pad, Tok(text, fact, "amount"), pad, "万元"]

    def share(self, fact: Fact, spaced: bool = False) -> list[str | Tok]:
        assert fact.amount is not None and fact.share_of is not None
        return ["占", " " if spaced else "", Tok(str(percent(fact.amount, fact.share_of)), fact, "share"), "%"]

    def change(self, fact: Fact, spaced: bool = False, prefix: str = "比上年预算") -> list[str | Tok]:
        assert fact.amount is not None and fact.prior is not None
        diff = fact.amount - fact.prior
        pad = " " if spaced else ""
        growth = rate(fact.amount, fact.prior)
        return [prefix, "增加" if diff >= 0 else "减少", pad, Tok(money(abs(diff)), fact, "change"), pad, "万元，",
                "增长" if diff >= 0 else "下降", pad, Tok(str(abs(growth)), fact, "rate"), "%"]

    def reason(self, fact: Fact, topic: str = "general") -> str:
        assert fact.amount is not None and fact.prior is not None
        up, down, same = REASONS[topic]
        if fact.amount > fact.prior:
            return self.rng.choice(up)
        if fact.amount < fact.prior:
            return self.rng.choice(down)
        return self.rng.choice(same)

    def heading(self, number: int) -> None:
        self.doc.para(f"{cn(number)}、" + PART3_TITLES[number - 1].format(u=self.u, y=self.y))

    def function_names(self, code: str) -> tuple[str, ...]:
        return tuple(FUNCTIONS[code[:n]] for n in (3, 5, 7) if len(code) >= n)

    # -- document --------------------------------------------------------------

    def write(self) -> None:
        self.front()
        self.profile()
        self.doc.para(f"第二部分 {self.y} 年单位预算公开表")
        write_tables(self.doc, self.fig, self.u)
        self.doc.para(f"第三部分 {self.y} 年单位预算情况说明")
        for section in (self.s1, self.s2, self.s3, self.s4, self.s5, self.s6, self.s7, self.s8_9, self.s10,
                        self.s11, self.s12):
            section()
        self.doc.para("第四部分 名词解释")
        for entry in GLOSSARY:
            self.doc.para(entry)
        self.doc.para(self.u, blank=False)

    def front(self) -> None:
        u, y = self.u, self.y
        self.doc.para(u)
        self.doc.para(f"{y} 年单位预算公开")
        self.doc.para("目 录")
        self.doc.para(f"第一部分 {y} 年{u}单位概况")
        self.doc.para("- 一、 主要职能", blank=False)
        self.doc.para("- 二、 机构设置及人员情况")
        self.doc.para(f"第二部分 {y} 年单位预算公开表")
        for i, title in enumerate(TABLE_LIST, 1):
            self.doc.para(f"- {cn(i)}、 {title}", blank=i == len(TABLE_LIST))
        self.doc.para(f"第三部分 {y} 年单位预算情况说明")
        for i, title in enumerate(PART3_TITLES, 1):
            self.doc.para(f"- {cn(i)}、 " + title.format(u=u, y=y), blank=i == len(PART3_TITLES))
        self.doc.para("第四部分 名词解释")

    def profile(self) -> None:
        u, year = self.u, self.fig.year
        self.doc.para(f"第一部分 {self.y} 年{u}单位概况")
        self.doc.para("一、 主要职能")
        self.doc.para(self.unit.dept.duties)
        self.doc.para("二、 机构设置及人员情况")
        offices = "、".join(self.unit.offices) if self.unit.offices else "无下设处室"
        self.doc.para(f"{u}无下属预算单位，下设 {len(self.unit.offices)} 个处室，分别是：{offices}。")
        prior = self.prev.year

        def delta(now: int, before: int) -> str:
            return f"{'增加' if now >= before else '减少'} {abs(now - before)} 人"

        actual = year.staff + year.retired + year.lixiu
        line = self.doc.para(
            f"{u}编制数 {year.bianzhi}，实有人数 {actual} 人，其中："
            f"在职 {year.staff} 人，{delta(year.staff, prior.staff)}；"
            f"退休 {year.retired} 人，{delta(year.retired, prior.retired)}；离休 {year.lixiu} 人，"
            f"{delta(year.lixiu, prior.lixiu)}。"
        )
        self.staffing = [
            ("编制数", year.bianzhi, None),
            ("实有人数", actual, None),
            ("在职", year.staff, year.staff - prior.staff),
            ("退休", year.retired, year.retired - prior.retired),
            ("离休", year.lixiu, year.lixiu - prior.lixiu),
        ]
        self.staffing_line: Line = line

    # -- 第三部分 --------------------------------------------------------------

    def s1(self) -> None:
        fig = self.fig
        self.heading(1)
        total = self.doc.fact("一", "收支总预算", amount=fig.total,
                              ref=TableRef("t01", "预算数", side="income", key="income_total"))
        self.doc.para(f"按照全口径预算的原则，{self.u} {self.y} 年所有收入和支出均纳入单位预算管理。收支总预算",
                      *self.amount(total, True), "。")
        sources = (("一般公共预算", "gpb"), ("政府性基金预算", "fund"), ("国有资本经营预算", "soce"),
                   ("财政专户管理资金", "special_account"), ("单位资金", "unit_funds"), ("上年结转结余", "carryover"))
        kinds = [name for name, key in sources if fig.t01_income[key]]
        self.doc.para("收入预算包括：" + "、".join(kinds) + "。")
        self.doc.para("支出预算包括：" + "、".join(FUNCTIONS[c] for c in sorted(fig.classes)) + "。")

    def s2(self) -> None:
        fig, prev = self.fig, self.prev
        self.heading(2)
        total = self.doc.fact("二", "单位收入预算", amount=fig.total,
                              ref=TableRef("t01", "预算数", side="income", key="income_total"))
        parts = (
            ("一般公共预算", "gpb_own", True),
            ("上级一般公共预算安排的转移支付资金", "gpb_transfer", False),
            ("政府性基金预算", "fund_own", True),
            ("上级政府性基金安排的转移支付资金", "fund_transfer", False),
            ("国有资本经营预算", "soce_own", True),
            ("上级国有资本经营预算安排的转移支付资金", "soce_transfer", False),
            ("财政专户管理资金", "special_account", False),
            ("单位资金", "unit_funds", False),
            ("上年结转结余", "carryover", False),
        )
        first = True
        for subject, key, always in parts:
            amount = fig.t01_income[key]
            if not amount and not always:
                if "转移支付" in subject:
                    self.doc.para(f"{subject}未安排。")
                continue
            fact = self.doc.fact("二", subject, amount=amount, prior=prev.t01_income[key], share_of=fig.total,
                                 ref=TableRef("t01", "预算数", side="income", key=key))
            lead: list[str | Tok] = [f"{self.u}单位收入预算", *self.amount(total, True), "，其中："] if first else []
            first = False
            why = self.reason(fact) if amount or fact.prior else f"单位部门预算{subject}未安排"
            self.doc.para(*lead, subject, *self.amount(fact, True), "，", *self.share(fact, True), "，",
                          *self.change(fact, True), f"，主要原因是{why}。")

    def s3(self) -> None:
        fig, prev = self.fig, self.prev
        self.heading(3)
        total = self.doc.fact("三", "支出预算", amount=fig.total,
                              ref=TableRef("t03", "合计"))
        self.doc.para(f"{self.u} {self.y} 年支出预算", *self.amount(total, True), "，其中：")
        for subject, now, before in (("基本支出", fig.basic_total, prev.basic_total),
                                     ("项目支出", fig.project_total, prev.project_total)):
            fact = self.doc.fact("三", subject, amount=now, prior=before, share_of=fig.total,
                                 ref=TableRef("t03", subject))
            topic = "personnel" if subject == "基本支出" else "project"
            self.doc.para(subject, *self.amount(fact, True), "，", *self.share(fact, True), "，",
                          *self.change(fact, True), f"，主要原因是{self.reason(fact, topic)}。")

    def s4(self) -> None:
        fig = self.fig
        self.heading(4)
        total = self.doc.fact("四", "财政拨款收支总预算", amount=fig.fiscal_total,
                              ref=TableRef("t04", "合计", side="income", key="income_total"))
        self.doc.para(f"{self.u} {self.y} 年财政拨款收支总预算", *self.amount(total, True), "。")
        amounts = {**fig.t04_income, **fig.t04_carry}
        sources = [(n, k, amounts[k]) for n, k in (("一般公共预算拨款", "gpb"), ("政府性基金预算拨款", "fund"),
                                                   ("国有资本经营预算拨款", "soce"),
                                                   ("上年财政拨款结转", "carryover_fiscal")) if amounts[k]]
        if len(sources) == 1 and sources[0][1] == "gpb":
            self.doc.para("收入全部为一般公共预算拨款，无政府性基金预算拨款和国有资本经营预算。")
        else:
            self.doc.para("收入包括" + "、".join(n for n, _, _ in sources) + "。")
        parts: list[str | Tok] = ["收入预算包括："]
        for i, (name, key, amount) in enumerate(sources):
            fact = self.doc.fact("四", name, amount=amount, ref=TableRef("t04", "合计", side="income", key=key))
            parts += ["；" if i else "", name, *self.amount(fact, True)]
        self.doc.para(*parts, "。")
        for column, label in (("一般公共预算", "一般公共预算支出"), ("政府性基金预算", "政府性基金预算支出"),
                              ("国有资本经营预算", "国有资本经营预算支出")):
            classes = [(c, v[column]) for c, v in sorted(fig.t04.items()) if v.get(column)]
            if not classes:
                continue
            parts = [f"{label}包括："]
            for i, (code, amount) in enumerate(classes):
                fact = self.doc.fact("四", FUNCTIONS[code], amount=amount, codes=(code,), function=(FUNCTIONS[code],),
                                     ref=TableRef("t04", column, side="expenditure", codes=(code,)))
                purpose = PURPOSES.get(code, "单位日常运行和项目支出")
                parts += ["；" if i else "", FUNCTIONS[code], *self.amount(fact, True), f"，主要用于{purpose}"]
            self.doc.para(*parts, "。")

    def s5(self) -> None:
        fig, prev = self.fig, self.prev
        self.heading(5)
        self.doc.para("（一）一般公共预算当年拨款规模变化情况")
        t05_total = sum(v["合计"] for v in fig.t05.values())
        total = self.doc.fact("五", "一般公共预算拨款合计", amount=t05_total, ref=TableRef("t05", "合计"))
        self.doc.para(f"{self.u} {self.y} 年一般公共预算拨款合计", *self.amount(total, True), "，其中：")
        for subject, now, before in (("基本支出", fig.basic_total, prev.basic_total),
                                     ("项目支出", fig.gpb_projects_total, prev.gpb_projects_total)):
            fact = self.doc.fact("五", subject, amount=now, prior=before, ref=TableRef("t05", subject))
            topic = "personnel" if subject == "基本支出" else "project"
            self.doc.para(subject, *self.amount(fact, True), "，", *self.change(fact, True),
                          f"。主要原因是{self.reason(fact, topic)}。")
        self.doc.para("（二）一般公共预算当年拨款结构情况")
        classes: dict[str, int] = {}
        for line, values in fig.t05.items():
            classes[line[:3]] = classes.get(line[:3], 0) + values["合计"]
        for i, (code, amount) in enumerate(sorted(classes.items()), 1):
            fact = self.doc.fact("五", FUNCTIONS[code], amount=amount, share_of=t05_total, codes=(code,),
                                 function=(FUNCTIONS[code],), ref=TableRef("t05", "合计", codes=(code,)))
            self.doc.para(f"- {i}、{FUNCTIONS[code]}（类）", Tok(money(amount), fact, "amount"), " 万元，",
                          *self.share(fact, True), "。", blank=i == len(classes))
        self.doc.para("（三）一般公共预算当年拨款具体使用情况")
        lines = sorted(set(fig.t05) | {c for c, v in prev.t05.items() if v.get("合计")})
        for i, code in enumerate(lines, 1):
            amount = fig.t05.get(code, {}).get("合计", 0)
            names = self.function_names(code)
            fact = self.doc.fact("五", names[-1], amount=amount, prior=prev.t05.get(code, {}).get("合计", 0),
                                 codes=split_code(code), function=names,
                                 ref=TableRef("t05", "合计", codes=split_code(code)))
            label = f"{i}、{names[0]}（类）{names[1]}（款）{names[2]}（项）："
            topic = "personnel" if code in fig.year.basic or code in prev.year.basic else "project"
            self.doc.para(label, f"{self.y} 年预算数为", *self.amount(fact, True), "，", *self.change(fact, True),
                          f"。主要原因是{self.reason(fact, topic)}。")

    def s6(self) -> None:
        fig = self.fig
        self.heading(6)
        total = self.doc.fact("六", "一般公共预算基本支出", amount=fig.basic_total, ref=TableRef("t06", "合计"))
        self.doc.para(f"{self.u}{self.y}年一般公共预算基本支出", *self.amount(total), "，其中：")
        econ = fig.year.econ
        for subject, column, codes in (("人员经费", "人员经费", [c for c in econ if not c.startswith("302")]),
                                       ("公用经费", "公用经费", [c for c in econ if c.startswith("302")])):
            amount = sum(econ[c] for c in codes)
            fact = self.doc.fact("六", subject, amount=amount, ref=TableRef("t06", column))
            self.doc.para(subject, *self.amount(fact), "，主要包括：" + "、".join(ECONOMIC[c] for c in codes) + "。")

    def s7(self) -> None:
        self.heading(7)
        if not self.fig.projects:
            self.doc.para(f"{self.u}{self.y}年没有使用一般公共预算拨款安排的项目支出。")
            return
        for i, item in enumerate(self.fig.projects, 1):
            name = item.project or ""
            fact = self.doc.fact("七", name, amount=item.amount, codes=split_code(item.line),
                                 ref=TableRef("t07", "合计", codes=split_code(item.line), name=name))
            self.doc.para(f"（{cn(i)}）项目名称：{name}")
            self.doc.para(f"设立的政策依据：{item.policy.format(year=self.y)}")
            self.doc.para("预算安排规模：", Tok(money(item.amount), fact, "amount"), "万元")
            self.doc.para(f"项目承担单位：{self.u}")
            self.doc.para(f"资金分配情况：{name}{money(item.amount)}万元")
            self.doc.para(f"资金执行时间：{self.y}年{self.rng.randint(1, 3)}月{self.rng.randint(1, 28)}日")

    def s8_9(self) -> None:
        for number, tid, name in ((8, "t08", "政府性基金预算"), (9, "t09", "国有资本经营预算")):
            self.heading(number)
            leaves = self.fig.t08 if tid == "t08" else self.fig.t09
            before = self.prev.t08 if tid == "t08" else self.prev.t09
            if not leaves:
                self.doc.para(f"{self.u}{self.y}年没有使用{name}拨款安排的支出，{name}支出情况表为空表。")
                continue
            section = cn(number)
            amount = sum(v["合计"] for v in leaves.values())
            fact = self.doc.fact(section, f"{name}拨款安排的支出", amount=amount,
                                 prior=sum(v["合计"] for v in before.values()), ref=TableRef(tid, "合计"))
            self.doc.para(f"{self.u}{self.y}年{name}拨款安排的支出", *self.amount(fact), "，", *self.change(fact),
                          f"。主要原因是{self.reason(fact, 'project')}。")
            for i, (code, values) in enumerate(sorted(leaves.items()), 1):
                names = self.function_names(code)
                line_fact = self.doc.fact(section, names[-1], amount=values["合计"], codes=split_code(code),
                                          function=names, ref=TableRef(tid, "合计", codes=split_code(code)))
                self.doc.para(f"{i}、{names[0]}（类）{names[1]}（款）{names[2]}（项）", *self.amount(line_fact),
                              f"，主要用于{PURPOSES.get(code[:3], '相关公益事业')}。")

    def s10(self) -> None:
        t10, before = self.fig.t10, self.prev.t10
        self.heading(10)
        items = (("因公出国（境）费", "abroad", "单位无因公出国（境）事项故无此项预算支出"),
                 ("公务用车购置费", "vehicle_purchase", "单位没有计划购置车辆故无此项预算支出"),
                 ("公务用车运行费", "vehicle_operation", "单位无公务用车故无此项预算支出"),
                 ("公务接待费", "reception", "单位没有公务接待事务故无此项预算支出"))
        total = self.doc.fact("十", "“三公”经费", amount=t10["total"], prior=before["total"],
                              ref=TableRef("t10", "合计", key="total"))
        facts = [self.doc.fact("十", label, amount=t10[key], prior=before[key], ref=TableRef("t10", "合计", key=key))
                 for label, key, _ in items]
        parts: list[str | Tok] = [f"{self.u}{self.y}年财政拨款“三公”经费预算数为", *self.amount(total, zero="0"),
                                  "，其中："]
        for i, (fact, (label, _, _)) in enumerate(zip(facts, items, strict=True)):
            parts += ["，" if i else "", label, *self.amount(fact, zero="0")]
        self.doc.para(*parts, "。")
        parts = [f"{self.y}年财政拨款“三公”经费预算", *self.change(total), "，其中："]
        for i, (fact, (label, key, idle)) in enumerate(zip(facts, items, strict=True)):
            why = idle if not fact.amount and not fact.prior else self.reason(
                fact, "project" if key == "vehicle_purchase" else "public")
            parts += ["；" if i else "", *self.change(fact, prefix=label), f"，主要原因是{why}"]
        self.doc.para(*parts, "。")

    def s11(self) -> None:
        self.heading(11)
        rows = self.fig.t11
        if not rows:
            self.doc.para(f"{self.u}{self.y}年没有上年结转结余预算安排的支出，上年结转结余情况明细表为空表。")
            return
        total = sum(v["总计"] for _, v in rows)
        fiscal = sum(v.get("财政拨款/合计", 0) for _, v in rows)
        fact = self.doc.fact("十一", "上年结转结余", amount=total, ref=TableRef("t11", "总计", name="合计"))
        fiscal_fact = self.doc.fact("十一", "财政拨款结转", amount=fiscal,
                                    ref=TableRef("t11", "财政拨款/合计", name="合计"))
        other = self.doc.fact("十一", "非财政拨款结转结余", amount=total - fiscal,
                              ref=TableRef("t11", "非财政拨款/合计", name="合计"))
        self.doc.para(f"{self.u}{self.y}年上年结转结余预算安排的支出", *self.amount(fact), "，其中：财政拨款结转",
                      *self.amount(fiscal_fact), "，非财政拨款结转结余", *self.amount(other), "。")
        parts: list[str | Tok] = ["主要用于："]
        for i, (name, values) in enumerate(rows):
            item = self.doc.fact("十一", name, amount=values["总计"], ref=TableRef("t11", "总计", name=name))
            parts += ["；" if i else "", name, *self.amount(item)]
        self.doc.para(*parts, "。")

    def s12(self) -> None:
        fig, prev, u, y = self.fig, self.prev, self.u, self.y
        self.heading(12)
        self.doc.para("（一）单位运行经费情况")
        running = self.doc.fact("十二", "机关运行经费", amount=fig.public, prior=prev.public,
                                ref=TableRef("t06", "公用经费"))
        self.doc.para(f"{u}{y}年的机关运行经费财政拨款预算", *self.amount(running), "，", *self.change(running),
                      f"。主要原因是{self.reason(running, 'public')}。")
        self.doc.para("(二) 政府采购情况")
        p = fig.year.procurement
        facts = {key: self.doc.fact("十二", subject, amount=p[key]) for key, subject in (
            ("total", "政府采购预算"), ("goods", "政府采购货物预算"), ("works", "政府采购工程预算"),
            ("services", "政府采购服务预算"), ("sme_reserved", "面向中小企业预留政府采购项目预算金额"),
            ("micro_reserved", "小微企业预留政府采购项目预算金额"))}
        self.doc.para(f"{y}年，{u}政府采购预算", *self.amount(facts["total"], zero="0"), "，其中：政府采购货物预算",
                      *self.amount(facts["goods"], zero="0"), "，政府采购工程预算",
                      *self.amount(facts["works"], zero="0"), "，政府采购服务预算",
                      *self.amount(facts["services"], zero="0"), "。")
        self.doc.para(f"{y}年，{u}面向中小企业预留政府采购项目预算金额", *self.amount(facts["sme_reserved"], zero="0"),
                      "，小微企业预留政府采购项目预算金额", *self.amount(facts["micro_reserved"], zero="0"), "。")
        self.procurement_facts = facts
        a = fig.year.assets
        self.doc.para("(三) 国有资产占用使用情况")
        self.doc.para(f"截至{y - 1}年底，{u}占用使用国有资产总体情况为")
        vehicles = a["vehicles"]
        value = money(a["vehicle_value"])
        self.doc.para(f"1. 房屋{a['area']}.00平方米，价值{money(a['building'])}万元。")
        self.doc.para(f"2. 车辆{vehicles}辆，价值{value}万元；其中：一般公务用车{vehicles}辆，价值{value}万元；"
                      "执法执勤用车0辆，价值0.00万元；其他车辆0辆，价值0.00万元。")
        self.doc.para(f"3. 办公家具价值{money(a['furniture'])}万元。")
        self.doc.para(f"4. 其他资产价值{money(a['other'])}万元。")
        self.doc.para(f"单位价值50万元以上大型设备{a['equipment50']}套，单位价值100万元以上大型设备{a['equipment100']}台。")
        self.doc.para(f"{y}年单位预算未安排购置车辆经费，安排购置50万元以上大型设备0台，单位价值100万元以上大型设备0台。"
                      if not fig.t10["vehicle_purchase"] else
                      f"{y}年单位预算安排购置车辆经费{money(fig.t10['vehicle_purchase'])}万元，"
                      "安排购置50万元以上大型设备0台，单位价值100万元以上大型设备0台。")
        self.performance()
        count, amount = fig.year.classified
        self.doc.para("(五) 其他需说明的事项")
        self.doc.para(f"涉密项目 {count} 项涉及金额 {money(amount)} 万元。")
        self.doc.para(f"单位办公用房为{self.unit.city}机关事务管理局统一调配的办公用房。")

    def performance(self) -> None:
        fig, y = self.fig, self.y
        fiscal_n, fiscal_amount = fig.fiscal_project_count()
        other_n, other_amount = fig.nonfiscal_project_count()
        self.doc.para("(四) 预算绩效情况")
        self.doc.para(f"{y}年，本单位预算绩效管理整体预算绩效目标1个，涉及金额{money(fig.total)}万元；当年财政拨款项目"
                      f"{fiscal_n}个，涉及预算金额{money(fiscal_amount)}万元；当年非财政拨款项目{other_n}个，涉及预算金额"
                      f"{money(other_amount)}万元。具体情况见下表（按项目分别填报）：")
        self.doc.para("单位整体绩效目标表")
        self.doc.para(f"({y} 年)")
        transfers = fig.t01_income["gpb_transfer"] + fig.t01_income["fund_transfer"]
        own = fig.t01_income["gpb_own"] + fig.t01_income["fund_own"] + fig.t01_income["soce_own"]
        other = fig.total - transfers - own
        duties = self.unit.dept.duties
        goals = ("一是按时保质完成年度重点工作任务；二是加强预算管理，提高资金使用效益；"
                 "三是提升服务质量和服务对象满意度。")
        rows: Sequence[Sequence[str]] = (
            ("", "", "", "", "", ""),
            ("单位名称 (盖章)", "", self.u, "", "", ""),
            ("单位联系人", "", self.unit.contact, "联系电话", self.unit.phone, ""),
            ("年度绩效目标", "", f"<p>主要职责为：{duties}年度绩效目标：{goals}</p>", "", "", ""),
            ("年度预算(万元)", "", "资金来源", "", "资金总额 (万元)", ""),
            ("", "", "财政资金 (万元)", "上级安排", money(transfers), ""),
            ("", "", "", "本级安排", money(own), ""),
            ("", "", "其他资金 (万元)", "其他", money(other), ""),
            ("一级指标", "二级指标", "三级指标", "指标值", "指标设定依据", "分值权重"),
        )
        self.doc.row(list(rows[0]))
        self.doc.lines.append(Line(text="|------------------|-------------|--|-------------|---------------|-------------|"))
        for row in rows[1:]:
            self.doc.row(list(row))
        chosen = self.rng.sample(INDICATORS, 3)
        previous = ""
        for level1, level2, level3, target in chosen:
            self.doc.row(["" if level1 == previous else level1, level2, level3, target, "政府文件",
                          str(100 // len(chosen) - 3)])
            previous = level1
        self.doc.lines.append(Line())
