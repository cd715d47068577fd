"""The reviewers' checks that one document decides from its own text (docs/checks.md C03-C06).

* **C05** no placeholder is left (P118, an error): ``XX``, ``××``, ``ＸＸ``, ``{单位}``, ``某某``, ``**``, ``○○``
  and the year placeholders ``20XX年``, ``20××年``, ``XXXX年``, ``20__年`` in the title, the 第X部分 headings, the
  tables' titles, the numbered section headings (``一、`` and ``（一）``) and the 编制单位/部门 lines.  ``XX``
  inside a Latin word (an acronym) is not one; Markdown's ``**bold**`` is not either.
* **C06** every heading states the document's year (P119): the tables' titles and the top-level section headings
  (``一、关于…2024年收支预算情况说明``); the 第X部分 headings are P116's (naming.py).  Only headings: a year
  quoted in a sentence, a column header (2023年决算数) or a 决算's 年初预算 is not compared; a section heading is
  reported only when none of its years is the document's.
* **C04** the unit's name is the same on the title, the cover, the 第X部分 headings and each table's 编制单位 line
  (P120): the name most of them print is the document's; an abbreviation or a suffix (中共江苏省委办公厅 for
  中国共产党江苏省委员会办公厅, 江苏省委办公厅, a 部门's 本级) is the same unit.  A heading is compared here only
  when the title names no unit (else P116 compares it with the title).
* **C03** the table of contents (``Parts.contents``, :mod:`.contents`) lists the parts and tables printed (P121:
  an entry not printed; P122: printed, not listed).  Parts are matched by their number, tables by their title
  (the same spec, one title ending the other, or nearly the same words: 政府采购支出预算表 for
  2019年政府采购预算表).  Tables are compared only when both the contents and the document have some.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from budgetlod.findings import Reporter
from budgetlod.model import Assets, Metadata, Table
from budgetlod.parse.contents import ENUMERATOR
from budgetlod.parse.naming import COMPILER_LINE, Candidate, unit_names
from budgetlod.parse.parts import PART_HEADING, TABLES_TITLE, Entry, Parts, part_of
from budgetlod.parse.review_text import review_text
from budgetlod.parse.tables import looks_like_title, match_title
from budgetlod.parse.text import cn_number
from budgetlod.read.stream import Block, Paragraph
from budgetlod.text import label_key, squash

__all__ = ["PLACEHOLDER", "YEAR_PLACEHOLDER", "placeholder", "review", "same_unit"]

YEAR_PLACEHOLDER = re.compile(r"(?:(?:19|20)\d?[XxＸｘ×_＿]{1,2}|[XxＸｘ×]{4}|_{4}|＿{4})\s*年")
PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])|[×✕＊]{2,}|\*{2,}|某某|[{｛][^{}｛｝]{1,12}[}｝]|○{2,}"
)
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_YEAR = re.compile(r"(\d{4})\s*年")
_TOP_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]")
_SUB_SECTION = re.compile(r"^[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
_SENTENCE = re.compile(r"[，。；;,]")
_HEADING_LENGTH = 60
_NOT_NAME = re.compile(r"[\s（）()“”\"'‘’《》〈〉·、]")
_SUFFIX = re.compile(r"(?:本级|机关|本部)$")
_SIMILAR = 0.8  # two titles this alike name the same table (政府采购支出预算表 / 政府采购预算表)


@dataclass(frozen=True)
class _Heading:
    where: str
    line: int | None
    text: str


def placeholder(text: str) -> str | None:
    """The placeholder a heading or a name holds (``20XX年``, ``XX``, ``××``, ``{单位}``, ``某某`` …), or None."""
    found = YEAR_PLACEHOLDER.search(text) or PLACEHOLDER.search(_BOLD.sub(r"\1", text))
    return found.group(0) if found else None


def review(
    parts: Parts,
    tables: list[Table],
    meta: Metadata,
    blocks: list[Block],
    reporter: Reporter,
    assets: Assets | None = None,
) -> None:
    """Report C03-C07 for one document (P118-P125; the sentences' and labels' checks: :mod:`.review_text`)."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    named = unit_names(parts, paragraphs)
    headings = list(_headings(parts, tables, meta, paragraphs))
    lines = {h.line for h in headings}
    headings += [_Heading("cover page", c.line, c.unit) for c in named if c.source == "cover" and c.line not in lines]
    _placeholders(headings, meta.year, reporter)
    if meta.year is not None:
        _years(headings, meta.year, reporter)
    _units(named, tables, paragraphs, reporter)
    if parts.contents:
        _contents(parts.contents, parts, tables, meta, paragraphs, reporter)
    review_text(parts, tables, meta, {h.line for h in headings}, same_unit, reporter, assets)


def _headings(parts: Parts, tables: list[Table], meta: Metadata, paragraphs: list[Paragraph]) -> Iterator[_Heading]:
    if meta.title and meta.line:
        yield _Heading("title", meta.line, meta.title)
    for block in paragraphs:
        text = squash(block.text)
        if PART_HEADING.match(text) or (block.line == parts.headings.get("tables") and TABLES_TITLE.match(text)):
            yield _Heading("part heading", block.line, text)
        elif COMPILER_LINE.match(text):
            yield _Heading("编制单位 line", block.line, text)
    for table in tables:
        yield _Heading("table title", table.line, table.title)
    for piece in parts.profile + parts.narrative + parts.other:
        if isinstance(piece, Paragraph) and _is_section_heading(line := squash(piece.text)):
            top = bool(_TOP_SECTION.match(line))
            yield _Heading("section heading" if top else "subsection heading", piece.line, line)


def _is_section_heading(text: str) -> bool:
    if not (_TOP_SECTION.match(text) or _SUB_SECTION.match(text)) or len(text) > _HEADING_LENGTH:
        return False
    return not _SENTENCE.search(text.rstrip("：:。"))


def _placeholders(headings: list[_Heading], year: int | None, reporter: Reporter) -> None:
    seen: set[tuple[str, str]] = set()
    for heading in headings:
        found = placeholder(heading.text)
        if found is None or (heading.where, heading.text) in seen:
            continue
        seen.add((heading.where, heading.text))
        expected = "a name"
        if YEAR_PLACEHOLDER.fullmatch(found):
            expected = f"the year {year}" if year is not None else "a year"
        reporter.add("P118", heading.line, where=heading.where, text=heading.text, placeholder=found, expected=expected)


def _years(headings: list[_Heading], year: int, reporter: Reporter) -> None:
    seen: set[str] = set()
    for heading in headings:
        if heading.where not in ("table title", "section heading") or heading.text in seen:
            continue
        years = [int(y) for y in _YEAR.findall(heading.text)]
        if years and year not in years:
            seen.add(heading.text)
            reporter.add(
                "P119", heading.line, where=heading.where, text=heading.text, found=str(years[0]), year=str(year)
            )


# --- C04: the unit's name


def _key(name: str) -> str:
    return _SUFFIX.sub("", _NOT_NAME.sub("", name))


def same_unit(a: str, b: str) -> bool:
    """Whether two printed names are one unit: the same once spaces and brackets are out, one containing the
    other (a 部门 and its 本级, a name cut by its cell), or the shorter an abbreviation of the longer (its
    characters in the same order: 中共江苏省委办公厅, 江苏省委办公厅 for 中国共产党江苏省委员会办公厅)."""
    short, long = sorted((_key(a), _key(b)), key=len)
    if not short or short in long:
        return True
    rest = iter(long)
    return all(ch in rest for ch in short)


@dataclass(frozen=True)
class _Name:
    source: str  # title | compiler | cover | heading
    where: str
    line: int | None
    unit: str


def _units(found: list[Candidate], tables: list[Table], paragraphs: list[Paragraph], reporter: Reporter) -> None:
    names = [n for n in _names(found, tables, paragraphs) if placeholder(n.unit) is None]
    if not names:
        return
    agree = [sum(1 for other in names if same_unit(name.unit, other.unit)) for name in names]
    reference = names[agree.index(max(agree))]
    titled = any(n.source == "title" for n in names)
    backing = [n for n in names if same_unit(n.unit, reference.unit)]
    for name in names:
        if same_unit(name.unit, reference.unit) or (name.source == "heading" and titled):
            continue  # a heading against the title is P116's
        reporter.add(
            "P120", name.line, where=name.where, found=name.unit, unit=reference.unit, source=_backing(backing)
        )


def _names(found: list[Candidate], tables: list[Table], paragraphs: list[Paragraph]) -> list[_Name]:
    """Title, 编制单位 lines (one a table), cover and part headings, in this order of trust."""
    compilers = [(b.line, squash(m.group(1))) for b in paragraphs if (m := COMPILER_LINE.match(squash(b.text)))]
    names: list[_Name] = []
    names += [_name(c, "title", "title") for c in found if c.source == "title"]
    used: set[int] = set()
    for table in tables:
        if not table.compiler:
            continue
        line = next((ln for ln, _ in compilers if ln > table.line and ln not in used), None)
        if line is not None:
            used.add(line)
        names.append(_Name("compiler", f"编制单位 line of 《{table.title}》", line or table.line, table.compiler))
    names += [_name(c, "cover", "cover page") for c in found if c.source == "cover" and c.line not in used]
    texts = {b.line: squash(b.text) for b in paragraphs}
    for c in found:
        if c.source == "heading":
            names.append(_name(c, "heading", f"part heading {texts.get(c.line or 0, '')!r}"))
    return names


def _name(candidate: Candidate, source: str, where: str) -> _Name:
    return _Name(source, where, candidate.line, candidate.unit)


def _backing(names: list[_Name]) -> str:
    counts = {s: sum(1 for n in names if n.source == s) for s in ("title", "compiler", "cover", "heading")}
    words = {
        "title": ("the title", "the title"),
        "compiler": ("a 编制单位 line", "{} 编制单位 lines"),
        "cover": ("the cover page", "the cover page"),
        "heading": ("a part heading", "{} part headings"),
    }
    said = [(one if n == 1 else many.format(n)) for s, n in counts.items() if n for one, many in (words[s],)]
    return " and ".join(said) if len(said) < 3 else ", ".join(said[:-1]) + " and " + said[-1]


# --- C03: the table of contents


def _contents(
    entries: list[Entry],
    parts: Parts,
    tables: list[Table],
    meta: Metadata,
    paragraphs: list[Paragraph],
    reporter: Reporter,
) -> None:
    front = {id(b) for b in parts.front}
    printed: dict[int, tuple[int, str, str | None]] = {}  # number -> (line, heading, part)
    for block in paragraphs:
        if id(block) not in front and (match := PART_HEADING.match(text := squash(block.text))):
            number = cn_number(match.group(1))
            if number is not None and number not in printed:
                printed[number] = (block.line, text, part_of(match.group(2)))
    listed_parts, listed_tables, maybe = _classify(entries)
    if printed and listed_parts:
        for entry, number, part in listed_parts:
            shown = printed.get(number)
            if shown is None and part is not None and part in parts.headings:
                continue  # printed under a title of its own, without 第X部分 (the MoF 决算 template's tables)
            if shown is None or (part and shown[2] and part != shown[2]):
                reporter.add("P121", entry.line, what="part", entry=entry.text)
        numbers = {number for _, number, _ in listed_parts}
        for number, (line, text, _) in printed.items():
            if number not in numbers:
                reporter.add("P122", line, what="part", title=text)
    if not (tables and listed_tables):
        return
    family = meta.family.family if meta.family else None
    unlisted, unprinted = _pair_tables(listed_tables, maybe, tables, family)
    for entry in unprinted:
        reporter.add("P121", entry.line, what="table", entry=entry.text)
    for table in unlisted:
        reporter.add("P122", table.line, what="table", title=table.title)


def _pair_tables(
    entries: list[Entry], maybe: list[Entry], tables: list[Table], family: str | None
) -> tuple[list[Table], list[Entry]]:
    """The printed tables no entry lists, and the entries no printed table answers. A table and an entry of
    the same title (or spec) match (a table printed twice, both); then, one to one, the tables left and the
    entries left whose titles are nearly the same words; an entry cut short matches the tables it begins."""
    used: set[int] = set()
    left: list[Table] = []
    for table in tables:
        matched = [i for i, entry in enumerate(entries) if _same_title(entry.text, table, family)]
        used.update(matched)
        if not matched and not any(_key_title(table.title).startswith(_key_title(e.text)) for e in maybe):
            left.append(table)
    pending = [i for i in range(len(entries)) if i not in used]
    unlisted: list[Table] = []
    for table in left:
        scores = [(_similarity(entries[i].text, table.title), i) for i in pending]
        best = max(scores, default=(0.0, -1))
        if best[0] >= _SIMILAR:
            pending.remove(best[1])
        else:
            unlisted.append(table)
    return unlisted, [entries[i] for i in pending]


def _classify(entries: list[Entry]) -> tuple[list[tuple[Entry, int, str | None]], list[Entry], list[Entry]]:
    """Part entries (with their number and part), table entries (in the tables part of the contents, or
    anywhere when it lists no parts), and entries cut short that may be a table's."""
    has_parts = any(PART_HEADING.match(e.text) for e in entries)
    listed_parts: list[tuple[Entry, int, str | None]] = []
    listed_tables: list[Entry] = []
    maybe: list[Entry] = []
    current: str | None = None
    for entry in entries:
        match = PART_HEADING.match(entry.text)
        if match:
            number = cn_number(match.group(1))
            current = part_of(match.group(2)) if not entry.cut else None
            if number is not None:
                listed_parts.append((entry, number, current))
            continue
        if has_parts and current != "tables":
            continue
        title = ENUMERATOR.sub("", entry.text).strip()
        if looks_like_title(title) and not entry.cut:
            listed_tables.append(Entry(entry.line, title))
        elif entry.cut:
            maybe.append(Entry(entry.line, title, cut=True))
    return listed_parts, listed_tables, maybe


def _key_title(text: str) -> str:
    key = label_key(text).replace("部门", "单位")
    key = re.sub(r"^.*?\d{4}\s*年度?", "", key)
    return re.sub(r"表[（(][^（()）]{1,12}[)）]$", "表", key)


def _same_title(title: str, table: Table, family: str | None) -> bool:
    a, b = _key_title(title), _key_title(table.title)
    if a == b or a.endswith(b) or b.endswith(a):
        return True
    spec = match_title(title, family) if table.id else None
    return spec is not None and spec.id == table.id


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _key_title(a), _key_title(b)).ratio()
