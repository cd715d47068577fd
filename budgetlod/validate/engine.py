"""The validate stage: SHACL (Core + SHACL-SPARQL) with pyshacl over an Oxigraph-backed graph.

The data graph is one disclosure's graph plus the ontology and the code lists,
all in the default graph of an in-memory Oxigraph store, seen by pyshacl through
oxrdflib: SPARQL-based constraints are then evaluated by Oxigraph (no rdflib
query parsing per focus node), and ``inplace=True`` spares a copy of the graph.
Measured in ``bench/validate_bench.py`` against a plain rdflib graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyshacl
import rdflib
from oxrdflib import OxigraphStore
from pyoxigraph import DefaultGraph, Quad, Store
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from budgetlod import resources
from budgetlod.rdf.vocabulary import vocabulary_quads

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
BL = rdflib.Namespace("https://w3id.org/budgetlod/ontology#")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result, with the source line found through the provenance locator."""

    severity: str  # violation | warning | info
    shape: str  # IRI of the source shape (the stable code of the rule)
    component: str  # IRI of the constraint component
    focus: str
    value: str | None
    path: str | None
    messages: dict[str, str]  # language ("zh", "en", "") -> message
    line: int | None

    def message(self, language: str = "zh") -> str:
        return self.messages.get(language) or self.messages.get("") or next(iter(self.messages.values()), "")


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ShapeResult] = field(default_factory=list)
    graph: rdflib.Graph | None = None  # the SHACL validation report graph

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)


class _ReadOnlyStore(OxigraphStore):
    """pyshacl asks the data graph's size for every result; the graph does not change while it
    validates, so the count (a full scan in Oxigraph) is taken once."""

    _size: int | None = None

    def __len__(self, context: rdflib.Graph | None = None) -> int:
        if self._size is None:
            self._size = super().__len__(context)
        return self._size


@cache
def shapes_graph(files: tuple[Path, ...] | None = None) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in files if files is not None else tuple(resources.shapes()):
        graph.parse(path, format="turtle")
    return graph


@cache
def _vocabulary() -> tuple[Quad, ...]:
    return tuple(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in vocabulary_quads())


def data_graph(quads: Iterable[Quad], *, vocabulary: bool = True) -> rdflib.Graph:
    """An rdflib graph over a fresh Oxigraph store holding the quads (graph names dropped)."""
    store = Store()
    store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    if vocabulary:
        store.extend(_vocabulary())
    # the store's default graph: rdflib's DATASET_DEFAULT_GRAPH_ID is what oxrdflib maps to it
    return rdflib.Graph(store=_ReadOnlyStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)


def validate_quads(
    quads: Iterable[Quad], *, shapes: tuple[Path, ...] | None = None, vocabulary: bool = True
) -> ValidationReport:
    return validate_graph(data_graph(quads, vocabulary=vocabulary), shapes=shapes)


@cache
def _memoize_query_checks() -> None:
    """pyshacl re-checks the text of every SPARQL constraint (MINUS, VALUES, SERVICE, nested SELECT …)
    with regular expressions each time it evaluates one, which costs more than running the query in
    Oxigraph. A text that passed the check passes it again: remember it (measured in
    bench/validate_bench.py). Applied once, when the first validation runs."""
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    original = SPARQLQueryHelper.check_invalid_sparql
    passed: set[tuple[str, bool, frozenset[str]]] = set()

    def check(self: Any, sparql_text: str, valuenode: Any = None, extravars: Any = None) -> Any:
        key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
        if key in passed:
            return None
        result = original(self, sparql_text, valuenode, extravars)  # type: ignore[no-untyped-call]
        passed.add(key)
        return result

    SPARQLQueryHelper.check_invalid_sparql = check  # type: ignore[method-assign]


def validate_graph(graph: rdflib.Graph, *, shapes: tuple[Path, ...] | None = None) -> ValidationReport:
    _memoize_query_checks()
    conforms, report, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph(shapes),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,
    )
    assert isinstance(report, rdflib.Graph)
    results = [_result(graph, report, node) for node in report.subjects(rdflib.RDF.type, SH.ValidationResult)]
    results.sort(key=lambda r: (r.line or 0, r.shape, r.focus, r.value or ""))
    return ValidationReport(conforms=bool(conforms), results=results, graph=report)


def _result(data: rdflib.Graph, report: rdflib.Graph, node: rdflib.term.Node) -> ShapeResult:
    def one(predicate: rdflib.URIRef) -> str | None:
        value = report.value(node, predicate)
        return str(value) if value is not None else None

    messages: dict[str, str] = {}
    for message in report.objects(node, SH.resultMessage):
        messages.setdefault(message_language(str(message)), str(message))
    focus = report.value(node, SH.focusNode)
    value = report.value(node, SH.value)
    return ShapeResult(
        severity=_severity(report.value(node, SH.resultSeverity)),
        shape=one(SH.sourceShape) or "",
        component=one(SH.sourceConstraintComponent) or "",
        focus=str(focus),
        value=str(value) if value is not None else None,
        path=one(SH.resultPath),
        messages=messages,
        line=_line(data, value) or _line(data, focus),
    )


def message_language(text: str) -> str:
    """pyshacl drops the language tag of a SPARQL-based message when it fills in the variables;
    by the convention of ``shapes/`` a Chinese message starts with a Chinese character and an
    English one with an ASCII character."""
    first = text.lstrip()[:1]
    return "zh" if (first and "\u3000" <= first <= "\u9fff") or first in "（“《" else "en"


def _line(data: rdflib.Graph, node: rdflib.term.Node | None) -> int | None:
    if not isinstance(node, rdflib.URIRef):
        return None
    line = data.value(node, BL.sourceLine)
    return int(str(line)) if isinstance(line, rdflib.Literal) else None


def _severity(node: rdflib.term.Node | None) -> str:
    return SEVERITIES.get(node, "violation") if isinstance(node, rdflib.URIRef) else "violation"
