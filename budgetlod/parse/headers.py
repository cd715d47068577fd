"""Table headers: split header from data, resolve merged cells, align value columns.

Two sources of truth, used together:

* the column-number row (``※ ※ ※ ※ 1 2 3 …``) printed by the template: when
  it numbers as many value columns as the spec lists, column *k* is the spec's
  *k*-th column whatever the header text above it says (converters misplace
  header cells: the sample's 表2);
* the header text, resolved into a path per position (a blank cell in an upper
  header row continues the cell on its left; in the lowest row it continues the
  cell above), matched against the spec's aliases — used when there is no
  number row or it disagrees with the spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlod.findings import Reporter
from budgetlod.model import Column
from budgetlod.parse.text import looks_like_amount, strip_header_unit
from budgetlod.read.stream import TableRow
from budgetlod.specs import ColumnSpec
from budgetlod.text import label_key

_NUMBER_MARK = {"※", "栏次", "*", "＊"}
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_CODE_AND_NAME = re.compile(r"^\d{3}(?:\d{2}){0,2}\s*[^\d\s.,]")


def column_number(text: str) -> int | None:
    """A printed column number (``1`` … ``16``); None for anything else, a long digit string included."""
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 4 else None


def is_number_row(cells: list[str]) -> bool:
    """``※ ※ 1 2 3`` — the template's column numbers."""
    values = [c.strip() for c in cells if c.strip()]
    numbers = [n for n in map(column_number, values) if n is not None]
    if not numbers or any(v not in _NUMBER_MARK and column_number(v) is None for v in values):
        return False
    return numbers[0] == 1 and numbers == list(range(1, len(numbers) + 1)) and (len(numbers) > 1 or len(values) > 1)


def looks_like_data(cells: list[str], total_labels: set[str]) -> bool:
    stripped = [c.strip() for c in cells]
    if not any(stripped):
        return True
    if any(looks_like_amount(c) and ("." in c or "," in c) for c in stripped):
        return True
    if any(_CODE.match(c) or _CODE_AND_NAME.match(c) for c in stripped[:3] if c):
        return True
    texts = [c for c in stripped if c and not looks_like_amount(c)]
    # a total row; not a header row that begins with 合计 over the columns' names (三公经费 / 会议费 / 培训费)
    return bool(texts) and all(label_key(c) in total_labels for c in texts)


@dataclass
class Layout:
    width: int
    header: list[TableRow]
    data: list[TableRow]
    numbers: dict[int, int]  # position -> printed column number
    number_row: TableRow | None
    _stacks: list[list[str]] | None = field(default=None, repr=False, compare=False)

    def stacks(self) -> list[list[str]]:
        """:func:`stacks` of the header, computed once (several readers ask for it; none changes it)."""
        if self._stacks is None:
            self._stacks = stacks(self.header, self.width)
        return self._stacks


def split_header(rows: list[TableRow], total_labels: set[str]) -> Layout:
    for i, row in enumerate(rows):
        if is_number_row(row.cells):
            found = {p: column_number(c) for p, c in enumerate(row.cells)}
            numbers = {p: n for p, n in found.items() if n is not None}
            return Layout(len(row.cells), rows[:i], rows[i + 1 :], numbers, row)
    cut = next((i for i, r in enumerate(rows) if looks_like_data(r.cells, total_labels)), len(rows))
    header, data = rows[:cut], rows[cut:]
    width = max((len(r.cells) for r in header), default=max((len(r.cells) for r in rows), default=0))
    return Layout(width, header, data, {}, None)


def stacks(header: list[TableRow], width: int) -> list[list[str]]:
    """Per position, the header texts from top to bottom with merged cells resolved."""
    grid = [[(r.cells[p] if p < len(r.cells) else "").strip() for p in range(width)] for r in header]
    for r, row in enumerate(grid[:-1]):  # upper rows: a blank continues the cell on its left
        for p in range(1, width):
            above_same = r == 0 or grid[r - 1][p] == grid[r - 1][p - 1]
            if not row[p] and row[p - 1] and above_same:
                row[p] = row[p - 1]
    result: list[list[str]] = []
    for p in range(width):
        texts: list[str] = []
        for row in grid:
            text = strip_header_unit(row[p])
            if text and (not texts or label_key(texts[-1]) != label_key(text)):
                texts.append(text)
        result.append(texts)
    return result


ROW_NUMBER_HEADER = "行次"


def row_number_positions(layout: Layout) -> set[int]:
    """Positions of a 行次 column (the row numbers 1, 2, 3 … printed beside the labels of the older national
    tables): never amounts, never codes."""
    return {p for p, texts in enumerate(layout.stacks()) if ROW_NUMBER_HEADER in map(label_key, texts)}


def match_column(stack: list[str], specs: tuple[ColumnSpec, ...], taken: set[str]) -> ColumnSpec | None:
    """The spec column whose leaf alias is the deepest matching text, parents agreeing."""
    keys = [label_key(t) for t in stack]
    for depth in range(len(keys) - 1, -1, -1):
        leaf = label_key(keys[depth])
        candidates = [c for c in specs if c.path not in taken and leaf in _leaf_keys(c)]
        if not candidates:
            continue
        above = set(keys[:depth])
        for candidate in candidates:
            if all(any(label_key(p) in k or k in label_key(p) for k in above) for p in candidate.parents):
                return candidate
        return candidates[0]
    return None


def assign_columns(
    positions: list[int],
    layout: Layout,
    specs: tuple[ColumnSpec, ...],
    optional: tuple[ColumnSpec, ...],
    reporter: Reporter,
    table: str,
) -> dict[int, Column]:
    """Map value positions to columns (canonical spec paths where known)."""
    texts = layout.stacks()
    line = layout.header[0].line if layout.header else None
    numbered = [p for p in positions if p in layout.numbers]
    columns: dict[int, Column] = {}
    if numbered and len(numbered) == len(specs):
        for spec, p in zip(specs, numbered, strict=True):
            columns[p] = Column(spec.path, " / ".join(texts[p]), layout.numbers[p])
        _report_ragged(columns, texts, specs, reporter, table, line)
        return columns
    if numbered and specs:
        reporter.add("P206", line, table=table, found=len(numbered), expected=len(specs))
    taken: set[str] = set()
    for p in positions:
        matched = match_column(texts[p], specs + optional, taken)
        printed = " / ".join(texts[p]) or f"column {p + 1}"
        if matched is None:
            if specs:  # an unknown table (no spec columns) keeps its printed headers silently
                reporter.add("P203", line, table=table, column=printed)
            columns[p] = Column(printed, printed, layout.numbers.get(p), known=False)
        else:
            taken.add(matched.path)
            columns[p] = Column(matched.path, printed, layout.numbers.get(p))
    return columns


_LEAF_KEYS: dict[int, tuple[ColumnSpec, frozenset[str]]] = {}


def _leaf_keys(spec: ColumnSpec) -> frozenset[str]:
    """The keys :meth:`ColumnSpec.matches_leaf` accepts, kept by the spec's identity (hashing a frozen spec
    hashes all its fields on every call)."""
    found = _LEAF_KEYS.get(id(spec))
    if found is None or found[0] is not spec:
        found = (spec, frozenset(label_key(a) for a in (*spec.aliases, spec.leaf)))
        _LEAF_KEYS[id(spec)] = found
    return found[1]


def _owners(specs: tuple[ColumnSpec, ...], text: str) -> list[ColumnSpec]:
    key = label_key(text)
    return [s for s in specs if key in _leaf_keys(s)]


def _report_ragged(
    columns: dict[int, Column],
    texts: list[list[str]],
    specs: tuple[ColumnSpec, ...],
    reporter: Reporter,
    table: str,
    line: int | None,
) -> None:
    for p, column in columns.items():
        for text in texts[p]:
            owners = _owners(specs, text)
            if len(owners) == 1 and owners[0].path != column.path and owners[0].leaf != column.path.split("/")[-1]:
                reporter.add("P205", line, table=table, text=text, position=p + 1)
