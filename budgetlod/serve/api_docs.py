"""The OpenAPI page ``/api``: Swagger UI served from the package, so that it works without a network.

FastAPI's own page loads Swagger UI from a CDN with an inline starter script; offline it is blank. Here the page is
a small HTML file whose scripts and style sheet are the server's: ``/api/assets/swagger-ui-bundle.js`` and
``/api/assets/swagger-ui.css`` (swagger-ui-dist, copied unchanged into ``budgetlod/serve/static/swagger/``; see its
``SOURCE.md``) and ``/api/assets/api.js`` (ours: it points Swagger UI at ``/openapi.json``). The page therefore
runs under the server's strict policy (``script-src 'self'``; :mod:`budgetlod.serve.security_headers`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from budgetlod import __version__

STATIC = Path(__file__).resolve().parent / "static"
ASSETS: dict[str, tuple[Path, str]] = {
    "swagger-ui-bundle.js": (STATIC / "swagger" / "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "swagger-ui.css": (STATIC / "swagger" / "swagger-ui.css", "text/css; charset=utf-8"),
    "api.js": (STATIC / "api.js", "text/javascript; charset=utf-8"),
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>budgetlod {version} — HTTP API (OpenAPI)</title>
<link rel="stylesheet" href="/api/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<noscript>The API description is at <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</noscript>
<script src="/api/assets/swagger-ui-bundle.js"></script>
<script src="/api/assets/api.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/api")
def api_page() -> HTMLResponse:
    """Swagger UI for ``/openapi.json``, from the server's own copy."""
    return HTMLResponse(PAGE.format(version=__version__))


@router.get("/api/assets/{name}")
def api_asset(name: str) -> Response:
    """One of the page's files (a fixed list: nothing else of the package is reachable)."""
    entry = ASSETS.get(name)
    if entry is None:
        return Response(f"no such asset: {name}\n", status_code=404, media_type="text/plain; charset=utf-8")
    path, media_type = entry
    return Response(path.read_bytes(), media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})
