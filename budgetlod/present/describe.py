"""What the Linked Data pages say about a resource, read from the store's current snapshot.

* :class:`Site` maps request paths to IRIs and back (documented in ``docs/linked-data.md``);
* :func:`describe` gives a resource's description: the triples with it as subject, in every graph;
* :class:`Labels` finds the labels (zh/en) of the resources a page links to;
* the SPARQL of the pages is in this module only (``*_QUERY``); values enter a query through
  pyoxigraph substitutions (SEP-0007), never pasted into its text.

All reads are bounded: they start from one resource (its triples, its tables, its statements …).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote, urlsplit

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolution, QuerySolutions, Triple, Variable

from budgetlod.prefixes import ONTOLOGY, PREFIXES, iri
from budgetlod.rdf.vocabulary import CODELIST_GRAPH, ONTOLOGY_GRAPH
from budgetlod.store.base import QuadReader

VOCAB_ROOT = "https://w3id.org/budgetlod"  # the ontology and the code lists: IRIs fixed, not under base_iri
W3ID_HOST = "w3id.org"
LABEL_PROPERTIES = tuple(iri(p) for p in ("skos:prefLabel", "rdfs:label", "foaf:name", "dct:title"))
RDF_TYPE = iri("rdf:type")
XSD_DECIMAL = iri("xsd:decimal")
MAX_LIST = 5000  # most rows of a listing page (a code list's concepts, the units)

# --- SPARQL -----------------------------------------------------------------------------------------
# Prefixes come from budgetlod.prefixes (passed as `prefixes=`); ?table, ?disclosure, ?unit, ?scheme are
# substituted with the resource of the page, and ?g with the disclosure's graph wherever it is known: Oxigraph
# evaluates an OPTIONAL's right side on its own, so with ?g unbound each OPTIONAL of the table and cell queries read
# that property in every graph of the store (a disclosure's page cost 552 ms at 1,000 disclosures, 114 at 200).
# IRIs are ordered by STR(): a remote store (Virtuoso) orders IRIs by an internal id, not by their text.

TABLES_QUERY = """
SELECT ?g ?disclosure ?table ?type ?title ?unit ?line ?empty ?note WHERE {
  GRAPH ?g {
    ?disclosure bl:table ?table .
    ?table bl:tableType ?type .
    OPTIONAL { ?table bl:printedTitle ?title }
    OPTIONAL { ?table bl:printedUnit ?unit }
    OPTIONAL { ?table bl:sourceLine ?line }
    OPTIONAL { ?table bl:emptyTable ?empty }
    OPTIONAL { ?table bl:emptyNote ?note }
  }
} ORDER BY STR(?type) STR(?table)
"""

_CELL_LOCATORS = """
    ?cell bl:sourceRow ?row ; bl:sourceLine ?line ; bl:sourceColumn ?column .
    OPTIONAL { ?cell bl:printedName ?name }
    OPTIONAL { ?cell bl:printedCode ?code }
    OPTIONAL { ?cell bl:rowKey ?key }
"""

CELLS_QUERY = (
    """
SELECT ?g ?table ?cell ?row ?line ?column ?name ?code ?key ?amount ?level ?projectLabel WHERE {
  GRAPH ?g {
    ?cell qb:dataSet ?table ; obeu-measure:amount ?amount ; bl:aggregationLevel ?level ."""
    + _CELL_LOCATORS
    + """    OPTIONAL { ?cell bl:project ?project . ?project a bl:Project ; rdfs:label ?projectLabel . }
  }
}
"""
)

# printed cells that are not amounts (no observation): bl:UnreadableCell (a separate query: a UNION is slow)
UNREADABLE_QUERY = (
    """
SELECT ?g ?table ?cell ?row ?line ?column ?name ?code ?key ?printed WHERE {
  GRAPH ?g {
    ?cell bl:cellOf ?table ; bl:printedValue ?printed ."""
    + _CELL_LOCATORS
    + """  }
}
"""
)

DISCLOSURES_QUERY = """
SELECT ?unit ?disclosure ?year ?kind ?title ?issued WHERE {
  GRAPH ?disclosure {
    ?disclosure a bl:Disclosure ; bl:budgetUnit ?unit .
    OPTIONAL { ?disclosure dct:temporal ?year }
    OPTIONAL { ?disclosure bl:documentKind ?kind }
    OPTIONAL { ?disclosure dct:title ?title }
    OPTIONAL { ?disclosure dct:issued ?issued }
  }
} ORDER BY DESC(STR(?year)) STR(?disclosure)
"""

STATEMENTS_QUERY = """
SELECT ?disclosure ?statement ?text ?line ?section ?subject WHERE {
  GRAPH ?disclosure {
    ?disclosure bl:statement ?statement .
    ?statement bl:statedText ?text .
    OPTIONAL { ?statement bl:sourceLine ?line }
    OPTIONAL { ?statement bl:sourceSection ?section }
    OPTIONAL { ?statement bl:statementSubject ?subject }
  }
} ORDER BY ?line STR(?statement)
"""

FINDINGS_QUERY = """
SELECT ?disclosure ?annotation ?severity ?message ?line ?focus ?shape WHERE {
  GRAPH ?disclosure {
    ?disclosure dqv:hasQualityAnnotation ?annotation .
    OPTIONAL { ?annotation sh:resultSeverity ?severity }
    OPTIONAL { ?annotation oa:bodyValue ?message }
    OPTIONAL { ?annotation bl:sourceLine ?line }
    OPTIONAL { ?annotation sh:focusNode ?focus }
    OPTIONAL { ?annotation sh:sourceShape ?shape }
  }
} ORDER BY ?line STR(?annotation)
"""

CONCEPTS_QUERY = """
SELECT ?scheme ?concept ?notation WHERE {
  GRAPH ?g { ?concept skos:inScheme ?scheme . OPTIONAL { ?concept skos:notation ?notation } }
} ORDER BY ?notation STR(?concept)
"""

UNITS_QUERY = """
SELECT ?unit (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?disclosure) AS ?count) WHERE {
  GRAPH ?disclosure { ?disclosure a bl:Disclosure ; bl:budgetUnit ?unit . OPTIONAL { ?unit foaf:name ?name } }
} GROUP BY ?unit ORDER BY ?label STR(?unit)
"""

SCHEMES_QUERY = """
SELECT ?scheme WHERE { GRAPH ?g { ?scheme a skos:ConceptScheme } } ORDER BY STR(?scheme)
"""


def select(store: QuadReader, query: str, limit: int = MAX_LIST, **bindings: NamedNode) -> list[QuerySolution]:
    """Run one of the queries above, its variables bound to the given resources (at most ``limit`` rows)."""
    substitutions: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(name): node for name, node in bindings.items()
    }
    solutions = store.query(query, prefixes=PREFIXES, substitutions=substitutions)
    if not isinstance(solutions, QuerySolutions):
        raise TypeError(f"not a SELECT answer: {type(solutions).__name__}")
    rows: list[QuerySolution] = []
    for solution in solutions:
        rows.append(solution)
        if len(rows) >= limit:
            break
    return rows


def value(solution: QuerySolution, name: str) -> str | None:
    term = solution[name]
    return None if term is None else term.value


# --- IRIs and paths ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """Which request paths name which IRIs.

    * data IRIs ``{base_iri}{rest}`` are served at ``{data_prefix}{rest}``; the prefix is the base's path,
      less its first segment when the base is on w3id.org (w3id redirects ``https://w3id.org/budgetlod/…``
      to the server's origin): ``https://w3id.org/budgetlod/id/`` -> ``/id/``, ``https://example.org/lod/id/``
      -> ``/lod/id/``;
    * the ontology ``https://w3id.org/budgetlod/ontology`` (``#term``, ``/dsd/…``) at ``/ontology…`` and the code
      lists ``https://w3id.org/budgetlod/codelist/…`` at ``/codelist/…``, whatever base_iri is.
    """

    base_iri: str

    @property
    def data_prefix(self) -> str:
        parts = urlsplit(self.base_iri)
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        if parts.netloc.lower() == W3ID_HOST:
            segments = path.strip("/").split("/")
            path = "/" + "/".join(segments[1:]) + "/" if len(segments) > 1 else "/"
        return path if path.startswith("/") else "/" + path

    def data_iris(self, rest: str) -> list[str]:
        """The IRIs a path below the data prefix may name: as sent, and percent-decoded."""
        return _candidates(self.base_iri, rest)

    @staticmethod
    def vocabulary_iris(path: str) -> list[str]:
        """``/ontology/dsd/t03`` -> ``https://w3id.org/budgetlod/ontology/dsd/t03``."""
        return _candidates(VOCAB_ROOT, path)

    def path_of(self, resource: str) -> str | None:
        """The local path (with any ``#fragment``) serving an IRI, or None when this server does not serve it."""
        if resource.startswith(self.base_iri) and len(resource) > len(self.base_iri):
            return self.data_prefix + resource[len(self.base_iri) :]
        for root in (ONTOLOGY, CODELIST_GRAPH):
            if resource == root or resource.startswith((root + "/", root + "#")):
                return resource[len(VOCAB_ROOT) :]
        return None

    def href(self, resource: str) -> str:
        """Where a page links for an IRI: its page here, or the IRI itself."""
        return self.path_of(resource) or resource


def _candidates(root: str, rest: str) -> list[str]:
    out: list[str] = []
    for text in (root + rest, root + unquote(rest)):
        try:
            node = NamedNode(text)
        except ValueError:
            continue
        if node.value not in out:
            out.append(node.value)
    return out


# --- descriptions -----------------------------------------------------------------------------------


def _key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def describe(store: QuadReader, resource: str) -> list[Triple]:
    """The triples with the resource as subject, from every graph, once each, in a stable order."""
    node = NamedNode(resource)
    triples = {_key(q.triple): q.triple for q in store.quads_for_pattern(node, None, None, None)}
    return [triples[k] for k in sorted(triples)]


def graph_triples(store: QuadReader, graph: str) -> list[Triple]:
    """A whole vocabulary graph (the ontology, the code lists)."""
    triples = {_key(q.triple): q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(graph))}
    return [triples[k] for k in sorted(triples)]


def ontology_document(store: QuadReader) -> list[Triple]:
    """What ``/ontology`` answers in RDF: the ontology graph (the ontology, its terms, the DSDs, the reused
    terms it declares) — one document for every ``bl:`` hash IRI."""
    return graph_triples(store, ONTOLOGY_GRAPH)


def types_of(triples: Iterable[Triple]) -> set[str]:
    return {t.object.value for t in triples if t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode)}


def objects(triples: Iterable[Triple], curie_or_iri: str) -> list[NamedNode | Literal]:
    """Objects of a predicate given as a CURIE of the prefix map (``dct:issued``) or a full IRI."""
    prefix = curie_or_iri.partition(":")[0]
    wanted = iri(curie_or_iri) if prefix in PREFIXES else curie_or_iri
    return [t.object for t in triples if t.predicate.value == wanted and not isinstance(t.object, BlankNode | Triple)]


def first(triples: Iterable[Triple], predicate: str) -> str | None:
    found = objects(triples, predicate)
    return found[0].value if found else None


# --- labels -----------------------------------------------------------------------------------------


def curie(resource: str) -> str:
    """``https://w3id.org/budgetlod/ontology#table`` -> ``bl:table`` (the longest matching namespace)."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if resource.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best and all(ch not in "/#" for ch in resource[len(PREFIXES[best]) :]):
        return f"{best}:{resource[len(PREFIXES[best]) :]}"
    return resource


LABELS_QUERY = """
SELECT ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(?p IN (skos:prefLabel, rdfs:label, foaf:name, dct:title) && isLiteral(?o))
}
"""  # VALUES ?s { … } goes first (Labels.prefetch); FILTER IN: 4x faster on Oxigraph than VALUES ?p
PREFETCH_CHUNK = 200  # resources a query


def _label_choice(literals: Iterable[tuple[str, Literal]]) -> dict[str, str]:
    """By language, the label of the first label property that has one (least text first when a property has
    several in one language, so that the choice does not depend on the store's order)."""
    by_property: dict[str, dict[str, str]] = {}
    for prop, literal in literals:
        found = by_property.setdefault(prop, {})
        key = literal.language or ""
        found[key] = min(found.get(key, literal.value), literal.value)
    return next((by_property[p] for p in LABEL_PROPERTIES if by_property.get(p)), {})


@dataclass
class Labels:
    """The labels of resources (``skos:prefLabel``, ``rdfs:label``, ``foaf:name``, ``dct:title``) by language,
    looked up once per page: one at a time, or many in one query (:meth:`prefetch`, which is what a remote store
    needs: one round trip instead of one per resource)."""

    store: QuadReader
    lang: str = "zh"
    _cache: dict[str, dict[str, str]] = field(default_factory=dict)

    def all(self, resource: str) -> dict[str, str]:
        if resource not in self._cache:
            try:
                node = NamedNode(resource)
            except ValueError:
                self._cache[resource] = {}
                return self._cache[resource]
            found: dict[str, str] = {}
            for prop in LABEL_PROPERTIES:
                quads = self.store.quads_for_pattern(node, NamedNode(prop), None, None)
                found = _label_choice((prop, q.object) for q in quads if isinstance(q.object, Literal))
                if found:
                    break  # the first label property that has one wins
            self._cache[resource] = found
        return self._cache[resource]

    def prefetch(self, resources: Iterable[str]) -> None:
        """Look up the labels of many resources at once (the IRIs written into the query by pyoxigraph)."""
        nodes: dict[str, NamedNode] = {}
        for resource in resources:
            if resource not in self._cache and resource not in nodes:
                try:
                    nodes[resource] = NamedNode(resource)
                except ValueError:
                    self._cache[resource] = {}
        pending = list(nodes.values())
        for start in range(0, len(pending), PREFETCH_CHUNK):
            chunk = pending[start : start + PREFETCH_CHUNK]
            values = "VALUES ?s { " + " ".join(str(node) for node in chunk) + " }\n"
            found: dict[str, list[tuple[str, Literal]]] = {node.value: [] for node in chunk}
            for row in select(self.store, LABELS_QUERY.replace("WHERE {\n", "WHERE {\n  " + values, 1), limit=10**6):
                subject, prop, obj = row["s"], row["p"], row["o"]
                if isinstance(subject, NamedNode) and isinstance(prop, NamedNode) and isinstance(obj, Literal):
                    found.setdefault(subject.value, []).append((prop.value, obj))
            for resource, literals in found.items():
                self._cache[resource] = _label_choice(literals)

    def get(self, resource: str, lang: str | None = None) -> str | None:
        found = self.all(resource)
        for key in (lang or self.lang, "zh", "en", ""):
            if key in found:
                return found[key]
        return None

    def text(self, resource: str, lang: str | None = None) -> str:
        """A label, else the CURIE, else the IRI."""
        return self.get(resource, lang) or curie(resource)


def pick(literals: Iterable[NamedNode | Literal], lang: str) -> str | None:
    """The literal in the wanted language, else Chinese, English, untagged."""
    by_lang: dict[str, str] = {}
    for term in literals:
        if isinstance(term, Literal):
            by_lang.setdefault(term.language or "", term.value)
    for key in (lang, "zh", "en", ""):
        if key in by_lang:
            return by_lang[key]
    return None


# --- figures ----------------------------------------------------------------------------------------


def amount(text: str) -> str:
    """An exact decimal with thousands separators and at least two decimals (never rounded):
    ``1487.4`` -> ``1,487.40``, ``0.125`` -> ``0.125``."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return format(number, ",f")
    return format(number, ",.2f")


def literal_text(term: Literal) -> str:
    return amount(term.value) if term.datatype.value == XSD_DECIMAL else term.value


def local_name(resource: str) -> str:
    return resource.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def year_of(resource: str | None) -> str:
    """``http://reference.data.gov.uk/id/year/2024`` -> ``2024``."""
    return local_name(resource) if resource else ""


def iter_terms(triples: Iterable[Triple]) -> Iterator[str]:
    """Every IRI a description mentions (predicates, objects)."""
    for t in triples:
        yield t.predicate.value
        if isinstance(t.object, NamedNode):
            yield t.object.value
