"""What portals and harvesters fetch from the server: the JSON-LD context, the DCAT-AP catalogue, VoID.

* ``GET /context/v1.jsonld`` — the context at the path of its IRI (``https://w3id.org/budgetlod/context/v1.jsonld``),
  with an ETag and ``Cache-Control: public, max-age=31536000, immutable`` (a versioned context never changes: a
  new version gets a new IRI), ``304`` on ``If-None-Match``.
* ``GET /catalog`` — the DCAT-AP 3 catalogue of the store's disclosures (Turtle, JSON-LD or N-Triples by suffix or
  Accept); distributions point at the server's representations of each disclosure (without byte sizes and
  checksums: those are known for the files of a published site, ``budgetlod publish``).
* ``GET /.well-known/void`` — the VoID description (RFC 5785 location from the VoID guide): statistics, the SPARQL
  endpoint, one subset per disclosure.

Catalogue and VoID are computed once per store snapshot (a remote store: once a minute at most) and base URL, then
served from memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from pyoxigraph import Triple

from budgetlod import resources
from budgetlod.formats import JSONLD, PAGE_RDF_FORMATS, Format, negotiate, split_suffix, to_bytes
from budgetlod.present.describe import Site
from budgetlod.publish import catalog, catalog_files, void
from budgetlod.publish.jsonld import CONTEXT_IRI, compact_document, dumps
from budgetlod.serve.backend import Backend
from budgetlod.serve.cache import DocumentCache
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.deps import BackendDep, ConfigDep, DocumentsDep
from budgetlod.settings import setting
from budgetlod.store.base import QuadReader
from budgetlod.store.embedded import StoreError

router = APIRouter(tags=["publishing"])
CONTEXT_FILE = CONTEXT_IRI.rsplit("/", 1)[-1]
IMMUTABLE = "public, max-age=31536000, immutable"


def base_url(request: Request, config: ServerConfig) -> str:
    """The server's public URL, ending with '/' (setting public_base_url, else the request's)."""
    base = config.public_base_url or str(request.base_url)
    return base if base.endswith("/") else base + "/"


@router.get("/context/{name}", summary="The JSON-LD context (versioned)")
def context(name: str, request: Request) -> Response:
    if name != CONTEXT_FILE:
        return PlainTextResponse(f"404 not found: no context {name}; the current one is /context/{CONTEXT_FILE}\n", 404)
    body = resources.context_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSONLD.media_type, headers=headers)


Maker = Callable[[QuadReader, str, ServerConfig], list[Triple]]


def _document(
    request: Request, config: ServerConfig, backend: Backend, documents: DocumentCache, name: str, make: Maker
) -> Response:
    """One of the publishing documents, in the representation asked for, from the cache."""
    _, chosen = split_suffix(request.url.path)
    rep: Format | None = chosen if chosen in PAGE_RDF_FORMATS else None
    rep = rep or negotiate(request.headers.get("accept"), PAGE_RDF_FORMATS)
    if rep is None:
        available = ", ".join(r.media_type for r in PAGE_RDF_FORMATS)
        return PlainTextResponse(f"not acceptable; available: {available}\n", 406, headers={"Vary": "Accept"})
    try:
        store = backend.store()
    except StoreError as exc:
        return PlainTextResponse(f"store unavailable: {exc}\n", status_code=503)
    base = base_url(request, config)
    key = (backend.version or "", base, name)

    def triples() -> list[Triple]:
        return documents.get(key, lambda: make(store, base, config))  # type: ignore[return-value]

    def body() -> bytes:
        if name == "catalog" and rep is JSONLD:  # as harvesters read it: the context inline, Chinese text first
            return catalog_files.catalogue_jsonld(triples())
        if name == "catalog" and rep.name == "ttl":
            return catalog_files.catalogue_turtle(triples())
        return dumps(compact_document(triples())) if rep is JSONLD else to_bytes(triples(), rep.name)

    data = documents.get((*key, rep.name), body)
    assert isinstance(data, bytes)
    return Response(data, media_type=rep.content_type, headers={"Vary": "Accept"})


def _catalogue(store: QuadReader, base: str, config: ServerConfig) -> list[Triple]:
    site = Site(config.base_iri)

    def page_of(iri: str) -> str:
        return base.rstrip("/") + (site.path_of(iri) or "")

    return catalog.catalogue_triples(
        catalog.dataset_infos(store),
        base_url=base,
        landing_page=lambda iri: page_of(iri) + ".html",
        distributions=lambda info: [
            catalog.DistributionFile("jsonld", page_of(info.iri) + ".jsonld", "application/ld+json"),
            catalog.DistributionFile("ttl", page_of(info.iri) + ".ttl", "text/turtle"),
        ],
        sparql_endpoint=base + "sparql",
    )


def _void(store: QuadReader, base: str, config: ServerConfig) -> list[Triple]:
    dumps_ = str(setting("data_dumps")).split()
    return void.void_triples(store, base_url=base, sparql_endpoint=base + "sparql", data_dumps=dumps_)


@router.get("/catalog", summary="The DCAT-AP catalogue")
@router.get("/catalog.{suffix}", include_in_schema=False)
def catalogue(
    request: Request,
    config: ConfigDep,
    backend: BackendDep,
    documents: DocumentsDep,
    suffix: str = "",
) -> Response:
    return _document(request, config, backend, documents, "catalog", _catalogue)


@router.get("/.well-known/void", summary="The VoID description")
@router.get("/void", include_in_schema=False)
def void_description(request: Request, config: ConfigDep, backend: BackendDep, documents: DocumentsDep) -> Response:
    return _document(request, config, backend, documents, "void", _void)
