"""Converted documents use only declared terms, and load in rdflib without a warning."""

from __future__ import annotations

import logging
import warnings
from functools import cache

import pytest
import rdflib
from paths import SAMPLE
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from budgetlod import resources
from budgetlod.formats import to_bytes
from budgetlod.parse.document import parse_file, parse_text
from budgetlod.prefixes import PREFIXES, iri
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate

# W3C and DCMI vocabularies whose terms are used as published, without a local declaration.
STANDARD = tuple(PREFIXES[p] for p in ("rdf", "rdfs", "owl", "skos", "prov", "dct", "qb", "foaf"))
RDF_TYPE = iri("rdf:type")


@cache
def declared_terms() -> frozenset[str]:
    """Every IRI that ontology/*.ttl (ontology, external declarations, DSDs, code lists) types."""
    terms = set()
    for path in resources.ontology():
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            if triple.predicate.value == RDF_TYPE:
                terms.add(triple.subject.value)
    return frozenset(terms)


def graphs() -> list[tuple[str, list[Quad]]]:
    docs = [("sample", to_quads(parse_file(SAMPLE)))]
    docs += [(f"generated-{i}", to_quads(parse_text(generate(seed=11, index=i).text))) for i in range(0, 60, 3)]
    return docs


@pytest.mark.parametrize(("name", "quads"), graphs(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_predicate_class_and_code_is_declared(name: str, quads: list[Quad]) -> None:
    used = {q.predicate.value for q in quads}
    used |= {q.object.value for q in quads if q.predicate.value == RDF_TYPE}
    undeclared = sorted(t for t in used if not t.startswith(STANDARD) and t not in declared_terms())
    assert undeclared == [], f"{name}: terms used but declared nowhere: {undeclared}"
    codes = {
        q.object.value
        for q in quads
        if isinstance(q.object, NamedNode) and q.object.value.startswith("https://w3id.org/budgetlod/codelist/")
    }
    # a code the document prints but the code list lacks is declared in the document's own graph
    local = {q.subject.value for q in quads if q.predicate.value == iri("skos:inScheme")}
    assert sorted(codes - declared_terms() - local) == []


def test_converted_sample_loads_in_rdflib_without_warnings(caplog: pytest.LogCaptureFixture) -> None:
    data = to_bytes(to_quads(parse_file(SAMPLE)), "trig")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # rdflib's own API deprecations inside Dataset.parse say nothing about the data
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        with caplog.at_level(logging.WARNING):
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format="trig")
    assert [r.getMessage() for r in caplog.records] == []
    assert len(dataset) == len(to_quads(parse_file(SAMPLE)))
