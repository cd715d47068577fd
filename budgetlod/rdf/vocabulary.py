"""The ontology and the code lists as quads, each in a named graph of its own.

* ``https://w3id.org/budgetlod/ontology``: ``ontology/budgetlod.ttl``,
  ``ontology/external.ttl`` (declarations of reused terms) and ``ontology/dsd.ttl``;
* ``https://w3id.org/budgetlod/codelist``: ``ontology/codelists/*.ttl``.

Disclosures live in graphs named by their own IRIs (:mod:`budgetlod.rdf.graph`).
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from budgetlod import resources
from budgetlod.prefixes import CODELIST, ONTOLOGY

ONTOLOGY_GRAPH = ONTOLOGY
CODELIST_GRAPH = CODELIST.rstrip("/")


def graph_of(relative: str) -> str:
    """The graph a file of ``ontology/`` belongs in."""
    return CODELIST_GRAPH if relative.startswith("codelists/") else ONTOLOGY_GRAPH


def vocabulary_quads() -> list[Quad]:
    root = resources.folder("ontology")
    quads: list[Quad] = []
    for path in resources.ontology():
        graph = NamedNode(graph_of(path.relative_to(root).as_posix()))
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            quads.append(Quad(triple.subject, triple.predicate, triple.object, graph))
    return quads
