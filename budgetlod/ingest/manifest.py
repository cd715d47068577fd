"""What a store holds from which file: the ingest manifest, checked against the store itself.

``<store>/ingest-manifest.tsv`` (for a remote store: in its state folder, :mod:`budgetlod.ingest.remote`)
has one line per loaded graph, appended right after the graph's transaction commits: the source key (sha256 of
the file, and of its ``.meta.json`` sidecar), the fingerprint of the conversion
(:func:`budgetlod.ingest.prepare.fingerprint`), the graph, its counts and the file it came from.
A line is trusted only if the store agrees: the graph is there and records the same file sha256
(``bl:sha256`` of its ``bl:SourceFile``). So a crash between the commit and the line costs one file's
conversion on the next run, never a wrong "unchanged"; a store restored or rebuilt without its manifest
is converted again; a graph since replaced from another file no longer vouches for the first.

The file is rewritten (atomically) at the end of each run with only the lines the store still vouches for.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pyoxigraph import Store

NAME = "ingest-manifest.tsv"
COLUMNS = ("key", "fingerprint", "graph", "triples", "violations", "warnings", "file")
SOURCES = """PREFIX bl: <https://w3id.org/budgetlod/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g ?sha WHERE { GRAPH ?g { ?d a bl:Disclosure ; prov:wasDerivedFrom ?src . ?src bl:sha256 ?sha } }"""


@dataclass(frozen=True)
class Entry:
    key: str
    fingerprint: str
    graph: str
    triples: int
    violations: int
    warnings: int
    file: str

    def line(self) -> str:
        fields = (self.key, self.fingerprint, self.graph, self.triples, self.violations, self.warnings, self.file)
        return "\t".join(str(f).replace("\t", " ").replace("\n", " ") for f in fields) + "\n"

    @property
    def sha256(self) -> str:
        return self.key.split("+", 1)[0]


def stored_sources(store: Store) -> dict[str, set[str]]:
    """graph -> the sha256 of the file(s) its source nodes record."""
    found: dict[str, set[str]] = {}
    for row in store.query(SOURCES):  # type: ignore[union-attr]
        found.setdefault(row["g"].value, set()).add(row["sha"].value)
    return found


class Manifest:
    """The manifest of one store, open for appending while the writer is."""

    def __init__(self, folder: Path, sources: Mapping[str, Collection[str]]) -> None:
        """The manifest in ``folder`` (the store's, or a remote store's state folder), each line kept only if
        ``sources`` (graph -> the file sha256s it records: :func:`stored_sources`) vouches for it."""
        self.path = folder / NAME
        self.entries: dict[str, Entry] = {}  # by key; the store vouches for each
        for entry in self._read():
            if entry.sha256 in sources.get(entry.graph, ()):
                self.entries[entry.key] = entry
        self._handle: IO[str] | None = None

    def _read(self) -> Iterable[Entry]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        entries = []
        for line in lines[1:]:
            parts = line.split("\t")
            if len(parts) != len(COLUMNS):
                continue  # a torn last line of a killed run
            try:
                entries.append(Entry(parts[0], parts[1], parts[2], int(parts[3]), int(parts[4]), int(parts[5]),
                                     parts[6]))
            except ValueError:
                continue
        return entries

    def unchanged(self, key: str | None, fingerprint: str) -> Entry | None:
        entry = self.entries.get(key or "")
        return entry if entry is not None and entry.fingerprint == fingerprint else None

    def record(self, entry: Entry) -> None:
        """After the graph's transaction: one line, flushed (a killed run keeps it)."""
        for key in [k for k, e in self.entries.items() if e.graph == entry.graph]:
            del self.entries[key]  # the graph's earlier source no longer holds
        self.entries[entry.key] = entry
        if self._handle is None:
            fresh = not self.path.exists()
            self._handle = self.path.open("a", encoding="utf-8")
            if fresh:
                self._handle.write("\t".join(COLUMNS) + "\n")
        self._handle.write(entry.line())
        self._handle.flush()

    def rewrite(self) -> None:
        """The current entries only, replacing the file atomically (``OSError``, a full disk: the file stays as
        it was, every line appended so far in it)."""
        self.close()
        temporary = self.path.with_suffix(".tmp")
        try:
            with temporary.open("w", encoding="utf-8") as handle:
                handle.write("\t".join(COLUMNS) + "\n")
                for entry in sorted(self.entries.values(), key=lambda e: (e.graph, e.key)):
                    handle.write(entry.line())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            with contextlib.suppress(OSError):  # a line not flushed (a full disk): a torn line is skipped when read
                handle.close()
