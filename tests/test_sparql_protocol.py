"""The SPARQL 1.1 Protocol at /sparql against a real server (``live_server``: the sample and 20 generated
disclosures; query timeout 3 s, row limit 1000), through real clients: SPARQLWrapper, rdflib's
SPARQLStore, httpx."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from expected import read_expected
from pyoxigraph import DefaultGraph, RdfFormat, parse, serialize
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

from budgetlod.prefixes import sparql_header

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "cases" / "sample" / "expected.tsv"
SAMPLE_GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
SAMPLE_UNIT = "乌鲁木齐市12345政务服务热线中心"
SAMPLE_TITLE = "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"
DISCLOSURES = 21  # the sample and 20 generated
ROW_LIMIT = 1000
SRX = "{http://www.w3.org/2005/sparql-results#}"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
TITLE_QUERY = f"""PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?title WHERE {{ <{SAMPLE_GRAPH}> dct:title ?title }}"""
RUNAWAY = """PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT (COUNT(*) AS ?n) WHERE { ?a a qb:Observation . ?b a qb:Observation . ?c a qb:Observation }"""
SIMPLE = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"

SELECT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nq": "application/n-quads",
    "trig": "application/trig",
}
# SPARQLWrapper 2.0 builds RDF/XML answers into an rdflib ConjunctiveGraph (deprecated in rdflib 7)
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
RDFLIB_NAMES = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@pytest.fixture(scope="module")
def endpoint(live_server: Any) -> str:
    return f"{live_server.url}/sparql"


def wrapper(endpoint: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method != "GET":
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED if method == "form" else POSTDIRECTLY)
    return client


def get(endpoint: str, query: str, **kwargs: Any) -> httpx.Response:
    params = {"query": query, **kwargs.pop("params", {})}
    return httpx.get(endpoint, params=params, timeout=30, **kwargs)


# --- real clients ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "form", "direct"])
def test_sparqlwrapper_select_json(endpoint: str, method: str) -> None:
    result = wrapper(endpoint, TITLE_QUERY, JSON, method).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["title"]
    assert data["results"]["bindings"] == [{"title": {"type": "literal", "value": SAMPLE_TITLE, "xml:lang": "zh"}}]


def test_sparqlwrapper_select_xml(endpoint: str) -> None:
    query = f"""PREFIX dct: <http://purl.org/dc/terms/>
    SELECT ?title ?issued ?unit WHERE {{ <{SAMPLE_GRAPH}> dct:title ?title ; dct:issued ?issued ; dct:publisher ?unit }}"""
    document = wrapper(endpoint, query, XML).query().convert()  # an xml.dom.minidom Document
    root = ET.fromstring(document.toxml())
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["title", "issued", "unit"]
    (result,) = list(root.iter(f"{SRX}result"))
    bindings = {b.get("name"): b[0] for b in result.iter(f"{SRX}binding")}
    assert bindings["title"].tag == f"{SRX}literal" and bindings["title"].text == SAMPLE_TITLE
    assert bindings["title"].get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert bindings["issued"].get("datatype") == "http://www.w3.org/2001/XMLSchema#date"
    assert bindings["issued"].text == "2024-03-01"
    assert bindings["unit"].tag == f"{SRX}uri" and bindings["unit"].text.endswith("/unit/c694353348dbd08a")


def test_sparqlwrapper_select_csv_and_tsv(endpoint: str) -> None:
    query = f"""PREFIX dct: <http://purl.org/dc/terms/>
    SELECT ?title ?issued ?unit ?none WHERE {{ <{SAMPLE_GRAPH}> dct:title ?title ; dct:issued ?issued ; dct:publisher ?unit }}"""
    raw_csv = wrapper(endpoint, query, CSV).query().convert()
    assert raw_csv.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw_csv.decode("utf-8"))))
    assert rows[0] == ["title", "issued", "unit", "none"]
    assert rows[1][:2] == [SAMPLE_TITLE, "2024-03-01"] and rows[1][2].startswith("https://") and rows[1][3] == ""
    raw_tsv = wrapper(endpoint, query, TSV).query().convert().decode("utf-8")
    header, line = raw_tsv.rstrip("\n").split("\n")
    assert header == "?title\t?issued\t?unit\t?none"
    title, issued, unit, none = line.split("\t")
    assert title == f'"{SAMPLE_TITLE}"@zh'
    assert issued == '"2024-03-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    assert unit.startswith("<https://") and unit.endswith(">") and none == ""


def test_tsv_numbers_and_escapes(endpoint: str) -> None:
    query = 'SELECT ?i ?d ?s WHERE { VALUES (?i ?d ?s) { (42 1.50 "a\\tb\\n\\"c\\"") } }'
    response = get(endpoint, query, headers={"Accept": "text/tab-separated-values"})
    assert response.text == '?i\t?d\t?s\n42\t1.5\t"a\\tb\\n\\"c\\""\n'
    response = get(endpoint, query, headers={"Accept": "text/csv"})
    assert response.text == 'i,d,s\r\n42,1.5,"a\tb\n""c"""\r\n'


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(endpoint: str, fmt: str) -> None:
    yes = wrapper(endpoint, f"ASK {{ GRAPH <{SAMPLE_GRAPH}> {{ ?s ?p ?o }} }}", fmt).query().convert()
    no = wrapper(endpoint, "ASK { <http://example.org/nothing> ?p ?o }", fmt).query().convert()
    if fmt == JSON:
        assert yes == {"head": {}, "boolean": True} and no["boolean"] is False
    else:
        assert yes.getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("method", ["GET", "form"])
def test_sparqlwrapper_construct_into_rdflib(endpoint: str, method: str) -> None:
    query = f"CONSTRUCT {{ <{SAMPLE_GRAPH}> ?p ?o }} WHERE {{ GRAPH <{SAMPLE_GRAPH}> {{ <{SAMPLE_GRAPH}> ?p ?o }} }}"
    graph = wrapper(endpoint, query, RDFXML, method).query().convert()
    assert isinstance(graph, rdflib.Graph)
    title = graph.value(rdflib.URIRef(SAMPLE_GRAPH), rdflib.DCTERMS.title)
    assert str(title) == SAMPLE_TITLE and title.language == "zh"
    turtle = wrapper(endpoint, query, TURTLE, method).query().convert()
    again = rdflib.Graph().parse(data=turtle, format="turtle")
    assert isomorphic(graph, again)


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat="json"))
    rows = list(graph.query(TITLE_QUERY))
    assert [str(r[0]) for r in rows] == [SAMPLE_TITLE]
    assert graph.query(f"ASK {{ <{SAMPLE_GRAPH}> a ?type }}").askAnswer is True
    query = sparql_header() + "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?d { ?d a bl:Disclosure } }"
    assert [int(r[0]) for r in graph.query(query)] == [DISCLOSURES]
    xml_graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint, returnFormat="xml"))
    assert [str(r[0]) for r in xml_graph.query(TITLE_QUERY)] == [SAMPLE_TITLE]


# --- the sample's 表3 through /sparql ---------------------------------------------------------------


def test_every_figure_of_the_sample_table_3(endpoint: str) -> None:
    expected = {k: v for k, v in read_expected(EXPECTED).items() if k[0] == "t03"}
    assert len(expected) == 21  # nine rows, blank cells not reported
    query = (
        sparql_header()
        + f"""SELECT ?code ?name ?column ?amount ?yuan ?line WHERE {{
      GRAPH <{SAMPLE_GRAPH}> {{
        ?obs qb:dataSet <{SAMPLE_GRAPH}/t03> ; bl:printedName ?name ; bl:sourceColumn ?column ;
             obeu-measure:amount ?amount ; bl:amountInYuan ?yuan ; bl:sourceLine ?line .
        OPTIONAL {{ ?obs bl:printedCode ?code }}
      }}
    }}"""
    )
    data = get(endpoint, query, headers={"Accept": "application/sparql-results+json"}).json()
    found: dict[tuple[str, str, str, str, str], tuple[Decimal, int]] = {}
    for b in data["results"]["bindings"]:
        key = ("t03", "", b.get("code", {}).get("value", ""), b["name"]["value"], b["column"]["value"])
        assert key not in found
        amount = Decimal(b["amount"]["value"])
        assert Decimal(b["yuan"]["value"]) == amount * 10000
        assert b["amount"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
        found[key] = (amount, int(b["line"]["value"]))
    assert found == expected


# --- content negotiation -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SELECT_TYPES))
def test_select_formats_by_accept_and_by_parameter(endpoint: str, name: str) -> None:
    media_type = SELECT_TYPES[name]
    for response in (
        get(endpoint, TITLE_QUERY, headers={"Accept": media_type}),
        get(endpoint, TITLE_QUERY, params={"format": name}),
        get(endpoint, TITLE_QUERY, params={"format": media_type}),
        httpx.post(endpoint, data={"query": TITLE_QUERY, "format": name}, timeout=30),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == media_type
        assert SAMPLE_TITLE in response.text


@pytest.mark.parametrize("name", sorted(GRAPH_TYPES))
def test_graph_formats_by_accept_and_by_parameter(endpoint: str, name: str) -> None:
    media_type = GRAPH_TYPES[name]
    query = f"CONSTRUCT {{ <{SAMPLE_GRAPH}> ?p ?o }} WHERE {{ <{SAMPLE_GRAPH}> ?p ?o }}"
    reference: rdflib.Graph | None = None
    for response in (
        get(endpoint, query, headers={"Accept": media_type}),
        get(endpoint, query, params={"format": name}),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == media_type
        if name in ("nq", "trig"):  # the triples in the default graph
            quads = list(parse(response.content, format=RdfFormat.from_media_type(media_type)))
            assert quads and all(isinstance(q.graph_name, DefaultGraph) for q in quads)
            ntriples = serialize([q.triple for q in quads], format=RdfFormat.N_TRIPLES)
            graph = rdflib.Graph().parse(data=ntriples, format="nt")
        else:
            graph = rdflib.Graph().parse(data=response.content, format=RDFLIB_NAMES[name])
        assert str(graph.value(rdflib.URIRef(SAMPLE_GRAPH), rdflib.DCTERMS.title)) == SAMPLE_TITLE
        reference = reference or graph
        assert len(graph) == len(reference) > 20


def test_defaults_when_accept_is_absent_or_anything(endpoint: str) -> None:
    construct = f"DESCRIBE <{SAMPLE_GRAPH}>"
    for accept in (None, "*/*", "application/*"):
        headers = {"Accept": accept} if accept else {}
        select = httpx.get(endpoint, params={"query": TITLE_QUERY}, headers=headers, timeout=30)
        assert select.headers["Content-Type"].startswith("application/sparql-results+json")
        ask = httpx.get(endpoint, params={"query": "ASK {}"}, headers=headers, timeout=30)
        assert ask.json() == {"head": {}, "boolean": True}
        graph = httpx.get(endpoint, params={"query": construct}, headers=headers, timeout=30)
        expected = "text/turtle" if accept != "application/*" else "application/n-triples"
        assert graph.headers["Content-Type"].split(";")[0] == expected
        assert graph.status_code == 200


def test_q_values_decide(endpoint: str) -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, application/sparql-results+xml;q=0.1"
    assert get(endpoint, TITLE_QUERY, headers={"Accept": accept}).headers["Content-Type"].startswith("text/csv")
    accept = "text/*;q=0.3, text/tab-separated-values;q=0.8"
    response = get(endpoint, TITLE_QUERY, headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    accept = "application/json"  # a plain JSON client gets SPARQL JSON
    assert get(endpoint, TITLE_QUERY, headers={"Accept": accept}).json()["head"]["vars"] == ["title"]


def test_not_acceptable(endpoint: str) -> None:
    construct = f"CONSTRUCT WHERE {{ <{SAMPLE_GRAPH}> ?p ?o }}"
    cases = [
        (TITLE_QUERY, {"Accept": "text/turtle"}, {}),
        (TITLE_QUERY, {"Accept": "image/png"}, {}),
        (TITLE_QUERY, {"Accept": "application/sparql-results+json;q=0"}, {}),
        (TITLE_QUERY, {}, {"format": "ttl"}),
        (TITLE_QUERY, {}, {"format": "pdf"}),
        (construct, {"Accept": "text/csv"}, {}),
        (construct, {"Accept": "application/sparql-results+xml"}, {}),
    ]
    for query, headers, params in cases:
        response = get(endpoint, query, headers=headers, params=params)
        assert response.status_code == 406, (query, headers, params)
        assert "can be given as" in response.text


def test_browsers_get_the_query_page(endpoint: str) -> None:
    page = httpx.get(endpoint, headers={"Accept": BROWSER}, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.text
    assert 'id="query"' in text and 'id="results"' in text and 'id="truncation-note"' in text
    # its script is the server's own (no inline script: Content-Security-Policy), nothing from anywhere else
    assert '<script src="sparql/query.js"></script>' in text and "<script>" not in text
    script = httpx.get(f"{endpoint}/query.js", timeout=10).text
    assert '"/examples"' in script and "X-Result-Truncated" in script
    for marker in ("<link", "@import", "url(http", 'src="http', "src='http"):
        assert marker not in text
    with_query = httpx.get(endpoint, params={"query": TITLE_QUERY}, headers={"Accept": BROWSER}, timeout=10)
    assert with_query.headers["Content-Type"].startswith("text/html")  # the page runs it


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        (None, "turtle"),
        ("*/*", "turtle"),
    ],
)
def test_service_description(endpoint: str, accept: str | None, rdflib_format: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(endpoint, headers=headers, timeout=10)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=rdflib_format)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert service is not None
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(endpoint)
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    formats = {str(o) for o in graph.objects(service, sd.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats and len(formats) == 10
    dataset = graph.value(service, sd.defaultDataset)
    assert graph.value(dataset, sd.defaultGraph) is not None
    names = {str(graph.value(g, sd.name)) for g in graph.objects(dataset, sd.namedGraph)}
    assert SAMPLE_GRAPH in names and "https://w3id.org/budgetlod/codelist" in names
    assert len(names) == DISCLOSURES + 2


# --- the dataset ---------------------------------------------------------------------------------------


def count(endpoint: str, query: str, **params: Any) -> int:
    response = get(endpoint, query, params=params, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_default_graph_is_the_union(endpoint: str) -> None:
    in_sample = count(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SAMPLE_GRAPH}> {{ ?s ?p ?o }} }}")
    everything = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == everything > in_sample > 1000
    # default-graph-uri: that graph only; FROM in the query does the same
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(endpoint, query, **{"default-graph-uri": SAMPLE_GRAPH}) == in_sample
    assert count(endpoint, f"SELECT (COUNT(*) AS ?n) FROM <{SAMPLE_GRAPH}> WHERE {{ ?s ?p ?o }}") == in_sample
    # named-graph-uri: GRAPH ranges over those only (and the default graph is then empty, as the protocol says)
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(endpoint, graphs) == DISCLOSURES + 2
    assert count(endpoint, graphs, **{"named-graph-uri": SAMPLE_GRAPH}) == 1
    assert count(endpoint, query, **{"named-graph-uri": SAMPLE_GRAPH}) == 0


# --- refusals ------------------------------------------------------------------------------------------


def test_update_is_refused(endpoint: str) -> None:
    update = f"INSERT DATA {{ GRAPH <{SAMPLE_GRAPH}> {{ <http://example.org/a> <http://example.org/b> 1 }} }}"
    responses = [
        httpx.post(endpoint, content=update, headers={"Content-Type": "application/sparql-update"}, timeout=10),
        httpx.post(endpoint, data={"update": update}, timeout=10),
        httpx.get(endpoint, params={"update": update}, timeout=10),
        get(endpoint, update),
        get(endpoint, f"DELETE WHERE {{ GRAPH <{SAMPLE_GRAPH}> {{ ?s ?p ?o }} }}"),
        get(endpoint, f"DROP GRAPH <{SAMPLE_GRAPH}>"),
    ]
    for response in responses:
        assert response.status_code == 403
        assert "read-only" in response.text
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/a> ?p ?o }") == 0


def test_service_and_load_are_refused(endpoint: str) -> None:
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z . sErViCe SILENT<http://example.org/sparql>{?s ?p ?o} }",
        "SELECT * WHERE { OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } }",
        "SELECT * WHERE { SERV\\u0049CE <http://example.org/sparql> { ?s ?p ?o } }",
    ):
        response = get(endpoint, query)
        assert response.status_code == 403, query
        assert "SERVICE" in response.text and "never fetches" in response.text
    for load in ("LOAD <http://example.org/data.ttl>", "load silent <http://example.org/x> INTO GRAPH <http://g>"):
        response = httpx.post(endpoint, data={"query": load}, timeout=10)
        assert response.status_code == 403 and "LOAD" in response.text


def test_service_in_a_literal_comment_or_name_is_no_service(endpoint: str) -> None:
    query = """PREFIX service: <http://example.org/service#>
    # a comment naming SERVICE and LOAD
    SELECT ?service WHERE {
      VALUES ?service { "SERVICE <http://example.org/> { }" 'LOAD <x>' service:load <http://example.org/SERVICE> }
    }"""
    response = get(endpoint, query, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 4


def test_syntax_error_gives_400_with_position(endpoint: str) -> None:
    response = get(endpoint, "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert re.search(r"syntax error at line 3, column \d+: ", response.text), response.text
    response = httpx.post(
        endpoint, content="SELECT * WHERE { ?s ?p ?o", headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400 and "line 1, column" in response.text


def test_bad_requests(endpoint: str) -> None:
    assert httpx.post(endpoint, data={"nothing": "x"}, timeout=10).status_code == 400
    assert httpx.get(endpoint, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=10).status_code == 400
    response = httpx.post(endpoint, content="ASK {}", headers={"Content-Type": "text/plain"}, timeout=10)
    assert response.status_code == 415
    response = httpx.get(endpoint, params={"query": "ASK {}", "default-graph-uri": "not an IRI"}, timeout=10)
    assert response.status_code == 400 and "absolute IRI" in response.text


def test_oversized_bodies_get_413(endpoint: str, live_server: Any) -> None:
    limit = 1048576  # the default max_request_bytes
    padding = "#" + "x" * limit + "\nASK {}"
    response = httpx.post(endpoint, content=padding, headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 413
    response = httpx.post(endpoint, data={"query": padding}, timeout=30)
    assert response.status_code == 413

    def chunks() -> Any:  # no Content-Length: the bytes actually read are counted
        for _ in range(20):
            yield b"#" + b"x" * 65536 + b"\n"

    response = httpx.post(endpoint, content=chunks(), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 413
    assert (
        httpx.post(endpoint, content="ASK {}", headers={"Content-Type": "application/sparql-query"}).status_code == 200
    )


# --- CORS ---------------------------------------------------------------------------------------------


def test_cors(endpoint: str) -> None:
    origin = {"Origin": "https://example.org"}
    for response in (
        httpx.get(endpoint, params={"query": "ASK {}"}, headers=origin, timeout=10),
        httpx.post(endpoint, data={"query": "ASK {}"}, headers=origin, timeout=10),
        httpx.post(endpoint, content="ASK {}", headers={**origin, "Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
        exposed = response.headers["Access-Control-Expose-Headers"].lower()
        assert "x-result-truncated" in exposed and "x-row-limit" in exposed
    preflight = httpx.options(
        endpoint,
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        timeout=10,
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers


# --- limits ---------------------------------------------------------------------------------------------


def test_row_limit_is_signalled(endpoint: str) -> None:
    many = get(endpoint, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", headers={"Accept": "application/sparql-results+json"})
    assert many.status_code == 200
    assert many.headers["X-Result-Truncated"] == "true" and many.headers["X-Row-Limit"] == str(ROW_LIMIT)
    assert len(many.json()["results"]["bindings"]) == ROW_LIMIT
    as_csv = get(endpoint, "SELECT ?s WHERE { ?s ?p ?o }", headers={"Accept": "text/csv"})
    assert as_csv.headers["X-Result-Truncated"] == "true" and len(as_csv.text.splitlines()) == ROW_LIMIT + 1
    exactly = get(endpoint, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1000", params={"format": "json"})
    assert exactly.headers["X-Result-Truncated"] == "false" and len(exactly.json()["results"]["bindings"]) == 1000
    triples = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"Accept": "application/n-triples"})
    assert triples.headers["X-Result-Truncated"] == "true" and len(triples.text.splitlines()) == ROW_LIMIT
    few = get(endpoint, TITLE_QUERY)
    assert few.headers["X-Result-Truncated"] == "false" and few.headers["X-Row-Limit"] == str(ROW_LIMIT)


def test_runaway_query_is_stopped_while_others_are_answered(endpoint: str) -> None:
    timings: dict[str, tuple[float, float, int, str]] = {}

    def timed(name: str, query: str) -> None:
        started = time.monotonic()
        response = httpx.post(endpoint, data={"query": query}, headers={"Accept": "application/json"}, timeout=60)
        timings[name] = (started, time.monotonic(), response.status_code, response.text)

    runaway = threading.Thread(target=timed, args=("runaway", RUNAWAY))
    runaway.start()
    time.sleep(0.5)  # the runaway query is running in one worker
    timed("simple", SIMPLE)
    runaway.join()
    run_start, run_end, run_status, run_text = timings["runaway"]
    simple_start, simple_end, simple_status, simple_text = timings["simple"]
    assert simple_status == 200, simple_text
    assert int(json.loads(simple_text)["results"]["bindings"][0]["n"]["value"]) > 1000
    assert run_status == 503 and "stopped" in run_text
    assert simple_start > run_start and simple_end < run_end  # answered while the runaway query ran
    assert run_end - run_start >= 2.5  # stopped at the timeout (3 s), not before
    # the server goes on answering, with a fresh worker in place of the stopped one
    for _ in range(4):
        assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }") > 1000
