"""`budgetlod validate` as a user runs it, and validation results as data (DQV) in the converted graph."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import SAMPLE
from pyoxigraph import RdfFormat, Store

from budgetlod.formats import to_bytes
from budgetlod.pipeline import convert
from budgetlod.prefixes import sparql_header

GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
WRONG_ROW = (
    "| 208 | 05 | 05 | 机关事业单位基本养老保险缴费支出 | 52.55 | 52.55 | |\n\n表 4",
    "| 208 | 05 | 05 | 机关事业单位基本养老保险缴费支出 | 52.55 | 52.55 | 1.00 |\n\n表 4",
)
MESSAGE = "表3 第9行 2080505 机关事业单位基本养老保险缴费支出：合计 52.55 ≠ 基本支出 52.55 + 项目支出 1.00 = 53.55"


@pytest.fixture(scope="module")
def wrong(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("validate") / "wrong.txt"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace(*WRONG_ROW), encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "budgetlod", *args], capture_output=True, text=True, timeout=300)


def test_the_sample_conforms() -> None:
    result = run("validate", str(SAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{SAMPLE}: 0 violations, 0 warnings, 0 notes"


def test_a_wrong_sum_is_a_located_violation_and_exit_1(wrong: Path) -> None:
    result = run("validate", str(wrong), str(SAMPLE))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{wrong}: ") and " violations" in lines[0]
    assert f"[VIOLATION] {wrong}:155 {MESSAGE} (RowTotalIsSumOfColumns)" in lines
    severities = [line.split("]")[0] for line in lines if line.startswith("[")]
    assert severities == sorted(severities, key=["[VIOLATION", "[WARNING", "[INFO"].index)  # grouped by severity
    assert f"{SAMPLE}: 0 violations, 0 warnings, 0 notes" in lines
    english = run("validate", "--lang", "en", str(wrong)).stdout
    assert f"[VIOLATION] {wrong}:155 Table 3" in english


def test_the_shacl_report_as_turtle(wrong: Path) -> None:
    result = run("validate", "--format", "ttl", str(wrong))
    assert result.returncode == 1
    store = Store()
    store.load(result.stdout.encode(), format=RdfFormat.TURTLE)
    ask = (
        sparql_header()
        + """ASK { ?report a sh:ValidationReport ; sh:conforms false ; sh:result ?r .
        ?r sh:sourceShape blsh:RowTotalIsSumOfColumns ; sh:resultSeverity sh:Violation ;
           sh:sourceConstraintComponent sh:SPARQLConstraintComponent }"""
    )
    assert bool(store.query(ask))


def test_cannot_run_is_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("validate", str(empty))
    assert result.returncode == 2 and result.stderr.strip() == f"[ERROR] {empty}: file is empty"


def test_findings_become_dqv_quality_annotations_a_sparql_user_can_list(wrong: Path) -> None:
    converted = convert(wrong)
    store = Store()
    store.load(to_bytes(converted.quads + convert(SAMPLE).quads, "nq"), format=RdfFormat.N_QUADS)
    query = (
        sparql_header()
        + """
      SELECT ?disclosure ?line ?message WHERE { GRAPH ?disclosure {
        ?disclosure dqv:hasQualityAnnotation ?a .
        ?a a dqv:QualityAnnotation ; sh:sourceShape blsh:RowTotalIsSumOfColumns ;
           sh:resultSeverity sh:Violation ; bl:sourceLine ?line ; oa:bodyValue ?message ;
           oa:hasTarget ?disclosure ; sh:focusNode ?focus .
        FILTER(LANG(?message) = "zh") } }"""
    )
    rows = [(r["disclosure"].value, int(r["line"].value), r["message"].value) for r in store.query(query)]  # type: ignore[union-attr]
    assert (GRAPH, 155, MESSAGE) in rows
