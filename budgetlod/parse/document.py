"""The parse stage: a disclosure file -> :class:`~budgetlod.model.Disclosure`."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from budgetlod.findings import Reporter
from budgetlod.model import Disclosure, Metadata, Table
from budgetlod.parse.contents import dropped_lines, read_contents
from budgetlod.parse.glossary import parse_glossary
from budgetlod.parse.naming import name_disclosure
from budgetlod.parse.narrative import parse_narrative
from budgetlod.parse.other import parse_other_matters
from budgetlod.parse.parts import PART_HEADING, Parts, split_parts
from budgetlod.parse.profile import parse_profile
from budgetlod.parse.review import review
from budgetlod.parse.tables import read_tables
from budgetlod.read.decode import CannotParse, refuse
from budgetlod.read.reader import place_findings, read_files, read_one
from budgetlod.read.stream import Block, Paragraph, Stream, TableBlock
from budgetlod.specs import family_specs
from budgetlod.text import label_key, squash

__all__ = ["CannotParse", "parse_bytes", "parse_file", "parse_files", "parse_stream", "parse_text"]

_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_PART_NAMES = {
    "profile": "第一部分 单位概况",
    "tables": "第二部分 公开表",
    "narrative": "第三部分 情况说明",
    "glossary": "第四部分 名词解释",
}


def parse_file(path: Path, *, max_bytes: int | None = None) -> Disclosure:
    """Parse a file; a sidecar ``<stem>.meta.json`` may state what the document does not."""
    return parse_files([path], max_bytes=max_bytes)


def parse_files(paths: Sequence[Path], *, max_bytes: int | None = None) -> Disclosure:
    """Parse the files of one disclosure (a narrative and its tables, or one file per table) read in this
    order as one; the first file's sidecar ``<stem>.meta.json`` may state what the documents do not."""
    if not paths:
        raise ValueError("no file to parse")
    reporter = Reporter()
    stream = read_files(paths, reporter, max_bytes=max_bytes)
    disclosure = parse_stream(stream, reporter)
    _apply_sidecar(disclosure, paths[0].with_suffix(".meta.json"))
    return disclosure


def parse_bytes(data: bytes, name: str = "<bytes>") -> Disclosure:
    reporter = Reporter()
    return parse_stream(read_one(data, name, reporter), reporter)


def parse_text(text: str, name: str = "<text>") -> Disclosure:
    return parse_bytes(text.encode("utf-8"), name)


def parse_stream(stream: Stream, reporter: Reporter) -> Disclosure:
    """Blocks in reading order -> the typed disclosure. Raises CannotParse when they are not a disclosure."""
    blocks = stream.blocks
    parts = split_parts(blocks)
    _tables_files(stream, parts)
    tables, family = read_tables(parts.tables, reporter)
    _check_duplicates(tables, reporter)
    meta = _metadata(parts, tables, blocks, stream.sources[0].name if stream.sources else "", reporter)
    meta.family = family
    if not tables and not parts.headings and meta.phase is None:
        raise refuse("P004", reason="no title, part heading or standard table of the template")
    parts.contents = read_contents(parts, blocks, dropped_lines(reporter.findings))
    other = parse_other_matters(parts.other, reporter)
    review(parts, tables, meta, blocks, reporter, assets=other.assets)
    source, *more = stream.sources
    disclosure = Disclosure(source=source, meta=meta, tables=tables, more_sources=more)
    disclosure.profile = parse_profile(parts.profile, reporter)
    disclosure.narratives, disclosure.projects = parse_narrative(parts.narrative, reporter, unit=meta.unit)
    _resolve_function_codes(disclosure)
    disclosure.other = other
    disclosure.glossary = parse_glossary(parts.glossary, reporter, unit=meta.unit)
    _missing(disclosure, parts, reporter)
    place_findings(stream, reporter)
    disclosure.findings = reporter.sorted()
    if not stream.plain:
        disclosure.places = _places(stream)
    return disclosure


def _places(stream: Stream) -> dict[int, str]:
    """Every position a block or a row has -> its place ("a.pdf p. 14")."""
    positions: list[int] = []
    for block in stream.blocks:
        positions.append(block.line)
        if isinstance(block, TableBlock):
            positions.extend(row.line for row in block.rows)
    places = {}
    for position in positions:
        where = stream.locate(position)
        if where is not None:
            places[position] = str(where)
    return places


def _resolve_function_codes(disclosure: Disclosure) -> None:
    """Tie narrative statements about a function line (by 类/款/项 names) to its code."""
    index: dict[tuple[str, ...], tuple[str, ...]] = {}
    for table in disclosure.tables:
        names: dict[tuple[str, ...], str] = {}
        for row in table.rows:
            if row.codes and row.level in ("类", "款", "项"):
                names[row.codes] = label_key(row.name)
                path = tuple(names.get(row.codes[:n], "") for n in range(1, len(row.codes) + 1))
                if all(path):
                    index.setdefault(path, row.codes)
    suffixes: dict[tuple[str, ...], tuple[str, ...] | None] = {}  # a path's last names -> its code, None if several
    for path, codes in index.items():
        for start in range(1, len(path)):
            tail = path[start:]
            suffixes[tail] = codes if suffixes.get(tail, codes) == codes else None
    for fact in disclosure.narratives:
        if fact.function and not fact.codes:
            fact.codes = _function_code(tuple(label_key(n) for n in fact.function), index, suffixes)


_SPENDING = label_key("支出")


def _function_code(
    names: tuple[str, ...],
    index: dict[tuple[str, ...], tuple[str, ...]],
    suffixes: dict[tuple[str, ...], tuple[str, ...] | None],
) -> tuple[str, ...]:
    """The code of the line a narrative names, as the tables name it: the whole path from the 类
    (一般公共服务支出（类）…), or — Jiangsu's 情况说明 — names ending in a separate 支出 (一般公共服务（类）支出 for the
    table's 一般公共服务支出) or starting below the 类 (政协事务（款）行政运行（项）支出), when only one line fits."""
    variants = [names]
    if len(names) > 1 and names[-1] == _SPENDING:
        base = names[:-1]
        variants += [(base[0] + _SPENDING, *base[1:]), base]
    for variant in variants:
        if variant in index:
            return index[variant]
    for variant in variants:
        found = suffixes.get(variant)
        if found:
            return found
    return ()


def _tables_files(stream: Stream, parts: Parts) -> None:
    """A later file of the disclosure with tables and no part heading of its own (a narrative and its
    tables published as two files) belongs to 第二部分, wherever the part before it ended."""
    for segment in stream.segments[1:]:
        mine = [b for b in stream.blocks if segment.offset < b.line <= segment.end]
        if not any(isinstance(b, TableBlock) for b in mine) or any(
            isinstance(b, Paragraph) and PART_HEADING.match(squash(b.text)) for b in mine
        ):
            continue
        ids = {id(b) for b in mine}
        for name in ("front", "profile", "narrative", "other", "glossary"):
            setattr(parts, name, [b for b in getattr(parts, name) if id(b) not in ids])
        parts.tables = [b for b in parts.tables if id(b) not in ids] + mine


def _check_duplicates(tables: list[Table], reporter: Reporter) -> None:
    seen: set[str] = set()
    for table in tables:
        if table.id is None:
            continue
        if table.id in seen:
            reporter.add("P108", table.line, table=table.id, title=table.title)
            table.id = None
        else:
            seen.add(table.id)


def _metadata(parts: Parts, tables: list[Table], blocks: list[Block], source: str, reporter: Reporter) -> Metadata:
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    meta = name_disclosure(parts, tables, paragraphs, source, reporter)
    for block in paragraphs[:15] + paragraphs[-8:]:
        found = _DATE.match(squash(block.text))
        if found:
            try:
                meta.published = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
                meta.published_from = "document"
            except ValueError:
                continue
            break
    return meta


def _missing(disclosure: Disclosure, parts: Parts, reporter: Reporter) -> None:
    meta = disclosure.meta
    for what, value in (("unit", meta.unit), ("year", meta.year), ("phase (预算/决算)", meta.phase)):
        if value is None:
            reporter.add("P110", None, what=what)
    present = [p for p in _PART_NAMES if p in parts.headings]
    for part, name in _PART_NAMES.items():
        if part not in parts.headings and (parts.headings or part != "tables"):
            disclosure.missing.append(name)
            reporter.add("P101", None, part=name)
    found = {t.id for t in disclosure.tables}
    family = meta.family.family if meta.family else None
    for spec in family_specs(family) if family else ():
        if spec.id not in found:
            disclosure.missing.append(f"表{spec.number} {spec.title}")
            reporter.add("P102", None, table=f"表{spec.number}", title=spec.title)
    if present and present[-1] != "glossary":
        reporter.add("P111", None, what=f"it ends in {_PART_NAMES[present[-1]]}")


def _apply_sidecar(disclosure: Disclosure, path: Path) -> None:
    """Metadata the document does not print, e.g. its publication date."""
    if not path.is_file():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        published = data.get("published")
        if published and disclosure.meta.published is None:
            disclosure.meta.published = date.fromisoformat(published)
            disclosure.meta.published_from = "sidecar"
    except (OSError, ValueError, AttributeError) as exc:
        raise refuse("P006", path=path, reason=f"invalid sidecar metadata: {exc}") from exc
