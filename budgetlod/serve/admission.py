"""Which query requests the server takes on: a bounded queue, and a share per client.

Every request that runs a query (``/sparql`` with a query, ``/queries/{name}``) is admitted here before it waits for
a worker (:class:`budgetlod.serve.pool.QueryPool`): at most ``capacity`` such requests at once — the workers
(``query_workers + long_queries``) and ``query_queue`` waiting — and at most ``client_queries`` from one client
address. Past either the request is refused at once, 503 (the server is full) or 429 (this client has enough
running), both with ``Retry-After``: nobody waits in a queue that cannot move. Pages, ``/health`` and the other
documents never pass here and never wait for a query worker.

Admission runs on the event loop only (no lock needed): :meth:`Admission.enter` and :meth:`Admission.leave` are
called by the request's own coroutine, around the wait for its answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request

from budgetlod.serve.config import ServerConfig

RETRY_AFTER_SECONDS = 2


class Busy(Exception):
    """A query request refused by admission; ``status`` 503 or 429, ``str()`` the message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}


class Admission:
    def __init__(self, config: ServerConfig) -> None:
        self.capacity = max(1, config.query_workers) + max(0, config.long_queries) + max(0, config.query_queue)
        self.per_client = max(1, config.client_queries)
        self.running: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self.running.values())

    def enter(self, client: str) -> None:
        if self.total >= self.capacity:
            raise Busy(
                503,
                f"The server is busy: {self.total} queries are running or waiting, its limit; try again in "
                f"{RETRY_AFTER_SECONDS} s.",
            )
        if self.running[client] >= self.per_client:
            raise Busy(
                429,
                f"Too many queries from {client}: {self.running[client]} are running or waiting, the limit per "
                f"client; wait for an answer, or try again in {RETRY_AFTER_SECONDS} s.",
            )
        self.running[client] += 1

    def leave(self, client: str) -> None:
        self.running[client] -= 1
        if self.running[client] <= 0:
            del self.running[client]


def client_of(request: Request) -> str:
    """The client's address (behind a proxy: as uvicorn's forwarded-allow-ips makes it)."""
    return request.client.host if request.client is not None else "unknown"


@asynccontextmanager
async def admitted(request: Request) -> AsyncIterator[None]:
    """Hold a place for one query request of this client; raises :class:`Busy` when none is free."""
    admission: Admission = request.app.state.admission
    client = client_of(request)
    admission.enter(client)
    try:
        yield
    finally:
        admission.leave(client)
