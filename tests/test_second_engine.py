"""A second, independent SHACL engine agrees with pyshacl on the Core shapes.

The Core shapes of ``shapes/structure.ttl`` and ``shapes/codelists.ttl`` (every shape without ``sh:sparql``,
and what only those shapes use) are run by pyshacl (through ``budgetlod.validate.engine``) and by
rdf-validate-shacl on Node.js (``tests/node/validate.mjs``; install with ``cd tests/node && npm ci``) on the
same data graph — a converted disclosure plus the ontology and code lists — for the sample and three mutated
documents. The two must agree on conformance, on the set of focus nodes of the results and on each result's
focus node, shape and severity.

Skipped, with the reason, only where ``node`` or ``tests/node/node_modules`` is missing.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import rdflib
from paths import SAMPLE
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple, serialize
from tools import require

from budgetlod import resources
from budgetlod.parse.document import parse_text
from budgetlod.prefixes import iri
from budgetlod.rdf.graph import to_quads
from budgetlod.rdf.vocabulary import vocabulary_quads
from budgetlod.testing.corpus import generate
from budgetlod.validate.engine import validate_quads

NODE_DIR = Path(__file__).resolve().parent / "node"
SCRIPT = NODE_DIR / "validate.mjs"
SHAPE_FILES = ("structure.ttl", "codelists.ttl")
SH = rdflib.Namespace(iri("sh:"))

Edit = Callable[[list[Quad]], list[Quad]]


@dataclass(frozen=True)
class Outcome:
    conforms: bool
    focus_nodes: list[str]
    results: list[tuple[str, str, str]]  # (focus node, source shape, severity IRI)


@cache
def core_shapes() -> str:
    """The shapes files without their SHACL-SPARQL shapes, as Turtle."""
    graph = rdflib.Graph()
    for path in resources.shapes():
        if path.name in SHAPE_FILES:
            graph.parse(path, format="turtle")
    sparql_shapes = set(graph.subjects(SH.sparql, None))
    # drop each SPARQL shape with the blank nodes it owns, then what only those used (prefix declarations)
    todo: list[rdflib.term.Node] = list(sparql_shapes)
    dropped: set[rdflib.term.Node] = set()
    while todo:
        node = todo.pop()
        if node in dropped:
            continue
        dropped.add(node)
        for _, _, obj in list(graph.triples((node, None, None))):
            if isinstance(obj, rdflib.BNode):
                todo.append(obj)
        graph.remove((node, None, None))
    for declaring in set(graph.subjects(SH.declare, None)):
        if not any(graph.subjects(None, declaring)):
            for _, _, obj in list(graph.triples((declaring, SH.declare, None))):
                graph.remove((obj, None, None))
            graph.remove((declaring, None, None))
    assert not any(graph.triples((None, SH.sparql, None)))
    assert not any(graph.triples((None, SH.select, None)))
    return graph.serialize(format="turtle")


def shape_names(turtle: str) -> set[str]:
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    return {
        str(s)
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in graph.subjects(rdflib.RDF.type, kind)
        if isinstance(s, rdflib.URIRef)
    }


def converted(text: str) -> list[Quad]:
    return [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in to_quads(parse_text(text, "doc.txt"))]


def by_pyshacl(quads: list[Quad], shapes: Path) -> Outcome:
    report = validate_quads(quads, shapes=(shapes,))
    severities = {"violation": iri("sh:Violation"), "warning": iri("sh:Warning"), "info": iri("sh:Info")}
    results = sorted({(r.focus, r.shape, severities[r.severity]) for r in report.results})
    return Outcome(not report.results, sorted({r.focus for r in report.results}), results)


def by_node(node: str, quads: list[Quad], shapes: Path, tmp_path: Path) -> Outcome:
    data = tmp_path / "data.nt"
    triples = [Triple(q.subject, q.predicate, q.object) for q in [*quads, *vocabulary_quads()]]
    data.write_bytes(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
    done = subprocess.run(
        [node, str(SCRIPT), str(data), str(shapes)], capture_output=True, text=True, timeout=120, cwd=NODE_DIR
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    results = sorted({(focus, shape, severity) for focus, shape, _component, severity in out["results"]})
    return Outcome(bool(out["conforms"]), sorted(out["focusNodes"]), results)


def subjects_ending(quads: list[Quad], suffix: str) -> NamedNode:
    found = sorted(
        {q.subject.value for q in quads if isinstance(q.subject, NamedNode) and q.subject.value.endswith(suffix)}
    )
    assert len(found) == 1, (suffix, found)
    return NamedNode(found[0])


def drop(suffix: str, predicate: str) -> Edit:
    def edit(quads: list[Quad]) -> list[Quad]:
        subject = subjects_ending(quads, suffix)
        kept = [q for q in quads if not (q.subject == subject and q.predicate.value == iri(predicate))]
        assert len(kept) < len(quads), (suffix, predicate)
        return kept

    return edit


def put(suffix: str, predicate: str, obj: NamedNode | Literal, *, replace: bool = True) -> Edit:
    def edit(quads: list[Quad]) -> list[Quad]:
        subject = subjects_ending(quads, suffix)
        kept = quads
        if replace:
            kept = [q for q in quads if not (q.subject == subject and q.predicate.value == iri(predicate))]
            assert len(kept) < len(quads), (suffix, predicate)
        return [*kept, Quad(subject, NamedNode(iri(predicate)), obj, DefaultGraph())]

    return edit


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def document(name: str) -> list[Quad]:
    if name == "sample":
        return converted(sample_text())
    if name == "sample-without-date":
        text = sample_text()
        assert text.count("2024 年 03 月 01 日") == 1
        return converted(text.replace("2024 年 03 月 01 日", ""))
    if name == "sample-broken-observations":
        quads = converted(sample_text())
        edits = [
            drop("/t03/2010350/basic", "obeu-dimension:fiscalYear"),
            drop("/t06/30216/public", "bl:amountInYuan"),
            put("/t02/2080502/gpb", "obeu-measure:amount", Literal("2.80")),
            put("/t05/208/total", "bl:aggregationLevel", NamedNode(iri("bll:item")), replace=False),
            put("/t04/expenditure/201/gpb", "obeu-dimension:operationCharacter", NamedNode(iri("bll:total"))),
            drop("/t10/total/total", "qb:dataSet"),
        ]
    elif name == "generated-broken-metadata":
        quads = converted(generate(seed=1, index=0).text)  # prints no publication date
        edits = [
            drop("/unit-budget/t01", "rdfs:label"),
            drop("/unit-budget/t02", "qb:structure"),
            put("/unit-budget/t03", "bl:tableType", NamedNode(iri("blt:t12"))),
            drop("/unit-budget", "dct:temporal"),
            put("/unit-budget", "dct:title", Literal("A budget disclosure", language="en")),
        ]
        unit = next(q.object for q in quads if q.predicate.value == iri("dct:publisher"))
        quads = [q for q in quads if not (q.subject == unit and q.predicate.value == iri("foaf:name"))]
    else:
        raise AssertionError(name)
    for edit in edits:
        quads = edit(quads)
    return quads


def test_the_core_extract_keeps_every_core_shape_and_no_sparql(tmp_path: Path) -> None:
    core = core_shapes()
    graph = rdflib.Graph()
    for path in resources.shapes():
        if path.name in SHAPE_FILES:
            graph.parse(path, format="turtle")
    every = {str(s) for s in graph.subjects(rdflib.RDF.type, SH.PropertyShape)} | {
        str(s) for s in graph.subjects(rdflib.RDF.type, SH.NodeShape) if (s, SH.sparql, None) not in graph
    }
    assert shape_names(core) == every
    assert len(every) >= 18


@pytest.mark.parametrize(
    "name", ["sample", "sample-without-date", "sample-broken-observations", "generated-broken-metadata"]
)
def test_pyshacl_and_rdf_validate_shacl_agree_on_the_core_shapes(name: str, tmp_path: Path) -> None:
    node = require("npm:rdf-validate-shacl")
    shapes = tmp_path / "core.ttl"
    shapes.write_text(core_shapes(), encoding="utf-8")
    quads = document(name)
    ours = by_pyshacl(quads, shapes)
    theirs = by_node(node, quads, shapes, tmp_path)
    assert ours.conforms == theirs.conforms
    assert ours.focus_nodes == theirs.focus_nodes
    assert ours.results == theirs.results
    if name == "sample":
        assert ours.conforms, ours.results
    else:
        assert not ours.conforms  # the mutation is seen (by both)
