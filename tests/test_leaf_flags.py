"""``bl:leaf`` (set by the mapping from the whole table: rdf/cube.py) against the full observations.

* On the sample, by hand from its 表3 (examples/…, lines 141–152): 2010350 事业运行 and 2080502 事业单位离退休 are
  leaves in every column; their 类 201, 208 and 款 20103, 20805 are not; the 合计 row has no flag.
* On a store of the sample, its 决算, the real PDFs of shared/samples/real and generated documents of every family: every flag agrees
  with the codes (no finer code of the same table and column prints a figure — the rule written a second time,
  in Python over the stored observations), and the library's ``table3-by-function`` (a lookup of ``bl:leaf true``)
  gives the same rows as the query it replaced, which found leaves by searching for finer codes
  (tests/reference_queries/table3-by-function-by-prefix.rq).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from budget_actual import FINAL, disagreeing_final
from paths import CASES, SAMPLE
from pyoxigraph import Literal, NamedNode, Store

from budgetlod.ingest.bulk import ingest
from budgetlod.pipeline import convert
from budgetlod.query.library import named_queries
from budgetlod.query.params import bind
from budgetlod.query.run import open_store, run_store
from budgetlod.store.canonical import value_key
from budgetlod.testing.corpus import generate
from budgetlod.testing.corpus_final import generate_final
from budgetlod.testing.corpus_js import generate_js
from budgetlod.testing.corpus_national import generate_national

BL = "https://w3id.org/budgetlod/ontology#"
REAL = Path(__file__).resolve().parents[2] / "shared" / "samples" / "real"
REFERENCE = Path(__file__).resolve().parent / "reference_queries" / "table3-by-function-by-prefix.rq"


def test_the_sample_flags_by_hand() -> None:
    quads = convert(SAMPLE).quads
    flags: dict[tuple[str, str, str], str] = {}
    codes = {q.subject: q.object.value for q in quads if q.predicate.value == BL + "printedCode"}
    columns = {q.subject: q.object.value for q in quads if q.predicate.value == BL + "sourceColumn"}
    tables = {q.subject: q.object.value for q in quads if q.predicate.value == BL + "sourceTable"}
    for q in quads:
        if q.predicate.value == BL + "leaf":
            flags[(tables[q.subject], codes[q.subject], columns[q.subject])] = q.object.value
    assert {k[2]: v for k, v in flags.items() if k[:2] == ("表3", "2010350")} == {
        "合计": "true", "基本支出": "true"}
    assert {k[2]: v for k, v in flags.items() if k[:2] == ("表3", "2080502")} == {
        "合计": "true", "基本支出": "true"}
    for parent in ("201", "20103", "208", "20805"):
        assert {v for k, v in flags.items() if k[:2] == ("表3", parent)} == {"false"}, parent
    assert len(flags) == 118 and sum(v == "true" for v in flags.values()) == 76
    total = [q for q in quads if q.predicate.value == BL + "aggregationLevel" and q.object.value.endswith("/total")]
    assert total and not any(q.predicate.value == BL + "leaf" and q.subject in {t.subject for t in total}
                             for q in quads)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("leaves")
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    (corpus / FINAL.name).write_text(disagreeing_final(), encoding="utf-8")
    (corpus / "national-2019-unit-budget.txt").write_bytes((CASES / "national-2019-unit-budget" / "source.txt").read_bytes())
    if not REAL.is_dir():
        pytest.skip(f"needs the real PDFs: {REAL} is absent (shared/samples/real beside the repository)")
    for pdf in REAL.glob("*.pdf"):  # Jiangsu 2017–19 (pairs and single files), the Shanghai 决算: 11 disclosures
        (corpus / pdf.name).write_bytes(pdf.read_bytes())
    for index in range(3):  # a 预算 and its 决算; the other families' 预算 of other units (one 预算 a unit-year)
        for make, unit in ((generate, index), (generate_final, index), (generate_js, 10 + index),
                           (generate_national, 20 + index)):
            document = make(5, unit, year=2024)
            (corpus / document.file_name).write_text(document.text, encoding="utf-8")
    summary = ingest([corpus], folder / "store")
    assert not summary.failed and summary.loaded == 26, sorted(o.path.name for o in summary.outcomes)
    return open_store(folder / "store")


@pytest.mark.slow  # 18 real PDFs read (about 30 s): run by CI, --run-slow
def test_every_flag_agrees_with_the_codes(store: Store) -> None:
    """The rule again, in Python over every stored observation with a flag: grouped by graph, table and column."""
    rows = store.query(f"""SELECT ?g ?t ?col ?code ?leaf WHERE {{ GRAPH ?g {{
        ?o <{BL}leaf> ?leaf ; <http://purl.org/linked-data/cube#dataSet> ?t ; <{BL}printedCode> ?code ;
           <{BL}sourceColumn> ?col }} }}""")
    columns: dict[tuple[str, str, str], list[tuple[str, bool]]] = defaultdict(list)
    for row in rows:
        columns[(row["g"].value, row["t"].value, row["col"].value)].append((row["code"].value, row["leaf"].value == "true"))
    assert sum(map(len, columns.values())) > 2000 and len({k[0] for k in columns}) >= 20
    for key, cells in columns.items():
        codes = [c for c, _ in cells]
        for code, leaf in cells:
            assert leaf == (not any(o != code and o.startswith(code) for o in codes)), (key, code)


@pytest.mark.slow
def test_table3_query_gives_the_rows_of_the_search_it_replaced(store: Store) -> None:
    query = next(q for q in named_queries() if q.name == "table3-by-function")
    terms = bind(query, {})
    now = run_store(store, query.text, terms)
    before = run_store(store, REFERENCE.read_text(encoding="utf-8"), terms)
    assert len(now.rows) == 12  # the sample's 3 classes and the generated 预算's 3 each (表3 is the 2024 template's)
    assert [tuple(map(value_key, r)) for r in now.rows] == [tuple(map(value_key, r)) for r in before.rows]


def test_a_boolean_literal_is_what_the_query_matches() -> None:
    """``bl:leaf true`` in a query matches the stored ``"true"^^xsd:boolean`` (not a string): 76 on the sample."""
    store = Store()
    store.extend(convert(SAMPLE).quads)
    flag = Literal("true", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert len(list(store.quads_for_pattern(None, NamedNode(BL + "leaf"), flag, None))) == 76
    answer = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?o <{BL}leaf> true }} }}")
    assert next(iter(answer))["n"].value == "76"
