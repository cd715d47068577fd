"""The HTTP server: an app factory, routers, the store injected (FastAPI).

The store is a :class:`~budgetlod.serve.backend.Backend` made from the configuration — the embedded store, or a
remote SPARQL 1.1 store (``config.endpoint``) — kept on ``app.state`` with the configuration, the admission
(:mod:`budgetlod.serve.admission`) and the document cache, and given to the routers by the dependencies of
:mod:`budgetlod.serve.deps`. What each failure means over HTTP is :mod:`budgetlod.serve.errors`; every answer carries
the headers of :mod:`budgetlod.serve.security_headers`.

Routers: :mod:`budgetlod.serve.sparql` (the SPARQL 1.1 protocol at ``/sparql``),
:mod:`budgetlod.serve.pages` (Linked Data: every minted IRI dereferences),
:mod:`budgetlod.serve.queries` (the named queries), :mod:`budgetlod.serve.publishing` (JSON-LD context,
DCAT-AP catalogue, VoID), and the health check here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse

from budgetlod import __version__
from budgetlod.serve import errors
from budgetlod.serve.admission import Admission
from budgetlod.serve.backend import make_backend
from budgetlod.serve.cache import DocumentCache
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.deps import BackendDep, ConfigDep
from budgetlod.serve.security_headers import SecurityHeaders
from budgetlod.store.embedded import StoreError

health = APIRouter()


@health.get("/", include_in_schema=False)
def home(config: ConfigDep) -> RedirectResponse:
    """The entry page: the list of budget units (every page links to the SPARQL query page)."""
    from budgetlod.present.describe import Site

    return RedirectResponse(Site(config.base_iri).data_prefix, status_code=303)


@health.get("/health")
def health_check(backend: BackendDep) -> JSONResponse:
    """Store reachable (which store: embedded with its snapshot, or remote with its endpoint), graph and triple
    counts, the query workers and their network isolation, version. 503 with the reason when the store cannot be
    read (no data yet, damaged)."""
    try:
        figures = backend.health()
    except (StoreError, OSError, RuntimeError) as exc:  # RuntimeError: RocksDB's "Corruption: …" while counting
        return JSONResponse(
            {"status": "error", "store": backend.kind, "error": str(exc) or type(exc).__name__, "version": __version__},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "version": __version__, **figures})


def create_app(config: ServerConfig | None = None) -> FastAPI:
    config = config or ServerConfig.from_settings()
    backend = make_backend(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        backend.start()
        try:
            yield
        finally:
            backend.close()

    app = FastAPI(title="budgetlod", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.config = config
    app.state.backend = backend
    app.state.admission = Admission(config)
    app.state.documents = DocumentCache()
    errors.install(app)  # what a page's read of the store can raise
    if config.cors:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_credentials=False,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-Result-Truncated", "X-Result-Truncated-By", "X-Row-Limit", "X-Answer-Byte-Limit"],
        )
    app.add_middleware(SecurityHeaders)
    from budgetlod.serve import api_docs, pages, publishing, queries, sparql

    app.include_router(health)
    app.include_router(api_docs.router)
    app.include_router(sparql.router)
    app.include_router(queries.router)
    app.include_router(publishing.router)
    app.include_router(pages.router)
    return app
