"""Comunica (a JavaScript SPARQL engine, ``@comunica/query-sparql`` in tests/node) queries the live endpoint
as a SPARQL source and gets the same rows as a direct request. Skipped, with the reason, where Node.js or
the Node packages are missing (``cd tests/node && npm ci`` installs them)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from tools import require

from budgetlod import resources

NODE_DIR = Path(__file__).resolve().parent / "node"
SCRIPT = NODE_DIR / "comunica.mjs"
SAMPLE_GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Row = tuple[tuple[str, str, str, str, str], ...]


def comunica(endpoint: str, query: str) -> list[Row]:
    node = require("npm:@comunica/query-sparql")
    done = subprocess.run(
        [node, str(SCRIPT), endpoint], input=query.encode(), capture_output=True, timeout=120, cwd=NODE_DIR
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    rows: list[dict[str, dict[str, str]]] = json.loads(done.stdout)
    return sorted(
        tuple(sorted((v, t["termType"], t["value"], t["language"], t["datatype"]) for v, t in row.items()))
        for row in rows
    )


def direct(endpoint: str, query: str) -> list[Row]:
    response = httpx.post(endpoint, data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text

    def term(name: str, value: dict[str, str]) -> tuple[str, str, str, str, str]:
        if value["type"] == "uri":
            return (name, "NamedNode", value["value"], "", "")
        if value["type"] == "bnode":
            return (name, "BlankNode", value["value"], "", "")
        language = value.get("xml:lang", "")
        datatype = RDF_LANG_STRING if language else value.get("datatype", XSD_STRING)
        return (name, "Literal", value["value"], language, datatype)

    bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
    return sorted(tuple(sorted(term(k, v) for k, v in b.items())) for b in bindings)


@pytest.fixture(scope="module")
def endpoint(live_server: Any) -> str:
    return f"{live_server.url}/sparql"


def test_comunica_select_with_language_tags_and_datatypes(endpoint: str) -> None:
    query = f"""PREFIX dct: <http://purl.org/dc/terms/>
    SELECT ?title ?issued ?publisher WHERE {{
      <{SAMPLE_GRAPH}> dct:title ?title ; dct:issued ?issued ; dct:publisher ?publisher }}"""
    rows = comunica(endpoint, query)
    assert rows == [
        (
            ("issued", "Literal", "2024-03-01", "", "http://www.w3.org/2001/XMLSchema#date"),
            ("publisher", "NamedNode", "https://w3id.org/budgetlod/id/unit/c694353348dbd08a", "", ""),
            ("title", "Literal", "乌鲁木齐市12345政务服务热线中心2024年单位预算公开", "zh", RDF_LANG_STRING),
        )
    ]
    assert rows == direct(endpoint, query)


@pytest.mark.parametrize("name", ["disclosures", "three-public-expenses"])
def test_comunica_runs_the_example_queries(endpoint: str, name: str) -> None:
    query = resources.query(name)
    rows = comunica(endpoint, query)
    assert len(rows) > 20
    assert rows == direct(endpoint, query)
