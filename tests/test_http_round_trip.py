"""The round trip through HTTP: every figure of the sample can be found through /sparql and on the
disclosure's HTML page (148 figures, hand-checked in tests/cases/sample/expected.tsv)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path

from live_server import LiveServer
from test_cases import read_expected
from test_linked_data import parsed

from budgetlod.prefixes import sparql_header
from budgetlod.specs import spec

EXPECTED = Path(__file__).resolve().parent / "cases" / "sample" / "expected.tsv"
GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
FIGURES = (
    sparql_header()
    + f"""
SELECT ?type ?op ?code ?name ?column ?amount ?line WHERE {{ GRAPH <{GRAPH}> {{
  ?obs a qb:Observation ; qb:dataSet ?ds ; obeu-measure:amount ?amount ; bl:sourceColumn ?column ;
       bl:printedName ?name ; bl:sourceLine ?line ; obeu-dimension:operationCharacter ?op .
  ?ds bl:tableType ?type .
  OPTIONAL {{ ?obs bl:printedCode ?code }} }} }}"""
)


def test_every_figure_of_the_sample_through_sparql(live_server: LiveServer) -> None:
    body = urllib.parse.urlencode({"query": FIGURES}).encode()
    request = urllib.request.Request(
        f"{live_server.url}/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["X-Result-Truncated"] == "false"
        bindings = json.load(response)["results"]["bindings"]
    got = {}
    for b in bindings:
        table = b["type"]["value"].rsplit("/", 1)[-1]
        side = ""
        if spec(table).kind == "two_sided":
            side = "income" if b["op"]["value"].endswith("revenue") else "expenditure"
        key = (table, side, b.get("code", {}).get("value", ""), b["name"]["value"], b["column"]["value"])
        assert key not in got
        assert b["amount"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
        got[key] = (Decimal(b["amount"]["value"]), int(b["line"]["value"]))
    assert got == read_expected(EXPECTED)


def test_every_figure_of_the_sample_on_the_disclosure_page(live_server: LiveServer) -> None:
    request = urllib.request.Request(
        f"{live_server.url}/id/disclosure/c694353348dbd08a/2024/unit-budget", headers={"Accept": "text/html"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode("utf-8")
    expected: dict[str, Counter[str]] = {}
    for (table, *_), (value, _line) in read_expected(EXPECTED).items():
        expected.setdefault(table, Counter())[f"{value:,.2f}"] += 1
    assert sum(sum(c.values()) for c in expected.values()) == 148
    for table, figures in expected.items():
        shown = Counter(
            text
            for row in parsed(page, table).rows
            for attrs, text in row.cells
            if "figure" in attrs.get("class", "").split()
        )
        assert shown == figures, table
