"""The ontology and the code lists, written into a store beside the disclosures (each in its own named graph)."""

from __future__ import annotations

from pyoxigraph import Quad

from budgetlod.rdf.vocabulary import vocabulary_quads
from budgetlod.store.base import GraphWriter


def load_vocabulary(target: GraphWriter) -> None:
    """Replace each vocabulary graph of ``target`` (the embedded store's writer, or a remote store)."""
    by_graph: dict[str, list[Quad]] = {}
    for quad in vocabulary_quads():
        by_graph.setdefault(quad.graph_name.value, []).append(quad)  # type: ignore[union-attr]
    for graph, quads in by_graph.items():
        target.replace_graph(graph, quads)
