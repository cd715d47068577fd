"""The text reader: decoded text -> a flat list of blocks: paragraphs and tables, each with its line.

Accepts what PDF/Word converters produce: Markdown pipe tables, HTML ``<table>``
elements (``colspan``/``rowspan`` expanded into blank cells, the same convention
as a Markdown export of merged cells), inline HTML inside cells (``<p>``,
``<br>``), page numbers and footers, and table-of-contents lines.  Junk lines
are dropped here and reported (P107) so that no line disappears silently.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from budgetlod.findings import Reporter
from budgetlod.read.decode import decode
from budgetlod.read.spans import expand_row
from budgetlod.read.stream import Block, Limits, Note, Paragraph, Read, TableBlock, TableRow

_TAG = re.compile(r"<[^<>]+>")  # not [^>]: a run of "<" without ">" would take quadratic time
_BR = re.compile(r"<\s*br\s*/?\s*>|</\s*p\s*>", re.IGNORECASE)
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_TABLE_START = re.compile(r"^<table\b", re.IGNORECASE)
_TABLE_END = re.compile(r"</table\s*>", re.IGNORECASE)
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")

# Converter junk: page numbers and footers, TOC lines and Word field codes.
_PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,4}[-—–\s]*$")
_PAGE_FOOTER = re.compile(r"第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?\s*$|^\s*\d+\s*/\s*\d+\s*$|^page\s+\d+", re.I)
_FIELD_CODE = re.compile(r"PAGEREF\s+_Toc|HYPERLINK\s+\\l|\bTOC\s+\\[ohzu]|_Toc\d{6,}")
_DOT_LEADER = re.compile(r"(?:\.{4,}|…{2,}|·{4,}|\u2026\u2026|-{6,})\s*\d*\s*$")


# A numeric character reference of 9 or more significant digits is past U+10FFFF: it stands for U+FFFD (as
# html.unescape would make it, but its int() of a 5,000-digit reference raises ValueError instead).
_HUGE_CHARREF = re.compile(r"&#(?:[xX]0*[1-9a-fA-F][0-9a-fA-F]{8,}|0*[1-9][0-9]{8,});?")


def defuse_charrefs(text: str) -> str:
    return _HUGE_CHARREF.sub("\ufffd", text) if "&#" in text else text


def cell_text(raw: str) -> str:
    """Inline HTML in a cell -> text: ``<br>`` and ``</p>`` become line breaks."""
    if "<" not in raw and "&" not in raw:
        return raw.strip()
    text = _BR.sub("\n", raw)
    text = _TAG.sub("", text)
    text = html.unescape(defuse_charrefs(text))
    return "\n".join(part.strip() for part in text.split("\n") if part.strip())


def is_junk(text: str) -> bool:
    """A page number, page footer or table-of-contents line."""
    stripped = text.strip()
    if not stripped:
        return False
    if len(stripped) <= 12 and _PAGE_NUMBER.match(stripped):
        return True
    footer_like = "页" in stripped or "/" in stripped or "age" in stripped
    if len(stripped) <= 60 and footer_like and _PAGE_FOOTER.search(stripped):
        return True
    if ("_Toc" in stripped or "PAGEREF" in stripped or "HYPERLINK" in stripped or "TOC" in stripped) and (
        _FIELD_CODE.search(stripped)
    ):
        return True
    leader = "...." in stripped or "……" in stripped or "··" in stripped or "------" in stripped  # …… is \u2026\u2026
    return leader and bool(_DOT_LEADER.search(stripped))


def split_markdown_row(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    if "\\" not in body and "<" not in body and "&" not in body:  # no escaped bar, no inline HTML: the usual row
        return [c.strip() for c in body.split("|")]
    cells = _CELL_SPLIT.split(body)
    return [cell_text(c.replace("\\|", "|")) for c in cells]


class _HtmlTables(HTMLParser):
    """Collects the rows of ``<table>`` elements with their source line numbers."""

    def __init__(self, first_line: int, limits: Limits) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.limits = limits
        self.tables: list[TableBlock] = []
        self._depth = 0
        self._row: list[tuple[str, int, int]] | None = None  # (text, colspan, rowspan)
        self._row_line = 0
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._raw_rows: list[tuple[int, list[tuple[str, int, int]]]] = []
        self._notes: list[Note] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.first_line + self.getpos()[0] - 1
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._raw_rows, self._notes = [], []
                self._table_line = line
        elif tag == "tr" and self._depth == 1:
            self._row = []
            self._row_line = line
        elif tag in ("td", "th") and self._row is not None:
            values = dict(attrs)
            self._cell = []
            self._span = (self._span_of(values, "colspan", line), self._span_of(values, "rowspan", line))
        elif tag in ("br", "p") and self._cell is not None:
            self._cell.append("\n")

    def _span_of(self, attrs: dict[str, str | None], name: str, line: int) -> int:
        """A colspan/rowspan: its leading digits (as browsers read it), at least 1, at most the limit."""
        digits = _LEADING_DIGITS.match(attrs.get(name) or "")
        if digits is None:
            return 1
        text = digits.group(1).lstrip("0") or "0"
        if len(text) <= 9 and int(text) <= self.limits.span:
            return max(1, int(text))
        shown = text if len(text) <= 12 else f"{text[:6]}…({len(text)} digits)"
        self._notes.append(Note("P210", line, {"attribute": name, "value": shown, "limit": self.limits.span}))
        return self.limits.span

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = "\n".join(p.strip() for p in "".join(self._cell).split("\n") if p.strip())
            self._row.append((text, *self._span))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._raw_rows.append((self._row_line, self._row))
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                block = _expand_spans(self._table_line, self._raw_rows, self.limits)
                block.notes[:0] = self._notes
                self.tables.append(block)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![CDATA[…]]>`` as usual; an unknown ``<![keyword`` (on which Python before 3.13 raises
        AssertionError) is a bogus comment up to the next ``>``, as in HTML5."""
        try:
            return int(super().parse_marked_section(i, report))
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return len(self.rawdata) if end < 0 else end + 1


_LEADING_DIGITS = re.compile(r"\s*\+?([0-9]+)")


def _expand_spans(line: int, raw_rows: list[tuple[int, list[tuple[str, int, int]]]], limits: Limits) -> TableBlock:
    """colspan/rowspan -> blank cells, as in a Markdown export of merged cells; in time and memory
    proportional to the cells made, which the limits bound."""
    block = TableBlock(line=line)
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for row_line, cells in raw_rows:
        out, _ = expand_row(cells, pending, limits.room(block))
        if not limits.admit(block, row_line, len(out)):
            break
        block.rows.append(TableRow(line=row_line, cells=out))
    return block


def to_blocks(text: str, reporter: Reporter, limits: Limits | None = None) -> list[Block]:
    """Split decoded text into paragraphs and tables (1-based line numbers)."""
    limits = limits or Limits.from_settings()
    lines = text.split("\n")
    blocks: list[Block] = []
    current: TableBlock | None = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        number = i + 1
        stripped = raw.strip()
        if stripped.startswith("<") and _TABLE_START.match(stripped):
            end = i
            while end < len(lines) and not _TABLE_END.search(lines[end]):
                end += 1
            parser = _HtmlTables(first_line=number, limits=limits)
            parser.feed(defuse_charrefs("\n".join(lines[i : end + 1])))
            parser.close()
            blocks.extend(parser.tables)
            current = None
            i = end + 1
            continue
        if stripped.startswith("|"):
            if _MD_SEPARATOR.match(stripped):
                i += 1
                continue
            cells = split_markdown_row(stripped)
            filled = [c for c in cells if c.strip()]
            if len(filled) == 1 and is_junk(filled[0]):
                reporter.add("P107", number, text=filled[0][:60])
                i += 1
                continue
            if current is None:
                current = TableBlock(line=number)
                blocks.append(current)
            if limits.admit(current, number, len(cells)):
                current.rows.append(TableRow(line=number, cells=cells))
            i += 1
            continue
        current = None
        if stripped:
            if is_junk(stripped):
                reporter.add("P107", number, text=stripped[:60])
            else:
                blocks.append(Paragraph(line=number, text=cell_text(stripped) if "<" in stripped else stripped))
        i += 1
    return blocks


def read_text(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """The text reader: decoded text (UTF-8, UTF-16 with a BOM, GB18030) -> blocks; a position is a line."""
    text, encoding = decode(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        reporter.add("P005", None, encoding=encoding)
    lines = text.count("\n") + 1
    return Read(to_blocks(text, reporter, limits), end=lines, encoding=encoding, lines=lines)
