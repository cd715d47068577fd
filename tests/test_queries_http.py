"""The named queries over HTTP on the live server (``live_server``: the sample and 20 generated disclosures,
10 units × 2023/2024): ``/queries`` (HTML and JSON), ``/queries/{name}`` in simple JSON, SPARQL JSON, CSV and
HTML with an inline SVG chart, errors (400 naming the parameter, 404), and ``budgetlod query --endpoint``
against the server's ``/sparql`` (VALUES-bound parameters through SPARQLWrapper) agreeing with ``--store``."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from budgetlod import resources
from budgetlod.cli import main

SAMPLE_UNIT = "乌鲁木齐市12345政务服务热线中心"
Y2024 = "http://reference.data.gov.uk/id/year/2024"
SVG = "{http://www.w3.org/2000/svg}"
UNITS_2024 = 11  # the sample and 10 generated units


def get(server: Any, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(f"{server.url}{path}", params=params, headers=headers, timeout=30)


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert match, "no inline SVG"
    return ET.fromstring(match.group())


def test_list_json_and_html(live_server: Any) -> None:
    response = get(live_server, "/queries")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    listing = response.json()
    assert [q["name"] for q in listing] == resources.queries()
    units_totals = next(q for q in listing if q["name"] == "units-totals")
    assert units_totals["title"] == {
        "zh": "各单位收支总额（某一年度）",
        "en": "Income and expenditure totals of every unit in a year",
    }
    assert units_totals["params"][0]["name"] == "year" and units_totals["params"][0]["default"] == "2024"
    assert units_totals["url"] == "/queries/units-totals?year=2024" and units_totals["chart"] is True
    html = get(live_server, "/queries", accept="text/html,application/xhtml+xml")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    for name in resources.queries():
        assert f'id="{name}"' in html.text
    assert "<code>year</code>" in html.text and "budgetlod query units-totals --param year=2024" in html.text
    assert get(live_server, "/queries", format="json").json() == listing


def test_run_simple_json(live_server: Any) -> None:
    response = get(live_server, "/queries/units-totals", year="2024")
    assert response.status_code == 200
    assert response.headers["X-Result-Truncated"] == "false" and response.headers["X-Row-Limit"] == "1000"
    document = json.loads(response.text, parse_float=Decimal)
    assert document["query"] == "units-totals" and document["params"] == {"year": Y2024}
    assert len(document["rows"]) == UNITS_2024
    sample = next(r for r in document["rows"] if r["unitName"] == SAMPLE_UNIT)
    # the sample's 2024 totals in yuan: 收入总计 1487.40, 支出合计 1487.40 = 502.40 + 985.00 万元
    assert (sample["incomeYuan"], sample["expenditureYuan"], sample["basicYuan"], sample["projectYuan"]) == (
        14874000,
        14874000,
        5024000,
        9850000,
    )
    assert get(live_server, "/queries/units-totals").json()["rows"] == document["rows"]  # the default is 2024
    rows_2023 = get(live_server, "/queries/units-totals", year="2023").json()["rows"]
    assert len(rows_2023) == 10 and SAMPLE_UNIT not in {r["unitName"] for r in rows_2023}


def test_run_csv_and_sparql_json(live_server: Any) -> None:
    response = get(live_server, "/queries/personnel-public-share", accept="text/csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    sample = next(r for r in rows if r["unitName"] == SAMPLE_UNIT)
    # 表6 总计: 502.40 = 人员经费 460.94 (91.75 %) + 公用经费 41.46 (8.25 %)
    assert (sample["basicYuan"], sample["personnelYuan"], sample["publicYuan"], sample["personnelPercent"]) == (
        "5024000",
        "4609400",
        "414600",
        "91.75",
    )
    response = get(live_server, "/queries/personnel-public-share", accept="application/sparql-results+json")
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == len(rows) == UNITS_2024
    assert get(live_server, "/queries/personnel-public-share", format="srj").json() == response.json()


def test_html_page_with_bar_chart(live_server: Any) -> None:
    response = get(live_server, "/queries/units-totals", accept="text/html", year="2024", lang="en")
    assert response.status_code == 200 and response.headers["content-language"] == "en"
    html = response.text
    assert "Income and expenditure totals of every unit in a year" in html
    assert '<input name="year" value="2024"' in html  # the parameters as a form
    assert "<script" not in html and "cdn" not in html.lower()
    svg = svg_of(html)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.startswith("Income and expenditure totals")  # type: ignore[union-attr]
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "label"]
    assert len(bars) == len(labels) == UNITS_2024  # one bar a unit, with its name
    assert SAMPLE_UNIT in labels
    sample_bar = next(b for b in bars if b.find(f"{SVG}title").text.startswith(SAMPLE_UNIT))  # type: ignore[union-attr]
    # drawn in 万元 as the table beside it shows amounts (the documents print 万元; the CSV keeps yuan)
    assert sample_bar.find(f"{SVG}title").text == f"{SAMPLE_UNIT}: 1,487.40 10k yuan"  # type: ignore[union-attr]
    assert html.count("<tr>") == UNITS_2024 + 1  # the result table: header and one row a unit


def test_html_chart_of_years_and_of_two_units(live_server: Any) -> None:
    # one unit across years: one bar a year (the generated unit 0 has 2023 and 2024)
    listing = get(live_server, "/queries/units-totals", year="2023").json()["rows"]
    unit = listing[0]["unitName"]
    html = get(live_server, "/queries/unit-across-years", accept="text/html", unitName=unit).text
    labels = [t.text for t in svg_of(html).iter(f"{SVG}text") if t.get("class") == "label"]
    assert labels == ["2023 单位预算", "2024 单位预算"]
    # two units side by side: a group a figure, a bar a unit, the legend names them
    html = get(live_server, "/queries/units-side-by-side", accept="text/html", unitA=SAMPLE_UNIT, unitB=unit).text
    svg = svg_of(html)
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 2 * 7
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "legend"]
    assert legend == [SAMPLE_UNIT, unit]


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/queries/units-totals", {"year": "abc"}, 400, "parameter year: expected a value matching [0-9]{4}"),
        ("/queries/units-totals", {"year": "1800"}, 400, "parameter year"),
        ("/queries/units-totals", {"yr": "2024"}, 400, "unknown parameter 'yr' for query units-totals"),
        (
            "/queries/expenditure-by-economic",
            {"level": "item"},
            400,
            "parameter level: expected a text (xsd:string), one of class, section",
        ),
        ("/queries/rule-failures", {"rule": "not an iri"}, 400, "parameter rule: expected an absolute IRI"),
        ("/queries/nope", {}, 404, "no query named 'nope'"),
    ],
)
def test_errors(live_server: Any, path: str, params: dict[str, str], status: int, message: str) -> None:
    response = get(live_server, path, **params)
    assert response.status_code == status
    assert message in response.text


def test_cli_endpoint_agrees_with_store(live_server: Any) -> None:
    runner = CliRunner()
    args = ["query", "sangong-per-staff", "--param", "year=2024", "--format", "csv"]
    over_http = runner.invoke(main, [*args, "--endpoint", f"{live_server.url}/sparql"])
    local = runner.invoke(main, [*args, "--store", str(live_server.store)])
    assert over_http.exit_code == 0 and local.exit_code == 0, over_http.output + local.output
    assert sorted(over_http.stdout.splitlines()) == sorted(local.stdout.splitlines())
    sample = next(line for line in local.stdout.splitlines() if SAMPLE_UNIT in line)
    assert sample.split(",")[1:8] == [SAMPLE_UNIT, "", "", "37800", "37800", "30", "1260"]
    failed = runner.invoke(main, ["query", "units-totals", "--endpoint", f"{live_server.url}/nowhere"])
    assert failed.exit_code == 2 and failed.stderr.startswith("[ERROR] units-totals:")
