from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"


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
