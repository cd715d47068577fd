"""Validation results as data: W3C DQV quality annotations in the disclosure's graph.

Each SHACL result becomes a ``dqv:QualityAnnotation`` (an ``oa:Annotation``) on
the disclosure, saying which rule (``sh:sourceShape``), how severe
(``sh:resultSeverity``), about what (``sh:focusNode``, ``sh:value``), where in
the source (``bl:sourceLine``) and what it found (``oa:bodyValue`` in zh and en),
so that a SPARQL user can list every disclosure with a given problem.  IRIs are
content-derived: ``{disclosure}/quality/{shape name}-{h(focus, value, message)}``.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod.prefixes import iri
from budgetlod.rdf.iris import content_hash
from budgetlod.rdf.terms import n
from budgetlod.validate.engine import ShapeResult, ValidationReport

SEVERITY_IRIS = {"violation": iri("sh:Violation"), "warning": iri("sh:Warning"), "info": iri("sh:Info")}


def annotation_iri(disclosure: str, result: ShapeResult) -> str:
    name = result.shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    digest = content_hash(f"{result.focus}|{result.value}|{result.message('zh')}", 12)
    return f"{disclosure}/quality/{name}-{digest}"


def quality_quads(disclosure: str, report: ValidationReport) -> list[Quad]:
    graph = NamedNode(disclosure)
    subject = NamedNode(disclosure)
    quads: list[Quad] = []
    for result in report.results:
        ann = NamedNode(annotation_iri(disclosure, result))
        quads += [
            Quad(subject, n("dqv:hasQualityAnnotation"), ann, graph),
            Quad(ann, n("rdf:type"), n("dqv:QualityAnnotation"), graph),
            Quad(ann, n("oa:motivatedBy"), n("dqv:qualityAssessment"), graph),
            Quad(ann, n("oa:hasTarget"), subject, graph),
            Quad(ann, n("sh:sourceShape"), NamedNode(result.shape), graph),
            Quad(ann, n("sh:sourceConstraintComponent"), NamedNode(result.component), graph),
            Quad(ann, n("sh:resultSeverity"), NamedNode(SEVERITY_IRIS[result.severity]), graph),
            Quad(ann, n("sh:focusNode"), NamedNode(result.focus), graph),
        ]
        if result.value is not None and result.value.startswith(("http://", "https://")):
            quads.append(Quad(ann, n("sh:value"), NamedNode(result.value), graph))
        for language, text in sorted(result.messages.items()):
            quads.append(Quad(ann, n("oa:bodyValue"), Literal(text, language=language or None), graph))
        if result.line is not None:
            quads.append(Quad(ann, n("bl:sourceLine"), Literal(str(result.line), datatype=n("xsd:integer")), graph))
    return quads
