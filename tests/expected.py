"""The hand-checked figures of a case (``tests/cases/<name>/expected.tsv``) and the parser's figures keyed the
same way: ``(table, side, code, name, column) -> (amount, source line)``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budgetlod.model import Disclosure

Figure = tuple[str, str, str, str, str]  # table, side, code, name, column


def read_expected(path: Path) -> dict[Figure, tuple[Decimal, int]]:
    expected: dict[Figure, tuple[Decimal, int]] = {}
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.strip() or text.startswith("#"):
            continue
        table, line, side, code, name, figures = text.split("\t")
        for figure in figures.split(";"):
            column, value = figure.split("=")
            key = (table, side, code, name, column)
            assert key not in expected, f"duplicate figure in {path}: {key}"
            expected[key] = (Decimal(value), int(line))
    return expected


def parsed_figures(disclosure: Disclosure) -> dict[Figure, tuple[Decimal, int]]:
    """Every reported figure, in yuan, keyed like the expected file."""
    figures: dict[Figure, tuple[Decimal, int]] = {}
    for table in disclosure.tables:
        assert table.id is not None, f"unrecognised table {table.title!r} at line {table.line}"
        for row in table.rows:
            for column, value in row.values.items():
                if value is None:
                    continue
                key = (table.id, row.side or "", row.code, row.name, column)
                assert key not in figures, f"figure read twice: {key}"
                figures[key] = (value * table.multiplier, row.line)
    return figures
