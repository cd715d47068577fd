"""The synthetic corpus generator: determinism, arithmetic by construction, error injection.

The invariant checks use only the ``expected`` structure and plain Decimal
arithmetic: they do not depend on the generator's internals or on the parser.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetlod.parse.document import CannotParse, parse_text
from budgetlod.testing.corpus import (
    DEFAULT_YEARS,
    ERROR_KINDS,
    FILE_ERROR_KINDS,
    ExpectedFact,
    ExpectedRow,
    Generated,
    corpus,
    corpus_index,
    document_at,
    generate,
    main,
    spread,
    write_corpus,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@cache
def documents() -> tuple[Generated, ...]:
    """300 documents: 150 units × 2 years."""
    return tuple(corpus(seed=20240, units=150, years=(2023, 2024)))


def value(row: ExpectedRow, column: str) -> Decimal:
    return row.values.get(column, ZERO)


def total(rows: Iterable[ExpectedRow], column: str) -> Decimal:
    return sum((value(r, column) for r in rows), ZERO)


def the(rows: list[ExpectedRow], **match: object) -> ExpectedRow:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def maybe(rows: list[ExpectedRow], **match: object) -> ExpectedRow | None:
    found = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
    assert len(found) <= 1, (match, found)
    return found[0] if found else None


def columns_of(rows: list[ExpectedRow]) -> set[str]:
    return {c for r in rows for c in r.values}


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP) if whole else ZERO


# --------------------------------------------------------------------------
# Determinism and identity.


def test_same_seed_same_text() -> None:
    first = generate(7, 3, year=2024)
    second = generate(7, 3, year=2024)
    assert first.text == second.text
    assert first.expected == second.expected
    assert first.narrative == second.narrative
    assert generate(7, 3).text == generate(7, 3).text


def test_different_index_different_unit() -> None:
    names = [generate(7, i, year=2024).unit for i in range(120)]
    assert len(set(names)) == len(names)
    assert generate(7, 3, year=2024).text != generate(8, 3, year=2024).text


def test_unit_stable_across_years() -> None:
    years = list(corpus(3, 4, years=(2022, 2023, 2024)))
    for i in range(4):
        mine = years[3 * i : 3 * i + 3]
        assert len({g.unit for g in mine}) == 1
        assert len({g.kind for g in mine}) == 1
        assert [g.year for g in mine] == [2022, 2023, 2024]
        assert len({g.text for g in mine}) == 3


def test_file_names_ascii() -> None:
    g = generate(1, 42, year=2023)
    assert g.file_name == "unit-00042-2023.txt"
    assert g.file_name.isascii()


def test_sample_form() -> None:
    g = generate(2, 5, year=2024)
    text = g.text
    for heading in ("第一部分 2024 年", "第二部分 2024 年单位预算公开表", "第三部分 2024 年单位预算情况说明", "第四部分 名词解释"):
        assert heading in text
    for n in range(1, 12):
        assert f"\n表 {n}\n" in text
    assert text.count("| ※ |") >= 9
    assert text.count(f"编制单位：{g.unit}") == 11
    assert text.count("单位：万元") == 11
    assert "单位整体绩效目标表" in text
    assert "十二、其他重要事项的情况说明" in text
    assert re.search(r"\| \d+\.\d{2} \|", text)
    big = generate(20240, 0, year=2024)
    assert re.search(r"\| \d{1,3},\d{3}\.\d{2} \|", big.text)


def test_rows_and_columns_are_those_of_the_specs() -> None:
    from budgetlod.specs import spec

    for g in documents()[:40]:
        for tid, rows in g.expected.items():
            table = spec(tid)
            for row in rows:
                if table.sides:
                    assert row.side is not None
                    side = table.side(row.side)
                    columns = {c.path for c in side.columns}
                    keys = {r.key for r in side.rows}
                else:
                    assert row.side is None
                    columns = {c.path for c in (*table.columns, *table.optional_columns)}
                    keys = {r.key for r in table.rows}
                assert set(row.values) <= columns, (tid, row)
                if row.key is not None:
                    assert row.key in keys, (tid, row)
                elif tid in ("t01", "t04", "t10"):
                    assert row.side == "expenditure", (tid, row)


# --------------------------------------------------------------------------
# Arithmetic by construction (pure Decimal checks on ``expected``).


def check_function_table(rows: list[ExpectedRow], project_leaves: bool = False) -> None:
    tops = [r for r in rows if not r.codes]
    assert len(tops) == 1 and tops[0].name == "总计"
    top = tops[0]
    classes = [r for r in rows if len(r.codes) == 1]
    items = [r for r in rows if len(r.codes) == 2]
    leaves = [r for r in rows if len(r.codes) == 3]
    if project_leaves:
        assert all(r.project for r in leaves)
    for column in columns_of(rows):
        assert value(top, column) == total(classes, column), column
        for c in classes:
            assert value(c, column) == total((i for i in items if i.codes[0] == c.codes[0]), column)
        for i in items:
            assert value(i, column) == total((leaf for leaf in leaves if leaf.codes[:2] == i.codes), column)
    for r in rows:
        assert all(v > 0 and v == v.quantize(CENT) for v in r.values.values())


def check_economic_table(rows: list[ExpectedRow]) -> None:
    top = the(rows, codes=())
    classes = [r for r in rows if len(r.codes) == 1]
    items = [r for r in rows if len(r.codes) == 2]
    for column in ("合计", "人员经费", "公用经费"):
        assert value(top, column) == total(classes, column)
        for c in classes:
            assert value(c, column) == total((i for i in items if i.codes[0] == c.codes[0]), column)
    for r in rows:
        assert value(r, "合计") == value(r, "人员经费") + value(r, "公用经费")
        if r.codes and r.codes[0] == "302":
            assert value(r, "人员经费") == ZERO
        elif r.codes:
            assert value(r, "公用经费") == ZERO


def check_document(g: Generated) -> None:
    e = g.expected
    assert set(e) == {f"t{n:02d}" for n in range(1, 12)}
    for tid in ("t02", "t03", "t05", "t08", "t09"):
        if e[tid]:
            check_function_table(e[tid])
    if e["t07"]:
        check_function_table(e["t07"], project_leaves=True)
    check_economic_table(e["t06"])
    # 合计 = 基本支出 + 项目支出; 表2 columns
    for tid in ("t03", "t05"):
        for r in e[tid]:
            assert value(r, "合计") == value(r, "基本支出") + value(r, "项目支出")
    for r in e["t02"]:
        fiscal_columns = [c for c in r.values if c.startswith("财政拨款（补助）/") and c != "财政拨款（补助）/小计"]
        assert value(r, "财政拨款（补助）/小计") == sum((r.values[c] for c in fiscal_columns), ZERO)
        rest = ("财政拨款（补助）/小计", "财政专户管理资金", "单位资金", "财政拨款结转", "非财政拨款结转结余")
        assert value(r, "总计") == sum((value(r, c) for c in rest), ZERO)
    for r in e["t07"]:
        assert value(r, "合计") == sum((v for c, v in r.values.items() if c != "合计"), ZERO)
    for tid in ("t08", "t09"):
        for r in e[tid]:
            assert value(r, "合计") == value(r, "基本支出/人员经费") + value(r, "基本支出/公用经费") + value(r, "项目支出")
    # cross-table totals
    t02, t03, t05, t06 = (the(e[t], codes=()) for t in ("t02", "t03", "t05", "t06"))
    t07 = maybe(e["t07"], codes=())
    assert value(t03, "基本支出") == value(t05, "基本支出") == value(t06, "合计")
    assert value(t05, "项目支出") == (value(t07, "合计") if t07 else ZERO)
    assert value(t02, "总计") == value(t03, "合计")
    # 表1
    t01 = e["t01"]
    income = {r.key: value(r, "预算数") for r in t01 if r.side == "income"}
    assert income["current_income"] == sum(income[k] for k in ("gpb", "fund", "soce", "special_account", "unit_funds"))
    assert income["gpb"] == income["gpb_own"] + income["gpb_transfer"]
    assert income["fund"] == income["fund_own"] + income["fund_transfer"]
    assert income["soce"] == income["soce_own"] + income["soce_transfer"]
    assert income["unit_funds"] == sum(income[k] for k in ("service_income", "superior_subsidy", "affiliate_income",
                                                            "business_income", "other_income"))
    assert income["carryover"] == income["carryover_fiscal"] + income["carryover_nonfiscal"]
    assert income["carryover_fiscal"] == sum(income[k] for k in ("carryover_fiscal_gpb", "carryover_fiscal_fund",
                                                                  "carryover_fiscal_soce"))
    assert income["carryover_nonfiscal"] == income["carryover_nonfiscal_special"] + income["carryover_nonfiscal_unit"]
    assert income["income_total"] == income["current_income"] + income["carryover"]
    spending = [r for r in t01 if r.side == "expenditure" and r.codes]
    expenditure_total = the(t01, side="expenditure", codes=())
    assert value(expenditure_total, "预算数") == income["income_total"] == total(spending, "预算数")
    assert income["income_total"] == value(t03, "合计")
    for r in spending:
        t03_class = maybe(e["t03"], codes=r.codes)
        assert value(r, "预算数") == (value(t03_class, "合计") if t03_class else ZERO)
    assert income["gpb"] == value(t02, "财政拨款（补助）/一般公共预算") + value(t02, "财政拨款（补助）/上级一般公共预算安排的转移支付")
    assert income["unit_funds"] == value(t02, "单位资金")
    assert income["carryover_fiscal"] == value(t02, "财政拨款结转")
    # 表4
    t04 = e["t04"]
    fiscal = {r.key: value(r, "合计") for r in t04 if r.side == "income"}
    fiscal_spending = [r for r in t04 if r.side == "expenditure" and r.codes]
    t04_total = the(t04, side="expenditure", codes=())
    assert fiscal["fiscal"] == fiscal["gpb"] + fiscal["fund"] + fiscal["soce"]
    assert fiscal["income_total"] == fiscal["fiscal"] + fiscal.get("carryover_fiscal", ZERO)
    assert value(t04_total, "合计") == fiscal["income_total"]
    for column in ("合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"):
        assert value(t04_total, column) == total(fiscal_spending, column)
    for r in fiscal_spending:
        assert value(r, "合计") == value(r, "一般公共预算") + value(r, "政府性基金预算") + value(r, "国有资本经营预算")
    assert fiscal["gpb"] == income["gpb"] and fiscal["fund"] == income["fund"]
    # 表10
    t10 = {r.key: r for r in e["t10"]}
    for column in ("合计", "资金来源/一般公共预算"):
        assert value(t10["total"], column) == sum(value(t10[k], column) for k in ("abroad", "reception", "vehicle"))
        assert value(t10["vehicle"], column) == value(t10["vehicle_purchase"], column) + value(
            t10["vehicle_operation"], column)
    for r in t10.values():
        assert value(r, "合计") == sum((v for c, v in r.values.items() if c != "合计"), ZERO)
    vehicle = maybe(e["t06"], codes=("302", "31"))
    assert value(t10["vehicle_operation"], "合计") == (value(vehicle, "合计") if vehicle else ZERO)
    # 表11
    if e["t11"]:
        t11_total = e["t11"][0]
        assert t11_total.name == "合计"
        for column in columns_of(e["t11"]):
            assert value(t11_total, column) == total(e["t11"][1:], column)
        for r in e["t11"]:
            assert value(r, "总计") == value(r, "财政拨款/合计") + value(r, "非财政拨款/合计")
            for part in ("财政拨款", "非财政拨款"):
                assert value(r, f"{part}/合计") == sum(value(r, f"{part}/{c}") for c in (
                    "基本支出/人员经费", "基本支出/公用经费", "项目支出"))
        assert value(t11_total, "总计") == income["carryover"]
    else:
        assert income["carryover"] == ZERO
    check_narrative(g)


def lookup(g: Generated, fact: ExpectedFact) -> Decimal:
    ref = fact.ref
    assert ref is not None
    rows = g.expected[ref.table]
    found = [
        r for r in rows
        if r.side == ref.side and r.codes == ref.codes and (ref.key is None or r.key == ref.key)
        and (ref.name is None or ref.name in (r.name, r.project))
        and (ref.key is not None or ref.name is not None or not r.project)
    ]
    if ref.key is None and ref.name is None:
        found = [r for r in found if r.project is None]
    assert len(found) <= 1, (fact, found)
    return value(found[0], ref.column) if found else ZERO


def check_narrative(g: Generated) -> None:
    assert g.narrative
    for fact in g.narrative:
        assert fact.amount is not None
        if fact.ref is not None:
            assert fact.amount == lookup(g, fact), fact
        if fact.share is not None:
            assert fact.share_of is not None
            assert fact.share == pct(fact.amount, fact.share_of), fact
        if fact.change is not None:
            assert fact.rate is not None
            prior = fact.amount - fact.change
            if prior:
                assert fact.rate == pct(fact.change, prior), fact
            else:
                assert fact.rate == (Decimal("100.00") if fact.change > 0 else ZERO), fact
    by_section = defaultdict(list)
    for fact in g.narrative:
        by_section[fact.section].append(fact)
    # 二: the income parts add up to the total, and shares are of that total
    income_total = by_section["二"][0]
    assert income_total.subject == "单位收入预算"
    parts = by_section["二"][1:]
    assert sum((f.amount or ZERO for f in parts), ZERO) == income_total.amount
    assert all(f.share_of == income_total.amount for f in parts)
    # 三: 基本支出 + 项目支出 = 支出预算
    total3, *parts3 = by_section["三"]
    assert sum((f.amount or ZERO for f in parts3), ZERO) == total3.amount
    # 六: 人员经费 + 公用经费 = 基本支出
    total6, *parts6 = by_section["六"]
    assert sum((f.amount or ZERO for f in parts6), ZERO) == total6.amount
    # 十: the three public expenses add up; 十二: 机关运行经费 = 表6 公用经费; procurement adds up
    sangong, *items = by_section["十"]
    assert sum((f.amount or ZERO for f in items), ZERO) == sangong.amount
    assert sum((f.change or ZERO for f in items), ZERO) == sangong.change
    running = next(f for f in by_section["十二"] if f.subject == "机关运行经费")
    assert running.amount == value(the(g.expected["t06"], codes=()), "公用经费")
    p = g.procurement
    assert p["total"] == p["goods"] + p["works"] + p["services"]
    assert p["micro_reserved"] <= p["sme_reserved"] <= p["total"]
    # staffing: 实有人数 = 在职 + 退休 + 离休
    staff = {s.category: s.count for s in g.staffing}
    assert staff["实有人数"] == staff["在职"] + staff["退休"] + staff["离休"]
    assert staff["编制数"] >= staff["在职"]


def test_invariants_300_documents() -> None:
    docs = documents()
    assert len(docs) == 300
    for g in docs:
        assert not g.injected
        try:
            check_document(g)
        except AssertionError as exc:  # pragma: no cover - diagnostic
            raise AssertionError(f"{g.file_name} ({g.unit}): {exc}") from exc


def test_changes_agree_with_previous_year() -> None:
    docs = documents()
    pairs = [(docs[i], docs[i + 1]) for i in range(0, len(docs), 2)]
    compared = 0
    for before, after in pairs:
        assert (before.unit, before.year + 1) == (after.unit, after.year)
        old = {(f.section, f.subject, f.codes): f.amount for f in before.narrative}
        for fact in after.narrative:
            if fact.change is None:
                continue
            prior = old.get((fact.section, fact.subject, fact.codes), ZERO)
            assert fact.change == (fact.amount or ZERO) - (prior or ZERO), (after.file_name, fact)
            compared += 1
        staff_before = {s.category: s.count for s in before.staffing}
        for s in after.staffing:
            if s.change is not None:
                assert s.change == s.count - staff_before[s.category]
    assert compared > 1000


def test_variety() -> None:
    docs = documents()
    assert Counter(g.kind for g in docs).keys() == {"bureau", "school", "hospital", "centre", "station"}
    totals = [value(the(g.expected["t01"], key="income_total"), "预算数") for g in docs]
    assert min(totals) < 100 and max(totals) > 10000
    filled = Counter(tid for g in docs for tid, rows in g.expected.items() if rows)
    assert filled["t08"] >= 15 and 2 <= filled["t09"] <= 60 and filled["t11"] >= 30 and filled["t07"] >= 250
    assert sum(1 for g in docs if len([r for r in g.expected["t07"] if r.project]) >= 3) >= 30
    t10 = [{r.key: r for r in g.expected["t10"]} for g in docs]
    for key in ("abroad", "reception", "vehicle_purchase", "vehicle_operation"):
        assert sum(1 for t in t10 if t[key].values) >= 5, key
    income = [{r.key: r for r in g.expected["t01"] if r.side == "income"} for g in docs]
    for key in ("special_account", "service_income", "other_income", "gpb_transfer", "fund_transfer",
                "carryover_fiscal_gpb", "carryover_nonfiscal_unit"):
        assert sum(1 for i in income if i[key].values) >= 3, key
    codes = {r.codes[0] for g in docs for r in g.expected["t03"] if r.codes}
    assert {"201", "205", "207", "208", "210", "212", "213", "221"} <= codes
    schools = [g for g in docs if g.kind == "school"]
    assert all(any(r.codes == ("205",) for r in g.expected["t03"]) for g in schools)
    hospitals = [g for g in docs if g.kind == "hospital"]
    assert all(any(r.codes == ("210",) for r in g.expected["t03"]) for g in hospitals)


# --------------------------------------------------------------------------
# Error injection.


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_error_kind_changes_text_and_is_recorded(kind: str) -> None:
    for index in range(8):
        clean = generate(11, index, year=2024)
        bad = generate(11, index, year=2024, errors=[kind])
        assert bad.text != clean.text
        assert [e.kind for e in bad.injected] == [kind]
        error = bad.injected[0]
        lines = bad.text.split("\n")
        assert 1 <= error.line <= len(lines)
        assert error.description
        if kind not in ("dropped_row", "duplicated_row"):
            assert lines[error.line - 1] != clean.text.split("\n")[error.line - 1]
            assert len(lines) == len(clean.text.split("\n"))
        assert bad.expected == clean.expected  # expected keeps the correct figures
        assert bad.text == generate(11, index, year=2024, errors=[kind]).text


def test_all_error_kinds_at_once() -> None:
    for index in range(20):
        bad = generate(4, index, errors=ERROR_KINDS)
        assert [e.kind for e in bad.injected] == list(ERROR_KINDS)
        assert bad.text != generate(4, index).text


def test_unknown_error_kind() -> None:
    with pytest.raises(ValueError, match="unknown error kind"):
        generate(1, 1, errors=["no_such_error"])


# --------------------------------------------------------------------------
# Writing.


def test_write_corpus(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "out", seed=5, count=7)
    assert len(paths) == 7 and all(p.exists() for p in paths)
    assert len({p.name for p in paths}) == 7
    assert paths[0].name == "unit-00000-2023.txt" and paths[1].name == "unit-00000-2024.txt"
    assert paths[2].read_bytes() == generate(5, 1, year=2023).text.encode("utf-8")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path), "--count", "3", "--seed", "9"]) == 0
    assert len(list(tmp_path.glob("unit-*.txt"))) == 3
    assert "wrote 3" in capsys.readouterr().out


# --------------------------------------------------------------------------
# Corpora for bulk ingest: positions, parallel writing, broken files.


def test_document_at_and_corpus_index_describe_write_corpus(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "c", seed=5, count=10, years=DEFAULT_YEARS)
    index = corpus_index(5, 10, DEFAULT_YEARS)
    assert [p.name for p in paths] == [e.file_name for e in index]
    assert [(e.index, e.year) for e in index] == [document_at(i, DEFAULT_YEARS) for i in range(10)]
    assert (index[5].index, index[5].year, index[5].file_name) == (1, 2023, "unit-00001-2023.txt")
    assert index[4].unit == index[7].unit == generate(5, 1, year=2022).unit != index[3].unit
    assert paths[6].read_bytes() == generate(5, 1, year=2024).text.encode("utf-8")


def test_write_corpus_in_parallel_writes_the_same_bytes(tmp_path: Path) -> None:
    one = write_corpus(tmp_path / "one", seed=6, count=240, years=DEFAULT_YEARS)
    two = write_corpus(tmp_path / "two", seed=6, count=240, years=DEFAULT_YEARS, jobs=2)
    assert [p.name for p in one] == [p.name for p in two]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two, strict=True))
    assert len({p.name.split("-")[1] for p in one}) == 60  # 60 units × 4 years


@pytest.mark.parametrize("kind", FILE_ERROR_KINDS)
def test_file_error_kinds_make_the_file_unreadable(kind: str) -> None:
    bad = generate(12, 3, year=2024, errors=[kind])
    assert [e.kind for e in bad.injected] == [kind] and bad.injected[0].description
    assert bad.text == generate(12, 3, year=2024, errors=[kind]).text
    with pytest.raises(CannotParse):
        parse_text(bad.text, "bad.txt")


def test_broken_documents_are_spread_over_the_corpus(tmp_path: Path) -> None:
    broken = spread(100, 4, ("empty", "wrong_table_total"))
    assert broken == {12: ("empty",), 37: ("wrong_table_total",), 62: ("empty",), 87: ("wrong_table_total",)}
    paths = write_corpus(tmp_path, seed=7, count=100, broken=broken)
    assert paths[12].read_text(encoding="utf-8").strip() == ""
    unit, year = document_at(37)
    assert paths[37].read_bytes() == generate(7, unit, year=year, errors=["wrong_table_total"]).text.encode("utf-8")
    unit, year = document_at(36)
    assert paths[36].read_bytes() == generate(7, unit, year=year).text.encode("utf-8")


def test_cli_writes_units_by_years_an_index_and_broken_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "index.tsv"
    assert main(["--out", str(tmp_path / "c"), "--count", "8", "--seed", "9", "--broken", "2", "--index", str(index)]) == 0
    names = sorted(p.name for p in (tmp_path / "c").glob("*.txt"))
    assert names == [f"unit-0000{u}-{y}.txt" for u in (0, 1) for y in DEFAULT_YEARS]
    rows = [line.split("\t") for line in index.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["position", "file", "unit_index", "unit", "kind", "year", "errors"]
    assert [(r[0], r[6]) for r in rows[1:] if r[6]] == [("2", "empty"), ("6", "binary")]
    assert (tmp_path / "c" / "unit-00000-2024.txt").read_text(encoding="utf-8").strip() == ""
    assert "wrote 8 documents" in capsys.readouterr().out
