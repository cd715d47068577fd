"""Merged cells on the grid: a row's cells with their colspan and rowspan -> the row as the text reader's
convention has it (the text in the first cell a merge covers, "" in the others), shared by the readers of
HTML tables (in text files and in web pages)."""

from __future__ import annotations

from collections.abc import Sequence


def expand_row(
    cells: Sequence[tuple[str, int, int]], pending: dict[int, int], room: int
) -> tuple[list[str], dict[int, int]]:
    """``cells`` as (text, colspan, rowspan) -> (the row on the grid, {grid column where a cell starts: its
    colspan}). ``pending`` (grid column -> rows still covered by a rowspan above) is carried from row to row.
    At most ``room`` + 1 cells are made: time and memory stay proportional to the cells the limits allow."""
    out: list[str] = []
    starts: dict[int, int] = {}
    column = index = 0
    while len(out) <= room:
        if pending.get(column, 0) > 0:
            pending[column] -= 1
            out.append("")
            column += 1
        elif index < len(cells):
            text, colspan, rowspan = cells[index]
            index += 1
            starts[len(out)] = colspan
            out.append(text)
            out.extend([""] * (colspan - 1))
            if rowspan > 1:
                for k in range(colspan):
                    pending[column + k] = rowspan - 1
            column += colspan
        else:
            break
    return out, starts
