"""JSON-LD: the generated context, the local document loader, the publication graph, the framed tree of the
sample, and ``budgetlod export``.  No test here may touch the network: :func:`no_network` blocks sockets for
the whole module (the 200-document round trip through pyld and jsonld.js is in ``test_jsonld_roundtrip.py``)."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from paths import SAMPLE
from pyld import jsonld as pyld_jsonld
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store, Triple, parse

from budgetlod import resources
from budgetlod.cli import main
from budgetlod.parse.document import parse_text
from budgetlod.pipeline import Converted, convert
from budgetlod.prefixes import PREFIXES, iri
from budgetlod.publish import context as ctx
from budgetlod.publish import jsonld as pub
from budgetlod.rdf.graph import to_quads
from budgetlod.rdf.vocabulary import vocabulary_quads
from budgetlod.store.embedded import open_reader
from budgetlod.testing.corpus import generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_IRI = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
T03 = f"{SAMPLE_IRI}/t03"
RDF_TYPE = iri("rdf:type")


class NetworkBlocked(RuntimeError):
    """A JSON-LD test tried to open a network connection."""


ATTEMPTS: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    """Every socket connection and name lookup raises for the whole module (fixtures included)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        ATTEMPTS.append(repr(args[:2]))
        raise NetworkBlocked(f"network access during a JSON-LD test: {args[:2]!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "create_connection", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield
    # even an attempt some code caught and ignored counts (the deliberate ones are cleared by their test)
    assert ATTEMPTS == [], f"network access attempted during the JSON-LD tests: {ATTEMPTS}"


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def converted() -> Converted:
    return convert(SAMPLE)


@pytest.fixture(scope="module")
def publication(converted: Converted) -> list[Triple]:
    return pub.publication_quads(converted.quads)


@pytest.fixture(scope="module")
def sample_doc(publication: list[Triple]) -> dict[str, Any]:
    return pub.disclosure_document(publication)


@pytest.fixture(scope="module")
def generated_publications(tmp_path_factory: pytest.TempPathFactory) -> list[list[Triple]]:
    """50 generated disclosures (parsed and mapped) and 2 with injected errors, validated (DQV annotations)."""
    graphs = []
    for index in range(50):
        g = generate(41, index)
        graphs.append(pub.publication_quads(to_quads(parse_text(g.text, g.file_name))))
    folder = tmp_path_factory.mktemp("errors")
    for index, errors in ((0, ("wrong_subtotal", "unknown_code", "wrong_share")), (1, ("malformed_amount",))):
        g = generate(42, index, errors=errors)
        path = folder / g.file_name
        path.write_text(g.text, encoding="utf-8")
        graphs.append(pub.publication_quads(convert(path).quads))
    return graphs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built with ``budgetlod ingest`` from the sample."""
    path = tmp_path_factory.mktemp("store") / "store"
    result = CliRunner().invoke(main, ["ingest", str(SAMPLE), "--store", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


def context_terms() -> dict[str, Any]:
    return resources.context()["@context"]  # type: ignore[no-any-return]


def expand_curie(value: str) -> str:
    prefix, _, local = value.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else value


def term_iris() -> dict[str, dict[str, Any]]:
    """Full IRI -> the term definition (as an object) of every term that is not a prefix."""
    out: dict[str, dict[str, Any]] = {}
    for term, definition in context_terms().items():
        if term.startswith("@") or term in PREFIXES:
            continue
        d = {"@id": definition} if isinstance(definition, str) else definition
        if "@id" in d:
            out[expand_curie(d["@id"])] = {**d, "term": term}
    return out


def value_objects(tree: Any) -> list[Any]:
    """Every ``{"@value": …}`` object and every ``@none`` language-map entry in a compacted tree."""
    found: list[Any] = []
    if isinstance(tree, list):
        for item in tree:
            found += value_objects(item)
    elif isinstance(tree, dict):
        if "@value" in tree or "@none" in tree:
            found.append(tree)
        for key, value in tree.items():
            if key != "@context":
                found += value_objects(value)
    return found


def strs(triples: Any) -> set[str]:
    return {str(t.triple if isinstance(t, Quad) else t) for t in triples}


# ---------------------------------------------------------------------------- the context


def test_committed_context_is_the_generated_one() -> None:
    assert ctx.render() == resources.context_bytes(), "regenerate: python -m budgetlod.publish.context"
    assert ctx.CONTEXT_IRI == "https://w3id.org/budgetlod/context/v1.jsonld"
    assert ctx.CONTEXT_IRI.endswith("/" + resources.CONTEXT_FILE)
    assert context_terms()["@version"] == 1.1


def test_context_holds_every_prefix_of_the_prefix_map() -> None:
    terms = context_terms()
    assert {p: terms[p] for p in PREFIXES} == PREFIXES
    assert terms["void"] == "http://rdfs.org/ns/void#"
    assert terms["hydra"] == "http://www.w3.org/ns/hydra/core#"
    assert terms["vcard"] == "http://www.w3.org/2006/vcard/ns#"
    assert terms["dcatap"] == "http://data.europa.eu/r5r/"
    assert {"adms", "locn", "spdx", "schema", "dcat", "dct", "foaf", "org"} <= set(terms)


def test_context_names_and_coercions() -> None:
    terms = context_terms()
    assert terms["amount"] == {"@id": "obeu-measure:amount", "@type": "xsd:decimal"}
    assert terms["amountInYuan"] == {"@id": "bl:amountInYuan", "@type": "xsd:decimal"}
    assert terms["statedAmount"] == {"@id": "bl:statedAmount", "@type": "xsd:decimal"}
    assert terms["printedValue"] == "bl:printedValue"  # the figure as printed (no separators): a plain string
    assert terms["label"] == {"@id": "rdfs:label", "@container": "@language"}
    assert terms["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert terms["title"] == {"@id": "dct:title", "@container": "@language"}
    assert terms["issued"] == {"@id": "dct:issued", "@type": "xsd:date"}
    assert terms["sourceLine"] == {"@id": "bl:sourceLine", "@type": "xsd:integer"}
    assert terms["emptyTable"] == {"@id": "bl:emptyTable", "@type": "xsd:boolean"}
    assert terms["functionalClassification"] == {"@id": "bl:functionalClassification", "@type": "@id"}
    assert terms["table"] == {"@id": "bl:table", "@type": "@id", "@container": "@set"}
    assert terms["observations"] == {"@reverse": "qb:dataSet", "@type": "@id", "@container": "@set"}
    assert terms["Disclosure"] == "bl:Disclosure" and terms["Observation"] == "qb:Observation"
    # collisions: bl: first, then the prefix map's order; a name taken keeps its compact IRI
    assert terms["obeu-dimension:functionalClassification"] == {
        "@id": "obeu-dimension:functionalClassification",
        "@type": "@id",
    }
    assert terms["byteSize"] == {"@id": "bl:byteSize", "@type": "xsd:integer"}
    assert terms["dcat:byteSize"] == {"@id": "dcat:byteSize", "@type": "xsd:nonNegativeInteger"}
    assert terms["Dataset"] == "dcat:Dataset" and terms["void:Dataset"] == "void:Dataset"
    assert terms["schema:Dataset"] == "schema:Dataset"
    assert terms["currency"] == PREFIXES["currency"]  # a prefix, so obeu-attribute:currency keeps its CURIE
    assert terms["obeu-attribute:currency"] == {"@id": "obeu-attribute:currency", "@type": "@id"}
    assert terms["triples"] == {"@id": "void:triples", "@type": "xsd:integer"}
    assert terms["checksumValue"] == {"@id": "spdx:checksumValue", "@type": "xsd:hexBinary"}


def test_every_class_and_property_of_the_ontology_files_has_a_term() -> None:
    declared = {
        q.subject.value
        for q in vocabulary_quads()
        if q.predicate.value == RDF_TYPE
        and q.object.value
        in {iri(c) for c in ("owl:Class", "owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty")}
    }
    used = {q.predicate.value for q in vocabulary_quads() if q.predicate.value != RDF_TYPE}
    terms = term_iris()
    assert len(declared) >= 151 and len(used) >= 49  # at this writing
    assert not sorted((declared | used) - set(terms))


def test_every_predicate_and_class_of_published_data_has_a_term(
    publication: list[Triple], generated_publications: list[list[Triple]]
) -> None:
    predicates: set[str] = set()
    classes: set[str] = set()
    for graph in [publication, *generated_publications]:
        predicates |= {t.predicate.value for t in graph if t.predicate.value != RDF_TYPE}
        classes |= {t.object.value for t in graph if t.predicate.value == RDF_TYPE}  # type: ignore[union-attr]
    assert iri("dqv:hasQualityAnnotation") in predicates and iri("oa:bodyValue") in predicates
    assert iri("dqv:QualityAnnotation") in classes and iri("bl:Disclosure") in classes
    assert len(predicates) >= 137 and len(classes) >= 28, (len(predicates), len(classes))  # at this writing
    terms = term_iris()
    assert not sorted(predicates - set(terms)), "predicates without a term"
    assert not sorted(classes - set(terms)), "classes without a term"


def coercion_of(obj: NamedNode | BlankNode | Literal) -> dict[str, str]:
    """What a term must say for a value to compact to a plain JSON string."""
    if not isinstance(obj, Literal):
        return {"@type": "@id"}
    if obj.language:
        return {"@container": "@language"}
    if obj.datatype.value == iri("xsd:string"):
        return {}
    return {"@type": "xsd:" + obj.datatype.value.removeprefix(PREFIXES["xsd"])}


def test_every_literal_datatype_and_language_in_the_data_matches_its_term(
    publication: list[Triple], generated_publications: list[list[Triple]]
) -> None:
    terms = term_iris()
    seen: dict[str, set[str]] = {}
    for graph in [publication, *generated_publications]:
        for t in graph:
            if t.predicate.value == RDF_TYPE:
                continue
            wanted = coercion_of(t.object)  # type: ignore[arg-type]
            definition = terms[t.predicate.value]
            got = {k: v for k, v in definition.items() if k == "@type" or (k == "@container" and v != "@set")}
            seen.setdefault(t.predicate.value, set()).add(json.dumps(wanted))
            assert got == wanted, (t.predicate.value, got, wanted)
    assert seen[iri("obeu-measure:amount")] == {'{"@type": "xsd:decimal"}'}
    assert seen[iri("rdfs:label")] == {'{"@container": "@language"}'}


def test_sample_documents_have_no_value_objects(
    sample_doc: dict[str, Any], generated_publications: list[list[Triple]]
) -> None:
    """With the coercions right, every literal compacts to a JSON string (no {"@value", "@type"} objects)."""
    assert value_objects(sample_doc) == []
    for graph in generated_publications[-2:]:  # the two with quality annotations
        assert value_objects(pub.disclosure_document(graph)) == []
    assert value_objects(pub.compact_document(generated_publications[0])) == []


def test_plain_and_unknown_values_still_round_trip() -> None:
    """A value that fits no coercion falls back to a value object (or ``@none`` in a language map): no loss."""
    s = NamedNode(f"{SAMPLE_IRI}/x")
    graph = [
        Triple(s, NamedNode(iri("rdfs:label")), Literal("plain")),
        Triple(s, NamedNode(iri("rdfs:label")), Literal("中文", language="zh")),
        Triple(
            s, NamedNode(iri("dct:issued")), Literal("2024-03-01T08:00:00", datatype=NamedNode(iri("xsd:dateTime")))
        ),
        Triple(s, NamedNode("http://example.org/p"), Literal("5", datatype=NamedNode(iri("xsd:integer")))),
        Triple(s, NamedNode(iri("obeu-measure:amount")), Literal("1487.40", datatype=NamedNode(iri("xsd:decimal")))),
    ]
    doc = pub.compact_document(graph)
    (node,) = doc["@graph"]
    assert node["label"] == {"@none": "plain", "zh": "中文"}
    assert node["dct:issued"] == {"@type": "xsd:dateTime", "@value": "2024-03-01T08:00:00"}
    assert node["amount"] == "1487.40"
    assert strs(pub.to_triples(doc)) == strs(graph)


# ---------------------------------------------------------------------------- the loader, no network


def test_loader_serves_the_context_and_refuses_any_other_url() -> None:
    remote = pub.document_loader(pub.CONTEXT_IRI, {})
    assert remote["document"] == resources.context() and remote["documentUrl"] == pub.CONTEXT_IRI
    with pytest.raises(pub.RemoteDocumentRefused) as refused:
        pub.document_loader("https://schema.org/", {})
    assert str(refused.value) == (
        "budgetlod loads no remote JSON-LD document: refused https://schema.org/ "
        "(the only context it loads is https://w3id.org/budgetlod/context/v1.jsonld, from publish/context/)"
    )
    with pytest.raises(pub.RemoteDocumentRefused, match=r"refused https://schema\.org/"):
        pub.to_triples({"@context": "https://schema.org/", "@id": "http://example.org/x", "name": "x"})
    with pytest.raises(pub.RemoteDocumentRefused, match=r"refused https://example\.org/other\.jsonld"):
        pub.to_triples({"@context": [pub.CONTEXT_IRI, "https://example.org/other.jsonld"], "title": {"zh": "x"}})


def test_sockets_are_blocked() -> None:
    """The guard works: a connection and a URL fetch are stopped and recorded (other tests record none)."""
    assert ATTEMPTS == []
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("example.org", 80))
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert len(ATTEMPTS) == 2
    ATTEMPTS.clear()


def test_loader_is_passed_per_call_not_installed() -> None:
    assert pyld_jsonld.get_document_loader() is not pub.document_loader


# ---------------------------------------------------------------------------- the publication graph


def test_publication_graph_of_the_sample(converted: Converted, publication: list[Triple]) -> None:
    disclosure = strs(converted.quads)
    assert len(disclosure) == 4060 and len(publication) == 4435
    added = [t for t in publication if str(t) not in disclosure]
    assert len(added) == 375
    assert {t.predicate.value for t in added} == {iri("skos:prefLabel"), iri("skos:notation"), iri("skos:inScheme")}
    blf201 = NamedNode(iri("blf:201"))
    assert Triple(blf201, NamedNode(iri("skos:prefLabel")), Literal("一般公共服务支出", language="zh")) in publication
    phase = NamedNode(iri("obeu-budgetphase:approved"))  # declared in ontology/external.ttl
    assert Triple(phase, NamedNode(iri("skos:prefLabel")), Literal("预算", language="zh")) in publication
    mentioned = {t.subject.value for t in converted.quads} | {t.object.value for t in converted.quads}
    assert {t.subject.value for t in added} <= mentioned


def test_publication_graph_from_the_store_is_the_same(store: Path, converted: Converted) -> None:
    reader = open_reader(store)
    from_store = pub.publication_triples_from_store(reader, SAMPLE_IRI)
    canonical = Store()  # Oxigraph stores decimals canonically ("1487.40" -> "1487.4"): compare like for like
    canonical.extend(Quad(t.subject, t.predicate, t.object) for t in pub.publication_quads(converted.quads))
    assert strs(from_store) == strs(canonical) and len(from_store) == 4435
    with pytest.raises(LookupError, match=r"no disclosure <.*/unit-budgetx> in the store"):
        pub.publication_triples_from_store(reader, SAMPLE_IRI + "x")


# ---------------------------------------------------------------------------- the framed document


def node_by_id(nodes: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    (node,) = [n for n in nodes if n["@id"] == SAMPLE_IRI + suffix]
    return node


def test_framed_tree_of_the_sample(sample_doc: dict[str, Any]) -> None:
    doc = sample_doc
    assert doc["@context"] == pub.CONTEXT_IRI
    assert doc["@id"] == SAMPLE_IRI and doc["@type"] == "Disclosure"
    assert doc["title"] == {"zh": "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"}
    tables = doc["table"]
    assert [t["@id"].rsplit("/", 1)[1] for t in tables] == [f"t{n:02d}" for n in range(1, 12)]
    assert all(set(t["@type"]) == {"DataSet", "Table"} for t in tables)
    assert [len(t.get("observations", [])) for t in tables] == [7, 27, 21, 9, 21, 49, 8, 0, 0, 6, 0]
    t03 = tables[2]
    assert t03["printedTitle"] == {"zh": "单位支出总体情况表"} and t03["printedUnit"] == {"zh": "万元"}
    assert all(row["dataSet"] == T03 and row["@type"] == "Observation" for row in t03["observations"])
    row = node_by_id(t03["observations"], "/t03/201/total")  # 表3: 201 一般公共服务支出, 合计 1,432.05
    assert (row["amount"], row["printedValue"], row["amountInYuan"]) == ("1432.05", "1432.05", "14320500.00")
    assert row["functionalClassification"]["@id"] == "blf:201"
    assert row["functionalClassification"]["notation"] == "201"
    assert row["functionalClassification"]["prefLabel"]["zh"] == "一般公共服务支出"
    assert row["budgetPhase"]["prefLabel"] == {"zh": "预算", "en": "Approved"}
    assert row["organization"]["name"] == {"zh": "乌鲁木齐市12345政务服务热线中心"}
    leaf = node_by_id(t03["observations"], "/t03/2010350/basic")  # 事业运行, 基本支出 447.05
    assert leaf["amount"] == "447.05" and leaf["functionalClassification"]["prefLabel"]["zh"] == "事业运行"
    assert leaf["functionalClassification"]["broader"]["@id"] == "blf:20103"
    total = node_by_id(t03["observations"], "/t03/total/total")
    assert (total["amount"], total["printedValue"]) == ("1487.40", "1487.40")  # printed 1,487.40
    assert tables[7]["emptyTable"] == "true" and "observations" not in tables[7]
    included = doc["@included"]
    assert len(included) == 41
    assert sorted({n["@type"] for n in included}) == ["Concept", "DerivedAmount"]


def test_framed_document_is_pyld_stock_framing(publication: list[Triple]) -> None:
    """budgetlod's faster pyld processor gives byte for byte what pyld's own gives."""
    nodes = pub.expanded(publication)
    fast = pub._framed(nodes, pub._Processor)
    stock = pub._framed(list(nodes), pyld_jsonld.JsonLdProcessor)
    assert pub.dumps(fast) == pub.dumps(stock)


@pytest.mark.slow  # six documents framed twice, once by stock pyld: ~16 s; CI runs it (--run-slow)
def test_direct_framing_is_pyld_stock_framing(
    publication: list[Triple], generated_publications: list[list[Triple]]
) -> None:
    """The framed document budgetlod builds without pyld's passes (``publish/framing.py``) is byte for byte
    stock pyld's framing, on the sample, generated disclosures and the ones with quality annotations."""
    graphs = [publication, *generated_publications[:3], *generated_publications[-2:]]
    for graph in graphs:
        nodes = pub.expanded(graph)
        direct = pub._framed_directly(pub.expanded(graph))
        assert direct is not None  # framed directly, not handed back to pyld
        stock = pub._framed(nodes, pyld_jsonld.JsonLdProcessor)
        assert stock["@context"] == pub.CONTEXT_IRI and "@context" not in direct
        assert pub.dumps({"@context": pub.CONTEXT_IRI, **direct}) == pub.dumps(stock)
        assert pub.dumps(pub.disclosure_document(graph)) == pub.dumps(stock)


def test_framed_document_converts_back_to_the_publication_graph(
    sample_doc: dict[str, Any], publication: list[Triple]
) -> None:
    back = pub.to_triples(json.loads(pub.dumps(sample_doc)))
    assert strs(back) == strs(publication) and len(back) == 4435


def test_amounts_stay_exact_decimal_strings(sample_doc: dict[str, Any]) -> None:
    data = pub.dumps(sample_doc)
    assert b'"amount": "1487.40"' in data and b'"amount": 1487' not in data
    assert b'"amountInYuan": "14874000.00"' in data
    back = strs(pub.to_triples(json.loads(data)))
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    amount = f'<{T03}/total/total> <{iri("obeu-measure:amount")}> "1487.40"^^{decimal}'
    assert amount in back
    assert f'<{T03}/total/total> <{iri("bl:printedValue")}> "1487.40"' in back
    assert f'<{T03}/201/project> <{iri("obeu-measure:amount")}> "985.00"^^{decimal}' in back


def test_dumps_is_stable_and_the_context_can_be_embedded(publication: list[Triple]) -> None:
    one = pub.dumps(pub.disclosure_document(publication))
    two = pub.dumps(pub.disclosure_document(list(reversed(publication))))
    assert one == two and one.startswith(b'{\n "@context": "https://w3id.org/budgetlod/context/v1.jsonld",\n "@id"')
    assert "乌鲁木齐".encode() in one  # UTF-8, not \\u escapes
    embedded = pub.disclosure_document(publication, embed_context=True)
    assert embedded["@context"] == resources.context()["@context"]
    assert strs(pub.to_triples(embedded)) == strs(publication)


def test_what_cannot_be_framed_is_refused() -> None:
    s = NamedNode(f"{SAMPLE_IRI}/x")
    with pytest.raises(ValueError, match="no bl:Disclosure"):
        pub.disclosure_document([Triple(s, NamedNode(iri("rdfs:label")), Literal("x"))])
    graph = [
        Triple(s, NamedNode(RDF_TYPE), NamedNode(iri("bl:Disclosure"))),
        Triple(BlankNode("b1"), NamedNode(iri("rdfs:label")), Literal("x")),
    ]
    with pytest.raises(ValueError, match="blank nodes"):
        pub.disclosure_document(graph)


# ---------------------------------------------------------------------------- budgetlod export


def export(*args: str) -> Any:
    result = CliRunner().invoke(main, ["export", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_export_file_compacted_and_framed(publication: list[Triple]) -> None:
    result = export(str(SAMPLE), "-q")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["@context"] == pub.CONTEXT_IRI and len(doc["@graph"]) == 388  # one node object a subject
    assert strs(pub.to_triples(doc)) == strs(publication)
    framed = json.loads(export(str(SAMPLE), "-q", "--frame", "--embed-context").stdout)
    assert isinstance(framed["@context"], dict) and framed["@type"] == "Disclosure" and len(framed["table"]) == 11


def test_export_file_as_rdf(publication: list[Triple]) -> None:
    ttl = export(str(SAMPLE), "-q", "--to", "ttl")
    assert ttl.exit_code == 0
    assert strs(parse(ttl.stdout_bytes, format=RdfFormat.TURTLE)) == strs(publication)
    nq = list(parse(export(str(SAMPLE), "-q", "--to", "nq").stdout_bytes, format=RdfFormat.N_QUADS))
    assert len(nq) == 4435 and {q.graph_name for q in nq} == {NamedNode(SAMPLE_IRI)}
    nt = export(str(SAMPLE), "-q", "--to", "nt")
    assert len(nt.stdout_bytes.splitlines()) == 4435


def test_export_iri_from_the_store(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "sample.jsonld"
    result = export(SAMPLE_IRI, "--store", str(store), "--frame", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    doc = json.loads(out.read_bytes())
    assert doc["@id"] == SAMPLE_IRI and [len(t.get("observations", [])) for t in doc["table"]][2] == 21
    assert strs(pub.to_triples(doc)) == strs(pub.publication_triples_from_store(open_reader(store), SAMPLE_IRI))
    total = node_by_id(doc["table"][2]["observations"], "/t03/total/total")
    assert total["amount"] == "1487.4" and total["printedValue"] == "1487.40"  # the store's canonical decimal


def test_export_errors_exit_2_with_a_message(store: Path, tmp_path: Path) -> None:
    bad = export(SAMPLE_IRI + "x", "--store", str(store))
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr == f"[ERROR] {store}: no disclosure <{SAMPLE_IRI}x> in the store\n"
    missing_store = export(SAMPLE_IRI, "--store", str(tmp_path / "none"))
    assert missing_store.exit_code == 2
    assert missing_store.stderr == f"[ERROR] {tmp_path / 'none'}: no data yet (run budgetlod ingest first)\n"
    missing_file = export(str(tmp_path / "nothing.txt"))
    assert missing_file.exit_code == 2 and missing_file.stderr.startswith(f"[ERROR] {tmp_path / 'nothing.txt'}: ")
    wrong_option = export(str(SAMPLE), "--to", "ttl", "--frame")
    assert wrong_option.exit_code == 2
    assert wrong_option.stderr == "[ERROR] --frame and --embed-context apply to --to jsonld only\n"
