"""The README's Quick start is exactly two commands; the second is the test script, which .ci/run runs verbatim and
which does everything a fresh clone needs before the tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_quick_start_has_two_commands_and_ci_runs_the_second() -> None:
    main_job, tests = quick_start_commands()
    assert "budgetlod ingest examples/wlmq-12345-hotline-2024-unit-budget.txt && " in main_job
    assert main_job.endswith("budgetlod serve")
    assert (ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt").is_file()
    assert tests == "bash .ci/test"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == tests  # the last thing CI does
    assert "export CI=true" in ci  # strict skips and the slow tests in CI (tests/run_policy.py)


def script_steps() -> list[str]:
    """The commands of .ci/test, comments and blank lines left out."""
    lines = (ROOT / ".ci" / "test").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_the_test_script_installs_what_a_fresh_clone_lacks_then_checks_in_order() -> None:
    steps = script_steps()
    text = "\n".join(steps)
    order = [
        "python3 -m venv .venv",
        ".venv/bin/pip install -q -e '.[test,docs]'",
        "npm ci",
        "bash tests/ckan/setup.sh",
        ".venv/bin/ruff check budgetlod tests bench",
        ".venv/bin/mypy",
        "exec .venv/bin/python -m pytest -q --run-slow --strict-skips",
        "exec .venv/bin/python -m pytest -q",
    ]
    positions = [text.find(step) for step in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    assert "set -euo pipefail" in steps  # a failing step stops it
    assert "[ -f tests/ckan/setup.sh ]" in text and "tests/node/package-lock.json" in text
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert {"test", "docs"} <= set(extras)


def test_the_default_run_leaves_out_the_slow_tests_and_the_readme_says_how_to_run_them() -> None:
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    options = pytest_options["ini_options"]
    assert options["addopts"][-2:] == ["-m", "not slow"]
    assert any(marker.startswith("slow:") for marker in options["markers"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "**Running the slow tests**: `bash .ci/test -m slow`" in readme and "--run-slow" in readme
