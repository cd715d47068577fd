"""The query library without a store: every query of ``queries/`` parses and documents itself, parameters
are typed and bound (never pasted), VALUES go where they belong, and the outputs (terminal table, JSON,
CSV, SVG chart) are right."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, Store
from rdflib.plugins.sparql import prepareQuery

from budgetlod.present.chart import Series, bar_chart
from budgetlod.query.dialect import lateral_groups, without_lateral
from budgetlod.query.library import HeaderError, NamedQuery, Param, named_queries, parse_query
from budgetlod.query.output import cut, simple_json, table, width
from budgetlod.query.params import ParamError, bind, parse_assignments, term
from budgetlod.query.run import Result, ordered_projection
from budgetlod.store.values import where_start, with_values

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERIES = named_queries()


def test_at_least_twelve_documented_queries() -> None:
    assert len(QUERIES) >= 12
    names = {q.name for q in QUERIES}
    # the four of step 5 keep their names (tests, docs and the query page use them)
    assert {"disclosures", "table3-by-function", "three-public-expenses", "quality-findings"} <= names


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_is_ordered_so_that_a_remote_answer_can_be_paged(query: NamedQuery) -> None:
    # the text sent to a remote store, its parameters bound, has an outer ORDER BY (budgetlod query --endpoint
    # reads an answer past the server's row cap a page at a time in that order) and projects what the store does
    text = with_values(query.text_for(lateral=False), bind(query, {}))
    projected = [v.value for v in Store().query(text, use_default_graph_as_union=True).variables]  # type: ignore[union-attr]
    assert ordered_projection(text) == projected
    assert ordered_projection(text.replace("ORDER BY", "# ORDER BY")) is None


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_parses_and_declares_its_parameters(query: NamedQuery) -> None:
    # pyoxigraph (the store's parser) accepts it, and gives the projection
    answer = Store().query(query.text, use_default_graph_as_union=True)
    assert isinstance(answer, QuerySolutions)
    projected = {v.value for v in answer.variables}
    if "LATERAL" not in query.text:  # LATERAL (SPARQL 1.2, SEP-0006) is Oxigraph's and Jena's, not rdflib's
        assert {str(v) for v in prepareQuery(query.text).algebra["PV"]} == projected
    # documented: summary "zh / en", description in both languages, an example call, tags
    assert " / " in query.summary and query.title_zh != query.title_en
    assert query.description and any("\u4e00" <= c <= "\u9fff" for c in query.description)
    assert any(c.isascii() and c.isalpha() for c in query.description)
    assert query.example.startswith(f"budgetlod query {query.name}")
    assert query.tags
    for param in query.params:
        # a parameter is a variable of the SELECT projection: pyoxigraph's substitutions need it there
        assert param.name in projected, (query.name, param.name)
        assert param.description
        if param.default is not None:
            term(param, param.default)  # the default is a value of the declared type
        assert f"--param {param.name}=" in query.example or param.default is not None or not query.example
    for call_param in query.example.split("--param")[1:]:
        assert query.param(call_param.strip().split("=", 1)[0]) is not None
    if query.chart is not None:
        assert set(query.chart.label) | set(query.chart.values) | set(query.chart.legend) <= projected


def test_typed_values() -> None:
    year = Param("year", "xsd:integer", "2024", minimum=Decimal(1990), maximum=Decimal(2100))
    assert term(year, " 2023 ") == Literal("2023", datatype=NamedNode(XSD + "integer"))
    for bad in ("abc", "2023.5", "1900", "2024; DROP ALL", "2024 } UNION { ?s ?p ?o"):
        with pytest.raises(ParamError, match=r"parameter year: expected an integer \(xsd:integer\)"):
            term(year, bad)
    amount = Param("min", "xsd:decimal")
    assert term(amount, "1487.40") == Literal("1487.40", datatype=NamedNode(XSD + "decimal"))
    assert term(amount, "-2") == Literal("-2", datatype=NamedNode(XSD + "decimal"))
    name = Param("unitName", "xsd:string", lang="zh")
    assert term(name, '单位" } ?x') == Literal('单位" } ?x', language="zh")  # data, whatever it says
    with pytest.raises(ParamError, match="parameter unitName"):
        term(name, "a\nb")
    fiscal = Param("year", "iri", "2024", pattern="[0-9]{4}", template="http://reference.data.gov.uk/id/year/{}")
    assert term(fiscal, "2023") == NamedNode("http://reference.data.gov.uk/id/year/2023")
    for bad in ("23", "2023/x", "2023> <http://x"):
        with pytest.raises(ParamError, match=r"parameter year: expected a value matching \[0-9\]\{4\}"):
            term(fiscal, bad)
    rule = Param("rule", "iri")
    assert term(rule, "blsh:DuplicatedRow") == NamedNode("https://w3id.org/budgetlod/shapes#DuplicatedRow")
    assert term(rule, "https://example.org/x") == NamedNode("https://example.org/x")
    for bad in ("not an iri", "<http://x>", "http://x/a b", "http://x/>{"):
        with pytest.raises(ParamError, match=r"parameter rule: expected an absolute IRI"):
            term(rule, bad)
    level = Param("level", "xsd:string", "class", enum=("class", "section"))
    with pytest.raises(ParamError, match="one of class, section"):
        term(level, "item")
    severity = Param("severity", "iri", enum=("sh:Violation", "sh:Warning"))
    assert term(severity, "http://www.w3.org/ns/shacl#Warning") == NamedNode("http://www.w3.org/ns/shacl#Warning")
    assert term(Param("flag", "xsd:boolean"), "1") == Literal("true", datatype=NamedNode(XSD + "boolean"))
    assert term(Param("day", "xsd:date"), "2024-03-01").value == "2024-03-01"
    with pytest.raises(ParamError):
        term(Param("day", "xsd:date"), "2024-13-01")


def test_bind_defaults_unknown_and_empty() -> None:
    query = parse_query(
        "q",
        "#+ summary: a / b\n#+ params:\n#+   - {name: year, type: xsd:integer, default: 2024}\n"
        "#+   - {name: code, type: xsd:string}\nSELECT ?year ?code WHERE { ?s ?p ?year }",
    )
    assert bind(query, {}) == {"year": Literal("2024", datatype=NamedNode(XSD + "integer"))}
    assert bind(query, {"code": "208"})["code"] == Literal("208")
    assert "code" not in bind(query, {"code": ""}) and "year" not in bind(query, {"year": " "})  # empty: unbound
    with pytest.raises(ParamError, match=r"unknown parameter 'yr' for query q \(its parameters: year, code\)"):
        bind(query, {"yr": "2024"})
    assert parse_assignments(["year=2024", "name=a=b"]) == {"year": "2024", "name": "a=b"}
    with pytest.raises(ParamError, match="name=value"):
        parse_assignments(["year"])


def test_headers_are_checked() -> None:
    with pytest.raises(HeaderError, match="type 'int' is not one of"):
        parse_query("q", "#+ params:\n#+   - {name: year, type: int}\nSELECT * {}")
    with pytest.raises(HeaderError, match="not YAML"):
        parse_query("q", "#+ summary: a: b\nSELECT * {}")
    with pytest.raises(HeaderError, match="chart needs label and values"):
        parse_query("q", "#+ chart: {label: x}\nSELECT * {}")


def test_values_go_at_the_start_of_the_outermost_where_group() -> None:
    terms = {"year": Literal("2024", datatype=NamedNode(XSD + "integer")), "name": Literal('a"}b', language="zh")}
    text = (
        '# a comment with { and WHERE {\nPREFIX ex: <http://x/#where>\nSELECT ?year ?name (CONCAT("{", "WHERE") AS ?s)\n'
        "WHERE { { SELECT ?x WHERE { ?x ?p ?o } } ?x ex:where ?year ; ex:name ?name }"
    )
    bound = with_values(text, terms)
    assert bound.startswith(text[: where_start(text)])
    assert '\n  VALUES ?year { "2024"^^<http://www.w3.org/2001/XMLSchema#integer> }' in bound
    assert '\n  VALUES ?name { "a\\"}b"@zh }' in bound  # escaped: stays a literal
    assert bound.index("VALUES") > bound.index("WHERE {") and bound.index("VALUES") < bound.index("{ SELECT ?x")
    store = Store()
    store.add_graph(NamedNode("http://x/g"))
    assert list(store.query(bound)) == []  # still a query
    assert where_start("SELECT * { ?s ?p ?o }") == len("SELECT * {")
    assert where_start("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == len("CONSTRUCT { ?s ?p ?o } WHERE {")
    assert where_start('ASK { ?s :where "WHERE {" }') == len("ASK {")
    assert with_values(text, {}) == text


def test_terminal_table_aligns_chinese_by_display_width() -> None:
    assert width("预算abc") == 7 and width("１２") == 4
    assert cut("乌鲁木齐市12345政务服务热线中心", 12) == "乌鲁木齐市1…"
    result = Result(
        ["unitName", "amountYuan", "unit"],
        [
            (
                Literal("乌鲁木齐市12345政务服务热线中心", language="zh"),
                Literal("14874000", datatype=NamedNode(XSD + "decimal")),
                NamedNode("https://w3id.org/budgetlod/codelist/sangong/vehicle"),
            ),
            (Literal("ab"), Literal("-2.5", datatype=NamedNode(XSD + "decimal")), None),
        ],
    )
    lines = table(result).splitlines()
    assert lines[0].split() == ["unitName", "amountYuan", "unit"]
    assert lines[2].endswith("14874000  bls:vehicle")  # numbers right-aligned, IRIs as prefixed names
    # every line has the same display width up to the end of the number column
    ends = [width(line[: line.index(n) + len(n)]) for line, n in ((lines[2], "14874000"), (lines[3], "-2.5"))]
    assert ends[0] == ends[1] == width(lines[1].rsplit("  ", 1)[0])


def test_simple_json_keeps_numbers_exact() -> None:
    result = Result(
        ["a", "b", "c", "d"],
        [
            (
                Literal("1487.40", datatype=NamedNode(XSD + "decimal")),
                Literal("12345678901234567890.05", datatype=NamedNode(XSD + "decimal")),
                Literal("true", datatype=NamedNode(XSD + "boolean")),
                None,
            )
        ],
    )
    text = simple_json(result, {"query": "q", "params": {}})
    assert '"a":1487.40' in text and '"b":12345678901234567890.05' in text
    document = json.loads(text, parse_float=Decimal)
    assert document["rows"] == [{"a": Decimal("1487.40"), "b": Decimal("12345678901234567890.05"), "c": True}]
    assert document["columns"] == ["a", "b", "c", "d"] and document["truncated"] is False


def test_bar_chart_svg() -> None:
    svg = bar_chart(
        "各单位 <支出>",
        ["乌鲁木齐市12345政务服务热线中心", "B & C", "D"],
        [
            Series("2023", [Decimal("14874000"), Decimal("-2100"), None]),
            Series("2024", [Decimal(1), Decimal(2), Decimal(3)]),
        ],
        unit="元",
    )
    root = ET.fromstring(svg)  # well-formed, self-contained
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("role") == "img"
    assert root.find(f"{ns}title").text == "各单位 <支出>"  # type: ignore[union-attr]
    bars = [r for r in root.iter(f"{ns}rect") if r.get("class") == "bar"]
    assert len(bars) == 5  # one per value that is not None
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert (
        "乌鲁木齐市12345政务服务热线中心" in texts and "B & C" in texts and "14,874,000" in texts and "-2,100" in texts
    )
    assert "2023" in texts and "2024" in texts  # the legend
    assert "script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_without_lateral_keeps_the_group_and_skips_comments_strings_and_iris() -> None:
    text = (
        'SELECT * { ?a ?b ?c LATERAL { OPTIONAL { LATERAL { GRAPH ?g { ?c <http://x/lateral> "LATERAL { }" } } } }\n'
        "  # LATERAL { in a comment\n  FILTER(?a < ?b) lateral{ ?c ?d ?e } ?x ex:LATERAL ?y }"
    )
    assert without_lateral(text) == (
        'SELECT * { ?a ?b ?c OPTIONAL { GRAPH ?g { ?c <http://x/lateral> "LATERAL { }" } }\n'
        "  # LATERAL { in a comment\n  FILTER(?a < ?b) ?c ?d ?e ?x ex:LATERAL ?y }"
    )
    with pytest.raises(ValueError, match="LATERAL without a group"):
        lateral_groups("SELECT * { LATERAL ?x }")


@pytest.mark.parametrize("query", named_queries(), ids=lambda q: q.name)
def test_lateral_only_where_dropping_it_keeps_the_answer(query: NamedQuery) -> None:
    """Each LATERAL group is one GRAPH block of triple patterns (a join) or one OPTIONAL of such a block (a left
    join): evaluated with the rows before it bound, or joined with them, the answer is the same."""
    for _, brace, close in lateral_groups(query.text):
        group = " ".join(query.text[brace : close + 1].split())
        assert re.fullmatch(r"\{ (OPTIONAL \{ )?GRAPH [?<][^{}]* \{ [^{}]* \}( \})? \}", group), group
    plain = without_lateral(query.text)
    Store().query(plain)  # SPARQL that pyoxigraph parses …
    prepareQuery(plain)  # … and rdflib, which has no LATERAL
