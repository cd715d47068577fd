"""PDF text outside tables: characters -> lines -> paragraphs, and what is not text of the disclosure
(page headers and footers, page numbers, watermarks, the table of contents).

A *line* is the characters whose vertical middles fall within one band, left to right; a gap of two
character widths or more splits it into *segments* (the cells of a table printed without rulings, or
``部门：…      单位：万元``). Lines are joined into paragraphs when they wrap: same left edge (no first-line
indent), the line before reaching the right edge, no heading pattern (``一、``, ``第一部分``, ``（一）``), no
change of font size and no wider gap than the line spacing. Chinese lines are joined without a space.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from budgetlod.read.text import is_junk

_CID = re.compile(r"^\(cid:\d+\)$")
_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]"
    r"|\d{1,2}\s*[、．]|\d{1,2}\.(?!\d)|[（(]\d{1,2}[)）]|(?:公开)?表\s*[0-9一二三四五六七八九十]+|公开\s*\d+\s*表|附件|附表)"
)
_PART = re.compile(r"^第[一二三四五六七八九十]+部分\s*(.*)$")
_PART_WORDS = ("概况", "表", "说明", "解释", "事项", "报告")
_SENTENCE_END = "。；！？!?:：」”）)"
_PAGE_NUMBER = re.compile(r"^[\W_]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*(?:[/／]|共)\s*\d{1,4}\s*页?)?[\W_]*$")
_NO_LINE_START = set("，。、；：！？）》」』”’%％,.;:!?)")
TOC_TITLE = re.compile(r"^目\s*录$")


def is_cjk(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff"
        or "\uf900" <= char <= "\ufaff"
        or "\uff00" <= char <= "\uffef"
        or ("\u3000" <= char <= "\u303f")
    )


def join_lines(parts: list[str]) -> str:
    """Wrapped lines -> one text: no space between Chinese (or digit) ends, one space between words."""
    text = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if text and not (is_cjk(text[-1]) or is_cjk(part[0]) or (text[-1].isdigit() and part[0].isdigit())):
            text += " "
        text += part
    return text


def squash_cjk_spaces(text: str) -> str:
    """``当 年 收 入`` (letter-spaced) -> ``当年收入``; spaces between words of other scripts stay."""
    if " " not in text:
        return text
    return re.sub(r"(?<=[\u2e80-\u9fff\uff00-\uffef])\s+(?=[\u2e80-\u9fff\uff00-\uffef])", "", text)


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    segments: list[tuple[float, float, str]] = field(default_factory=list)
    lead: float = 0.0  # the width of the first unbreakable run (``0.00%，``): what the line before had no room for

    @property
    def text(self) -> str:
        return " ".join(s[2] for s in self.segments)


def chars_to_lines(chars: list[dict[str, Any]], page: int) -> list[Line]:
    """Characters (pdfplumber's dicts) -> lines from top to bottom."""
    rows: list[list[dict[str, Any]]] = []
    bands: list[tuple[float, float]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if not char["text"].strip() and char["text"] != " ":
            continue
        middle = (char["top"] + char["bottom"]) / 2
        for index in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            top, bottom = bands[index]
            if top <= middle <= bottom:
                rows[index].append(char)
                break
        else:
            rows.append([char])
            bands.append((char["top"], char["bottom"]))
    lines = [_line(sorted(row, key=lambda c: c["x0"]), page) for row in rows]
    return sorted((line for line in lines if line.segments), key=lambda line: (round(line.top), line.x0))


def _line(chars: list[dict[str, Any]], page: int) -> Line:
    size = median(c["size"] for c in chars) or 10.0
    segments: list[tuple[float, float, str]] = []
    text, start, end, last = "", chars[0]["x0"], chars[0]["x0"], ""
    for char in chars:
        glyph = char["text"]
        gap = char["x0"] - end
        if text and gap >= 1.8 * size:
            segments.append((start, end, text.strip()))
            text, start = "", char["x0"]
        elif text and glyph != " " and last != " ":
            cjk = is_cjk(last) and is_cjk(glyph[0])
            if gap > (1.2 if cjk else 0.3) * size:
                text += " "
        if glyph == " ":
            if text and not text.endswith(" "):
                text += " "
        else:
            text += glyph
        end = max(end, char["x1"]) if glyph != " " else end
        last = glyph[-1]
    if text.strip():
        segments.append((start, end, text.strip()))
    top = min(c["top"] for c in chars)
    bottom = max(c["bottom"] for c in chars)
    segments = [(a, b, squash_cjk_spaces(t)) for a, b, t in segments if t]
    x0 = segments[0][0] if segments else 0.0
    x1 = segments[-1][1] if segments else 0.0
    return Line(page, top, bottom, x0, x1, size, segments, _lead(chars))


def _lead(chars: list[dict[str, Any]]) -> float:
    """The width of a line's first word: a run of Latin letters, digits and signs (or one other glyph),
    with the punctuation that may not start a line after it."""
    glyphs = [c for c in chars if c["text"].strip()]
    if not glyphs:
        return 0.0
    end = 1
    if glyphs[0]["text"].isascii():
        while end < len(glyphs) and glyphs[end]["text"].isascii() and glyphs[end]["x0"] - glyphs[end - 1]["x1"] < 1:
            end += 1
    while end < len(glyphs) and glyphs[end]["text"] in _NO_LINE_START:
        end += 1
    return float(glyphs[end - 1]["x1"] - glyphs[0]["x0"])


def is_cid_garbage(chars: list[dict[str, Any]]) -> bool:
    """Most glyphs map to no character: ``(cid:N)``."""
    glyphs = [c for c in chars if c["text"].strip()]
    if not glyphs:
        return False
    unmapped = sum(1 for c in glyphs if c["text"].startswith("(cid:") and _CID.match(c["text"]))
    return unmapped * 2 > len(glyphs)


def page_number_like(text: str) -> bool:
    return len(text) <= 16 and bool(_PAGE_NUMBER.match(text))


def margin_junk(lines_by_page: dict[int, list[Line]], heights: dict[int, float]) -> dict[int, dict[int, str]]:
    """Per page, the index of each line that is a page header, footer or page number -> what it is."""
    repeated: Counter[str] = Counter()
    for page, lines in lines_by_page.items():
        seen = {line.text for line in lines if _in_margin(line, heights[page])}
        repeated.update(seen)
    found: dict[int, dict[int, str]] = {}
    for page, lines in lines_by_page.items():
        height = heights[page]
        for index, line in enumerate(lines):
            text = line.text
            footer = line.top > height / 2
            if _in_margin(line, height, 0.12) and (page_number_like(text) or (footer and is_junk(text))):
                found.setdefault(page, {})[index] = "a page number"
            elif not _in_margin(line, height):
                continue
            elif repeated[text] >= 3 and len(text) <= 60 and not _table_text(text):
                found.setdefault(page, {})[index] = "a page footer" if footer else "a page header"
    return found


def _in_margin(line: Line, height: float, share: float = 0.08) -> bool:
    """In the top or bottom ``share`` of the page."""
    return line.bottom < height * share or line.top > height * (1 - share)


def _table_text(text: str) -> bool:
    return "表" in text or "单位" in text or "部门" in text


def toc_lines(lines: list[Line], entries: list[str]) -> set[int]:
    """The lines of a table of contents: dot leaders, everything below a ``目 录`` title on its page, and
    on the page after one (``entries``: the lines of that page) the lines before its first entry comes back
    as a heading."""
    found: set[int] = set()
    if entries:
        first = next((e for e in entries if _PART.match(e)), entries[0])
        back = next((i for i, line in enumerate(lines) if line.text == first), None)
        if back is not None:
            found.update(range(back))
    below_title = False
    for index, line in enumerate(lines):
        text = line.text
        if TOC_TITLE.match(text.replace(" ", "")):
            below_title = True
        if below_title or is_junk(text):
            found.add(index)
    return found


@dataclass
class Flow:
    """The lines of one page outside tables, with the page's text edges."""

    lines: list[Line]
    left: float
    right: float


def flow(lines: list[Line]) -> Flow:
    long = [line for line in lines if len(line.text) >= 8] or lines
    lefts = Counter(round(line.x0) for line in long)
    left = min(lefts.most_common(1)[0][0], min(line.x0 for line in long)) if long else 0.0
    rights = sorted(line.x1 for line in long)
    right = rights[int(len(rights) * 0.9)] if rights else 0.0
    return Flow(lines, float(left), float(right))


def continues(previous: Line, line: Line, edges: Flow) -> bool:
    """Whether ``line`` goes on the paragraph that ``previous`` ends."""
    text = line.text
    close = 0 <= line.top - previous.bottom < line.size
    if len(text) <= 3 and text.endswith("表") and close and previous.text[-1:] not in _SENTENCE_END:
        return True  # the tail of a wrapped title (``…支出预算`` / ``表``)
    part = _PART.match(previous.text)
    if part and close and not any(word in part.group(1) for word in _PART_WORDS) and not _HEADING.match(text):
        return True  # ``第二部分 江苏省人大常委会办公厅`` / ``2017年度部门预算表``
    if _HEADING.match(text) or len(previous.segments) > 1 or len(line.segments) > 1:
        return False
    if abs(previous.size - line.size) > 1.0:
        return False
    gap = line.top - previous.bottom
    if gap > 1.0 * max(previous.size, line.size) or gap < -2:
        return False
    room = edges.right - previous.x1
    if room > 2.0 * previous.size and room > line.lead + 0.5 * line.size:
        return False  # the line before ends short (and this one's first word would have fit): a last line
    indent = line.x0 - edges.left
    return indent <= 1.5 * line.size  # a first-line indent (or centred text) starts a paragraph


def paragraphs(edges: Flow) -> list[list[Line]]:
    """Group the lines of a page into paragraphs (lists of lines, in order)."""
    groups: list[list[Line]] = []
    for line in edges.lines:
        if groups and continues(groups[-1][-1], line, edges):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def ends_open(group: list[Line], edges: Flow) -> bool:
    """A paragraph that may go on over the page break: its last line reaches the right edge, unfinished."""
    last = group[-1]
    text = last.text
    if len(edges.lines) < 3 or len(text) < 15:
        return False
    return text[-1] not in _SENTENCE_END and last.x1 >= edges.right - 2.0 * last.size


def starts_open(group: list[Line], edges: Flow) -> bool:
    first = group[0]
    return not _HEADING.match(first.text) and first.x0 - edges.left <= 1.5 * first.size and len(first.segments) == 1


def columns(lines: list[Line], width: float) -> list[Line]:
    """Two-column pages: the left column before the right one (when no line crosses the middle)."""
    if len(lines) < 6:
        return lines
    middle = width / 2
    crossing = [line for line in lines if line.x0 < middle - 4 < middle + 4 < line.x1]
    left = [line for line in lines if line.x1 <= middle]
    right = [line for line in lines if line.x0 >= middle]
    if crossing or len(left) < 3 or len(right) < 3:
        return lines
    return left + right
