"""Direct SHACL: the shapes of ``shapes/`` evaluated on pyoxigraph without pyshacl (bulk ingest's validator).

pyshacl (:mod:`budgetlod.validate.engine`) is the reference engine and gives the SHACL report graph.
Per disclosure it spends about as much time in its own bookkeeping (rdflib terms made from every Oxigraph
answer, Core constraints one graph look-up at a time, a fresh data graph with the ontology and code lists
copied in) as Oxigraph spends running the SPARQL constraints. This module compiles the shapes graph once
into a small program and runs it straight on an Oxigraph store that keeps the vocabulary loaded between
documents: Core constraints are a few pattern look-ups per focus node in Python, SPARQL-based constraints
are one Oxigraph query per focus node with ``$this`` substituted (SEP-0007 pre-binding, as pyshacl does).

Only the subset of SHACL the shapes use is compiled — property shapes with ``sh:targetClass``, a predicate
``sh:path`` and ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:class``, ``sh:in``,
``sh:nodeKind``, ``sh:qualifiedValueShape`` (``sh:languageIn``) with ``sh:qualifiedMinCount``; node
shapes with ``sh:targetClass`` and ``sh:sparql`` SELECT constraints — and anything else raises
:class:`Unsupported` (callers then use pyshacl). The results are pyshacl's, field for field: the same
focus nodes, values, paths, components, severities, messages (filled in the way pyshacl fills them) and
source lines; ``tests/test_validate_direct.py`` compares the two engines on every shape example.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, Variable, serialize

from budgetlod.prefixes import XSD
from budgetlod.validate.engine import SEVERITIES, ShapeResult, ValidationReport, message_language, shapes_graph

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = NamedNode(str(rdflib.RDF.type))
SUBCLASS = NamedNode(str(rdflib.RDFS.subClassOf))
SOURCE_LINE = NamedNode("https://w3id.org/budgetlod/ontology#sourceLine")
DEFAULT = DefaultGraph()
THIS = re.compile(r"\$this\b")
UNSUPPORTED_VARIABLES = re.compile(r"\$(PATH|value|currentShape|shapesGraph)\b")

SHAPE_KEYS = {str(SH[k]) for k in ("severity", "message", "targetClass", "deactivated", "name", "description",
                                   "order", "group")}
CORE_KEYS = {str(SH[k]) for k in ("path", "minCount", "maxCount", "datatype", "class", "in", "nodeKind",
                                  "qualifiedValueShape", "qualifiedMinCount")}
OTHER_KEYS = {str(rdflib.RDF.type), str(rdflib.RDFS.label), str(rdflib.RDFS.comment)}


class Unsupported(ValueError):
    """The shapes use a SHACL feature this evaluator does not implement (use pyshacl)."""


@dataclass(frozen=True)
class CoreShape:
    """A property shape: constraints on the values of one predicate of every instance of its classes."""

    iri: str
    severity: str
    targets: tuple[str, ...]
    path: str
    messages: tuple[str, ...]
    min_count: int | None = None
    max_count: int | None = None
    datatype: str | None = None
    classes: tuple[str, ...] = ()
    allowed: frozenset[rdflib.term.Node] | None = None  # sh:in, as rdflib terms (compared as pyshacl does)
    node_kind: str | None = None
    languages: frozenset[str] | None = None  # the qualified value shape's sh:languageIn, lower case
    qualified_min: int | None = None


@dataclass(frozen=True)
class SparqlShape:
    """A node shape with one SPARQL SELECT constraint, run once per focus node."""

    iri: str
    severity: str
    targets: tuple[str, ...]
    constraint: str
    query: str
    prefixes: dict[str, str]
    messages: tuple[str, ...]  # the shape's then the constraint's, templates with {?var}
    binds_this: bool


@dataclass(frozen=True)
class Program:
    core: tuple[CoreShape, ...]
    sparql: tuple[SparqlShape, ...]


# --------------------------------------------------------------------------------------------------------
# Compiling the shapes graph.


def _int(graph: rdflib.Graph, node: rdflib.term.Node, key: str) -> int | None:
    value = graph.value(node, SH[key])
    return None if value is None else int(str(value))


def _messages(graph: rdflib.Graph, node: rdflib.term.Node) -> tuple[str, ...]:
    return tuple(str(m) for m in graph.objects(node, SH.message) if isinstance(m, rdflib.Literal))


def _check_keys(graph: rdflib.Graph, node: rdflib.term.Node, allowed: set[str]) -> None:
    extra = {str(p) for p in graph.predicates(node, None)} - allowed
    if extra:
        raise Unsupported(f"{node}: {', '.join(sorted(extra))}")


def _prefixes(graph: rdflib.Graph, constraint: rdflib.term.Node) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for source in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(source, SH.declare):
            prefixes[str(graph.value(declaration, SH.prefix))] = str(graph.value(declaration, SH.namespace))
    return prefixes


def _severity(graph: rdflib.Graph, shape: rdflib.term.Node) -> str:
    node = graph.value(shape, SH.severity)
    return SEVERITIES.get(node, "violation") if isinstance(node, rdflib.URIRef) else "violation"


def compile_shapes(graph: rdflib.Graph) -> Program:
    """The shapes as a program; raises :class:`Unsupported` for a feature outside the subset."""
    shapes = set(graph.subjects(rdflib.RDF.type, SH.NodeShape)) | set(graph.subjects(rdflib.RDF.type, SH.PropertyShape))
    for key in ("targetNode", "targetSubjectsOf", "targetObjectsOf", "target", "property", "node"):
        if any(True for _ in graph.subject_objects(SH[key])):
            raise Unsupported(f"sh:{key}")
    targeted = set(graph.subjects(SH.targetClass, None))
    core: list[CoreShape] = []
    sparql: list[SparqlShape] = []
    for shape in sorted(shapes | targeted, key=str):
        if isinstance(shape, rdflib.BNode) and shape not in targeted:
            continue  # a qualified value shape, compiled with its property shape
        if rdflib.RDFS.Class in set(graph.objects(shape, rdflib.RDF.type)):
            raise Unsupported(f"{shape}: implicit class target")
        if str(graph.value(shape, SH.deactivated)) == "true":
            continue
        targets = tuple(sorted(str(t) for t in graph.objects(shape, SH.targetClass)))
        severity = _severity(graph, shape)
        if (shape, SH.path, None) in graph:
            _check_keys(graph, shape, SHAPE_KEYS | CORE_KEYS | OTHER_KEYS)
            core.append(_core(graph, shape, targets, severity))
        else:
            _check_keys(graph, shape, SHAPE_KEYS | OTHER_KEYS | {str(SH.sparql)})
            for constraint in graph.objects(shape, SH.sparql):
                _check_keys(graph, constraint, {str(SH[k]) for k in ("select", "prefixes", "message", "deactivated")}
                            | OTHER_KEYS)
                if str(graph.value(constraint, SH.deactivated)) == "true":
                    continue
                query = str(graph.value(constraint, SH.select))
                if UNSUPPORTED_VARIABLES.search(query):
                    raise Unsupported(f"{shape}: pre-bound variables other than $this")
                own = _messages(graph, shape)
                messages = own + tuple(m for m in _messages(graph, constraint) if m not in own)
                sparql.append(SparqlShape(str(shape), severity, targets, str(constraint), query,
                                          _prefixes(graph, constraint), messages, bool(THIS.search(query))))
    return Program(tuple(core), tuple(sparql))


def _core(graph: rdflib.Graph, shape: rdflib.term.Node, targets: tuple[str, ...], severity: str) -> CoreShape:
    path = graph.value(shape, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise Unsupported(f"{shape}: a path other than a predicate")
    allowed = None
    members = graph.value(shape, SH["in"])
    if members is not None:
        allowed = frozenset(rdflib.collection.Collection(graph, members))
    languages = None
    qualified = graph.value(shape, SH.qualifiedValueShape)
    if qualified is not None:
        _check_keys(graph, qualified, {str(SH.languageIn)} | OTHER_KEYS)
        tags = graph.value(qualified, SH.languageIn)
        if tags is None:
            raise Unsupported(f"{shape}: a qualified value shape without sh:languageIn")
        languages = frozenset(str(t).lower() for t in rdflib.collection.Collection(graph, tags))
    datatype = graph.value(shape, SH.datatype)
    kind = graph.value(shape, SH.nodeKind)
    return CoreShape(
        iri=str(shape),
        severity=severity,
        targets=targets,
        path=str(path),
        messages=_messages(graph, shape),
        min_count=_int(graph, shape, "minCount"),
        max_count=_int(graph, shape, "maxCount"),
        datatype=None if datatype is None else str(datatype),
        classes=tuple(sorted(str(c) for c in graph.objects(shape, SH["class"]))),
        allowed=allowed,
        node_kind=None if kind is None else str(kind),
        languages=languages,
        qualified_min=_int(graph, shape, "qualifiedMinCount"),
    )


@cache
def program(files: tuple[Path, ...] | None = None) -> Program:
    return compile_shapes(shapes_graph(files))


# --------------------------------------------------------------------------------------------------------
# Terms as pyshacl sees them (through oxrdflib), for values, messages and comparisons.


Term = NamedNode | BlankNode | Literal


def rdflib_term(term: Any) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise ValueError(f"unexpected term {term!r}")


PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    XSD + "string": (str, bytes),
    str(rdflib.RDF.langString): (str, bytes),
    XSD + "integer": int,
    XSD + "float": float,
    XSD + "decimal": Decimal,
    XSD + "boolean": bool,
    XSD + "date": date,
    XSD + "dateTime": datetime,
    XSD + "time": time,
}


CERTAIN = {  # lexical forms rdflib certainly reads as a value of the datatype's Python type
    XSD + "decimal": re.compile(r"[+-]?[0-9]+(\.[0-9]+)?"),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
}


def datatype_matches(value: Term, rule: str) -> bool:
    """pyshacl's sh:datatype test (DatatypeConstraintComponent), with rdflib's reading of the literal."""
    if not isinstance(value, Literal):
        return False
    certain = CERTAIN.get(rule)
    if certain is not None and value.datatype.value == rule and certain.fullmatch(value.value):
        return True
    literal = rdflib_term(value)
    assert isinstance(literal, rdflib.Literal)
    if literal.language:
        return rule == str(rdflib.RDF.langString) and _python_type(literal, rule)
    datatype = str(literal.datatype) if literal.datatype is not None else None
    if datatype == rule:
        return not getattr(literal, "ill_typed", False) and _python_type(literal, rule)
    return rule == str(rdflib.RDFS.Literal) or (rule == str(rdflib.RDFS.Datatype) and datatype is not None)


def _python_type(literal: rdflib.Literal, rule: str) -> bool:
    expected = PYTHON_TYPES.get(rule)
    if expected is None:
        return True  # pyshacl accepts other datatypes on their IRI alone
    value = literal.value
    if expected is int and isinstance(value, bool):
        return False
    return isinstance(value, expected)


def node_kind_matches(value: Term, rule: str) -> bool:
    name = rule.rsplit("#", 1)[-1]
    if isinstance(value, BlankNode):
        return name in ("BlankNode", "BlankNodeOrLiteral", "BlankNodeOrIRI")
    if isinstance(value, Literal):
        return name in ("Literal", "BlankNodeOrLiteral", "IRIOrLiteral")
    return name in ("IRI", "IRIOrLiteral", "BlankNodeOrIRI")


def language_matches(value: Term, languages: frozenset[str]) -> bool:
    if not isinstance(value, Literal) or not value.language:
        return False
    tag = value.language.lower()
    return "*" in languages or tag in languages or tag.split("-")[0] in languages


def fill(message: str, bound: dict[str, rdflib.term.Node]) -> str:
    """pyshacl's filling of ``{?var}`` / ``{$var}`` (the value's ``str`` as a ``re.sub`` replacement)."""
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


# --------------------------------------------------------------------------------------------------------
# Running the program.


class DirectValidator:
    """Validates one disclosure at a time: a fresh in-memory store per document (Oxigraph keeps removed
    quads as versions, so a store reused across documents gets slower with each), the vocabulary copied
    in from quads made once, the data loaded into the default graph from N-Triples."""

    def __init__(self, prog: Program, vocabulary: Iterable[Quad]) -> None:
        self.program = prog
        self.vocabulary = [Quad(q.subject, q.predicate, q.object, DEFAULT) for q in vocabulary]

    def validate(self, quads: Sequence[Quad]) -> ValidationReport:
        """The quads' graph names are ignored: they are validated as one graph, with the vocabulary."""
        return self.validate_ntriples(ntriples(quads))

    def validate_ntriples(self, data: bytes) -> ValidationReport:
        store = Store()
        store.extend(self.vocabulary)
        store.load(data, format=RdfFormat.N_TRIPLES, lenient=True)
        results = _Run(store).results(self.program)
        results.sort(key=lambda r: (r.line or 0, r.shape, r.focus, r.value or ""))
        conforms = not any(r.severity == "violation" for r in results)  # pyshacl with allow_warnings
        return ValidationReport(conforms=conforms, results=results, graph=None)


def ntriples(quads: Sequence[Quad], nquads: bytes | None = None) -> bytes:
    """The quads as N-Triples (graph names dropped). When they are all in one named graph, from their
    N-Quads (given, or serialised here): cheaper than making a triple object of every quad."""
    names = {q.graph_name for q in quads}
    if len(names) == 1:
        (graph,) = names
        if isinstance(graph, NamedNode):
            data = nquads if nquads is not None else serialize(quads, format=RdfFormat.N_QUADS) or b""
            return strip_graph(data, graph.value)
    return serialize([q.triple for q in quads], format=RdfFormat.N_TRIPLES) or b""


def strip_graph(nquads: bytes, graph: str) -> bytes:
    """N-Quads of one named graph as N-Triples: the graph name cut from the end of every line. An N-Quads
    line ends with `` <graph> .`` and holds no other line break (N-Quads escapes them in literals)."""
    return nquads.replace(f" <{graph}> .\n".encode(), b" .\n")


class _Run:
    """One validation: the store's default graph (vocabulary) and the data graph, seen as one graph."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._instances: dict[str, set[Term]] = {}
        self._supers: dict[Term, set[Term]] = {}

    def objects(self, subject: Term, predicate: NamedNode) -> set[Term]:
        if isinstance(subject, Literal):
            return set()
        return {q.object for q in self.store.quads_for_pattern(subject, predicate, None, DEFAULT)}  # type: ignore[misc]

    def subclasses(self, cls: NamedNode) -> set[Term]:
        found: set[Term] = {cls}
        todo = [cls]
        while todo:
            for q in self.store.quads_for_pattern(None, SUBCLASS, todo.pop(), DEFAULT):
                if q.subject not in found:
                    found.add(q.subject)  # type: ignore[arg-type]
                    todo.append(q.subject)  # type: ignore[arg-type]
        return found

    def superclasses(self, cls: Term) -> set[Term]:
        if cls not in self._supers:
            found: set[Term] = {cls}
            todo = [cls]
            while todo:
                for superclass in self.objects(todo.pop(), SUBCLASS):
                    if superclass not in found:
                        found.add(superclass)
                        todo.append(superclass)
            self._supers[cls] = found
        return self._supers[cls]

    def instances(self, targets: tuple[str, ...]) -> set[Term]:
        found: set[Term] = set()
        for target in targets:
            if target not in self._instances:
                members: set[Term] = set()
                for cls in self.subclasses(NamedNode(target)):
                    members.update(q.subject for q in self.store.quads_for_pattern(None, RDF_TYPE, cls, DEFAULT))  # type: ignore[misc]
                self._instances[target] = members
            found |= self._instances[target]
        return found

    def is_instance(self, value: Term, cls: NamedNode) -> bool:
        if isinstance(value, Literal):
            return False
        return any(cls in self.superclasses(t) for t in self.objects(value, RDF_TYPE))

    def line(self, node: rdflib.term.Node | None) -> int | None:
        """The node's bl:sourceLine (pyshacl's engine reads it the same way: an IRI's first one)."""
        if not isinstance(node, rdflib.URIRef):
            return None
        for q in self.store.quads_for_pattern(NamedNode(str(node)), SOURCE_LINE, None, DEFAULT):
            return int(q.object.value) if isinstance(q.object, Literal) else None
        return None

    def result(self, shape: CoreShape | SparqlShape, component: str, focus: rdflib.term.Node,
               value: rdflib.term.Node | None, path: rdflib.term.Node | None, messages: Iterable[str]) -> ShapeResult:
        by_language: dict[str, str] = {}
        for message in messages:
            by_language.setdefault(message_language(message), message)
        return ShapeResult(
            severity=shape.severity,
            shape=shape.iri,
            component=str(SH[component]),
            focus=str(focus),
            value=None if value is None else str(value),
            path=None if path is None else str(path),
            messages=by_language,
            line=self.line(value) or self.line(focus),
        )

    def results(self, prog: Program) -> list[ShapeResult]:
        found: list[ShapeResult] = []
        for core in prog.core:
            found += self.core(core)
        for shape in prog.sparql:
            found += self.sparql(shape)
        return found

    def values(self, predicate: NamedNode, focus: set[Term]) -> dict[Term, set[Term]]:
        """The objects of ``predicate`` for each focus node: one look-up per node for a few nodes, else one
        scan of the predicate (observations: hundreds of nodes, few other subjects per predicate)."""
        found: dict[Term, set[Term]] = {f: set() for f in focus}
        if len(focus) <= 8:
            for node in focus:
                found[node] = self.objects(node, predicate)
        else:
            for q in self.store.quads_for_pattern(None, predicate, None, DEFAULT):
                bucket = found.get(q.subject)  # type: ignore[arg-type]
                if bucket is not None:
                    bucket.add(q.object)  # type: ignore[arg-type]
        return found

    def core(self, shape: CoreShape) -> Iterator[ShapeResult]:
        path = rdflib.URIRef(shape.path)

        def result(component: str, focus: Term, value: Term | None = None) -> ShapeResult:
            return self.result(shape, component, rdflib_term(focus), None if value is None else rdflib_term(value),
                               path, shape.messages)

        for focus, values in self.values(NamedNode(shape.path), self.instances(shape.targets)).items():
            if shape.min_count is not None and len(values) < shape.min_count:
                yield result("MinCountConstraintComponent", focus)
            if shape.max_count is not None and len(values) > shape.max_count:
                yield result("MaxCountConstraintComponent", focus)
            for value in values:
                if shape.datatype is not None and not datatype_matches(value, shape.datatype):
                    yield result("DatatypeConstraintComponent", focus, value)
                for cls in shape.classes:
                    if not self.is_instance(value, NamedNode(cls)):
                        yield result("ClassConstraintComponent", focus, value)
                if shape.allowed is not None and rdflib_term(value) not in shape.allowed:
                    yield result("InConstraintComponent", focus, value)
                if shape.node_kind is not None and not node_kind_matches(value, shape.node_kind):
                    yield result("NodeKindConstraintComponent", focus, value)
            if shape.languages is not None and shape.qualified_min is not None:
                conforming = sum(1 for v in values if language_matches(v, shape.languages))
                if conforming < shape.qualified_min:
                    yield result("QualifiedMinCountConstraintComponent", focus)

    def sparql(self, shape: SparqlShape) -> Iterator[ShapeResult]:
        for focus in self.instances(shape.targets):
            substitutions = {Variable("this"): focus} if shape.binds_this else {}
            solutions = self.store.query(shape.query, prefixes=shape.prefixes, substitutions=substitutions)  # type: ignore[arg-type]
            names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
            rows = [{n: rdflib_term(s[n]) for n in names if s[n] is not None} for s in solutions]  # type: ignore[union-attr]
            yield from self._sparql_results(shape, focus, rows)

    def _sparql_results(self, shape: SparqlShape, focus: Term, rows: list[dict[str, rdflib.term.Node]]
                        ) -> Iterator[ShapeResult]:
        """pyshacl's reading of the solutions (``_validate_sparql_query`` and ``make_v_result``)."""
        focus_term = rdflib_term(focus)
        seen: list[tuple[Any, ...]] = []
        failed = False
        for row in rows:
            if row.pop("failure", None) is not None:
                if not failed:
                    failed = True
                    bound = dict(row)
                    yield self.result(shape, "SPARQLConstraintComponent", focus_term, focus_term, None,
                                      [fill(m, bound) for m in shape.messages])
                continue
            p, v, t = row.pop("path", None), row.pop("value", None), row.pop("this", None)
            if p is None and v is None and t is None:
                continue
            key = (t, p, v, row)
            if key in seen:
                continue
            seen.append(key)
            value = v if v is not None else focus_term
            bound = dict(row)
            for name, term in (("this", t), ("path", p), ("value", value)):
                if term is not None:
                    bound[name] = term
            node = t if t is not None else focus_term
            yield self.result(shape, "SPARQLConstraintComponent", node, value, p,
                              [fill(m, bound) for m in shape.messages])


@cache
def validator() -> DirectValidator:
    """This process's validator (the shapes compiled and the vocabulary loaded once)."""
    from budgetlod.validate.engine import _vocabulary

    return DirectValidator(program(), _vocabulary())


def validate_direct(quads: Sequence[Quad]) -> ValidationReport:
    """Validate with the direct evaluator (raises :class:`Unsupported` if the shapes need pyshacl)."""
    return validator().validate(quads)
