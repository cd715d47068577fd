"""The command line as a user runs it: a real process, stdout/stderr and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from paths import SAMPLE

from budgetlod import pipeline, reference

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "cases" / "sample" / "snapshot.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "budgetlod", *args], capture_output=True, text=True, timeout=120)


def test_parse_summary_of_the_sample() -> None:
    result = run("parse", str(SAMPLE))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "wlmq-12345-hotline-2024-unit-budget.txt: 乌鲁木齐市12345政务服务热线中心 2024 单位预算 (published 2024-03-01)"
    )
    assert "  tables: 11 found, 3 empty; 148 figures in 71 rows" in lines
    assert "    t01 单位收支总体情况表: 7 figures in 7 rows (50 blank rows)  收入总计 1,487.40 万元" in lines
    assert "    t06 一般公共预算基本支出情况表: 49 figures in 24 rows  总计 502.40 万元" in lines
    assert "    t08 政府性基金预算支出情况表: empty (stated)" in lines
    assert "  profile: 编制数 34, 实有人数 33, 在职 30, 退休 3, 离休 0" in lines
    assert lines[-1] == "  findings: 0 errors, 0 warnings, 5 notes"
    assert result.stderr.count("[INFO]") == 5 and "[WARNING]" not in result.stderr


def test_parse_counts_the_figures_printed_not_the_template_rows() -> None:
    """Issue 18: "57 rows" where 7 figures were printed. The summary counts the figures (values not blank) and the
    rows holding one; the template's blank rows are said apart. By hand, from the example: 表1 prints 7 figures
    (本年收入, 一般公共预算拨款, 其中：一般财力, 收入总计; 201 一般公共服务支出, 208 社会保障和就业支出,
    支出总计), one a row of its 57; 表10 prints 6 (合计 and 公务用车购置及运行费（小计） and 公务用车运行费,
    each 合计 and 一般公共预算) in 3 of its 6 rows. The 148 figures are the 148 observations of its graph."""
    lines = run("parse", "--quiet", str(SAMPLE)).stdout.splitlines()
    assert lines[1:4] == [
        "  tables: 11 found, 3 empty; 148 figures in 71 rows",
        "    t01 单位收支总体情况表: 7 figures in 7 rows (50 blank rows)  收入总计 1,487.40 万元",
        "    t02 单位收入总体情况表: 27 figures in 9 rows  总计 1,487.40 万元",
    ]
    assert "    t10 财政拨款“三公”经费支出情况表: 6 figures in 3 rows (3 blank rows)  合计 3.78 万元" in lines
    quads = pipeline.convert([SAMPLE], validate=False).quads
    observation = "http://purl.org/linked-data/cube#Observation"
    assert sum(1 for q in quads if q.predicate.value.endswith("#type") and q.object.value == observation) == 148


SMALL = """乌鲁木齐市 12345 政务服务热线中心

2024 年单位预算公开

表 10

财政拨款“三公”经费支出情况表

单位：万元

| “三公”经费支出内容 | 合计 | 资金来源 | | |
|-----------------------|-------------|-------------|-------|--------------|
| | | 一般公共预算 | 政府性基金 | 国有资本经营 预算 |
| ※ | 1 | 2 | 3 | 4 |
| 合计 | 3.78 | 3.78 | | |
| 因公出国（境）费 | | | | |
| 公务接待费 | | | | |
| 其中：公务用车购置费 | | | | |
"""


def test_a_table_of_blank_rows_and_two_figures(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text(SMALL, encoding="utf-8")
    lines = run("parse", "--quiet", str(path)).stdout.splitlines()
    assert lines[1:3] == [
        "  tables: 1 found, 0 empty; 2 figures in 1 row",
        "    t10 财政拨款“三公”经费支出情况表: 2 figures in 1 row (3 blank rows)  合计 3.78 万元",
    ]


def test_parse_json_keeps_decimals_as_printed(update_snapshots: bool) -> None:
    result = run("parse", "--json", "--quiet", str(SAMPLE))
    assert result.returncode == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["format"] == "budgetlod-parse/1"
    t01 = data["tables"][0]
    assert t01["id"] == "t01" and t01["unit"] == "万元"
    first = t01["rows"][0]
    assert (first["name"], first["side"], first["values"], first["line"]) == (
        "本年收入",
        "income",
        {"预算数": "1487.40"},
        79,
    )
    blank = t01["rows"][3]
    assert (blank["name"], blank["values"]) == ("外交支出", {"预算数": None})
    t02_row = data["tables"][1]["rows"][3]
    assert (t02_row["codes"], t02_row["name"], t02_row["level"]) == (["201", "03", "50"], "事业运行", "项")
    data["source"]["path"] = "examples/" + data["source"]["name"]  # independent of where the test runs
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if update_snapshots:
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8"), "run pytest --update-snapshots and review the diff"


def test_strict_exits_1_on_warnings(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("| 14.08 | | 14.08 |", "| 14.08 | | 14,08x |"))
    assert run("parse", str(path)).returncode == 0
    strict = run("parse", "--strict", str(path))
    assert strict.returncode == 1
    assert f"[WARNING] {path}:248 表6 公用经费: malformed amount '14,08x'" in strict.stderr


def test_version_and_settings() -> None:
    assert run("--version").stdout.strip() == "budgetlod, version 0.1.0"
    settings = run("settings").stdout
    assert "max_input_bytes = 10485760  (BUDGETLOD_MAX_INPUT_BYTES; default 10485760)" in settings.splitlines()
    assert settings.startswith("base_iri = 'https://w3id.org/budgetlod/id/'  (BUDGETLOD_BASE_IRI;")


def test_generated_reference_pages_are_current() -> None:
    for name, render in reference.PAGES.items():
        committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert committed == render(), f"docs/{name} is stale: run python -m budgetlod.reference docs"
