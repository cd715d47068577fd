"""What every reader gives the parser: blocks (paragraphs and tables of cells) in reading order, each with its
position and, through :class:`Stream`, its place in the published file.

A *position* (the ``line`` of a block or a row) orders the pieces of one disclosure and names them in IRIs and
findings. For a text file it is the 1-based line. Other readers number their pieces in reading order (a
paragraph, a table, each row of a table: one position each) and record each position's :class:`Locator`: page
(PDF), sheet and cell (Excel), line (HTML). A disclosure read from several files numbers them one after the
other (:meth:`Stream.extend`), so positions never collide and the same files in the same order always give the
same positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budgetlod.model import SourceInfo
from budgetlod.settings import setting


@dataclass
class Paragraph:
    line: int
    text: str


@dataclass
class TableRow:
    line: int
    cells: list[str]


@dataclass
class Note:
    """A finding about a table block, reported by the table stage once it knows the table's name."""

    code: str
    line: int
    fields: dict[str, Any]


@dataclass
class TableBlock:
    line: int
    rows: list[TableRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    cells: int = 0
    refused: bool = False  # past a cell limit: its rows are dropped (a P211/P212 note says why)


Block = Paragraph | TableBlock


@dataclass
class Limits:
    """The parser's bounds on tables (settings max_span, max_table_cells, max_file_cells) and the file's
    count of table cells so far: no input expands into more cells than these, whatever its spans."""

    span: int
    table_cells: int
    file_cells: int
    used: int = 0

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(int(setting("max_span")), int(setting("max_table_cells")), int(setting("max_file_cells")))

    def room(self, block: TableBlock) -> int:
        """Cells the block may still take."""
        return max(0, min(self.table_cells - block.cells, self.file_cells - self.used))

    def admit(self, block: TableBlock, line: int, cells: int) -> bool:
        """Count a row of ``cells`` into the block; past a limit the block is refused and its rows dropped."""
        if block.refused:
            return False
        block.cells += cells
        self.used += cells
        if block.cells > self.table_cells:
            block.notes.append(Note("P211", line, {"limit": self.table_cells}))
        elif self.used > self.file_cells:
            block.notes.append(Note("P212", line, {"limit": self.file_cells}))
        else:
            return True
        block.refused = True
        block.rows.clear()
        return False


@dataclass(frozen=True)
class Locator:
    """Where a piece is in the published file: a line (text, HTML), a page (PDF), a sheet and cell (Excel)."""

    file: str
    line: int | None = None
    page: int | None = None
    sheet: str | None = None
    cell: str | None = None  # an A1 reference in ``sheet``

    def cite(self) -> str:
        """``p. 14``, ``sheet 表3!C7``, ``line 12``: as findings and pages print it (without the file)."""
        if self.sheet is not None:
            return f"sheet {self.sheet}!{self.cell}" if self.cell else f"sheet {self.sheet}"
        if self.page is not None:
            return f"p. {self.page}"
        return f"line {self.line}" if self.line is not None else ""

    def __str__(self) -> str:
        place = self.cite()
        return f"{self.file} {place}" if place else self.file


@dataclass
class Read:
    """One file as a reader gives it."""

    blocks: list[Block]
    end: int  # the last position used (a text file: its number of lines)
    places: dict[int, Locator] | None = None  # None: a text file, whose positions are its lines
    encoding: str = ""
    lines: int = 0
    pages: int | None = None


@dataclass
class Segment:
    """One file's stretch of positions: ``offset + 1`` … ``end``."""

    source: SourceInfo
    offset: int
    end: int
    places: dict[int, Locator] | None = None  # None: a text file, whose positions are its lines


@dataclass
class Stream:
    """A disclosure as read: its blocks, and where each position comes from."""

    blocks: list[Block] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @property
    def sources(self) -> list[SourceInfo]:
        return [segment.source for segment in self.segments]

    @property
    def plain(self) -> bool:
        """One text file: a position is its line, and ``file:line`` says where it is."""
        return len(self.segments) == 1 and self.segments[0].places is None

    def extend(self, source: SourceInfo, blocks: list[Block], places: dict[int, Locator] | None, end: int) -> None:
        """Append one file's blocks (positions 1 … ``end`` of that file), shifted past the files before it."""
        offset = self.segments[-1].end if self.segments else 0
        if offset:
            for block in blocks:
                _shift(block, offset)
            if places is not None:
                places = {position + offset: where for position, where in places.items()}
        self.blocks.extend(blocks)
        self.segments.append(Segment(source, offset, offset + end, places))

    def locate(self, position: int | None) -> Locator | None:
        if position is None:
            return None
        for segment in self.segments:
            if segment.offset < position <= segment.end:
                if segment.places is None:
                    return Locator(segment.source.name, line=position - segment.offset)
                return segment.places.get(position)
        return None


def _shift(block: Block, offset: int) -> None:
    block.line += offset
    if isinstance(block, TableBlock):
        for row in block.rows:
            row.line += offset
        for note in block.notes:
            note.line += offset
