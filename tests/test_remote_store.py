"""The remote store (budgetlod.store.remote) against a real Virtuoso Open Source 7 started by the tests
(tests/virtuoso.py; skipped with the reason where virtuoso-t is not installed), writing through the
authenticated endpoint /sparql-auth (digest) as a user with SPARQL_UPDATE, as a deployment would.

Failures are injected by a proxy in front of Virtuoso (tests/fault_proxy.py): requests dropped before
the server sees them, answers lost after the server applied them, 503s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from fault_proxy import DROP, LOSE, PASS, Seen, counting, fault_proxy
from paths import SAMPLE
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QueryBoolean, QuerySolutions, Store, Triple, Variable
from tools import require, requires
from virtuoso import Virtuoso, free_port, running_virtuoso

from budgetlod.ingest.vocabulary import load_vocabulary
from budgetlod.pipeline import Converted, convert
from budgetlod.prefixes import PREFIXES
from budgetlod.rdf.vocabulary import CODELIST_GRAPH, ONTOLOGY_GRAPH, vocabulary_quads
from budgetlod.store.base import rows
from budgetlod.store.canonical import canonical_term, canonical_triples
from budgetlod.store.remote import GraphState, RemoteGraphError, RemoteOptions, RemoteStore, ResultTruncated
from budgetlod.store.sparql_client import Credentials, EndpointError, RemoteConfigError, RemoteStoreError, Retry
from budgetlod.store.staging import PROBE_GRAPH, STAGING_PREFIX, batches, commit_update, guard, with_decimal_point

SAMPLE_TRIPLES = 4060
XSD = "http://www.w3.org/2001/XMLSchema#"
PRINTED = "https://w3id.org/budgetlod/ontology#printedValue"


def needs_virtuoso(test: Callable[..., None]) -> Callable[..., None]:
    """A test against a real Virtuoso: skipped with the reason without it; slow (run by CI, --run-slow)."""
    return pytest.mark.slow(requires("virtuoso")(test))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    require("virtuoso")
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), max_rows=10000) as server:
        yield server


@pytest.fixture(scope="module")
def sample() -> Converted:
    return convert(SAMPLE)


def remote(virtuoso: Virtuoso, base: str | None = None, *, gsp: bool = False, update: bool = True,
           **options: object) -> RemoteStore:
    """A store writing as the test's writer user (digest), directly or through a proxy at ``base``."""
    root = base or virtuoso.http
    return RemoteStore(
        f"{root}/sparql-auth",
        update_url=f"{root}/sparql-auth" if update else None,
        gsp_url=f"{root}/sparql-graph-crud-auth" if gsp else None,
        credentials=Credentials(virtuoso.user, virtuoso.password),
        options=RemoteOptions(backoff=0.001, **options),  # type: ignore[arg-type]
    )


def content(store: RemoteStore, graph: str) -> list[Triple]:
    """The remote graph's triples (checked against its count, so that a capped answer cannot pass)."""
    answer = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(answer, list)
    assert len(answer) == store.count_triples([graph]).get(graph, 0)
    return answer


def other_version(quads: list[Quad]) -> list[Quad]:
    """The sample less its first 100 triples, plus two new ones: a different graph of about the same size."""
    extra = NamedNode("https://example.org/test/extra")
    return [*quads[100:], Quad(extra, extra, Literal("第二版", language="zh")), Quad(extra, extra, Literal("2"))]


def is_insert(seen: Seen) -> bool:
    """An INSERT DATA batch into a staging graph (not the store's one-off probe of how it keeps decimals)."""
    return seen.authorised and "INSERT DATA" in seen.text and PROBE_GRAPH not in seen.text


def is_commit(seen: Seen) -> bool:
    return seen.authorised and "ADD SILENT GRAPH" in seen.text


# --- without a server -------------------------------------------------------------------------------


def test_batches_respect_both_limits_and_keep_blank_nodes_together() -> None:
    """At most N lines and B bytes a batch; lines with blank nodes all in the first batch; a line larger than
    a request may be, or blank-node lines that do not fit one request, are refused before anything is sent."""
    lines = [b"x" * 10] * 7
    assert [len(b) for b in batches(lines, [], 3, 1000)] == [3, 3, 1]
    assert [len(b) for b in batches(lines, [], 100, 25)] == [2, 2, 2, 1]  # 11 bytes a line with its newline
    assert [len(b) for b in batches(lines, [b"_:b"] * 2, 3, 1000)] == [2, 3, 3, 1]
    with pytest.raises(ValueError, match="larger than a request"):
        batches([b"y" * 100], [], 10, 50)
    with pytest.raises(ValueError, match="blank nodes"):
        batches(lines, [b"_:b"] * 4, 3, 1000)


def test_commit_is_guarded_by_a_triple_of_the_new_content() -> None:
    """The commit deletes the live graph only while the staged copy holds the guard triple (IRIs preferred, else a
    plain string; FILTER EXISTS when there is neither); integral decimals get a point, other literals stay."""
    s, p = NamedNode("https://example.org/s"), NamedNode("https://example.org/p")
    decimal = NamedNode(XSD + "decimal")
    assert guard([Triple(s, p, Literal("7", datatype=decimal)), Triple(s, p, s)]) == f"{s} {p} {s}"
    assert guard([Triple(s, p, Literal("7", datatype=decimal)), Triple(s, p, Literal("名"))]) == f'{s} {p} "名"'
    assert guard([Triple(s, p, Literal("7", datatype=decimal))]) is None
    text = commit_update("https://example.org/g", "urn:budgetlod:staging:https://example.org/g", f"{s} {p} {s}")
    assert f"GRAPH <urn:budgetlod:staging:https://example.org/g> {{ {s} {p} {s} }}" in text
    assert text.endswith("ADD SILENT GRAPH <urn:budgetlod:staging:https://example.org/g> TO GRAPH "
                         "<https://example.org/g> ;\nDROP SILENT GRAPH <urn:budgetlod:staging:https://example.org/g>")
    assert "FILTER EXISTS" in commit_update("https://example.org/g", "urn:x")
    assert with_decimal_point(Triple(s, p, Literal("30", datatype=decimal))).object == Literal("30.0", datatype=decimal)
    for kept in (Literal("30.5", datatype=decimal), Literal("30"), Literal("30", datatype=NamedNode(XSD + "integer"))):
        assert with_decimal_point(Triple(s, p, kept)).object == kept


def test_retry_pauses_double_up_to_the_cap() -> None:
    """4 attempts -> 3 pauses, doubling from the backoff, never above max_backoff."""
    assert list(Retry(4, 0.5, 30).pauses()) == [0.5, 1.0, 2.0]
    assert list(Retry(5, 10, 15).pauses()) == [10, 15, 15, 15]
    assert list(Retry(1).pauses()) == []


def test_canonical_keys_compare_values_not_lexical_forms() -> None:
    """The comparison key of a literal is its value: 1487.40 = 1487.4, 007 = 7, 1 = true, zh-Hans = zh-hans."""
    decimal = NamedNode(XSD + "decimal")
    assert canonical_term(Literal("1487.40", datatype=decimal)) == Literal("1487.4", datatype=decimal)
    assert canonical_term(Literal("0.00", datatype=decimal)) == Literal("0", datatype=decimal)
    assert canonical_term(Literal("14874000.00", datatype=decimal)) == Literal("14874000", datatype=decimal)
    assert canonical_term(Literal("007", datatype=NamedNode(XSD + "integer"))).value == "7"  # type: ignore[union-attr]
    assert canonical_term(Literal("1", datatype=NamedNode(XSD + "boolean"))).value == "true"  # type: ignore[union-attr]
    assert canonical_term(Literal("x", language="zh-Hans")) == Literal("x", language="zh-hans")
    assert canonical_term(Literal("1487.40")) == Literal("1487.40")  # a string stays as written


def test_credentials_come_from_the_environment_and_never_show() -> None:
    """Both variables or neither; the scheme is checked; repr shows neither the user nor the password; a URL with
    credentials in it is refused without repeating them."""
    env = {"BUDGETLOD_REMOTE_USER": "writer-name", "BUDGETLOD_REMOTE_PASSWORD": "pw-Zq81x"}
    credentials = Credentials.from_environment(env)
    assert credentials is not None and credentials.scheme == "digest"
    assert "writer-name" not in repr(credentials) and "pw-Zq81x" not in repr(credentials)
    assert Credentials.from_environment({}) is None
    with pytest.raises(RemoteConfigError, match="set both"):
        Credentials.from_environment({"BUDGETLOD_REMOTE_USER": "writer-name"})
    with pytest.raises(RemoteConfigError, match="BUDGETLOD_REMOTE_AUTH"):
        Credentials.from_environment({**env, "BUDGETLOD_REMOTE_AUTH": "kerberos"})
    store = RemoteStore("http://127.0.0.1:9/sparql", update_url="http://127.0.0.1:9/update", credentials=credentials)
    assert "pw-Zq81x" not in repr(store) and "writer-name" not in repr(store) and "digest" in repr(store)
    with pytest.raises(RemoteConfigError) as refused:
        RemoteStore("http://writer-name:pw-Zq81x@example.org/sparql")
    assert "pw-Zq81x" not in str(refused.value) and "BUDGETLOD_REMOTE_PASSWORD" in str(refused.value)
    with pytest.raises(RemoteConfigError, match="http"):
        RemoteStore("ftp://example.org/sparql")


def test_unreachable_endpoint_names_the_url_after_retrying() -> None:
    """Nothing listens on the port: a clear error naming the URL, after the configured attempts."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    store = RemoteStore(url, options=RemoteOptions(attempts=3, backoff=0.001))
    with pytest.raises(EndpointError) as failed:
        store.graph_names()
    message = str(failed.value)
    assert message.startswith(url) and "cannot connect" in message and "after 3 attempts" in message
    assert failed.value.transient and failed.value.attempts == 3


# --- against Virtuoso -----------------------------------------------------------------------------------


@needs_virtuoso
def test_sample_round_trip_exact(virtuoso: Virtuoso, sample: Converted, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's 4,060 triples loaded through /sparql-auth, with the credentials taken from the environment,
    come back as the same set (compared by value); every figure is the same number and every printed figure
    (bl:printedValue) the same text."""
    for name, value in virtuoso.environment.items():
        monkeypatch.setenv(name, value)
    store = RemoteStore.from_environment(virtuoso.sparql_auth, update_url=virtuoso.sparql_auth)
    assert store.replace_graph(sample.iri, sample.quads) == SAMPLE_TRIPLES
    back = content(store, sample.iri)
    assert len(back) == SAMPLE_TRIPLES
    assert canonical_triples(back) == canonical_triples(sample.quads)
    local_figures = {(q.subject, q.predicate): q.object for q in sample.quads if _is_decimal(q.object)}
    remote_figures = {(t.subject, t.predicate): t.object for t in back if _is_decimal(t.object)}
    assert len(local_figures) == len(remote_figures) > 300
    for key, value in local_figures.items():
        assert Decimal(remote_figures[key].value) == Decimal(value.value), key  # type: ignore[union-attr]
    printed = {(q.subject, q.object) for q in sample.quads if q.predicate.value == PRINTED}
    assert printed == {(t.subject, t.object) for t in back if t.predicate.value == PRINTED}


@needs_virtuoso
def test_virtuoso_keeps_decimal_values_not_lexical_forms(virtuoso: Virtuoso) -> None:
    """Documented behaviour (docs/remote-store.md): Virtuoso returns "1487.40"^^xsd:decimal as "1487.4", "0.00" as
    "0" — the same value, exactly; a figure's printed form survives in its xsd:string."""
    store = remote(virtuoso)
    s, p = NamedNode("https://example.org/test/decimal"), NamedNode("https://example.org/test/value")
    written = ["1487.40", "0.00", "14874000.00", "-12.50", "99999999999999.99", "0.0001"]
    store.replace_graph(s.value, [Quad(s, p, Literal(v, datatype=NamedNode(XSD + "decimal"))) for v in written])
    back = sorted((t.object.value for t in content(store, s.value)), key=Decimal)  # type: ignore[union-attr]
    assert back == ["-12.5", "0", "0.0001", "1487.4", "14874000", "99999999999999.99"]
    assert sorted(map(Decimal, back)) == sorted(map(Decimal, written))


@needs_virtuoso
def test_reingest_replaces_without_duplicates(virtuoso: Virtuoso, sample: Converted) -> None:
    """Loading the same graph again leaves 4,060 triples (no duplicates); loading another version leaves exactly
    that version (triples not in it are gone: replace, not merge); no staging graph is left."""
    store = remote(virtuoso)
    graph = "https://example.org/test/reingest"
    store.replace_graph(graph, sample.quads)
    store.replace_graph(graph, sample.quads)
    assert store.count_triples([graph]) == {graph: SAMPLE_TRIPLES}
    changed = other_version(sample.quads)
    store.replace_graph(graph, changed)
    assert canonical_triples(content(store, graph)) == canonical_triples(changed)
    assert store.count_triples([graph]) == {graph: SAMPLE_TRIPLES - 100 + 2}
    assert graph in store.graph_names() and not store.staging_graphs()


@needs_virtuoso
def test_vocabulary_loads(virtuoso: Virtuoso) -> None:
    """load_vocabulary puts the ontology (3,706 triples: with the DSDs of every family) and the code lists (4,302)
    in their graphs, equal to the
    local quads, and graph_names lists them (as ingest checks before loading)."""
    store = remote(virtuoso)
    load_vocabulary(store)
    by_graph: dict[str, list[Quad]] = {}
    for quad in vocabulary_quads():
        by_graph.setdefault(quad.graph_name.value, []).append(quad)  # type: ignore[union-attr]
    assert {g: len(canonical_triples(q)) for g, q in by_graph.items()} == {ONTOLOGY_GRAPH: 3714, CODELIST_GRAPH: 4302}
    assert {ONTOLOGY_GRAPH, CODELIST_GRAPH} <= store.graph_names()
    for graph, quads in by_graph.items():
        assert canonical_triples(content(store, graph)) == canonical_triples(quads), graph


@needs_virtuoso
def test_transient_failures_are_retried(virtuoso: Virtuoso, sample: Converted) -> None:
    """In 9 batches of 500 triples (4,060), the 3rd batch answered 503 once and the 5th dropped once (before the
    server sees it), and the commit's answer lost once (after the server applied it): all retried, and the graph is
    exactly new — the retried commit changes nothing (it must not empty the graph, as a retried MOVE would)."""
    plan = {3: "503", 5: DROP}
    inserts = counting(is_insert, lambda n: plan.get(n, PASS))
    commits = counting(is_commit, lambda n: LOSE if n == 1 else PASS)
    graph = "https://example.org/test/retried"
    with fault_proxy(virtuoso.http, lambda seen: inserts(seen) if is_insert(seen) else commits(seen)) as proxy:
        store = remote(virtuoso, proxy.url, batch_triples=500)
        assert store.replace_graph(graph, sample.quads) == SAMPLE_TRIPLES
    assert [s.action for s in proxy.seen if is_insert(s)] == [PASS, PASS, "503", PASS, DROP] + [PASS] * 6
    assert [s.action for s in proxy.seen if is_commit(s)] == [LOSE, PASS]
    assert canonical_triples(content(remote(virtuoso), graph)) == canonical_triples(sample.quads)


@needs_virtuoso
@pytest.mark.parametrize("gsp", [False, True], ids=["update", "gsp"])
def test_two_writers_of_one_graph_at_once_both_succeed(virtuoso: Virtuoso, sample: Converted, gsp: bool) -> None:
    """What ingest workers started together do with the ontology (docs/scale.md): two stores replace one graph at
    the same moment, from two threads. Each stages into a graph of its own (``…:staging:<writer>:<g>``; before, both
    used ``…:staging:<g>`` and one dropped the other's copy: "the staged copy holds 0 of 3714 triples"); both
    succeed, the graph holds the content exactly once, and no staging graph is left."""
    graph = "https://example.org/test/two-writers"
    writers = [remote(virtuoso, gsp=gsp), remote(virtuoso, gsp=gsp)]
    assert len({w.staging_graph(graph) for w in writers}) == 2
    assert all(w.staging_graph(graph).startswith(STAGING_PREFIX + "w") for w in writers)
    for _ in range(3):
        with ThreadPoolExecutor(2) as pool:
            written = list(pool.map(lambda w: w.replace_graph(graph, sample.quads), writers))
        assert written == [SAMPLE_TRIPLES, SAMPLE_TRIPLES]
        assert canonical_triples(content(remote(virtuoso), graph)) == canonical_triples(sample.quads)
    assert not writers[0].staging_graphs()


@needs_virtuoso
def test_failure_midway_leaves_the_old_graph(virtuoso: Virtuoso, sample: Converted) -> None:
    """Every batch from the 3rd on dropped: after 3 attempts the error says the remote graph is old, and it is the
    old content exactly (never half-written); the staging graph is dropped."""
    graph = "https://example.org/test/midway"
    remote(virtuoso).replace_graph(graph, sample.quads)
    rule = counting(is_insert, lambda n: DROP if n >= 3 else PASS)
    with fault_proxy(virtuoso.http, rule) as proxy, pytest.raises(RemoteGraphError) as failed:
        remote(virtuoso, proxy.url, batch_triples=500, attempts=3).replace_graph(graph, other_version(sample.quads))
    assert failed.value.state is GraphState.OLD and failed.value.staging is None
    assert "the remote graph is old" in str(failed.value) and proxy.url in str(failed.value)
    assert len(proxy.actions(DROP)) == 3
    store = remote(virtuoso)
    assert canonical_triples(content(store, graph)) == canonical_triples(sample.quads)
    assert not store.staging_graphs()


@needs_virtuoso
def test_failed_commit_leaves_the_old_graph(virtuoso: Virtuoso, sample: Converted) -> None:
    """The commit refused (503) at every attempt: the graph is old, intact, and the staged copy is dropped."""
    graph = "https://example.org/test/commit"
    remote(virtuoso).replace_graph(graph, sample.quads)
    refuse_commit = fault_proxy(virtuoso.http, lambda seen: "503" if is_commit(seen) else PASS)
    with refuse_commit as proxy, pytest.raises(RemoteGraphError) as failed:
        remote(virtuoso, proxy.url, attempts=2).replace_graph(graph, other_version(sample.quads))
    assert failed.value.state is GraphState.OLD and "HTTP 503" in str(failed.value)
    store = remote(virtuoso)
    assert canonical_triples(content(store, graph)) == canonical_triples(sample.quads)
    assert not store.staging_graphs()


@needs_virtuoso
def test_failure_on_a_new_graph_reports_it_absent(virtuoso: Virtuoso, sample: Converted) -> None:
    """A graph never loaded whose first upload fails is reported absent, and holds nothing."""
    graph = "https://example.org/test/never"
    drop_inserts = fault_proxy(virtuoso.http, lambda seen: DROP if is_insert(seen) else PASS)
    with drop_inserts as proxy, pytest.raises(RemoteGraphError) as failed:
        remote(virtuoso, proxy.url, attempts=2).replace_graph(graph, sample.quads)
    assert failed.value.state is GraphState.ABSENT and "absent" in str(failed.value)
    assert graph not in remote(virtuoso).graph_names()


@needs_virtuoso
def test_graph_store_protocol(virtuoso: Virtuoso, sample: Converted) -> None:
    """With a GSP endpoint and an update endpoint, the staged copy is PUT (one request) then committed; with a GSP
    endpoint only, the graph is PUT in place. Both leave exactly the new triples."""
    staged, in_place = "https://example.org/test/gsp-staged", "https://example.org/test/gsp-in-place"
    with fault_proxy(virtuoso.http, lambda seen: PASS) as proxy:
        remote(virtuoso, proxy.url, gsp=True).replace_graph(staged, sample.quads)
        remote(virtuoso, proxy.url, gsp=True, update=False).replace_graph(in_place, other_version(sample.quads))
    puts = [s.path for s in proxy.seen if s.method == "PUT" and s.authorised]
    assert len(puts) == 2 and "urn%3Abudgetlod%3Astaging%3A" in puts[0]
    assert not any(is_insert(s) for s in proxy.seen)
    store = remote(virtuoso)
    assert canonical_triples(content(store, staged)) == canonical_triples(sample.quads)
    assert canonical_triples(content(store, in_place)) == canonical_triples(other_version(sample.quads))


@needs_virtuoso
def test_literals_round_trip(virtuoso: Virtuoso) -> None:
    """Language tags, escapes (quote, backslash, newline, tab), characters outside the BMP (CJK Extension B, emoji),
    a 100,000-character Chinese literal, dates, booleans and integers come back equal (by value)."""
    s = NamedNode("https://example.org/test/literals")
    p = NamedNode("https://example.org/test/p")
    values = [
        Literal("乌鲁木齐市12345政务服务热线中心", language="zh"),
        Literal("amount − change", language="en"),
        Literal('quote " backslash \\ newline \n tab \t end'),
        Literal("𠀀𠀁 ext-B, 😀 emoji"),
        Literal("预算" * 50000),
        Literal("2024-03-01", datatype=NamedNode(XSD + "date")),
        Literal("false", datatype=NamedNode(XSD + "boolean")),
        Literal("30739", datatype=NamedNode(XSD + "integer")),
    ]
    store = remote(virtuoso)
    store.replace_graph(s.value, [Quad(s, p, v) for v in values])
    back = content(store, s.value)
    assert canonical_triples(back) == canonical_triples([Triple(s, p, v) for v in values])
    assert {t.object for t in back} == set(values)  # none of these is rewritten by Virtuoso


@needs_virtuoso
def test_blank_nodes_stay_one_node_across_batches(virtuoso: Virtuoso) -> None:
    """Triples sharing a blank node go in one request (a label means one node within one request only)."""
    s, p = NamedNode("https://example.org/test/bnodes"), NamedNode("https://example.org/test/p")
    node = BlankNode()
    quads = [Quad(s, p, node), Quad(node, p, Literal("a")), Quad(node, p, Literal("b"))]
    quads += [Quad(s, p, Literal(str(i))) for i in range(7)]
    store = remote(virtuoso, batch_triples=3)
    store.replace_graph(s.value, quads)
    answer = store.query(f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{s.value}> {{ <{s.value}> ?p ?b . ?b ?q ?v }} }}")
    assert [row["n"].value for row in rows(answer)] == ["1"]  # type: ignore[union-attr]
    assert store.count_triples([s.value]) == {s.value: 10}


@needs_virtuoso
def test_queries_match_the_embedded_store(virtuoso: Virtuoso, sample: Converted) -> None:
    """SELECT with prefixes and a bound variable, ASK and CONSTRUCT give the same answers (compared by value) on
    Virtuoso and on pyoxigraph over the same graph; a bound value that looks like SPARQL stays a value."""
    store = remote(virtuoso)
    store.replace_graph(sample.iri, sample.quads)
    local = Store()
    local.extend(Quad(q.subject, q.predicate, q.object, NamedNode(sample.iri)) for q in sample.quads)
    select = f"""SELECT ?obs ?amount ?printed WHERE {{ GRAPH <{sample.iri}> {{ ?obs a qb:Observation ;
                bl:amountInYuan ?amount ; bl:printedValue ?printed }} }} ORDER BY STR(?obs)"""  # Virtuoso orders IRIs by id
    bound = {Variable("printed"): Literal("1487.40")}
    answers = [
        local.query(select, prefixes=PREFIXES, substitutions=bound, use_default_graph_as_union=True),
        store.query(select, prefixes=PREFIXES, substitutions=bound),
    ]
    assert all(isinstance(a, QuerySolutions) for a in answers)
    local_rows, remote_rows = ([{k: canonical_term(v) for k, v in r.items()} for r in rows(a)] for a in answers)
    assert local_rows == remote_rows and len(local_rows) >= 2
    ask = f"ASK {{ GRAPH <{sample.iri}> {{ <{sample.iri}> a bl:Disclosure }} }}"
    answer = store.query(ask, prefixes=PREFIXES)
    assert isinstance(answer, QueryBoolean) and bool(answer)
    hostile = {Variable("printed"): Literal('x" } } ; DROP ALL ; #')}
    assert rows(store.query(select, prefixes=PREFIXES, substitutions=hostile)) == []
    assert store.count_triples([sample.iri]) == {sample.iri: SAMPLE_TRIPLES}


@needs_virtuoso
def test_capped_answers_are_errors_and_listing_pages(virtuoso: Virtuoso, sample: Converted) -> None:
    """A SELECT answer that reaches Virtuoso's ResultSetMaxRows (10,000 here) is an error, not a silent partial
    result; listing graphs pages through them (here 2 a page) and finds every one."""
    store = remote(virtuoso)
    store.replace_graph(sample.iri, sample.quads)
    with pytest.raises(ResultTruncated, match="row cap of 10000"):
        store.query(f"SELECT * WHERE {{ GRAPH <{sample.iri}> {{ ?s ?p ?o }} VALUES ?x {{ 1 2 3 }} }}")
    paged = remote(virtuoso, page_rows=2)
    names = paged.graph_names()
    assert sample.iri in names and names == store.graph_names()
    assert not any(g.startswith(STAGING_PREFIX) for g in names)


@needs_virtuoso
def test_paging_goes_past_virtuosos_sorted_row_limit(virtuoso: Virtuoso) -> None:
    """10,050 rows read 4,000 a page: the third page starts at 8,000 and ends at 12,000, past Virtuoso's
    MaxSortedTopRows (10,000), which it refuses for an ORDER BY with LIMIT and OFFSET (SR353); the ordered query
    is a subquery and the page is cut outside it, so every row comes, once, in order."""
    graph = "https://w3id.org/budgetlod/test/many-rows"
    subjects = [f"https://w3id.org/budgetlod/test/row/{i:05d}" for i in range(10050)]
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store = remote(virtuoso, gsp=True)
    store.replace_graph(graph, [Quad(NamedNode(s), label, Literal(s[-5:]), NamedNode(graph)) for s in subjects])
    ordered = f"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s rdfs:label ?l }} }} ORDER BY ?s"
    with pytest.raises(EndpointError, match="SR353"):
        store.query(ordered.replace("ORDER BY ?s", "ORDER BY ?s LIMIT 4000 OFFSET 8000"))
    try:
        assert [row["s"].value for row in remote(virtuoso, page_rows=4000).select_all(ordered)] == subjects
    finally:
        store.drop_graph(graph)


@needs_virtuoso
def test_errors_name_the_url_and_never_the_credentials(virtuoso: Virtuoso) -> None:
    """A wrong password: HTTP 401, not retried, the message names the URL and the variables to check, never the
    password; a wrong path: HTTP 404 naming the URL; a syntax error: the server's message, without the query."""
    wrong = RemoteStore(virtuoso.sparql_auth, update_url=virtuoso.sparql_auth,
                        credentials=Credentials(virtuoso.user, "not-the-Password-7"),
                        options=RemoteOptions(backoff=0.001))
    with pytest.raises(EndpointError) as refused:
        wrong.graph_names()
    message = str(refused.value)
    assert refused.value.status == 401 and message.startswith(virtuoso.sparql_auth)
    assert "BUDGETLOD_REMOTE_PASSWORD" in message and "not-the-Password-7" not in message
    assert virtuoso.password not in message and virtuoso.password not in repr(remote(virtuoso))
    with pytest.raises(EndpointError, match="404") as missing:
        RemoteStore(f"{virtuoso.http}/no-sparql-here").graph_names()
    assert str(missing.value).startswith(f"{virtuoso.http}/no-sparql-here")
    with pytest.raises(RemoteStoreError, match="SP030") as bad:
        remote(virtuoso).query("SELECT * WHERE { ?s ?p }")
    assert "SPARQL query:" not in str(bad.value) and bad.value.attempts == 1  # type: ignore[attr-defined]


def _is_decimal(term: object) -> bool:
    return isinstance(term, Literal) and term.datatype.value == XSD + "decimal"
