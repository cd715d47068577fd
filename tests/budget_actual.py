"""The 决算 of the bundled example's unit and year (tests/fixtures/budget-actual/), a hand-made text document in the
national 部门决算 template (f01…f09), and its variant whose 三公 预算数 disagrees with the 预算 (the bundled example):
shared by tests/test_budget_actual.py and the remote-store comparison of every named query."""

from __future__ import annotations

from pathlib import Path

from paths import ROOT

FINAL = ROOT / "tests" / "fixtures" / "budget-actual" / "wlmq-12345-hotline-2024-final-accounts.txt"

# the 决算's 三公 row with its 预算数 columns (合计, 公务用车小计, 运行费) printed as 4.00 instead of 3.78
AGREEING_ROW = "| 财政拨款 | 3.78 | 3.50 | | | 3.78 | 3.50 | | | 3.78 | 3.50 | | |"
DISAGREEING_ROW = "| 财政拨款 | 4.00 | 3.50 | | | 4.00 | 3.50 | | | 4.00 | 3.50 | | |"


def disagreeing_final() -> str:
    """The 决算's text with the 三公 预算数 printed as 4.00 (the 预算 says 3.78)."""
    text = FINAL.read_text(encoding="utf-8")
    assert text.count(AGREEING_ROW) == 1
    return text.replace(AGREEING_ROW, DISAGREEING_ROW)


def write_disagreeing_final(folder: Path) -> Path:
    """The disagreeing 决算 written into ``folder`` under the fixture's name."""
    path = folder / FINAL.name
    path.write_text(disagreeing_final(), encoding="utf-8")
    return path
