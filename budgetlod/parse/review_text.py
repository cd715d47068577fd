"""The reviewers' checks one document decides from its sentences and its tables' labels (docs/checks.md C04,
C05, C07), called by :func:`budgetlod.parse.review.review` after the headings' checks.

* **C05** a template's placeholder left inside a sentence or a table's label (P123, an error): ``XXX万元``,
  ``××万元``, ``XX人``, ``20XX年``, ``某某``, ``○○``, ``{单位}`` in the paragraphs of the profile, the narrative,
  the other matters, the glossary and the tables' notes, and in the tables' row labels and column headers.  A
  paragraph the headings' check (P118) reports is not reported again; ``XX`` inside a Latin word (an acronym) is
  not one, nor is ``*`` (Markdown's bold, footnotes).  One finding a paragraph or a label, naming its first
  placeholder and the sentence that holds it.
* **C07** a date stating as of when figures are counted belongs to the year (P124, a warning): ``截至（截止）
  2023年底``, ``截至2024年12月31日`` and a full date opening a clause that states a stock (``2024年12月31日，
  本单位共有车辆3辆``).  A 预算 of year Y may be as of Y or Y−1 (截至上年末), a 决算 only as of Y.  Other dates
  (``比上年``, ``2018年印发的…办法``, a project's ``资金执行时间：2024年2月1日``, the publication date) are not
  as-of dates.  The assets' date, which the graph keeps (``bl:asOf``), is the shape ``blsh:AssetDateInYear``'s.
* **C04** a sentence of the narrative (第三部分 and the other matters) whose subject is a unit in the form the
  templates use, ``<单位名称>2024年度收入支出总计…``, ``<单位名称>（本级）2024年…`` or a section heading
  ``十、关于<单位名称>2024年…``, names the document's unit (P125, a warning): another name is mostly a passage
  copied from a sibling unit's disclosure.  Abbreviations and 本级/部门 are the same unit (:func:`same_unit`).
  Other organisations a sentence mentions (根据《江苏省财政厅关于…》, 纳入…编制范围的单位) are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from budgetlod.findings import Reporter
from budgetlod.model import Assets, Metadata, Table
from budgetlod.parse.parts import Parts
from budgetlod.read.stream import Paragraph
from budgetlod.text import squash

__all__ = ["AS_OF", "SENTENCE_PLACEHOLDER", "UNIT_SUBJECT", "review_text"]

SENTENCE_PLACEHOLDER = re.compile(
    r"(?:(?:19|20)\d?[XxＸｘ×_＿]{1,2}|[XxＸｘ×]{4}|_{4}|＿{4})\s*年"  # 20XX年, 20××年, XXXX年, 20__年
    r"|(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])|[×✕]{2,}|某某|○{2,}|[{｛][^{}｛｝\s]{1,12}[}｝]"
)
_DATE = r"(?P<date>(?P<year>\d{4})\s*年\s*(?:(?:\d{1,2})\s*月\s*(?:\d{1,2}\s*[日号])?)?\s*(?:底|末)?)"
AS_OF = re.compile(rf"截[至止]到?\s*{_DATE}")
# a full date opening a clause that states a stock: 2024年12月31日，本单位共有车辆3辆
_DAY_OPENS = re.compile(
    r"(?:^|(?<=[，,。；;：:]))\s*(?P<date>(?P<year>\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*[，,]\s*(?P<rest>[^。；;]*)"
)
_STOCK = re.compile(r"(?:共有|拥有|实有|占用|结存|余额|在职|在编)[^。；;]*?\d")
_UNIT_SUFFIX = r"(?:局|厅|委|办|中心|院|会|所|站|馆|室|处|队|校|公司|社|团|部|署|行|台)"
UNIT_SUBJECT = re.compile(
    r"(?:^|(?<=[。；;]))\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]\s*关于)?"
    rf"(?P<name>[\u4e00-\u9fff0-9０-９]{{2,40}}?{_UNIT_SUFFIX})"
    r"(?:[（(]本级[)）]|本级|部门|机关)?\s*(?P<year>\d{4})\s*年"
)
_NOT_SUBJECT = re.compile(r"^(?:纳入|根据|按照|依据|经|由|对|从|在|为|将|向|截至|截止|主要|其中)")
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_LONGEST = 80
_WHERE = {
    "profile": "profile",
    "narrative": "narrative",
    "other": "narrative",
    "glossary": "glossary",
    "tables": "tables' note",
}


def review_text(
    parts: Parts,
    tables: list[Table],
    meta: Metadata,
    done: set[int | None],
    same_unit: Callable[[str, str], bool],
    reporter: Reporter,
    assets: Assets | None = None,
) -> None:
    """Report C04, C05 and C07 in the sentences (P123-P125). ``done``: the lines of the headings already checked
    for placeholders (P118), not looked at again for them; ``same_unit``: whether two printed names are one unit
    (:func:`budgetlod.parse.review.same_unit`, passed in: that module imports this one)."""
    paragraphs = list(_paragraphs(parts))
    _placeholders([(where, p) for where, p in paragraphs if p.line not in done], tables, reporter)
    if meta.year is not None and meta.phase in ("预算", "决算"):
        _dates(paragraphs, assets, meta.year, meta.phase, reporter)
    if meta.unit and SENTENCE_PLACEHOLDER.search(meta.unit) is None:
        _units(paragraphs, meta.unit, same_unit, reporter)


def _paragraphs(parts: Parts) -> Iterator[tuple[str, Paragraph]]:
    for name, where in _WHERE.items():
        for block in getattr(parts, name):
            if isinstance(block, Paragraph):
                yield where, block


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of ``text`` around ``start:end``, at most :data:`_LONGEST` characters."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, end)
    sentence = text[begin : stop.end() if stop else len(text)].strip()
    if len(sentence) > _LONGEST:
        sentence = sentence[:_LONGEST] + "…"
    return sentence


# --- C05: placeholders in sentences and labels


def _placeholders(paragraphs: list[tuple[str, Paragraph]], tables: list[Table], reporter: Reporter) -> None:
    for where, paragraph in paragraphs:
        text = squash(paragraph.text)
        if (found := SENTENCE_PLACEHOLDER.search(text)) is not None:
            sentence = _sentence(text, found.start(), found.end())
            reporter.add("P123", paragraph.line, where=f"{where} sentence", text=sentence, placeholder=found.group(0))
    for table in tables:
        seen: set[str] = set()
        for column in table.columns:
            label = squash(column.printed)
            if label not in seen and (found := SENTENCE_PLACEHOLDER.search(label)) is not None:
                seen.add(label)
                where = f"column header of 《{table.title}》"
                reporter.add("P123", table.line, where=where, text=label, placeholder=found.group(0))
        for row in table.rows:
            for label in (row.name, row.project or ""):
                label = squash(label)
                if label and (found := SENTENCE_PLACEHOLDER.search(label)) is not None:
                    where = f"row label of 《{table.title}》"
                    reporter.add("P123", row.line, where=where, text=label, placeholder=found.group(0))
                    break


# --- C07: the dates figures are stated as of


def _dates(
    paragraphs: list[tuple[str, Paragraph]], assets: Assets | None, year: int, phase: str, reporter: Reporter
) -> None:
    """``assets``: the other matters' asset holding, whose date is blsh:AssetDateInYear's (not reported here)."""
    kept = (assets.as_of_line, assets.as_of) if assets and assets.as_of else None
    allowed = (year,) if phase == "决算" else (year - 1, year)
    expected = str(year) if phase == "决算" else f"{year - 1} or {year}"
    for where, paragraph in paragraphs:
        if where == "glossary":
            continue
        text = squash(paragraph.text)
        for date, start, end in _as_of_dates(text):
            stated = re.sub(r"\s+", "", date.group("date"))
            if int(date.group("year")) in allowed or (paragraph.line, stated) == kept:
                continue
            sentence = _sentence(text, start, end)
            reporter.add(
                "P124", paragraph.line, date=stated, year=str(year), kind=phase, expected=expected, text=sentence
            )


def _as_of_dates(text: str) -> Iterator[tuple[re.Match[str], int, int]]:
    for match in AS_OF.finditer(text):
        yield match, match.start(), match.end()
    for match in _DAY_OPENS.finditer(text):
        if _STOCK.search(match.group("rest")) and not AS_OF.search(text, max(0, match.start() - 4), match.end()):
            yield match, match.start("date"), match.end("date")


# --- C04: the unit named as a sentence's subject


def _units(
    paragraphs: list[tuple[str, Paragraph]], unit: str, same_unit: Callable[[str, str], bool], reporter: Reporter
) -> None:
    for where, paragraph in paragraphs:
        if where != "narrative":
            continue
        text = squash(paragraph.text)
        for match in UNIT_SUBJECT.finditer(text):
            name = match.group("name")
            if _NOT_SUBJECT.match(name) or SENTENCE_PLACEHOLDER.search(name) or same_unit(name, unit):
                continue
            sentence = _sentence(text, match.start("name"), match.end())
            reporter.add("P125", paragraph.line, text=sentence, found=name, unit=unit)
