from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import SAMPLE
from tools import require

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["run_policy"]  # --run-slow, and in CI no skip the allow-list (tests/allowed-skips.txt) lacks


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite snapshot files (tests/cases/*/snapshot.*) from the current output instead of comparing.",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def live_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store ingested from the sample and 20 generated disclosures (built once per test run)."""
    from live_server import build_store

    return build_store(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def live_server(live_store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``budgetlod serve`` running on a free loopback port over ``live_store`` (query timeout 3 s, row limit 1000)."""
    from live_server import running_server

    with running_server(live_store, tmp_path_factory.mktemp("server")) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven through its chromedriver (no download), for one test module."""
    chromium, driver = require("chromium"), shutil.which("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(driver), options=options)  # a given driver: no download
    session.set_page_load_timeout(60)
    try:
        yield session
    finally:
        session.quit()
