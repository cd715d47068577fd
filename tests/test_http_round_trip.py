"""The round trip through HTTP: every figure of the sample can be found through /sparql and on the
disclosure's HTML page (148 figures, hand-checked in tests/cases/sample/expected.tsv)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path

from expected import read_expected
from html_tables import parsed
from live_server import LiveServer
from round_trip import ROUND_TRIP, figure_key

EXPECTED = Path(__file__).resolve().parent / "cases" / "sample" / "expected.tsv"
GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"


def test_every_figure_of_the_sample_through_sparql(live_server: LiveServer) -> None:
    # the sample's graph as the default graph: the round-trip query of tests/test_rdf_cube.py, unchanged
    body = urllib.parse.urlencode({"query": ROUND_TRIP, "default-graph-uri": GRAPH}).encode()
    request = urllib.request.Request(
        f"{live_server.url}/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["X-Result-Truncated"] == "false"
        bindings = json.load(response)["results"]["bindings"]
    got = {}
    for b in bindings:
        code = b.get("code", {}).get("value", "")
        key = figure_key(b["type"]["value"], b["op"]["value"], code, b["name"]["value"], b["column"]["value"])
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
