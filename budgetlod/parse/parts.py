"""Blocks -> the parts of the template (第一部分 … 第四部分) and the front matter.

A table of contents repeats the part headings before the body; the body starts
at the last heading of the first part.  Parts are recognised by the words of
their heading (单位概况, 公开表, 情况说明, 名词解释, 其他重要事项), not by their
number, because templates number them differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlod.read.stream import Block, Paragraph
from budgetlod.text import squash

PART_HEADING = re.compile(r"^第\s*([一二三四五六七八九十]+)\s*部分\s*(.*)$")

PART_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("profile", ("概况",)),
    ("tables", ("公开表", "预算表", "决算表", "报表")),
    ("other", ("其他重要事项",)),
    ("narrative", ("情况说明", "预算说明", "决算说明", "说明")),
    ("glossary", ("名词解释",)),
)
OTHER_MATTERS = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]\s*)?其他重要事项")


@dataclass
class Parts:
    front: list[Block] = field(default_factory=list)
    profile: list[Block] = field(default_factory=list)
    tables: list[Block] = field(default_factory=list)
    narrative: list[Block] = field(default_factory=list)
    other: list[Block] = field(default_factory=list)
    glossary: list[Block] = field(default_factory=list)
    headings: dict[str, int] = field(default_factory=dict)  # part -> line of its heading


def part_of(title: str) -> str | None:
    text = squash(title)
    for name, words in PART_KEYWORDS:
        if any(word in text for word in words):
            return name
    return None


def split_parts(blocks: list[Block]) -> Parts:
    parts = Parts()
    starts = [
        i
        for i, b in enumerate(blocks)
        if isinstance(b, Paragraph)
        and "部" in b.text
        and (m := PART_HEADING.match(squash(b.text)))
        and m.group(1) == "一"
    ]
    body_start = starts[-1] if starts else 0
    parts.front = blocks[:body_start]
    current = "profile" if starts else "tables"
    for block in blocks[body_start:]:
        if isinstance(block, Paragraph) and ("部" in block.text or "其他重要事项" in block.text):
            text = squash(block.text)
            match = PART_HEADING.match(text)
            if match:
                current = part_of(match.group(2)) or current
                parts.headings.setdefault(current, block.line)
                continue
            if current == "narrative" and OTHER_MATTERS.match(text):
                current = "other"
                parts.headings.setdefault("other", block.line)
                continue
        getattr(parts, current).append(block)
    return parts
