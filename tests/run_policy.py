"""What a test run includes and what it may skip (a pytest plugin, loaded by ``tests/conftest.py``).

- ``--run-slow`` runs the tests marked ``slow`` too: the default run leaves them out (``-m "not slow"`` in
  pyproject's addopts), ``pytest -m slow`` runs only them, ``.ci/run`` runs everything.
- ``--strict-skips`` (on by itself where the environment has ``CI=true``): a skip whose reason matches no line of
  the allow-list (``tests/allowed-skips.txt``, or ``--allowed-skips FILE``) fails the run — in CI a missing tool
  is a fault of the CI script, not a reason to test less. The disallowed skips are listed at the end.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import pytest

ALLOWED = Path(__file__).resolve().parent / "allowed-skips.txt"
SKIPS = pytest.StashKey[list[tuple[str, str]]]()  # (test id, reason) of every skipped test
DISALLOWED = pytest.StashKey[list[tuple[str, str]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("budgetlod run policy")
    group.addoption("--run-slow", action="store_true", default=False,
                    help='Run the tests marked slow too (the default run has -m "not slow").')
    group.addoption("--strict-skips", action="store_true", default=False,
                    help="Fail the run on a skip the allow-list does not name (on by itself with CI=true).")
    group.addoption("--allowed-skips", default=str(ALLOWED), metavar="FILE",
                    help="The allow-list of skip reasons (glob patterns, one a line; # comments).")


def strict(config: pytest.Config) -> bool:
    return bool(config.getoption("--strict-skips")) or os.environ.get("CI", "").lower() in ("true", "1", "yes")


def allowed_patterns(path: Path) -> list[str]:
    """The allow-list's patterns: one a line, blank lines and ``#`` comments ignored."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--run-slow"):
        config.option.markexpr = ""  # overrides addopts' -m "not slow"
    config.stash[SKIPS] = []
    config.stash[DISALLOWED] = []
    config.pluginmanager.register(SkipWatch(config), "budgetlod-skip-watch")


class SkipWatch:
    """Collects the skips of the run; at its end, in strict mode, fails the run on one the allow-list lacks."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.config.stash[SKIPS].append((report.nodeid, skip_reason(report)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.skipped:  # a module skipped as a whole (pytest.importorskip, allow_module_level)
            self.config.stash[SKIPS].append((report.nodeid, skip_reason(report)))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not strict(self.config):
            return
        patterns = allowed_patterns(Path(self.config.getoption("--allowed-skips")))
        bad = [(test, why) for test, why in self.config.stash[SKIPS]
               if not any(fnmatch.fnmatchcase(why, pattern) for pattern in patterns)]
        self.config.stash[DISALLOWED] = bad
        if bad and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    bad = config.stash.get(DISALLOWED, [])
    if not bad:
        return
    terminalreporter.section("skips CI should have removed", sep="=", red=True)
    terminalreporter.line(f"{len(bad)} skipped test(s) whose reason {config.getoption('--allowed-skips')} does not "
                          "allow (strict skips: CI=true or --strict-skips); install what they need:")
    for test, why in bad:
        terminalreporter.line(f"SKIP NOT ALLOWED {test}: {why}")
