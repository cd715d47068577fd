"""The synthetic corpus in the two other families (issue 17): the Jiangsu 部门预算 (``js-department-budget``,
j01 … j12, :mod:`budgetlod.testing.corpus_js`) and the older national layout (``national-budget-2017``, n01 … n08,
:mod:`budgetlod.testing.corpus_national`), from the same Year model as the 2024-form 预算 and 决算.

Twenty documents of each family parse with that family chosen, back to exactly the rows they were generated from,
their narrative amounts are read on their lines, and they give no Violation of any shape.

Corpus seed 1, unit 0 (乌鲁木齐市沙依巴克区人民医院, a hospital), Jiangsu 2017, read by hand (万元):
财政拨款 = 一般公共预算 14,970.01 (no 政府性基金); 其他资金 16,842.00 (事业收入 14,201.00 + 经营收入 2,641.00);
当年收入小计 = 收入合计 = 支出合计 31,812.01 = 基本支出 12,070.75 + 项目支出 19,741.26; 财政拨款 项目支出 2,899.26
(12,070.75 + 2,899.26 = 14,970.01); 三公 2.54 (公务用车运行维护费 only) + 会议费 36.65 + 培训费 78.18 = 117.37;
政府采购 6,740.80 = 货物A 296.75 + 服务C 6,444.05.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from corpus_checks import table_differences

from budgetlod.model import Disclosure
from budgetlod.parse.document import parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import FAMILY_KINDS, generate, main, write_corpus
from budgetlod.testing.corpus_doc import ExpectedRow
from budgetlod.testing.corpus_js import JS_TABLE_IDS, GeneratedFamily, generate_js
from budgetlod.testing.corpus_national import NATIONAL_TABLE_IDS, generate_national
from budgetlod.validate.engine import validate_quads

Generator = Callable[..., GeneratedFamily]
FAMILIES: dict[str, tuple[Generator, tuple[str, ...]]] = {
    "js-department-budget": (generate_js, JS_TABLE_IDS),
    "national-budget-2017": (generate_national, NATIONAL_TABLE_IDS),
}
# the one warning allowed: the unlabelled single row of 支出预算总表 (j03) and of the 三公 table (j09), which the
# real Jiangsu PDFs give too (P209 row has no label but values)
ALLOWED = {"P209"}


@cache
def documents(family: str) -> tuple[tuple[GeneratedFamily, Disclosure], ...]:
    generator, _ = FAMILIES[family]
    out = []
    for index in range(20):
        g = generator(11, index)
        out.append((g, parse_text(g.text, g.file_name)))
    return tuple(out)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_parses_back_exactly_with_its_family(family: str) -> None:
    problems = []
    tables = FAMILIES[family][1]
    for g, d in documents(family):
        assert g.family == family
        assert d.meta.family is not None and d.meta.family.family == family, g.file_name
        assert [t.id for t in d.tables] == list(tables), g.file_name
        assert (d.meta.unit, d.meta.year, d.meta.phase, d.meta.level) == (g.unit, g.year, "预算", g.level)
        assert sum(len(rows) for rows in g.expected.values()) > 40
        problems += [f"{g.file_name}: {p}" for p in table_differences(g.expected, d)]
        problems += [f"{g.file_name}: {f.code} line {f.line}: {f.message}" for f in d.findings
                     if f.severity != "info" and f.code not in ALLOWED]
    assert problems == [], "\n".join(problems[:30])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_narrative_amounts_parse_back(family: str) -> None:
    problems = []
    for g, d in documents(family):
        assert g.narrative
        for fact in g.narrative:
            if not any(n.line == fact.line and n.amount == fact.amount for n in d.narratives):
                problems.append(f"{g.file_name} line {fact.line}: no {fact.amount} ({fact.subject})")
    assert problems == [], "\n".join(problems[:30])


@pytest.mark.slow  # ~6 s a family: CI, --run-slow
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generated_documents_give_no_violation(family: str) -> None:
    failures = {}
    for g, d in documents(family):
        report = validate_quads(to_quads(d))
        found = [f"{r.line}: {r.message('zh')}" for r in report.results if r.severity == "violation"]
        if found:
            failures[g.file_name] = found[:5]
    assert failures == {}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_arguments_same_text(family: str) -> None:
    generator, _ = FAMILIES[family]
    first, second = generator(7, 3, year=2018), generator(7, 3, year=2018)
    assert first.text.encode("utf-8") == second.text.encode("utf-8")
    assert first.expected == second.expected and first.narrative == second.narrative
    assert generator(7, 3, year=2019).text != first.text
    assert first.unit == generate(7, 3, year=2018).unit


def _value(rows: list[ExpectedRow], name: str, column: str, side: str | None = None) -> Decimal:
    (row,) = [r for r in rows if r.name == name and r.side == side and not r.codes]
    return row.values.get(column, Decimal("0.00"))


def test_the_jiangsu_document_read_by_hand() -> None:
    g = generate_js(1, 0)
    assert (g.unit, g.year, g.file_name) == ("乌鲁木齐市沙依巴克区人民医院", 2017, "unit-00000-2017-js.txt")
    e = g.expected
    assert _value(e["j01"], "财政拨款", "金额", "income") == Decimal("14970.01")
    assert _value(e["j01"], "其他资金", "金额", "income") == Decimal("16842.00")
    assert _value(e["j01"], "支出合计", "金额", "expenditure") == Decimal("31812.01")
    assert _value(e["j01"], "基本支出", "金额", "expenditure") == Decimal("12070.75")
    assert _value(e["j01"], "项目支出", "金额", "expenditure") == Decimal("19741.26")
    assert _value(e["j04"], "项目支出", "金额", "expenditure") == Decimal("2899.26")
    (j09,) = e["j09"]
    assert (j09.values["“三公”经费、会议费和培训费合计"], j09.values["“三公”经费/小计"], j09.values["会议费"],
            j09.values["培训费"]) == (Decimal("117.37"), Decimal("2.54"), Decimal("36.65"), Decimal("78.18"))
    assert [(r.name, r.values["总计"]) for r in e["j12"][:2]] == [("合计", Decimal("6740.80")),
                                                                 ("货物A", Decimal("296.75"))]
    assert "| 三、单位预留机动经费 | |" in g.text and "| 上年结转资金 | |" in g.text  # blank cells, not 0.00


def test_figures_shared_with_the_2024_form_budget_agree() -> None:
    for index in range(12):
        budget = generate(3, index, year=2019).expected
        js = generate_js(3, index, year=2019).expected
        national = generate_national(3, index, year=2019).expected
        t06 = {r.codes: r.values["合计"] for r in budget["t06"] if r.codes}
        assert {r.codes: r.values["金额"] for r in js["j08"] if r.codes} == t06
        assert {r.codes: r.values["合计"] for r in national["n06"] if r.codes} == t06
        t10 = {r.key: r.values.get("合计", Decimal("0.00")) for r in budget["t10"]}
        (j09,) = js["j09"]
        assert j09.values.get("“三公”经费/小计", Decimal("0.00")) == t10["total"]
        n07 = {r.key: r.values["预算数"] for r in national["n07"]}
        assert n07["abroad"] + n07["vehicle"] + n07["reception"] == t10["total"]
        assert n07["total"] == t10["total"] + n07["meeting"] + n07["training"]


def test_write_corpus_writes_the_other_families(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_corpus(tmp_path / "all", 3, 2, years=(2018,), kinds=("budget", "js-budget", "national-budget-2017"))
    assert [p.name for p in paths] == ["unit-00000-2018.txt", "unit-00000-2018-js.txt", "unit-00000-2018-national.txt",
                                       "unit-00001-2018.txt", "unit-00001-2018-js.txt", "unit-00001-2018-national.txt"]
    assert paths[1].read_text(encoding="utf-8") == generate_js(3, 0, year=2018).text
    assert paths[5].read_text(encoding="utf-8") == generate_national(3, 1, year=2018).text
    assert FAMILY_KINDS == ("js-budget", "national-budget-2017")
    out = tmp_path / "cli"
    assert main(["--out", str(out), "--count", "1", "--seed", "3", "--years", "2019", "--kinds",
                 "js-budget,national-budget-2017"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["unit-00000-2019-js.txt", "unit-00000-2019-national.txt"]
    assert "wrote 2 documents" in capsys.readouterr().out
    with pytest.raises(ValueError, match="unknown document kind"):
        write_corpus(tmp_path / "bad", 3, 1, kinds=("js",))
