"""The PDF reader: a PDF with a text layer -> paragraphs and tables in reading order, each piece at its page.

Per page (pdfplumber, on the characters and ruling lines PDFium gives, :mod:`budgetlod.read.pdf_pdfium`;
pdfminer.six where PDFium cannot give them the same way): the ruled tables (:mod:`budgetlod.read.pdf_tables`),
then the characters outside them grouped into lines; runs of lines whose segments line up become tables printed
without rulings; the rest are paragraphs (:mod:`budgetlod.read.pdf_text`). Across the pages: page headers,
footers and numbers (in the top or bottom margin, a page number or the same text on three pages or more),
watermarks (rotated text) and the table of contents are dropped, each with a finding R101; a table at the
top of a page continues the one that ended the page before (columns mapped by position, repeated header
and heading dropped, a row cut by the break joined); a paragraph cut by the break is joined.

A file with nothing to read is refused with one finding: pages that are images or whose fonts map to no
characters (R002, needs OCR), a password (R003), a damaged or truncated file (R004).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from budgetlod.findings import Reporter
from budgetlod.read import pdf_pdfium
from budgetlod.read.decode import CannotParse, refuse
from budgetlod.read.pdf_tables import (
    PdfTable,
    drop_repeated_header,
    join_row,
    remap,
    ruled_tables,
    split_row,
    text_tables,
)
from budgetlod.read.pdf_text import (
    TOC_TITLE,
    Flow,
    Line,
    chars_to_lines,
    columns,
    ends_open,
    flow,
    is_cid_garbage,
    join_lines,
    margin_junk,
    paragraphs,
    starts_open,
    toc_lines,
)
from budgetlod.read.stream import Block, Limits, Locator, Paragraph, Read, TableBlock, TableRow

_MIN_TEXT = 10  # non-blank characters below which a page with a large image has no usable text


@dataclass
class _Dropped:
    what: str
    text: str


@dataclass
class _Text:
    lines: list[Line]
    edges: Flow


Item = _Text | PdfTable | _Dropped


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[PdfTable] = field(default_factory=list)
    items: list[tuple[float, Item]] = field(default_factory=list)


def read_pdf(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """The PDF reader (``READERS["pdf"]``)."""
    pages = _read_pages(data)
    _drop_margins(pages)
    items = [(page.number, item) for page in pages for _, item in sorted(page.items, key=lambda i: i[0])]
    return _assemble(items, name, reporter, limits, len(pages))


def _read_pages(data: bytes) -> list[_Page]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except CannotParse:
        raise
    except Exception as exc:  # pdfminer raises many kinds for one damaged file
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(
            cause, PDFPasswordIncorrect | PDFEncryptionError
        ):
            raise refuse("R003", kind="PDF") from exc
        raise refuse("R004", kind="PDF", reason=_reason(exc)) from exc
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:
            raise refuse("R004", kind="PDF", reason=_reason(exc)) from exc
        if count == 0:
            raise refuse("R004", kind="PDF", reason="no pages (truncated or corrupt)")
        pages: list[_Page] = []
        unreadable: list[int] = []
        fast = pdf_pdfium.open_document(data)
        for number, page in enumerate(pdf.pages, 1):
            try:
                if fast is not None:
                    pdf_pdfium.install(fast, number - 1, page)
                read = _read_page(page, number)
            except CannotParse:
                raise
            except Exception as exc:
                if _ours(exc):
                    raise
                raise refuse("R004", kind="PDF", reason=f"page {number}: {_reason(exc)}") from exc
            if read is None:
                unreadable.append(number)
            else:
                pages.append(read)
            page.close()
        if fast is not None:
            fast.close()
    if unreadable:
        raise refuse("R002", pages=_ranges(unreadable))
    return pages


def _ours(exc: Exception) -> bool:
    """An error raised in budgetlod's own code (a bug, not a damaged file): not to be called damage."""
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    return frame is not None and "/budgetlod/" in frame.tb_frame.f_code.co_filename.replace("\\", "/")


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _ranges(numbers: list[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``3-5, 9``."""
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], -1]:
        if number == previous + 1:
            previous = number
            continue
        parts.append(f"{start}-{previous}" if previous > start else str(start))
        start = previous = number
    return ", ".join(parts)


def _read_page(page: Any, number: int) -> _Page | None:
    """One page's lines and tables; None when it has no usable text (an image, or unmapped glyphs)."""
    chars = page.chars
    if is_cid_garbage(chars):
        return None
    visible = sum(1 for c in chars if c["text"].strip())
    if visible < _MIN_TEXT and _image_cover(page) > 0.3:
        return None
    result = _Page(number, float(page.width), float(page.height))
    upright: list[dict[str, Any]] = []
    turned: list[dict[str, Any]] = []
    for char in chars:
        (turned if _rotated(char) else upright).append(char)
    if turned:
        text = "".join(c["text"] for c in turned).strip()
        if text:
            result.items.append((-1.0, _Dropped("a watermark", text[:60])))
    tables = ruled_tables(page, number) if page.lines or page.rects else []
    boxes = [(top - 1, bottom + 1, x0 - 1, x1 + 1) for t in tables for x0, top, x1, bottom in t.cells]
    outside = _outside_boxes(upright, boxes)
    result.lines = chars_to_lines(outside, number)
    result.tables = tables
    return result


def _rotated(char: dict[str, Any]) -> bool:
    """A diagonal glyph (a watermark): neither upright nor turned a quarter."""
    a, b, c, d = char["matrix"][:4]
    if abs(b) < 1e-3 and abs(c) < 1e-3:
        return False
    return not (abs(a) < 1e-3 and abs(d) < 1e-3)


def _outside_boxes(chars: list[dict[str, Any]], boxes: list[tuple[float, float, float, float]]) -> list[dict[str, Any]]:
    """The characters whose middle is in none of the boxes (top, bottom, left, right)."""
    kept: list[dict[str, Any]] = []
    for char in chars:
        middle = (char["top"] + char["bottom"]) / 2
        centre = (char["x0"] + char["x1"]) / 2
        if not any(top <= middle <= bottom and left <= centre <= right for top, bottom, left, right in boxes):
            kept.append(char)
    return kept


def _image_cover(page: Any) -> float:
    area = float(page.width * page.height) or 1.0
    covered = sum(abs((i["x1"] - i["x0"]) * (i["bottom"] - i["top"])) for i in page.images)
    return float(min(1.0, covered / area))


def _drop_margins(pages: list[_Page]) -> None:
    """Page headers, footers, numbers and the table of contents out; the rest into each page's items."""
    junk = margin_junk({p.number: p.lines for p in pages}, {p.number: p.height for p in pages})
    entries: list[str] = []  # the table of contents of the page before
    for page in pages:
        marked = junk.get(page.number, {})
        toc = toc_lines(page.lines, entries) if not page.tables else set()
        entries = [line.text for i, line in enumerate(page.lines) if i in toc and i not in marked]
        entries = [e for e in entries if not TOC_TITLE.match(e.replace(" ", ""))]
        kept: list[Line] = []
        for index, line in enumerate(page.lines):
            if index in marked:
                page.items.append((line.top, _Dropped(marked[index], line.text[:60])))
            elif index in toc:
                page.items.append((line.top, _Dropped("a table-of-contents line", line.text[:60])))
            else:
                kept.append(line)
        found, taken = text_tables(kept, page.number)
        page.tables.extend(found)
        kept = columns([line for i, line in enumerate(kept) if i not in taken], page.width)
        for table in page.tables:
            page.items.append((table.top, table))
        edges = flow(kept) if kept else Flow([], 0.0, 0.0)
        for group in _paragraphs_between(kept, page.tables, edges):
            page.items.append((group[0].top, _Text(group, edges)))


def _paragraphs_between(lines: list[Line], tables: list[PdfTable], edges: Flow) -> list[list[Line]]:
    """Paragraphs, never running across a table between their lines."""
    cuts = sorted(t.top for t in tables)
    groups: list[list[Line]] = []
    for group in paragraphs(Flow(lines, edges.left, edges.right)):
        current = [group[0]]
        for line in group[1:]:
            if any(current[-1].bottom <= cut <= line.top for cut in cuts):
                groups.append(current)
                current = []
            current.append(line)
        groups.append(current)
    return groups


class _Builder:
    def __init__(self, name: str, reporter: Reporter, limits: Limits) -> None:
        self.name, self.reporter, self.limits = name, reporter, limits
        self.blocks: list[Block] = []
        self.places: dict[int, Locator] = {}
        self.position = 0

    def next(self, page: int) -> int:
        self.position += 1
        self.places[self.position] = Locator(self.name, page=page)
        return self.position

    def paragraph(self, page: int, text: str) -> None:
        if text.strip():
            self.blocks.append(Paragraph(self.next(page), text.strip()))

    def dropped(self, page: int, what: str, text: str) -> None:
        self.reporter.add("R101", self.next(page), what=what, page=page, text=text)

    def table(self, table: PdfTable) -> None:
        block = TableBlock(self.next(table.page))
        for row in table.rows:
            line = self.next(table.page)
            if self.limits.admit(block, line, len(row)):
                block.rows.append(TableRow(line, list(row)))
        self.blocks.append(block)


def _assemble(items: list[tuple[int, Item]], name: str, reporter: Reporter, limits: Limits, pages: int) -> Read:
    out = _Builder(name, reporter, limits)
    last_table: PdfTable | None = None  # the last table, while only its headings follow it
    last_headings: list[str] = []  # the paragraphs printed above it
    headings: list[str] = []  # the paragraphs since the last table
    open_text: _Open | None = None  # a paragraph that may go on over the page break
    for page, item in items:
        if isinstance(item, _Dropped):
            out.dropped(page, item.what, item.text)
            continue
        if isinstance(item, _Text):
            texts = [line.text for line in item.lines]
            if open_text is not None and open_text.page != page and starts_open(item.lines, item.edges):
                open_text.texts.extend(texts)
                open_text.page_end = page
                if not ends_open(item.lines, item.edges):
                    _flush(out, open_text)
                    open_text = None
                continue
            if open_text is not None:
                _flush(out, open_text)
                open_text = None
            joined = join_lines(texts)
            if last_table is not None and last_table.page == page - 1 and (joined in last_headings or _is_mark(joined)):
                out.dropped(page, "a table heading repeated", joined[:60])
                continue
            if ends_open(item.lines, item.edges):
                open_text = _Open(page, page, texts)
            else:
                out.paragraph(page, joined)
            headings.append(joined)
            last_table = None
            continue
        if open_text is not None:
            _flush(out, open_text)
            open_text = None
        table = item
        if last_table is not None and last_table.page == page - 1 and _continues(table, last_table):
            _join(table, last_table, out)
        else:
            last_headings = headings + table.before
        headings = []
        for text in table.before:
            out.paragraph(page, text)
        if table.rows:
            out.table(table)
        for text in table.after:
            out.paragraph(page, text)
        last_table = table if table.rows and not table.after else None
    if open_text is not None:
        _flush(out, open_text)
    return Read(out.blocks, end=out.position, places=out.places, encoding="", lines=0, pages=pages)


@dataclass
class _Open:
    page: int
    page_end: int
    texts: list[str]


def _is_mark(text: str) -> bool:
    """``（续表）``, ``续表``, a unit line repeated over a continued table."""
    return text.strip("（()） ") in ("续表", "续") or bool(re.match(r"^(?:金额)?单\s*位\s*[:：]\s*\S{1,3}元$", text))


def _flush(out: _Builder, open_text: _Open) -> None:
    out.paragraph(open_text.page, join_lines(open_text.texts))


def _continues(table: PdfTable, previous: PdfTable) -> bool:
    """A table at the top of a page that goes on from the last table of the page before."""
    return not table.before or all(t in previous.before for t in table.before)


def _join(table: PdfTable, previous: PdfTable, out: _Builder) -> None:
    for text in table.before:
        out.dropped(table.page, "a table heading repeated", text[:60])
    table.before = []
    remap(table, previous)
    drop_repeated_header(table, previous)
    for text in table.dropped:
        out.dropped(table.page, "a table header repeated", text[:60])
    if table.rows and previous.rows and split_row(previous.rows[-1], table.rows[0], previous.wrapped):
        joined = join_row(previous.rows[-1], table.rows[0])
        for block in reversed(out.blocks):
            if isinstance(block, TableBlock) and block.rows:
                block.rows[-1].cells = joined
                break
        previous.rows[-1] = joined
        out.reporter.add("R102", out.position, page=table.page, text=" | ".join(c for c in joined if c)[:60])
        table.rows = table.rows[1:]
