"""Result types, number formatting and the line buffer of a synthetic disclosure.

The document is built as a list of :class:`Line` objects (so that error
injection can alter, drop or insert lines and every recorded position follows);
:class:`Fact` and :class:`RowRec` remember where each figure was printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# --------------------------------------------------------------------------
# Public result types.


@dataclass(frozen=True)
class ExpectedRow:
    """A printed data row as a parser should read it back."""

    side: str | None  # "income" | "expenditure" for 表1/表4, else None
    codes: tuple[str, ...]  # ("201", "03", "50"); () for total and itemised rows
    name: str  # as printed, without spaces or enumeration
    key: str | None = None  # spec row key (表1/表4 income, 表10)
    project: str | None = None  # 项目名称 (表7)
    values: dict[str, Decimal] = field(default_factory=dict)  # column path -> figure; blank cells absent


@dataclass(frozen=True)
class TableRef:
    """Where a narrative figure is in the tables (a missing row means zero)."""

    table: str
    column: str
    side: str | None = None
    codes: tuple[str, ...] = ()
    key: str | None = None
    name: str | None = None  # row name (表7: the project; 表11: the project row)


@dataclass(frozen=True)
class ExpectedFact:
    """A statement written in the narrative: figures in 万元, rates and shares in percent (signed)."""

    section: str  # 第三部分 section ("一" … "十二"), or "概况"
    subject: str
    line: int
    amount: Decimal | None = None
    change: Decimal | None = None  # signed: 减少 -> negative
    rate: Decimal | None = None  # signed percent
    share: Decimal | None = None  # percent of share_of
    share_of: Decimal | None = None
    codes: tuple[str, ...] = ()
    function: tuple[str, ...] = ()  # 类/款/项 names
    ref: TableRef | None = None


@dataclass(frozen=True)
class ExpectedStaffing:
    category: str  # 编制数 | 实有人数 | 在职 | 退休 | 离休
    count: int
    change: int | None
    line: int


@dataclass(frozen=True)
class InjectedError:
    kind: str
    table: str | None
    line: int
    description: str


# --------------------------------------------------------------------------
# Numbers.


def dec(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def money(fen: int) -> str:
    return format(dec(fen), ",.2f")


def cell(fen: int) -> str:
    return money(fen) if fen else ""


def percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(amount: int, prior: int) -> Decimal:
    """Growth rate in percent, signed; 100.00 for a new item, 0.00 for nothing to nothing."""
    if not prior:
        return Decimal("100.00") if amount > 0 else Decimal("0.00")
    return percent(amount - prior, prior)


# --------------------------------------------------------------------------
# The line buffer.


@dataclass(eq=False)
class Span:
    start: int
    end: int


@dataclass(eq=False)
class Line:
    text: str = ""
    cells: list[str] | None = None
    spans: list[Span] = field(default_factory=list)

    def render(self) -> str:
        if self.cells is None:
            return self.text
        return "|" + "|".join(f" {c} " if c else " " for c in self.cells) + "|"

    def replace(self, span: Span, new: str) -> None:
        delta = len(new) - (span.end - span.start)
        self.text = self.text[: span.start] + new + self.text[span.end :]
        for other in self.spans:
            if other is not span and other.start >= span.end:
                other.start += delta
                other.end += delta
        span.end += delta


@dataclass(eq=False)
class RowRec:
    """A printed table row, for error injection."""

    table: str
    line: Line
    level: str  # total | 类 | 款 | 项 | project | item
    name: str
    side: str | None
    values: dict[str, int]  # column path -> cell index
    codes: tuple[int, ...]  # cell indexes of the code cells


@dataclass(eq=False)
class Tok:
    """A figure inside a narrative sentence, remembered for error injection."""

    text: str
    fact: Fact | None = None
    field: str = ""


@dataclass(eq=False)
class Fact:
    section: str
    subject: str
    amount: int | None = None
    prior: int | None = None  # the 上年 figure, when a change is stated
    share_of: int | None = None
    codes: tuple[str, ...] = ()
    function: tuple[str, ...] = ()
    ref: TableRef | None = None
    line: Line | None = None
    spans: dict[str, tuple[Line, Span]] = field(default_factory=dict)

    @property
    def change(self) -> int | None:
        return None if self.prior is None or self.amount is None else self.amount - self.prior


class Doc:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.rows: list[RowRec] = []
        self.facts: list[Fact] = []
        self.expected: dict[str, list[ExpectedRow]] = {}

    def para(self, *parts: str | Tok, blank: bool = True) -> Line:
        line = Line()
        text = ""
        for part in parts:
            if isinstance(part, Tok):
                span = Span(len(text), len(text) + len(part.text))
                line.spans.append(span)
                if part.fact is not None:
                    part.fact.spans[part.field] = (line, span)
                    if part.field == "amount" or part.fact.line is None:
                        part.fact.line = line
                text += part.text
            else:
                text += part
        line.text = text
        self.lines.append(line)
        if blank:
            self.lines.append(Line())
        return line

    def header(self, *rows: list[str]) -> None:
        """A Markdown table's header rows (the separator under the first), as the tables of every family print them."""
        for i, cells in enumerate(rows):
            self.lines.append(Line(text="| " + " | ".join(cells) + " |"))
            if i == 0:
                self.lines.append(Line(text="|" + "|".join("------" for _ in cells) + "|"))

    def row(self, cells: list[str]) -> Line:
        line = Line(cells=list(cells))
        self.lines.append(line)
        return line

    def fact(self, section: str, subject: str, **kwargs: object) -> Fact:
        fact = Fact(section, subject, **kwargs)  # type: ignore[arg-type]
        self.facts.append(fact)
        return fact

    def render(self) -> str:
        return "\n".join(line.render() for line in self.lines) + "\n"

    def number(self, line: Line) -> int:
        for i, candidate in enumerate(self.lines):
            if candidate is line:
                return i + 1
        raise ValueError("line not in document")
