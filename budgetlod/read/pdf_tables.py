"""PDF tables: from ruling lines where they are drawn, from the alignment of text where they are not.

Ruled tables come from pdfplumber's ``find_tables`` (lines and the edges of filled rectangles). A merged
cell keeps its text in its first (top-left) cell and leaves ``""`` in the cells it covers, the text
reader's convention; the lines of a multi-line cell are joined (Chinese without a space). Rows above the
header that span the whole table (Excel prints the title and the ``部门：… 单位：万元`` line inside the
frame) are given back as paragraphs. A table without rulings is found from runs of lines whose
segments (text separated by wide gaps) line up in columns and hold amounts.

Across a page break, a table at the top of a page continues the one at the bottom of the page before:
its columns are mapped onto the earlier ones by position, a header repeated on the new page is dropped,
and a row cut in two by the break (``八、社会保障和就`` / ``业支出``, a code ``30`` / ``2``) is joined.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from budgetlod.read.pdf_text import Line, join_lines, squash_cjk_spaces

_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_OUTSIDE = re.compile(
    r"(?:^|\s)(?:编制)?(?:部门|单位|单位名称|编制单位)\s*[:：]|单\s*位\s*[:：]|^[（(]?续表|^公开\S{0,4}表|^表"
)
_SEQUENCE = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[、．]|\d{1,2}\.(?!\d))"
)
_CODE_WRAP = re.compile(r"(?:^|[^\x00-\x7f])(?=[0-9A-Za-z]*\d)[0-9A-Za-z]+$")  # a last token, a digit in it
_TITLE = re.compile(r"表(?:[（(][^）)]{1,12}[）)])?$")
SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
}


def is_amount(text: str) -> bool:
    return bool(_AMOUNT.match(text.replace(" ", ""))) and any(ch.isdigit() for ch in text)


@dataclass
class PdfTable:
    page: int
    top: float
    bottom: float
    xs: list[float]  # the left edge of each column
    rows: list[list[str]]
    right: float = 0.0
    before: list[str] = field(default_factory=list)  # title and unit lines printed inside the frame
    after: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # a repeated header, when continued
    cells: list[tuple[float, float, float, float]] = field(default_factory=list)  # (x0, top, x1, bottom)
    wrapped: set[int] = field(default_factory=set)  # columns of the last row whose text fills its last line

    @property
    def width(self) -> int:
        return len(self.xs)


def cell_text(text: str | None) -> str:
    """A cell's lines as one text; a code wrapped inside a narrow cell (``1010122`` / ``U``: a line of one
    token with a digit, running on into letters or digits) is joined without a space."""
    if not text:
        return ""
    parts: list[str] = []
    for line in (part.strip() for part in text.split("\n")):
        if parts and line and _CODE_WRAP.search(parts[-1]) and line[0].isascii() and line[0].isalnum():
            parts[-1] += line
        elif line:
            parts.append(line)
    return squash_cjk_spaces(join_lines(parts))


def ruled_tables(page: Any, number: int) -> list[PdfTable]:
    """The ruled tables of a pdfplumber page, top to bottom; one grid holding several tables (a Word
    document's tables printed one after the other) is cut at the title rows between them."""
    found: list[PdfTable] = []
    for table in page.find_tables(SETTINGS):
        raw = table.extract(x_tolerance=1.5, y_tolerance=3)
        if not raw:
            continue
        xs = _column_edges(table) or [table.bbox[0] + i for i in range(len(raw[0]))]
        _narrow_spans(table, raw)
        _frame_above(page, table, raw)
        rows = [[cell_text(c) for c in r] for r in raw]
        tops = [r.bbox[1] for r in table.rows] if len(table.rows) == len(rows) else [table.bbox[1]] * len(rows)
        cells = list(table.cells)
        for piece in _pieces(rows, raw, tops):
            first, last = piece
            filled = next((i for i in range(first, last) if any(rows[i])), first)
            result = PdfTable(number, tops[filled], table.bbox[3], xs, [], right=table.bbox[2], cells=cells)
            _split_frame_text(rows[first:last], raw[first:last], result)
            tail = next((i for i in range(last - 1, first - 1, -1) if any(rows[i])), None)
            if tail is not None and len(table.rows) == len(rows):
                top, bottom = table.rows[tail].bbox[1], table.rows[tail].bbox[3]
                band = [c for c in page.chars if top <= (c["top"] + c["bottom"]) / 2 <= bottom]
                result.wrapped = _full_cells(band, table.rows[tail].cells, rows[tail])
            _drop_empty_columns(result)
            if result.rows or result.before or result.after:
                found.append(result)
                cells = []
    return found


def _full_cells(chars: list[dict[str, Any]], boxes: list[Any], texts: list[str]) -> set[int]:
    """The columns whose text wraps in its cell and has no room left on its last line (the next glyph would
    cross the cell's padding at the right): a label that may go on in the next row, cut by a page break."""
    full: set[int] = set()
    for index, box in enumerate(boxes):
        if box is None or index >= len(texts) or not texts[index] or is_amount(texts[index]):
            continue
        x0, top, x1, bottom = box
        inside = [
            c
            for c in chars
            if c["text"].strip()
            and x0 <= (c["x0"] + c["x1"]) / 2 <= x1
            and top <= (c["top"] + c["bottom"]) / 2 <= bottom
        ]
        if not inside:
            continue
        last = max(c["top"] for c in inside)
        line = [c for c in inside if c["top"] >= last - c["size"] / 2]
        if len(line) == len(inside):
            continue  # one line: nothing wrapped
        size = max(c["size"] for c in line)
        padding = max(0.0, min(c["x0"] for c in inside) - x0)
        if max(c["x1"] for c in line) + size > x1 - padding:
            full.add(index)
    return full


def _narrow_spans(table: Any, raw: list[list[str | None]]) -> None:
    """A row whose first cell is the only one starting on it but does not reach the right edge (``科目编码``
    under cells merged down from the rows above) spans nothing: its covered cells become ``""``."""
    if len(table.rows) != len(raw):
        return
    right = table.bbox[2]
    for index, row in enumerate(table.rows):
        first = row.cells[0] if row.cells else None
        if _spans_all(raw[index]) and first is not None and first[2] < right - 3:
            raw[index] = [raw[index][0], *("" for _ in raw[index][1:])]


def _frame_above(page: Any, table: Any, raw: list[list[str | None]]) -> None:
    """A spanning cell drawn as the frame around the whole table (its box reaching below the rows under it)
    holds every character of the table: keep only its text above the next row (the title and unit lines)."""
    if len(table.rows) != len(raw):
        return
    for index, row in enumerate(table.rows[:-1]):
        first = row.cells[0] if row.cells else None
        below = table.rows[index + 1].bbox[1]
        if first is None or not _spans_all(raw[index]) or first[3] <= below + 3 or below <= first[1]:
            continue
        region = page.crop((first[0], first[1], first[2], below), strict=False)
        raw[index][0] = region.extract_text(x_tolerance=1.5, y_tolerance=3) or ""


def _pieces(rows: list[list[str]], raw: list[list[str | None]], tops: list[float]) -> list[tuple[int, int]]:
    """(first, end) of each table in one grid: a new one starts at a title row after data rows."""
    starts = [0]
    seen_data = False
    for index, cells in enumerate(rows):
        if _title_row(cells) or _outside(cells) or _spans_all(raw[index]):
            if seen_data:
                starts.append(index)
                seen_data = False
        elif any(cells):
            seen_data = True
    return [(a, b) for a, b in zip(starts, [*starts[1:], len(rows)], strict=True)]


def _title_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) == 1 and 4 <= len(filled[0]) <= 40 and bool(_TITLE.search(filled[0]))


def _drop_empty_columns(table: PdfTable) -> None:
    """Columns with no text in any row (a grid's spacer columns)."""
    if not table.rows:
        return
    keep = [i for i in range(len(table.rows[0])) if any(i < len(r) and r[i] for r in table.rows)]
    if len(keep) == len(table.rows[0]) or not keep:
        return
    table.rows = [[r[i] for i in keep] for r in table.rows]
    table.wrapped = {keep.index(i) for i in table.wrapped if i in keep}
    if len(table.xs) > max(keep):
        table.xs = [table.xs[i] for i in keep]


def _column_edges(table: Any) -> list[float]:
    edges: dict[int, float] = {}
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if cell is not None and index not in edges:
                edges[index] = cell[0]
    count = len(table.rows[0].cells) if table.rows else 0
    if len(edges) != count:
        return []
    return [edges[i] for i in range(count)]


def _spans_all(raw: list[str | None]) -> bool:
    return len(raw) > 1 and bool(raw[0]) and all(c is None for c in raw[1:])


def _outside(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and not any(is_amount(c) for c in filled) and bool(_OUTSIDE.search(" ".join(filled)))


def _frame_lines(text: str) -> list[str]:
    """The lines of a cell spanning the table: each one a paragraph, but a wrapped title's tail (``表``)."""
    lines: list[str] = []
    for part in (p.strip() for p in text.split("\n")):
        if part and lines and len(part) <= 3 and not is_amount(part):
            lines[-1] = join_lines([lines[-1], part])
        elif part:
            lines.append(part)
    return lines


def _split_frame_text(rows: list[list[str]], raw: list[list[str | None]], into: PdfTable) -> None:
    """Blank rows dropped; title and unit rows at the top (and notes at the bottom) made paragraphs."""
    start, end = 0, len(rows)
    while start < end:
        cells = rows[start]
        if not any(cells):
            start += 1
        elif _spanning_header(rows, raw, start):
            break
        elif _spans_all(raw[start]) or _outside(cells) or _title_row(cells):
            if _spans_all(raw[start]):
                into.before.extend(_frame_lines(raw[start][0] or ""))
            else:
                into.before.append(" ".join(c for c in cells if c))
            start += 1
        else:
            break
    while end > start:
        cells = rows[end - 1]
        if not any(cells):
            end -= 1
        elif _spans_all(raw[end - 1]) and (cells[0].startswith(("注", "说明", "备注")) or len(cells[0]) > 40):
            into.after.insert(0, cells[0])
            end -= 1
        else:
            break
    into.rows = [r for r in rows[start:end] if any(r)]


def _spanning_header(rows: list[list[str]], raw: list[list[str | None]], index: int) -> bool:
    """A one-line cell across the table right above the column headers (``财政拨款“三公”经费`` over
    合计 / 因公出国（境）费 / …) is the top of the header, no title or unit line."""
    text = raw[index][0] or ""
    if not _spans_all(raw[index]) or "\n" in text.strip() or len(text) > 20 or index + 1 >= len(rows):
        return False
    cells = rows[index]
    following = rows[index + 1]
    return (
        not _title_row(cells)
        and not _outside(cells)
        and not _spans_all(raw[index + 1])
        and sum(1 for c in following if c) >= 2
        and not any(is_amount(c) for c in following)
    )


def text_tables(lines: list[Line], number: int) -> tuple[list[PdfTable], set[int]]:
    """Tables printed without rulings: runs of 3+ lines of 2+ aligned segments, 2+ of them with amounts.
    Returns the tables and the indexes of the lines they took."""
    tables: list[PdfTable] = []
    taken: set[int] = set()
    run: list[int] = []
    for index in [*range(len(lines)), -1]:
        line = lines[index] if index >= 0 else None
        if line is not None and (len(line.segments) >= 2 or (run and _fits(line, [lines[i] for i in run]))):
            run.append(index)
            continue
        chosen = [lines[i] for i in run]
        if len(run) >= 3 and sum(1 for ln in chosen if any(is_amount(s[2]) for s in ln.segments)) >= 2:
            tables.append(_aligned(chosen, number))
            taken.update(run)
        run = []
        if line is not None and len(line.segments) >= 2:
            run.append(index)
    return tables, taken


def _fits(line: Line, run: list[Line]) -> bool:
    """A one-segment line inside a text table (a row with only its label), close below the run."""
    last = run[-1]
    return line.top - last.bottom < 1.2 * last.size and line.x0 >= min(ln.x0 for ln in run) - 2


def _aligned(lines: list[Line], number: int) -> PdfTable:
    """Segments -> columns: intervals that overlap across lines are one column."""
    spans: list[list[float]] = []
    for line in lines:
        for x0, x1, _ in line.segments:
            hits = [s for s in spans if x0 <= s[1] + 1 and x1 >= s[0] - 1]
            merged = [min([x0, *(s[0] for s in hits)]), max([x1, *(s[1] for s in hits)])]
            spans = [s for s in spans if s not in hits] + [merged]
    spans.sort()
    rows: list[list[str]] = []
    for line in lines:
        cells = [""] * len(spans)
        for x0, x1, text in line.segments:
            column = next(i for i, s in enumerate(spans) if x0 <= s[1] + 1 and x1 >= s[0] - 1)
            cells[column] = f"{cells[column]} {text}".strip() if cells[column] else text
        rows.append(cells)
    table = PdfTable(number, lines[0].top, lines[-1].bottom, [s[0] for s in spans], [], right=spans[-1][1])
    _split_frame_text(rows, [list[str | None](r) for r in rows], table)
    return table


def remap(table: PdfTable, onto: PdfTable) -> None:
    """Put ``table``'s cells in the columns of ``onto`` (a continuation printed with other rulings)."""
    if table.xs == onto.xs or not onto.xs:
        return
    targets = [_nearest(onto.xs, x) for x in table.xs]
    rows = []
    for row in table.rows:
        cells = [""] * onto.width
        for target, text in zip(targets, row, strict=False):
            if text:
                cells[target] = join_lines([cells[target], text]) if cells[target] else text
        rows.append(cells)
    table.rows, table.xs = rows, list(onto.xs)
    table.wrapped = {targets[i] for i in table.wrapped if i < len(targets)}


def _nearest(xs: list[float], x: float) -> int:
    below = [i for i, edge in enumerate(xs) if edge <= x + 3]
    return below[-1] if below else 0


def drop_repeated_header(table: PdfTable, previous: PdfTable) -> None:
    """The header rows the continuation repeats (its first rows equal the first rows of the table)."""
    count = 0
    while count < min(len(table.rows), len(previous.rows), 6) and table.rows[count] == previous.rows[count]:
        if any(is_amount(c) for c in table.rows[count]):
            break
        count += 1
    if count:
        table.dropped = [" | ".join(c for c in row if c) for row in table.rows[:count]]
        table.rows = table.rows[count:]


def split_row(previous: list[str], first: list[str], wrapped: set[int] | None = None) -> bool:
    """Whether ``first`` (the first row on a page) is the rest of ``previous`` (the last row on the page
    before): its text only in columns where the earlier part has text, not both parts with amounts, and
    when neither has amounts, ``first``'s text only in the columns ``wrapped`` (whose text in ``previous``
    fills its cell to the right edge, as a label wrapped in its cell does)."""
    filled = [i for i, c in enumerate(first) if c]
    if not filled or len(first) != len(previous):
        return False
    if any(not previous[i] for i in filled):
        return False
    with_amounts = any(is_amount(c) for c in first), any(is_amount(c) for c in previous)
    if all(with_amounts):
        return False  # both with amounts: two rows
    if not any(with_amounts) and not (wrapped and all(i in wrapped for i in filled)):
        return False  # neither: only a label filling its cell tells
    if _SEQUENCE.match(first[filled[0]]) or _labels_both_sides(previous, first, filled):
        return False  # a row of its own: ``一、…``, or a label on each side of a two-sided table
    return not any(_CODE.match(first[i]) and _CODE.match(previous[i]) and len(first[i]) >= 3 for i in filled)


def _labels_both_sides(previous: list[str], first: list[str], filled: list[int]) -> bool:
    """``first`` has text (no amount) in two label columns with an amount column of ``previous`` between
    them: the ``收入`` and ``支出`` sides of a two-sided table each start a row."""
    labels = [i for i in filled if not is_amount(first[i])]
    return any(any(is_amount(previous[j]) for j in range(a + 1, b)) for a, b in itertools.pairwise(labels))


def join_row(previous: list[str], first: list[str]) -> list[str]:
    return [join_lines([a, b]) if b else a for a, b in zip(previous, first, strict=True)]
