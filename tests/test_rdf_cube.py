"""Tables -> Data Cube: every printed figure exactly once, exact, located; a SPARQL round trip."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from expected import parsed_figures, read_expected
from paths import SAMPLE
from pyoxigraph import Literal, RdfFormat, Store
from round_trip import ROUND_TRIP, figure_key

from budgetlod.formats import RDF_FORMATS, to_bytes
from budgetlod.parse.document import parse_file, parse_text
from budgetlod.prefixes import sparql_header
from budgetlod.rdf.cube import name_findings
from budgetlod.rdf.dsd import dsd_turtle
from budgetlod.rdf.graph import to_quads

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).resolve().parent / "cases" / "sample" / "expected.tsv"
GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"


def store_of(path: Path) -> Store:
    store = Store()
    store.load(to_bytes(to_quads(parse_file(path)), "nq"), format=RdfFormat.N_QUADS)
    return store


def rebuilt_figures(store: Store) -> dict[tuple[str, str, str, str, str], tuple[Decimal, int]]:
    figures: dict[tuple[str, str, str, str, str], tuple[Decimal, int]] = {}
    for s in store.query(ROUND_TRIP, use_default_graph_as_union=True):  # type: ignore[union-attr]
        code = s["code"].value if s["code"] is not None else ""
        key = figure_key(s["type"].value, s["op"].value, code, s["name"].value, s["column"].value)
        assert key not in figures, f"figure twice in the graph: {key}"
        amount = s["amount"]
        assert isinstance(amount, Literal)
        figures[key] = (Decimal(amount.value), int(s["line"].value))
        assert Decimal(s["yuan"].value) == Decimal(amount.value) * 10000
    return figures


def test_every_printed_figure_is_one_observation_with_its_locator() -> None:
    rebuilt = rebuilt_figures(store_of(SAMPLE))
    expected = read_expected(EXPECTED)
    assert len(expected) == 148
    assert rebuilt == expected  # exact decimals as printed, and the source lines


def test_round_trip_equals_the_parser() -> None:
    disclosure = parse_file(SAMPLE)
    in_yuan = {k: (v * 10000, line) for k, (v, line) in rebuilt_figures(store_of(SAMPLE)).items()}
    assert in_yuan == parsed_figures(disclosure)


def test_amounts_are_exact_decimals() -> None:
    """The converted graph keeps the printed lexical form; a store keeps the exact value
    (Oxigraph stores xsd:decimal canonically: 1487.40 is read back as 1487.4, the same number)."""
    subject = f"{GRAPH}/t01/income/total/amount"
    quads = [q for q in to_quads(parse_file(SAMPLE)) if q.subject.value == subject]
    objects = {q.predicate.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: str(q.object) for q in quads}
    assert objects["amount"] == '"1487.40"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    assert objects["amountInYuan"] == '"14874000.00"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    query = (
        sparql_header()
        + f"""
      SELECT ?amount ?yuan WHERE {{ GRAPH <{GRAPH}> {{
        <{subject}> obeu-measure:amount ?amount ; bl:amountInYuan ?yuan }} }}"""
    )
    (row,) = list(store_of(SAMPLE).query(query))  # type: ignore[arg-type]
    assert Decimal(row["amount"].value) == Decimal("1487.40") and row["amount"].datatype.value.endswith("#decimal")
    assert Decimal(row["yuan"].value) == Decimal("14874000")


def test_blank_is_no_observation_and_zero_is_one() -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("| 202 外交支出 | |", "| 202 外交支出 | 0.00 |")
    quads = to_quads(parse_text(text, "zero.txt"))
    zero = [q for q in quads if q.subject.value == f"{GRAPH}/t01/expenditure/202/amount"]
    assert any(q.predicate.value.endswith("/amount") and q.object.value == "0.00" for q in zero)
    blank = [q for q in to_quads(parse_file(SAMPLE)) if q.subject.value == f"{GRAPH}/t01/expenditure/202/amount"]
    assert blank == []


def test_dimensions_of_an_observation() -> None:
    store = store_of(SAMPLE)
    obs = f"<{GRAPH}/t02/2010350/gpb>"
    query = sparql_header() + f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ {obs} ?p ?o }} }}"
    got = {(s["p"].value, s["o"].value) for s in store.query(query)}  # type: ignore[union-attr]
    cl = "https://w3id.org/budgetlod/codelist/"
    assert {
        (
            "http://data.openbudgets.eu/ontology/dsd/dimension/organization",
            "https://w3id.org/budgetlod/id/unit/c694353348dbd08a",
        ),
        ("http://data.openbudgets.eu/ontology/dsd/dimension/fiscalYear", "http://reference.data.gov.uk/id/year/2024"),
        (
            "http://data.openbudgets.eu/ontology/dsd/dimension/budgetPhase",
            "http://data.openbudgets.eu/resource/codelist/budget-phase/approved",
        ),
        (
            "http://data.openbudgets.eu/ontology/dsd/dimension/operationCharacter",
            "http://data.openbudgets.eu/resource/codelist/operation-character/revenue",
        ),
        ("https://w3id.org/budgetlod/ontology#functionalClassification", f"{cl}function/2010350"),
        ("https://w3id.org/budgetlod/ontology#fundingSource", f"{cl}funding-source/gpb"),
        ("https://w3id.org/budgetlod/ontology#aggregationLevel", f"{cl}level/item"),
        ("http://data.openbudgets.eu/ontology/dsd/measure/amount", "447.05"),
        ("https://w3id.org/budgetlod/ontology#sourceLine", "127"),
        ("https://w3id.org/budgetlod/ontology#sourceColumn", "财政拨款（补助）/一般公共预算"),
    } <= got


def test_convert_is_deterministic_and_has_one_named_graph(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.nq", "b.nq"):
        result = subprocess.run(
            [sys.executable, "-m", "budgetlod", "convert", "--to", "nq", "-q", "-o", str(tmp_path / name), str(SAMPLE)],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    graphs = {line.rsplit(" ", 2)[-2] for line in outputs[0].decode().splitlines() if line}
    assert graphs == {f"<{GRAPH}>"}


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"])
def test_convert_formats_parse_back(fmt: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "budgetlod", "convert", "--to", fmt, "-q", str(SAMPLE)], capture_output=True
    )
    assert result.returncode == 0
    store = Store()
    store.load(result.stdout, format=RDF_FORMATS[fmt])
    count = store.query(
        sparql_header()
        + "SELECT (COUNT(*) AS ?n) WHERE { { ?o a qb:Observation } UNION { GRAPH ?g { ?o a qb:Observation } } }"
    )
    assert int(next(iter(count))["n"].value) == 148  # type: ignore[call-overload]


def test_convert_refuses_what_cannot_be_named(tmp_path: Path) -> None:
    path = tmp_path / "noyear.txt"
    path.write_text("表 3\n\n单位支出总体情况表\n\n| 科目 | 合计 |\n|---|---|\n| 总计 | 1.00 |\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "budgetlod", "convert", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("cannot name the disclosure: unit, year, phase not found in the document")


def test_generated_dsd_is_current() -> None:
    assert (ROOT / "ontology" / "dsd.ttl").read_text(encoding="utf-8") == dsd_turtle(), (
        "ontology/dsd.ttl is stale: run python -m budgetlod.rdf.dsd"
    )


def test_convert_with_vocabulary_puts_ontology_and_code_lists_in_their_own_graphs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "budgetlod", "convert", "--to", "nq", "-q", "--with-vocabulary", str(SAMPLE)],
        capture_output=True,
    )
    assert result.returncode == 0
    store = Store()
    store.load(result.stdout, format=RdfFormat.N_QUADS)
    graphs = sorted(g.value for g in store.named_graphs())
    assert graphs == [
        "https://w3id.org/budgetlod/codelist",
        GRAPH,
        "https://w3id.org/budgetlod/ontology",
    ]
    ask = (
        sparql_header()
        + """ASK { GRAPH <https://w3id.org/budgetlod/codelist> { blf:201 skos:prefLabel "一般公共服务支出"@zh }
        GRAPH <https://w3id.org/budgetlod/ontology> { bldsd:t03 a qb:DataStructureDefinition } }"""
    )
    assert bool(store.query(ask))
    refused = subprocess.run(
        [sys.executable, "-m", "budgetlod", "convert", "--to", "ttl", "--with-vocabulary", str(SAMPLE)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "--with-vocabulary needs a quad format (jsonld, nq, trig)" in refused.stderr


def test_printed_names_that_differ_from_the_code_list_are_reported_and_kept() -> None:
    text = (
        SAMPLE.read_text(encoding="utf-8")
        .replace(
            "| 201 | 03 | 50 | 事业运行 | 447.05 | 447.05 | 447.05 |",
            "| 201 | 03 | 50 | 事业运行支出 | 447.05 | 447.05 | 447.05 |",
        )
        .replace(
            "| 201 | 03 | 99 | 其他政府办公厅（室）及相关机构事务支出 | 985.00 | 985.00 | 985.00 |",
            "| 201 | 03 | 98 | 其他政府办公厅（室）及相关机构事务支出 | 985.00 | 985.00 | 985.00 |",
        )
    )
    disclosure = parse_text(text, "names.txt")
    found = [(f.code, f.line, f.table, f.message) for f in name_findings(disclosure) if f.line in (127, 128)]
    assert found == [
        (
            "M001",
            127,
            "表2",
            "2010350 is printed as '事业运行支出'; the code list calls it '事业运行' (kept as skos:altLabel)",
        ),
        (
            "M002",
            128,
            "表2",
            "2010398 is not in the code list (function); declared in the document's graph as printed: "
            "'其他政府办公厅（室）及相关机构事务支出'",
        ),
    ]
    quads = {
        (q.subject.value.rsplit("/", 1)[-1], q.predicate.value.rsplit("#", 1)[-1], q.object.value)
        for q in to_quads(disclosure)
        if "/codelist/function/" in q.subject.value
    }
    assert ("2010350", "altLabel", "事业运行支出") in quads
    assert ("2010398", "inScheme", "https://w3id.org/budgetlod/codelist/function") in quads
    assert ("2010398", "broader", "https://w3id.org/budgetlod/codelist/function/20103") in quads
