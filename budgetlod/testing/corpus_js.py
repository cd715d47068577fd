"""Synthetic Jiangsu 部门预算 (family ``js-department-budget``) of a unit of the synthetic corpus.

:func:`generate_js` writes the 部门预算公开 of unit ``index`` of corpus ``seed`` for ``year`` in the form of the
Jiangsu provincial departments' 2017–2019 disclosures (``shared/samples/real/js-provincial-*-budget*.pdf``, the text
and the tables file read as one): the front matter and 第一部分 部门概况, 第二部分 the twelve 公开表 (j01 … j12,
:mod:`budgetlod.testing.corpus_js_tables`), a short 第三部分 情况说明 (收支预算总体情况, with figures that agree with
j01, and the “三公” sentence of the 2019 text, which agree with j09) and 第四部分 名词解释. Its figures come from the
same :class:`~budgetlod.testing.corpus_model.Year` as :func:`budgetlod.testing.corpus.generate` for that unit and
year; the unit's name is the same.

Same ``(seed, index, year)`` -> byte-identical text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgetlod.testing.corpus_data import FUNCTIONS
from budgetlod.testing.corpus_doc import Doc, ExpectedRow, Line, dec, percent
from budgetlod.testing.corpus_js_tables import JsFigures, write_js_tables
from budgetlod.testing.corpus_model import Unit, build_year, make_unit, sub_rng

__all__ = ["JS_TABLE_IDS", "JS_YEARS", "GeneratedFamily", "NarrativeFact", "generate_js", "js_figures", "js_year"]

JS_TABLE_IDS: tuple[str, ...] = tuple(f"j{n:02d}" for n in range(1, 13))
JS_YEARS: tuple[int, ...] = (2017, 2018, 2019)  # the years of the template
GLOSSARY = (
    "一、财政拨款：指一般公共预算财政拨款和政府性基金预算财政拨款。",
    "二、一般公共预算：包括公共财政拨款（补助）资金、专项收入。",
    "三、财政专户管理资金：包括专户管理行政事业性收费（主要是教育收费）、其他非税收入。",
    "四、其他资金：包括事业收入、经营收入、其他收入等。",
    "五、基本支出：指为保障机构正常运转、完成工作任务而发生的人员支出和公用支出。",
    "六、项目支出：指在基本支出之外为完成特定工作任务和事业发展目标所发生的支出。",
    "七、“三公”经费：指部门用一般公共预算财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。",
)


@dataclass(frozen=True)
class NarrativeFact:
    """An amount the narrative states (万元), on its line."""

    subject: str
    amount: Decimal
    line: int


@dataclass
class GeneratedFamily:
    """One synthetic disclosure of another family than the 2024 单位预算, and what it states."""

    text: str
    unit: str
    year: int
    file_name: str
    family: str
    level: str  # 部门 | 单位 (meta.level)
    seed: int
    index: int
    expected: dict[str, list[ExpectedRow]]
    narrative: list[NarrativeFact] = field(default_factory=list)


def js_year(seed: int, index: int) -> int:
    """The year of a Jiangsu document when none is asked for: one of the template's years."""
    return JS_YEARS[sub_rng(seed * 1_000_003 + index, 41).randrange(len(JS_YEARS))]


def js_figures(seed: int, index: int, year: int) -> JsFigures:
    unit = make_unit(seed, index)
    return JsFigures(unit, build_year(unit, year))


class _Writer:
    def __init__(self, doc: Doc, unit: Unit, fig: JsFigures) -> None:
        self.doc, self.unit, self.fig = doc, unit, fig
        self.facts: list[tuple[str, int, Line]] = []

    def say(self, text: str, *facts: tuple[str, int]) -> None:
        line = self.doc.para(text)
        self.facts.extend((subject, amount, line) for subject, amount in facts)

    def write(self) -> None:
        doc, u, y, fig = self.doc, self.unit.name, self.fig.year.year, self.fig
        doc.para(u)
        doc.para(f"{y}年度部门预算公开")
        doc.para("目 录")
        for entry in ("第一部分 部门概况", f"第二部分 {y}年度部门预算表", f"第三部分 {y}年度部门预算情况说明",
                      "第四部分 名词解释"):
            doc.para(entry, blank=False)
        doc.para("")
        doc.para("第一部分 部门概况")
        doc.para("一、主要职能")
        doc.para(self.unit.dept.duties)
        doc.para("二、部门机构设置及预算单位构成情况")
        doc.para(f"纳入本部门{y}年部门汇总预算编制范围的预算单位共计一家，具体包括：{u}部门本级。")
        doc.para(f"第二部分 {y}年度部门预算表")
        write_js_tables(doc, fig, u)
        doc.para(f"第三部分 {y}年度部门预算情况说明")
        self.overview()
        self.sangong()
        doc.para("第四部分 名词解释")
        for entry in GLOSSARY:
            doc.para(entry)

    def overview(self) -> None:
        fig, u, y = self.fig, self.unit.name, self.fig.year.year
        total = fig.total
        self.doc.para("一、收支预算总体情况说明")
        self.say(f"{u}{y}年度收入、支出预算总计{dec(total)}万元。其中：", ("收入、支出预算总计", total))
        self.say(f"（一）收入预算总计{dec(total)}万元。包括：", ("收入预算总计", total))
        fiscal = fig.g("gpb", "fund")
        self.say(f"1．财政拨款收入预算总计{dec(fiscal)}万元。", ("财政拨款收入预算总计", fiscal))
        self.say(f"（1）一般公共预算收入预算{dec(fig.g('gpb'))}万元。", ("一般公共预算收入预算", fig.g("gpb")))
        self.say(f"（2）政府性基金收入预算{dec(fig.g('fund'))}万元。", ("政府性基金收入预算", fig.g("fund")))
        self.say(f"2．财政专户管理资金收入预算总计{dec(fig.g('special'))}万元。",
                 ("财政专户管理资金收入预算总计", fig.g("special")))
        other = fig.g("service", "business", "other")
        self.say(f"3．其他资金收入预算总计{dec(other)}万元。", ("其他资金收入预算总计", other))
        self.say(f"（二）支出预算总计{dec(total)}万元。包括：", ("支出预算总计", total))
        for i, (code, amount) in enumerate(sorted((c, a) for c, a in fig.classes.items() if a), 1):
            name = FUNCTIONS[code].removesuffix("支出")
            self.say(f"{i}．{name}（类）支出{dec(amount)}万元。", (f"{name}（类）支出", amount))

    def sangong(self) -> None:
        s, u, y = self.fig.sangong, self.unit.name, self.fig.year.year
        self.doc.para("二、一般公共预算“三公”经费、会议费、培训费支出预算情况说明")
        if not s["total"]:
            self.doc.para(f"{u}{y}年度一般公共预算拨款未安排“三公”经费预算支出。")
            return
        parts = [f"{name}支出{dec(s[key])}万元，占“三公”经费的{percent(s[key], s['total'])}%"
                 for name, key in (("因公出国（境）费", "abroad"), ("公务用车购置及运行费", "vehicle"),
                                   ("公务接待费", "reception"))]
        self.say(f"{u}{y}年度一般公共预算拨款安排的“三公”经费预算支出中，" + "；".join(parts) + "。",
                 ("因公出国（境）费", s["abroad"]), ("公务用车购置及运行费", s["vehicle"]),
                 ("公务接待费", s["reception"]))

    def expected(self) -> list[NarrativeFact]:
        numbers = {id(line): i for i, line in enumerate(self.doc.lines, 1)}
        return [NarrativeFact(subject, dec(amount), numbers[id(line)]) for subject, amount, line in self.facts]


def generate_js(seed: int, index: int, *, year: int | None = None) -> GeneratedFamily:
    """The Jiangsu 部门预算 of unit ``index`` of corpus ``seed`` for ``year`` (default :func:`js_year`)."""
    unit = make_unit(seed, index)
    year = js_year(seed, index) if year is None else year
    doc = Doc()
    writer = _Writer(doc, unit, JsFigures(unit, build_year(unit, year)))
    writer.write()
    return GeneratedFamily(
        text=doc.render(),
        unit=unit.name,
        year=year,
        file_name=f"unit-{index:05d}-{year}-js.txt",
        family="js-department-budget",
        level="部门",
        seed=seed,
        index=index,
        expected={tid: doc.expected.get(tid, []) for tid in JS_TABLE_IDS},
        narrative=writer.expected(),
    )
