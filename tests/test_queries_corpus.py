"""Every comparison query on a small generated corpus — 3 units × 2 years (2023, 2024) from
``budgetlod.testing.corpus.generate`` (seed 7), the 2024 disclosure of unit 2 with a narrative amount made wrong
— answers what this test computes from the generator's own figures (``Generated.expected``: the printed rows
of each table in 万元; ``narrative``; ``staffing``; ``injected``), never from another query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import pytest
from named_queries import run

from budgetlod.ingest.bulk import ingest
from budgetlod.query.dialect import lateral_groups, without_lateral
from budgetlod.query.library import named_queries
from budgetlod.query.params import bind
from budgetlod.query.run import open_store, run_store
from budgetlod.testing.corpus import Generated, generate

SEED = 7
UNITS = 3
YEARS = (2023, 2024)
BROKEN = (2, 2024)  # the disclosure whose narrative gets a wrong amount
ERRORS = ("wrong_narrative_amount",)
YEAR_IRI = "http://reference.data.gov.uk/id/year/{}"
# the economic classes of the columns of 表7 (the MoF template; mapping/tables/t07.yaml)
T07_CLASSES = {
    "工资福利支出": "301",
    "商品和服务支出": "302",
    "对个人和家庭的补助": "303",
    "债务利息及费用支出": "307",
    "资本性支出（基本建设）": "309",
    "资本性支出": "310",
    "对企业补助（基本建设）": "311",
    "对企业补助": "312",
    "对社会保障基金补助": "313",
    "其他支出": "399",
}


@pytest.fixture(scope="module")
def corpus() -> dict[tuple[int, int], Generated]:
    return {
        (index, year): generate(SEED, index, year=year, errors=ERRORS if (index, year) == BROKEN else ())
        for index in range(UNITS)
        for year in YEARS
    }


@pytest.fixture(scope="module")
def store(corpus: dict[tuple[int, int], Generated], tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("corpus")
    for document in corpus.values():
        (folder / document.file_name).write_text(document.text, encoding="utf-8")
    summary = ingest([folder], folder / "store")
    assert not summary.failed and len(summary.outcomes) == UNITS * len(YEARS)
    return open_store(folder / "store")


# --- the generator's figures --------------------------------------------------------------------------------


def yuan(wan: Decimal) -> Decimal:
    return wan * 10000  # the generator prints every table in 万元


def round2(x: Decimal) -> Decimal:
    """SPARQL's ROUND(x * 100) / 100: to the nearest cent, halves towards +∞ (fn:round)."""
    return (x * 100 + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) / 100


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return round2(part * 100 / whole) if part else Decimal(0)


def total_row(document: Generated, table: str) -> dict[str, Decimal]:
    return next(r.values for r in document.expected[table] if not r.codes and r.side is None and r.project is None)


def income_total(document: Generated) -> Decimal:
    return next(r.values["预算数"] for r in document.expected["t01"] if r.side == "income" and r.key == "income_total")


def t10(document: Generated, key: str) -> Decimal | None:
    values = next(r.values for r in document.expected["t10"] if r.key == key)
    return yuan(values["合计"]) if "合计" in values else None


def in_service(document: Generated) -> int:
    return next(s.count for s in document.staffing if s.category == "在职")


def fact(document: Generated, section: str, subject: str) -> Any:
    return next(f for f in document.narrative if f.section == section and f.subject == subject)


def optional(values: dict[str, Decimal], column: str) -> Decimal | None:
    return yuan(values[column]) if column in values else None


def of_year(corpus: dict[tuple[int, int], Generated], year: int) -> Iterable[Generated]:
    return (d for (_, y), d in sorted(corpus.items()) if y == year)


# --- the queries ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", named_queries(), ids=lambda q: q.name)
def test_values_and_substitutions_agree_on_the_corpus(store: Any, query: Any) -> None:
    terms = bind(query, {})
    values = run_store(store, query.text, terms, binding="values")
    substituted = run_store(store, query.text, terms, binding="substitutions")
    assert sorted(map(repr, values.rows)) == sorted(map(repr, substituted.rows))


@pytest.mark.parametrize("query", [q for q in named_queries() if lateral_groups(q.text)], ids=lambda q: q.name)
def test_lateral_is_only_a_hint(store: Any, corpus: dict[tuple[int, int], Generated], query: Any) -> None:
    """What a store without LATERAL is sent (budgetlod.query.dialect) has the same answer, with rows."""
    units = {"unitA": corpus[(0, 2024)].unit, "unitB": corpus[(1, 2024)].unit}
    terms = bind(query, units if query.name == "units-side-by-side" else {})
    lateral = run_store(store, query.text, terms)
    plain = run_store(store, without_lateral(query.text), terms)
    assert "LATERAL" not in re.sub(r"#.*", "", without_lateral(query.text))
    assert lateral.rows and sorted(map(repr, lateral.rows)) == sorted(map(repr, plain.rows))


def test_units_totals(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    for year in YEARS:
        expected = set()
        for document in of_year(corpus, year):
            t03 = total_row(document, "t03")
            expected.add(
                (
                    document.unit,
                    yuan(income_total(document)),
                    yuan(t03["合计"]),
                    optional(t03, "基本支出"),
                    optional(t03, "项目支出"),
                )
            )
        assert expected
        rows = run(store, "units-totals", year=str(year))
        assert {
            (r["unitName"], r["incomeYuan"], r["expenditureYuan"], r["basicYuan"], r["projectYuan"]) for r in rows
        } == expected
        assert len(rows) == UNITS and {r["year"] for r in rows} == {YEAR_IRI.format(year)}


def test_expenditure_by_function(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    expected = set()
    for document in of_year(corpus, 2024):
        unit_total = yuan(total_row(document, "t03")["合计"])
        for row in document.expected["t03"]:
            if len(row.codes) == 1:  # the 类 rows as printed
                total = yuan(row.values["合计"])
                expected.add(
                    (
                        document.unit,
                        row.codes[0],
                        total,
                        optional(row.values, "基本支出"),
                        optional(row.values, "项目支出"),
                        percent(total, unit_total),
                    )
                )
    assert expected
    rows = run(store, "expenditure-by-function", year="2024")
    assert {
        (r["unitName"], r["classCode"], r["totalYuan"], r["basicYuan"], r["projectYuan"], r["sharePercent"])
        for r in rows
    } == expected
    some_class = sorted(expected)[0][1]
    assert {r["classCode"] for r in run(store, "expenditure-by-function", classCode=some_class)} == {some_class}


def test_expenditure_by_economic(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    classes: dict[tuple[str, str], list[Decimal]] = {}
    sections = set()
    for document in of_year(corpus, 2024):
        for row in document.expected["t06"]:
            if len(row.codes) == 1:
                classes.setdefault((document.unit, row.codes[0]), [Decimal(0), Decimal(0)])[0] += yuan(
                    row.values["合计"]
                )
            elif len(row.codes) == 2:
                sections.add((document.unit, "".join(row.codes), yuan(row.values["合计"])))
        project_total = next((r.values for r in document.expected["t07"] if not r.codes and r.project is None), {})
        for column, amount in project_total.items():
            if column != "合计":
                classes.setdefault((document.unit, T07_CLASSES[column]), [Decimal(0), Decimal(0)])[1] += yuan(amount)
    assert classes and sections
    rows = run(store, "expenditure-by-economic", year="2024", level="class")
    assert {(r["unitName"], r["code"]): [r["basicYuan"], r["projectYuan"]] for r in rows} == classes
    assert all(r["totalYuan"] == r["basicYuan"] + r["projectYuan"] for r in rows)
    rows = run(store, "expenditure-by-economic", year="2024", level="section")
    assert {(r["unitName"], r["code"], r["totalYuan"]) for r in rows} == sections


def test_personnel_public_share(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    expected = set()
    for document in of_year(corpus, 2023):
        t06 = total_row(document, "t06")
        basic = yuan(t06["合计"])
        personnel, public = yuan(t06["人员经费"]), yuan(t06["公用经费"])
        expected.add((document.unit, basic, personnel, public, percent(personnel, basic), percent(public, basic)))
    assert expected
    rows = run(store, "personnel-public-share", year="2023")
    assert {
        (r["unitName"], r["basicYuan"], r["personnelYuan"], r["publicYuan"], r["personnelPercent"], r["publicPercent"])
        for r in rows
    } == expected


def test_sangong_per_staff(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    expected = set()
    for document in of_year(corpus, 2024):
        total, staff = t10(document, "total"), in_service(document)
        per_staff = None if total is None else round2(total / staff)
        expected.add(
            (
                document.unit,
                t10(document, "abroad"),
                t10(document, "reception"),
                t10(document, "vehicle"),
                total,
                staff,
                per_staff,
            )
        )
    assert expected
    rows = run(store, "sangong-per-staff", year="2024")
    assert {
        (
            r["unitName"],
            r["abroadYuan"],
            r["receptionYuan"],
            r["vehicleYuan"],
            r["totalYuan"],
            r["staff"],
            r["perStaffYuan"],
        )
        for r in rows
    } == expected


def test_running_cost_per_staff(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    expected = set()
    for document in of_year(corpus, 2024):
        running = fact(document, "十二", "机关运行经费")
        staff = in_service(document)
        expected.add(
            (
                document.unit,
                yuan(running.amount),
                staff,
                round2(yuan(running.amount) / staff),
                yuan(total_row(document, "t06")["公用经费"]),
                yuan(running.change),
            )
        )
    assert expected
    rows = run(store, "running-cost-per-staff", year="2024")
    assert {
        (
            r["unitName"],
            r["runningCostYuan"],
            r["staff"],
            r["perStaffYuan"],
            r["publicFundsYuan"],
            r["statedChangeYuan"],
        )
        for r in rows
    } == expected


def test_project_ranking(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    amounts: dict[tuple[str, str], Decimal] = {}
    for document in of_year(corpus, 2024):
        for row in document.expected["t07"]:
            if row.project is not None:  # a project line; never the 款/类/总计 rows above it
                key = (document.unit, row.project)
                amounts[key] = amounts.get(key, Decimal(0)) + yuan(row.values["合计"])
    assert amounts
    rows = run(store, "project-ranking", year="2024")
    assert {(r["unitName"], r["projectName"].replace(" ", "")): r["amountYuan"] for r in rows} == {
        (unit, name.replace(" ", "")): amount for (unit, name), amount in amounts.items()
    }
    assert [r["amountYuan"] for r in rows] == sorted((r["amountYuan"] for r in rows), reverse=True)


def test_unit_across_years(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    unit = corpus[(1, 2023)].unit
    expected = []
    for year in YEARS:
        document = corpus[(1, year)]
        t03, t06 = total_row(document, "t03"), total_row(document, "t06")
        expected.append(
            (
                year,
                yuan(income_total(document)),
                yuan(t03["合计"]),
                optional(t03, "基本支出"),
                optional(t03, "项目支出"),
                yuan(t06["人员经费"]),
                yuan(t06["公用经费"]),
                t10(document, "total"),
                in_service(document),
            )
        )
    assert expected
    rows = run(store, "unit-across-years", unitName=unit)
    assert [
        (
            r["year"],
            r["incomeYuan"],
            r["expenditureYuan"],
            r["basicYuan"],
            r["projectYuan"],
            r["personnelYuan"],
            r["publicYuan"],
            r["sangongYuan"],
            r["staff"],
        )
        for r in rows
    ] == expected


def test_units_side_by_side(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    a, b = corpus[(0, 2024)], corpus[(1, 2024)]

    def figures(document: Generated) -> dict[str, Decimal | None]:
        t03, t06 = total_row(document, "t03"), total_row(document, "t06")
        return {
            "income": yuan(income_total(document)),
            "expenditure": yuan(t03["合计"]),
            "basic": optional(t03, "基本支出"),
            "project": optional(t03, "项目支出"),
            "personnel": yuan(t06["人员经费"]),
            "public": yuan(t06["公用经费"]),
            "sangong": t10(document, "total"),
        }

    fa, fb = figures(a), figures(b)
    rows = run(store, "units-side-by-side", unitA=a.unit, unitB=b.unit, year="2024")
    assert [(r["metric"], r["amountA"], r["amountB"], r["differenceYuan"]) for r in rows] == [
        (metric, fa[metric], fb[metric], (fa[metric] or 0) - (fb[metric] or 0))
        for metric in ("income", "expenditure", "basic", "project", "personnel", "public", "sangong")
        if fa[metric] is not None or fb[metric] is not None
    ]
    assert {r["unitA"] for r in rows} == {a.unit} and {r["unitB"] for r in rows} == {b.unit}


@pytest.mark.parametrize(("nature", "column"), [("_T", "合计"), ("basic", "基本支出"), ("project", "项目支出")])
def test_year_over_year_from_two_disclosures(
    store: Any, corpus: dict[tuple[int, int], Generated], nature: str, column: str
) -> None:
    expected = set()
    for index in range(UNITS):
        before, after = total_row(corpus[(index, 2023)], "t03"), total_row(corpus[(index, 2024)], "t03")
        if column in before and column in after:
            old, new = yuan(before[column]), yuan(after[column])
            expected.add((corpus[(index, 2024)].unit, old, new, new - old, round2((new - old) * 100 / old)))
    assert expected
    rows = run(store, "yoy-change", fromYear="2023", toYear="2024", nature=nature)
    assert {(r["unitName"], r["fromYuan"], r["toYuan"], r["changeYuan"], r["changePercent"]) for r in rows} == expected
    assert {(r["fromYear"], r["toYear"]) for r in rows} <= {(YEAR_IRI.format(2023), YEAR_IRI.format(2024))}


def test_year_over_year_as_stated(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    # the generator writes 基本支出 with its change in sections 三 and 五 (the prior is the previous year's figure)
    expected = set()
    for document in of_year(corpus, 2024):
        for section in ("三", "五"):
            stated = fact(document, section, "基本支出")
            expected.add(
                (
                    document.unit,
                    section,
                    yuan(stated.amount),
                    yuan(stated.change),
                    yuan(stated.amount - stated.change),
                    stated.rate,
                )
            )
    assert expected
    rows = run(store, "yoy-stated", year="2024", subject="basic")
    assert {
        (r["unitName"], r["section"], r["amountYuan"], r["changeYuan"], r["priorYuan"], r["ratePercent"]) for r in rows
    } == expected
    # … and the prior each states is the basic expenditure of that unit's 2023 table 3 (consistent corpus)
    for index in range(UNITS):
        assert yuan(total_row(corpus[(index, 2023)], "t03")["基本支出"]) in {
            r["priorYuan"] for r in rows if r["unitName"] == corpus[(index, 2024)].unit
        }


def test_rule_failures_and_narrative_disagreements(store: Any, corpus: dict[tuple[int, int], Generated]) -> None:
    broken = corpus[BROKEN]
    (error,) = broken.injected
    section, subject, old, new = re.fullmatch(
        r"(\S+) (\S+) \[amount\]: ([\d,.]+) -> ([\d,.]+)", error.description
    ).groups()
    rows = run(store, "rule-failures", rule="blsh:NarrativeAmountMatchesTable")
    assert [(r["unitName"], r["year"], r["times"]) for r in rows] == [(broken.unit, 2024, 1)]
    rows = run(store, "narrative-disagreements")  # every year
    stated, table = yuan(Decimal(new.replace(",", ""))), yuan(Decimal(old.replace(",", "")))
    assert [
        (
            r["unitName"],
            r["year"],
            r["section"],
            r["name"],
            r["statedYuan"],
            r["tableYuan"],
            r["differenceYuan"],
            r["line"],
        )
        for r in rows
    ] == [(broken.unit, YEAR_IRI.format(2024), section, subject, stated, table, stated - table, error.line)]
    assert run(store, "narrative-disagreements", year="2023") == []
