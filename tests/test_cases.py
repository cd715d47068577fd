"""Every case folder under tests/cases: its source parses to the hand-checked figures.

A case is ``tests/cases/<name>/`` with ``meta.json`` and a source (``source.txt`` or
``meta["source"]``).  ``meta["expected"]`` (default ``expected.tsv``) lists every
printed figure (see ``cases/sample/expected.tsv``).  Figures are compared in yuan,
so a variant printed in 元 matches the sample printed in 万元.  ``meta["xfail"]``
marks a known failure with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from expected import parsed_figures, read_expected

from budgetlod.model import UNIT_MULTIPLIERS
from budgetlod.parse.document import parse_file

CASES = Path(__file__).resolve().parent / "cases"


def _cases() -> list[Any]:
    params = []
    for folder in sorted(p for p in CASES.iterdir() if (p / "meta.json").is_file()):
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        marks = [pytest.mark.xfail(reason=meta["xfail"], strict=True)] if meta.get("xfail") else []
        params.append(pytest.param(folder, meta, id=folder.name, marks=marks))
    return params


def source_of(folder: Path, meta: dict[str, Any]) -> Path:
    return (folder / meta.get("source", "source.txt")).resolve()


@pytest.mark.parametrize(("folder", "meta"), _cases())
def test_case_figures(folder: Path, meta: dict[str, Any]) -> None:
    disclosure = parse_file(source_of(folder, meta))
    expected_path = (folder / meta.get("expected", "expected.tsv")).resolve()
    scale = UNIT_MULTIPLIERS[meta.get("expected_unit", "万元")]
    expected = {k: (v * scale, line) for k, (v, line) in read_expected(expected_path).items()}
    got = parsed_figures(disclosure)
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    assert not missing, f"figures not read: {missing[:5]}"
    assert not extra, f"figures read that the document does not print: {extra[:5]}"
    wrong = [(k, expected[k][0], got[k][0]) for k in expected if expected[k][0] != got[k][0]]
    assert not wrong, f"figures differ (key, expected, got): {wrong[:5]}"
    if meta.get("check_lines", True):
        lines = [(k, expected[k][1], got[k][1]) for k in expected if expected[k][1] != got[k][1]]
        assert not lines, f"source lines differ (key, expected, got): {lines[:5]}"
    unit = meta.get("unit", "万元")
    assert {t.unit for t in disclosure.tables} == {unit}
    assert sorted(t.id for t in disclosure.tables if t.empty) == ["t08", "t09", "t11"]
    assert all("为空表" in (t.empty_note or "") for t in disclosure.tables if t.empty)
    assert len(disclosure.tables) == 11 and disclosure.missing == []
    assert disclosure.meta.unit == "乌鲁木齐市12345政务服务热线中心"
    assert (disclosure.meta.year, disclosure.meta.level, disclosure.meta.phase) == (2024, "单位", "预算")
    not_info = [f for f in disclosure.findings if f.severity != "info"]
    assert not_info == []


def test_variant_sources_are_current() -> None:
    """The committed variant sources are what tests/variants.py generates."""
    from variants import BYTE_VARIANTS, TEXT_VARIANTS, render

    for name in [*TEXT_VARIANTS, *BYTE_VARIANTS]:
        committed = (CASES / name / "source.txt").read_bytes()
        assert committed == render(name), f"tests/cases/{name}/source.txt is stale: run python tests/variants.py"
