"""One disclosure's files of the static site: ``.jsonld`` (framed), ``.ttl``, ``.nq`` and ``.html``.

The ``.jsonld`` and ``.ttl`` hold the same *publication graph* (the disclosure's named graph plus the labels of
the codes it uses, :func:`budgetlod.publish.jsonld.publication_triples_from_store`); the ``.nq`` keeps the
disclosure's triples in its named graph and the code labels in the code list graph. Files are written to a
temporary name and renamed, so an interrupted publish never leaves half a file.

A disclosure whose publication graph has the hash recorded by the previous publish (and whose files are all
there) is not rendered again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store, Triple

from budgetlod import __version__
from budgetlod.formats import to_bytes
from budgetlod.present import jinja
from budgetlod.present.rebuild import tables_of
from budgetlod.present.text import TEXT
from budgetlod.publish import jsonld, schemaorg
from budgetlod.publish.catalog import DatasetInfo, DistributionFile
from budgetlod.rdf.vocabulary import CODELIST_GRAPH

MEDIA_TYPES = {"jsonld": "application/ld+json", "ttl": "text/turtle", "nq": "application/n-quads"}


@dataclass(frozen=True)
class FileInfo:
    path: str  # relative to the site root, with "/" separators
    byte_size: int
    sha256: str


@dataclass
class Rendered:
    iri: str
    hash: str
    files: dict[str, FileInfo] = field(default_factory=dict)  # jsonld | ttl | nq | html
    unchanged: bool = False

    def as_json(self) -> dict[str, object]:
        return {"hash": self.hash, "files": {k: vars(v) for k, v in sorted(self.files.items())}}


@dataclass(frozen=True)
class SiteLayout:
    """Where a data IRI's files live in the site, and their URLs (the site mirrors the server's paths)."""

    base_iri: str  # the data base IRI (setting base_iri)
    base_url: str  # where the site is hosted, ending with "/"
    licence: str

    def relpath(self, iri: str, suffix: str) -> str:
        from budgetlod.present.describe import Site

        path = Site(self.base_iri).path_of(iri)
        if path is None or "#" in path:
            raise ValueError(f"{iri} is not under the data base IRI {self.base_iri}")
        return path.lstrip("/") + suffix

    def url(self, relpath: str) -> str:
        return self.base_url + relpath


def write_atomic(target: Path, data: bytes) -> FileInfo:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return FileInfo("", len(data), hashlib.sha256(data).hexdigest())


def _order(triple: Triple) -> tuple[str, str, str]:
    """The order :func:`budgetlod.formats.to_bytes` writes triples in (by subject, predicate, object)."""
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def render(
    store: Store,
    info: DatasetInfo,
    layout: SiteLayout,
    out: Path,
    previous: dict[str, object] | None,
    catalogue_url: str,
) -> Rendered:
    """Write (or keep) one disclosure's files.

    The graph is read from the store once and sorted once: the hash (N-Triples), the Turtle and the
    N-Quads (the disclosure's graph, then the code labels in the code list graph, or the other way round
    as the graph names sort) are written from that order, as :func:`budgetlod.formats.to_bytes` would sort them.
    """
    own, labels = jsonld.publication_parts_from_store(store, info.iri)
    triples = sorted(dict.fromkeys(own + labels), key=_order)
    digest = hashlib.sha256(to_bytes(triples, "nt", ordered=False)).hexdigest()
    if previous is not None and previous.get("hash") == digest:
        files = {k: FileInfo(**v) for k, v in previous["files"].items()}  # type: ignore[attr-defined]
        if all((out / f.path).is_file() for f in files.values()):
            return Rendered(info.iri, digest, files, unchanged=True)
    graph, codes = NamedNode(info.iri), NamedNode(CODELIST_GRAPH)
    own_triples = set(own)
    in_graph = [Quad(t.subject, t.predicate, t.object, graph) for t in triples if t in own_triples]
    in_codes = [Quad(t.subject, t.predicate, t.object, codes) for t in triples if t not in own_triples]
    quads = [*in_graph, *in_codes] if str(graph) <= str(codes) else [*in_codes, *in_graph]
    contents = {
        "jsonld": jsonld.dumps(jsonld.disclosure_document(triples)),
        "ttl": to_bytes(triples, "ttl", ordered=False),
        "nq": to_bytes(quads, "nq", ordered=False),
    }
    rendered = Rendered(info.iri, digest)
    for key, data in contents.items():
        rel = layout.relpath(info.iri, "." + key)
        written = write_atomic(out / rel, data)
        rendered.files[key] = FileInfo(rel, written.byte_size, written.sha256)
    rel = layout.relpath(info.iri, ".html")
    html = page(store, info, layout, rendered, catalogue_url)
    written = write_atomic(out / rel, html.encode())
    rendered.files["html"] = FileInfo(rel, written.byte_size, written.sha256)
    return rendered


def distributions(layout: SiteLayout, rendered: Rendered) -> list[DistributionFile]:
    return [
        DistributionFile(key, layout.url(f.path), MEDIA_TYPES[key], f.byte_size, f.sha256)
        for key, f in sorted(rendered.files.items())
        if key in MEDIA_TYPES
    ]


def page(store: Store, info: DatasetInfo, layout: SiteLayout, rendered: Rendered, catalogue_url: str) -> str:
    """The disclosure's HTML page: its tables as printed (from the store), links to its data, schema.org markup."""
    own = layout.relpath(info.iri, ".html")
    depth = own.count("/")
    root = "../" * depth
    files = distributions(layout, rendered)
    markup = schemaorg.dataset(
        info,
        page_url=layout.url(own),
        distributions=files,
        licence=layout.licence,
        catalogue_url=catalogue_url,
    )
    return (
        jinja.environment()
        .get_template("site_disclosure.html")
        .render(
            t=TEXT["zh"],
            lang="zh",
            version=__version__,
            info=info,
            root=root,
            tables=tables_of(store, info.iri, lambda iri: iri, "zh"),
            files=[(d.fmt, d.url.rsplit("/", 1)[-1], d.media_type, d.byte_size) for d in files],
            schema_json=schemaorg.script_json(markup),
        )
    )
