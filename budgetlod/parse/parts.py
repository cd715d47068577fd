"""Blocks -> the parts of the template (第一部分 … 第四部分) and the front matter.

A table of contents repeats the part headings before the body; the body starts
at the last heading of the first part.  Parts are recognised by the words of
their heading (单位概况, 公开表, 情况说明, 名词解释, 其他重要事项), not by their
number, because templates number them differently.  A heading broken over two
lines (``第三部分…决算情况`` / ``说明``) is read with its next line.

The table of contents' entries are kept (``Parts.contents``, read by :mod:`.contents`) to be compared
with the parts and tables printed.

A document without 第X部分 headings (the ``…单位预算情况说明`` form: ``一、基本情况``,
``二、收支预算情况``, ``三、“三公”经费…``, ``四、其他重要事项``) is split at its
top-level sections instead (:func:`section_part`); the lines before the first
one are the front matter.  Lines a PDF broke inside a sentence are joined again
in the narrative and the other important matters (:func:`rejoin`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlod.parse.text import MAX_PARAGRAPH
from budgetlod.read.stream import Block, Paragraph, TableBlock
from budgetlod.text import squash

PART_HEADING = re.compile(r"^第\s*([一二三四五六七八九十]+)\s*部分\s*(.*)$")

PART_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("profile", ("概况",)),
    ("tables", ("公开表", "预算表", "决算表", "报表")),
    ("other", ("其他重要事项",)),
    ("narrative", ("情况说明", "预算说明", "决算说明", "说明")),
    ("glossary", ("名词解释",)),
)
# the title of the tables' part printed without 第二部分 (a line of its own, no sentence)
TABLES_TITLE = re.compile(r"^[^，。；：:,;]{2,36}?\d{4}\s*年度?\s*(?:部门|单位)?(?:预算|决算)(?:公开)?表$")
OTHER_MATTERS = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]\s*)?其他重要事项")

# --- documents without 第X部分 headings: their top-level sections
SECTION_HEADING = re.compile(
    r"^(?P<number>[一二三四五六七八九十]{1,3})[、.．]\s*(?P<title>[^：:。；;，,]{2,30})(?:[：:。]|$)"
)
SECTION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("glossary", ("名词解释",)),
    ("other", ("其他重要事项", "其他需要说明", "其他需说明")),
    ("tables", ("公开表", "报表")),
    ("profile", ("基本情况", "概况", "主要职能", "职能", "职责", "机构设置", "人员情况", "单位构成")),
    ("narrative", ("情况", "说明", "预算", "决算", "经费", "支出", "收入", "三公")),
)
_FIGURE = re.compile(r"\d")
_SENTENCE_END = ("。", "；", "！", "？", ";", "!", "?")  # not ：, which the next line continues
_ITEM = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十]+条)"
)
# …（款）行政单位离退休 / （项）。主要用于：… and …基本养老 / 保险缴费支出（项）。: a function name's end
_CONTINUED = re.compile(r"^[^，。；：]{0,30}?[（(][类款项][)）][。：]")
# 预算安排规模：… (a field of its own; not …预算数的主要原因：…, the end of a sentence)
_LABELLED = re.compile(r"^(?![^：]*原因)[\u4e00-\u9fff（）]{3,12}：")
_HEADING_LENGTH = 30  # a line this short without punctuation inside may be a heading
_BROKEN_HEADING = 12  # a part heading's next line this short may end its title (…情况 / 说明)


@dataclass(frozen=True)
class Entry:
    """An entry of the table of contents (目录), read by :mod:`.contents`."""

    line: int  # the position of its (first) line
    text: str  # as printed, without leaders, page numbers or field codes
    cut: bool = False  # the reader quoted only its first characters: its end is unknown


@dataclass
class Parts:
    front: list[Block] = field(default_factory=list)
    profile: list[Block] = field(default_factory=list)
    tables: list[Block] = field(default_factory=list)
    narrative: list[Block] = field(default_factory=list)
    other: list[Block] = field(default_factory=list)
    glossary: list[Block] = field(default_factory=list)
    headings: dict[str, int] = field(default_factory=dict)  # part -> line of its heading
    contents: list[Entry] | None = None  # the table of contents' entries; None: the document prints none


def part_of(title: str) -> str | None:
    text = squash(title)
    for name, words in PART_KEYWORDS:
        if any(word in text for word in words):
            return name
    return None


def section_part(text: str) -> str | None:
    """The part a top-level section heading (``二、收支预算情况``) opens, in a document without
    第X部分 headings; None for anything else (a glossary entry ``一、财政拨款收入：指…`` included)."""
    match = SECTION_HEADING.match(text)
    if match is None or _FIGURE.search(match.group("title")):
        return None
    title = match.group("title")
    if text[match.end() :].startswith("指"):
        return None  # 一、财政拨款收入：指… (a glossary entry)
    if title.endswith("表") and "情况" not in title:
        return "tables"
    for name, words in SECTION_KEYWORDS:
        if any(word in title for word in words):
            return name
    return None


def split_parts(blocks: list[Block]) -> Parts:
    starts = [
        i
        for i, b in enumerate(blocks)
        if isinstance(b, Paragraph)
        and "部" in b.text
        and (m := PART_HEADING.match(squash(b.text)))
        and m.group(1) == "一"
    ]
    if not starts and any(
        isinstance(b, Paragraph) and section_part(squash(b.text)) not in (None, "tables") for b in blocks
    ):
        return _split_sections(blocks)
    parts = Parts()
    body_start = starts[-1] if starts else 0
    parts.front = blocks[:body_start]
    current = "profile" if starts else "tables"
    skip = -1
    for n, block in enumerate(blocks[body_start:], start=body_start):
        if n == skip:
            continue
        if isinstance(block, Paragraph) and ("部" in block.text or "其他重要事项" in block.text):
            text = squash(block.text)
            match = PART_HEADING.match(text)
            if match:
                found = part_of(match.group(2))
                if found is None and (after := _next_line(blocks, n)) is not None:
                    found = part_of(match.group(2) + after)
                    skip = n + 1 if found else skip
                current = found or current
                parts.headings.setdefault(current, block.line)
                continue
            if current == "narrative" and OTHER_MATTERS.match(text):
                current = "other"
                parts.headings.setdefault("other", block.line)
                continue
        if current == "profile" and isinstance(block, Paragraph) and TABLES_TITLE.match(squash(block.text)):
            current = (
                "tables"  # 上海市XX局2024年度部门决算表: the tables' part, its 第二部分 left out (the MoF template)
            )
            parts.headings.setdefault("tables", block.line)
            continue
        getattr(parts, current).append(block)
    parts.narrative, parts.other = rejoin(parts.narrative), rejoin(parts.other)
    return parts


def _next_line(blocks: list[Block], n: int) -> str | None:
    """The next block's text when it is a short line that may end a broken heading."""
    if n + 1 < len(blocks) and isinstance(after := blocks[n + 1], Paragraph):
        text = squash(after.text)
        if len(text) <= _BROKEN_HEADING and not _FIGURE.search(text):
            return text
    return None


def _split_sections(blocks: list[Block]) -> Parts:
    """A document without 第X部分 headings, split at its top-level sections (``一、基本情况``)."""
    parts = Parts()
    first = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and section_part(squash(b.text)))
    before = blocks[:first]
    current = "tables" if any(isinstance(b, TableBlock) for b in before) else "front"
    getattr(parts, current).extend(before)
    for block in blocks[first:]:
        found = section_part(squash(block.text)) if isinstance(block, Paragraph) and current != "glossary" else None
        if found is not None:
            current = found
            parts.headings.setdefault(found, block.line)
            if found in ("other", "glossary", "tables"):
                continue  # their parsers read the paragraphs under the heading
        if isinstance(block, TableBlock) and current == "tables":
            parts.headings.setdefault("tables", block.line)
        getattr(parts, current).append(block)
    parts.narrative, parts.other = rejoin(parts.narrative), rejoin(parts.other)
    return parts


def rejoin(blocks: list[Block]) -> list[Block]:
    """Paragraphs a PDF broke at the end of a line, joined: a paragraph that ends without
    sentence punctuation and is no heading takes the next one unless that starts a heading or item."""
    joined: list[Block] = []
    for block in blocks:
        last = joined[-1] if joined else None
        if (
            isinstance(block, Paragraph)
            and isinstance(last, Paragraph)
            and (_open_line(last.text, squash(block.text)) or _CONTINUED.match(squash(block.text)))
            and not _ITEM.match(text := squash(block.text))
            and not _LABELLED.match(text)
            and not _title_like(text)
            and len(last.text) + len(text) <= MAX_PARAGRAPH
        ):
            joined[-1] = Paragraph(line=last.line, text=squash(last.text) + squash(block.text))
            continue
        joined.append(block)
    return joined


def _title_like(text: str) -> bool:
    """A short line without punctuation (单位整体绩效目标表): a title, not the end of a sentence."""
    return len(text) <= _HEADING_LENGTH and not any(mark in text for mark in "，。；：,;:、")


def _open_line(text: str, after: str) -> bool:
    """A line that stops inside a sentence: no closing punctuation, and not a heading.  After a
    colon only when the next line's first clause has no figure (主要用于： / 局本部人员经费…。, but
    not 其中： / 基本支出502.40万元，…: a statement of its own)."""
    text = squash(text)
    if text.endswith(("：", ":")) and _FIGURE.search(re.split(r"[，。；,;]", after, maxsplit=1)[0]):
        return False
    if not text or text.endswith(_SENTENCE_END) or (_ITEM.match(text) and not any(m in text for m in "，。；")):
        return False
    return len(text) > _HEADING_LENGTH or any(mark in text for mark in "，。；")
