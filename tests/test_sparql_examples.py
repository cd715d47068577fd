"""The example queries of ``queries/`` (listed at /sparql/examples, used by the query page) give correct
results on the live store (``live_server``: the sample and 20 generated disclosures)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from expected import read_expected

from budgetlod import resources
from budgetlod.prefixes import sparql_header

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "cases" / "sample" / "expected.tsv"
SAMPLE_GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
SAMPLE_UNIT = "乌鲁木齐市12345政务服务热线中心"
SAMPLE_TITLE = "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"
DISCLOSURES = 21  # the sample and 20 generated
YEAR_2024 = "http://reference.data.gov.uk/id/year/2024"


@pytest.fixture(scope="module")
def endpoint(live_server: Any) -> str:
    return f"{live_server.url}/sparql"


def run_json(endpoint: str, query: str) -> list[dict[str, str]]:
    response = httpx.post(endpoint, data={"query": query}, headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["X-Result-Truncated"] == "false"
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_examples_endpoint_lists_the_queries(live_server: Any) -> None:
    examples = httpx.get(f"{live_server.url}/sparql/examples", timeout=10).json()
    names = [e["name"] for e in examples]
    assert names == resources.queries()
    assert {"disclosures", "table3-by-function", "three-public-expenses", "quality-findings"} <= set(names)
    for example in examples:
        assert " / " in example["summary"], example  # zh / en
        # the editor gets the query without its #+ header (the description is shown apart)
        text = resources.query(example["name"])
        assert example["description"] and not example["query"].startswith("#+")
        assert example["query"].strip() and example["query"].strip() in text
        assert text.rstrip().endswith(example["query"].rstrip()) and "#+ summary" in text


def test_example_disclosures(endpoint: str) -> None:
    rows = run_json(endpoint, resources.query("disclosures"))
    assert len(rows) == DISCLOSURES == len({r["disclosure"] for r in rows})
    sample = [r for r in rows if r["disclosure"] == SAMPLE_GRAPH]
    assert sample == [
        {
            "disclosure": SAMPLE_GRAPH,
            "unit": "https://w3id.org/budgetlod/id/unit/c694353348dbd08a",
            "unitName": SAMPLE_UNIT,
            "year": "2024",
            "kind": "单位预算",
            "title": SAMPLE_TITLE,
        }
    ]


def test_example_table_3_by_function_adds_leaves_only(endpoint: str) -> None:
    rows = run_json(endpoint, resources.query("table3-by-function"))
    sample = {r["classCode"]: r for r in rows if r["unitName"] == SAMPLE_UNIT and r["year"] == YEAR_2024}
    # the sums of the sample's most detailed rows (项, 7 digits), by class (the first 3 digits), in yuan
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (table, _side, code, _name, column), (value, _line) in read_expected(EXPECTED).items():
        if table == "t03" and len(code) == 7:
            sums[code[:3]][column] += value * 10000
    assert set(sample) == set(sums) == {"201", "208"}
    for code, by_column in sums.items():
        assert Decimal(sample[code]["totalYuan"]) == by_column["合计"]
        assert Decimal(sample[code]["basicYuan"]) == by_column["基本支出"]
        assert Decimal(sample[code]["projectYuan"]) == by_column["项目支出"]
    assert Decimal(sample["201"]["totalYuan"]) == Decimal("14320500")  # the printed 类 row, not twice it
    # every disclosure: the leaf sums equal the printed 类 rows (the generated documents add up)
    printed = run_json(
        endpoint,
        sparql_header()
        + """SELECT ?unitName ?yearIri ?code ?nature ?yuan WHERE { GRAPH ?d {
          ?d bl:budgetUnit ?u ; dct:temporal ?yearIri ; bl:table ?t . ?u foaf:name ?unitName . ?t bl:tableType blt:t03 .
          ?c qb:dataSet ?t ; bl:aggregationLevel bll:class ; bl:functionalClassification ?f ;
             bl:expenditureNature ?nature ; bl:amountInYuan ?yuan . }
          BIND(STRAFTER(STR(?f), "function/") AS ?code) }""",
    )
    column = {"_T": "totalYuan", "basic": "basicYuan", "project": "projectYuan"}
    by_key = {(r["unitName"], r["year"], r["classCode"]): r for r in rows}
    assert len(by_key) == len(rows)
    checked = 0
    for p in printed:
        row = by_key[(p["unitName"], p["yearIri"], p["code"])]
        assert Decimal(row[column[p["nature"].rsplit("/", 1)[-1]]]) == Decimal(p["yuan"])
        checked += 1
    assert checked > 100


def test_example_three_public_expenses(endpoint: str) -> None:
    rows = run_json(endpoint, resources.query("three-public-expenses"))
    sample = [r for r in rows if r["unitName"] == SAMPLE_UNIT]
    assert [(r["category"].rsplit("/", 1)[-1], r["categoryName"], r["amountYuan"]) for r in sample] == [
        ("vehicle", "公务用车购置及运行费", "37800")
    ]
    assert {r["category"].rsplit("/", 1)[-1] for r in rows} <= {"abroad", "reception", "vehicle"}
    assert len({(r["unitName"], r["year"]) for r in rows}) > 10


def test_example_quality_findings(endpoint: str) -> None:
    rows = run_json(endpoint, resources.query("quality-findings"))
    direct = run_json(
        endpoint,
        sparql_header()
        + """SELECT ?d ?rule (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?d {
          ?d dqv:hasQualityAnnotation ?a . ?a a dqv:QualityAnnotation ; sh:sourceShape ?rule } } GROUP BY ?d ?rule""",
    )
    assert {(r["disclosure"], r["rule"], r["times"]) for r in rows} == {(r["d"], r["rule"], r["n"]) for r in direct}
    for row in rows:
        assert row["severity"].startswith("http://www.w3.org/ns/shacl#")
