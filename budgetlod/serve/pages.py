"""Linked Data: every IRI minted under the data base IRI dereferences (docs/linked-data.md).

* ``GET {data prefix}{rest}`` (``/id/…`` for the default ``https://w3id.org/budgetlod/id/``) names
  ``{base_iri}{rest}``; ``/ontology…`` and ``/codelist/…`` name ``https://w3id.org/budgetlod/ontology…`` and
  ``…/codelist/…``. Mapping: :class:`budgetlod.present.describe.Site`.
* Formats: HTML, Turtle, JSON-LD, N-Triples, by suffix or by Accept (:mod:`budgetlod.formats`);
  ``Vary: Accept`` and ``Content-Location`` (the suffixed URL) on negotiated answers.
* A resource's description is the triples with it as subject, in every graph; the ontology IRI answers with
  the whole ontology graph (its terms are ``#`` IRIs). An IRI with no triples -> 404.
* The HTML pages (Jinja2, ``templates/``, autoescaped) are in Chinese or English: ``?lang=en`` or
  Accept-Language.

The handlers are plain ``def``: FastAPI runs them in its thread pool, on the store the backend gives
(:mod:`budgetlod.serve.backend`: the embedded store's read-only snapshot, or a remote store read through SPARQL),
never in the user-query worker pool.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from pyoxigraph import Triple

from budgetlod import __version__, resources
from budgetlod.formats import HTML, PAGE_FORMATS, Format, language, negotiate, split_suffix, to_bytes
from budgetlod.prefixes import iri
from budgetlod.present import jinja
from budgetlod.present.describe import Site, describe, ontology_document
from budgetlod.present.text import TEXT
from budgetlod.present.views import Views
from budgetlod.publish import catalog, jsonld, schemaorg
from budgetlod.rdf.vocabulary import ONTOLOGY_GRAPH
from budgetlod.serve.backend import Backend
from budgetlod.serve.deps import BackendDep, ConfigDep, get_config, get_documents
from budgetlod.serve.publishing import base_url
from budgetlod.settings import setting
from budgetlod.store.base import QuadReader
from budgetlod.store.embedded import StoreError

# The route of data IRIs, from the base_iri setting when the server starts (Site.data_prefix).
DATA_PREFIX = Site(str(setting("base_iri"))).data_prefix

router = APIRouter(tags=["linked data"])
INDEX_FORMATS = (HTML,)  # what an entry page (the list of units, of code lists) is offered as
RDF_TYPE = iri("rdf:type")
DISCLOSURE = iri("bl:Disclosure")

Resolver = Callable[[str], list[str]]


def _raw_path(request: Request) -> str:
    """The request path as sent (percent-encoding kept, as in the IRIs)."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    return path.split("?", 1)[0]


def _after(request: Request, prefix: str) -> str:
    path = _raw_path(request)
    return path[len(prefix) :] if path.startswith(prefix) else request.path_params.get("rest", "")


@router.api_route(DATA_PREFIX + "{rest:path}", methods=["GET", "HEAD"], summary="A data resource (Linked Data)")
def data_resource(
    request: Request,
    rest: str,
    config: ConfigDep,
    backend: BackendDep,
) -> Response:
    """``{base_iri}{rest}`` as HTML, Turtle, JSON-LD or N-Triples (suffix ``.html .ttl .jsonld .nt``, or Accept)."""
    site = Site(config.base_iri)
    tail = _after(request, DATA_PREFIX)
    if tail in ("", "index.html"):
        return _index(request, site, backend, "units")
    return _serve(request, site, backend, site.data_iris, tail)


@router.api_route("/ontology{rest:path}", methods=["GET", "HEAD"], summary="The ontology and its DSDs")
def ontology_resource(
    request: Request,
    rest: str,
    config: ConfigDep,
    backend: BackendDep,
) -> Response:
    """``https://w3id.org/budgetlod/ontology`` (with its ``#`` terms) and ``…/ontology/dsd/…``."""
    tail = _after(request, "/ontology")
    if tail == "/docs":
        docs = pylode_docs()
        if docs is not None:
            return FileResponse(docs, media_type=HTML.content_type)
    return _serve(request, Site(config.base_iri), backend, lambda p: Site.vocabulary_iris("/ontology" + p), tail)


@router.api_route("/codelist{rest:path}", methods=["GET", "HEAD"], summary="A code list or a code")
def codelist_resource(
    request: Request,
    rest: str,
    config: ConfigDep,
    backend: BackendDep,
) -> Response:
    """``https://w3id.org/budgetlod/codelist/{scheme}`` and ``…/{scheme}/{code}``."""
    site = Site(config.base_iri)
    tail = _after(request, "/codelist")
    if tail in ("", "/", "/index.html"):
        return _index(request, site, backend, "schemes")
    return _serve(request, site, backend, lambda p: Site.vocabulary_iris("/codelist" + p), tail)


def pylode_docs() -> Path | None:
    """The pyLODE documentation of the ontology, when this is a source checkout (``docs/`` is not in the wheel)."""
    path = resources.data_root() / "docs" / "ontology" / "index.html"
    return path if path.is_file() else None


# --- answering --------------------------------------------------------------------------------------


def _find(store: QuadReader, candidates: list[str]) -> tuple[str, list[Triple]] | None:
    for resource in candidates:
        triples = ontology_document(store) if resource == ONTOLOGY_GRAPH else describe(store, resource)
        if triples:
            return resource, triples
    return None


def _serve(request: Request, site: Site, backend: Backend, resolve: Resolver, tail: str) -> Response:
    try:
        store = backend.store()
    except StoreError as exc:
        return PlainTextResponse(f"store unavailable: {exc}\n", status_code=503)
    stem, chosen = split_suffix(tail)
    found = _find(store, resolve(stem)) if chosen is not None else None
    if found is None:  # no suffix, or the suffixed name is itself the IRI
        stem, chosen = tail, None
        found = _find(store, resolve(tail))
    accept = request.headers.get("accept")
    rep = chosen or negotiate(accept, PAGE_FORMATS)
    if found is None:
        return _not_found(request, rep)
    if rep is None:
        available = ", ".join(r.media_type for r in PAGE_FORMATS)
        return PlainTextResponse(
            f"not acceptable; available: {available}\n", status_code=406, headers={"Vary": "Accept"}
        )
    resource, triples = found
    path = _raw_path(request)
    if chosen is not None:
        path = path[: -len(chosen.suffix)]
    headers = {
        "Link": ", ".join(f'<{path}{r.suffix}>; rel="alternate"; type="{r.media_type}"' for r in PAGE_FORMATS)
    }
    if chosen is None:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = path + rep.suffix
    if rep is not HTML:
        body = _rdf(request, backend, resource, triples, rep)
        return Response(body, media_type=rep.content_type, headers=headers)
    lang, _ = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    if "lang" not in request.query_params:  # the language came from Accept-Language (or its absence)
        headers["Vary"] = "Accept, Accept-Language" if chosen is None else "Accept-Language"
    headers["Content-Language"] = lang
    query = f"?lang={lang}" if "lang" in request.query_params else ""
    views = Views(store, site, lang, query)
    context = _context(lang, path, query, resource)
    if resource == ONTOLOGY_GRAPH:
        context["ontology"] = views.ontology(triples)
        context["docs"] = "/ontology/docs" if pylode_docs() is not None else None
        template = "ontology.html"
    else:
        context["page"] = views.page(resource, triples)
        if context["page"].kind == "disclosure":
            context["schema_json"] = _schema_org(request, site, store, resource)
        template = "resource.html"
    return HTMLResponse(jinja.environment().get_template(template).render(context), headers=headers)


def _is_disclosure(triples: list[Triple]) -> bool:
    return any(t.predicate.value == RDF_TYPE and str(t.object) == f"<{DISCLOSURE}>" for t in triples)


def _disclosure_rdf(backend: Backend, resource: str, key: str) -> bytes:
    """A disclosure's publication graph (its graph and the labels of its codes) in a format; the framed
    JSON-LD document for ``jsonld`` (docs/jsonld.md)."""
    triples = jsonld.publication_triples_from_store(backend.store(), resource)
    return jsonld.dumps(jsonld.disclosure_document(triples)) if key == "jsonld" else to_bytes(triples, key)


def _rdf(request: Request, backend: Backend, resource: str, triples: list[Triple], rep: Format) -> bytes:
    """A resource's RDF: a disclosure answers with its whole publication graph (kept per store version in the app's
    document cache: framing takes ~0.3 s), any other resource with its description; JSON-LD is compacted with the
    project's context (referenced by its IRI)."""
    version = backend.version
    if _is_disclosure(triples) and version is not None:
        made = get_documents(request).get(
            (version, "disclosure", resource, rep.name), lambda: _disclosure_rdf(backend, resource, rep.name)
        )
        assert isinstance(made, bytes)
        return made
    if rep.name == "jsonld":
        return jsonld.dumps(jsonld.compact_document(triples))
    return to_bytes(triples, rep.name)


def _schema_org(request: Request, site: Site, store: QuadReader, resource: str) -> str | None:
    """schema.org ``Dataset`` markup of a disclosure page (for dataset search engines)."""
    infos = [i for i in catalog.dataset_infos(store, disclosure=resource) if i.iri == resource]
    if not infos:
        return None
    path = site.path_of(resource) or ""
    base = base_url(request, get_config(request)).rstrip("/")
    files = [
        catalog.DistributionFile("jsonld", f"{base}{path}.jsonld", "application/ld+json"),
        catalog.DistributionFile("ttl", f"{base}{path}.ttl", "text/turtle"),
    ]
    markup = schemaorg.dataset(
        infos[0],
        page_url=f"{base}{path}",
        distributions=files,
        licence=str(setting("data_licence")),
        catalogue_url=f"{base}/catalog",
    )
    return schemaorg.script_json(markup)


def _context(lang: str, path: str, query: str, resource: str | None) -> dict[str, Any]:
    return {
        "t": TEXT[lang],
        "lang": lang,
        "version": __version__,
        "iri": resource,
        "path": path,
        "query": query,
        "alternates": [(r.name, f"{path}{r.suffix}{query if r is HTML else ''}", r.media_type) for r in PAGE_FORMATS],
        "languages": [(code, TEXT[code]["language_name"], f"{path}?lang={code}") for code in TEXT],
        "home": DATA_PREFIX,
    }


def _index(request: Request, site: Site, backend: Backend, kind: str) -> Response:
    """The entry pages (HTML only, not minted IRIs): the budget units, the code lists. A client that accepts HTML
    (``*/*``, ``text/*``, no Accept) gets it; one that accepts nothing offered gets 406 with what is offered and
    where the data is as RDF (an index page names no resource: never 404)."""
    rep = negotiate(request.headers.get("accept"), INDEX_FORMATS)
    if rep is None:
        return PlainTextResponse(
            f"406 not acceptable: {_raw_path(request)} is offered as {', '.join(f.media_type for f in INDEX_FORMATS)}"
            "; the data as RDF: /catalog (DCAT-AP), /.well-known/void (VoID), /sparql (SPARQL 1.1), and each "
            "resource's page (Turtle, JSON-LD, N-Triples)\n",
            status_code=406,
            headers={"Vary": "Accept"},
        )
    try:
        store = backend.store()
    except StoreError as exc:
        return PlainTextResponse(f"store unavailable: {exc}\n", status_code=503)
    lang, _ = language(request.query_params.get("lang"), request.headers.get("accept-language"))
    query = f"?lang={lang}" if "lang" in request.query_params else ""
    views = Views(store, site, lang, query)
    context = _context(lang, _raw_path(request), query, None)
    context["kind"] = kind
    context["items"] = views.units() if kind == "units" else views.schemes()
    return HTMLResponse(
        jinja.environment().get_template("listing.html").render(context), headers={"Vary": "Accept, Accept-Language"}
    )


def _not_found(request: Request, rep: Format | None) -> Response:
    headers = {"Vary": "Accept"}
    if rep is HTML:
        lang, _ = language(request.query_params.get("lang"), request.headers.get("accept-language"))
        context = _context(lang, _raw_path(request), "", None)
        html = jinja.environment().get_template("error.html").render(context, status=404)
        return HTMLResponse(html, status_code=404, headers=headers)
    return PlainTextResponse(
        f"404 not found: {_raw_path(request)} names no resource\n", status_code=404, headers=headers
    )
