"""The README's Quick start is exactly two commands, and .ci/run runs the test one verbatim."""

from __future__ import annotations

import re
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
    assert tests.endswith("python -m pytest -q")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci
