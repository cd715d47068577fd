"""The HTML reader: a page saved from a government site, or Word's "Save as web page", -> paragraphs and tables.

* Encoding: a byte-order mark, else the page's ``<meta charset>`` or ``http-equiv`` content type (GB2312 and
  GBK are read as their superset GB18030), else UTF-8, else GB18030 (P005 when it is not UTF-8).
* Parsed with lxml's HTML parser. Not read: ``<head>``, scripts, styles, comments (Word's conditional comments
  ``<!--[if gte mso 9]>…``, whose field codes and XML they hold; the content of a downlevel-revealed
  ``<![if !supportLists]>…<![endif]>``, a list number, is read), elements hidden by ``display:none``,
  ``visibility:hidden``, ``mso-hide:all`` or ``hidden``.
* Paragraphs: each block element (``p``, ``div``, ``h1``…, ``li``, …) is one; its text as a browser shows it:
  runs of white space are one space, and a line break in the source between two Chinese characters is nothing
  (Word wraps its HTML at 80 columns, between any two characters); ``<br>`` starts a new paragraph;
  ``<o:p>``, ``mso-`` styles and spans only carry formatting.
* Tables: ``colspan``/``rowspan`` expanded as the text reader does (text in the first cell, ``""`` in the cells
  covered); a cell's paragraphs and ``<br>`` are joined by a line break; ``<caption>`` is a paragraph before
  the table. A table that holds tables, or has one cell only, is a layout table: its cells' content is read in
  order instead.
* Locator: the source line of the element (``Locator(file, line=…)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from budgetlod.findings import Reporter
from budgetlod.read.decode import refuse
from budgetlod.read.pieces import Pieces
from budgetlod.read.spans import expand_row
from budgetlod.read.stream import Limits, Locator, Note, Read, TableBlock
from budgetlod.read.text import defuse_charrefs

_BLOCK = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li dt dd ul ol dl blockquote pre address center section article header footer "  # noqa: SIM905
    "nav main aside figure figcaption form fieldset legend hr body html tr td th caption details summary "
    "thead tbody tfoot".split()
)
_SKIP = frozenset("head script style noscript template title object embed iframe svg math select textarea xml".split())  # noqa: SIM905
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f“”‘’"
_SEGMENT_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_WIDE}])")
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_BR = "\u2028"  # a <br> while a paragraph is gathered: not white space to collapse
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn", "gb18030"}


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then the declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    candidates = []
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        candidates.append("gb18030" if label in _GB else label)
    candidates += ["utf-8", "gb18030"]
    for encoding in dict.fromkeys(candidates):
        if encoding.startswith("utf-16"):
            continue  # declared UTF-16 without a BOM is not what the bytes are (they parsed as ASCII)
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise refuse("P002", offset=_bad_offset(data))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise refuse("P002", offset=exc.start) from exc


def _bad_offset(data: bytes) -> int:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError as exc:
        return exc.start
    return 0


def clean(text: str) -> str:
    """White space as a browser shows it; a ``<br>`` kept as a line break."""
    text = _SEGMENT_BREAK.sub("", text)
    lines = (_SPACES.sub(" ", part).strip() for part in text.split(_BR))
    return "\n".join(line for line in lines if line)


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style and _HIDDEN.search(style))


def _tag(element: Any) -> str:
    """The element's name in lower case ("" for a comment); Word's ``o:p``, ``v:shape`` stay namespaced
    (inline)."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


class _Walker:
    """Gathers inline text into paragraphs; ``emit`` takes each (text, source line)."""

    def __init__(self, emit: Callable[[str, int | None], None], table: Callable[[Any], None] | None) -> None:
        self.emit = emit
        self.on_table = table
        self.buffer: list[str] = []
        self.line: int | None = None

    def flush(self) -> None:
        text = clean("".join(self.buffer))
        if text:
            self.emit(text, self.line)
        self.buffer, self.line = [], None

    def add(self, text: str | None, line: int | None) -> None:
        if text:
            if self.line is None and text.strip():
                self.line = line
            self.buffer.append(text)

    def walk(self, element: Any) -> None:
        """The content of an element (not its tail)."""
        line = element.sourceline
        self.add(element.text, line)
        for child in element:
            self.node(child)
            self.add(child.tail, child.sourceline or line)

    def node(self, element: Any) -> None:
        tag = _tag(element)
        if not tag or tag in _SKIP or _hidden(element):
            return  # a comment, a processing instruction, a script, hidden text
        if tag == "br":
            self.buffer.append(_BR)
        elif tag == "table":
            self.flush()
            if self.on_table is not None:
                self.on_table(element)
            else:  # a table in a cell of a data table does not occur (that table is a layout table)
                self.walk(element)
            self.flush()
        elif tag in _BLOCK:
            self.flush()
            self.line = element.sourceline
            self.walk(element)
            self.flush()
        else:
            self.walk(element)


class _Page:
    def __init__(self, pieces: Pieces, file: str) -> None:
        self.pieces = pieces
        self.file = file
        self.walker = _Walker(self.paragraph, self.table)

    def paragraph(self, text: str, line: int | None) -> None:
        self.pieces.paragraph(text, Locator(self.file, line=line))

    def table(self, element: Any) -> None:
        rows = [tr for tr in element.iter("tr") if _owner(tr) is element]
        cells = [[td for td in tr if _tag(td) in ("td", "th") and not _hidden(td)] for tr in rows]
        nested = any(_tag(d) == "table" for d in element.iterdescendants())
        if nested or sum(len(c) for c in cells) <= 1:
            for row in cells:  # a layout table
                for cell in row:
                    self.walker.walk(cell)
                    self.walker.flush()
            return
        for caption in element.findall("caption"):
            self.walker.walk(caption)
            self.walker.flush()
        notes: list[Note] = []
        pending: dict[int, int] = {}  # column -> rows a rowspan above still covers
        gathered: list[tuple[list[str], dict[int, int], Locator]] = []
        for tr, row in zip(rows, cells, strict=True):
            if _hidden(tr):
                continue
            starts: dict[int, int] = {}
            out = self._expand(notes, row, pending, starts, element.sourceline)
            gathered.append((out, starts, Locator(self.file, line=tr.sourceline)))
            if self.pieces.full(gathered):
                break
        if gathered:
            block = self.pieces.grid(Locator(self.file, line=element.sourceline), gathered)
            for note in notes:
                note.line = block.line
            block.notes[:0] = notes

    def _expand(
        self, notes: list[Note], row: list[Any], pending: dict[int, int], starts: dict[int, int], line: int | None
    ) -> list[str]:
        """colspan/rowspan -> blank cells; ``starts`` gets the columns where a cell of this row starts (and
        its colspan)."""
        spans = [
            (_cell_text(cell), self._span(notes, cell, "colspan", line), self._span(notes, cell, "rowspan", line))
            for cell in row
        ]
        out, found = expand_row(spans, pending, self.pieces.limits.room(TableBlock(line=0)))
        starts.update(found)
        return out

    def _span(self, notes: list[Note], cell: Any, name: str, line: int | None) -> int:
        digits = re.match(r"\s*\+?([0-9]+)", cell.get(name) or "")
        if digits is None:
            return 1
        text = digits.group(1).lstrip("0") or "0"
        limit = self.pieces.limits.span
        if len(text) <= 9 and int(text) <= limit:
            return max(1, int(text))
        shown = text if len(text) <= 12 else f"{text[:6]}…({len(text)} digits)"
        notes.append(Note("P210", line or 0, {"attribute": name, "value": shown, "limit": limit}))
        return limit


def _owner(tr: Any) -> Any:
    """The table a row belongs to (its nearest ``table`` ancestor)."""
    for ancestor in tr.iterancestors():
        if _tag(ancestor) == "table":
            return ancestor
    return None


def _cell_text(cell: Any) -> str:
    lines: list[str] = []
    walker = _Walker(lambda text, _line: lines.append(text), None)
    walker.walk(cell)
    walker.flush()
    return "\n".join(lines)


def read_html(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """An HTML page -> paragraphs and tables, each at its source line."""
    import lxml.html  # type: ignore[import-untyped]  # imported when a page is read
    from lxml import etree

    text, encoding = decode_html(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        reporter.add("P005", None, encoding=encoding)
    declaration = _XML_DECLARATION.match(text)
    if declaration:  # lxml refuses a str with an encoding declaration; keep its lines for the line numbers
        text = "\n" * declaration.group(0).count("\n") + text[declaration.end() :]
    text = defuse_charrefs(text.replace("\x00", "\ufffd"))
    if not text.strip():
        raise refuse("P001")
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise refuse("R004", kind="HTML page", reason=" ".join(str(exc).split())[:160]) from exc
    if any("Excessive depth" in error.message for error in parser.error_log):  # libxml2 stops reading there
        raise refuse("R004", kind="HTML page", reason="elements nested more than 256 deep (the rest is not read)")
    pieces = Pieces(reporter, limits)
    page = _Page(pieces, name)
    body = root.find("body")
    page.walker.walk(body if body is not None else root)
    page.walker.flush()
    return pieces.read(encoding=encoding, lines=text.count("\n") + 1)
