"""The Excel reader (.xlsx, with openpyxl), and what it shares with the .xls reader: a sheet's cells -> blocks.

A sheet is a table, with the paragraphs printed around it:

* leading rows whose every filled cell is a title (``…表``), a number (``表1``, ``公开01表``), a compiler
  (``编制单位：…``) or a unit (``单位：万元``) become paragraphs, one per cell; so do such rows further down
  (a second table on the same sheet starts there), and trailing notes (one filled cell merged across columns,
  or a sentence with ``。``, or ``注：…``);
* the sheet's name is a title paragraph before them, unless those rows hold a title (the title row wins; a
  name that is only a number, ``表1``, is still given) or the name is a default one (``Sheet1``, ``工作表1``);
* the other rows are table rows, from the first to the last column any of them fills; merged cells give their
  text in the first (top-left) cell and ``""`` in the cells they cover, as a Markdown export does; a row with
  no text is dropped;
* every cell is the text the sheet prints (:mod:`budgetlod.read.cellformat`): 1487.4 formatted ``#,##0.00``
  is ``1,487.40``.

Each paragraph and row is located by sheet and cell (``Locator(file, sheet="表1", cell="A7")``: the row's first
cell). Hidden sheets are not read (R202).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from budgetlod.findings import Reporter
from budgetlod.read.cellformat import format_value
from budgetlod.read.decode import DAMAGED, CannotParse, damage, refuse
from budgetlod.read.pieces import Pieces
from budgetlod.read.stream import Limits, Locator, Read
from budgetlod.text import squash

UNZIPPED_LIMIT = 256 * 1024 * 1024  # bytes an Office file may expand to (a zip bomb is refused: R201)

_NUMBER_MARK = re.compile(
    r"^(?:(?:公开|附)?表\s*[0-9一二三四五六七八九十]+(?:\s*[-—－]\s*\d+)?\s*[:：.、]?|公开\s*0*\d+\s*表)$"
)
_COMPILER = re.compile(r"^编制(?:单位|部门)\s*[:：]")
_UNIT = re.compile(r"^[（(]?(?:金额)?单位\s*[:：]\s*\S{1,6}[)）]?$")
_NOTE = re.compile(r"^(?:注|说明|备注)\s*[:：\d]")
_DEFAULT_SHEET = re.compile(r"^(?:sheet|工作表|表格)\s*\d*$", re.IGNORECASE)

Cell = tuple[int, int]  # (row, column), 1-based
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (inclusive)


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_title(text: str) -> bool:
    key = squash(text).replace(" ", "")
    return key.endswith("表") and 3 < len(key) <= 60 and "。" not in key and "空表" not in key


def is_heading(text: str) -> bool:
    """A cell that is printed above a table, not in it: title, number, compiler, unit."""
    key = squash(text)
    return bool(is_title(key) or _NUMBER_MARK.match(key) or _COMPILER.match(key) or _UNIT.match(key.replace(" ", "")))


@dataclass
class Sheet:
    """One sheet's printed cells: only those with text (the reader never walks a sheet's empty rectangle)."""

    name: str
    cells: dict[Cell, str] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)


def check_unzipped(data: bytes, kind: str) -> None:
    """Refuse a zip whose members expand past :data:`UNZIPPED_LIMIT` (R201), or that cannot be listed (R004)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse("R004", kind=kind, reason=f"not a complete zip archive, truncated? ({exc})") from exc
    if size > UNZIPPED_LIMIT:
        raise refuse("R201", kind=kind, size=size, limit=UNZIPPED_LIMIT)


def sheet_blocks(pieces: Pieces, file: str, sheet: Sheet) -> None:
    """A sheet's cells -> paragraphs and table blocks (see the module's description)."""
    covered: set[Cell] = set()
    span: dict[Cell, Merge] = {}
    for merge in sheet.merges:
        top, left, bottom, right = merge
        if (bottom - top + 1) * (right - left + 1) > pieces.limits.table_cells:
            continue  # a merge larger than a table may be: its covered cells are not listed one by one
        span[(top, left)] = merge
        covered.update((r, c) for r in range(top, bottom + 1) for c in range(left, right + 1) if (r, c) != (top, left))
    filled = {cell: text for cell, text in sheet.cells.items() if text and cell not in covered}
    rows: dict[int, list[int]] = {}
    for row, column in sorted(filled):
        rows.setdefault(row, []).append(column)
    numbers = sorted(rows)
    kinds = {row: "heading" if all(is_heading(filled[(row, c)]) for c in rows[row]) else "table" for row in numbers}
    _trailing_notes(numbers, kinds, rows, filled, span)
    first_table = next((row for row in numbers if kinds[row] == "table"), None)
    leading = [row for row in numbers if first_table is None or row < first_table]
    titled = any(is_title(filled[(row, column)]) for row in leading for column in rows[row])
    if not _DEFAULT_SHEET.match(sheet.name.strip()) and (not titled or _NUMBER_MARK.match(squash(sheet.name))):
        pieces.paragraph(sheet.name, Locator(file, sheet=sheet.name))
    index = 0
    while index < len(numbers):
        row = numbers[index]
        if kinds[row] != "table":
            for column in rows[row]:
                where = Locator(file, sheet=sheet.name, cell=f"{column_letter(column)}{row}")
                pieces.paragraph(filled[(row, column)], where)
            index += 1
            continue
        end = index
        while end < len(numbers) and kinds[numbers[end]] == "table":
            end += 1
        _table(pieces, file, sheet.name, numbers[index:end], rows, filled, span)
        index = end


def _trailing_notes(
    numbers: list[int],
    kinds: dict[int, str],
    rows: dict[int, list[int]],
    filled: dict[Cell, str],
    span: dict[Cell, Merge],
) -> None:
    """Rows after the last table row that hold one note (merged across columns, a sentence, ``注：``)."""
    for row in reversed(numbers):
        columns = rows[row]
        if kinds[row] != "table":
            continue
        if len(columns) != 1:
            return
        text = squash(filled[(row, columns[0])])
        merge = span.get((row, columns[0]))
        if (merge and merge[3] > merge[1]) or "。" in text or _NOTE.match(text) or "空表" in text:
            kinds[row] = "note"
        else:
            return


def _table(
    pieces: Pieces,
    file: str,
    name: str,
    numbers: list[int],
    rows: dict[int, list[int]],
    filled: dict[Cell, str],
    span: dict[Cell, Merge],
) -> None:
    columns = [c for row in numbers for c in rows[row]]
    left = min(columns)
    right = max([*columns, *(span[(row, c)][3] for row in numbers for c in rows[row] if (row, c) in span)])
    # rows merged downwards from the block's last row keep their width; the block ends at its last filled row
    block = pieces.table(Locator(file, sheet=name, cell=f"{column_letter(left)}{numbers[0]}"))
    width = right - left + 1
    if width > pieces.limits.table_cells:
        width = pieces.limits.table_cells
    for row in numbers:
        cells = [filled.get((row, column), "") for column in range(left, left + width)]
        if not pieces.row(block, cells, Locator(file, sheet=name, cell=f"{column_letter(left)}{row}")):
            break


def read_xlsx(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """An .xlsx workbook -> one table per visible sheet, cells as printed."""
    kind = "Excel workbook (.xlsx)"
    check_unzipped(data, kind)
    pieces = Pieces(reporter, limits)
    for sheet, hidden in _sheets(data, kind):
        if hidden:
            reporter.add("R202", None, sheet=sheet.name)
            continue
        sheet_blocks(pieces, name, sheet)
    return pieces.read()


def _sheets(data: bytes, kind: str) -> Iterable[tuple[Sheet, bool]]:
    import openpyxl  # type: ignore[import-untyped]  # imported when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "workbook contains no default style", unknown extensions
            book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except CannotParse:
        raise
    except (InvalidFileException, *DAMAGED) as exc:
        raise refuse("R004", kind=kind, reason=damage(exc)) from exc
    try:
        for worksheet in book.worksheets:
            sheet = Sheet(worksheet.title)
            for (row, column), cell in worksheet._cells.items():  # only the cells the file holds
                if cell.value is None:
                    continue
                text = format_value(cell.value, cell.number_format)
                if text:
                    sheet.cells[(row, column)] = text
            for merged in worksheet.merged_cells.ranges:
                sheet.merges.append((merged.min_row, merged.min_col, merged.max_row, merged.max_col))
            yield sheet, worksheet.sheet_state != "visible"
    finally:
        book.close()


