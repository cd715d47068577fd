"""``budgetlod serve --endpoint`` over a real Virtuoso Open Source 7 (tests/virtuoso.py), compared with ``budgetlod
serve`` over the embedded store holding the same data: the sample ingested into an embedded store, and every graph
of that store copied into Virtuoso with RemoteStore. Both are real server processes with the same timeout and row
limit. Answers are compared by value (Virtuoso keeps a decimal's value, not its lexical form: "1487.40" comes back
as "1487.4"; budgetlod.store.canonical).

The remote server reads Virtuoso through a proxy (tests/fault_proxy.py) that can delay, drop or fail requests, and
through the authenticated endpoint, with the credentials in its environment only. Skipped, with the reason, where
Virtuoso is not installed; the tests at the end need no Virtuoso.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from fault_proxy import DROP, PASS, FaultProxy, Seen, fault_proxy
from live_server import Answer, LiveServer, running_server
from paths import SAMPLE
from pyoxigraph import NamedNode, QueryResultsFormat, RdfFormat, Store, parse, parse_query_results
from tools import require
from virtuoso import Virtuoso, free_port, running_virtuoso

from budgetlod.ingest.bulk import ingest
from budgetlod.publish import jsonld
from budgetlod.publish.disclosures import dataset_infos
from budgetlod.publish.void import void_statistics
from budgetlod.serve.app import create_app
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.remote_backend import SyntaxChecker, failure
from budgetlod.serve.workers import QueryError, QuerySyntaxError, QueryTimeout, StoreFailed, StoreUnavailable
from budgetlod.store.base import rows
from budgetlod.store.canonical import canonical_term, canonical_triples
from budgetlod.store.embedded import current_snapshot
from budgetlod.store.remote import RemoteOptions, RemoteStore, ResultTruncated
from budgetlod.store.remote_reader import RemoteReader
from budgetlod.store.sparql_client import Credentials, EndpointError

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/budgetlod/id/"
DISCLOSURE = f"{BASE}disclosure/c694353348dbd08a/2024/unit-budget"
OBSERVATION = f"{DISCLOSURE}/t03/total/total"
PAGE = "/id/disclosure/c694353348dbd08a/2024/unit-budget"
# a generous query timeout: every ordinary query through the proxy and Virtuoso must finish within it on a busy
# machine; the runaway and the delayed query wait it out once each
TIMEOUT, ROW_LIMIT = 20.0, 1000
slow = pytest.mark.slow  # the tests against Virtuoso (servers): run by CI and --run-slow
PUBLIC = "https://data.example.org/"
PREFIXES = (
    "PREFIX bl: <https://w3id.org/budgetlod/ontology#>\n"
    "PREFIX qb: <http://purl.org/linked-data/cube#>\n"
    "PREFIX obeu-measure: <http://data.openbudgets.eu/ontology/dsd/measure/>\n"
)
FIGURE = re.compile(r"-?\d{1,3}(?:,\d{3})*\.\d{2,}")


def request(server: LiveServer, path: str, *, accept: str | None = None, data: bytes | None = None,
            content_type: str | None = None) -> Answer:
    req = urllib.request.Request(server.url + path, data=data)
    if accept:
        req.add_header("Accept", accept)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def sparql(server: LiveServer, query: str, accept: str = "application/sparql-results+json", **params: str) -> Answer:
    body = urlencode({"query": query, **params}).encode()
    return request(server, "/sparql", accept=accept, data=body, content_type="application/x-www-form-urlencoded")


def solutions(answer: Answer) -> list[dict[str, object]]:
    """SPARQL JSON results as rows of canonical terms (the same key for the same value)."""
    assert answer.status == 200, answer.text
    found = parse_query_results(answer.body, QueryResultsFormat.JSON)
    return [{k: canonical_term(v) for k, v in row.items()} for row in rows(found)]


def graph_of(answer: Answer, fmt: RdfFormat) -> set[object]:
    assert answer.status == 200, answer.text
    return canonical_triples(quad.triple for quad in parse(answer.body, fmt))


# --- the two servers ----------------------------------------------------------------------------------


@dataclass
class Servers:
    embedded: LiveServer
    remote: LiveServer
    virtuoso: Virtuoso
    proxy: FaultProxy
    endpoint: str  # what the remote server was given (the proxy's /sparql-auth)
    store: Path

    def both(self, path: str, **kwargs: Any) -> tuple[Answer, Answer]:
        return request(self.embedded, path, **kwargs), request(self.remote, path, **kwargs)

    def both_sparql(self, query: str, **kwargs: Any) -> tuple[Answer, Answer]:
        return sparql(self.embedded, query, **kwargs), sparql(self.remote, query, **kwargs)


class Faults:
    """What the proxy does to the remote server's requests: ``mode`` for all, a delay for marked queries."""

    mode = PASS
    delay = 0.0

    @classmethod
    def rule(cls, seen: Seen) -> str:
        if "slowmarker" in seen.text:
            time.sleep(cls.delay)
        return cls.mode


def copy_into_virtuoso(store_path: Path, virtuoso: Virtuoso) -> dict[str, int]:
    """Every graph of the embedded store into Virtuoso (staged by GSP PUT); the triples of each."""
    writer = RemoteStore(virtuoso.sparql_auth, update_url=virtuoso.sparql_auth, gsp_url=virtuoso.gsp_auth,
                         credentials=Credentials(virtuoso.user, virtuoso.password),
                         options=RemoteOptions(backoff=0.01))
    local = Store.read_only(str(current_snapshot(store_path)))
    counts: dict[str, int] = {}
    for graph in local.named_graphs():
        assert isinstance(graph, NamedNode)
        counts[graph.value] = writer.replace_graph(graph.value, local.quads_for_pattern(None, None, None, graph))
    return counts


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    require("virtuoso")
    folder = tmp_path_factory.mktemp("serve-remote")
    store = folder / "store"
    summary = ingest([SAMPLE], store)
    assert not summary.failed
    Faults.mode, Faults.delay = PASS, 0.0
    with running_virtuoso(folder / "virtuoso", max_rows=10000) as virtuoso:
        counts = copy_into_virtuoso(store, virtuoso)
        assert counts[DISCLOSURE] > 3900 and len(counts) >= 3
        with fault_proxy(virtuoso.http, Faults.rule) as proxy:
            endpoint = f"{proxy.url}/sparql-auth"
            common = {"timeout": TIMEOUT, "row_limit": ROW_LIMIT}
            public = {"BUDGETLOD_PUBLIC_BASE_URL": PUBLIC}
            with (
                running_server(store, folder, environment=public, **common) as embedded,  # type: ignore[arg-type]
                running_server(None, folder, endpoint=endpoint, environment={**public, **virtuoso.environment},
                               **common) as remote,  # type: ignore[arg-type]
            ):
                yield Servers(embedded, remote, virtuoso, proxy, endpoint, store)


@pytest.fixture
def faults() -> Iterator[type[Faults]]:
    yield Faults
    Faults.mode, Faults.delay = PASS, 0.0


# --- /health and credentials -----------------------------------------------------------------------


@slow
def test_health_reports_the_remote_store(servers: Servers) -> None:
    answer = request(servers.remote, "/health")
    assert answer.status == 200
    health = json.loads(answer.body)
    assert health["status"] == "ok" and health["store"] == "remote" and health["endpoint"] == servers.endpoint
    local = json.loads(request(servers.embedded, "/health").body)
    assert local["store"] == "embedded" and local["snapshot"]
    # Virtuoso's default dataset also holds its own system graphs
    assert health["graphs"] >= local["graphs"] and health["triples"] >= local["triples"]


@slow
def test_credentials_are_used_and_never_shown(servers: Servers) -> None:
    """The remote server reads through /sparql-auth with digest credentials from its environment; the password is
    in no answer and not in its log."""
    assert any(seen.authorised for seen in servers.proxy.seen)
    password = servers.virtuoso.password
    for path in ("/health", "/sparql", "/sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%7D", "/api"):
        assert password not in request(servers.remote, path, accept="text/turtle").text
    assert password not in servers.remote.log.read_text(errors="replace")


@slow
def test_wrong_credentials_are_a_502_naming_the_variables(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "not-the-Password-9"
    monkeypatch.setenv("BUDGETLOD_REMOTE_USER", servers.virtuoso.user)
    monkeypatch.setenv("BUDGETLOD_REMOTE_PASSWORD", wrong)
    config = ServerConfig.from_settings(endpoint=servers.virtuoso.sparql_auth, base_iri=BASE, query_timeout=TIMEOUT)
    with TestClient(create_app(config)) as client:
        for path in ("/sparql?query=ASK%7B%7D", PAGE + ".ttl"):
            answer = client.get(path, headers={"accept": "*/*"})
            assert answer.status_code == 502 and "HTTP 401" in answer.text, answer.text
            assert "BUDGETLOD_REMOTE_PASSWORD" in answer.text and wrong not in answer.text


# --- /sparql ---------------------------------------------------------------------------------------------

SELECT_FIGURES = PREFIXES + f"""SELECT ?obs ?amount ?yuan ?printed WHERE {{
  GRAPH <{DISCLOSURE}> {{ ?obs a qb:Observation ; obeu-measure:amount ?amount ; bl:amountInYuan ?yuan ;
                                 bl:printedValue ?printed }}
}} ORDER BY STR(?obs)"""
SELECT_SUMS = PREFIXES + f"""SELECT ?table (COUNT(?obs) AS ?n) (SUM(?yuan) AS ?total) WHERE {{
  GRAPH <{DISCLOSURE}> {{ ?obs qb:dataSet ?table ; bl:amountInYuan ?yuan }}
}} GROUP BY ?table ORDER BY STR(?table)"""
CONSTRUCT_FIGURES = PREFIXES + f"""CONSTRUCT {{ ?obs bl:amountInYuan ?yuan ; bl:printedValue ?printed }} WHERE {{
  GRAPH <{DISCLOSURE}> {{ ?obs bl:amountInYuan ?yuan ; bl:printedValue ?printed }}
}}"""


@slow
@pytest.mark.parametrize("query", [SELECT_FIGURES, SELECT_SUMS], ids=["figures", "sums"])
def test_select_answers_are_equal_by_value(servers: Servers, query: str) -> None:
    embedded, remote = servers.both_sparql(query)
    assert solutions(embedded) == solutions(remote) and len(solutions(embedded)) > 5
    assert remote.headers["x-result-truncated"] == "false" and remote.headers["x-row-limit"] == str(ROW_LIMIT)


@slow
def test_ask_and_construct_are_equal_by_value(servers: Servers) -> None:
    for ask, expected in ((f"ASK {{ GRAPH <{DISCLOSURE}> {{ <{DISCLOSURE}> a ?type }} }}", True),
                          (f"ASK {{ GRAPH <{DISCLOSURE}> {{ <{DISCLOSURE}> a <urn:x:none> }} }}", False)):
        for answer in servers.both_sparql(ask):
            assert json.loads(answer.body) == {"head": {}, "boolean": expected}
    for accept, fmt in (("text/turtle", RdfFormat.TURTLE), ("application/n-triples", RdfFormat.N_TRIPLES)):
        embedded, remote = servers.both_sparql(CONSTRUCT_FIGURES, accept=accept)
        assert remote.media_type == accept
        assert graph_of(embedded, fmt) == graph_of(remote, fmt) and len(graph_of(remote, fmt)) > 250


@slow
def test_result_formats_and_negotiation(servers: Servers) -> None:
    """The same formats, chosen by Accept or by format=; 406 the same way."""
    for accept, media in (("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values")):
        embedded, remote = servers.both_sparql(SELECT_SUMS, accept=accept)
        assert embedded.media_type == remote.media_type == media
        assert len(embedded.text.strip().splitlines()) == len(remote.text.strip().splitlines())
    embedded, remote = servers.both_sparql(SELECT_SUMS, accept="*/*", format="xml")
    assert embedded.media_type == remote.media_type == "application/sparql-results+xml"
    embedded, remote = servers.both_sparql(CONSTRUCT_FIGURES, accept="application/ld+json")
    assert {t for t in canonical_triples(jsonld.to_triples(json.loads(remote.body)))} == canonical_triples(
        jsonld.to_triples(json.loads(embedded.body)))
    embedded, remote = servers.both_sparql(SELECT_SUMS, accept="image/png")
    assert embedded.status == remote.status == 406 and embedded.text == remote.text
    get = "/sparql?" + urlencode({"query": SELECT_SUMS})
    embedded, remote = servers.both(get, accept="application/sparql-results+json")
    assert solutions(embedded) == solutions(remote)


@slow
def test_protocol_dataset_is_the_same(servers: Servers) -> None:
    """default-graph-uri / named-graph-uri define the dataset; a part not given is empty (Protocol 2.1.4)."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    for query, params in (
        (count, {"default-graph-uri": DISCLOSURE}),
        (count, {"named-graph-uri": DISCLOSURE}),
        (per_graph, {"named-graph-uri": DISCLOSURE}),
        (per_graph, {"default-graph-uri": DISCLOSURE}),
    ):
        embedded, remote = servers.both_sparql(query, **params)
        assert solutions(embedded) == solutions(remote), (query, params)


@slow
def test_refusals_have_the_same_status_and_message(servers: Servers) -> None:
    """Updates, LOAD and SERVICE are refused before anything is sent; a syntax error is the same 400."""
    before = len(servers.proxy.seen)
    form = "application/x-www-form-urlencoded"
    cases = [
        ("/sparql", urlencode({"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}), form),
        ("/sparql", urlencode({"query": "LOAD <http://example.org/data.ttl>"}), form),
        ("/sparql", urlencode({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}), form),
        ("/sparql", urlencode({"update": "DROP ALL"}), form),
        ("/sparql", "DROP ALL", "application/sparql-update"),
        ("/sparql", urlencode({"query": "SELECT * WHERE { ?s ?p }"}), form),
        ("/sparql", urlencode({"query": "ASK { ?s ?p }"}), form),
        ("/sparql", "SELECT * WHERE { ?s ?p ?o }", "text/plain"),
    ]
    statuses = []
    for path, body, content_type in cases:
        embedded, remote = servers.both(path, data=body.encode(), content_type=content_type)
        assert (embedded.status, embedded.text) == (remote.status, remote.text), body
        statuses.append(remote.status)
    assert statuses == [403, 403, 403, 403, 403, 400, 400, 415]
    assert len(servers.proxy.seen) == before  # nothing reached the remote store


@slow
def test_row_limit_and_truncation(servers: Servers) -> None:
    """More rows than the row limit: the first row_limit, X-Result-Truncated: true — also when Virtuoso itself
    stopped at its own cap (10,000 rows here: X-SPARQL-MaxRows)."""
    everything = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DISCLOSURE}> {{ ?s ?p ?o }} }}"
    capped = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?x { 1 2 3 } }"  # > 10,000 rows at Virtuoso
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{DISCLOSURE}> {{ ?s ?p ?o }} }}"
    for query in (everything, capped, construct):
        accept = "application/n-triples" if query.startswith("CONSTRUCT") else "text/csv"
        embedded, remote = servers.both_sparql(query, accept=accept)
        for answer in (embedded, remote):
            assert answer.status == 200, answer.text
            assert answer.headers["x-result-truncated"] == "true" and answer.headers["x-row-limit"] == str(ROW_LIMIT)
        lines = [len(a.text.strip().splitlines()) for a in (embedded, remote)]
        assert lines[0] == lines[1] == ROW_LIMIT + (accept == "text/csv"), query


@slow
def test_a_query_too_expensive_is_stopped_like_the_embedded_one(servers: Servers) -> None:
    """A runaway query: the embedded server stops it at the timeout, Virtuoso refuses it by its cost estimate:
    503 with Retry-After from both."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    embedded, remote = servers.both_sparql(runaway)
    assert embedded.status == remote.status == 503
    assert embedded.headers["retry-after"] == remote.headers["retry-after"] == "1"
    assert remote.text.startswith("Query stopped: the remote store stopped the query")


@slow
def test_remote_timeout_down_and_failing(servers: Servers, faults: type[Faults]) -> None:
    """No answer within the timeout: 503 Query stopped; no connection: 503 naming the endpoint; the remote store
    failing: 502; never a traceback."""
    faults.delay = 3 * TIMEOUT
    started = time.monotonic()
    slow = sparql(servers.remote, "SELECT ?slowmarker WHERE { BIND(1 AS ?slowmarker) }")
    assert slow.status == 503 and slow.headers["retry-after"] == "1"
    assert slow.text.startswith(f"Query stopped: the remote store did not answer within {TIMEOUT:g} s")
    assert time.monotonic() - started < faults.delay  # stopped at its timeout, before the proxy would have answered
    faults.delay, faults.mode = 0.0, DROP
    for answer in (sparql(servers.remote, "ASK { ?s ?p ?o }"),
                   request(servers.remote, "/id/unit/never-asked-before", accept="text/html"),
                   request(servers.remote, "/queries/units-totals?year=2031")):
        assert answer.status == 503, answer.text
        assert "not available" in answer.text and servers.endpoint in answer.text and "Traceback" not in answer.text
    health = request(servers.remote, "/health")
    assert health.status == 503 and json.loads(health.body)["status"] == "error"
    faults.mode = "500"
    failing = sparql(servers.remote, "ASK { ?s ?p ?o }")
    assert failing.status == 502 and "HTTP 500" in failing.text
    faults.mode = PASS
    assert sparql(servers.remote, "ASK { ?s ?p ?o }").status == 200


@slow
def test_remote_refusal_of_a_query_is_its_message(servers: Servers) -> None:
    """A query that pyoxigraph accepts and Virtuoso does not (SPARQL 1.2 LATERAL): 400 with Virtuoso's reason."""
    lateral = "SELECT * WHERE { ?s ?p ?o . LATERAL { SELECT ?x WHERE { ?s ?q ?x } LIMIT 1 } } LIMIT 1"
    answer = sparql(servers.remote, lateral)
    assert answer.status == 400 and "remote store refused the query" in answer.text and "LATERAL" in answer.text


@slow
def test_service_description_lists_the_graphs(servers: Servers) -> None:
    embedded, remote = servers.both("/sparql", accept="text/turtle")
    names = [{str(q.object) for q in parse(a.body, RdfFormat.TURTLE) if q.predicate.value.endswith("#name")}
             for a in (embedded, remote)]
    assert names[0] <= names[1] and f"<{DISCLOSURE}>" in names[1]


# --- Linked Data -------------------------------------------------------------------------------------------


def expected_figure(servers: Servers) -> str:
    query = PREFIXES + f"SELECT ?amount WHERE {{ GRAPH ?g {{ <{OBSERVATION}> obeu-measure:amount ?amount }} }}"
    (row,) = json.loads(sparql(servers.embedded, query).body)["results"]["bindings"]
    return format(Decimal(row["amount"]["value"]), ",.2f")


@slow
def test_disclosure_and_observation_pages_show_the_figures(servers: Servers) -> None:
    figure = expected_figure(servers)
    for path in (PAGE, OBSERVATION.removeprefix("https://w3id.org/budgetlod")):
        embedded, remote = servers.both(path, accept="text/html")
        assert embedded.status == remote.status == 200 and remote.media_type == "text/html"
        assert figure in remote.text
        assert Counter(FIGURE.findall(remote.text)) == Counter(FIGURE.findall(embedded.text)), path
    embedded, remote = servers.both(PAGE + "?lang=en", accept="text/html")
    assert remote.status == 200 and remote.headers["content-language"] == "en" and figure in remote.text


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld"])
@pytest.mark.parametrize("path", [PAGE, OBSERVATION.removeprefix("https://w3id.org/budgetlod"), "/ontology",
                                  "/codelist/document-kind"])
@slow
def test_rdf_representations_are_equal_by_value(servers: Servers, path: str, suffix: str) -> None:
    embedded, remote = servers.both(path + suffix)
    assert embedded.status == remote.status == 200, remote.text
    assert embedded.media_type == remote.media_type
    if suffix == ".jsonld":
        local, far = (canonical_triples(jsonld.to_triples(json.loads(a.body))) for a in (embedded, remote))
    else:
        fmt = RdfFormat.TURTLE if suffix == ".ttl" else RdfFormat.N_TRIPLES
        local, far = graph_of(embedded, fmt), graph_of(remote, fmt)
    assert local == far and len(local) > 5


@slow
def test_listings_and_unknown_iris(servers: Servers) -> None:
    for path in ("/id/", "/codelist/", "/id/unit/c694353348dbd08a"):
        embedded, remote = servers.both(path, accept="text/html")
        assert embedded.status == remote.status == 200
        assert re.findall(r'href="(/[^"]*)"', embedded.text) == re.findall(r'href="(/[^"]*)"', remote.text), path
    embedded, remote = servers.both("/id/unit/no-such-unit.ttl")
    assert embedded.status == remote.status == 404


# --- named queries, catalogue, VoID --------------------------------------------------------------------------


@slow
def test_named_queries_are_equal_by_value(servers: Servers) -> None:
    """/queries is the same; units-totals and expenditure-by-function answer the same figures. Where a query casts
    an empty string to a number (a pivot xsd:decimal(GROUP_CONCAT(…)) over no figure), a blank column (unbound in
    Oxigraph: the cast is an error) is 0 in Virtuoso: tolerated here only as that (docs/remote-store.md)."""
    embedded, remote = servers.both("/queries", accept="application/json")
    assert json.loads(embedded.body) == json.loads(remote.body)
    for path in ("/queries/units-totals?year=2024", "/queries/expenditure-by-function?year=2024"):
        embedded, remote = servers.both(path, accept="application/json")
        assert embedded.status == remote.status == 200, remote.text
        local, far = (json.loads(a.body, parse_float=Decimal, parse_int=Decimal) for a in (embedded, remote))
        assert local["rows"] and len(local["rows"]) == len(far["rows"])
        for ours, theirs in zip(local.pop("rows"), far.pop("rows"), strict=True):
            blank_as_zero = {k: v for k, v in theirs.items() if k not in ours}
            assert {k: v for k, v in theirs.items() if k in ours} == ours and set(blank_as_zero.values()) <= {0}
            assert not blank_as_zero or path.startswith("/queries/expenditure-by-function")
        assert local == far
        assert remote.headers["x-result-truncated"] == "false"
    embedded, remote = servers.both("/queries/units-totals?year=2024", accept="text/html")
    assert remote.status == 200 and "<svg" in remote.text and FIGURE.findall(remote.text)


@slow
def test_catalogue_and_void(servers: Servers) -> None:
    """The DCAT catalogue is the same; VoID gives every graph of ours the same triple count (the remote figures
    over the whole store also count Virtuoso's own graphs)."""
    embedded, remote = servers.both("/catalog.ttl")
    assert graph_of(embedded, RdfFormat.TURTLE) == graph_of(remote, RdfFormat.TURTLE)
    embedded, remote = servers.both("/.well-known/void", accept="text/turtle")
    subsets = []
    for answer in (embedded, remote):
        assert answer.status == 200, answer.text
        triples = {(str(q.subject), q.predicate.value): q.object.value for q in parse(answer.body, RdfFormat.TURTLE)}
        subsets.append({s: n for (s, p), n in triples.items() if p == "http://rdfs.org/ns/void#triples"})
    graphs = [f"<{g}>" for g in (DISCLOSURE, "https://w3id.org/budgetlod/ontology", "https://w3id.org/budgetlod/codelist")]
    assert [subsets[0][g] for g in graphs] == [subsets[1][g] for g in graphs]


@slow
def test_catalogue_and_void_page_past_a_small_row_cap(servers: Servers, tmp_path: Path) -> None:
    """A Virtuoso whose ResultSetMaxRows (20) is below the rows of the catalogue's and VoID's queries (a row a
    predicate, a graph, a class): they are read a page at a time and give the embedded figures; VoID counts the
    distinct subjects in one row (listing them reached Virtuoso's cap at 1,000 disclosures: a 502). An ordered
    query of `budgetlod query --endpoint` is read a page at a time too."""
    local = Store.read_only(str(current_snapshot(servers.store)))
    with running_virtuoso(tmp_path / "virtuoso", max_rows=20) as capped:
        copy_into_virtuoso(servers.store, capped)
        reader = RemoteReader(RemoteStore(capped.sparql))
        with pytest.raises(ResultTruncated, match="row cap of 20"):
            reader.query("SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p")
        assert dataset_infos(reader) == dataset_infos(local)
        there, here = void_statistics(reader), void_statistics(local)
        assert len(here.property_triples) > 20 and len(here.class_entities) > 20
        assert {g: there.graph_triples[g] for g in here.graph_triples} == here.graph_triples
        # Virtuoso's own graphs add to the figures over the whole store, never take away; none is in our URI space
        assert all(there.property_triples[p] >= n for p, n in here.property_triples.items())
        assert all(there.class_entities[c] >= n for c, n in here.class_entities.items())
        assert there.distinct_subjects > here.distinct_subjects > 900 and there.entities == here.entities > 200
        with running_server(None, tmp_path, endpoint=capped.sparql) as server:
            for path in ("/catalog.ttl", "/.well-known/void"):
                answer = request(server, path, accept="text/turtle")
                assert answer.status == 200, answer.text
                assert len(list(parse(answer.body, RdfFormat.TURTLE))) > 100
        # `budgetlod query FILE --endpoint`: an ordered answer past the cap is read a page at a time, the same
        # CSV as from the embedded store; an unordered one stays an error naming the cap
        cells = tmp_path / "cells.rq"
        cells.write_text("PREFIX bl: <https://w3id.org/budgetlod/ontology#>\nSELECT ?cell ?printed WHERE { GRAPH ?d "
                         "{ ?cell bl:printedValue ?printed } } ORDER BY ?cell\n", encoding="utf-8")
        query = [sys.executable, "-m", "budgetlod", "query", str(cells), "--format", "csv"]
        remote = subprocess.run([*query, "--endpoint", capped.sparql], capture_output=True, text=True, timeout=120)
        local = subprocess.run([*query, "--store", str(servers.store)], capture_output=True, text=True, timeout=120)
        assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
        assert remote.stdout == local.stdout and len(remote.stdout.splitlines()) == 1 + 148  # the sample's figures
        cells.write_text(cells.read_text(encoding="utf-8").replace("ORDER BY ?cell", ""), encoding="utf-8")
        unordered = subprocess.run([*query, "--endpoint", capped.sparql], capture_output=True, text=True, timeout=120)
        assert unordered.returncode == 2 and unordered.stdout == ""
        assert "row cap of 20 rows" in unordered.stderr and "no ORDER BY to read it a page at a time" in unordered.stderr


# --- without Virtuoso -----------------------------------------------------------------------------------------


def test_syntax_check_gives_the_embedded_message_and_runs_nothing_in_the_server() -> None:
    """The remote server parses a query with pyoxigraph first, in a child process: the same message as the embedded
    store; Virtuoso's own syntax (a define pragma, bif: functions) is refused before anything is sent; a query that
    pyoxigraph evaluates while parsing it (an aggregate over VALUES alone: endless here) is given up after the
    checker's deadline, its process replaced, and it passes (it parsed)."""
    store = Store()
    checker = SyntaxChecker(seconds=5.0)  # generous: parsing a short query takes milliseconds, even on a busy machine
    checker.start()
    try:
        for query in ("SELECT * WHERE { ?s ?p }", "ASK { ?s ?p }", "PREFIX x: <urn:x:>\n  ask  WHERE {\n ?s ?p }",
                      'define input:grab-all "yes" SELECT * WHERE { ?s ?p ?o }',
                      "SELECT (bif:length('a') AS ?n) WHERE {}"):
            with pytest.raises(SyntaxError) as local:
                store.query(query)
            with pytest.raises(QuerySyntaxError) as remote:
                checker.check(query, wait=5.0)
            assert str(remote.value) == str(local.value), query
        values = " ".join(str(n) for n in range(3000))
        cross = " ".join(f"VALUES ?{v} {{ {values} }}" for v in "abc")  # 27 billion rows
        endless = f"ASK {{ {{ SELECT (COUNT(*) AS ?n) {{ {cross} }} }} }}"
        started = time.monotonic()
        checker.check(endless, wait=5.0)
        assert 4.9 < time.monotonic() - started < 120  # waited for the deadline, then given up (alone: for ever)
        with pytest.raises(QuerySyntaxError, match="error at 1:"):
            checker.check("SELECT * WHERE { ?s ?p }", wait=5.0)  # a new child
        checker.check("ASK { ?s ?p ?o }", wait=5.0)
    finally:
        checker.close()


def test_remote_failures_map_to_the_statuses_of_the_embedded_server() -> None:
    url = "http://db.example/sparql"
    cases: list[tuple[Exception, type[QueryError], int | None]] = [
        (EndpointError(url, "no answer within 3 s", transient=True, timed_out=True), QueryTimeout, None),
        (EndpointError(url, "cannot connect: [Errno 111] Connection refused", transient=True), StoreUnavailable, None),
        (EndpointError(url, "HTTP 503: busy", status=503, transient=True), StoreUnavailable, None),
        (EndpointError(url, "HTTP 500: Virtuoso S1T00 Error SR171: Transaction timed out", status=500), QueryTimeout,
         None),
        (EndpointError(url, "HTTP 400: Virtuoso 37000 Error SP030", status=400), StoreFailed, 400),
        (EndpointError(url, "HTTP 401: not authorised", status=401), StoreFailed, 502),
        (EndpointError(url, "HTTP 500: Virtuoso 22023 Error", status=500), StoreFailed, 502),
        (ResultTruncated(f"{url}: the server answered a partial result (S1TAT timeout)"), QueryTimeout, None),
        (ResultTruncated(f"{url}: the answer reached the server's row cap of 10000 rows"), StoreFailed, 502),
    ]
    for error, kind, status in cases:
        mapped = failure(error, 3.0)  # type: ignore[arg-type]
        assert type(mapped) is kind, error
        assert status is None or getattr(mapped, "status", None) == status
        assert url in str(mapped)


def test_an_unreachable_remote_store_is_a_clear_503(monkeypatch: pytest.MonkeyPatch) -> None:
    """In process, against a closed port: /sparql, pages, named queries and /health answer 503 with the endpoint's
    URL; a wrong configuration (half the credentials) stops the app factory with a message naming the variables."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    monkeypatch.delenv("BUDGETLOD_REMOTE_USER", raising=False)
    monkeypatch.delenv("BUDGETLOD_REMOTE_PASSWORD", raising=False)
    config = ServerConfig.from_settings(endpoint=url, query_timeout=2.0, base_iri=BASE)
    with TestClient(create_app(config)) as client:
        for path in ("/sparql?query=ASK%7B%7D", PAGE, "/catalog", "/queries/units-totals"):
            answer = client.get(path, headers={"accept": "*/*"})
            assert answer.status_code == 503, (path, answer.text)
            assert url in answer.text and "cannot connect" in answer.text
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["store"] == "remote"
    monkeypatch.setenv("BUDGETLOD_REMOTE_USER", "someone")
    with pytest.raises(Exception, match="BUDGETLOD_REMOTE_PASSWORD"):
        create_app(config)


def test_serve_refuses_an_endpoint_it_cannot_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit code 2 and a message, before listening: credentials in the URL (never repeated), half the credentials
    in the environment, both --store and --endpoint."""
    from click.testing import CliRunner

    from budgetlod.cli import main

    monkeypatch.delenv("BUDGETLOD_REMOTE_USER", raising=False)
    monkeypatch.delenv("BUDGETLOD_REMOTE_PASSWORD", raising=False)
    runner = CliRunner()
    url = f"http://127.0.0.1:{free_port()}/sparql"
    secret = runner.invoke(main, ["serve", "--endpoint", url.replace("//", "//bob:s3cret-7@")])
    assert secret.exit_code == 2 and "BUDGETLOD_REMOTE_PASSWORD" in secret.output and "s3cret-7" not in secret.output
    both = runner.invoke(main, ["serve", "--endpoint", url, "--store", "somewhere"])
    assert both.exit_code == 2 and "not both" in both.output
    monkeypatch.setenv("BUDGETLOD_REMOTE_USER", "bob")
    half = runner.invoke(main, ["serve", "--endpoint", url])
    assert half.exit_code == 2 and "BUDGETLOD_REMOTE_PASSWORD" in half.output
