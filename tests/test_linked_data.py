"""Linked Data against a real server (``live_server``): every minted IRI dereferences, by content
negotiation and by suffix; the HTML pages show the data as printed; unknown IRIs are 404."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import rdflib
from html_tables import parsed
from live_server import Answer, get
from paths import SAMPLE
from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Store, parse

from budgetlod import resources
from budgetlod.formats import HTML, JSONLD, NTRIPLES, PAGE_FORMATS, TURTLE, language, split_suffix
from budgetlod.formats import negotiate as negotiate_any
from budgetlod.ingest.vocabulary import load_vocabulary
from budgetlod.present.describe import Site, amount
from budgetlod.publish import jsonld
from budgetlod.publish.jsonld import publication_triples_from_store

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "cases" / "sample" / "expected.tsv"
BASE = "https://w3id.org/budgetlod/id/"
UNIT = "unit/c694353348dbd08a"
DISCLOSURE = "disclosure/c694353348dbd08a/2024/unit-budget"
OBSERVATION = f"{DISCLOSURE}/t03/2010350/basic"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDF_FORMATS = {
    ".ttl": ("text/turtle", RdfFormat.TURTLE),
    ".nt": ("application/n-triples", RdfFormat.N_TRIPLES),
    ".jsonld": ("application/ld+json", RdfFormat.JSON_LD),
}
RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}


def triples(answer: Answer, fmt: RdfFormat) -> list[Any]:
    """The answer's triples; JSON-LD names the project's context by IRI: read with the local loader (no network)."""
    if fmt == RdfFormat.JSON_LD:
        return jsonld.to_triples(json.loads(answer.body))
    return [q.triple if isinstance(q, Quad) else q for q in parse(answer.body, format=fmt)]


def rdflib_graph(answer: Answer, suffix: str) -> rdflib.Graph:
    """rdflib's reading; for JSON-LD with the context embedded, as a client holding a copy of it would."""
    if suffix != ".jsonld":
        return rdflib.Graph().parse(data=answer.body, format=RDFLIB_FORMATS[suffix])
    doc = json.loads(answer.body)
    assert doc["@context"] == jsonld.CONTEXT_IRI
    doc["@context"] = resources.context()["@context"]
    return rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")


def subjects(answer: Answer, fmt: RdfFormat) -> set[str]:
    return {t.subject.value for t in triples(answer, fmt)}


# --- content negotiation and suffixes --------------------------------------------------------------


@pytest.mark.parametrize("local", [UNIT, DISCLOSURE, f"{DISCLOSURE}/t03", OBSERVATION])
@pytest.mark.parametrize("suffix", sorted(RDF_FORMATS))
def test_suffix_gives_rdf_that_parses_back(live_server: Any, live_store: Path, local: str, suffix: str) -> None:
    media, fmt = RDF_FORMATS[suffix]
    answer = get(live_server, f"/id/{local}{suffix}", accept="text/html")  # the suffix wins over Accept
    assert answer.status == 200, answer.text
    assert answer.media_type == media
    if local == DISCLOSURE:  # a disclosure answers with its publication graph: its graph and its codes' labels
        store = Store.read_only(str((live_store / "current").resolve()))
        expected = publication_triples_from_store(store, BASE + local)
        assert set(triples(answer, fmt)) == set(expected)
        assert len(expected) > 4060  # the sample's graph, plus the labels
    else:
        assert subjects(answer, fmt) == {BASE + local}
    graph = rdflib_graph(answer, suffix)
    assert len(graph) == len(triples(answer, fmt)) >= 3


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/html", "text/html"),
        (BROWSER, "text/html"),
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/rdf+xml, text/turtle;q=0.5, text/html;q=0.4", "text/turtle"),
        ("text/html;q=0.2, application/n-triples", "application/n-triples"),
        ("application/json", "application/ld+json"),
    ],
)
def test_accept_chooses_the_representation(live_server: Any, accept: str | None, media: str) -> None:
    answer = get(live_server, f"/id/{DISCLOSURE}/t03", accept=accept)
    assert answer.status == 200
    assert answer.media_type == media
    assert "Accept" in answer.headers.get("vary", "")
    suffix = {"text/html": ".html", "text/turtle": ".ttl", "application/ld+json": ".jsonld"}.get(media, ".nt")
    assert answer.headers["content-location"] == f"/id/{DISCLOSURE}/t03{suffix}"
    if media != "text/html":
        fmt = {".ttl": RdfFormat.TURTLE, ".jsonld": RdfFormat.JSON_LD, ".nt": RdfFormat.N_TRIPLES}[suffix]
        assert BASE + f"{DISCLOSURE}/t03" in subjects(answer, fmt)


def test_html_suffix_and_nothing_acceptable(live_server: Any) -> None:
    page = get(live_server, f"/id/{UNIT}.html", accept="text/turtle")
    assert page.status == 200 and page.media_type == "text/html"
    assert "accept" not in [v.strip().lower() for v in page.headers.get("vary", "").split(",")]
    refused = get(live_server, f"/id/{UNIT}", accept="image/png")
    assert refused.status == 406
    assert "text/turtle" in refused.text


def test_description_is_the_resource_triples(live_server: Any, live_store: Path) -> None:
    store = Store.read_only(str((live_store / "current").resolve()))
    iri = BASE + OBSERVATION
    expected = {(q.predicate.value, str(q.object)) for q in store.quads_for_pattern(NamedNode(iri), None, None, None)}
    answer = get(live_server, f"/id/{OBSERVATION}.nt")
    got = {(t.predicate.value, str(t.object)) for t in triples(answer, RdfFormat.N_TRIPLES)}
    assert got == expected


def test_every_minted_iri_of_the_sample_dereferences(live_server: Any, live_store: Path) -> None:
    """Units, disclosures, tables, observations, projects, source files, statements, staffing, glossary …"""
    store = Store.read_only(str((live_store / "current").resolve()))
    graph = NamedNode(BASE + DISCLOSURE)
    subjects_ = {q.subject for q in store.quads_for_pattern(None, None, None, graph)}
    minted = sorted(s.value for s in subjects_ if isinstance(s, NamedNode) and s.value.startswith(BASE))
    assert len(minted) > 200
    kinds = {iri[len(BASE) :].split("/")[0] for iri in minted}
    assert kinds == {"unit", "disclosure", "project", "source"}
    for iri in minted:
        local = "/id/" + iri[len(BASE) :]
        html = get(live_server, local, accept=BROWSER)
        assert html.status == 200 and html.media_type == "text/html", local
        rdf = get(live_server, local + ".nt")
        described = subjects(rdf, RdfFormat.N_TRIPLES)
        # a resource's description has it as the one subject; the disclosure's is its whole publication graph
        assert rdf.status == 200 and (described == {iri} or (iri == BASE + DISCLOSURE and iri in described)), local


def test_unknown_iris_are_404(live_server: Any) -> None:
    for path in (
        "/id/unit/0000000000000000",
        f"/id/{DISCLOSURE}/t99",
        f"/id/{DISCLOSURE}/t03/2010350/nope.ttl",
        "/id/nothing-here",
        "/ontology/dsd/t99",
        "/codelist/function/0000000",
    ):
        html = get(live_server, path, accept=BROWSER)
        assert html.status == 404, path
        assert html.media_type == "text/html" and "404" in html.text
        plain = get(live_server, path, accept="text/turtle")
        assert plain.status == 404 and plain.media_type == "text/plain"


def test_head_is_answered(live_server: Any) -> None:
    request = urllib.request.Request(f"{live_server.url}/id/{UNIT}.ttl", method="HEAD")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/turtle")
        assert response.read() == b""


# --- the HTML pages ---------------------------------------------------------------------------------


def expected_rows(table: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        tid, _line, _side, code, name, figures = line.split("\t")
        if tid == table:
            yield code, name, dict(item.split("=", 1) for item in figures.split(";"))


def printed(figure: str) -> str:
    """``1487.40`` -> ``1,487.40``: how the document prints it."""
    return f"{Decimal(figure):,.2f}"


@pytest.fixture(scope="module")
def disclosure_page(live_server: Any) -> str:
    answer = get(live_server, f"/id/{DISCLOSURE}", accept=BROWSER)
    assert answer.status == 200 and answer.media_type == "text/html"
    return answer.text


def test_disclosure_page_shows_table_3_as_printed(disclosure_page: str) -> None:
    rows = parsed(disclosure_page, "t03").rows
    by_name = {row.label(3): row for row in rows}  # 类 款 项 名称
    expected = list(expected_rows("t03"))
    assert len(rows) == len(expected) == 9
    for code, name, figures in expected:
        row = by_name[name]
        assert row.figures() == {column: printed(v) for column, v in figures.items()}, name
        assert row.blanks() == {"合计", "基本支出", "项目支出"} - set(figures), name
        assert "".join(row.label(i) for i in range(3)) == code
    assert by_name["总计"].figures()["合计"] == "1,487.40"
    assert by_name["事业运行"].figures()["基本支出"] == "447.05"
    assert by_name["总计"].attrs.get("class") == "total"
    assert by_name["一般公共服务支出"].attrs.get("class") == "subtotal"
    assert "class" not in by_name["事业运行"].attrs


def test_disclosure_page_rows_in_printed_order_and_two_sided_tables(disclosure_page: str) -> None:
    for table in ("t02", "t05", "t06"):
        rows = parsed(disclosure_page, table).rows
        names = [name for _, name, _ in expected_rows(table)]
        assert [row.label(3 if table != "t06" else 2) for row in rows] == names, table
    table_1 = parsed(disclosure_page, "t01").rows
    total = next(row for row in table_1 if row.attrs.get("data-line") == "110")
    assert total.label(0) == "收入总计" and total.label(1) == "支出总计"
    assert [text for a, text in total.cells if "figure" in a.get("class", "")] == ["1,487.40", "1,487.40"]


def test_disclosure_page_header_statements_and_links(disclosure_page: str) -> None:
    page = parsed(disclosure_page)
    links = dict(page.links)
    assert links[f"/id/{UNIT}"] == "乌鲁木齐市12345政务服务热线中心"
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() in disclosure_page
    assert SAMPLE.name in disclosure_page and "2024-03-01" in disclosure_page
    for table in ("t01", "t03", "t11"):
        assert f"/id/{DISCLOSURE}/{table}" in links
    assert f"/id/{OBSERVATION}" in links
    assert f"/id/{DISCLOSURE}/statement/372-2" in links
    assert "其中：一般公共预算1,487.40万元" in disclosure_page
    assert 'id="findings"' in disclosure_page


def test_observation_page_links_to_its_table_and_codes(live_server: Any) -> None:
    answer = get(live_server, f"/id/{OBSERVATION}", accept=BROWSER)
    assert answer.status == 200
    links = dict(parsed(answer.text).links)
    assert links[f"/id/{DISCLOSURE}/t03"] == "单位支出总体情况表"
    assert links["/codelist/function/2010350"] == "事业运行"
    assert links["/codelist/expenditure-nature/basic"] == "基本支出"
    assert links[f"/id/{UNIT}"] == "乌鲁木齐市12345政务服务热线中心"
    assert "447.05" in answer.text and "4,470,500.00" in answer.text


def test_table_page_rebuilds_the_table(live_server: Any) -> None:
    answer = get(live_server, f"/id/{DISCLOSURE}/t03.html")
    rows = parsed(answer.text, "t03").rows
    assert [row.label(3) for row in rows] == [name for _, name, _ in expected_rows("t03")]


def test_unit_page_lists_its_disclosures(live_server: Any, live_store: Path) -> None:
    store = Store.read_only(str((live_store / "current").resolve()))
    query = "SELECT ?unit ?d WHERE { GRAPH ?d { ?d bl:budgetUnit ?unit } }"
    by_unit: dict[str, set[str]] = {}
    solutions = store.query(query, prefixes={"bl": "https://w3id.org/budgetlod/ontology#"})
    assert isinstance(solutions, QuerySolutions)
    for solution in solutions:
        by_unit.setdefault(str(solution["unit"].value), set()).add(str(solution["d"].value))
    unit, disclosures = next((u, sorted(ds)) for u, ds in sorted(by_unit.items()) if len(ds) > 1)
    assert len(disclosures) == 2
    answer = get(live_server, "/id/" + unit[len(BASE) :], accept=BROWSER)
    assert answer.status == 200
    links = dict(parsed(answer.text).links)
    for disclosure in disclosures:
        assert "/id/" + disclosure[len(BASE) :] in links
    assert "2023" in answer.text and "2024" in answer.text


def test_index_lists_units(live_server: Any) -> None:
    answer = get(live_server, "/id/", accept=BROWSER)
    assert answer.status == 200
    assert f"/id/{UNIT}" in dict(parsed(answer.text).links)


def test_lang_switch(live_server: Any) -> None:
    zh = get(live_server, f"/id/{OBSERVATION}", accept=BROWSER)
    en = get(live_server, f"/id/{OBSERVATION}?lang=en", accept=BROWSER)
    assert "Operation of public institutions" in en.text and "Basic expenditure" in en.text
    assert "Operation of public institutions" not in zh.text
    assert en.headers["content-language"] == "en" and zh.headers["content-language"] == "zh"
    assert f"/id/{DISCLOSURE}/t03?lang=en" in dict(parsed(en.text).links)  # links keep the language
    by_header = get(live_server, f"/id/{OBSERVATION}", accept=BROWSER, Accept_Language="en-GB,en;q=0.9")
    assert "Basic expenditure" in by_header.text
    assert "Accept-Language" in by_header.headers["vary"]
    page = get(live_server, f"/id/{DISCLOSURE}?lang=en", accept=BROWSER)
    assert "Validation findings" in page.text and "Narrative statements" in page.text


# --- the ontology and the code lists ----------------------------------------------------------------


def test_ontology_html_and_turtle(live_server: Any) -> None:
    html = get(live_server, "/ontology", accept=BROWSER)
    assert html.status == 200 and html.media_type == "text/html"
    assert 'id="Disclosure"' in html.text and 'id="amountInYuan"' in html.text  # bl:Disclosure -> /ontology#Disclosure
    assert "预算公开文件" in html.text
    assert "Disclosure" in get(live_server, "/ontology?lang=en", accept=BROWSER).text
    for answer in (get(live_server, "/ontology.ttl"), get(live_server, "/ontology", accept="text/turtle")):
        assert answer.status == 200 and answer.media_type == "text/turtle"
        graph = rdflib.Graph().parse(data=answer.body, format="turtle")
        disclosure = rdflib.URIRef("https://w3id.org/budgetlod/ontology#Disclosure")
        assert (disclosure, rdflib.RDF.type, rdflib.OWL.Class) in graph
    if (ROOT / "docs" / "ontology" / "index.html").is_file():  # a source checkout: pyLODE's page too
        docs = get(live_server, "/ontology/docs")
        assert docs.status == 200 and "pyLODE" in docs.text
    dsd = get(live_server, "/ontology/dsd/t03.ttl")
    assert dsd.status == 200
    assert "https://w3id.org/budgetlod/ontology/dsd/t03" in subjects(dsd, RdfFormat.TURTLE)
    assert get(live_server, "/ontology/dsd/t03", accept=BROWSER).status == 200


def test_codes_dereference(live_server: Any) -> None:
    code = get(live_server, "/codelist/function/2010350.jsonld")
    assert code.status == 200 and code.media_type == "application/ld+json"
    assert "事业运行" in code.text
    page = get(live_server, "/codelist/function", accept=BROWSER)
    assert page.status == 200 and "/codelist/function/2010350" in dict(parsed(page.text).links)
    assert get(live_server, "/codelist", accept=BROWSER).status == 200


# --- validation findings and unreadable cells (a store with the sample, one cell spoilt, one annotation) ---

UNREADABLE_ROW = "| 201 | 03 | 50 | 事业运行 | 447.05 | 447.05 | |"  # 表3, line 150: 项目支出 blank


@pytest.fixture(scope="module")
def annotated_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from live_server import running_server

    from budgetlod.pipeline import convert
    from budgetlod.store.embedded import open_writer
    from budgetlod.validate.engine import ShapeResult, ValidationReport
    from budgetlod.validate.quality import quality_quads

    folder = tmp_path_factory.mktemp("annotated")
    text = SAMPLE.read_text(encoding="utf-8")
    assert UNREADABLE_ROW in text
    spoilt = folder / SAMPLE.name
    spoilt.write_text(text.replace(UNREADABLE_ROW, UNREADABLE_ROW[:-2] + " 见附表 |", 1), encoding="utf-8")
    converted = convert(spoilt, validate=False)
    result = ShapeResult(
        severity="warning",
        shape="https://w3id.org/budgetlod/shapes#SumOfRows",
        component="http://www.w3.org/ns/shacl#SPARQLConstraintComponent",
        focus=converted.iri + "/t03/total/total",
        value=None,
        path=None,
        messages={"zh": "合计与各行之和不符 <b>", "en": "The total differs from the sum of its rows <b>"},
        line=147,
    )
    quads = converted.quads + quality_quads(converted.iri, ValidationReport(False, [result]))
    with open_writer(folder / "store") as writer:
        load_vocabulary(writer)
        writer.replace_graph(converted.iri, quads)
        writer.publish()
    with running_server(folder / "store", folder) as server:
        yield server


def test_validation_findings_are_shown(annotated_server: Any) -> None:
    zh = get(annotated_server, f"/id/{DISCLOSURE}", accept=BROWSER).text
    assert "合计与各行之和不符 &lt;b&gt;" in zh  # escaped
    assert "<b>" not in zh.split('id="findings"')[1]
    assert 'data-severity="warning"' in zh and "警告" in zh and ">147<" in zh
    en = get(annotated_server, f"/id/{DISCLOSURE}?lang=en", accept=BROWSER).text
    assert "The total differs from the sum of its rows" in en and "Warning" in en


def test_unreadable_cell_shows_what_was_printed(annotated_server: Any) -> None:
    page = get(annotated_server, f"/id/{DISCLOSURE}", accept=BROWSER).text
    row = next(r for r in parsed(page, "t03").rows if r.label(3) == "事业运行")
    cells = {a.get("data-column"): (a.get("class"), text) for a, text in row.cells}
    assert cells["项目支出"] == ("unreadable", "见附表")
    assert cells["基本支出"] == ("figure", "447.05")
    row_5 = next(r for r in parsed(page, "t05").rows if r.label(3) == "事业运行")
    assert "项目支出" in row_5.blanks()  # only 表3 was spoilt


# --- the pieces -------------------------------------------------------------------------------------


def negotiate(accept: str | None) -> object:
    return negotiate_any(accept, PAGE_FORMATS)


def test_negotiate() -> None:
    assert negotiate(None) is TURTLE and negotiate("") is TURTLE and negotiate("*/*") is TURTLE
    assert negotiate(BROWSER) is HTML
    assert negotiate("text/*") is TURTLE
    assert negotiate("application/ld+json;q=0.9, text/turtle;q=0.8") is JSONLD
    assert negotiate("*/*;q=0.9, text/turtle;q=0") is HTML  # turtle refused; the rest by the wildcard
    assert negotiate("text/html;q=0, */*") is TURTLE
    assert negotiate("application/n-triples, */*;q=0.1") is NTRIPLES
    assert negotiate("image/png") is None
    assert negotiate("text/turtle;q=abc, text/html") is HTML


def test_suffix_language_and_amounts() -> None:
    assert split_suffix("unit/abc.ttl") == ("unit/abc", TURTLE)
    assert split_suffix(".jsonld") == ("", JSONLD)
    assert split_suffix("unit/abc") == ("unit/abc", None)
    assert language("en", "zh-CN") == ("en", False)
    assert language(None, "fr, en;q=0.5, zh;q=0.4") == ("en", True)
    assert language(None, None) == ("zh", False)
    assert [amount(x) for x in ("1487.4", "0", "4470500", "-3.5", "0.125")] == [
        "1,487.40",
        "0.00",
        "4,470,500.00",
        "-3.50",
        "0.125",
    ]


def test_iri_mapping() -> None:
    site = Site(BASE)
    assert site.data_prefix == "/id/"
    assert site.path_of(BASE + UNIT) == f"/id/{UNIT}"
    assert site.path_of("https://w3id.org/budgetlod/ontology#Disclosure") == "/ontology#Disclosure"
    assert site.path_of("https://w3id.org/budgetlod/codelist/function/201") == "/codelist/function/201"
    assert site.path_of("http://reference.data.gov.uk/id/year/2024") is None
    assert site.data_iris("unit/a%20b") == [BASE + "unit/a%20b"]
    assert Site("https://data.example.org/lod/id/").data_prefix == "/lod/id/"
    assert Site("https://w3id.org/other/data/").data_prefix == "/data/"


def test_the_root_leads_to_the_list_of_units(live_server: Any) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/", timeout=30) as response:
        assert response.url == f"{live_server.url}/id/"
        assert response.headers["Content-Type"].startswith("text/html")
        assert "乌鲁木齐市12345政务服务热线中心" in response.read().decode("utf-8")
