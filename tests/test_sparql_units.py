"""The parts of the SPARQL endpoint without a server: reading a query's tokens, content negotiation, the
result writers (checked against pyoxigraph's own parsers), the query headers, and the worker pool."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
)

from budgetlod import formats
from budgetlod.query import results
from budgetlod.query.library import named_queries, read_header
from budgetlod.serve.cache import OVERHEAD_BYTES, ResultCache
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.pool import QueryPool
from budgetlod.serve.querycheck import check
from budgetlod.serve.sparql import syntax_message
from budgetlod.serve.workers import QueryOptions, QuerySyntaxError, QueryTimeout, execute

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("query", "kind", "update", "service", "dataset"),
    [
        ("SELECT * { ?s ?p ?o }", "select", None, False, False),
        ("PREFIX select: <http://x/> ASK { ?s select:p ?o }", "ask", None, False, False),
        ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "graph", None, False, False),
        ("describe <http://x>", "graph", None, False, False),
        ("SELECT * FROM <http://g> { ?s ?p ?o }", "select", None, False, True),
        ("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }", "select", None, False, True),
        # SERVICE as a keyword, however written
        ("SELECT * { SERVICE <http://x> { ?s ?p ?o } }", "select", None, True, False),
        ("SELECT * { ?a ?b ?c.SERVICE<http://x>{?s ?p ?o} }", "select", None, True, False),
        ("select * { sErViCe silent ?e { } }", "select", None, True, False),
        ("SELECT * { SERV\\u0049CE <http://x> { } }", "select", None, True, False),
        # ... and not where it is no keyword
        ('SELECT * { ?s ?p "SERVICE <http://x> {}" }', "select", None, False, False),
        ("SELECT * { ?s ?p '''a ' SERVICE '' b''' }", "select", None, False, False),
        ('SELECT * { ?s ?p """a " SERVICE "" b""" }', "select", None, False, False),
        ("SELECT * { ?s ?p ?o } # SERVICE <http://x> { }", "select", None, False, False),
        ("SELECT ?service { ?service <http://x/SERVICE#LOAD> ?o }", "select", None, False, False),
        (
            "PREFIX service: <http://x/> SELECT * { ?s service:load ex:service, _:service }",
            "select",
            None,
            False,
            False,
        ),
        ('SELECT * { ?s ?p "x"@service }', "select", None, False, False),
        ('SELECT * { ?s ?p "a\\"SERVICE" }', "select", None, False, False),
        # updates
        ("LOAD <http://x/data.ttl>", None, "LOAD", False, False),
        ("PREFIX a: <http://x/> INSERT DATA { a:a a:b a:c }", None, "INSERT", False, False),
        ("delete where { ?s ?p ?o }", None, "DELETE", False, False),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None, "WITH", False, False),
        ("CLEAR ALL", None, "CLEAR", False, False),
        ("SELECT * {} ; DROP ALL", "select", "DROP", False, False),
    ],
)
def test_query_check(query: str, kind: str | None, update: str | None, service: bool, dataset: bool) -> None:
    found = check(query)
    assert (found.kind, found.update, found.service, found.dataset) == (kind, update, service, dataset)


def test_negotiation() -> None:
    offered = formats.RESULT_FORMATS
    assert formats.negotiate(None, offered) is formats.JSON
    assert formats.negotiate("", offered) is formats.JSON
    assert formats.negotiate("*/*", offered) is formats.JSON
    assert formats.negotiate("text/*", offered) is formats.CSV
    assert formats.negotiate("text/csv;q=0.2, application/sparql-results+xml;q=0.3", offered) is formats.XML
    assert formats.negotiate("application/xml", offered) is formats.XML
    assert formats.negotiate("application/json", offered) is formats.JSON
    assert formats.negotiate("text/turtle", offered) is None
    assert formats.negotiate("*/*;q=0, text/csv", offered) is formats.CSV
    assert formats.negotiate("text/tab-separated-values;charset=utf-8", offered) is formats.TSV
    # the format parameter wins over Accept; its names depend on the kind of result
    assert formats.negotiate("text/csv", offered, ["xml"]) is formats.XML
    assert formats.negotiate(None, formats.GRAPH_FORMATS, ["xml"]) is formats.RDFXML
    assert formats.negotiate(None, formats.GRAPH_FORMATS, ["json"]) is formats.JSONLD
    assert formats.negotiate(None, formats.GRAPH_FORMATS, ["rdf xml"]) is formats.RDFXML  # '+' sent unencoded
    assert formats.negotiate(None, formats.GRAPH_FORMATS, ["tsv", "text/turtle"]) is formats.TURTLE
    assert formats.negotiate(None, offered, ["ttl"]) is None
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert formats.negotiate(browser, (*offered, formats.HTML)) is formats.HTML
    assert formats.negotiate("*/*", (*offered, formats.HTML)) is formats.JSON


def solutions(store: Store, query: str) -> tuple[list[str], list[tuple[object, ...]]]:
    answer = store.query(query)
    variables = [v.value for v in answer.variables]  # type: ignore[union-attr]
    return variables, [tuple(s[v] for v in variables) for s in answer]  # type: ignore[union-attr]


TERMS = r"""SELECT ?s ?l ?d ?i ?n ?b ?u WHERE {
  VALUES (?s ?l ?d ?i ?n ?u) { ("tab\there \"quoted\", new\nline\r<&>" "中文"@zh "2024-03-01"^^<http://www.w3.org/2001/XMLSchema#date>
    <http://example.org/a?b=c&d> 1.50 UNDEF) }
  BIND(BNODE() AS ?b) }"""


@pytest.mark.parametrize(
    ("fmt", "parsed"),
    [
        (formats.JSON, QueryResultsFormat.JSON),
        (formats.XML, QueryResultsFormat.XML),
        (formats.TSV, QueryResultsFormat.TSV),
    ],
)
def test_writers_round_trip_through_pyoxigraph(fmt: formats.Format, parsed: QueryResultsFormat) -> None:
    store = Store()
    variables, rows = solutions(store, TERMS)
    back = parse_query_results(results.write_select(fmt, variables, rows), format=parsed)  # type: ignore[arg-type]
    assert [v.value for v in back.variables] == variables  # type: ignore[union-attr]
    (row,) = [tuple(s[v] for v in variables) for s in back]  # type: ignore[union-attr]
    for mine, theirs in zip(rows[0], row, strict=True):
        if isinstance(mine, BlankNode):
            assert isinstance(theirs, BlankNode)
        else:
            assert mine == theirs
    for value in (True, False):
        answer = parse_query_results(results.write_ask(fmt, value), format=parsed) if fmt is not formats.TSV else None
        assert answer is None or bool(answer) is value


def test_csv_follows_the_w3c_note() -> None:
    variables, rows = solutions(Store(), TERMS)
    text = results.write_select(formats.CSV, variables, rows).decode()
    header, rest = text.split("\r\n", 1)
    assert header == "s,l,d,i,n,b,u"
    assert rest.startswith('"tab\there ""quoted"", new\nline\r<&>",中文,2024-03-01,http://example.org/a?b=c&d,1.5,_:')
    assert rest.endswith(",\r\n")  # ?u unbound: an empty field


def test_json_literals() -> None:
    variables, rows = solutions(Store(), TERMS)
    text = results.write_select(formats.JSON, variables, rows).decode()
    assert '"l":{"type":"literal","value":"中文","xml:lang":"zh"}' in text
    assert f'"d":{{"type":"literal","value":"2024-03-01","datatype":"{XSD}date"}}' in text
    assert '"s":{"type":"literal","value":"tab\\there' in text  # a plain string has no datatype
    assert '"u"' not in text.split('"bindings"')[1]


def test_graph_formats() -> None:
    triples = [
        q.triple
        for q in parse(
            b'<http://x/a> <http://www.w3.org/2000/01/rdf-schema#label> "a"@en .', format=RdfFormat.N_TRIPLES
        )
    ]
    turtle = results.write_graph(formats.TURTLE, triples).decode()
    assert "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in turtle and "@prefix bl:" not in turtle
    for fmt in formats.GRAPH_FORMATS:
        body = results.write_graph(fmt, triples)
        back = list(parse(body, format=RdfFormat.from_media_type(fmt.media_type)))
        assert [q.triple for q in back] == triples


def test_syntax_message_points_at_the_error() -> None:
    message = syntax_message('error at 2:5: expected one of "{", [_]', "SELECT *\nWHERE ?s ?p ?o }")
    assert message == (
        "SPARQL syntax error at line 2, column 5: expected { (a «}» closes nothing)\n\nWHERE ?s ?p ?o }\n    ^\n\n"
        '(the parser: expected one of "{", […])'
    )


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("SELECT * WHERE { ?s ?p }", "a triple pattern needs a subject, a predicate and an object"),
        ("SELECT ?x WHERE { ?s ?p ?o ", "the query ends too early: 1 «{» not closed: a «}» is missing"),
        ('SELECT * WHERE { ?s ?p "a{" ', "the query ends too early: 1 «{» not closed"),  # a brace in a string
        ("SELECT * WHERE { ?s ?p ?o } }", "a «}» closes nothing"),
        (
            "SELEC * {}",
            "a query begins with SELECT, CONSTRUCT, ASK or DESCRIBE (after PREFIX lines), not «SELEC»; "
            "did you mean «SELECT»?",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMT 3",
            "«LIMT» is not a SPARQL keyword, nor a variable (?x), an IRI (<…>) "
            "or a prefixed name (ex:x); did you mean «LIMIT»?",
        ),
        ("PREFIX bl: <http://x#>\nSELECT * { ?s bl:x ?o FILTR(?o > 1) }", "«FILTR» is not a SPARQL keyword"),
        ("SELECT * { ?s a foo:Bar }", "the prefix «foo:» is not declared: add «PREFIX foo: <…>» at the top"),
        ('SELECT * { ?s ?p "x"@zh ; ?q 1e5 FILTER(?o = foo:unit-budget) }', "the prefix «foo:» is not declared"),
        ("SELECT (COUNT(*) ?n) {?s ?p ?o}", "an expression in SELECT is written «(expression AS ?name)»"),
        ("PREFIX bl: <x#>\nSELECT * {}", "the IRI «<x#>» is not a valid absolute IRI"),
    ],
)
def test_syntax_errors_are_said_in_words(query: str, words: str) -> None:
    """Oxigraph's own message for each (e.g. 'expected one of LATERAL, SERVICE, [_]') stays on the last line."""
    try:
        Store().query(query)
    except SyntaxError as exc:
        message = syntax_message(str(exc), query)
    else:
        raise AssertionError(f"{query!r} parsed")
    first = message.split("\n")[0]
    assert words in first, first
    assert message.splitlines()[-1].startswith("(the parser: ")
    assert "\\u{" not in message  # no Unicode character classes


def test_query_headers() -> None:
    header = read_header(
        "#+ summary: 中文 / English\n#+ description: >-\n#+   one\n#+   two\n\nSELECT * {}\n#+ tags: x"
    )
    assert header == {"summary": "中文 / English", "description": "one two"}
    assert read_header("#+ summary: a: b\nASK {}") == {"summary": "a: b"}  # not YAML: read as it stands
    assert read_header("ASK {}") == {}
    for query in named_queries():
        assert " / " in query.summary and query.description, query.name


# --- execution and the pool ------------------------------------------------------------------------------


@pytest.fixture()
def small_store(tmp_path: Path) -> Path:
    """A store folder laid out like budgetlod's: snapshots/1 and the ``current`` link."""
    store = Store(str(tmp_path / "primary"))
    for g in range(3):
        graph = NamedNode(f"http://example.org/g{g}")
        for i in range(40):
            store.add(Quad(NamedNode(f"http://example.org/s{i}"), NamedNode("http://example.org/p"), Literal(i), graph))
    store.flush()
    (tmp_path / "snapshots").mkdir()
    store.backup(str(tmp_path / "snapshots" / "1"))
    (tmp_path / "current").symlink_to(Path("snapshots") / "1")
    return tmp_path


def options(**kwargs: object) -> QueryOptions:
    base: dict[str, object] = {"formats": {"select": "json", "ask": "json", "graph": "nt"}, "row_limit": 50}
    return QueryOptions(**{**base, **kwargs})  # type: ignore[arg-type]


def test_execute_applies_the_row_limit_and_the_dataset(small_store: Path) -> None:
    store = Store.read_only(str(small_store / "current"))
    many = execute(store, "SELECT * { ?s ?p ?o }", options())
    assert many.truncated and many.count == 50 and many.kind == "select"
    exact = execute(store, "SELECT * { ?s ?p ?o } LIMIT 50", options())
    assert not exact.truncated and exact.count == 50
    triples = execute(store, "CONSTRUCT WHERE { ?s ?p ?o }", options(row_limit=30))  # 40 distinct triples
    assert triples.truncated and triples.count == 30 and triples.media_type.startswith("application/n-triples")
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert b'"value":"120"' in execute(store, count, options()).body  # the union of the three graphs
    assert b'"value":"40"' in execute(store, count, options(default_graphs=("http://example.org/g1",))).body
    assert b'"value":"0"' in execute(store, count, options(named_graphs=("http://example.org/g1",))).body
    assert b'"value":"0"' in execute(store, count, options(union_default_graph=False)).body


def test_pool_stops_a_runaway_query_and_replaces_the_worker(small_store: Path) -> None:
    config = ServerConfig.from_settings(store_path=small_store, query_timeout=1.5, query_workers=1, row_limit=10)
    pool = QueryPool(config)
    try:
        assert pool.run("ASK { ?s ?p ?o }", options()).body == b'{"head":{},"boolean":true}'
        with pytest.raises(QuerySyntaxError, match="error at 1:"):
            pool.run("SELECT ?s {", options())
        runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            pool.run(runaway, options())
        assert 1.4 < time.monotonic() - started < 120  # waited for its limit, then stopped (alone it runs for hours)
        assert pool.run("ASK { ?s ?p ?o }", options()).body == b'{"head":{},"boolean":true}'
    finally:
        pool.close()


def test_pool_keeps_answers_per_snapshot(small_store: Path) -> None:
    config = ServerConfig.from_settings(store_path=small_store, query_workers=1, result_cache_bytes=10_000)
    pool = QueryPool(config)
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    try:
        first = pool.run(count, options())
        assert not first.cached and b'"value":"120"' in first.body
        again = pool.run(count, options())
        assert again.cached and again.body == first.body
        other = pool.run(count, options(default_graphs=("http://example.org/g1",)))  # other options: evaluated
        assert not other.cached and b'"value":"40"' in other.body
        # an ingest publishes snapshot 2 (one more graph) and moves the link: the old answers are not used
        store = Store(str(small_store / "primary"))
        store.add(
            Quad(
                NamedNode("http://example.org/x"),
                NamedNode("http://example.org/p"),
                Literal(1),
                NamedNode("http://example.org/g3"),
            )
        )
        store.flush()
        store.backup(str(small_store / "snapshots" / "2"))
        del store
        (small_store / "next").symlink_to(Path("snapshots") / "2")
        (small_store / "next").replace(small_store / "current")
        fresh = pool.run(count, options())
        assert not fresh.cached and b'"value":"121"' in fresh.body
        assert pool.run(count, options()).cached
        big = pool.run("SELECT * { ?s ?p ?o }", options(row_limit=1000))  # 121 rows: larger than the cache
        assert len(big.body) > 10_000 and not pool.run("SELECT * { ?s ?p ?o }", options(row_limit=1000)).cached
    finally:
        pool.close()
    off = QueryPool(ServerConfig.from_settings(store_path=small_store, query_workers=1, result_cache_bytes=0))
    try:
        assert not off.run(count, options()).cached and not off.run(count, options()).cached
    finally:
        off.close()


def test_result_cache_drops_the_least_recently_used() -> None:
    @dataclass(frozen=True)
    class Answer:
        body: bytes

    cache: ResultCache[Answer] = ResultCache(3 * (100 + OVERHEAD_BYTES))
    for name in "abc":
        cache.put("s1", name, Answer(b"x" * 100))
    assert cache.get("s1", "a") == Answer(b"x" * 100)  # a is now the most recently used
    cache.put("s1", "d", Answer(b"y" * 100))
    assert cache.get("s1", "b") is None and cache.get("s1", "c") is not None and len(cache) == 3
    assert cache.get("s2", "a") is None and len(cache) == 0 and cache.size_bytes == 0  # a new snapshot
    assert (cache.hits, cache.misses) == (2, 2)


def test_health_counts_once_per_snapshot_in_the_background(small_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from budgetlod.serve import backend as backend_module

    calls: list[float] = []
    release = threading.Event()

    def slow_count(store: Store) -> dict[str, int]:
        calls.append(time.monotonic())
        release.wait(10)
        return {"http://example.org/g0": 40}

    monkeypatch.setattr(backend_module, "count_triples", slow_count)
    monkeypatch.setattr(backend_module, "HEALTH_WAIT_SECONDS", 0.2)
    embedded = backend_module.EmbeddedBackend(ServerConfig.from_settings(store_path=small_store))
    try:
        assert embedded.health() == {
            "store": "embedded",
            "snapshot": str((small_store / "snapshots" / "1").resolve()),
            "graphs": None,
            "triples": None,
            "counting": True,
        }
        release.set()
        assert embedded.health()["triples"] == 40 and embedded.health()["graphs"] == 1
        assert len(calls) == 1  # counted once for the snapshot
    finally:
        release.set()
        embedded.close()


def test_a_long_query_is_not_read_again_for_its_error() -> None:
    """A crafted megabyte (an unterminated string from every quote) gets the parser's alternatives in words at once;
    reading it again took minutes of CPU and stalled the server (tests/test_hardening_serve.py)."""
    from budgetlod.serve.syntax_words import MAX_EXPLAINED, explain

    body = "'a\\" * 333_333
    assert len(body) > MAX_EXPLAINED
    assert explain('expected one of "{", [_]', body, 1, 5) == "expected {"
    assert explain("expected one of Prefix not found, ['%']", "SELECT * { ?s a foo:Bar }", 1, 24).startswith(
        "the prefix «foo:» is not declared"
    )
