"""The synthetic 部门决算 (family final-2024) and its pair, the synthetic 预算 of the same unit and year.

A generated 决算 parses back to exactly the rows it was generated from (family final-2024, tables f01 … f09), its
narrative figures are read where they were written, and it gives no Violation of any shape (shapes/final.ttl and
shapes/final-narrative.ttl check its identities, 决算数大于/小于预算数 and its completion rates).

The pair of corpus seed 17, unit 12, 2024 (阿克苏市环境卫生管理站), generated once and read by hand (万元):

=====================  ===========  ===========  ===========================================
figure                 预算 (表3/10)  决算 (表3/7)  execution, 决算 ÷ 预算 (percent, half up)
=====================  ===========  ===========  ===========================================
支出合计                 1,280.51     1,256.47     98.12
基本支出                   743.10       717.78     96.59
项目支出                   537.41       538.69    100.24  (a 上年结转 item is spent in the year too)
208 社会保障和就业支出      111.27       105.93     95.20  (basic only, both sides)
212 城乡社区支出          1,169.24     1,150.54     98.40
212 basic                 631.83       611.85     96.84
212 project               537.41       538.69    100.24
三公 合计 = 公务接待费         9.10         8.40     92.31  (the 决算's 表7 prints 预算数 9.10: agrees)
=====================  ===========  ===========  ===========================================

因公出国（境）费 and 公务用车 are blank on both sides: no row. 208 prints no 项目支出 on either side: no row.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from corpus_checks import table_differences
from named_queries import run

from budgetlod.model import Disclosure
from budgetlod.parse.document import parse_text
from budgetlod.query.run import open_store
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import KINDS, generate, main, write_corpus
from budgetlod.testing.corpus_doc import ExpectedRow
from budgetlod.testing.corpus_final import FINAL_TABLE_IDS, GeneratedFinal, generate_final
from budgetlod.validate.engine import validate_quads

ZERO = Decimal("0.00")
WAN = Decimal(10000)
YEAR = "http://reference.data.gov.uk/id/year/2024"
SANGONG = "https://w3id.org/budgetlod/codelist/sangong/"
PAIR = (17, 12, 2024)  # seed, unit, year of the pair of the docstring


@cache
def finals() -> tuple[tuple[GeneratedFinal, Disclosure], ...]:
    """60 决算: 30 units × 2 years, with their parse."""
    out = []
    for index in range(30):
        for year in (2023, 2024):
            g = generate_final(777, index, year=year)
            out.append((g, parse_text(g.text, g.file_name)))
    return tuple(out)


def value(row: ExpectedRow | None, column: str) -> Decimal:
    return ZERO if row is None else row.values.get(column, ZERO)


def keyed(rows: Iterable[ExpectedRow], side: str) -> dict[str, ExpectedRow]:
    return {r.key: r for r in rows if r.side == side and r.key is not None}


def named(rows: Iterable[ExpectedRow], side: str | None, name: str) -> ExpectedRow:
    found = [r for r in rows if r.side == side and r.name == name and not r.codes]
    assert len(found) == 1, (side, name, found)
    return found[0]


# --------------------------------------------------------------------------
# The document.


def test_same_arguments_same_text() -> None:
    first, second = generate_final(7, 3, year=2024), generate_final(7, 3, year=2024)
    assert first.text.encode("utf-8") == second.text.encode("utf-8")
    assert first.expected == second.expected and first.narrative == second.narrative
    assert generate_final(7, 3).text == generate_final(7, 3).text
    assert generate_final(7, 3).year == generate(7, 3).year  # the default year is the 预算's
    assert generate_final(7, 3, year=2023).text != first.text
    assert first.file_name == "unit-00003-2024-final.txt"
    assert first.unit == generate(7, 3, year=2024).unit


def test_the_form_of_the_template() -> None:
    g = generate_final(*PAIR[:2], year=PAIR[2])
    for line in ("阿克苏市环境卫生管理站", "2024年度部门决算", "第二部分 阿克苏市环境卫生管理站2024年度部门决算表",
                 "第三部分 阿克苏市环境卫生管理站2024年度部门决算情况说明", "第四部分 名词解释", "收入支出决算总表",
                 "| 二十六、抗疫特别国债安排的支出 |", "| 使用非财政拨款结余（含专用结余） |",
                 "说明：阿克苏市环境卫生管理站本年度没有政府性基金预算财政拨款收入和支出，本表为空表。"):
        assert line in g.text, line
    assert g.text.count("编制单位：阿克苏市环境卫生管理站") == 9


def test_parses_back_exactly_with_family_final_2024() -> None:
    problems = []
    for g, d in finals():
        assert d.meta.family is not None and d.meta.family.family == "final-2024", g.file_name
        assert (d.meta.unit, d.meta.year, d.meta.phase, d.meta.level) == (g.unit, g.year, "决算", "部门")
        problems += [f"{g.file_name}: {p}" for p in table_differences(g.expected, d)]
        problems += [f"{g.file_name}: {f.code} line {f.line}: {f.message}" for f in d.findings if f.severity != "info"]
    assert problems == [], "\n".join(problems[:30])


def test_narrative_figures_parse_back() -> None:
    problems = []
    for g, d in finals()[:30]:
        for fact in g.narrative:
            if fact.subject == "机关运行经费":
                cost = d.other.running_cost
                assert cost is not None and cost.amount is not None and cost.amount.value == fact.amount
                continue
            found = [f for f in d.narratives if f.line == fact.line and f.amount == fact.amount]
            if not found:
                problems.append(f"{g.file_name} line {fact.line}: no {fact.amount} ({fact.subject})")
            elif fact.completion is not None and fact.completion not in {f.completion for f in found}:
                problems.append(f"{g.file_name} line {fact.line}: completion {fact.completion} not read")
    assert problems == [], "\n".join(problems[:30])


@pytest.mark.slow  # ~10 s a seed: CI, --run-slow
@pytest.mark.parametrize("seed", [1, 2])
def test_clean_generated_finals_give_no_violation(seed: int) -> None:
    failures = {}
    for index in range(20):
        g = generate_final(seed, index)
        report = validate_quads(to_quads(parse_text(g.text, g.file_name)))
        found = [f"{r.line}: {r.message('zh')}" for r in report.results if r.severity == "violation"]
        if found:
            failures[g.file_name] = found[:5]
    assert failures == {}


def test_a_wrong_completion_rate_is_a_violation() -> None:
    # the clean documents give no Violation because they are right, not because nothing is checked
    g = generate_final(*PAIR[:2], year=PAIR[2])
    assert "完成年初预算的98.12%" not in g.text  # 98.12 is 表3's rate; 表5 (general public budget) differs
    wrong = g.text.replace("完成预算的92.31%", "完成预算的90.00%", 1)
    assert wrong != g.text
    report = validate_quads(to_quads(parse_text(wrong, g.file_name)))
    messages = [r.message("zh") for r in report.results if r.severity == "violation"]
    assert len(messages) == 1 and "完成率 90.00% ≠" in messages[0] and "= 92.31%" in messages[0], messages


# --------------------------------------------------------------------------
# Consistent by construction (Decimal arithmetic on ``expected`` only).


def check_identities(g: GeneratedFinal, budget: dict[str, list[ExpectedRow]]) -> None:
    e = g.expected
    assert set(e) == set(FINAL_TABLE_IDS)
    for tid, column in (("f01", "决算数"), ("f04", "决算数")):
        income = keyed(e[tid], "income")
        spent = named(e[tid], "expenditure", "本年支出合计")
        closing = next(r for r in e[tid] if r.side == "expenditure" and r.name.startswith("年末"))
        total = next(r for r in e[tid] if r.side == "expenditure" and r.name == "总计")
        parts = ("current_income", "nonfiscal_balance_use", "carryover") if tid == "f01" else ("fiscal",
                                                                                               "carryover_fiscal")
        # 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 = 支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余
        assert value(income["income_total"], column) == sum(value(income[k], column) for k in parts)
        first = "决算数" if tid == "f01" else "合计"
        assert value(total, first) == value(spent, first) + value(closing, first) == value(income["income_total"],
                                                                                            column)
        classes = [r for r in e[tid] if r.side == "expenditure" and r.codes]
        assert value(spent, first) == sum(value(r, first) for r in classes)
    f01, f04 = keyed(e["f01"], "income"), keyed(e["f04"], "income")
    for key in ("gpb", "fund", "soce"):
        assert value(f01[key], "决算数") == value(f04[key], "决算数")
    assert value(f01["current_income"], "决算数") == sum(
        value(f01[k], "决算数") for k in ("gpb", "fund", "soce", "superior_subsidy", "service_income",
                                         "business_income", "affiliate_income", "other_income"))
    # 合计 = 基本支出 + 项目支出 on every row of 表3 and 表5; 表2/表3 totals = 表1
    for tid, total_column in (("f03", "本年支出合计"), ("f05", "合计")):
        for r in e[tid]:
            assert value(r, total_column) == value(r, "基本支出") + value(r, "项目支出")
    assert value(named(e["f02"], None, "合计"), "本年收入合计") == value(f01["current_income"], "决算数")
    assert value(named(e["f03"], None, "合计"), "本年支出合计") == value(named(e["f01"], "expenditure", "本年支出合计"),
                                                                       "决算数")
    # 表4's general public budget column = 表5; 表6 = 表5 基本支出
    f04_gpb = value(named(e["f04"], "expenditure", "本年支出合计"), "一般公共预算财政拨款")
    assert f04_gpb == value(named(e["f05"], None, "合计"), "合计")
    personnel, public = value(named(e["f06"], None, "人员经费合计"), "决算数"), value(named(e["f06"], None, "公用经费合计"),
                                                                                  "决算数")
    assert personnel + public == value(named(e["f05"], None, "合计"), "基本支出")
    assert personnel == sum(value(r, "决算数") for r in e["f06"] if r.codes in (("301",), ("303",)))
    # 表7: 三公 total = items, per phase; its 预算数 are the 预算's 表10
    (row,) = e["f07"]
    t10 = {r.key: value(r, "合计") for r in budget["t10"]}
    for phase in ("预算数", "决算数"):
        v = {k: value(row, f"{k}/{phase}") for k in ("合计", "因公出国（境）费", "公务用车购置及运行费/小计",
                                                      "公务用车购置及运行费/公务用车购置费",
                                                      "公务用车购置及运行费/公务用车运行费", "公务接待费")}
        assert v["合计"] == v["因公出国（境）费"] + v["公务用车购置及运行费/小计"] + v["公务接待费"]
        assert v["公务用车购置及运行费/小计"] == (v["公务用车购置及运行费/公务用车购置费"]
                                             + v["公务用车购置及运行费/公务用车运行费"])
    assert value(row, "合计/预算数") == t10["total"] and value(row, "公务接待费/预算数") == t10["reception"]
    assert value(row, "因公出国（境）费/预算数") == t10["abroad"]
    assert value(row, "公务用车购置及运行费/小计/预算数") == t10["vehicle"]


def test_identities_and_the_pair_by_construction() -> None:
    executions = []
    for index in range(60):
        budget = generate(5, index, year=2024)
        final = generate_final(5, index, year=2024)
        assert final.unit == budget.unit
        check_identities(final, budget.expected)
        # the 年初预算 the narrative states are the 预算's 表5 (合计 column) line by line
        t05 = {r.codes: value(r, "合计") for r in budget.expected["t05"] if len(r.codes) == 3}
        stated = {f.codes: f.amount for f in final.narrative if f.measure == "年初预算" and f.codes}
        assert {k: v for k, v in stated.items() if v} == t05
        t03 = value(named(budget.expected["t03"], None, "总计"), "合计")
        f03 = value(named(final.expected["f03"], None, "合计"), "本年支出合计")
        executions.append(f03 / t03)
    assert min(executions) > Decimal("0.85") and max(executions) < Decimal("1.05")


# --------------------------------------------------------------------------
# The corpus option.


def test_write_corpus_writes_both_documents_of_each_unit_year(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "both", 3, 4, years=(2023, 2024), kinds=("budget", "final"))
    assert [p.name for p in paths] == ["unit-00000-2023.txt", "unit-00000-2023-final.txt", "unit-00000-2024.txt",
                                       "unit-00000-2024-final.txt", "unit-00001-2023.txt", "unit-00001-2023-final.txt",
                                       "unit-00001-2024.txt", "unit-00001-2024-final.txt"]
    assert paths[1].read_text(encoding="utf-8") == generate_final(3, 0, year=2023).text
    assert paths[2].read_text(encoding="utf-8") == generate(3, 0, year=2024).text
    only = write_corpus(tmp_path / "budget", 3, 4, years=(2023, 2024))
    assert [p.name for p in only] == [p.name for p in paths if not p.name.endswith("-final.txt")]
    assert KINDS == ("budget", "final")
    with pytest.raises(ValueError, match="unknown document kind"):
        write_corpus(tmp_path / "bad", 3, 1, kinds=("actual",))


def test_cli_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path), "--count", "2", "--seed", "3", "--years", "2024", "--kinds", "budget,final"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unit-00000-2024-final.txt", "unit-00000-2024.txt",
                                                          "unit-00001-2024-final.txt", "unit-00001-2024.txt"]
    assert "wrote 4 documents" in capsys.readouterr().out


# --------------------------------------------------------------------------
# The pair in a store: the execution queries, by hand.


def yuan(wan: str) -> Decimal:
    return Decimal(wan) * WAN


def rate(final: str, budget: str) -> Decimal:
    """决算 ÷ 预算 in percent, two decimals, half up (the queries: ROUND(final × 10000 / budget) / 100)."""
    return (Decimal(final) * 100 / Decimal(budget)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def pair_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("corpus-pair")
    seed, index, year = PAIR
    files = []
    for document in (generate(seed, index, year=year), generate_final(seed, index, year=year)):
        path = folder / document.file_name
        path.write_text(document.text, encoding="utf-8")
        files.append(str(path))
    command = [sys.executable, "-m", "budgetlod", "ingest", "--store", str(folder / "store"), *files]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "0 failed" in done.stderr + done.stdout, done.stderr
    return open_store(folder / "store")


def test_the_rates_by_hand() -> None:
    assert rate("1256.47", "1280.51") == Decimal("98.12")
    assert rate("717.78", "743.10") == Decimal("96.59")
    assert rate("538.69", "537.41") == Decimal("100.24")
    assert rate("105.93", "111.27") == Decimal("95.20")
    assert rate("1150.54", "1169.24") == Decimal("98.40")
    assert rate("611.85", "631.83") == Decimal("96.84")
    assert rate("8.40", "9.10") == Decimal("92.31")


def test_pair_execution_by_unit(pair_store: Any) -> None:
    rows = run(pair_store, "execution-by-unit", year="2024")
    assert [(r["figure"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in rows] == [
        ("支出合计 total", yuan("1280.51"), yuan("1256.47"), Decimal("98.12")),
        ("基本支出 basic", yuan("743.10"), yuan("717.78"), Decimal("96.59")),
        ("项目支出 project", yuan("537.41"), yuan("538.69"), Decimal("100.24")),
    ]
    assert {r["unitName"] for r in rows} == {"阿克苏市环境卫生管理站"}
    assert all(r["budget"].endswith("/2024/unit-budget") and r["final"].endswith("/2024/department-final")
               for r in rows)
    assert len({(r["unit"], r["budget"], r["final"]) for r in rows}) == 1  # one unit IRI: the same printed name


def test_pair_execution_by_function(pair_store: Any) -> None:
    rows = run(pair_store, "execution-by-function", year="2024")
    assert [(r["classCode"], r["className"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in rows] == [
        ("208", "社会保障和就业支出", yuan("111.27"), yuan("105.93"), Decimal("95.20")),
        ("212", "城乡社区支出", yuan("1169.24"), yuan("1150.54"), Decimal("98.40")),
    ]
    basic = run(pair_store, "execution-by-function", year="2024", nature="basic")
    assert [(r["classCode"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in basic] == [
        ("208", yuan("111.27"), yuan("105.93"), Decimal("95.20")),
        ("212", yuan("631.83"), yuan("611.85"), Decimal("96.84")),
    ]
    project = run(pair_store, "execution-by-function", year="2024", nature="project")
    assert [(r["classCode"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in project] == [
        ("212", yuan("537.41"), yuan("538.69"), Decimal("100.24")),
    ]


def test_pair_execution_sangong(pair_store: Any) -> None:
    rows = run(pair_store, "execution-sangong", year="2024")
    assert [(r["category"], r["categoryName"], r["budgetYuan"], r["finalYuan"], r["ratePercent"]) for r in rows] == [
        (SANGONG + "_T", "合计", yuan("9.10"), yuan("8.40"), Decimal("92.31")),
        (SANGONG + "reception", "公务接待费", yuan("9.10"), yuan("8.40"), Decimal("92.31")),
    ]


def test_pair_printed_budget_figures_agree(pair_store: Any) -> None:
    assert run(pair_store, "final-budget-disagreements") == []
    assert run(pair_store, "final-budget-disagreements", year="2024") == []
