"""Bad input: a one-line reason on stderr, the documented exit code, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import SAMPLE

from budgetlod.parse.document import parse_text


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "budgetlod", *args], capture_output=True, text=True, timeout=120, env=env
    )


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\n \n\t\n", "file is empty"),
        ("今天天气很好。我们去公园散步，然后回家吃饭。\n随便写的一些文字。\n".encode(), "not a budget disclosure"),
        (bytes(range(256)) * 64, "not a text document (binary data near byte 0)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)) * 30, "not a text document"),
    ],
    ids=["empty", "blank", "random-text", "binary", "png-no-nul"],
)
def test_unreadable_input_exits_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run("parse", str(path))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"[ERROR] {path}: ") and message in line
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert f"[ERROR] {tmp_path / 'nope.txt'}: cannot read" in result.stderr
    assert "No such file or directory" in result.stderr and "Traceback" not in result.stderr


def test_very_large_input_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: costs no disk
    result = run("parse", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"[ERROR] {path}: file is 52428800 bytes; the limit is 10485760 bytes (setting max_input_bytes)"
    )


def test_malformed_amount_is_a_located_warning(tmp_path: Path) -> None:
    text = sample_text().replace("| 301 | 01 | 基本工资 | 132.77 | 132.77 | |", "| 301 | 01 | 基本工资 | 1,3a.77 | 132.77 | |")
    path = tmp_path / "malformed.txt"
    path.write_text(text, encoding="utf-8")
    result = run("parse", str(path))
    assert result.returncode == 0
    assert f"[WARNING] {path}:238 表6 合计: malformed amount '1,3a.77'" in result.stderr.splitlines()
    row = parse_text(text).table("t06").rows[2]
    assert (row.name, row.values["合计"], row.invalid) == ("基本工资", None, {"合计": "1,3a.77"})
    assert str(row.values["人员经费"]) == "132.77"


def test_row_with_wrong_cell_count_is_kept_and_reported() -> None:
    text = sample_text().replace("| 301 | 02 | 津贴补贴 | 28.92 | 28.92 | |", "| 301 | 02 | 津贴补贴 | 28.92 | 28.92 |")
    disclosure = parse_text(text, "short.txt")
    row = disclosure.table("t06").rows[3]
    assert (row.line, row.name, str(row.values["合计"])) == (239, "津贴补贴", "28.92")
    (finding,) = [f for f in disclosure.findings if f.code == "P202"]
    assert (finding.line, finding.table, finding.message) == (239, "表6", "row has 5 cells, header has 6")


def test_heading_without_table_and_unknown_table() -> None:
    text = sample_text().replace(
        "表 11\n",
        "表 12\n\n单位基本建设项目情况表\n\n编制单位：乌鲁木齐市 12345 政务服务热线中心\n\n"
        "| 项目 | 金额 |\n|---|---|\n| ※ | 1 |\n| 大楼维修 | 12.50 |\n\n"
        "表 13\n\n单位资产配置情况表\n\n表 11\n",
    )
    disclosure = parse_text(text, "extra.txt")
    codes = {(f.code, f.line, f.message) for f in disclosure.findings if f.code in ("P103", "P104")}
    assert codes == {
        ("P104", 340, "unknown table '单位基本建设项目情况表': read with its printed headers"),
        ("P103", 351, "table heading '单位资产配置情况表' is not followed by a table"),
    }
    unknown = next(t for t in disclosure.tables if t.id is None)
    assert [(r.name, {k: str(v) for k, v in r.values.items()}) for r in unknown.rows] == [("大楼维修", {"金额": "12.50"})]
    assert len([t for t in disclosure.tables if t.id]) == 11


def test_truncated_document_returns_what_was_read() -> None:
    text = sample_text()
    cut = text[: text.index("表 6\n")]
    disclosure = parse_text(cut, "cut.txt")
    assert [t.id for t in disclosure.tables] == ["t01", "t02", "t03", "t04", "t05"]
    assert str(disclosure.table("t05").row("总计").values["合计"]) == "1487.40"
    assert disclosure.missing == [
        "第三部分 情况说明",
        "第四部分 名词解释",
        "表6 一般公共预算基本支出情况表",
        "表7 一般公共预算项目支出情况表",
        "表8 政府性基金预算支出情况表",
        "表9 国有资本经营预算支出情况表",
        "表10 财政拨款“三公”经费支出情况表",
        "表11 上年结转结余情况明细表",
    ]
    assert any(f.code == "P111" and "第二部分" in f.message for f in disclosure.findings)


def test_unit_printed_only_inside_a_header_and_other_units() -> None:
    text = sample_text()
    start = text.index("表 1\n")
    end = text.index("| 收入 | | 支出 | |")
    t01 = text[start:end].replace("单位：万元\n", "")
    text = text[:start] + t01 + text[end:]
    text = text.replace("| 项目 | 预算数 | 支出功能分类 | 预算数 |", "| 项目 | 预 算 数(万元) | 支出功能分类 | 预 算 数(万元) |")
    text = text.replace("单位：万元\n\n| “三公”经费支出内容", "单位：亿元\n\n| “三公”经费支出内容")
    disclosure = parse_text(text, "units.txt")
    assert disclosure.table("t01").unit == "万元" and disclosure.table("t01").unit_line is None
    assert disclosure.table("t10").unit == "亿元"
    assert not [f for f in disclosure.findings if f.code == "P109"]
    no_unit = parse_text(sample_text().replace("单位：万元\n\n| 科目 | | | 支出预算", "\n| 科目 | | | 支出预算"), "x.txt")
    (finding,) = [f for f in no_unit.findings if f.code == "P109"]
    assert (finding.table, finding.line, finding.message) == ("表3", 134, "unit of amounts not stated; assuming 万元")
