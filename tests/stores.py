"""What an ingested store holds, as tests compare it: the graphs of the sample and of the vocabulary, a store's
canonical dump (graph -> hash of its quads), and the lines of its ingest manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pyoxigraph import NamedNode, Store

from budgetlod.store.embedded import open_reader

SAMPLE_GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
ONTOLOGY, CODELIST = "https://w3id.org/budgetlod/ontology", "https://w3id.org/budgetlod/codelist"
VOCABULARY = {ONTOLOGY, CODELIST}


def canonical(store: Store) -> dict[str, str]:
    """graph -> sha256 of its quads as sorted N-Quads lines (the data holds no blank nodes)."""
    dump: dict[str, str] = {}
    for graph in store.named_graphs():
        assert isinstance(graph, NamedNode)
        lines = sorted(f"{q.subject} {q.predicate} {q.object} ." for q in store.quads_for_pattern(None, None, None, graph))
        dump[graph.value] = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return dump


def published(store_path: Path) -> dict[str, str]:
    """The canonical dump of the store's current snapshot (what readers see)."""
    return canonical(open_reader(store_path))


def manifest_lines(store_path: Path) -> int:
    try:
        return max(0, len((store_path / "ingest-manifest.tsv").read_text(encoding="utf-8").splitlines()) - 1)
    except (OSError, UnicodeDecodeError):
        return 0
