"""The HTTP server: an app factory, routers, the store injected (FastAPI).

The store is a :class:`~budgetlod.serve.backend.Backend` made from the configuration — the embedded store, or a
remote SPARQL 1.1 store (``config.endpoint``) — and given to the routers by ``Depends(get_backend)``.

Routers: :mod:`budgetlod.serve.sparql` (the SPARQL 1.1 protocol at ``/sparql``),
:mod:`budgetlod.serve.pages` (Linked Data: every minted IRI dereferences),
:mod:`budgetlod.serve.queries` (the named queries), :mod:`budgetlod.serve.publishing` (JSON-LD context,
DCAT-AP catalogue, VoID), and the health check here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse

from budgetlod import __version__
from budgetlod.serve.backend import Backend, get_backend, make_backend
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.remote_backend import store_failed
from budgetlod.store.embedded import StoreError
from budgetlod.store.sparql_client import RemoteStoreError

health = APIRouter()


def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


@health.get("/", include_in_schema=False)
def home(config: ServerConfig = Depends(get_config)) -> RedirectResponse:  # noqa: B008
    """The entry page: the list of budget units (every page links to the SPARQL query page)."""
    from budgetlod.serve.describe import Site

    return RedirectResponse(Site(config.base_iri).data_prefix, status_code=303)


@health.get("/health")
def health_check(backend: Backend = Depends(get_backend)) -> JSONResponse:  # noqa: B008
    """Store reachable (which store: embedded with its snapshot, or remote with its endpoint), graph and triple
    counts, version."""
    try:
        figures = backend.health()
    except StoreError as exc:
        return JSONResponse(
            {"status": "error", "store": backend.kind, "error": str(exc), "version": __version__}, status_code=503
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

    app = FastAPI(title="budgetlod", version=__version__, lifespan=lifespan, docs_url="/api", redoc_url=None)
    app.state.config = config
    app.state.backend = backend
    app.add_exception_handler(RemoteStoreError, store_failed)  # a page's read of a remote store failed
    if config.cors:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_credentials=False,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-Result-Truncated", "X-Row-Limit"],
        )
    from budgetlod.serve import pages, publishing, queries, sparql

    app.include_router(health)
    app.include_router(sparql.router)
    app.include_router(queries.router)
    app.include_router(publishing.router)
    app.include_router(pages.router)
    return app
