"""The ontology and code lists in ontology/: well-formed, documented in zh and en, and covering every code the
mapping specs, the parser and the synthetic corpus use."""

from __future__ import annotations

import importlib.metadata
import logging
import re
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from budgetlod import resources
from budgetlod.parse.document import parse_file
from budgetlod.prefixes import CODELIST, PREFIXES, iri
from budgetlod.rdf import components
from budgetlod.rdf.iris import LEVELS, PHASES
from budgetlod.specs import table_specs

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = NamedNode("https://w3id.org/budgetlod/ontology")
BL = PREFIXES["bl"]


def n(curie: str) -> NamedNode:
    return NamedNode(iri(curie))


TYPE, LABEL, DEFINED_BY, RANGE, SUBPROPERTY = (
    n("rdf:type"),
    n("rdfs:label"),
    n("rdfs:isDefinedBy"),
    n("rdfs:range"),
    n("rdfs:subPropertyOf"),
)
CONCEPT, SCHEME = n("skos:Concept"), n("skos:ConceptScheme")
IN_SCHEME, NOTATION, PREF, DEFINITION = (
    n("skos:inScheme"),
    n("skos:notation"),
    n("skos:prefLabel"),
    n("skos:definition"),
)
BROADER, NARROWER, TOP_OF, HAS_TOP = (
    n("skos:broader"),
    n("skos:narrower"),
    n("skos:topConceptOf"),
    n("skos:hasTopConcept"),
)
CODE_LIST = n("qb:codeList")
DIMENSION, MEASURE, ATTRIBUTE = n("qb:DimensionProperty"), n("qb:MeasureProperty"), n("qb:AttributeProperty")
TERM_TYPES = (
    n("owl:Class"),
    n("owl:ObjectProperty"),
    n("owl:DatatypeProperty"),
    n("owl:AnnotationProperty"),
    DIMENSION,
    MEASURE,
    ATTRIBUTE,
)
SCHEMES = (
    "function",
    "economic",
    "income-category",
    "funding-source",
    "expenditure-nature",
    "sangong",
    "level",
    "table-type",
    "document-kind",
    "narrative-subject",
    "project",
)
DIMENSION_SCHEMES = (
    "function",
    "economic",
    "income-category",
    "funding-source",
    "expenditure-nature",
    "sangong",
    "project",
)
Term = NamedNode | Literal


class Graph:
    """The union of the ontology files, with the few look-ups the tests need."""

    def __init__(self, paths: list[Path]) -> None:
        self.store = Store()
        for path in paths:
            self.store.load(path=str(path), format=RdfFormat.TURTLE)

    def objects(self, subject: NamedNode, predicate: NamedNode) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(subject, predicate, None)]  # type: ignore[misc]

    def subjects(self, predicate: NamedNode, obj: Term) -> list[NamedNode]:
        return [q.subject for q in self.store.quads_for_pattern(None, predicate, obj)]  # type: ignore[misc]

    def value(self, subject: NamedNode, predicate: NamedNode) -> Term | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def has(self, subject: NamedNode | None, predicate: NamedNode | None, obj: Term | None) -> bool:
        return next(iter(self.store.quads_for_pattern(subject, predicate, obj)), None) is not None

    def terms(self) -> set[NamedNode]:
        return {t for q in self.store for t in (q.subject, q.predicate, q.object) if isinstance(t, NamedNode)}


def ttl_files() -> list[Path]:
    return resources.ontology()


@cache
def graph() -> Graph:
    return Graph(ttl_files())


def scheme_iri(name: str) -> NamedNode:
    return NamedNode(f"{CODELIST}{name}")


@cache
def concepts(name: str) -> dict[str, NamedNode]:
    """notation -> concept of a scheme."""
    g = graph()
    out = {}
    for concept in g.subjects(IN_SCHEME, scheme_iri(name)):
        notation = g.value(concept, NOTATION)
        assert isinstance(notation, Literal), concept
        out[notation.value] = concept
    return out


def langs(subject: NamedNode, predicate: NamedNode) -> list[str]:
    return sorted(o.language or "" for o in graph().objects(subject, predicate) if isinstance(o, Literal))


def label(concept: NamedNode, lang: str = "zh") -> str | None:
    for value in graph().objects(concept, PREF):
        if isinstance(value, Literal) and value.language == lang:
            return value.value
    return None


def bl_terms() -> Iterator[NamedNode]:
    g = graph()
    seen = set()
    for kind in TERM_TYPES:
        for term in g.subjects(TYPE, kind):
            if term.value.startswith(BL) and term not in seen:
                seen.add(term)
                yield term


# ------------------------------------------------------------------ files


def test_the_expected_files_exist() -> None:
    names = {p.relative_to(resources.folder("ontology")).as_posix() for p in ttl_files()}
    assert {"budgetlod.ttl", "external.ttl"} <= names
    assert {f"codelists/{s}.ttl" for s in SCHEMES} <= names


@pytest.mark.parametrize("path", ttl_files(), ids=lambda p: p.name)
def test_every_file_parses_in_pyoxigraph_and_rdflib_without_warnings(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG):
        warnings.simplefilter("always")
        triples = set(pyoxigraph.parse(path=str(path), format=RdfFormat.TURTLE))
        assert triples
        try:
            import rdflib
        except ImportError:  # rdflib is not a dependency of budgetlod; its check runs where it is installed
            rdflib = None
        if rdflib is not None:
            assert len(rdflib.Graph().parse(path, format="turtle")) == len(triples)
    assert not caught, [str(w.message) for w in caught]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_prefixes_of_the_files_are_those_of_the_prefix_map() -> None:
    for path in ttl_files():
        for prefix, namespace in re.findall(r"^@prefix ([\w-]*): <([^>]*)> \.", path.read_text("utf-8"), re.M):
            assert PREFIXES.get(prefix) == namespace, (path.name, prefix)


# ------------------------------------------------------------------ ontology


def test_ontology_header() -> None:
    g = graph()
    assert g.has(ONTOLOGY, TYPE, n("owl:Ontology"))
    assert g.value(ONTOLOGY, n("owl:versionIRI")) == NamedNode("https://w3id.org/budgetlod/ontology/0.1.0")
    assert g.value(ONTOLOGY, n("vann:preferredNamespacePrefix")) == Literal("bl")
    assert g.value(ONTOLOGY, n("vann:preferredNamespaceUri")) == Literal(BL)
    for prop in ("dct:title", "dct:description"):
        assert langs(ONTOLOGY, n(prop)) == ["en", "zh"], prop
    for prop in ("dct:license", "dct:created", "owl:versionInfo"):
        assert g.value(ONTOLOGY, n(prop)) is not None, prop


def test_every_term_has_labels_and_definitions_in_zh_and_en() -> None:
    g = graph()
    terms = list(bl_terms())
    assert len(terms) > 100
    for term in terms:
        for prop in (LABEL, DEFINITION):
            assert langs(term, prop) == ["en", "zh"], (term, prop)
        assert g.has(term, DEFINED_BY, ONTOLOGY), term


def test_every_bl_term_used_in_the_files_is_declared() -> None:
    used = {t for t in graph().terms() if t.value.startswith(BL)}
    declared = set(bl_terms())
    assert used <= declared, sorted(t.value for t in used - declared)


def test_components_reuse_openbudgets_as_sub_properties() -> None:
    g = graph()
    expected = {
        "functionalClassification": ("obeu-dimension:functionalClassification", "function"),
        "economicClassification": ("obeu-dimension:economicClassification", "economic"),
        "incomeCategory": ("obeu-dimension:economicClassification", "income-category"),
        "sangongCategory": ("obeu-dimension:economicClassification", "sangong"),
        "fundingSource": ("obeu-dimension:classification", "funding-source"),
        "expenditureNature": ("obeu-dimension:classification", "expenditure-nature"),
    }
    for local, (parent, scheme) in expected.items():
        term = NamedNode(BL + local)
        for kind in (DIMENSION, n("qb:CodedProperty"), n("owl:ObjectProperty")):
            assert g.has(term, TYPE, kind), (local, kind)
        assert g.has(term, SUBPROPERTY, n(parent))
        assert g.value(term, CODE_LIST) == scheme_iri(scheme)
        assert g.value(term, RANGE) == CONCEPT
    project = NamedNode(BL + "project")
    assert g.value(project, RANGE) == NamedNode(BL + "Project")
    assert g.has(project, SUBPROPERTY, n("obeu-dimension:project"))
    assert g.has(NamedNode(BL + "amountInYuan"), TYPE, MEASURE)
    assert g.value(NamedNode(BL + "aggregationLevel"), CODE_LIST) == scheme_iri("level")
    for abstract in ("classification", "functionalClassification", "economicClassification", "project"):
        # declared, but not as a dimension: budgetlod does not use OpenBudgets.eu's abstract dimensions directly
        prop = n(f"obeu-dimension:{abstract}")
        assert g.has(prop, LABEL, None) and not g.has(prop, TYPE, DIMENSION), abstract


def test_data_cube_integrity_of_the_declarations() -> None:
    """IC-4 (every dimension has a range) and IC-5 (a concept-valued dimension has a code list), over all files;
    every component the converter uses is declared, with zh and en labels."""
    g = graph()
    for dim in g.subjects(TYPE, DIMENSION):
        assert g.value(dim, RANGE) is not None, dim
        if g.value(dim, RANGE) == CONCEPT:
            assert g.value(dim, CODE_LIST) is not None, dim
    used = [
        *components.COMMON_DIMENSIONS,
        *components.MEASURES,
        *components.DATASET_ATTRIBUTES,
        *components.OBSERVATION_ATTRIBUTES,
        *(d.property for d in components.DIMENSIONS.values()),
    ]
    for prop in map(NamedNode, used):
        assert any(g.has(prop, TYPE, kind) for kind in (DIMENSION, MEASURE, ATTRIBUTE)), prop
        assert g.value(prop, RANGE) is not None, prop
        assert {"en", "zh"} <= set(langs(prop, LABEL)), prop
    for code in map(
        NamedNode, (*components.PHASE_CODES.values(), *components.OPERATION_CODES.values(), components.CNY)
    ):
        assert g.has(code, TYPE, CONCEPT), code
        scheme = g.value(code, IN_SCHEME)
        assert isinstance(scheme, NamedNode) and g.has(scheme, TYPE, SCHEME), code
        assert langs(code, PREF) == ["en", "zh"], code
    currency = g.value(n("obeu-attribute:currency"), CODE_LIST)
    assert currency == NamedNode("http://publications.europa.eu/resource/authority/currency")
    assert g.value(NamedNode(components.CNY), NOTATION) == Literal("CNY")


# ------------------------------------------------------------------ code lists


def test_every_concept_is_in_one_scheme_and_broader_stays_inside_it() -> None:
    g = graph()
    for concept in set(g.subjects(TYPE, CONCEPT)):
        schemes = g.objects(concept, IN_SCHEME)
        assert len(schemes) == 1, concept
        (scheme,) = schemes
        broader = g.objects(concept, BROADER)
        for parent in broader:
            assert isinstance(parent, NamedNode)
            assert g.has(parent, IN_SCHEME, scheme), (concept, parent)
            assert g.has(parent, NARROWER, concept), (concept, parent)
        for child in g.objects(concept, NARROWER):
            assert isinstance(child, NamedNode) and g.has(child, BROADER, concept), (concept, child)
        if not broader:
            assert g.has(concept, TOP_OF, scheme), concept
            assert isinstance(scheme, NamedNode) and g.has(scheme, HAS_TOP, concept), concept


@pytest.mark.parametrize("name", SCHEMES)
def test_schemes_are_described_and_concepts_are_notated(name: str) -> None:
    g = graph()
    scheme = scheme_iri(name)
    assert g.has(scheme, TYPE, SCHEME)
    assert langs(scheme, PREF) == ["en", "zh"]
    assert langs(scheme, n("dct:description")) == ["en", "zh"]
    assert g.value(scheme, n("dct:source")) is not None
    assert g.value(scheme, n("dct:issued")) is not None
    found = concepts(name)
    assert found
    for code, concept in found.items():
        assert concept.value == f"{scheme.value}/{code}", concept  # <scheme IRI>/<code>
        assert g.has(concept, TYPE, CONCEPT)
        assert label(concept, "zh"), concept
        if label(concept, "en") and code not in (components.TOTAL, components.NOT_APPLICABLE):
            assert g.value(concept, n("bl:translationSource")) is not None, concept  # whose English it is
    if name in DIMENSION_SCHEMES:
        assert {components.TOTAL, components.NOT_APPLICABLE} <= set(found)
        assert label(found[components.NOT_APPLICABLE]) == "不适用"


def test_function_classes_are_the_30_printed_in_the_samples_table_1(sample_path: Path) -> None:
    t01 = parse_file(sample_path).table("t01")
    printed = {row.code: row.name for row in t01.rows if row.side == "expenditure" and row.level == "类"}
    assert len(printed) == 30
    classes = {code: label(c) for code, c in concepts("function").items() if re.fullmatch(r"\d{3}", code)}
    assert classes == printed


def test_function_sections_and_items(sample_path: Path) -> None:
    g = graph()
    found = concepts("function")
    for table in parse_file(sample_path).tables:
        if table.id in ("t02", "t03", "t05", "t07"):
            for row in table.rows:
                if row.codes:
                    assert label(found[row.code]) == row.name.replace(" ", ""), row.code
    assert label(found["2120104"]) == "城管执法"  # named by the sample's narrative
    assert g.value(found["2120104"], BROADER) == found["21201"]
    for code, concept in found.items():
        if len(code) in (5, 7):
            assert g.value(concept, BROADER) == found[code[:-2]], code
        else:
            assert re.fullmatch(r"\d{3}|_T|_Z", code), code


def test_economic_list() -> None:
    g = graph()
    found = concepts("economic")
    codes = [c for c in found if c not in (components.TOTAL, components.NOT_APPLICABLE)]
    assert len(codes) >= 90
    assert {c for c in codes if len(c) == 3} == {"301", "302", "303", "307", "309", "310", "311", "312", "313", "399"}
    for code in codes:
        assert re.fullmatch(r"\d{3}(\d{2})?", code), code
        if len(code) == 5:
            assert g.value(found[code], BROADER) == found[code[:3]], code
    assert label(found["30113"]) == "住房公积金"  # 30311 in the pre-2018 scheme
    assert label(found["30231"]) == "公务用车运行维护费"  # did not exist before 2018


def test_economic_codes_printed_in_the_sample_are_not_marked_unverified(sample_path: Path) -> None:
    g = graph()
    found = concepts("economic")
    not_verified = Literal("not verified", language="en")
    for row in parse_file(sample_path).table("t06").rows:
        if row.codes:
            assert label(found[row.code]) == row.name, row.code
            assert not g.has(found[row.code], n("skos:editorialNote"), not_verified), row.code
    assert g.has(found["30311"], n("skos:editorialNote"), not_verified)


def test_every_code_the_mapping_specs_use_exists() -> None:
    g = graph()
    missing = []
    for spec in table_specs():
        columns = [*spec.columns, *spec.optional_columns, *(c for side in spec.sides for c in side.columns)]
        for key, code in [*spec.fixed, *(pin for column in columns for pin in column.pins)]:
            scheme = components.DIMENSIONS[key].scheme.rsplit("/", 1)[-1]
            if code not in concepts(scheme):
                missing.append((spec.id, key, code))
        itemised = [("income", r) for side in spec.sides for r in side.rows]
        # count rows (n07: 团组数, 保有量 …) are bl:CountFigure, not sangong observations: no code of theirs
        itemised += [("sangong", r) for r in spec.rows if "sangong" in spec.dimensions and not r.count]
        for dim, row in itemised:
            scheme = components.DIMENSIONS[dim].scheme.rsplit("/", 1)[-1]
            code = components.TOTAL if row.total else row.key
            if code not in concepts(scheme):
                missing.append((spec.id, dim, code))
            elif row.parent and row.parent != "total":  # t10's rows under the total: top concepts
                # broader, or broader still (t01's 本年收入 over 一般公共预算拨款: 财政拨款 lies between them)
                child, parent = concepts(scheme)[code], concepts(scheme)[row.parent]
                assert g.store.query(f"ASK {{ <{child.value}> <{BROADER.value}>+ <{parent.value}> }}"), (spec.id, code)
        table_type = concepts("table-type").get(spec.id)
        assert table_type is not None and label(table_type) == spec.title
    assert not missing, missing


def test_every_other_code_the_converter_uses_exists() -> None:
    assert set(components.LEVEL_CODES.values()) == set(concepts("level"))
    kinds = {f"{level}-{phase}" for level in LEVELS.values() for phase in PHASES.values()}
    assert kinds == set(concepts("document-kind"))
    narrative = resources.read_yaml(resources.mapping("narrative.yaml"))
    assert isinstance(narrative, dict)
    keys = {s["key"] for s in narrative["subjects"]} | {narrative["function_key"], narrative["project"]["key"]}
    assert keys == set(concepts("narrative-subject"))
    for code in concepts("project").values():
        assert graph().has(code, TYPE, NamedNode(BL + "Project"))


def test_codes_of_the_synthetic_corpus_exist() -> None:
    corpus = pytest.importorskip("budgetlod.testing.corpus_data")
    for scheme, codes in (("function", corpus.FUNCTIONS), ("economic", corpus.ECONOMIC)):
        found = concepts(scheme)
        for code, name in codes.items():
            assert code in found, (scheme, code)
            assert label(found[code]) == name, (scheme, code)


# ------------------------------------------------------------------ documentation


def test_generated_documentation_is_committed_and_covers_every_term() -> None:
    html = (ROOT / "docs" / "ontology" / "index.html").read_text("utf-8")
    assert "generated by `python -m budgetlod.rdf.ontology_docs`" in html.split("\n", 2)[1]
    for term in bl_terms():
        assert term.value in html, term


def test_generated_documentation_is_up_to_date() -> None:
    pytest.importorskip("pylode")
    from budgetlod.rdf.ontology_docs import render

    html = (ROOT / "docs" / "ontology" / "index.html").read_text("utf-8")
    version = re.search(r'id="version">([^<]+)<', html)
    if version is None or version.group(1) != importlib.metadata.version("pylode"):
        pytest.skip("docs/ontology/index.html was made with another pyLODE version")
    assert render().rstrip("\n") + "\n" == html, "run `python -m budgetlod.rdf.ontology_docs`"
