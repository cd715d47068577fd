"""Every named query on the sample disclosure (乌鲁木齐市12345政务服务热线中心 2024年单位预算, ingested alone into a
store) returns the hand-computed figures: those of ``tests/cases/sample/expected.tsv`` and of the document's
text (``examples/…txt``, line numbers given), in yuan (万元 × 10000). Also: both ways of binding parameters
give the same answers, and ``budgetlod query`` prints tables, CSV and JSON and reports errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from expected import read_expected
from named_queries import run
from paths import SAMPLE

from budgetlod.cli import main
from budgetlod.ingest.bulk import ingest
from budgetlod.query.library import named_queries
from budgetlod.query.output import width
from budgetlod.query.params import bind
from budgetlod.query.run import open_store, run_store

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "cases" / "sample" / "expected.tsv"
UNIT = "乌鲁木齐市12345政务服务热线中心"
Y2024 = "http://reference.data.gov.uk/id/year/2024"
DISCLOSURE = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "store"
    summary = ingest([SAMPLE], path)
    assert not summary.failed
    return path


@pytest.fixture(scope="module")
def store(store_path: Path) -> Any:
    return open_store(store_path)


def yuan(wan: str) -> Decimal:
    return Decimal(wan) * 10000


@pytest.mark.parametrize("query", named_queries(), ids=lambda q: q.name)
def test_values_and_substitutions_give_the_same_answers(store: Any, query: Any) -> None:
    terms = bind(query, {})
    values = run_store(store, query.text, terms, binding="values")
    substituted = run_store(store, query.text, terms, binding="substitutions")
    assert values.variables == substituted.variables
    assert sorted(map(repr, values.rows)) == sorted(map(repr, substituted.rows))


def test_units_totals(store: Any) -> None:
    # 表1 收入总计 1487.40, 表3 总计 合计 1487.40 = 基本支出 502.40 + 项目支出 985.00 (万元)
    assert run(store, "units-totals", year="2024") == [
        {
            "year": Y2024,
            "unitName": UNIT,
            "kind": "单位预算",
            "incomeYuan": Decimal("14874000"),
            "expenditureYuan": Decimal("14874000"),
            "basicYuan": Decimal("5024000"),
            "projectYuan": Decimal("9850000"),
            "disclosure": DISCLOSURE,
        }
    ]
    assert run(store, "units-totals", year="2023") == []


def test_expenditure_by_function(store: Any) -> None:
    rows = {r["classCode"]: r for r in run(store, "expenditure-by-function")}
    # 表3 类 rows: 201 一般公共服务支出 1432.05 = 447.05 + 985.00; 208 社会保障和就业支出 55.35 (basic only);
    # shares of the 1487.40 total: 96.28 %, 3.72 %; the 款 and 项 lines below them are not added
    assert {
        code: (r["className"], r["totalYuan"], r["basicYuan"], r["projectYuan"], r["sharePercent"])
        for code, r in rows.items()
    } == {
        "201": ("一般公共服务支出", yuan("1432.05"), yuan("447.05"), yuan("985.00"), Decimal("96.28")),
        "208": ("社会保障和就业支出", yuan("55.35"), yuan("55.35"), None, Decimal("3.72")),
    }
    assert [r["classCode"] for r in run(store, "expenditure-by-function", classCode="208")] == ["208"]


def test_expenditure_by_economic(store: Any) -> None:
    # 类: 表6 301 458.14, 302 41.46, 303 2.80 (basic); 表7 总计行 商品和服务支出 985.00 (project, class 302)
    rows = {
        r["code"]: (r["basicYuan"], r["projectYuan"], r["totalYuan"]) for r in run(store, "expenditure-by-economic")
    }
    assert rows == {
        "301": (yuan("458.14"), 0, yuan("458.14")),
        "302": (yuan("41.46"), yuan("985.00"), yuan("1026.46")),
        "303": (yuan("2.80"), 0, yuan("2.80")),
    }
    # 款: every 5-digit row of 表6 in expected.tsv, its 合计 (20 rows, adding up to 502.40, the basic total)
    sections = {
        code: amount * 10000
        for (table, _s, code, _n, column), (amount, _l) in read_expected(EXPECTED).items()
        if table == "t06" and len(code) == 5 and column == "合计"
    }
    rows = {r["code"]: r["totalYuan"] for r in run(store, "expenditure-by-economic", level="section")}
    assert rows == sections and len(rows) == 20 and sum(rows.values()) == yuan("502.40")


def test_personnel_public_share(store: Any) -> None:
    # 表6 总计: 合计 502.40, 人员经费 460.94 (91.75 %), 公用经费 41.46 (8.25 %)
    assert [
        (r["basicYuan"], r["personnelYuan"], r["publicYuan"], r["personnelPercent"], r["publicPercent"])
        for r in run(store, "personnel-public-share")
    ] == [(yuan("502.40"), yuan("460.94"), yuan("41.46"), Decimal("91.75"), Decimal("8.25"))]


def test_sangong_per_staff(store: Any) -> None:
    # 表10: 合计 3.78 = 公务用车购置及运行费（小计）3.78; 出国、接待 blank; 在职 30 人 (line 64): 1,260.00 元 each
    assert [
        (r["abroadYuan"], r["receptionYuan"], r["vehicleYuan"], r["totalYuan"], r["staff"], r["perStaffYuan"])
        for r in run(store, "sangong-per-staff")
    ] == [(None, None, yuan("3.78"), yuan("3.78"), 30, Decimal("1260"))]


def test_running_cost_per_staff(store: Any) -> None:
    # line 473: 机关运行经费财政拨款预算41.46万元，比上年预算减少2.73万元; 在职 30 人; 表6 公用经费 41.46
    assert [
        (r["runningCostYuan"], r["staff"], r["perStaffYuan"], r["publicFundsYuan"], r["statedChangeYuan"])
        for r in run(store, "running-cost-per-staff")
    ] == [(yuan("41.46"), 30, Decimal("13820"), yuan("41.46"), yuan("-2.73"))]


def test_project_ranking(store: Any) -> None:
    # 表7 line 276: the one project line, 特定目标 1010122U under 2010399, 合计 985.00 (not the 款/类/总计 rows)
    assert [
        (r["projectName"], r["unitName"], r["amountYuan"], r["functions"]) for r in run(store, "project-ranking")
    ] == [("特定目标1010122U", UNIT, yuan("985.00"), "2010399")]


def test_unit_across_years(store: Any) -> None:
    rows = run(store, "unit-across-years", unitName=UNIT)
    assert [{k: v for k, v in r.items() if k not in ("disclosure", "unitName")} for r in rows] == [
        {
            "year": 2024,
            "kind": "单位预算",
            "incomeYuan": yuan("1487.40"),
            "expenditureYuan": yuan("1487.40"),
            "basicYuan": yuan("502.40"),
            "projectYuan": yuan("985.00"),
            "personnelYuan": yuan("460.94"),
            "publicYuan": yuan("41.46"),
            "sangongYuan": yuan("3.78"),
            "staff": 30,
        }
    ]
    assert run(store, "unit-across-years", unitName="没有这个单位") == []


def test_units_side_by_side(store: Any) -> None:
    # one unit in the store: it against itself, every difference 0
    rows = run(store, "units-side-by-side", unitA=UNIT, unitB=UNIT, year="2024")
    assert [(r["metric"], r["amountA"], r["amountB"], r["differenceYuan"]) for r in rows] == [
        ("income", yuan("1487.40"), yuan("1487.40"), 0),
        ("expenditure", yuan("1487.40"), yuan("1487.40"), 0),
        ("basic", yuan("502.40"), yuan("502.40"), 0),
        ("project", yuan("985.00"), yuan("985.00"), 0),
        ("personnel", yuan("460.94"), yuan("460.94"), 0),
        ("public", yuan("41.46"), yuan("41.46"), 0),
        ("sangong", yuan("3.78"), yuan("3.78"), 0),
    ]


def test_year_over_year(store: Any) -> None:
    assert run(store, "yoy-change") == []  # one year only
    # the changes the narrative states (amount, change, prior = amount − change, rate), by source line
    stated = {
        r["line"]: (r["subject"], r["amountYuan"], r["changeYuan"], r["priorYuan"], r["ratePercent"])
        for r in run(store, "yoy-stated", subject="")
    }
    assert stated == {
        372: ("income_gpb", yuan("1487.40"), yuan("996.48"), yuan("490.92"), Decimal("202.98")),
        376: ("income_fund", 0, 0, 0, 0),
        380: ("income_soce", 0, 0, 0, 0),
        388: ("basic", yuan("502.40"), yuan("11.48"), yuan("490.92"), Decimal("2.34")),
        390: ("project", yuan("985.00"), yuan("985.00"), 0, 100),
        408: ("basic", yuan("502.40"), yuan("11.48"), yuan("490.92"), Decimal("2.34")),
        410: ("project", yuan("985.00"), yuan("985.00"), 0, 100),
        419: ("function", yuan("447.05"), yuan("447.05"), 0, 100),
        421: ("function", yuan("985.00"), yuan("985.00"), 0, 100),
        423: ("function", yuan("2.80"), yuan("1.56"), yuan("1.24"), Decimal("125.81")),
        425: ("function", yuan("52.55"), yuan("1.72"), yuan("50.83"), Decimal("3.38")),
        427: ("function", 0, yuan("-438.85"), yuan("438.85"), -100),
    }
    assert sorted(r["line"] for r in run(store, "yoy-stated")) == [388, 408]  # default subject: basic


def test_quality_queries_find_nothing_wrong(store: Any) -> None:
    # the sample passes every rule; its narrative agrees with its tables (城管执法, only in the narrative, is 0)
    assert run(store, "quality-findings") == []
    assert run(store, "rule-failures") == []
    assert run(store, "rule-failures", rule="blsh:DisclosurePublicationDate") == []
    assert run(store, "narrative-disagreements") == []


def test_step_five_queries(store: Any) -> None:
    assert [(r["unitName"], r["year"], r["kind"]) for r in run(store, "disclosures")] == [(UNIT, 2024, "单位预算")]
    assert {r["classCode"]: r["totalYuan"] for r in run(store, "table3-by-function")} == {
        "201": yuan("1432.05"),
        "208": yuan("55.35"),
    }
    assert [(r["category"].rsplit("/", 1)[-1], r["amountYuan"]) for r in run(store, "three-public-expenses")] == [
        ("vehicle", yuan("3.78"))
    ]


def test_table3_adds_leaves_when_section_rows_are_left_out(tmp_path: Path) -> None:
    # the sample without its 款 rows "201 03 政府办公厅（室）及相关机构事务" (in 表2, 3, 5 and 7), as some disclosures
    # print only 类 and 项: 201's finer rows are then its 项 rows (2010350, 2010399), found by their codes' prefix,
    # and the 类 row 201 is not added to them (14320500, not twice that)
    text = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in text if not line.startswith("| 201 | 03 | |")]
    assert len(text) - len(kept) == 4  # lines 126, 149, 216, 275 of the sample
    variant = tmp_path / "no-sections.txt"
    variant.write_text("".join(kept), encoding="utf-8")
    summary = ingest([variant], tmp_path / "store")
    assert not summary.failed
    rows = run(open_store(tmp_path / "store"), "table3-by-function")
    assert {r["classCode"]: (r["totalYuan"], r["basicYuan"], r["projectYuan"]) for r in rows} == {
        "201": (yuan("1432.05"), yuan("447.05"), yuan("985.00")),
        "208": (yuan("55.35"), yuan("55.35"), 0),
    }


# --- the command line --------------------------------------------------------------------------------------


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["query", *args])


def test_cli_table_csv_json(store_path: Path) -> None:
    result = cli("units-totals", "--store", str(store_path), "--param", "year=2024")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "year",
        "unitName",
        "kind",
        "incomeYuan",
        "expenditureYuan",
        "basicYuan",
        "projectYuan",
        "disclosure",
    ]
    # the year as 2024 (not year:2024), the disclosure's IRI whole (never cut with …: it is what one copies)
    assert lines[2].startswith("2024  ") and UNIT in lines[2] and "14874000" in lines[2]
    assert lines[2].endswith(f"  {DISCLOSURE}") and "…" not in lines[2]
    # aligned by display width: the header's column starts where the row's does (a Chinese character is 2 wide)
    header, row = lines[0], lines[2]
    assert width(header[: header.index("incomeYuan") + len("incomeYuan")]) == width(row[: row.index("14874000") + 8])
    assert "(1 row)" in result.stderr

    result = cli("units-totals", "--store", str(store_path), "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (f"{Y2024},{UNIT},单位预算,14874000,14874000,5024000,9850000,{DISCLOSURE}")

    result = cli("personnel-public-share", "--store", str(store_path), "--format", "json", "-p", "year=2024")
    document = json.loads(result.stdout, parse_float=Decimal)
    assert document["query"] == "personnel-public-share" and document["params"] == {"year": Y2024}
    assert document["rows"][0]["personnelYuan"] == 4609400 and document["rows"][0]["personnelPercent"] == Decimal(
        "91.75"
    )


def test_cli_list_and_file(store_path: Path, tmp_path: Path) -> None:
    result = cli("--list")
    assert result.exit_code == 0
    for query in named_queries():
        assert query.name in result.stdout
    assert "--param year=…  iri" in result.stdout
    file = tmp_path / "mine.rq"
    file.write_text(
        "#+ params:\n#+   - {name: name, type: xsd:string, lang: zh}\n"
        "SELECT ?name ?d WHERE { GRAPH ?d { ?u <http://xmlns.com/foaf/0.1/name> ?name } }",
        encoding="utf-8",
    )
    result = cli(str(file), "--store", str(store_path), "-p", f"name={UNIT}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["name,d", f"{UNIT},{DISCLOSURE}"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "[ERROR] no query named 'nope'"),
        (["units-totals", "-p", "year=20x4"], "[ERROR] parameter year: expected a value matching [0-9]{4}"),
        (["units-totals", "-p", "yr=2024"], "[ERROR] unknown parameter 'yr' for query units-totals"),
        (["units-totals", "-p", "year"], "[ERROR] --param needs name=value"),
        (["expenditure-by-economic", "-p", "level=item"], "one of class, section"),
        (["missing.rq"], "[ERROR] no query file missing.rq"),
        ([], "[ERROR] name a query"),
    ],
)
def test_cli_errors(store_path: Path, args: list[str], message: str) -> None:
    result = cli(*args, "--store", str(store_path))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_cli_missing_store(tmp_path: Path) -> None:
    result = cli("units-totals", "--store", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert result.stderr.startswith("[ERROR] units-totals:") and "no data yet" in result.stderr
