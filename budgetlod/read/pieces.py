"""What the Word, Excel and HTML readers share: numbering their pieces in reading order, with each piece's
:class:`~budgetlod.read.stream.Locator`, and the same junk rule as the text reader (P107)."""

from __future__ import annotations

from budgetlod.findings import Reporter
from budgetlod.read.stream import Block, Limits, Locator, Paragraph, Read, TableBlock, TableRow
from budgetlod.read.text import is_junk


class Pieces:
    """Blocks being built: every paragraph, table and table row gets the next position and its place."""

    def __init__(self, reporter: Reporter, limits: Limits) -> None:
        self.reporter = reporter
        self.limits = limits
        self.blocks: list[Block] = []
        self.places: dict[int, Locator] = {}
        self.position = 0

    def _next(self, where: Locator) -> int:
        self.position += 1
        self.places[self.position] = where
        return self.position

    def paragraph(self, text: str, where: Locator) -> None:
        """One paragraph per printed line (a line break inside a paragraph starts a new one); blank lines
        are dropped, converter junk (page numbers, TOC lines) too, with P107."""
        for line in text.split("\n"):
            line = " ".join(line.split()) if "\t" in line else line.strip()
            if not line:
                continue
            position = self._next(where)
            if is_junk(line):
                self.reporter.add("P107", position, text=line[:60])
            else:
                self.blocks.append(Paragraph(line=position, text=line))

    def junk(self, text: str, where: Locator) -> None:
        """A piece the reader knows to be converter junk (a table-of-contents entry): dropped with P107."""
        if text.strip():
            self.reporter.add("P107", self._next(where), text=" ".join(text.split())[:60])

    def table(self, where: Locator) -> TableBlock:
        block = TableBlock(line=self._next(where))
        self.blocks.append(block)
        return block

    def row(self, block: TableBlock, cells: list[str], where: Locator) -> bool:
        """Append a row unless the block is past a cell limit (then its rows are dropped: P211/P212)."""
        position = self._next(where)
        if not self.limits.admit(block, position, len(cells)):
            return False
        block.rows.append(TableRow(line=position, cells=cells))
        return True

    def grid(self, where: Locator, rows: list[tuple[list[str], dict[int, int], Locator]]) -> TableBlock:
        """A table from its expanded rows: (cells on the grid, {column where a cell starts: its span}, place).

        A column of the grid where no cell starts in any row (every row has a cell spanning it: Word and
        LibreOffice make one where two rows' borders are a hair apart) is dropped, so that it does not stand as
        a blank column between the others; no text is in it."""
        block = self.table(where)
        started = {column for _, starts, _ in rows for column in starts}
        for cells, _, row_where in rows:
            kept = [text for column, text in enumerate(cells) if column in started]
            if not self.row(block, kept, row_where):
                break
        return block

    def full(self, rows: list[tuple[list[str], dict[int, int], Locator]]) -> bool:
        """Enough rows gathered: past a table's cell limit (the block will be refused, P211)."""
        return sum(len(cells) for cells, _, _ in rows) > self.limits.room(TableBlock(line=0))

    def drop_empty_tables(self) -> None:
        """A table block with no row (all blank, or a layout table emptied of its content) is no table."""
        self.blocks = [b for b in self.blocks if not isinstance(b, TableBlock) or b.rows or b.notes]

    def read(self, *, encoding: str = "", lines: int = 0, pages: int | None = None) -> Read:
        self.drop_empty_tables()
        return Read(self.blocks, end=self.position, places=self.places, encoding=encoding, lines=lines, pages=pages)
