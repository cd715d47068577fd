"""Naming a disclosure: its unit, year, phase (预算/决算) and level (单位/部门), from whatever the document gives.

The IRIs of a disclosure are made of these four, so a document that prints its unit's name anywhere must be
nameable.  The sources, in this order of trust:

1. the ``编制单位：`` / ``部门：`` / ``部门名称：`` line of the tables (the compiler; the most frequent one);
2. the title line: ``上海市普陀区财政局2024年度部门决算``, ``2019年江苏省政协办公厅部门预算``, also a title
   wrapped over two lines (``江苏省政协办公厅2018年度`` / ``部门预算公开``);
3. the cover page: the paragraphs before the first part heading (a ``编制单位：`` line there, or the unit's name
   printed on its own line next to the title);
4. the part headings: ``第一部分 2024年XX中心单位概况``, ``第二部分 某局2017年度部门预算表``;
5. the file name, as a last resort: ``某某局2023年部门预算.pdf`` (``js-2019-budget.pdf`` gives nothing).

Year, phase and level come from the title line, else the first part heading that states them, else the file
name.  A unit named from the cover page or a heading is reported (P113, info), from the file name P114 (warning).

A **placeholder** name (``XX``, ``××``, ``{单位}``, ``某某``, ``**单位`` — a template, not a disclosure) is passed
over for a real name from a less trusted source; when every source gives a placeholder, the disclosure is still
named by it, as printed (its IRIs contain the placeholder), with the warning P115 — so that a template can be
read, converted and checked, and ``--strict`` refuses it.  A part heading whose year or unit disagrees with the
title (P116) is reported; the title wins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from budgetlod.findings import Reporter
from budgetlod.model import Metadata, Table
from budgetlod.parse.parts import PART_HEADING, Parts
from budgetlod.read.stream import Paragraph
from budgetlod.text import squash

__all__ = [
    "COMPILER_LINE",
    "PLACEHOLDER",
    "Candidate",
    "heading_unit",
    "name_disclosure",
    "placeholder_in",
    "unit_names",
]

# 上海市普陀区财政局2024年度部门决算 / 2024年单位预算公开 / 江苏省2018年度省级部门预算公开报表 (a government's)
_UNIT_FIRST = re.compile(r"(\d{4})\s*年\s*度?\s*([省市区县]级)?\s*(单位|部门)?\s*(预算|决算)")
# 2019年江苏省政协办公厅部门预算
_YEAR_FIRST = re.compile(r"^(\d{4})\s*年\s*度?\s*([^\s\d，。、：:；;]{2,40}?)(单位|部门)(预算|决算)")
_YEAR = re.compile(r"(\d{4})\s*年")
_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|关于)")
COMPILER_LINE = re.compile(r"^(?:编制单位|部\s*门(?:名称)?|单位名称)\s*[:：]\s*(.+?)(?:\s*(?:金额)?单位\s*[:：].*)?$")
_NAME_LIKE = re.compile(r"^[^\s。，,；;：:、！？?!]{2,40}$")
_NOT_A_NAME = re.compile(r"目录|预算|决算|公开|说明|\d{4}\s*年|^[\d\W]+$|(?:印制|编印|监制)$")  # 江苏省财政厅印制
PLACEHOLDER = re.compile(r"[XxＸ]{2,}|[×✕＊*]{2,}|某某|[{｛][^}｝]{0,12}[}｝]|○{2,}")
_SCAN = 80  # paragraphs searched for a title
_TITLE_LENGTH = 80


@dataclass(frozen=True)
class Candidate:
    unit: str
    source: str  # compiler | title | cover | heading | file
    line: int | None


@dataclass(frozen=True)
class _Title:
    year: int
    level: str | None
    phase: str
    unit: str | None
    text: str
    line: int
    end: int  # index after the title's last paragraph in the scanned list


def placeholder_in(name: str) -> str | None:
    """The placeholder a name is made of (``XX``, ``××``, ``{单位}``, ``某某``, ``**``), or None."""
    found = PLACEHOLDER.search(name)
    return found.group(0) if found else None


def name_disclosure(
    parts: Parts, tables: list[Table], paragraphs: list[Paragraph], file_name: str, reporter: Reporter
) -> Metadata:
    """The disclosure's metadata but its publication date: unit, year, phase, level, title, line."""
    meta = Metadata()
    front = [b for b in parts.front if isinstance(b, Paragraph)]
    scanned = _dedupe(front + paragraphs[:_SCAN])
    title = _title(scanned)
    headings = [(b, m) for b in paragraphs if (m := PART_HEADING.match(squash(b.text)))]
    if title is not None:
        meta.year, meta.level, meta.phase = title.year, title.level or "单位", title.phase
        meta.title, meta.line = title.text, title.line
    else:  # a part heading, else any short line as before (一、2024年单位预算收支情况)
        short = [b for b in scanned if len(squash(b.text)) < _TITLE_LENGTH]
        _year_phase(meta, [b for b, _ in headings] + short)
    candidates: list[Candidate] = []
    compilers = Counter(t.compiler for t in tables if t.compiler)
    candidates += [Candidate(unit, "compiler", None) for unit, _ in compilers.most_common()]
    if title is not None and title.unit:
        candidates.append(Candidate(title.unit, "title", title.line))
    candidates += _cover(front or paragraphs[:12], scanned, title)
    candidates += [c for b, m in headings if (c := heading_unit(b, m.group(2))) is not None]
    file_meta = _file_title(file_name)
    if file_meta is not None and file_meta.unit:
        candidates.append(Candidate(file_meta.unit, "file", None))
    if meta.phase is None and file_meta is not None:
        meta.year, meta.level, meta.phase = file_meta.year, file_meta.level or "单位", file_meta.phase
        meta.title = file_meta.text
    chosen = next((c for c in candidates if placeholder_in(c.unit) is None), candidates[0] if candidates else None)
    if chosen is not None:
        meta.unit = chosen.unit
        _report_source(chosen, file_name, reporter)
    if title is not None:
        _disagreements(title, headings, reporter)
    return meta


def unit_names(parts: Parts, paragraphs: list[Paragraph]) -> list[Candidate]:
    """The unit's name as the title line and the cover page print it, and each 第X部分 heading (each text once),
    with their lines: what the review (C04, :mod:`.review`) compares with the tables' 编制单位 lines."""
    front = [b for b in parts.front if isinstance(b, Paragraph)]
    scanned = _dedupe(front + paragraphs[:_SCAN])
    title = _title(scanned)
    found: list[Candidate] = []
    if title is not None and title.unit:
        found.append(Candidate(title.unit, "title", title.line))
    found += _cover(front or paragraphs[:12], scanned, title)
    seen: set[str] = set()
    for block in paragraphs:
        match = PART_HEADING.match(text := squash(block.text))
        if match and text not in seen and (named := heading_unit(block, match.group(2))) is not None:
            seen.add(text)
            found.append(named)
    return found


def _dedupe(blocks: list[Paragraph]) -> list[Paragraph]:
    return list({id(b): b for b in blocks}.values())


def _title(scanned: list[Paragraph]) -> _Title | None:
    """The first title line (not a part heading, not an enumerated section), or one wrapped over two lines."""
    texts = [squash(b.text) for b in scanned]
    for i, text in enumerate(texts):
        if not text or PART_HEADING.match(text) or _ENUMERATED.match(text) or len(text) >= _TITLE_LENGTH:
            continue
        found = _read_title(text, scanned[i].line)
        if found is not None:
            return _Title(found.year, found.level, found.phase, found.unit, text, found.line, i + 1)
        following = texts[i + 1] if i + 1 < len(texts) else ""
        if following and len(text + following) < _TITLE_LENGTH and not PART_HEADING.match(following):
            joined = text + following
            found = _read_title(joined, scanned[i].line, wrapped_at=len(text))
            if found is not None:
                return _Title(found.year, found.level, found.phase, found.unit, joined, found.line, i + 2)
    return None


def _read_title(text: str, line: int, wrapped_at: int | None = None) -> _Title | None:
    """``<unit><year>年度<level><phase>…`` or ``<year>年<unit><level><phase>…``; a title wrapped over two lines
    must have its year in the first and its phase in the second."""
    match = _UNIT_FIRST.search(text)
    if match is not None and (wrapped_at is None or match.start() < wrapped_at < match.end()):
        year, government, level, phase = match.groups()
        unit = None if government else _clean_unit(text[: match.start()])
        return _Title(int(year), level, phase, unit, text, line, 0)
    match = _YEAR_FIRST.match(text)
    if match is not None and (wrapped_at is None or match.start(4) >= wrapped_at > match.start(1)):
        return _Title(int(match.group(1)), match.group(3), match.group(4), _clean_unit(match.group(2)), text, line, 0)
    return None


def _clean_unit(text: str) -> str | None:
    unit = re.sub(r"^(?:关于|[（(]?\s*)", "", squash(text)).strip(" ：:“”\"'《》")
    if not 2 <= len(unit) <= 40 or re.search(r"[，。；;,:：、]", unit) or re.fullmatch(r"[\d\W_]+", unit):
        return None  # a sentence, not a name
    return unit


def _year_phase(meta: Metadata, blocks: list[Paragraph]) -> None:
    """No title line: year, phase and level from the first of these lines that states them."""
    for block in blocks:
        match = _UNIT_FIRST.search(squash(block.text))
        if match:
            meta.year, meta.level, meta.phase = int(match.group(1)), match.group(3) or "单位", match.group(4)
            meta.title, meta.line = squash(block.text), block.line
            return


def _cover(cover: list[Paragraph], scanned: list[Paragraph], title: _Title | None) -> list[Candidate]:
    """A ``编制单位：`` line of the cover page, or the unit's name on a line of its own next to the title."""
    found: list[Candidate] = []
    for block in cover:
        match = COMPILER_LINE.match(squash(block.text))
        if match:
            found.append(Candidate(squash(match.group(1)), "cover", block.line))
    if title is not None:
        at = next((i for i, b in enumerate(scanned) if b.line == title.line), None)
        if at is not None:
            near = list(reversed(scanned[max(0, at - 3) : at])) + scanned[title.end : title.end + 2]
            cover_ids = {id(b) for b in cover}
            for block in near:
                text = squash(block.text)
                if id(block) in cover_ids and _is_name(text):
                    found.append(Candidate(text, "cover", block.line))
                    break
    return found


def _is_name(text: str) -> bool:
    return bool(_NAME_LIKE.match(text)) and not _NOT_A_NAME.search(text) and not PART_HEADING.match(text)


def heading_unit(block: Paragraph, rest: str) -> Candidate | None:
    """``第一部分 2024年XX中心单位概况`` -> ``XX中心``; ``第二部分 某局2017年度部门预算表`` -> ``某局``."""
    text = squash(rest)
    unit: str | None = None
    if "概况" in text:
        unit = re.sub(r"(单位|部门)?概况.*$", "", re.sub(r"^\d{4}\s*年\s*度?", "", text))
    else:
        found = _read_title(text, block.line)
        unit = found.unit if found is not None else None
    unit = _clean_unit(unit) if unit else None
    return Candidate(unit, "heading", block.line) if unit else None


def _file_title(name: str) -> _Title | None:
    """A file named like a title: ``某某局2023年部门预算.pdf``."""
    stem = PurePath(name).stem
    return _read_title(squash(re.sub(r"[_\-]+", " ", stem)), 0) if stem else None


def _report_source(chosen: Candidate, file_name: str, reporter: Reporter) -> None:
    where = {"cover": "cover page", "heading": "part heading"}
    if chosen.source in where:
        reporter.add("P113", chosen.line, unit=chosen.unit, where=where[chosen.source])
    elif chosen.source == "file":
        reporter.add("P114", None, unit=chosen.unit, name=PurePath(file_name).name)
    placeholder = placeholder_in(chosen.unit)
    if placeholder is not None:
        reporter.add("P115", chosen.line, unit=chosen.unit, placeholder=placeholder)


def _disagreements(title: _Title, headings: list[tuple[Paragraph, re.Match[str]]], reporter: Reporter) -> None:
    """A part heading whose year or unit is not the title's (the title wins); each heading text once."""
    seen: set[str] = set()
    for block, match in headings:
        text = squash(block.text)
        if text in seen:
            continue
        seen.add(text)
        year = _YEAR.search(match.group(2))
        if year and int(year.group(1)) != title.year:
            reporter.add("P116", block.line, what="year", heading=text, found=year.group(1), title=str(title.year))
        unit = heading_unit(block, match.group(2))
        if title.unit and unit is not None and unit.unit not in title.unit and title.unit not in unit.unit:
            reporter.add("P116", block.line, what="unit", heading=text, found=unit.unit, title=title.unit)
