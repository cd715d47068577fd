"""The Word, Excel and HTML readers (and LibreOffice's conversions): the bundled example rendered in each format
(tests/fixtures/formats, made by make_fixtures.py) gives the same tables, row by row, as the text; what each
reader must get right on its own (merged cells, number formats, Word's HTML, automatic numbers); and the files
they refuse, through the CLI."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from paths import SAMPLE
from tools import requires

from budgetlod.findings import Reporter
from budgetlod.model import Disclosure
from budgetlod.parse.document import parse_bytes, parse_file
from budgetlod.read.cellformat import format_value
from budgetlod.read.docx import read_docx
from budgetlod.read.html import read_html
from budgetlod.read.stream import Limits, Paragraph, TableBlock
from budgetlod.text import squash

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"


@cache
def text_disclosure() -> Disclosure:
    return parse_file(SAMPLE)


@cache
def fixture(name: str) -> Disclosure:
    return parse_file(FORMATS / name)


def tables_of(disclosure: Disclosure) -> dict[str | None, Any]:
    """Each table: title, unit, emptiness, its value columns' paths, and its rows (name, side, codes, project,
    level, values as Decimal)."""
    return {
        table.id: (
            table.title,
            table.unit,
            table.empty,
            squash(table.empty_note or ""),
            [column.path for column in table.columns],
            [
                (row.name, row.side, row.codes, row.project, row.level, dict(row.values), dict(row.invalid))
                for row in table.rows
            ],
        )
        for table in disclosure.tables
    }


def figures(disclosure: Disclosure) -> int:
    return sum(v is not None for table in disclosure.tables for row in table.rows for v in row.values.values())


def narrative_of(disclosure: Disclosure) -> list[Any]:
    return [dataclasses.replace(fact, line=0, text=squash(fact.text)) for fact in disclosure.narratives]


# name, whether the format carries the narrative (an Excel workbook holds only the tables)
FIXTURES = [
    pytest.param("sample.docx", True, id="docx"),
    pytest.param("sample.xlsx", False, id="xlsx"),
    pytest.param("sample.xls", False, id="xls"),
    pytest.param("sample.htm", True, id="word-html"),
    pytest.param(
        "sample.doc", True, id="doc-via-libreoffice", marks=requires("soffice")
    ),
    pytest.param(
        "sample.pdf",
        True,
        id="libreoffice-pdf",
    ),
]


def test_the_text_prints_148_figures() -> None:
    assert figures(text_disclosure()) == 148


@pytest.mark.parametrize(("name", "narrative"), FIXTURES)
def test_each_format_gives_the_tables_of_the_text(name: str, narrative: bool) -> None:
    got, expected = tables_of(fixture(name)), tables_of(text_disclosure())
    assert list(got) == [f"t{n:02d}" for n in range(1, 12)]
    for table_id, table in expected.items():
        title, unit, empty, note, columns, rows = got[table_id]
        assert (title, unit, empty, columns) == (*table[:3], table[4]), table_id
        assert len(rows) == len(table[5]), table_id
        for row, want in zip(rows, table[5], strict=True):
            assert row == want, f"{table_id}: {row[0]}"
        if name != "sample.pdf":  # the PDF reader's business: the notes under the empty tables
            assert note == table[3], table_id
    assert figures(fixture(name)) == 148
    if narrative:
        assert narrative_of(fixture(name)) == narrative_of(text_disclosure())
        staffing = [(s.category, s.count, s.change) for s in fixture(name).profile.staffing]
        assert staffing == [(s.category, s.count, s.change) for s in text_disclosure().profile.staffing]
        assert [g.term for g in fixture(name).glossary] == [g.term for g in text_disclosure().glossary]


@pytest.mark.parametrize("name", ["sample.docx", "sample.xlsx", "sample.xls", "sample.htm"])
def test_figures_as_printed(name: str) -> None:
    """Figures read off the printed example (表1, 表6, 表7, 表10), as Decimal with their printed places."""
    disclosure = fixture(name)
    assert disclosure.table("t01").row("收入总计", "income").values["预算数"] == Decimal("1487.40")
    total = disclosure.table("t06").row("总计").values
    assert (total["合计"], total["人员经费"], total["公用经费"]) == (
        Decimal("502.40"),
        Decimal("460.94"),
        Decimal("41.46"),
    )
    assert str(total["合计"]) == "502.40"  # 502.4 stored in the cell, printed with two places
    project = disclosure.table("t07").row("其他政府办公厅（室）及相关机构事务支出")
    assert (project.codes, project.values["商品和服务支出"]) == (("201", "03", "99"), Decimal("985.00"))
    assert disclosure.table("t10").row("公务用车运行费").values["资金来源/一般公共预算"] == Decimal("3.78")


@pytest.mark.parametrize("name", ["sample.xlsx", "sample.xls"])
def test_excel_rows_are_located_by_sheet_and_cell(name: str) -> None:
    """make_fixtures.py puts the title in row 1, compiler and unit in row 2, the table from row 4: 表6's
    rows are 4 header, 5 类/款, 6 ※, 7 总计, 8 工资福利支出, 9 基本工资; 表1's 收入总计 is its 34th row, 37."""
    disclosure = fixture(name)
    assert disclosure.place(disclosure.table("t06").row("基本工资").line) == f"{name} sheet 表6!A9"
    assert disclosure.place(disclosure.table("t01").row("收入总计", "income").line) == f"{name} sheet 表1!A37"


def test_html_rows_are_located_by_source_line() -> None:
    disclosure = fixture("sample.htm")
    lines = (FORMATS / "sample.htm").read_bytes().decode("gb18030").split("\n")
    place = disclosure.place(disclosure.table("t06").row("基本工资").line)
    assert place is not None and place.startswith("sample.htm line ")
    number = int(place.rsplit(" ", 1)[1])
    assert lines[number - 1].strip().startswith("<tr")
    end = next(i for i in range(number, len(lines)) if "</tr>" in lines[i])
    assert any("基本工资" in line for line in lines[number:end])
    assert disclosure.findings[0].code == "P005" and "gb18030" in disclosure.findings[0].message


# --- number formats


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1487.4, "#,##0.00", "1,487.40"),
        (0.1 + 0.2, "0.00", "0.30"),
        (0.1 + 0.2, "General", "0.3"),
        (3, "General", "3"),
        (3.0, "General", "3"),
        (12345678, "#,##0", "12,345,678"),
        (2.675, "0.00", "2.68"),  # its shortest form 2.675, rounded half up as Excel shows it
        (-5.5, "#,##0.00_);(#,##0.00)", "(5.50)"),
        (-5.5, "#,##0.00;[Red]-#,##0.00", "-5.50"),
        (0, '#,##0.00;-#,##0.00;"-"', "-"),
        (0.1234, "0.0%", "12.3%"),
        (1234567, "#,##0,", "1,235"),
        (12.5, "[$¥-804]#,##0.00", "¥12.50"),
        (985, '0.00"万元"', "985.00万元"),
        (7, "@", "7"),
        ("  特定目标 1010122U ", "@", "特定目标 1010122U"),
        (None, "#,##0.00", ""),
    ],
)
def test_cells_print_per_their_format(value: object, number_format: str, shown: str) -> None:
    assert format_value(value, number_format) == shown


def test_dates_print_per_their_format() -> None:
    from datetime import datetime

    assert format_value(datetime(2024, 2, 1), 'yyyy"年"m"月"d"日"') == "2024年2月1日"
    assert format_value(datetime(2024, 2, 1, 9, 5), "yyyy-mm-dd hh:mm") == "2024-02-01 09:05"


def _xlsx(build: Any) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _blocks(reader: Any, data: bytes, name: str = "t") -> tuple[list[Any], Reporter]:
    reporter = Reporter()
    return reader(data, name, reporter, Limits.from_settings()).blocks, reporter


def test_xlsx_title_row_wins_over_the_sheet_name_and_hidden_sheets_are_skipped() -> None:
    from budgetlod.read.xlsx import read_xlsx

    def build(book: Any) -> None:
        sheet = book.active
        sheet.title = "收支总表"
        sheet["A1"] = "单位收支总体情况表"
        sheet.merge_cells("A1:C1")
        sheet["A2"], sheet["C2"] = "编制单位：某单位", "单位：元"
        sheet["A3"], sheet["B3"] = "项目", "预算数"
        sheet["A4"], sheet["B4"] = "合计", 1487.4
        sheet["B4"].number_format = "#,##0.00"
        sheet["A5"] = "注：本表为示例。"
        sheet.merge_cells("A5:C5")
        other = book.create_sheet("Sheet2")
        other["A1"], other["B1"] = "项目", "数"
        hidden = book.create_sheet("底稿")
        hidden["A1"] = "不公开"
        hidden.sheet_state = "hidden"

    blocks, reporter = _blocks(read_xlsx, _xlsx(build))
    texts = [b.text if isinstance(b, Paragraph) else [r.cells for r in b.rows] for b in blocks]
    assert texts == [
        "单位收支总体情况表",
        "编制单位：某单位",
        "单位：元",
        [["项目", "预算数"], ["合计", "1,487.40"]],
        "注：本表为示例。",
        [["项目", "数"]],  # a default sheet name (Sheet2) is no title
    ]
    assert [(f.code, f.message) for f in reporter.findings] == [("R202", "hidden sheet '底稿' not read")]


# --- Word


def _docx(build: Any) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_merged_nested_hidden_and_numbered() -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def build(document: Any) -> None:
        document.add_paragraph("第一段")
        hidden = document.add_paragraph("看得见")
        run = hidden.add_run("看不见")
        run.font.hidden = True
        document.add_paragraph("主要职能", style="List Number")
        document.add_paragraph("机构设置", style="List Number")
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(0, 1))  # gridSpan 2
        table.cell(0, 0).text = "收入"
        table.cell(0, 2).merge(table.cell(1, 2))  # vMerge restart / continue
        table.cell(0, 2).text = "支出"
        table.cell(1, 0).text, table.cell(1, 1).text = "项目", "预算数"
        table.cell(2, 0).text, table.cell(2, 1).text, table.cell(2, 2).text = "合计", "1,487.40", "1,487.40"
        layout = document.add_table(rows=1, cols=1)
        cell = layout.cell(0, 0)
        cell.paragraphs[0].text = "表 3"
        inner = cell.add_table(rows=2, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = "科目", "金额"
        inner.cell(1, 0).text, inner.cell(1, 1).text = "总计", "2.80"
        toc = parse_xml(
            f"<w:p {nsdecls('w')}><w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>"
            " TOC \\o \"1-3\" </w:instrText></w:r><w:r><w:fldChar w:fldCharType='separate'/></w:r>"
            "<w:r><w:t>一、主要职能</w:t></w:r><w:r><w:tab/><w:t>3</w:t></w:r></w:p>"
        )
        end = parse_xml(f"<w:p {nsdecls('w')}><w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>")
        document.element.body.insert(0, toc)
        document.element.body.insert(1, end)
        document.add_paragraph("第一行").add_run().add_break()
        document.paragraphs[-1].add_run("第二行")

    blocks, reporter = _blocks(read_docx, _docx(build))
    texts = [b.text if isinstance(b, Paragraph) else [r.cells for r in b.rows] for b in blocks]
    assert texts == [
        "第一段",
        "看得见",
        "1. 主要职能",
        "2. 机构设置",
        [["收入", "", "支出"], ["项目", "预算数", ""], ["合计", "1,487.40", "1,487.40"]],
        "表 3",
        [["科目", "金额"], ["总计", "2.80"]],
        "第一行",
        "第二行",
    ]
    assert [(f.code, f.message) for f in reporter.findings] == [("P107", "dropped converter junk: '一、主要职能 3'")]
    positions = [b.line for b in blocks]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_chinese_list_numbers() -> None:
    from budgetlod.read.docx_numbering import chinese

    assert [chinese(n) for n in (1, 10, 11, 20, 21, 105)] == ["一", "十", "十一", "二十", "二十一", "一百零五"]


# --- Word's HTML

WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm;} --></style>
<script>document.write("<p>脚本</p>")</script></head>
<body lang=ZH-CN><div class=WordSection1>
<!--[if supportFields]><span style='mso-element:field-begin'></span> TOC \\o "1-3" <span
style='mso-element:field-separator'></span><![endif]-->
<p class=MsoToc1><span>目录一<span style='display:none;mso-hide:screen'>PAGEREF _Toc1 \\h</span></span></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><![if !supportLists]><span>一、<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span>乌鲁木齐市</span><span
lang=EN-US>12345</span><span>政务服务热线中心编制数</span><span lang=EN-US>34</span><span>，实有人
数</span><span lang=EN-US>33</span><span>人。<o:p></o:p></span></p>
<table class=MsoNormalTable border=1>
 <tr><td rowspan=2><p class=MsoNormal>项目</p></td><td colspan=2><p class=MsoNormal>财政拨款</p></td></tr>
 <tr><td><p class=MsoNormal>基本<br>支出</p></td><td><p class=MsoNormal>项目</p><p class=MsoNormal>支出</p></td></tr>
 <tr><td>合计</td><td>1,487.40</td><td><o:p>&nbsp;</o:p></td></tr>
</table>
<p class=MsoNormal>第一行<br>第二行</p>
</div></body></html>
"""


def test_word_html_paragraphs_and_tables() -> None:
    blocks, reporter = _blocks(read_html, WORD_HTML.encode("gb18030"), "page.htm")
    texts = [b.text if isinstance(b, Paragraph) else [r.cells for r in b.rows] for b in blocks]
    assert texts == [
        "目录一",
        "一、 乌鲁木齐市12345政务服务热线中心编制数34，实有人数33人。",  # runs side by side: no space
        [["项目", "财政拨款", ""], ["", "基本\n支出", "项目\n支出"], ["合计", "1,487.40", ""]],
        "第一行",
        "第二行",
    ]
    assert [f.code for f in reporter.findings] == ["P005"]
    table = next(b for b in blocks if isinstance(b, TableBlock))
    read = read_html(WORD_HTML.encode("gb18030"), "page.htm", Reporter(), Limits.from_settings())
    assert read.places is not None
    assert [read.places[row.line].line for row in table.rows] == [14, 15, 16]  # the <tr> lines of WORD_HTML


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("<html><body><p>预算</p></body></html>".encode("utf-16"), "utf-16"),
        (b"\xef\xbb\xbf" + "<html><body><p>预算</p></body></html>".encode(), "utf-8-sig"),
        ('<html><head><meta charset="GBK"></head><body><p>预算</p></body></html>'.encode("gbk"), "gb18030"),
        ("<html><body><p>预算</p></body></html>".encode("gb18030"), "gb18030"),  # no charset: GB18030 fallback
    ],
    ids=["utf16-bom", "utf8-bom", "meta-gbk", "undeclared-gb"],
)
def test_html_encodings(data: bytes, encoding: str) -> None:
    read = read_html(data, "page.htm", Reporter(), Limits.from_settings())
    assert read.encoding == encoding
    assert [b.text for b in read.blocks if isinstance(b, Paragraph)] == ["预算"]


def test_a_grid_column_no_cell_starts_in_is_dropped() -> None:
    page = "<html><body><table><tr><td colspan=2>项目</td><td>预算数</td></tr><tr><td colspan=2>合计</td><td>2.80</td></tr>"
    blocks, _ = _blocks(read_html, (page + "</table></body></html>").encode(), "page.htm")
    assert [r.cells for b in blocks if isinstance(b, TableBlock) for r in b.rows] == [
        ["项目", "预算数"],
        ["合计", "2.80"],
    ]


def test_html_nested_past_the_parsers_depth_is_refused_not_cut() -> None:
    from budgetlod.read.decode import CannotParse

    deep = ("<html><body>" + "<div>" * 300 + "预算" + "</div>" * 300 + "</body></html>").encode()
    with pytest.raises(CannotParse, match="damaged HTML page: elements nested more than 256 deep"):
        read_html(deep, "page.htm", Reporter(), Limits.from_settings())


# --- refused files, through the CLI


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "budgetlod", *args], capture_output=True, text=True, timeout=300, env=env
    )


def _refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_renamed_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "renamed-zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    _refused(
        run("parse", str(path)),
        f"{path}: unsupported format: a zip archive that is not a Word (.docx) or Excel (.xlsx) document",
    )


def test_truncated_docx_is_damaged(tmp_path: Path) -> None:
    data = (FORMATS / "sample.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    _refused(run("parse", str(path)), f"{path}: damaged Word document (.docx): not a complete zip archive")


def test_docx_with_broken_xml_is_damaged(tmp_path: Path) -> None:
    source = zipfile.ZipFile(FORMATS / "sample.docx")
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            archive.writestr(info, content[:5000] if info.filename == "word/document.xml" else content)
    _refused(run("parse", str(path)), f"{path}: damaged Word document (.docx): ")


def test_encrypted_office_file_is_refused(tmp_path: Path) -> None:
    """An encrypted .xlsx is an OLE2 compound file whose directory names an EncryptedPackage stream."""
    path = tmp_path / "locked.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + "EncryptedPackage".encode("utf-16-le") + bytes(1024))
    _refused(run("parse", str(path)), f"{path}: the Office document (.docx or .xlsx, encrypted) is password-protected")


def test_doc_without_libreoffice_names_the_package(tmp_path: Path) -> None:
    if not (FORMATS / "sample.doc").is_file():
        pytest.skip("sample.doc was not made (make_fixtures.py needs LibreOffice)")
    bare = tmp_path / "bin"  # a PATH with Python only: no soffice
    bare.mkdir()
    os.symlink(sys.executable, bare / "python")
    result = run("parse", str(FORMATS / "sample.doc"), env={**os.environ, "PATH": str(bare)})
    _refused(
        result,
        "reading .doc (Word 97–2003) needs LibreOffice (Debian package libreoffice-writer-nogui), which is not "
        "installed",
    )


def test_parse_bytes_reads_a_workbook() -> None:
    disclosure = parse_bytes((FORMATS / "sample.xlsx").read_bytes(), "upload.xlsx")
    assert disclosure.source.format == "xlsx" and figures(disclosure) == 148
