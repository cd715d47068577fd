"""Find the standard tables among the blocks: headings, titles, units, page breaks.

A table is announced by a number (表 1 / 表一 / 表 1: / 公开01表 / 公开表1-1),
a title (matched against the specs' aliases), or both on one line; then come
``编制单位：…`` and ``单位：万元`` lines and the table block.  A table block that
follows another with nothing but junk or a repeated heading between them
(续表, the same title, the unit line) continues it; a repeated header is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from budgetlod.findings import Reporter
from budgetlod.model import FamilyChoice, Table
from budgetlod.parse.family import Evidence, choose_family
from budgetlod.parse.headers import is_number_row
from budgetlod.parse.table_read import read_rows
from budgetlod.parse.text import cn_number, looks_like_amount, strip_header_unit, unit_in_line
from budgetlod.read.stream import Block, Note, TableBlock, TableRow
from budgetlod.settings import setting
from budgetlod.specs import SideSpec, TableSpec, default_family, family_specs
from budgetlod.text import label_key, squash

_NUMBER = r"[0-9一二三四五六七八九十]+"
_NUMBER_ONLY = re.compile(rf"^(?:公开)?表\s*({_NUMBER})(?:\s*[-—－]\s*\d+)?\s*[:：.、]?$")
_PUBLIC_NN = re.compile(r"^公开\s*0*(\d+)\s*表$")
_COMBINED = re.compile(rf"^(?:公开)?表\s*({_NUMBER})(?:\s*[-—－]\s*\d+)?\s*[:：.、]?\s*(\S.*)$")
_COMPILER = re.compile(r"^(?:编制单位|部\s*门(?:名称)?)\s*[:：]\s*(.+?)(?:\s*(?:金额)?单位\s*[:：].*)?$")
# a table printed empty says so under it: "…为空表。" (the 2024 预算 template), "…故本表无数据。" (决算, Putuo)
_EMPTY_NOTE = re.compile(r"空表|本表无数据|故本表无|本表为空")
_TEMPLATE_NOTE = re.compile(r"^(?:注|说明)\s*[：:]\s*本表反映")
_TITLE_SUFFIX = re.compile(r"表[（(][^（()）]{1,12}[)）]$")  # 支出预算表（功能科目）: a PDF's table title
_CONTINUED = re.compile(r"^[（(]?续表[）)]?")
_COMPILER_TAIL = re.compile(r"^[^\d\s。，,；;：:、]{1,16}$")


def match_title(text: str, family: str | None = None) -> TableSpec | None:
    """The spec of a family (default: the default family) whose title alias the text is (or ends with: a
    unit/year prefix is allowed)."""
    family = family or default_family().id
    known = _MATCHED.get((text, family), _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    found = _match_title(text, family)
    if len(text) <= 256:  # titles repeat across documents (family choice, review, reading); run-on lines do not
        if len(_MATCHED) >= 65536:
            _MATCHED.clear()
        _MATCHED[(text, family)] = found
    return found


_UNKNOWN = object()
_MATCHED: dict[tuple[str, str], TableSpec | None] = {}


def _match_title(text: str, family: str) -> TableSpec | None:
    key = _title_key(text)
    if not key.endswith("表") or len(key) > 60:
        return None
    best: tuple[int, TableSpec] | None = None
    for spec, alias_key in _title_aliases(family):
        fits = key == alias_key or key.endswith(alias_key)
        if fits and (best is None or len(alias_key) > best[0]):
            best = (len(alias_key), spec)
    return best[1] if best else None


@cache
def _title_aliases(family: str) -> tuple[tuple[TableSpec, str], ...]:
    return tuple((spec, _title_key(alias)) for spec in family_specs(family) for alias in spec.titles)


def _title_key(text: str) -> str:
    key = label_key(strip_header_unit(text))
    if key.endswith(("）", ")")):
        key = _TITLE_SUFFIX.sub("表", key)
    return key.replace("部门", "单位")


def looks_like_title(text: str) -> bool:
    key = _title_key(text)
    return key.endswith("表") and 3 < len(key) <= 40 and "。" not in text and "为空表" not in key


@dataclass
class _Heading:
    line: int
    number: str | None = None
    title: str | None = None
    unit: str | None = None
    unit_line: int | None = None
    compiler: str | None = None

    def spec(self, family: str) -> TableSpec | None:
        if self.title:
            found = match_title(self.title, family)
            if found:
                return found
        if self.number:
            n = cn_number(self.number)
            return next((s for s in family_specs(family) if s.number == n), None)
        return None


@dataclass
class _Found:
    heading: _Heading
    rows: list[TableRow] = field(default_factory=list)
    pages: int = 1
    empty_note: str | None = None
    notes: list[Note] = field(default_factory=list)  # of its blocks, reported with the table's name
    refused: bool = False


def find_tables(blocks: Iterable[Block], reporter: Reporter) -> list[Table]:
    return read_tables(blocks, reporter)[0]


def read_tables(blocks: Iterable[Block], reporter: Reporter) -> tuple[list[Table], FamilyChoice]:
    """The tables, read with the specs of the template family their titles choose (:mod:`.family`)."""
    found: list[_Found] = []
    heading: _Heading | None = None
    continuation_ok = False  # only junk / repeated heading since the last table block
    for block in blocks:
        if isinstance(block, TableBlock):
            if heading is not None:
                found.append(_Found(heading, list(block.rows), notes=list(block.notes), refused=block.refused))
                heading = None
            elif found and continuation_ok:
                _continue(found[-1], block, reporter)
            else:
                _report([n for n in block.notes if not block.refused or n.code != "P210"], reporter, None)
                reporter.add("P105", block.line, rows=len(block.rows))
            continuation_ok = True
            continue
        text = squash(block.text)
        if found and heading is None and _EMPTY_NOTE.search(text) and found[-1].empty_note is None:
            found[-1].empty_note = text
            continuation_ok = False
            continue
        parsed = _parse_heading_line(text, block.line)
        if parsed is not None:
            number, title = parsed
            if heading is not None and ((heading.title and title) or (heading.number and number)):
                reporter.add("P103", heading.line, title=heading.title or f"表{heading.number}")
                heading = None
            if found and continuation_ok and title and _same_title(found[-1], title):
                continue  # a repeated title on the next page
            if heading is None:
                heading = _Heading(line=block.line)
            heading.number = heading.number or number
            heading.title = heading.title or title
            continuation_ok = False
            continue
        if found and heading is None and _TEMPLATE_NOTE.match(text):
            continue  # 注：本表反映部门本年度…情况 — the template's words on what the table shows, under every table
        unit = unit_in_line(text)
        compiler = _COMPILER.match(text)
        if compiler or unit or _CONTINUED.match(text):
            if heading is not None:
                if compiler:
                    heading.compiler = squash(compiler.group(1))
                if unit:
                    heading.unit, heading.unit_line = unit, block.line
            continue
        if heading is not None and heading.compiler and _COMPILER_TAIL.match(text):
            heading.compiler += text  # 部门名称：江苏省人大 / 单位:万元 / 常委会办公厅 — a name wrapped in its cell
            continue
        if heading is not None:
            reporter.add("P103", heading.line, title=heading.title or f"表{heading.number}")
            heading = None
        reporter.add("P112", block.line, text=text[:60])
        continuation_ok = False
    if heading is not None:
        reporter.add("P103", heading.line, title=heading.title or f"表{heading.number}")
    evidence = [Evidence(f.heading.title, _header_words(f.rows)) for f in found]
    choice = choose_family(evidence, match_title, reporter)
    built = (_build(f, reporter, int(setting("max_table_cells")), choice.family) for f in found)
    return [table for table in built if table is not None], choice


def _header_words(rows: list[TableRow]) -> tuple[str, ...]:
    """The texts of a table's header rows (those before its first row with an amount; at most four)."""
    words: list[str] = []
    for row in rows[:4]:
        if any(looks_like_amount(c.strip()) for c in row.cells if c.strip()):
            break
        words += [c for c in row.cells if c.strip()]
    return tuple(words)


def _report(notes: list[Note], reporter: Reporter, table: str | None) -> None:
    for note in notes:
        reporter.add(note.code, note.line, table=table, **note.fields)


def _parse_heading_line(text: str, line: int) -> tuple[str | None, str | None] | None:
    """(number, title) of a table heading line, or None."""
    match = _NUMBER_ONLY.match(text) or _PUBLIC_NN.match(text)
    if match:
        return match.group(1), None
    match = _COMBINED.match(text)
    if match and looks_like_title(match.group(2)):
        return match.group(1), squash(match.group(2))
    if looks_like_title(text):
        return None, squash(text)
    return None


def _same_title(previous: _Found, title: str) -> bool:
    return previous.heading.title is not None and _title_key(previous.heading.title) == _title_key(title)


def _continue(previous: _Found, block: TableBlock, reporter: Reporter) -> None:
    """Join a table continued on the next page; drop its repeated header rows."""
    rows = list(block.rows)
    header = _header_rows(previous.rows)
    kind = "without repeated header"
    if header and rows and [c.strip() for c in rows[0].cells] == [c.strip() for c in header[0].cells]:
        kind = "header repeated"
        rows = rows[len(header) :]
    reporter.add("P106", block.line, kind=kind)
    previous.rows.extend(rows)
    previous.pages += 1
    previous.notes.extend(block.notes)
    previous.refused = previous.refused or block.refused


def _header_rows(rows: list[TableRow]) -> list[TableRow]:
    for i, row in enumerate(rows):
        if is_number_row(row.cells):
            return rows[: i + 1]
    return []


def _build(found: _Found, reporter: Reporter, max_cells: int, family: str) -> Table | None:
    """The table read by its spec; None when it is refused for its size (P211/P212)."""
    heading = found.heading
    spec = heading.spec(family)
    title = heading.title or (spec.title if spec else f"表{heading.number}")
    label = f"表{cn_number(heading.number) or heading.number}" if heading.number else (title or "表")
    if spec is not None and not heading.number:
        label = f"表{spec.number}"
    if found.refused:  # only why: the spans of a table not read do not matter
        _report([n for n in found.notes if n.code in ("P211", "P212")], reporter, label)
        return None
    _report(found.notes, reporter, label)
    width = max((len(r.cells) for r in found.rows), default=0)
    if width * len(found.rows) > max_cells:  # the grid the reader pads every row to
        past = found.rows[min(max_cells // width, len(found.rows) - 1)]  # the row that passes the limit
        reporter.add("P211", past.line, table=label, limit=max_cells)
        return None
    if spec is None:
        reporter.add("P104", heading.line, table=label, title=title)
        generic = _generic_spec(title, found.rows)
        read = read_rows(generic, found.rows, reporter, label)
    else:
        read = read_rows(spec, found.rows, reporter, label)
    unit = heading.unit or read.unit
    if unit is None:
        reporter.add("P109", heading.line, table=label, unit="万元")
    table = Table(
        id=spec.id if spec else None,
        title=title,
        printed_number=heading.number,
        line=heading.line,
        unit=unit or "万元",
        unit_line=heading.unit_line,
        columns=read.columns,
        rows=read.rows,
        compiler=heading.compiler,
        pages=found.pages,
    )
    table.empty = not any(v is not None for r in table.rows for v in r.values.values())
    table.empty_note = found.empty_note
    return table


_SIDES = (("income", "收入"), ("expenditure", "支出"))


def _generic_spec(title: str, rows: list[TableRow]) -> TableSpec:
    """The spec of a table no spec knows: items under their names; two-sided when its first row heads a
    收入 and a 支出 half (收入支出决算总表), each half a label column and its amounts."""
    first = [label_key(c) for c in rows[0].cells if c.strip()] if rows else []
    if first == [h for _, h in _SIDES]:
        sides = tuple(
            SideSpec(name=name, headers=(head,), label_headers=("项目",), columns=(), operation=operation)
            for (name, head), operation in zip(_SIDES, ("revenue", "expenditure"), strict=True)
        )
        return TableSpec(id="", number=0, kind="two_sided", titles=(title,), sides=sides, free_rows=True)
    return TableSpec(id="", number=0, kind="items", titles=(title,), labels=("名称",), free_rows=True)
