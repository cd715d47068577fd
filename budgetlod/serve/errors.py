"""What each failure means over HTTP: one table for ``/sparql``, ``/queries/{name}`` and the pages.

The rule it encodes: the **client's** mistake is a 4xx (a query that does not parse: 400; a result kind no accepted
format can give: 406; too many requests from one client: 429); a **limit of the server** — a query stopped at its time
or memory limit, a full queue — is 503 with ``Retry-After`` (trying again later may work); a store that cannot be
read is 503 without it (trying again will not help until an operator acts); a **remote store's** failure is 502 (it
refused our query: 400 when it was the client's); anything else is 500. A syntax error in a *named* query is the
server's fault (500), not the client's.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from budgetlod.serve.admission import Busy
from budgetlod.serve.deps import get_config
from budgetlod.serve.workers import (
    STORE_FAILURES,
    NotAcceptable,
    QueryError,
    QuerySyntaxError,
    QueryTimeout,
    StoreFailed,
    StoreUnavailable,
)
from budgetlod.store.embedded import StoreError
from budgetlod.store.sparql_client import RemoteStoreError

RETRY = {"Retry-After": "1"}
log = logging.getLogger("budgetlod.serve")

# exception class → (status, message template, headers); the first class that matches wins
STATUS: tuple[tuple[type[Exception], int, str, dict[str, str]], ...] = (
    (QueryTimeout, 503, "Query stopped: {}.", RETRY),
    (StoreUnavailable, 503, "The store is not available: {}", {}),
    (QuerySyntaxError, 400, "SPARQL syntax error: {}", {}),
    (QueryError, 500, "The query failed: {}", {}),
)


def text(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def query_failure(exc: QueryError | Busy, *, named: bool = False) -> tuple[int, str, dict[str, str]]:
    """Status, message and headers of a query that could not be answered (``named``: one of the server's own)."""
    if isinstance(exc, Busy):
        return exc.status, exc.message, exc.headers
    if isinstance(exc, StoreFailed):  # the remote store refused (400) or failed (502)
        return (502 if named else exc.status), f"The query failed: {exc}", {}
    if isinstance(exc, NotAcceptable):
        return 406, f"{exc.kind} results cannot be given in any format the request accepts.", {"Vary": "Accept"}
    if named and isinstance(exc, QuerySyntaxError):
        return 500, f"The query failed: {exc}", {}
    for kind, status, template, headers in STATUS:
        if isinstance(exc, kind):
            return status, template.format(exc), dict(headers)
    return 500, f"The query failed: {exc}", {}  # pragma: no cover - every QueryError is a row above


def store_unreadable(request: Request, exc: Exception) -> PlainTextResponse:
    """A page's read of the embedded store failed: 503 with the reason when the store is damaged or gone (pyoxigraph
    raises RocksDB's "Corruption: …" as RuntimeError), else 500 without the details (logged by the server)."""
    reason = " ".join(str(exc).split())
    if isinstance(exc, StoreError) or reason.startswith(STORE_FAILURES):
        return text(503, f"The store is not available: {reason[:300]}")
    log.error("internal error answering %s", request.url.path, exc_info=exc)
    return text(500, "Internal error (logged by the server).")


def store_failed(request: Request, exc: Exception) -> PlainTextResponse:
    """A page's read of the remote store failed: 503 (no answer, in time or at all) or 502."""
    from budgetlod.serve.remote_backend import failure

    assert isinstance(exc, RemoteStoreError)
    error = failure(exc, float(get_config(request).query_timeout))
    if isinstance(error, QueryTimeout):
        return text(503, f"Query stopped: {error}.", dict(RETRY))
    if isinstance(error, StoreUnavailable):
        return text(503, f"The store is not available: {error}")
    return text(502, f"{str(error)[:1].upper()}{str(error)[1:]}")


def install(app: FastAPI) -> None:
    """The app's handlers for what a page's read of the store can raise."""

    app.add_exception_handler(RemoteStoreError, store_failed)  # a read of a remote store failed
    for kind in (StoreError, RuntimeError, OSError):
        app.add_exception_handler(kind, store_unreadable)
