"""The staging protocol of the remote store: how a named graph is replaced so that the live graph is the old
content or the new, never half, whatever fails and however often a request is retried.

1. **stage** — the triples go into a staging graph ``urn:budgetlod:staging:<writer>:<graph>`` (:func:`staging_graph`;
   the writer's token is the writing process's own, so concurrent writers of one graph never share it):
   ``DROP SILENT GRAPH <staging> ; INSERT DATA { GRAPH <staging> { … } }`` and further ``INSERT DATA``
   batches below the server's limits (:func:`batches`; ``RemoteOptions.batch_triples``/``batch_bytes``), or
   one Graph Store Protocol PUT when a GSP endpoint is given. Every request is idempotent, so a transient
   failure is simply retried.
2. **check** — one query counts the staged copy: every triple sent, and as many ``xsd:decimal`` literals.
3. **commit** — one update request, idempotent too (a retry after a lost answer changes nothing)::

       DELETE { GRAPH <g> { ?s ?p ?o } } WHERE { GRAPH <staging> { <s1> <p1> <o1> } GRAPH <g> { ?s ?p ?o } } ;
       ADD SILENT GRAPH <staging> TO GRAPH <g> ;
       DROP SILENT GRAPH <staging>

   The old triples are deleted only while the staged copy exists: ``<s1> <p1> <o1>`` is a triple of the new
   content (:func:`guard`), one index lookup. (``FILTER EXISTS { GRAPH <staging> { ?a ?b ?c } }`` says the same
   but Virtuoso evaluates it for every row, ~4 s a disclosure; a ``LIMIT 1`` sub-select is fast on most graphs
   but on some Virtuoso picks a plan that runs into its 60 s transaction timeout.) ``MOVE`` would be one
   operation, but ``MOVE SILENT`` from a graph that no longer exists empties the target on Virtuoso, so a
   retried ``MOVE`` after a lost answer would wipe the new graph.
4. **verify** — the live graph is counted again (``RemoteOptions.verify``).

The texts of these requests, the batches, and what a failure leaves (:class:`GraphState`) are here;
:class:`budgetlod.store.remote.RemoteStore` sends them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from budgetlod.prefixes import XSD
from budgetlod.store.sparql_client import RemoteStoreError

STAGING_PREFIX = "urn:budgetlod:staging:"
PROBE_GRAPH = STAGING_PREFIX + "probe"
XSD_DECIMAL = NamedNode(XSD + "decimal")
XSD_STRING = NamedNode(XSD + "string")
RDF_LANG_STRING = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
_INTEGER = re.compile(r"[+-]?[0-9]+")


class GraphState(enum.Enum):
    """What a remote graph holds after a failed replacement."""

    OLD = "old"
    NEW = "new"
    ABSENT = "absent"
    PARTIAL = "partial"
    UNKNOWN = "unknown"


STATE_TEXT = {
    GraphState.OLD: "old (its previous content, intact)",
    GraphState.NEW: "new (replaced completely)",
    GraphState.ABSENT: "absent (no triples)",
    GraphState.PARTIAL: "PARTIAL (neither the old nor the new content): re-run to replace it",
    GraphState.UNKNOWN: "unknown (the server could not be asked): re-run to replace it",
}


class RemoteGraphError(RemoteStoreError):
    """A graph could not be replaced; ``state`` says what the live graph holds now."""

    def __init__(self, graph: str, state: GraphState, reason: str, *, staging: str | None = None,
                 note: str = "") -> None:
        message = f"graph <{graph}> not replaced: {reason}; the remote graph is {STATE_TEXT[state]}"
        if note:
            message += f" ({note})"
        if staging:
            message += (f"; the staging graph <{staging}> is left behind (the next `budgetlod ingest` with the same "
                        "--state folder drops it)")
        super().__init__(message)
        self.graph = graph
        self.state = state
        self.staging = staging


def with_decimal_point(triple: Triple) -> Triple:
    """``"30"^^xsd:decimal`` as ``"30.0"^^xsd:decimal`` (the same value). Virtuoso 7.2's INSERT DATA stores a
    decimal written without a point as an xsd:integer when [SPARQL] MaxQueryCostEstimationTime is set (the
    Debian default); with the point it stays a decimal. Its GSP loader keeps the type either way."""
    obj = triple.object
    if isinstance(obj, Literal) and obj.datatype == XSD_DECIMAL and _INTEGER.fullmatch(obj.value):
        return Triple(triple.subject, triple.predicate, Literal(obj.value + ".0", datatype=XSD_DECIMAL))
    return triple


def staging_graph(graph: str, writer: str = "") -> str:
    """Where a graph's new content is staged before it replaces the live graph: ``urn:budgetlod:staging:<g>``, or
    with a writer's token ``urn:budgetlod:staging:<writer>:<g>`` — each :class:`~budgetlod.store.remote.RemoteStore`
    has its own, so that writers replacing the same graph at once (several ingest processes, each writing the
    ontology and code lists) never stage into one graph and drop each other's copy."""
    return f"{STAGING_PREFIX}{writer}:{graph}" if writer else STAGING_PREFIX + graph


def guard(triples: Sequence[Triple]) -> str | None:
    """A triple of the new content that finds the staged copy with one index lookup: IRIs only if there is one,
    else a plain or language-tagged string (matched exactly everywhere); None: there is none."""
    for strings in (False, True):
        for t in triples:
            obj = t.object
            fits = isinstance(obj, Literal) and obj.datatype in (XSD_STRING, RDF_LANG_STRING) if strings else (
                isinstance(obj, NamedNode))
            if isinstance(t.subject, NamedNode) and fits:
                return f"{t.subject} {t.predicate} {obj}"
    return None


def commit_update(graph: str, staging: str, found: str | None = None) -> str:
    """The idempotent update that makes the staged copy the live graph (see the module docstring); ``found`` is
    a :func:`guard` triple of the staged copy (without one, ``FILTER EXISTS``: slower on Virtuoso)."""
    if found:
        condition = f"GRAPH <{staging}> {{ {found} }} GRAPH <{graph}> {{ ?s ?p ?o }}"
    else:
        condition = f"GRAPH <{graph}> {{ ?s ?p ?o }} FILTER EXISTS {{ GRAPH <{staging}> {{ ?a ?b ?c }} }}"
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ {condition} }} ;\n"
        f"ADD SILENT GRAPH <{staging}> TO GRAPH <{graph}> ;\n"
        f"DROP SILENT GRAPH <{staging}>"
    )


def batches(lines: Sequence[bytes], together: Sequence[bytes], max_triples: int, max_bytes: int) -> list[list[bytes]]:
    """N-Triples lines in batches of at most ``max_triples`` lines and ``max_bytes`` bytes; the ``together``
    lines (those with blank nodes, whose labels hold within one request only) all in the first batch."""
    if len(together) > max_triples or sum(len(line) + 1 for line in together) > max_bytes:
        raise ValueError(f"{len(together)} triples with blank nodes do not fit in one request (batch limits)")
    out: list[list[bytes]] = [list(together)] if together else []
    current: list[bytes] = []
    size = 0
    for line in lines:
        if len(line) + 1 > max_bytes:
            raise ValueError(f"a triple of {len(line):,} bytes is larger than a request may be ({max_bytes:,} bytes)")
        if current and (len(current) >= max_triples or size + len(line) + 1 > max_bytes):
            out.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        out.append(current)
    return out


def has_blank(triple: Triple) -> bool:
    return isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode)


__all__ = [
    "PROBE_GRAPH",
    "STAGING_PREFIX",
    "GraphState",
    "RemoteGraphError",
    "batches",
    "commit_update",
    "guard",
    "has_blank",
    "staging_graph",
    "with_decimal_point",
]
