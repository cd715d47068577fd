"""The Excel 97–2003 reader (.xls, and WPS's .et saved as BIFF): xlrd with its formats
(``formatting_info=True``), read as the .xlsx reader reads a sheet (:func:`budgetlod.read.xlsx.sheet_blocks`).

A workbook xlrd cannot read (BIFF before Excel 97, a file saved by a tool xlrd does not follow) is converted by
LibreOffice (:mod:`budgetlod.read.office`); one protected by a password is refused (R003).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from budgetlod.findings import Reporter
from budgetlod.read.cellformat import format_value
from budgetlod.read.decode import refuse
from budgetlod.read.pieces import Pieces
from budgetlod.read.stream import Limits, Read
from budgetlod.read.xlsx import Sheet, sheet_blocks

KIND = "Excel 97–2003 workbook (.xls)"


def read_xls(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    import xlrd  # type: ignore[import-untyped]  # imported when a workbook is read

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise refuse("R003", kind=KIND) from exc
        return _converted(data, name, reporter, limits)
    except (
        AssertionError,
        IndexError,
        KeyError,
        ValueError,
        TypeError,
        EOFError,
        OSError,
        NotImplementedError,
        UnicodeDecodeError,
        ArithmeticError,
    ) as exc:  # xlrd's parser fails on what it does not expect
        del exc
        return _converted(data, name, reporter, limits)
    pieces = Pieces(reporter, limits)
    try:
        for sheet, hidden in _sheets(book):
            if hidden:
                reporter.add("R202", None, sheet=sheet.name)
                continue
            sheet_blocks(pieces, name, sheet)
    finally:
        book.release_resources()
    return pieces.read()


def _converted(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    from budgetlod.read.office import read_converted

    return read_converted(data, name, reporter, limits)


def _sheets(book: Any) -> Iterator[tuple[Sheet, bool]]:
    import xlrd

    for index in range(book.nsheets):
        worksheet = book.sheet_by_index(index)
        sheet = Sheet(worksheet.name)
        for row in range(worksheet.nrows):
            types = worksheet.row_types(row)
            values = worksheet.row_values(row)
            for column, (kind, value) in enumerate(zip(types, values, strict=False)):
                if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                text = _text(book, worksheet, row, column, kind, value)
                if text:
                    sheet.cells[(row + 1, column + 1)] = text
        for top, bottom, left, right in worksheet.merged_cells:  # 0-based, the ends exclusive
            sheet.merges.append((top + 1, left + 1, bottom, right))
        yield sheet, worksheet.visibility != 0


def _text(book: Any, worksheet: Any, row: int, column: int, kind: int, value: Any) -> str:
    import xlrd

    if kind == xlrd.XL_CELL_TEXT:
        return str(value).strip()
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return str(xlrd.error_text_from_code.get(value, "#ERR"))
    number_format = _format(book, worksheet.cell_xf_index(row, column))
    if kind == xlrd.XL_CELL_DATE:
        try:
            return format_value(xlrd.xldate.xldate_as_datetime(value, book.datemode), number_format)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            pass
    return format_value(value, number_format)


def _format(book: Any, xf_index: int) -> str:
    try:
        key = book.xf_list[xf_index].format_key
        return str(book.format_map[key].format_str) or "General"
    except (IndexError, KeyError, AttributeError):
        return "General"
