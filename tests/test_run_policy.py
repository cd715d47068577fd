"""The run policy (tests/run_policy.py) in a pytest of its own: in CI a skip the allow-list lacks fails the run and
is listed; an allowed skip or a run outside CI passes; ``--run-slow`` brings back the tests ``-m "not slow"`` left
out. And the repository's allow-list allows no missing tool."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
from pathlib import Path

from paths import ROOT
from run_policy import ALLOWED, allowed_patterns
from tools import missing

TESTS = ROOT / "tests"
MODULE = '''
import pytest

def test_runs():
    assert True

def test_needs_a_tool():
    pytest.skip("needs frobnicator: frob not on PATH")

def test_sandboxed():
    pytest.skip("this machine allows no network namespace")

@pytest.mark.xfail(reason="known", strict=True)
def test_known_failure():
    assert False

@pytest.mark.slow
def test_slow():
    assert True
'''


def run(folder: Path, *args: str, ci: bool) -> subprocess.CompletedProcess[str]:
    (folder / "test_sample.py").write_text(MODULE, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: slow\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    if ci:
        env["CI"] = "true"
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "pytest", "-p", "run_policy", "-p", "no:cacheprovider", "-rs", *args]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def allow(folder: Path, *patterns: str) -> str:
    path = folder / "allowed.txt"
    path.write_text("# what this machine cannot do\n" + "".join(f"{p}  # why\n" for p in patterns), encoding="utf-8")
    return f"--allowed-skips={path}"


def test_in_ci_a_skip_the_list_lacks_fails_the_run_and_is_named(tmp_path: Path) -> None:
    done = run(tmp_path, allow(tmp_path, "this machine allows no network namespace"), ci=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 passed, 2 skipped, 1 xfailed" in done.stdout  # every test passed: the skip alone fails the run
    assert "skips CI should have removed" in done.stdout
    assert "SKIP NOT ALLOWED test_sample.py::test_needs_a_tool: needs frobnicator: frob not on PATH" in done.stdout
    assert "SKIP NOT ALLOWED test_sample.py::test_sandboxed" not in done.stdout


def test_in_ci_allowed_skips_pass(tmp_path: Path) -> None:
    done = run(tmp_path, allow(tmp_path, "needs frob*", "*no network namespace"), ci=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skips CI should have removed" not in done.stdout


def test_strict_skips_flag_does_what_ci_does(tmp_path: Path) -> None:
    done = run(tmp_path, allow(tmp_path), "--strict-skips", ci=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count("SKIP NOT ALLOWED") == 2


def test_outside_ci_a_skip_is_only_reported_with_its_reason(tmp_path: Path) -> None:
    done = run(tmp_path, allow(tmp_path), ci=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SKIPPED [1] test_sample.py:8: needs frobnicator: frob not on PATH" in done.stdout
    assert "SKIP NOT ALLOWED" not in done.stdout


def test_a_failing_run_keeps_its_own_exit_status(tmp_path: Path) -> None:
    (tmp_path / "test_broken.py").write_text("def test_broken():\n    assert 1 == 2\n", encoding="utf-8")
    done = run(tmp_path, allow(tmp_path), ci=True)
    assert done.returncode == 1 and "1 failed" in done.stdout and "SKIP NOT ALLOWED" in done.stdout


def test_run_slow_brings_back_what_not_slow_leaves_out(tmp_path: Path) -> None:
    default = run(tmp_path, "-m", "not slow", ci=False)
    assert "1 passed, 2 skipped, 1 deselected, 1 xfailed" in default.stdout, default.stdout
    everything = run(tmp_path, "-m", "not slow", "--run-slow", ci=False)
    assert "2 passed, 2 skipped, 1 xfailed" in everything.stdout and "deselected" not in everything.stdout
    only = run(tmp_path, "-m", "slow", ci=False)
    assert "1 passed, 4 deselected" in only.stdout, only.stdout


def test_the_repository_allows_no_missing_tool() -> None:
    """No line of tests/allowed-skips.txt lets a tool of tests/tools.py, a Node package or CKAN skip in CI."""
    patterns = allowed_patterns(ALLOWED)
    reasons = [missing(name) or f"needs {name}: (a reason)" for name in ("chromium", "soffice", "node", "npm:jsonld")]
    reasons += ["needs virtuoso: virtuoso-t is not installed", "the CKAN harvester's venv is absent (tests/ckan/.venv/bin/python): make it with `bash tests/ckan/setup.sh`"]
    assert [(r, p) for r in reasons for p in patterns if fnmatch.fnmatchcase(r, p)] == []
