"""RDF output: formats by name, deterministic order, prefixes from the one prefix map."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from budgetlod.prefixes import PREFIXES

FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
QUAD_FORMATS = {"nq", "trig", "jsonld"}


def _key(statement: Triple | Quad) -> tuple[str, str, str, str]:
    graph = str(statement.graph_name) if isinstance(statement, Quad) else ""
    return (graph, str(statement.subject), str(statement.predicate), str(statement.object))


def used_prefixes(statements: Iterable[Triple | Quad]) -> dict[str, str]:
    """The prefixes of the map that the statements use, in the map's order."""
    text = " ".join(" ".join(_key(s)) for s in statements)
    return {p: ns for p, ns in PREFIXES.items() if ns in text}


def to_bytes(statements: Iterable[Triple | Quad], fmt: str) -> bytes:
    """Serialize in a stable order (sorted by graph, subject, predicate, object)."""
    ordered = sorted(statements, key=_key)
    prefixes = used_prefixes(ordered) if fmt in ("ttl", "trig", "rdfxml") else None
    if fmt in QUAD_FORMATS:
        quads = [s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object) for s in ordered]
        out = serialize(quads, format=FORMATS[fmt], prefixes=prefixes)
    else:
        triples = [s.triple if isinstance(s, Quad) else s for s in ordered]
        out = serialize(triples, format=FORMATS[fmt], prefixes=prefixes)
    assert out is not None
    if fmt in ("ttl", "trig") and prefixes:
        return _prefixes_in_map_order(out, list(prefixes))
    return out


def _prefixes_in_map_order(data: bytes, order: list[str]) -> bytes:
    lines = data.split(b"\n")
    head = [line for line in lines if line.startswith(b"@prefix ")]
    rest = [line for line in lines if not line.startswith(b"@prefix ")]
    rank = {p: i for i, p in enumerate(order)}
    head.sort(key=lambda line: rank.get(line.split(b" ")[1].rstrip(b":").decode(), len(rank)))
    return b"\n".join(head + rest)
