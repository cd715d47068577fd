"""The VoID description of the store (``/.well-known/void``): its size, vocabularies, access points and
one subset per named graph.

Linked-data crawlers and federated query engines read VoID to learn what a SPARQL endpoint holds
before they query it. Every figure is counted from the store in four queries (five on a remote store), each
one pass over the quads (none per graph or per class), so it stays linear in the size of the store — measured in
``docs/dcat-ap.md`` (VoID): the server computes it once per snapshot.

What the figures mean (the store keeps everything in named graphs; the endpoint's default graph is
their union):

* ``void:triples``: the triples of every graph added up (a triple stated in two graphs counts twice),
  equal to the sum of :func:`budgetlod.store.embedded.count_triples`; each graph is a ``void:subset``
  with its own ``void:triples``;
* ``void:distinctSubjects`` / ``void:distinctObjects``: distinct terms over all graphs;
* ``void:entities``: distinct IRI subjects in the data's URI space (``void:uriSpace`` = setting
  ``base_iri``) — units, disclosures, tables, observations …; the ontology, the code-list concepts and
  the year IRIs are described here but are not entities *of* this dataset;
* ``void:classes`` / ``void:properties``: distinct classes (objects of ``rdf:type``) and predicates, each
  also given as a ``void:classPartition`` (with ``void:entities``) and ``void:propertyPartition`` (with
  ``void:triples``);
* ``void:vocabulary``: the namespace of every class and predicate used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from budgetlod.prefixes import PREFIXES, iri
from budgetlod.publish import authorities as auth
from budgetlod.publish.catalog import CATALOG, CatalogueSettings
from budgetlod.rdf.iris import content_hash
from budgetlod.rdf.vocabulary import CODELIST_GRAPH, ONTOLOGY_GRAPH
from budgetlod.settings import setting
from budgetlod.store.base import GraphReader, PagingReader, QueryResult, Term, rows, select_rows, text_of

VOID = "https://w3id.org/budgetlod/void"
FEATURES = tuple(auth.FORMATS[code].w3c_format for code in ("ttl", "jsonld", "nt", "nq"))

# the embedded store: one pass for graphs and predicates, the distinct subjects listed and filtered in Python
PER_GRAPH_AND_PREDICATE = "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p"
SUBJECTS = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"
# a remote store (row cap): a row a graph, a row a predicate (each paged), the subjects counted by the server;
# the URI space goes in as a literal written by pyoxigraph (a term, never query text)
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
PER_PREDICATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p"
SUBJECT_COUNTS = """SELECT (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?entity) AS ?entities) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), {space}), ?s, ?none) AS ?entity)
}}"""
OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c"

TITLE = {
    "zh": "budgetlod 预算公开关联开放数据",
    "en": "budgetlod linked open data of Chinese public budget disclosures",
}
DESCRIPTION = {
    "zh": "全部公开文件（每份一个命名图）、budgetlod 本体和编码表；数字为各命名图之和。",
    "en": "Every disclosure (one named graph each), the budgetlod ontology and the code lists; "
    "void:triples adds up the triples of the named graphs.",
}
VOCABULARY_TITLES = {
    ONTOLOGY_GRAPH: {"zh": "budgetlod 本体与数据结构定义", "en": "budgetlod ontology and data structure definitions"},
    CODELIST_GRAPH: {"zh": "budgetlod 编码表", "en": "budgetlod code lists"},
}


@dataclass(frozen=True)
class VoidStatistics:
    """The figures of a store, counted by :func:`void_statistics`."""

    graph_triples: dict[str, int]  # named graph -> triples (as count_triples)
    property_triples: dict[str, int]  # predicate -> triples using it
    class_entities: dict[str, int]  # class -> distinct instances
    distinct_subjects: int
    distinct_objects: int
    entities: int  # distinct IRI subjects starting with the URI space
    uri_space: str

    @property
    def triples(self) -> int:
        return sum(self.graph_triples.values())


def void_statistics(store: GraphReader, uri_space: str | None = None) -> VoidStatistics:
    """Count everything in four queries on the embedded store, each one pass over the quads (the classes through
    the type index). A remote store (:class:`~budgetlod.store.base.PagingReader`) caps its answers, and the
    graph × predicate rows (133,004 at 1,000 disclosures) or the distinct subjects (347,391) reach any cap: it
    is asked five queries answering a row per graph, predicate or class (paged: :func:`select_rows`) or one row.
    The embedded store keeps the four: the server-side filter costs it 5x (``docs/dcat-ap.md``)."""
    space = uri_space if uri_space is not None else str(setting("base_iri"))
    if isinstance(store, PagingReader):
        graphs = {text_of(row["g"]): _count(row["n"]) for row in select_rows(store, PER_GRAPH, "?g")}
        properties = {text_of(row["p"]): _count(row["n"]) for row in select_rows(store, PER_PREDICATE, "?p")}
        (counted,) = rows(store.query(SUBJECT_COUNTS.format(space=Literal(space))))
        subjects, entities = _count(counted["n"]), _count(counted["entities"])
    else:
        graphs, properties = Counter(), Counter()
        for solution in _solutions(store.query(PER_GRAPH_AND_PREDICATE)):  # 133,004 rows at 1,000: no dict a row
            graph, predicate, count = solution[0], solution[1], solution[2]
            graphs[text_of(graph)] += _count(count)
            properties[text_of(predicate)] += _count(count)
        subjects = entities = 0
        for solution in _solutions(store.query(SUBJECTS)):  # 347,391 at 1,000 disclosures: no dict a row
            subjects += 1
            term = solution[0]
            if isinstance(term, NamedNode) and term.value.startswith(space):
                entities += 1
    (objects,) = [_count(row["n"]) for row in rows(store.query(OBJECTS))]
    classes = {
        text_of(row["c"]): _count(row["n"])
        for row in select_rows(store, CLASSES, "?c")
        if isinstance(row.get("c"), NamedNode)
    }
    return VoidStatistics(
        graph_triples=dict(sorted(graphs.items())),
        property_triples=dict(sorted(properties.items())),
        class_entities=dict(sorted(classes.items())),
        distinct_subjects=subjects,
        distinct_objects=objects,
        entities=entities,
        uri_space=space,
    )


def _solutions(answer: QueryResult) -> QuerySolutions:
    if not isinstance(answer, QuerySolutions):
        raise TypeError(f"not a SELECT answer: {type(answer).__name__}")
    return answer


def _count(term: Term) -> int:
    return int(text_of(term))


def namespace(term: str) -> str:
    """The vocabulary of a class or property: the longest namespace of the prefix map it starts with, else the
    IRI up to its last ``#`` or ``/``."""
    known = [ns for ns in PREFIXES.values() if term.startswith(ns) and len(term) > len(ns)]
    if known:
        return max(known, key=len)
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[: cut + 1] if cut > 0 else term


def _slug(term: str) -> str:
    """A fragment naming a partition: the CURIE when the prefix map has one (``qb-Observation``), else a hash."""
    ns = namespace(term)
    prefix = next((p for p, n in PREFIXES.items() if n == ns), None)
    local = term[len(ns) :]
    if prefix and local and all(c.isalnum() or c in "-_." for c in local):
        return f"{prefix}-{local}"
    return content_hash(term)


class _Triples:
    def __init__(self) -> None:
        self.items: list[Triple] = []

    def add(self, subject: str, predicate: str, obj: str | int | Literal) -> None:
        if isinstance(obj, int):
            value: NamedNode | Literal = Literal(str(obj), datatype=NamedNode(iri("xsd:integer")))
        elif isinstance(obj, str):
            value = NamedNode(obj)
        else:
            value = obj
        self.items.append(Triple(NamedNode(subject), NamedNode(iri(predicate)), value))

    def texts(self, subject: str, predicate: str, by_language: dict[str, str]) -> None:
        for language, text in by_language.items():
            self.add(subject, predicate, Literal(text, language=language))


def void_triples(
    store: GraphReader,
    *,
    base_url: str,
    sparql_endpoint: str | None,
    data_dumps: Sequence[str],
    statistics: VoidStatistics | None = None,
    features: Iterable[str] = FEATURES,
    description_url: str | None = None,
    config: CatalogueSettings | None = None,
) -> list[Triple]:
    """The VoID description as triples. ``statistics`` (from :func:`void_statistics`) spares counting again;
    ``base_url`` is the site's home page; ``data_dumps`` the URLs of full dumps; ``features`` the W3C format
    IRIs (``http://www.w3.org/ns/formats/…``) the data is served in; ``description_url`` the URL of the VoID
    document itself (default ``/.well-known/void`` on the site's host), a ``void:DatasetDescription``."""
    stats = statistics or void_statistics(store)
    config = config or CatalogueSettings.from_settings()
    out = _Triples()
    document = description_url or urljoin(base_url, "/.well-known/void")
    out.add(document, "rdf:type", iri("void:DatasetDescription"))
    out.add(document, "foaf:primaryTopic", VOID)
    out.add(VOID, "rdf:type", iri("void:Dataset"))
    out.texts(VOID, "dct:title", TITLE)
    out.texts(VOID, "dct:description", DESCRIPTION)
    out.add(VOID, "dct:publisher", config.publisher)
    out.add(VOID, "dct:license", config.licence)
    out.add(VOID, "foaf:homepage", base_url)
    out.add(VOID, "rdfs:seeAlso", CATALOG)
    if sparql_endpoint is not None:
        out.add(VOID, "void:sparqlEndpoint", sparql_endpoint)
    for dump in data_dumps:
        out.add(VOID, "void:dataDump", dump)
    for feature in features:
        out.add(VOID, "void:feature", feature)
    out.add(VOID, "void:uriSpace", Literal(stats.uri_space))
    for vocabulary in sorted({namespace(t) for t in (*stats.property_triples, *stats.class_entities)}):
        out.add(VOID, "void:vocabulary", vocabulary)
    out.add(VOID, "void:triples", stats.triples)
    out.add(VOID, "void:entities", stats.entities)
    out.add(VOID, "void:classes", len(stats.class_entities))
    out.add(VOID, "void:properties", len(stats.property_triples))
    out.add(VOID, "void:distinctSubjects", stats.distinct_subjects)
    out.add(VOID, "void:distinctObjects", stats.distinct_objects)
    for cls, count in stats.class_entities.items():
        partition = f"{VOID}#class-{_slug(cls)}"
        out.add(VOID, "void:classPartition", partition)
        out.add(partition, "void:class", cls)
        out.add(partition, "void:entities", count)
    for prop, count in stats.property_triples.items():
        partition = f"{VOID}#property-{_slug(prop)}"
        out.add(VOID, "void:propertyPartition", partition)
        out.add(partition, "void:property", prop)
        out.add(partition, "void:triples", count)
    for graph, count in stats.graph_triples.items():
        out.add(VOID, "void:subset", graph)
        out.add(graph, "rdf:type", iri("void:Dataset"))
        out.add(graph, "void:triples", count)
        if graph in VOCABULARY_TITLES:
            out.texts(graph, "dct:title", VOCABULARY_TITLES[graph])
    return out.items


__all__ = ["VOID", "VoidStatistics", "namespace", "void_statistics", "void_triples"]
