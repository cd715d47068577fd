"""The same corpus in the embedded store and, through ``budgetlod ingest --endpoint``, in a real Virtuoso Open
Source 7 (tests/virtuoso.py, one per module; skipped with the reason where virtuoso-t is not installed): every
named query of ``queries/`` gives the same answer on both, compared by value (``budgetlod.store.canonical``);
the remote ingest's command line (summary, report, exit codes), re-ingest (replace, no duplicates) and
failures injected mid-upload (tests/fault_proxy.py: retried, or reported with the remote graph's state).

The corpus: the sample (乌鲁木齐市12345政务服务热线中心 2024), its hand-made 决算 of the same year (its 三公 预算数 off
the 预算: tests/budget_actual.py), and 3 generated units × 2023, 2024 (seed 7; unit 2's 2024 disclosure with a
narrative amount made wrong, so that the rule and disagreement queries have rows).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from budget_actual import FINAL, disagreeing_final
from fault_proxy import DROP, LOSE, PASS, Seen, counting, fault_proxy
from paths import SAMPLE
from pyoxigraph import NamedNode, Store
from tools import require
from virtuoso import Virtuoso, free_port, running_virtuoso

from budgetlod.ingest.bulk import ingest
from budgetlod.ingest.remote import ingest_remote
from budgetlod.pipeline import convert
from budgetlod.query.library import NamedQuery, named_queries
from budgetlod.query.params import bind
from budgetlod.query.run import QueryRunError, Result, open_store, run_endpoint, run_store
from budgetlod.store.canonical import canonical_triples, decimal_key, value_key
from budgetlod.store.embedded import count_triples
from budgetlod.store.remote import RemoteOptions, RemoteStore
from budgetlod.store.sparql_client import Credentials
from budgetlod.store.staging import PROBE_GRAPH
from budgetlod.testing.corpus import generate

pytestmark = pytest.mark.slow  # a Virtuoso started and a corpus ingested into both stores: run by CI, --run-slow

ROOT = Path(__file__).resolve().parent.parent
SEED, UNITS, YEARS = 7, 3, (2023, 2024)
BROKEN = (2, 2024)
OTHER = 40  # a unit index outside the corpus, for the tests that write graphs of their own (dropped afterwards)


# What Virtuoso 7.2 would not do as the embedded store does, by query: the exception the test expects, why, and
# whether to run it at all. The library's queries go to Virtuoso as `budgetlod query --endpoint` sends them: without
# their LATERAL hints (budgetlod.query.dialect; Virtuoso refuses LATERAL itself: the LATERAL pattern below).
LATERAL = r"HTTP 400: Virtuoso 37000 Error SP030: SPARQL compiler, line \d+: syntax error at 'LATERAL' before '\{'"
VIRTUOSO_FAILS: dict[str, tuple[type[Exception], str, bool]] = {}
# Empty: every query agrees. Found and since rewritten in queries/ (docs/remote-store.md, "The query library on
# Virtuoso"): blank cells read as 0, sums multiplied by a path over the union default graph, no answer for
# units-side-by-side without LATERAL, a garbled CONCAT of Chinese text, IRIs not ordered by text.


@dataclass
class Stores:
    virtuoso: Virtuoso
    embedded: Store
    embedded_path: Path
    corpus: Path
    state: Path
    first: subprocess.CompletedProcess[str]  # the first `budgetlod ingest --endpoint`
    tmp: Path

    @property
    def remote(self) -> RemoteStore:
        v = self.virtuoso
        return RemoteStore(v.sparql_auth, update_url=v.sparql_auth, credentials=Credentials(v.user, v.password),
                           options=RemoteOptions(backoff=0.001))


def cli(virtuoso: Virtuoso, *args: str | Path, endpoint: str | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``budgetlod ARGS… --endpoint URL`` with the writer's credentials in the environment only."""
    command = [sys.executable, "-m", "budgetlod", *map(str, args), "--endpoint", endpoint or virtuoso.sparql_auth]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **virtuoso.environment})


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    require("virtuoso")
    tmp = tmp_path_factory.mktemp("remote-queries")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    # its unit's 决算 of the same year, its 三公 预算数 off the 预算: the budget-against-actual queries answer rows
    (corpus / FINAL.name).write_text(disagreeing_final(), encoding="utf-8")
    for index in range(UNITS):
        for year in YEARS:
            errors = ("wrong_narrative_amount",) if (index, year) == BROKEN else ()
            document = generate(SEED, index, year=year, errors=errors)
            (corpus / document.file_name).write_text(document.text, encoding="utf-8")
    summary = ingest([corpus], tmp / "store")
    assert not summary.failed and summary.loaded == 2 + UNITS * len(YEARS)
    with running_virtuoso(tmp / "virtuoso") as virtuoso:
        first = cli(virtuoso, "ingest", corpus, "--state", tmp / "state", "--jobs", "2", "-q")
        assert first.returncode == 0, first.stdout + first.stderr
        yield Stores(virtuoso, open_store(tmp / "store"), tmp / "store", corpus, tmp / "state", first, tmp)


# --- the query library on both stores ---------------------------------------------------------------------


def keyed(result: Result) -> list[tuple[Any, ...]]:
    """The rows as comparison keys (budgetlod.store.canonical.value_key: numbers by value, any numeric type)."""
    return [tuple(value_key(t) for t in row) for row in result.rows]


def difference(variables: list[str], only_local: Counter[tuple[Any, ...]],
               only_remote: Counter[tuple[Any, ...]]) -> str:
    """The rows only one store answered, the cells that differ first (at most 5 rows a side)."""

    def show(row: tuple[Any, ...]) -> str:
        return ", ".join(f"{v}={c.value if hasattr(c, 'value') else c}" for v, c in zip(variables, row, strict=True))

    lines = [f"{len(only_local)} rows only in the embedded store, {len(only_remote)} only in Virtuoso"]
    lines += ["  embedded: " + show(r) for r in list(only_local)[:5]]
    lines += ["  virtuoso: " + show(r) for r in list(only_remote)[:5]]
    return "\n".join(lines)


def order_keys(query: NamedQuery, result: Result) -> list[str]:
    """The leading ORDER BY variables that sort by value (projected, never an IRI): both stores must give the
    same sequence of them. The first key that is an IRI (Virtuoso orders IRIs by internal id) or not projected
    ends the list."""
    clauses = re.findall(r"^ORDER\s+BY\s+(.+)$", query.text, re.MULTILINE)
    keys: list[str] = []
    for key in re.findall(r"\?(\w+)", clauses[-1]) if clauses else []:
        if key not in result.variables or any(isinstance(t, NamedNode) for t in result.column(key)):
            break
        keys.append(key)
    return keys


CASES: list[tuple[str, dict[str, str]]] = [(q.name, {}) for q in named_queries()] + [
    ("units-totals", {"year": "2023"}),
    ("expenditure-by-function", {"year": "2023", "classCode": "208"}),
    ("expenditure-by-economic", {"level": "section"}),
    ("personnel-public-share", {"year": "2023"}),
    ("project-ranking", {"year": "2023"}),
    ("quality-findings", {"severity": "sh:Warning"}),
    ("unit-across-years", {"unitName": generate(SEED, 1, year=2024).unit}),
    ("units-side-by-side", {"unitA": generate(SEED, 0, year=2024).unit, "unitB": generate(SEED, 1, year=2024).unit}),
    ("yoy-change", {"nature": "basic"}),
    ("yoy-stated", {"subject": ""}),
    ("narrative-disagreements", {"year": "2024"}),
]


def case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + "".join(f"[{k}={v}]" for k, v in params.items())


def marked(case: tuple[str, dict[str, str]]) -> Any:
    if case[0] not in VIRTUOSO_FAILS:
        return pytest.param(case, id=case_id(case))
    raises, reason, run = VIRTUOSO_FAILS[case[0]]
    mark = pytest.mark.xfail(reason=reason, raises=raises, strict=True, run=run)
    return pytest.param(case, id=case_id(case), marks=mark)


@pytest.mark.parametrize("case", [marked(c) for c in CASES])
def test_query_gives_the_same_answer_on_both_stores(stores: Stores, case: tuple[str, dict[str, str]]) -> None:
    """Same rows (a multiset, compared by value), same order of the leading value-sorted columns; the remote
    side runs through RemoteStore.query at the anonymous /sparql, as `budgetlod query --endpoint` does."""
    name, params = case
    query = next(q for q in named_queries() if q.name == name)
    terms = bind(query, params)
    local = run_store(stores.embedded, query.text, terms)
    sent = query.text_for(lateral=False)  # as `budgetlod query --endpoint` sends it (budgetlod.query.dialect)
    try:
        remote = run_endpoint(stores.virtuoso.sparql, sent, terms)
    except QueryRunError as exc:
        assert VIRTUOSO_FAILS.get(name, (None,))[0] is QueryRunError, str(exc)
        raise
    assert remote.variables == local.variables
    only_remote, only_local = Counter(keyed(remote)) - Counter(keyed(local)), Counter(keyed(local)) - Counter(keyed(remote))
    if only_remote or only_local:
        raise AssertionError(difference(local.variables, only_local, only_remote))
    columns = [local.variables.index(k) for k in order_keys(query, local)]
    if [tuple(r[i] for i in columns) for r in keyed(remote)] != [tuple(r[i] for i in columns) for r in keyed(local)]:
        raise AssertionError(f"the order of {[local.variables[i] for i in columns]} differs")


def test_the_corpus_gives_rows_to_most_queries(stores: Stores) -> None:
    """The comparison above is not vacuous: with its defaults every query answers rows here (rule-failures' and
    narrative-disagreements' from the injected narrative amount; the budget-against-actual queries' from the
    sample's 决算) — but cross-document-checks, which lists only a narrative whose prior-year figure disagrees with
    last year's disclosure, and the generated narratives agree (tests/test_queries_cross_document.py injects one)."""
    empty = [q.name for q in named_queries() if not run_store(stores.embedded, q.text, bind(q, {})).rows]
    assert empty == ["cross-document-checks"]


def test_query_command_through_the_authenticated_endpoint(stores: Stores) -> None:
    """`budgetlod query NAME --endpoint URL` with digest credentials from the environment answers the same CSV rows
    as the embedded store (numbers compared by value); a query file Virtuoso cannot run (LATERAL is kept in a
    file of one's own) is one [ERROR] line with Virtuoso's reason; the password is never printed."""
    virtuoso = stores.virtuoso
    remote = cli(virtuoso, "query", "units-totals", "--format", "csv")
    local = subprocess.run([sys.executable, "-m", "budgetlod", "query", "units-totals", "--format", "csv", "--store",
                            str(stores.embedded_path)], capture_output=True, text=True, timeout=120)
    assert remote.returncode == 0 and local.returncode == 0, remote.stderr + local.stderr
    # the header and one row a disclosure of 2024: the sample, its 决算 (kind 部门决算, no t-table totals), 3 generated
    assert len(remote.stdout.splitlines()) == len(local.stdout.splitlines()) == 6

    def cells(text: str) -> list[list[str]]:
        return [[decimal_key(c) or c for c in line.split(",")] for line in text.splitlines()]

    assert cells(remote.stdout) == cells(local.stdout)  # ordered by expenditure: the same order
    own = stores.tmp / "lateral.rq"
    own.write_text("SELECT ?g ?n WHERE { GRAPH ?g { ?g a ?t } LATERAL { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g "
                   "{ ?s ?p ?o } } } }\n", encoding="utf-8")
    lateral = cli(virtuoso, "query", own)
    assert lateral.returncode == 2 and lateral.stdout == ""
    assert re.fullmatch(r"\[ERROR\] lateral: " + re.escape(virtuoso.sparql_auth) + ": " + LATERAL + "\n",
                        lateral.stderr), lateral.stderr
    assert virtuoso.password not in remote.stdout + remote.stderr + lateral.stderr


# --- ingest --endpoint --------------------------------------------------------------------------------------


def new_state(stores: Stores, name: str) -> Path:
    """A state folder of its own that records the vocabulary as loaded (it is: by the first run), so that only
    the disclosures are written (and counted by the proxies)."""
    folder = stores.tmp / name
    folder.mkdir(parents=True)
    shutil.copy(stores.state / "vocabulary.txt", folder / "vocabulary.txt")
    return folder


def remote_counts(stores: Stores) -> dict[str, int]:
    counts = stores.remote.count_triples()
    return {g: n for g, n in counts.items() if g.startswith("https://w3id.org/budgetlod/")}


def test_remote_ingest_summary_report_and_content(stores: Stores) -> None:
    """The first run's summary and report; every graph in Virtuoso holds the embedded store's triples (compared by
    value, graph by graph); no staging graph is left."""
    lines = stores.first.stdout.splitlines()
    assert re.fullmatch(r"8 loaded \(1 clean, 6 with warnings, 1 with violations\), 0 unchanged, 0 failed in "
                        rf"[0-9.]+ s \([0-9.]+ files/s\); store {re.escape(stores.virtuoso.sparql_auth)}", lines[0])
    assert lines[1:] == [f"report: {stores.state / 'ingest-report.tsv'}"]
    report = (stores.state / "ingest-report.tsv").read_text(encoding="utf-8").splitlines()
    assert report[0].split("\t") == ["file", "status", "graph", "triples", "violations", "warnings", "parse_warnings",
                                     "seconds", "state", "reason", "findings"]
    assert len(report) == 9 and all(line.split("\t")[8:10] == ["", ""] for line in report[1:])
    # the disagreeing 决算's printed 三公 预算数 against the sample 预算 (finding X001, budgetlod/ingest/pairs.py)
    findings = {Path(line.split("\t")[0]).name: line.split("\t")[10] for line in report[1:]}
    assert [name for name, found in findings.items() if found] == [FINAL.name]
    assert findings[FINAL.name].count("X001: ") == 3
    assert (stores.state / "ingest-manifest.tsv").is_file()
    local = count_triples(stores.embedded)
    assert set(remote_counts(stores)) == set(local) and len(local) == 10  # 8 disclosures, ontology, code lists
    store = stores.remote
    for graph in local:
        quads = stores.embedded.quads_for_pattern(None, None, None, NamedNode(graph))
        expected = canonical_triples(quads)
        answer = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(answer, list) and len(answer) == store.count_triples([graph])[graph]
        assert canonical_triples(answer) == expected, graph
    assert not store.staging_graphs()


def test_second_run_skips_and_force_replaces_without_duplicates(stores: Stores) -> None:
    """Again: 8 unchanged, nothing written (the vocabulary neither). With --force every graph is replaced: the same
    triple counts, graph by graph (replace, not add), no staging graph. Without the state folder's manifest (a
    new --state), the files are converted and written again, with the same result."""
    before = remote_counts(stores)
    with fault_proxy(stores.virtuoso.http, lambda seen: PASS) as proxy:
        again = cli(stores.virtuoso, "ingest", stores.corpus, "--state", stores.state, "--jobs", "1", "-q",
                    endpoint=f"{proxy.url}/sparql-auth")
    assert again.returncode == 0, again.stderr
    assert not [s.text for s in proxy.seen if re.search(r"\b(INSERT|DROP|DELETE|ADD)\b", s.text)]  # only queries
    assert again.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 8 unchanged, 0 failed")
    forced = cli(stores.virtuoso, "ingest", stores.corpus, "--state", stores.state, "--force", "-q")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith("8 loaded (1 clean, 6 with warnings, 1 with violations), 0 unchanged, 0 failed")
    assert remote_counts(stores) == before
    fresh = cli(stores.virtuoso, "ingest", stores.corpus, "--state", stores.tmp / "fresh-state", "-q")
    assert fresh.returncode == 0 and fresh.stdout.startswith("8 loaded"), fresh.stdout + fresh.stderr
    assert remote_counts(stores) == before
    assert not stores.remote.staging_graphs()


def test_changed_file_replaces_its_graph_and_the_manifest_is_checked_against_the_store(stores: Stores) -> None:
    """A file of another unit is loaded, then changed (a narrative amount made wrong: other quality annotations):
    its graph is replaced by exactly the new version. Dropped behind budgetlod's back, it is written again even
    though the state folder lists it as loaded (the store must vouch for each manifest line)."""
    folder, state = stores.tmp / "changing", new_state(stores, "changing-state")
    folder.mkdir()
    first = generate(SEED, OTHER, year=2024)
    path = folder / first.file_name
    path.write_text(first.text, encoding="utf-8")
    graph = convert(path).iri
    store = stores.remote
    try:
        assert cli(stores.virtuoso, "ingest", folder, "--state", state, "-q").returncode == 0
        path.write_text(generate(SEED, OTHER, year=2024, errors=("wrong_narrative_amount",)).text, encoding="utf-8")
        changed = cli(stores.virtuoso, "ingest", folder, "--state", state, "-q")
        assert changed.returncode == 0 and changed.stdout.startswith("1 loaded"), changed.stdout + changed.stderr
        new = convert(path)
        answer = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert isinstance(answer, list)
        report = {r.split("\t")[0]: r.split("\t") for r in (state / "ingest-report.tsv").read_text().splitlines()}
        assert int(report[str(path)][3]) == len(answer) == store.count_triples([graph])[graph]
        assert canonical_triples(q for q in new.quads) <= canonical_triples(answer)  # plus the DQV annotations
        store.drop_graph(graph)
        rewritten = cli(stores.virtuoso, "ingest", folder, "--state", state, "-q")
        assert rewritten.stdout.startswith("1 loaded (0 clean, 1 with warnings"), rewritten.stdout
        assert store.count_triples([graph]) == {graph: len(answer)}
    finally:
        store.drop_graph(graph)


def test_a_staging_graph_a_killed_run_left_is_dropped(stores: Stores) -> None:
    """A run killed while writing leaves its staging graph listed in <state>/ingest-staging.txt: the next run drops
    it first and says so."""
    state, staging = new_state(stores, "killed-state"), "urn:budgetlod:staging:https://example.org/test/killed"
    store = stores.remote
    store.client.update(f"INSERT DATA {{ GRAPH <{staging}> {{ <urn:x:s> <urn:x:p> 'left' }} }}", timeout=60)
    (state / "ingest-staging.txt").write_text(staging + "\n", encoding="utf-8")
    (stores.tmp / "nothing").mkdir()
    result = cli(stores.virtuoso, "ingest", stores.tmp / "nothing", "--state", state)
    # an empty folder is not a success (exit 2, "no disclosure found"), but the cleanup ran before the files
    assert result.returncode == 2 and "dropped 1 staging graphs an interrupted run left" in result.stderr
    assert "no disclosure found in" in result.stderr
    assert staging not in store.staging_graphs() and not (state / "ingest-staging.txt").exists()


# --- failures ------------------------------------------------------------------------------------------------


def is_insert(seen: Seen) -> bool:
    return seen.authorised and "INSERT DATA" in seen.text and PROBE_GRAPH not in seen.text


def is_commit(seen: Seen) -> bool:
    return seen.authorised and "ADD SILENT GRAPH" in seen.text


def test_failure_mid_upload_is_reported_with_the_graph_state(stores: Stores) -> None:
    """Through a proxy that drops every INSERT DATA batch from the 3rd on: a new graph is reported `unwritten` with
    state absent, an existing one (loaded before) with state old — each after the retries, exit status 2, the
    failure on stderr as it happens and in the summary and the report — and neither is half-written: the new graph
    does not exist, the old one holds its old triples; no staging graph is left."""
    folder, state = stores.tmp / "faults", new_state(stores, "faults-state")
    folder.mkdir()
    old, new = generate(SEED, OTHER + 1, year=2024), generate(SEED, OTHER + 2, year=2024)
    (folder / old.file_name).write_text(old.text, encoding="utf-8")
    old_graph = convert(folder / old.file_name).iri
    store = stores.remote
    try:
        assert cli(stores.virtuoso, "ingest", folder, "--state", state, "-q").returncode == 0
        old_triples = store.count_triples([old_graph])[old_graph]
        changed = generate(SEED, OTHER + 1, year=2024, errors=("wrong_narrative_amount",))
        (folder / old.file_name).write_text(changed.text, encoding="utf-8")
        (folder / new.file_name).write_text(new.text, encoding="utf-8")
        new_graph = convert(folder / new.file_name).iri
        batches = 0

        def every_graph_from_its_third_batch(seen: Seen) -> str:
            nonlocal batches
            if not is_insert(seen):
                return PASS
            batches = 1 if "DROP SILENT GRAPH" in seen.text else batches + 1  # a graph's first batch drops first
            return DROP if batches >= 3 else PASS

        with fault_proxy(stores.virtuoso.http, every_graph_from_its_third_batch) as proxy:
            result = cli(stores.virtuoso, "ingest", folder, "--state", state, "--report", state / "r.json",
                         endpoint=f"{proxy.url}/sparql-auth", timeout=900)
        assert result.returncode == 2, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 0 unchanged, 2 failed "
                                   "(0 unreadable, 0 refused, 2 unwritten)")
        failures = {Path(f).name: reason for status, f, reason in (line.split("\t") for line in lines[1:3])}
        assert failures[old.file_name].startswith(f"remote graph old: graph <{old_graph}> not replaced: ")
        assert failures[new.file_name].startswith(f"remote graph absent: graph <{new_graph}> not replaced: ")
        for name, reason in failures.items():
            assert "the connection failed" in reason and "(after 4 attempts)" in reason, reason
            assert f"[ERROR] {folder / name}: {reason}" in result.stderr
        assert stores.virtuoso.password not in result.stdout + result.stderr
        rows = {Path(r["file"]).name: r for r in json.loads((state / "r.json").read_text())["files"]}
        assert {rows[n]["status"] for n in rows} == {"unwritten"}
        assert rows[old.file_name]["state"] == "old" and rows[new.file_name]["state"] == "absent"
        assert store.count_triples([old_graph, new_graph]) == {old_graph: old_triples}
        assert not store.staging_graphs()
    finally:
        store.drop_graph(old_graph)


def test_transient_failures_are_retried(stores: Stores) -> None:
    """The 2nd batch answered 503 once, the 3rd dropped once, the commit's answer lost once: all retried,
    the file is loaded (exit 0) and its graph is whole."""
    folder, state = stores.tmp / "transient", new_state(stores, "transient-state")
    folder.mkdir()
    document = generate(SEED, OTHER + 3, year=2024)
    (folder / document.file_name).write_text(document.text, encoding="utf-8")
    converted = convert(folder / document.file_name)
    plan = {2: "503", 4: DROP}  # the 4th request is the 3rd batch (the 3rd was the 2nd batch again)
    inserts = counting(is_insert, lambda n: plan.get(n, PASS))
    commits = counting(is_commit, lambda n: LOSE if n == 1 else PASS)
    store = stores.remote
    try:
        with fault_proxy(stores.virtuoso.http, lambda s: inserts(s) if is_insert(s) else commits(s)) as proxy:
            result = cli(stores.virtuoso, "ingest", folder, "--state", state, "-q",
                         endpoint=f"{proxy.url}/sparql-auth")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("1 loaded")
        assert [s.action for s in proxy.seen if is_insert(s)][:5] == [PASS, "503", PASS, DROP, PASS]
        answer = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{converted.iri}> {{ ?s ?p ?o }} }}")
        assert isinstance(answer, list)
        assert canonical_triples(converted.quads) <= canonical_triples(answer)
    finally:
        store.drop_graph(converted.iri)


def test_a_run_stops_when_the_server_is_gone(stores: Stores, tmp_path: Path) -> None:
    """Every write refused (503): after `max_failures` files in a row the run stops; the rest is "not done"."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for index in range(4):
        document = generate(SEED, OTHER + 10 + index, year=2024)
        (folder / document.file_name).write_text(document.text, encoding="utf-8")
    virtuoso = stores.virtuoso
    with fault_proxy(virtuoso.http, lambda s: "503" if is_insert(s) else PASS) as proxy:
        store = RemoteStore(f"{proxy.url}/sparql-auth", update_url=f"{proxy.url}/sparql-auth",
                            credentials=Credentials(virtuoso.user, virtuoso.password),
                            options=RemoteOptions(backoff=0.001, attempts=2))
        summary = ingest_remote([folder], store, state=new_state(stores, "gone-state"), max_failures=2)
    assert [o.status for o in summary.outcomes] == ["unwritten", "unwritten"] and summary.not_done == 2
    assert summary.stopped == f"2 files in a row could not be written to {proxy.url}/sparql-auth"
    assert "2 not done (stopped: 2 files in a row could not be written" in summary.text(store.client.query_url)
    assert all(o.state == "absent" for o in summary.outcomes)


def test_command_line_errors(stores: Stores, tmp_path: Path) -> None:
    """One [ERROR] line and exit status 2: endpoint options without --endpoint, --store with it, credentials half
    given, an endpoint that does not answer; an unreadable file among good ones is exit 2, a --strict refusal 1."""
    virtuoso = stores.virtuoso
    base = [sys.executable, "-m", "budgetlod", "ingest", str(SAMPLE)]
    cases = [
        (["--update-endpoint", virtuoso.sparql_auth], {}, "--update-endpoint, --gsp-endpoint and --state go with"),
        (["--endpoint", virtuoso.sparql_auth, "--store", str(tmp_path / "s")], {}, "give --store or --endpoint"),
        (["--endpoint", virtuoso.sparql_auth], {"BUDGETLOD_REMOTE_USER": "x"}, "set both BUDGETLOD_REMOTE_USER"),
    ]
    for args, env, message in cases:
        result = subprocess.run([*base, *args, "--state", str(tmp_path / "st")], capture_output=True, text=True,
                                timeout=120, env={**os.environ, **env})
        assert result.returncode == 2 and result.stderr.startswith("[ERROR] ") and message in result.stderr, args
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    nowhere = f"http://127.0.0.1:{free_port()}/sparql"
    gone = cli(virtuoso, "ingest", SAMPLE, "--state", tmp_path / "st", endpoint=nowhere)
    assert gone.returncode == 2 and gone.stderr.startswith(f"[ERROR] {nowhere}: cannot connect"), gone.stderr
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    bad = generate(SEED, OTHER + 20, year=2024, errors=("wrong_table_total",))
    (folder / bad.file_name).write_text(bad.text, encoding="utf-8")
    mixed = cli(virtuoso, "ingest", folder, "--state", tmp_path / "st2", "--strict", "-q")
    assert mixed.returncode == 2, mixed.stdout + mixed.stderr
    assert "0 loaded" in mixed.stdout and "2 failed (1 unreadable, 1 refused)" in mixed.stdout
    strict = cli(virtuoso, "ingest", folder / bad.file_name, "--state", tmp_path / "st2", "--strict", "-q")
    assert strict.returncode == 1 and "violations (--strict): not loaded" in strict.stdout
