"""``budgetlod publish``: the static site any web server can host (docs/publish.md).

Layout of ``--out`` (paths mirror the server's, so a disclosure's files sit where its IRI would be served)::

    index.html  sitemap.xml  catalog.ttl  catalog.jsonld  void.ttl  .well-known/void
    context/v1.jsonld                      the JSON-LD context, at the path of its IRI
    id/disclosure/<unit>/<year>/<kind>.{jsonld,ttl,nq,html}
    dump/budgetlod-0001.nq.gz …            the whole store, in parts under the size limit
    catalog/page-0002.{ttl,jsonld} …       only when the catalogue would exceed the limit (Hydra paging)
    .budgetlod-publish.json                the manifest: what was written, with hashes

No file exceeds ``max_file_bytes`` (50 MB by default). Re-publishing renders again only the disclosures whose
publication graph changed (by hash); everything is rendered again when the renderer changed (version, context,
frame, templates, base URL, licence) — the summary says which.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from xml.sax.saxutils import escape

from pyoxigraph import Store, Triple

from budgetlod import __version__, resources
from budgetlod.formats import to_bytes
from budgetlod.present import jinja
from budgetlod.present.text import TEXT
from budgetlod.publish import catalog, catalog_files, datapackage, void
from budgetlod.publish.disclosures import kind_labels
from budgetlod.publish.dump import DumpPart, write_dump
from budgetlod.publish.jsonld import CONTEXT_IRI
from budgetlod.publish.render import Rendered, SiteLayout, distributions, render, write_atomic
from budgetlod.store.embedded import count_triples, current_snapshot, damaged

MANIFEST = ".budgetlod-publish.json"
MAX_FILE_BYTES = 50_000_000  # 50 MB (decimal): ckanext-dcat's default cap on a harvested file
SITEMAP_URLS = 50_000  # the sitemaps.org limit per file


@dataclass
class PublishSummary:
    disclosures: int = 0
    rendered: int = 0
    unchanged: int = 0
    removed: int = 0
    rerender_reason: str | None = None  # why every disclosure was rendered again
    catalogue_pages: int = 1
    dump_parts: int = 0
    site_kept: bool = False  # nothing changed: the site-wide files (dump, catalogue, VoID …) were kept
    files: list[str] = field(default_factory=list)  # every file in the folder after publishing, the manifest too

    def text(self, out: Path) -> str:
        """The line ``budgetlod publish`` prints: the disclosures, then the files in the folder — every one,
        the manifest too, so the count is what a listing of ``out`` shows."""
        return (
            f"{self.disclosures} disclosures: {self.rendered} written, {self.unchanged} unchanged, {self.removed} "
            f"removed; catalogue in {self.catalogue_pages} page(s), dump in {self.dump_parts} part(s); "
            f"{len(self.files)} files in {out}"
        )


def fingerprint(layout: SiteLayout) -> dict[str, str]:
    """What the rendering depends on besides the data: a change here renders every disclosure again."""
    templates = hashlib.sha256()
    for path in sorted(jinja.TEMPLATES.glob("*.html")):
        templates.update(path.name.encode() + path.read_bytes())
    return {
        "budgetlod": __version__,
        "context": hashlib.sha256(resources.context_bytes()).hexdigest(),
        "frame": hashlib.sha256(resources.frame("disclosure").read_bytes()).hexdigest(),
        "templates": templates.hexdigest(),
        "base_url": layout.base_url,
        "base_iri": layout.base_iri,
        "licence": layout.licence,
    }


def _changed(old: dict[str, str], new: dict[str, str]) -> str | None:
    if not old:
        return "first publish into this folder"
    names = [k for k in new if old.get(k) != new[k]]
    return ("changed: " + ", ".join(names)) if names else None


# --- worker processes -------------------------------------------------------------------------------

_STORE: Store | None = None


def _open(snapshot: str) -> None:
    global _STORE
    _STORE = Store.read_only(snapshot)


def _render_one(
    info: catalog.DatasetInfo, layout: SiteLayout, out: Path, previous: dict[str, object] | None, cat: str
) -> Rendered:
    """:func:`_render_one_here` in a worker, on the store it opened."""
    assert _STORE is not None
    return _render_one_here(_STORE, info, layout, out, previous, cat)


def _render_one_here(
    store: Store, info: catalog.DatasetInfo, layout: SiteLayout, out: Path, previous: dict[str, object] | None,
    cat: str,
) -> Rendered:
    """A disclosure's files, and (when it was rendered again) its observations CSV and data package."""
    rendered = render(store, info, layout, out, previous, cat)
    if not rendered.unchanged:
        datapackage.write_disclosure_package(out, store, layout, info)
    return rendered


def _dump_all(folder: str, max_bytes: int) -> list[DumpPart]:
    """The dump of every graph, in a worker while the others render (the largest site-wide task)."""
    assert _STORE is not None
    return write_dump(_STORE, Path(folder), max_bytes=max_bytes)


# --- the site ---------------------------------------------------------------------------------------


def publish_site(
    store_path: Path,
    out: Path,
    base_url: str,
    *,
    base_iri: str,
    licence: str,
    sparql_endpoint: str | None = None,
    jobs: int = 1,
    max_file_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[Rendered], None] | None = None,
) -> PublishSummary:
    layout = SiteLayout(base_iri, base_url if base_url.endswith("/") else base_url + "/", licence)
    snapshot = str(current_snapshot(store_path))
    try:
        _open(snapshot)
    except (OSError, RuntimeError) as exc:  # RocksDB cannot read the snapshot: a damaged store
        raise damaged(store_path, f"cannot open the snapshot {snapshot}: {exc}") from exc
    assert _STORE is not None
    store = _STORE
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
    summary = PublishSummary()
    new_print = fingerprint(layout)
    summary.rerender_reason = _changed(manifest.get("fingerprint", {}), new_print)
    previous: dict[str, dict[str, object]] = {} if summary.rerender_reason else manifest.get("disclosures", {})
    infos = catalog.dataset_infos(store)
    summary.disclosures = len(infos)
    catalogue_url = layout.url("catalog.ttl")

    rendered: dict[str, Rendered] = {}
    # the site-wide files depend on every graph of the store (the dump also holds the vocabulary graphs):
    # rewritten unless no disclosure changed and the store's graphs and their sizes are those of last time
    state = hashlib.sha256(json.dumps(sorted(count_triples(store).items())).encode()).hexdigest()
    kept = manifest.get("site", {})
    parts: list[DumpPart] | None = None  # the dump, when a worker wrote it beside the rendering

    def done(item: Rendered) -> None:
        rendered[item.iri] = item
        summary.unchanged += item.unchanged
        summary.rendered += not item.unchanged
        if progress is not None:
            progress(item)

    if jobs > 1 and len(infos) > 1:
        with ProcessPoolExecutor(
            jobs, mp_context=get_context("spawn"), initializer=_open, initargs=(snapshot,)
        ) as pool:
            # a store whose graphs changed gets a new dump for sure: one worker writes it first, while the other
            # starts on the disclosures (the dump was a sixth of publishing 1,000, on one core after the rest)
            dump = pool.submit(_dump_all, str(out / "dump"), max_file_bytes) if kept.get("state") != state else None
            futures = [
                pool.submit(_render_one, info, layout, out, previous.get(info.iri), catalogue_url) for info in infos
            ]
            for future in futures:
                done(future.result())
            parts = dump.result() if dump is not None else None
    else:
        for info in infos:
            done(_render_one_here(store, info, layout, out, previous.get(info.iri), catalogue_url))

    # disclosures gone from the store: their files go too
    for iri, entry in manifest.get("disclosures", {}).items():
        if iri not in rendered:
            summary.removed += 1
            for f in entry.get("files", {}).values():
                (out / f["path"]).unlink(missing_ok=True)

    if (
        summary.rendered == 0
        and summary.removed == 0
        and kept.get("state") == state
        and all((out / name).is_file() for name in kept.get("files", ()))
    ):
        summary.dump_parts, summary.catalogue_pages = kept["dump_parts"], kept["catalogue_pages"]
        summary.site_kept = True
        site_files = list(kept["files"])
    else:
        site_files = _write_site_files(out, store, layout, infos, rendered, sparql_endpoint, max_file_bytes, summary,
                                       parts)

    manifest = {
        "fingerprint": new_print,
        "site": {
            "state": state,
            "files": site_files,
            "dump_parts": summary.dump_parts,
            "catalogue_pages": summary.catalogue_pages,
        },
        "disclosures": {iri: r.as_json() for iri, r in sorted(rendered.items())},
    }
    write_atomic(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    summary.files = sorted(str(p.relative_to(out)).replace(os.sep, "/") for p in out.rglob("*") if p.is_file())
    return summary


def _write_site_files(
    out: Path,
    store: Store,
    layout: SiteLayout,
    infos: Sequence[catalog.DatasetInfo],
    rendered: dict[str, Rendered],
    sparql_endpoint: str | None,
    max_file_bytes: int,
    summary: PublishSummary,
    parts: list[DumpPart] | None = None,
) -> list[str]:
    """The context, the dump (unless a worker wrote it: ``parts``), the catalogue, VoID, the sitemap and the index;
    their paths. Each rendered disclosure's CSV and data package were written with its other files."""
    write_atomic(out / "context" / CONTEXT_IRI.rsplit("/", 1)[-1], resources.context_bytes())
    if parts is None:
        parts = write_dump(store, out / "dump", max_bytes=max_file_bytes)
    packages = datapackage.write_packages(out, store, layout, infos, set())  # Frictionless Data Packages
    summary.dump_parts = len(parts)
    dump_names = [f"dump/{p.path.name}" for p in parts]
    summary.catalogue_pages = _write_catalogue(out, layout, infos, rendered, sparql_endpoint, max_file_bytes)
    void_doc = to_bytes(
        void.void_triples(
            store,
            base_url=layout.base_url,
            sparql_endpoint=sparql_endpoint,
            data_dumps=[layout.url(name) for name in dump_names],
        ),
        "ttl",
    )
    write_atomic(out / "void.ttl", void_doc)
    write_atomic(out / ".well-known" / "void", void_doc)
    html_pages = [rendered[i.iri].files["html"].path for i in infos]
    _write_sitemaps(out, layout, ["index.html", *html_pages])
    _write_index(out, infos, rendered, dump_names)
    pages = [f"catalog/page-{n:04d}.{ext}" for n in range(2, summary.catalogue_pages + 1) for ext in ("ttl", "jsonld")]
    return [
        f"context/{CONTEXT_IRI.rsplit('/', 1)[-1]}",
        *dump_names,
        "catalog.ttl",
        "catalog.jsonld",
        *pages,
        "void.ttl",
        ".well-known/void",
        "sitemap.xml",
        "index.html",
        *packages,
    ]


def _write_catalogue(
    out: Path,
    layout: SiteLayout,
    infos: Sequence[catalog.DatasetInfo],
    rendered: dict[str, Rendered],
    sparql_endpoint: str | None,
    max_file_bytes: int,
) -> int:
    """``catalog.ttl`` / ``.jsonld``; split into Hydra pages when one file would exceed the limit. Besides the
    RDF files, each disclosure's figures CSV (written by :mod:`budgetlod.publish.datapackage`) is a distribution:
    the resource portals preview."""
    tables = {info.iri: _csv_distribution(out, layout, info) for info in infos}

    def files(info: catalog.DatasetInfo) -> list[catalog.DistributionFile]:
        csv = tables[info.iri]
        return [*distributions(layout, rendered[info.iri]), *([csv] if csv is not None else [])]

    def triples(page: catalog.CataloguePage | None) -> list[Triple]:
        return catalog.catalogue_triples(
            infos,
            base_url=layout.base_url,
            landing_page=lambda iri: layout.url(layout.relpath(iri, ".html")),
            distributions=files,
            sparql_endpoint=sparql_endpoint,
            page=page,
        )

    count = 1
    while True:
        names = ["catalog"] + [f"catalog/page-{n:04d}" for n in range(2, count + 1)]
        urls = [layout.url(name + ".ttl") for name in names]
        docs = []
        for number in range(1, count + 1):
            graph = triples(catalog.CataloguePage(number, urls) if count > 1 else None)
            docs.append((catalog_files.catalogue_turtle(graph), catalog_files.catalogue_jsonld(graph)))
        if all(len(ttl) <= max_file_bytes and len(js) <= max_file_bytes for ttl, js in docs) or count >= len(infos):
            break
        count = min(len(infos), count * 2)
    for name, (ttl, js) in zip(names, docs, strict=True):
        write_atomic(out / (name + ".ttl"), ttl)
        write_atomic(out / (name + ".jsonld"), js)
    for stale in (out / "catalog").glob("page-*") if (out / "catalog").is_dir() else []:
        if stale.with_suffix("").name not in {n.rsplit("/", 1)[-1] for n in names}:
            stale.unlink()
    return count


def _csv_distribution(out: Path, layout: SiteLayout, info: catalog.DatasetInfo) -> catalog.DistributionFile | None:
    """The disclosure's figures CSV as a distribution: its URL, size and SHA-256 (None when it was not written)."""
    path = layout.relpath(info.iri, datapackage.CSV_SUFFIX)
    try:
        data = (out / path).read_bytes()
    except FileNotFoundError:
        return None
    return catalog.DistributionFile("csv", layout.url(path), "text/csv", len(data), hashlib.sha256(data).hexdigest())


def _write_sitemaps(out: Path, layout: SiteLayout, pages: list[str]) -> None:
    chunks = [pages[i : i + SITEMAP_URLS] for i in range(0, len(pages), SITEMAP_URLS)]

    def urlset(chunk: list[str]) -> bytes:
        body = "".join(f"<url><loc>{escape(layout.url(p))}</loc></url>\n" for p in chunk)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
        ).encode()

    if len(chunks) == 1:
        write_atomic(out / "sitemap.xml", urlset(chunks[0]))
        return
    names = [f"sitemap-{n:04d}.xml" for n in range(1, len(chunks) + 1)]
    for name, chunk in zip(names, chunks, strict=True):
        write_atomic(out / name, urlset(chunk))
    body = "".join(f"<sitemap><loc>{escape(layout.url(n))}</loc></sitemap>\n" for n in names)
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</sitemapindex>\n"
    )
    write_atomic(out / "sitemap.xml", index.encode())


def index_rows(
    infos: Sequence[catalog.DatasetInfo], rendered: dict[str, Rendered], lang: str
) -> list[dict[str, object]]:
    """The rows of the site's ``index.html``, one a disclosure: its unit (name and IRI, whose page the server
    shows), year, kind by its label in the page's language (``单位预算`` / ``Unit budget``), title, and the paths
    of its files (``html``, ``jsonld``, ``ttl``, ``nq``)."""
    return [
        {
            "unit_name": info.unit_name,
            "unit_iri": info.unit_iri,
            "year": info.year,
            "kind": kind_labels(info.kind)[0 if lang == "zh" else 1],
            "title": info.title_zh,
            **{key: f.path for key, f in rendered[info.iri].files.items()},
        }
        for info in infos
    ]


def _write_index(
    out: Path, infos: Sequence[catalog.DatasetInfo], rendered: dict[str, Rendered], dumps: list[str]
) -> None:
    lang = "zh"
    html = (
        jinja.environment()
        .get_template("site_index.html")
        .render(
            t=TEXT[lang],
            lang=lang,
            version=__version__,
            root="",
            count=len(infos),
            rows=index_rows(infos, rendered, lang),
            dumps=dumps,
        )
    )
    write_atomic(out / "index.html", html.encode())
