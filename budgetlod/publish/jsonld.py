"""A disclosure as JSON-LD: the publication graph, framed as a readable tree, with the one context.

* :func:`publication_quads` / :func:`publication_triples_from_store`: the *publication graph* of a
  disclosure — its named graph plus the labels (``skos:prefLabel``, ``skos:notation``,
  ``skos:inScheme``) of every code concept it references, taken from the code lists.  Both the
  ``.ttl`` and the ``.jsonld`` of a disclosure hold exactly this graph.
* :func:`disclosure_document`: that graph framed with ``publish/frames/disclosure.jsonld`` —
  disclosure → tables → rows (observations) → dimensions with their labels — plus, under
  ``@included``, every node the tree does not embed, so that the document converts back to
  exactly the publication graph.
* :func:`document_loader`: pyld's document loader for every call made here.  It serves the
  project's own context for :data:`CONTEXT_IRI` from ``publish/context/`` and refuses every other
  URL: no JSON-LD operation of budgetlod makes a network request.  It is passed per call, never
  installed globally.

The expanded form is built here from the triples, grouped by subject (pyld's ``from_rdf`` takes
1.3 s on the sample, this some 0.05 s); :mod:`budgetlod.publish.framing` frames and compacts it in one
walk with pyld's answers (a fifth of pyld's time), and pyld itself, with a processor made faster for
budgetlod's large context (:class:`_Processor`), where that walk does not apply.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped]
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse

from budgetlod import resources
from budgetlod.prefixes import PREFIXES, iri
from budgetlod.publish import framing
from budgetlod.publish.context import CONTEXT_IRI
from budgetlod.publish.jsonout import dumps
from budgetlod.rdf.vocabulary import CODELIST_GRAPH, ONTOLOGY_GRAPH, vocabulary_quads
from budgetlod.store.base import QuadReader

__all__ = [
    "CONTEXT_IRI",
    "LABEL_PREDICATES",
    "RemoteDocumentRefused",
    "codelist_triples",
    "compact_document",
    "disclosure_document",
    "document_loader",
    "dumps",
    "expanded",
    "publication_parts_from_store",
    "publication_quads",
    "publication_triples_from_store",
    "to_triples",
]

JsonObject = dict[str, Any]
RDF_TYPE = iri("rdf:type")
XSD_STRING = iri("xsd:string")
CONCEPT = iri("skos:Concept")
DISCLOSURE = iri("bl:Disclosure")
LABEL_PREDICATES = (iri("skos:prefLabel"), iri("skos:notation"), iri("skos:inScheme"))
FRAME = "disclosure"


class RemoteDocumentRefused(RuntimeError):
    """A JSON-LD document or context other than budgetlod's own context was asked for."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"budgetlod loads no remote JSON-LD document: refused {url} "
            f"(the only context it loads is {CONTEXT_IRI}, from publish/context/)"
        )
        self.url = url


def document_loader(url: str, options: JsonObject | None = None) -> JsonObject:
    """pyld document loader: budgetlod's context for :data:`CONTEXT_IRI`; any other URL raises."""
    if url != CONTEXT_IRI:
        raise RemoteDocumentRefused(url)
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": resources.context(),
    }


class _Expanded(list[JsonObject]):
    """Expanded JSON-LD built by :func:`expanded`: already in the form pyld's expansion would give."""


class _Processor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, made fast for budgetlod's large context; its results are pyld's own.

    pyld compacts an IRI that no term matches (a node's ``@id``, a value coerced to ``@id``) by
    scanning every entry of the context, twice when no prefix fits, at every occurrence: with
    budgetlod's context of some 570 entries that was most of the framing time.  Two changes, for
    the calls in which no value takes part (``vocab`` off, or no value: the result then depends
    only on the active context, the IRI, ``vocab``, the base and ``reverse``):

    * one operation (one instance) remembers each result;
    * pyld is given a view of the active context whose term map holds only what the scan can
      select: the terms whose IRI begins the IRI being compacted, the terms that are themselves
      compact IRIs, and a term equal to the IRI's scheme (pyld's "IRI confused with prefix" check).
      The inverse context, looked up by the context's ``_uuid``, is made from the full context first.

    And :meth:`expand` returns :func:`expanded` output as it is (framing expands its input first).
    A test compares the framed document with stock pyld's.
    """

    def __init__(self) -> None:
        super().__init__()
        self._compacted: dict[tuple[Any, ...], Any] = {}
        self._indexes: dict[str, tuple[dict[str, list[str]], dict[str, Any]]] = {}

    def expand(self, input_: Any, options: JsonObject) -> Any:
        if isinstance(input_, _Expanded):
            return list(input_)
        return super().expand(input_, options)

    def _compact_iri(
        self,
        active_ctx: JsonObject,
        iri: str | None,
        value: Any = None,
        vocab: bool = False,
        base: str | None = None,
        reverse: bool = False,
    ) -> Any:
        if iri is None or (vocab and value is not None) or "_uuid" not in active_ctx or "@vocab" in active_ctx:
            return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        key = (active_ctx["_uuid"], iri, vocab, value is None, base, reverse)
        if key not in self._compacted:
            self._get_inverse_context(active_ctx)  # from the full context, before pyld sees the view
            view = {**active_ctx, "mappings": self._candidates(active_ctx, iri)}
            self._compacted[key] = super()._compact_iri(view, iri, value, vocab, base, reverse)
        return self._compacted[key]

    def _candidates(self, active_ctx: JsonObject, iri: str) -> dict[str, Any]:
        mappings = active_ctx["mappings"]
        index = self._indexes.get(active_ctx["_uuid"])
        if index is None:
            by_iri: dict[str, list[str]] = defaultdict(list)
            curies: dict[str, Any] = {}
            for term, definition in mappings.items():
                if ":" in term:
                    curies[term] = definition
                elif definition and definition.get("@id"):
                    by_iri[definition["@id"]].append(term)
            index = self._indexes[active_ctx["_uuid"]] = (by_iri, curies)
        by_iri, curies = index
        view = dict(curies)
        for end in range(1, len(iri) + 1):
            for term in by_iri.get(iri[:end], ()):
                view[term] = mappings[term]
        scheme = iri.partition(":")[0]
        if scheme in mappings:
            view[scheme] = mappings[scheme]
        return view


@contextmanager
def _refusals() -> Iterator[None]:
    """Re-raise a refused remote document as :class:`RemoteDocumentRefused` (pyld wraps it in its errors)."""
    try:
        yield
    except jsonld.JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, RemoteDocumentRefused):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise RemoteDocumentRefused(cause.url) from exc
        raise


def _options(**extra: Any) -> JsonObject:
    return {"documentLoader": document_loader, "processingMode": "json-ld-1.1", **extra}


# ---------------------------------------------------------------------------- the publication graph


def _triples(statements: Iterable[Quad | Triple]) -> list[Triple]:
    return list(dict.fromkeys(s.triple if isinstance(s, Quad) else s for s in statements))


def _referenced(triples: Iterable[Triple]) -> set[str]:
    """Every IRI a graph mentions as subject or object (not as a class)."""
    found: set[str] = set()
    for t in triples:
        if isinstance(t.subject, NamedNode):
            found.add(t.subject.value)
        if isinstance(t.object, NamedNode) and t.predicate.value != RDF_TYPE:
            found.add(t.object.value)
    return found


def _labels(referenced: set[str], about: Callable[[str], Iterable[Triple]]) -> list[Triple]:
    """The label triples of those referenced IRIs that are code concepts (``about`` gives what is known of one)."""
    out: list[Triple] = []
    for value in sorted(referenced):
        known = list(about(value))
        if any(t.predicate.value == RDF_TYPE and t.object == NamedNode(CONCEPT) for t in known):
            out += [t for t in known if t.predicate.value in LABEL_PREDICATES]
    return out


def _index(triples: Iterable[Triple]) -> dict[str, tuple[Triple, ...]]:
    """Triples by subject IRI."""
    index: dict[str, list[Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, NamedNode):
            index[t.subject.value].append(t)
    return {s: tuple(ts) for s, ts in index.items()}


@cache
def _codelist_index() -> dict[str, tuple[Triple, ...]]:
    return _index(q.triple for q in vocabulary_quads())


def codelist_triples() -> list[Triple]:
    """The triples of the code lists and of the ontology's declared concepts (budget phase, currency …)."""
    return [t for ts in _codelist_index().values() for t in ts]


def publication_quads(quads: Iterable[Quad | Triple], codelist: Iterable[Triple] | None = None) -> list[Triple]:
    """The publication graph: the disclosure's triples plus the labels of the code concepts it references.

    ``codelist``: the code list triples (default :func:`codelist_triples`); of those, only the
    ``skos:prefLabel``, ``skos:notation`` and ``skos:inScheme`` of referenced ``skos:Concept`` s are taken.
    """
    triples = _triples(quads)
    index: dict[str, tuple[Triple, ...]] = _codelist_index() if codelist is None else _index(codelist)
    labels = _labels(_referenced(triples), lambda s: index.get(s, ()))
    return list(dict.fromkeys(triples + labels))


def publication_triples_from_store(store: QuadReader, disclosure_iri: str) -> list[Triple]:
    """The publication graph of a disclosure held in the store: ``GRAPH <disclosure_iri>`` plus the
    labels of its code concepts from the code list graph (and the ontology graph's concepts).

    Raises :class:`LookupError` when the store has no such graph, or its graph has no ``bl:Disclosure`` of that IRI.
    """
    own, labels = publication_parts_from_store(store, disclosure_iri)
    return list(dict.fromkeys(own + labels))


def publication_parts_from_store(store: QuadReader, disclosure_iri: str) -> tuple[list[Triple], list[Triple]]:
    """:func:`publication_triples_from_store` in its two parts, read once: the triples of the disclosure's
    graph, and the label triples of its code concepts (some may also be in the graph)."""
    graph = NamedNode(disclosure_iri)
    if not any(store.quads_for_pattern(graph, NamedNode(RDF_TYPE), NamedNode(DISCLOSURE), graph)):
        raise LookupError(f"no disclosure <{disclosure_iri}> in the store")
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    vocab = (NamedNode(CODELIST_GRAPH), NamedNode(ONTOLOGY_GRAPH))

    def about(value: str) -> list[Triple]:
        node = NamedNode(value)
        return [q.triple for g in vocab for q in store.quads_for_pattern(node, None, None, g)]

    return triples, _labels(_referenced(triples), about)


# ---------------------------------------------------------------------------- RDF -> expanded JSON-LD


def _node_id(term: NamedNode | BlankNode) -> str:
    return term.value if isinstance(term, NamedNode) else f"_:{term.value}"


def _value(term: NamedNode | BlankNode | Literal) -> JsonObject:
    if not isinstance(term, Literal):
        return {"@id": _node_id(term)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def _sort_key(value: JsonObject) -> tuple[str, str, str]:
    if "@id" in value:
        return ("0", value["@id"], "")
    return ("1", value["@value"], value.get("@type") or value.get("@language") or "")


def expanded(statements: Iterable[Quad | Triple]) -> list[JsonObject]:
    """Expanded JSON-LD (one node object a subject, sorted) of the triples; graph names are ignored.

    Literals keep their lexical form as a string ``@value`` with ``@type`` or ``@language``, so an
    amount ``"1487.40"^^xsd:decimal`` stays ``"1487.40"``; ``rdf:type`` becomes ``@type``.
    """
    nodes: dict[str, dict[str, list[Any]]] = {}
    for t in _triples(statements):
        subject, obj = t.subject, t.object
        if isinstance(subject, Triple) or isinstance(obj, Triple):
            raise ValueError(f"quoted triples (RDF-star) have no JSON-LD form: {t}")
        properties = nodes.setdefault(_node_id(subject), {})
        if t.predicate.value == RDF_TYPE and not isinstance(obj, Literal):
            properties.setdefault("@type", []).append(_node_id(obj))
        else:
            properties.setdefault(t.predicate.value, []).append(_value(obj))
    out = _Expanded()
    for subject_id in sorted(nodes):
        node: JsonObject = {"@id": subject_id}
        for key in sorted(nodes[subject_id]):
            values = nodes[subject_id][key]
            node[key] = sorted(values) if key == "@type" else sorted(values, key=_sort_key)
        out.append(node)
    return out


# ---------------------------------------------------------------------------- documents


def _context_value(embed_context: bool) -> str | JsonObject:
    return resources.context()["@context"] if embed_context else CONTEXT_IRI


def _expand_curie(value: str) -> str:
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def _embedded_ids(tree: Any, found: set[str]) -> set[str]:
    """The ids of the nodes described (not merely referenced) anywhere in a compacted tree."""
    if isinstance(tree, list):
        for item in tree:
            _embedded_ids(item, found)
    elif isinstance(tree, dict):
        if "@id" in tree and any(k not in ("@id", "@context") for k in tree) and "@value" not in tree:
            found.add(_expand_curie(tree["@id"]))
        for key, value in tree.items():
            if key != "@context":
                _embedded_ids(value, found)
    return found


def _compact_nodes(nodes: list[JsonObject], processor: Callable[[], Any]) -> list[JsonObject]:
    if not nodes:
        return []
    result: JsonObject = processor().compact(nodes, CONTEXT_IRI, _options(skipExpansion=True, graph=True))
    return list(result["@graph"])


def disclosure_document(quads: Iterable[Quad | Triple], *, embed_context: bool = False) -> JsonObject:
    """The framed JSON-LD document of a disclosure's publication graph (see :func:`publication_quads`).

    The tree: the ``Disclosure``, its ``table`` s, each table's rows (``observations``, the reverse
    of ``qb:dataSet``) with every dimension embedded with its labels; nodes the tree does not
    embed are under ``@included``.  ``@context`` is :data:`CONTEXT_IRI`, or the context object
    itself with ``embed_context``.  Raises :class:`ValueError` when the graph has no disclosure.

    Framed by :func:`budgetlod.publish.framing.frame` (pyld's algorithm and pyld's answers, without its
    generic passes: about a tenth of the time); by pyld itself where that does not apply.
    """
    nodes = expanded(quads)
    if not any(DISCLOSURE in node.get("@type", ()) for node in nodes):
        raise ValueError("the graph has no bl:Disclosure to frame")
    if any(node["@id"].startswith("_:") for node in nodes):
        raise ValueError("the graph has blank nodes: framing would rename them (budgetlod mints an IRI for every node)")
    doc = _framed_directly(nodes)
    if doc is None:
        doc = _framed(nodes, _Processor)
    doc["@context"] = _context_value(embed_context)
    return doc


def _frame_document() -> JsonObject:
    try:
        frame: JsonObject = json.loads(resources.frame(FRAME).read_bytes())
    except (OSError, ValueError) as exc:
        raise resources.ResourceError(f"{resources.frame(FRAME)}: {exc}") from exc
    return frame


def _framed(nodes: list[JsonObject], processor: Callable[[], Any]) -> JsonObject:
    """Frame with ``processor()`` (a pyld processor), then add the nodes the tree leaves out under ``@included``."""
    with _refusals():
        framed: JsonObject = processor().frame(nodes, _frame_document(), _options(omitGraph=True))
        embedded = _embedded_ids(framed, set())
        rest = [node for node in nodes if node["@id"] not in embedded]
        included = _compact_nodes(rest, processor)
    if included:
        framed["@included"] = included
    return framed


def _compaction_options() -> JsonObject:
    """The options pyld's ``compact`` (as ``frame`` calls it) works with."""
    return _options(
        base="",
        compactArrays=True,
        contextResolver=jsonld.ContextResolver(jsonld._resolved_context_cache, document_loader),
        extractAllScripts=False,
        link=False,
    )


@cache
def _direct() -> tuple[framing.Compactor, JsonObject] | None:
    """The compactor (pyld's active context for the context) and the expanded frame, once a process;
    None when :mod:`budgetlod.publish.framing` cannot frame with them (pyld then does)."""
    processor = _Processor()
    options = _compaction_options()
    with _refusals():
        active = processor.process_context(processor._get_initial_context(options), CONTEXT_IRI, options)
        frames = processor.expand(_frame_document(), {**options, "isFrame": True, "keepFreeFloatingNodes": True})
    try:
        if len(frames) != 1:
            raise framing.Unsupported("a frame that is not one object")
        framing.check_frame(frames[0])
        return framing.Compactor(processor, active, options), frames[0]
    except framing.Unsupported:
        return None


def _framed_directly(nodes: list[JsonObject]) -> JsonObject | None:
    """:func:`_framed`'s document built by :func:`budgetlod.publish.framing.frame`; None where it does not apply."""
    direct = _direct()
    if direct is None:
        return None
    compactor = direct[0].fresh(_Processor())
    try:
        framed, ids = framing.frame(nodes, direct[1], compactor)
        embedded = {_expand_curie(i) for i in ids}
        included = framing.compact_nodes([node for node in nodes if node["@id"] not in embedded], compactor)
    except framing.Unsupported:
        return None
    if included:
        framed["@included"] = included
    return framed


def compact_document(quads: Iterable[Quad | Triple], *, embed_context: bool = False) -> JsonObject:
    """Any graph compacted with the context, not framed: ``@graph`` holds one node object a subject (even one)."""
    with _refusals():
        doc: JsonObject = _Processor().compact(expanded(quads), CONTEXT_IRI, _options(skipExpansion=True, graph=True))
    doc["@context"] = _context_value(embed_context)
    return doc


def to_triples(doc: JsonObject) -> list[Triple]:
    """The RDF of a JSON-LD document by pyld (with :func:`document_loader`), as triples (graphs ignored)."""
    with _refusals():
        nquads: str = jsonld.to_rdf(doc, _options(format="application/n-quads"))
    return _triples(parse(nquads.encode("utf-8"), format=RdfFormat.N_QUADS))
