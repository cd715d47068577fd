"""Where the tests' inputs are: the repository, the bundled example disclosure, the test cases."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "wlmq-12345-hotline-2024-unit-budget.txt"
CASES = ROOT / "tests" / "cases"
