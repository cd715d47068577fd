"""The PDF reader (budgetlod/read/pdf.py) on real published PDFs and on small broken ones.

Expected figures are read by hand from the PDFs (``pdftotext -layout`` and the page images) and checked by
the arithmetic the tables promise; the broken PDFs are made by tests/fixtures/read/make_pdfs.py.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from budgetlod.findings import Reporter
from budgetlod.model import Finding
from budgetlod.parse.document import parse_files
from budgetlod.read.decode import CannotParse
from budgetlod.read.pdf import read_pdf
from budgetlod.read.pdf_tables import cell_text, split_row
from budgetlod.read.stream import Limits, Paragraph, Read, TableBlock, TableRow

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "real"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "read"
CPPCC_2019 = "js-provincial-cppcc-office-2019-budget-tables.pdf"
CONGRESS_2017 = "js-provincial-congress-office-2017-budget.pdf"
CONGRESS_2019_TEXT = "js-provincial-congress-2019-budget-text.pdf"


def real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"the real PDF {path} is not here (shared/samples/real is laid beside the repository)")
    return path


@cache
def _read(path: Path) -> tuple[Read, tuple[Finding, ...]]:
    reporter = Reporter()
    read = read_pdf(path.read_bytes(), path.name, reporter, Limits.from_settings())
    return read, tuple(reporter.findings)


def read(name: str) -> tuple[Read, tuple[Finding, ...]]:
    return _read(real(name))


def rows(result: Read) -> list[TableRow]:
    return [row for block in result.blocks if isinstance(block, TableBlock) for row in block.rows]


def row_starting(result: Read, label: str) -> TableRow:
    return next(row for row in rows(result) if row.cells and row.cells[0] == label)


def paragraphs(result: Read) -> list[str]:
    return [block.text for block in result.blocks if isinstance(block, Paragraph)]


def page_of(result: Read, position: int) -> int | None:
    assert result.places is not None
    return result.places[position].page


# --- tables


def test_stated_figures_of_the_three_sided_total_table() -> None:
    """江苏省政协办公厅 2019 公开01表 收支预算总表 (p. 1): 一、财政拨款 13,297.11 + 三、其他资金 80.00 =
    当年收入小计 13,377.11 = 基本支出 6,522.75 + 项目支出 4,968.34 + 单位预留机动经费 1,886.02."""
    result, _ = read(CPPCC_2019)
    first = row_starting(result, "一、财政拨款")
    assert first.cells == ["一、财政拨款", "13,297.11", "一、一般公共服务支出", "10,271.56", "一、基本支出", "6,522.75"]
    assert page_of(result, first.line) == 1
    assert row_starting(result, "三、其他资金").cells[1] == "80.00"
    total = row_starting(result, "当年收入小计")
    assert total.cells[1] == "13,377.11" and total.cells[-1] == "13,377.11"
    assert Decimal("13297.11") + Decimal("80.00") == Decimal("13377.11")
    assert Decimal("6522.75") + Decimal("4968.34") + Decimal("1886.02") == Decimal("13377.11")


def test_merged_header_cells_leave_blanks_after_their_text() -> None:
    result, _ = read(CPPCC_2019)
    header = rows(result)[0]
    assert header.cells == ["收入", "", "支出", "", "", ""]


def test_titles_and_unit_lines_come_before_their_table() -> None:
    """Excel prints the title and the 部门/单位 line inside the table's frame: they come out as paragraphs."""
    result, _ = read(CPPCC_2019)
    first_table = next(i for i, b in enumerate(result.blocks) if isinstance(b, TableBlock))
    before = [b.text for b in result.blocks[:first_table] if isinstance(b, Paragraph)]
    assert before == ["公开01表", "收支预算总表", "部门：江苏省政协办公厅 单位：万元"]
    texts = paragraphs(result)
    assert texts.index("公开03表") < texts.index("支出预算总表")  # the number printed above the frame, first


def test_every_position_has_its_page() -> None:
    result, _ = read(CPPCC_2019)
    assert result.places is not None and result.pages == 12
    assert set(result.places) == set(range(1, result.end + 1))
    assert all(place.file == CPPCC_2019 and place.page is not None for place in result.places.values())
    title = next(b for b in result.blocks if isinstance(b, Paragraph) and b.text == "2019年政府采购预算表")
    assert page_of(result, title.line) == 12


def test_a_row_cut_by_the_page_break_is_joined() -> None:
    """江苏省人大常委会办公厅 2017 收支预算总表: ``八、社会保障和就`` ends p. 7 and ``业支出`` starts p. 8; the
    row ``当年收入`` / ``小计`` is cut between pp. 8 and 9."""
    result, findings = read(CONGRESS_2017)
    labels = [cell for row in rows(result) for cell in row.cells]
    assert "八、社会保障和就业支出" in labels and "业支出" not in labels
    assert row_starting(result, "当年收入小计").cells[1] == "13,649.07"
    joined = [f for f in findings if f.code == "R102"]
    assert [f.message for f in joined][:2] == [
        "joined a table row cut by the page break before page 8: '八、社会保障和就业支出 | 1,608.51'",
        "joined a table row cut by the page break before page 9: '当年收入小计 | 13,649.07 | 当年支出小计 | 13,649.07'",
    ]


def test_a_new_row_after_the_page_break_is_not_joined() -> None:
    """普陀区财政局 2024 收入支出决算总表: ``本年收入合计`` ends p. 6 complete; p. 7 opens with a row of its own
    (``使用非财政拨款结余（含专用结余）`` / ``结余分配``, a label on each side), or one with a sequence mark."""
    last = ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"]
    assert not split_row(last, ["使用非财政拨款结余（含专用结余）", "", "结余分配", ""])
    assert not split_row(["", "", "七、文化旅游体育", "1.00"], ["", "", "八、社会保障", ""])
    assert not split_row(["住房保障", "1.00"], ["（一）住房", ""])
    assert split_row(["", "", "八、社会保障和就", "1,608.51"], ["", "", "业支出", ""])
    assert split_row(["当年收入", "13,649.07", "当年支出小计", "13,649.07"], ["小计", "", "", ""])


def test_a_label_wrapped_in_its_cell_goes_on_after_the_break_only_when_its_line_is_full() -> None:
    """Neither part with amounts: the row goes on only in a column whose text wrapped and filled its cell."""
    assert split_row(["", "216 商业服务业等", ""], ["", "支出", ""], {1})
    assert not split_row(["", "216 商业服务业等", ""], ["", "支出", ""], set())
    assert not split_row(["", "216 商业服务业等", ""], ["", "217 金融支出", "支出"], {1})


def test_a_code_wrapped_in_a_narrow_cell_is_one_token() -> None:
    assert cell_text("特定目标1010\n122\nU") == "特定目标1010122U"
    assert cell_text("Project 2\nPhase") == "Project 2 Phase"


def test_a_table_continued_on_the_next_page_is_one_table_for_the_parser() -> None:
    """财政拨款基本支出预算表 of 2017 runs over pp. 12-15: one table, its codes in order, 30228 工会经费 21.00."""
    disclosure = parse_files([real(CONGRESS_2017)])
    table = next(t for t in disclosure.tables if t.title == "财政拨款基本支出预算表" and t.pages > 1)
    names = [row.name for row in table.rows]
    assert names.index("差旅费") + 1 == names.index("工会经费")
    assert any(f.code == "P106" for f in disclosure.findings)


# --- text


def test_page_numbers_are_dropped_and_reported() -> None:
    result, findings = read(CONGRESS_2019_TEXT)
    assert not any("─" in text for text in paragraphs(result))
    numbers = [f.message for f in findings if f.code == "R101" and "a page number" in f.message]
    assert "dropped a page number on page 3: '─ 1 ─'" in numbers


def test_a_paragraph_cut_by_the_page_break_is_one_paragraph() -> None:
    result, _ = read(CONGRESS_2019_TEXT)
    whole = next(t for t in paragraphs(result) if t.startswith("1．根据部门职责分工"))
    assert "本部门下属单位包括：江苏议事园、江苏省人大常委会研究室刊物编辑室" in whole  # pp. 4-5
    assert whole.endswith("江苏省人大干部培训中心。")


def test_headings_are_their_own_paragraphs() -> None:
    result, _ = read(CONGRESS_2019_TEXT)
    texts = paragraphs(result)
    assert "一、主要职能" in texts and "第三部分 2019年度部门预算情况说明" in texts
    assert "（三）召集本级人民代表大会会议；" in texts


def test_the_table_of_contents_is_dropped() -> None:
    result, findings = read(CONGRESS_2017)
    dropped = [f.message for f in findings if f.code == "R101" and "table-of-contents" in f.message]
    assert "dropped a table-of-contents line on page 1: '目录'" in dropped
    assert "dropped a table-of-contents line on page 2: '第四部分名称解释'" in dropped
    assert paragraphs(result)[1] == "第一部分部门概况"


def test_parser_finds_the_jiangsu_tables() -> None:
    disclosure = parse_files([real(CPPCC_2019)])
    titles = [t.title for t in disclosure.tables]
    assert len(titles) == 12 and titles[0] == "收支预算总表"
    total = disclosure.tables[0]
    assert total.printed_number == "1" and total.unit == "万元" and total.compiler == "江苏省政协办公厅"


# --- files that cannot be read


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("image-only.pdf", "R002", "no usable text layer (pages 1-2): it needs OCR"),
        ("cid-glyphs.pdf", "R002", "no usable text layer (pages 1): it needs OCR"),
        ("encrypted.pdf", "R003", "the PDF is password-protected"),
        ("truncated.pdf", "R004", "damaged PDF: no pages (truncated or corrupt)"),
    ],
)
def test_unreadable_pdfs_are_refused_with_one_finding(name: str, code: str, message: str) -> None:
    path = FIXTURES / name
    with pytest.raises(CannotParse) as refused:
        read_pdf(path.read_bytes(), name, Reporter(), Limits.from_settings())
    assert (refused.value.finding.code, refused.value.finding.message) == (code, message)
    result = subprocess.run(
        [sys.executable, "-m", "budgetlod", "parse", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"[ERROR] {path}: {message}"]
    assert "Traceback" not in result.stderr


# --- PDFium for the characters and rulings, pdfplumber as the fallback


def _both_readings(path: Path, index: int) -> tuple[Any, Any, bool]:
    import io

    import pdfplumber

    from budgetlod.read import pdf_pdfium

    data = path.read_bytes()
    plain = pdfplumber.open(io.BytesIO(data)).pages[index]
    fast = pdfplumber.open(io.BytesIO(data)).pages[index]
    document = pdf_pdfium.open_document(data)
    assert document is not None
    return plain, fast, pdf_pdfium.install(document, index, fast)


@pytest.mark.parametrize(
    ("name", "index"),
    [("js-provincial-congress-2019-budget-tables.pdf", 2), ("sh-putuo-finance-bureau-2024-final-accounts.pdf", 5)],
)
def test_pdfium_gives_pdfplumbers_characters_and_rulings(name: str, index: int) -> None:
    """A page turned 90° (Jiangsu) and an upright one (Putuo): the same glyphs at the same places, the same
    ruling edges, whether pdfminer.six or PDFium interprets the page."""
    plain, fast, installed = _both_readings(real(name), index)
    assert installed

    def glyphs(page: Any) -> list[tuple[str, float, float, float, float, float]]:
        return sorted(
            (c["text"], round(c["x0"]), round(c["top"]), round(c["x1"]), round(c["bottom"]), round(c["size"]))
            for c in page.chars
            if c["text"].strip()
        )

    def edges(page: Any) -> list[tuple[str, int, int, int, int]]:
        return sorted(
            (e["orientation"], round(e["x0"]), round(e["top"]), round(e["x1"]), round(e["bottom"])) for e in page.edges
        )

    assert glyphs(fast) == glyphs(plain)
    assert len(fast.edges) == len(plain.edges)
    assert sum(a != b for a, b in zip(edges(fast), edges(plain), strict=True)) <= len(plain.edges) // 20


def test_pdfplumber_reads_the_pages_pdfium_cannot_give_the_same_way() -> None:
    """Glyphs without Unicode (pdfminer's ``(cid:N)``, which the reader needs to refuse the page): pdfplumber."""
    _, fast, installed = _both_readings(FIXTURES / "cid-glyphs.pdf", 0)
    assert not installed and any(c["text"].startswith("(cid:") for c in fast.chars)
