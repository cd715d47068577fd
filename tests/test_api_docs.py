"""The OpenAPI page ``/api`` works offline (issue 18): Swagger UI is served from the package, not from a CDN.

A real Chromium renders the page from the live server and the only resources it loads are the server's own; the
assets are the files ``budgetlod/serve/static/swagger/SOURCE.md`` names, byte for byte (its SHA-256 hashes).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from live_server import LiveServer, get

SWAGGER = Path(__file__).resolve().parents[1] / "budgetlod" / "serve" / "static" / "swagger"


def test_api_page_names_only_the_servers_own_assets(live_server: LiveServer) -> None:
    answer = get(live_server, "/api")
    assert answer.status == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
    assert sources == [
        "/api/assets/swagger-ui.css",
        "/openapi.json",
        "/api/assets/swagger-ui-bundle.js",
        "/api/assets/api.js",
    ]
    assert "<script>" not in answer.text  # no inline script: the page runs under the strict policy
    assert "script-src 'self';" in answer.headers["content-security-policy"]
    assert "cdn" not in answer.headers["content-security-policy"]


def test_api_assets_are_swagger_ui_dist_as_published(live_server: LiveServer) -> None:
    source = (SWAGGER / "SOURCE.md").read_text(encoding="utf-8")
    assert "swagger-ui-dist 5.36.0" in source
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        answer = get(live_server, f"/api/assets/{name}")
        assert answer.status == 200, name
        digest = hashlib.sha256(answer.body).hexdigest()
        assert f"{name} `{digest}`" in source, f"{name}: {digest} is not the hash SOURCE.md gives"
    assert get(live_server, "/api/assets/api.js").headers["content-type"].startswith("text/javascript")
    missing = get(live_server, "/api/assets/..%2F..%2Fcli.py")
    assert missing.status == 404


def test_api_page_renders_in_a_browser_from_the_server_alone(browser: object, live_server: LiveServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(f"{live_server.url}/api")  # type: ignore[attr-defined]
    title = WebDriverWait(driver, 60).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .info .title"))
    )
    assert title.text.startswith("budgetlod")
    operations = driver.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")  # type: ignore[attr-defined]
    assert "/sparql" in {o.get_attribute("data-path") for o in operations}
    loaded = driver.execute_script(  # type: ignore[attr-defined]
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded, "the page loaded nothing"
    assert all(url.startswith(live_server.url) for url in loaded), loaded
