"""What the routers are given (FastAPI dependencies): the configuration, the store backend and the per-app caches.

The app factory (:func:`budgetlod.serve.app.create_app`) keeps each on ``app.state``; no module keeps server state of
its own. A router declares what it needs with the ``Annotated`` aliases::

    @router.get("/x")
    def x(config: ConfigDep, backend: BackendDep) -> Response: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from budgetlod.serve.backend import Backend
from budgetlod.serve.cache import DocumentCache
from budgetlod.serve.config import ServerConfig


def get_config(request: Request) -> ServerConfig:
    config: ServerConfig = request.app.state.config
    return config


def get_backend(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


def get_documents(request: Request) -> DocumentCache:
    """Documents computed once per store version: the catalogue, VoID, a disclosure's publication graph."""
    documents: DocumentCache = request.app.state.documents
    return documents


ConfigDep = Annotated[ServerConfig, Depends(get_config)]
BackendDep = Annotated[Backend, Depends(get_backend)]
DocumentsDep = Annotated[DocumentCache, Depends(get_documents)]
