"""The VoID description (budgetlod.publish.void): its figures equal counts made independently (a walk over every
quad in Python), its subsets are the store's named graphs, and the figures of the sample-only store are pinned."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from paths import SAMPLE
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple, parse, serialize

from budgetlod.ingest.bulk import ingest
from budgetlod.publish.catalog import CatalogueSettings, dataset_infos
from budgetlod.publish.void import VOID, VoidStatistics, namespace, void_statistics, void_triples
from budgetlod.store.embedded import count_triples, open_reader
from budgetlod.testing.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_IRI = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
ONTOLOGY, CODELIST = "https://w3id.org/budgetlod/ontology", "https://w3id.org/budgetlod/codelist"
BASE = "https://w3id.org/budgetlod/id/"
SITE, SPARQL, DUMP = (
    "https://budget.example.org/",
    "https://budget.example.org/sparql",
    "https://budget.example.org/dump.nq.gz",
)
CONFIG = CatalogueSettings(
    licence="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    publisher="https://w3id.org/budgetlod/catalog#publisher",
    publisher_name="budgetlod",
)
VOIDNS = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# The store holding only the sample (and the vocabulary graphs), counted once by walking its 9,419 quads
# (the walk in independent_counts below). A change to the sample's mapping, the ontology or the code lists
# changes these: recount with independent_counts and update.
# The ontology graph holds the DSDs of every family (t01-t11, f01-f09, j01-j11, generic): its count grows with the
# families; the disclosure's own graph (4,060) does not change.
SAMPLE_STORE = {
    "graph_triples": {SAMPLE_IRI: 4060, ONTOLOGY: 3714, CODELIST: 4302},
    "triples": 12076,
    "distinct_subjects": 1437,
    "distinct_objects": 3720,
    "properties": 163,
    "classes": 38,
    "entities": 263,  # IRI subjects under https://w3id.org/budgetlod/id/
}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("void-sample")
    assert not ingest([SAMPLE], folder / "store").failed
    return open_reader(folder / "store")


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The sample and 5 generated disclosures."""
    folder = tmp_path_factory.mktemp("void-small")
    write_corpus(folder / "corpus", seed=13, count=5)
    assert not ingest([SAMPLE, folder / "corpus"], folder / "store").failed
    return open_reader(folder / "store")


def independent_counts(store: Store) -> dict[str, object]:
    """The figures by walking every quad in Python (no SPARQL)."""
    quads = list(store.quads_for_pattern(None, None, None, None))
    graphs: dict[str, int] = {}
    for quad in quads:
        graphs[quad.graph_name.value] = graphs.get(quad.graph_name.value, 0) + 1  # type: ignore[union-attr]
    subjects = {q.subject for q in quads}
    classes: dict[str, set[object]] = {}
    properties: dict[str, int] = {}
    for q in quads:
        properties[q.predicate.value] = properties.get(q.predicate.value, 0) + 1
        if q.predicate.value == RDF_TYPE and isinstance(q.object, NamedNode):
            classes.setdefault(q.object.value, set()).add(q.subject)
    return {
        "graph_triples": graphs,
        "triples": len(quads),
        "distinct_subjects": len(subjects),
        "distinct_objects": len({q.object for q in quads}),
        "properties": len(properties),
        "classes": len(classes),
        "entities": sum(1 for s in subjects if isinstance(s, NamedNode) and s.value.startswith(BASE)),
        "property_triples": properties,
        "class_entities": {c: len(members) for c, members in classes.items()},
    }


def figures(stats: VoidStatistics) -> dict[str, object]:
    return {
        "graph_triples": stats.graph_triples,
        "triples": stats.triples,
        "distinct_subjects": stats.distinct_subjects,
        "distinct_objects": stats.distinct_objects,
        "properties": len(stats.property_triples),
        "classes": len(stats.class_entities),
        "entities": stats.entities,
    }


def number(triples: Iterable[Triple], subject: str, local: str) -> int:
    (value,) = [
        t.object.value for t in triples if t.subject == NamedNode(subject) and t.predicate.value == VOIDNS + local
    ]
    return int(value)


def objects(triples: Iterable[Triple], subject: str, predicate: str) -> set[str]:
    return {t.object.value for t in triples if t.subject == NamedNode(subject) and t.predicate.value == predicate}


def describe(store: Store, stats: VoidStatistics | None = None) -> list[Triple]:
    return void_triples(
        store, base_url=SITE, sparql_endpoint=SPARQL, data_dumps=[DUMP], statistics=stats, config=CONFIG
    )


def test_sample_store_figures_are_pinned(sample_store: Store) -> None:
    stats = void_statistics(sample_store, BASE)
    assert figures(stats) == SAMPLE_STORE
    independent = independent_counts(sample_store)
    assert {k: independent[k] for k in SAMPLE_STORE} == SAMPLE_STORE
    triples = describe(sample_store, stats)
    assert [number(triples, VOID, k) for k in ("triples", "entities", "distinctSubjects", "distinctObjects")] == [
        12076,
        263,
        1437,
        3720,
    ]
    assert [number(triples, VOID, k) for k in ("classes", "properties")] == [38, 163]
    assert number(triples, SAMPLE_IRI, "triples") == 4060


def test_figures_equal_independent_counts_and_count_triples(small_store: Store) -> None:
    stats = void_statistics(small_store, BASE)
    independent = independent_counts(small_store)
    assert figures(stats) == {k: independent[k] for k in SAMPLE_STORE}
    assert stats.property_triples == independent["property_triples"]
    assert stats.class_entities == independent["class_entities"]
    counts = count_triples(small_store)
    assert stats.graph_triples == counts and stats.triples == sum(counts.values())
    triples = describe(small_store, stats)
    assert number(triples, VOID, "triples") == sum(counts.values())
    subsets = objects(triples, VOID, VOIDNS + "subset")
    disclosures = {i.iri for i in dataset_infos(small_store)}
    assert len(disclosures) == 6
    assert subsets == set(counts) == disclosures | {ONTOLOGY, CODELIST}
    assert all(number(triples, graph, "triples") == counts[graph] for graph in subsets)


def test_partitions(small_store: Store) -> None:
    stats = void_statistics(small_store, BASE)
    independent = independent_counts(small_store)
    triples = describe(small_store, stats)
    observation = "http://purl.org/linked-data/cube#Observation"
    (partition,) = [
        p
        for p in objects(triples, VOID, VOIDNS + "classPartition")
        if objects(triples, p, VOIDNS + "class") == {observation}
    ]
    assert partition == f"{VOID}#class-qb-Observation"
    assert number(triples, partition, "entities") == independent["class_entities"][observation]  # type: ignore[index]
    (typed,) = [
        p
        for p in objects(triples, VOID, VOIDNS + "propertyPartition")
        if objects(triples, p, VOIDNS + "property") == {RDF_TYPE}
    ]
    assert number(triples, typed, "triples") == independent["property_triples"][RDF_TYPE]  # type: ignore[index]
    assert len(objects(triples, VOID, VOIDNS + "classPartition")) == number(triples, VOID, "classes")
    assert len(objects(triples, VOID, VOIDNS + "propertyPartition")) == number(triples, VOID, "properties")


def test_access_points_uri_space_and_vocabularies(sample_store: Store) -> None:
    triples = describe(sample_store)
    assert objects(triples, VOID, VOIDNS + "sparqlEndpoint") == {SPARQL}
    assert objects(triples, VOID, VOIDNS + "dataDump") == {DUMP}
    assert [t.object for t in triples if t.predicate.value == VOIDNS + "uriSpace"] == [Literal(BASE)]
    assert objects(triples, VOID, VOIDNS + "feature") == {
        "http://www.w3.org/ns/formats/" + f for f in ("Turtle", "JSON-LD", "N-Triples", "N-Quads")
    }
    vocabularies = objects(triples, VOID, VOIDNS + "vocabulary")
    assert {
        "https://w3id.org/budgetlod/ontology#",
        "http://purl.org/linked-data/cube#",
        "http://data.openbudgets.eu/ontology/dsd/measure/",
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
    } <= vocabularies
    assert all(v.endswith(("#", "/")) for v in vocabularies)  # namespaces, not terms
    assert namespace("http://purl.org/linked-data/cube#Observation") == "http://purl.org/linked-data/cube#"
    assert namespace("http://example.org/vocab/Thing") == "http://example.org/vocab/"
    assert objects(triples, "https://budget.example.org/.well-known/void", RDF_TYPE) == {VOIDNS + "DatasetDescription"}
    assert {
        t.object.language for t in triples if t.subject == NamedNode(VOID) and t.predicate.value.endswith("/title")
    } == {"zh", "en"}  # type: ignore[union-attr]
    assert objects(triples, VOID, "http://purl.org/dc/terms/license") == {CONFIG.licence}
    assert not any(isinstance(term, BlankNode) for t in triples for term in (t.subject, t.object))
    # it serialises and parses back unchanged (what /.well-known/void answers)
    turtle = serialize(triples, format=RdfFormat.TURTLE)
    assert {q.triple for q in parse(turtle, format=RdfFormat.TURTLE)} == set(triples)
