"""The headers every answer of the server carries, so that a page cannot be turned against its reader.

* ``Content-Security-Policy``: scripts only from the server itself (no inline script: the query page's script is
  ``/sparql/query.js``; ``<script type="application/ld+json">`` data blocks are never run), no plugins, no base
  or form targets elsewhere, no framing (``frame-ancestors 'none'``). Inline *styles* are allowed: the pages
  carry their small style sheet inline, and every value in a page is escaped (a style cannot run script).
  ``/api`` (the OpenAPI page) runs under the same policy: Swagger UI is served from the package
  (:mod:`budgetlod.serve.api_docs`), with no CDN and no inline script.
* ``X-Content-Type-Options: nosniff``: an answer is read as the type it says (a CSV never runs as a script).
* ``X-Frame-Options: DENY`` (for browsers without ``frame-ancestors``), ``Referrer-Policy: same-origin``.

A pure ASGI middleware (cheaper than Starlette's ``BaseHTTPMiddleware``, and it does not buffer streamed bodies).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = HEADERS
        names = {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)
