"""The full dump of a store as gzipped N-Quads, split into parts that each stay under a size limit.

Graphs are written whole, in IRI order, one after another; a part is closed before the graph that would take
it over the limit (a graph is ~1 MB of N-Quads, ~60 KB gzipped, far below any sensible limit). Every part is a
complete gzip stream of complete lines: each can be loaded alone.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store, serialize


@dataclass(frozen=True)
class DumpPart:
    path: Path
    byte_size: int
    sha256: str
    graphs: int


class _Part:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.raw = self.tmp.open("wb")
        self.zipped = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0, compresslevel=6)
        self.graphs = 0

    def compressed_size(self) -> int:
        self.zipped.flush()
        return self.raw.tell()

    def close(self) -> DumpPart:
        self.zipped.close()
        self.raw.close()
        os.replace(self.tmp, self.path)
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        return DumpPart(self.path, self.path.stat().st_size, digest, self.graphs)


def write_dump(store: Store, folder: Path, *, stem: str = "budgetlod", max_bytes: int) -> list[DumpPart]:
    """``{folder}/{stem}-0001.nq.gz`` …, each under ``max_bytes`` (compressed); old parts beyond the last removed."""
    folder.mkdir(parents=True, exist_ok=True)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))
    parts: list[DumpPart] = []
    current: _Part | None = None
    for graph in graphs:
        data = serialize(store.quads_for_pattern(None, None, None, NamedNode(graph)), format=RdfFormat.N_QUADS) or b""
        if current is not None and current.graphs and current.compressed_size() + len(data) // 4 > max_bytes:
            parts.append(current.close())
            current = None
        if current is None:
            current = _Part(folder / f"{stem}-{len(parts) + 1:04d}.nq.gz")
        current.zipped.write(data)
        current.graphs += 1
    if current is not None:
        parts.append(current.close())
    keep = {p.path.name for p in parts}
    for old in folder.glob(f"{stem}-*.nq.gz"):
        if old.name not in keep:
            old.unlink()
    return parts
