"""Score a parse of real published files against the cells written by hand from them.

A case is ``tests/cases/real-<name>/`` holding ``source.txt`` (the files of one disclosure, relative to
``shared/samples/real/``, in reading order, one a line) and ``expected-cells.tsv`` (every printed figure of
every table, written from the PDF, never from budgetlod)::

    page	table	side	row	code	column	value
    1	收支预算总表	收入	一、财政拨款		金额	13,297.11

An expected cell is right when the parse has, in the table of that title, on the row of that label (and code
and side), under the column of that header path, the printed value. Titles, labels and header parts are
compared by :func:`budgetlod.text.label_key` (no spaces, quotes or enumeration prefix). Where the case files
leave a choice the matching allows for it:

- table: the title equals the expected one, else ends with it (``2017年政府采购预算表``), else equals it without a
  printed suffix in brackets (``财政拨款支出预算表（功能科目）``); all tables of that title count, in order (a
  table a reader split at a page break);
- row: a one-part label ``A`` is first the row named ``A`` with no project of its own (a procurement item
  ``会议费``, not the 经济科目 ``会议费`` of a project printed before it), then as below; an expected label
  ``A / B`` (a group cell and a sub-label, or a procurement project and its 经济科目) is
  found as the joined label ``AB`` (a row's project and name joined count as its label, and its project alone
  when it has no name), else as ``B``, else as ``A`` (also as the row's project); an empty label
  (a table whose one data row has none) is any row; a label printed several times in a table is matched in
  order: the k-th expected cell of that label and column is the k-th row of that label with a figure there;
- side: ``收入`` is the income side, any other heading (``支出``, ``功能分类``, ``支出用途``) the expenditure side;
  a row without a side (a total spanning both) is on either; tables without sides are not filtered;
- column: a column whose printed header path equals the expected path, part by part, or ends with it
  (``收入 / 决算数`` for ``决算数``); failing that, its canonical path.

``python -m tests.real_cells`` prints ``case right/total (pct)`` for every case; ``-v`` adds the misses.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from budgetlod.model import Column, Disclosure, Row, Table
from budgetlod.text import label_key

CASES = Path(__file__).resolve().parent / "cases"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "samples" / "real"
HEADER = ["page", "table", "side", "row", "code", "column", "value"]
_SUFFIX = re.compile(r"（[^（）]*）$")


@dataclass(frozen=True)
class Expected:
    page: int
    table: str
    side: str
    row: str
    code: str
    column: str
    value: str
    line: int = 0  # line of expected-cells.tsv

    @property
    def amount(self) -> Decimal:
        return Decimal(self.value.replace(",", "").rstrip("%"))

    def where(self) -> str:
        side = f" [{self.side}]" if self.side else ""
        code = f" {self.code}" if self.code else ""
        return f"p.{self.page} {self.table}{side} row「{self.row}」{code} column「{self.column}」"


@dataclass
class Score:
    right: int
    total: int
    misses: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total} ({self.ratio:.1%})"


def real_cases() -> list[Path]:
    """The case folders ``tests/cases/real-*/`` that have expected cells."""
    return sorted(p for p in CASES.glob("real-*") if (p / "expected-cells.tsv").is_file())


def source_files(case_dir: Path, real: Path = REAL) -> list[Path]:
    names = (case_dir / "source.txt").read_text(encoding="utf-8").split("\n")
    return [real / name.strip() for name in names if name.strip()]


def load_expected(case_dir: Path) -> list[Expected]:
    """The cells of ``case_dir/expected-cells.tsv``. Raises ValueError for a malformed line."""
    path = case_dir / "expected-cells.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not lines or lines[0] != HEADER:
        raise ValueError(f"{path}: the header must be {' '.join(HEADER)}")
    cells = []
    for number, fields in enumerate(lines[1:], start=2):
        if not fields:
            continue
        if len(fields) != len(HEADER):
            raise ValueError(f"{path}:{number}: {len(fields)} fields, not {len(HEADER)}")
        page, table, side, row, code, column, value = fields
        cell = Expected(int(page), table, side, row, code, column, value, number)
        try:
            cell.amount  # noqa: B018 - checks the value is a figure
        except InvalidOperation as exc:
            raise ValueError(f"{path}:{number}: value {value!r} is not a figure") from exc
        if not table or not column:
            raise ValueError(f"{path}:{number}: table and column are required")
        cells.append(cell)
    return cells


def _parts(path: str) -> list[str]:
    return [label_key(part) for part in path.split("/") if label_key(part)]


def _joined(label: str) -> str:
    return "".join(_parts(label))


def _tables(disclosure: Disclosure, title: str) -> list[Table]:
    want = label_key(title)
    keys = [(table, label_key(table.title)) for table in disclosure.tables]
    bare = label_key(_SUFFIX.sub("", title))
    for accept in (want.__eq__, lambda key: key.endswith(want), bare.__eq__):
        found = [table for table, key in keys if accept(key)]
        if found:
            return found
    return []


def _side(side: str) -> str | None:
    if not side:
        return None
    return "income" if label_key(side) == "收入" else "expenditure"


def _columns(tables: Sequence[Table], column: str, side: str | None) -> list[Column]:
    want = _parts(column)
    columns = [c for t in tables for c in t.columns if side is None or c.side in (None, side)]
    printed = [c for c in columns if _parts(c.printed)[-len(want) :] == want]
    return printed or [c for c in columns if _parts(c.path)[-len(want) :] == want]


def _value(row: Row, columns: Sequence[Column]) -> tuple[bool, Decimal | None]:
    """(has the column, its value) for the first of ``columns`` the row has a figure under, else the first it has."""
    present = [row.values[c.path] for c in columns if c.path in row.values]
    for value in present:
        if value is not None:
            return True, value
    return bool(present), None


def _row_keys(row: Row) -> tuple[set[str], str]:
    """The keys a row answers to as a whole label (its name; its project and name joined, or its project
    alone when it has no name), and its project's key."""
    name, project = _joined(row.name), label_key(row.project or "")
    whole = {name, project + name} if name else {project}
    return whole - {""}, project


def _strategies(label: str) -> list[tuple[str, str]]:
    """(strategy, key) tried in order for an expected row label."""
    parts = _parts(label)
    if not parts:
        return [("any", "")]
    found = [("alone", parts[0])] if len(parts) == 1 else []  # a row labelled by its name alone, no project
    found += [("joined", "".join(parts))]
    if len(parts) > 1:
        found += [("last", parts[-1]), ("first", parts[0])]
    return found


def _matches(row: Row, strategy: str, key: str) -> bool:
    if strategy == "any":
        return True
    whole, project = _row_keys(row)
    if strategy == "alone":
        return _joined(row.name) == key and project in ("", key)
    if strategy == "joined":
        return key in whole
    if strategy == "first":
        return key in whole or key == project
    return _joined(row.name) == key


def score(disclosure: Disclosure, expected: Sequence[Expected]) -> Score:
    right = 0
    misses: list[str] = []
    seen: dict[tuple[str, ...], int] = defaultdict(int)
    for cell in expected:
        tables = _tables(disclosure, cell.table)
        if not tables:
            misses.append(f"{cell.where()}: expected {cell.value}, no table")
            continue
        has_sides = any(row.side is not None for t in tables for row in t.rows)
        side = _side(cell.side) if has_sides else None
        columns = _columns(tables, cell.column, side)
        rows = [
            row
            for t in tables
            for row in t.rows
            if (side is None or row.side in (None, side)) and (not cell.code or row.code == cell.code)
        ]
        found: Decimal | None = None
        problem = "no row"
        for strategy, key in _strategies(cell.row):
            candidates = [row for row in rows if _matches(row, strategy, key)]
            if not candidates:
                continue
            if not columns:
                problem = "no column"
                break
            index_key = (cell.table, cell.side, strategy, key, cell.code, cell.column)
            index = seen[index_key]
            seen[index_key] += 1
            values = [_value(row, columns) for row in candidates]
            filled = [value for has, value in values if value is not None]
            if index < len(filled):
                found = filled[index]
                problem = f"found {found}"
            elif any(has for has, _ in values):
                problem = "blank"
            else:
                problem = "no column"
            break
        if found is not None and found == cell.amount:
            right += 1
        else:
            misses.append(f"{cell.where()}: expected {cell.value}, {problem}")
    return Score(right, len(expected), misses)


def score_case(case_dir: Path, real: Path = REAL) -> Score:
    """Parse the case's source files and score them. Raises what the parser raises."""
    from budgetlod.parse.document import parse_files

    disclosure = parse_files(source_files(case_dir, real))
    return score(disclosure, load_expected(case_dir))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    names = [a for a in args if not a.startswith("-")]
    if not REAL.is_dir():
        print(f"no shared samples at {REAL}")
        return 1
    for case in real_cases():
        if names and case.name not in names:
            continue
        try:
            result = score_case(case)
        except Exception as exc:  # a report of every case, whatever one of them raises
            print(f"{case.name} error: {type(exc).__name__}: {exc}")
            continue
        print(f"{case.name} {result}")
        if verbose:
            for miss in result.misses:
                print(f"    {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
