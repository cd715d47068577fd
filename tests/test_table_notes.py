"""The notes real 决算 print under their tables (issue 17): the template's "注：本表反映部门本年度…情况。" under every
table is the template's own wording, not text the parser failed to understand (was P112), and "…故本表无数据。" under an
empty table (the Putuo PDF, p. 19 and 20) is its empty-table note, as "…为空表。" is in the 预算 template."""

from __future__ import annotations

from pathlib import Path

from budgetlod.parse.document import parse_text

SOURCE = Path(__file__).resolve().parent / "cases" / "final-small" / "source.txt"

EMPTY_F08 = """
表 8

政府性基金预算财政拨款收入支出决算表

编制单位：上海市示例区小局

单位：万元

| 项目 | | 年初结转和结余 | 本年收入 | 本年支出 | 年末结转和结余 |
|------|------|------|------|------|------|
| 功能分类科目编码 | 科目名称 | | | | |

注：上海市示例区小局无政府性基金预算财政拨款支出，故本表无数据。
"""


def _document() -> str:
    text = SOURCE.read_text(encoding="utf-8")
    marked = text.replace("\n表 2\n", "\n注：本表反映部门本年度的总收支和年末结转结余情况。\n\n表 2\n", 1)
    assert marked != text
    return marked.rstrip("\n") + "\n" + EMPTY_F08


def test_template_notes_and_no_data_notes_are_understood() -> None:
    document = parse_text(_document(), name="final-small-notes.txt")
    not_understood = [f.message for f in document.findings if f.code == "P112"]
    # (final-small's own title lines, before its 第二部分, are P112 as they were)
    assert not [m for m in not_understood if "本表" in m], not_understood
    f08 = next(t for t in document.tables if t.id == "f08")
    assert f08.empty_note == "注：上海市示例区小局无政府性基金预算财政拨款支出，故本表无数据。"
    f01 = next(t for t in document.tables if t.id == "f01")
    assert f01.empty_note is None  # the template's note is not an empty-table note


def test_text_among_tables_is_still_reported() -> None:
    text = _document().replace("\n表 2\n", "\n这是一段不属于任何表的文字。\n\n表 2\n", 1)
    document = parse_text(text, name="final-small-stray.txt")
    stray = [f.message for f in document.findings if f.code == "P112" and "不属于任何表" in f.message]
    assert stray == ["text among the tables not understood: '这是一段不属于任何表的文字。'"]
