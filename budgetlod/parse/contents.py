"""The table of contents (目录): its entries, kept so that they can be compared with what is printed (C03).

The readers drop the lines of a table of contents as converter junk, each with a finding: the PDF reader
everything below a ``目 录`` title on its page (R101, ``a table-of-contents line``), the text, Word and HTML
readers dot-leader lines and Word's ``TOC``/``PAGEREF`` field codes (P107).  A contents without page numbers in
a text file is not junk: its lines stay paragraphs of the front matter (the part headings it repeats are why
:func:`~budgetlod.parse.parts.split_parts` starts the body at the last ``第一部分``).  Both are read back here, in
the order of their positions, from the contents' title (or its first dropped line) to the body: the first part
heading of the body, or the first table of a document of tables only.  An entry the PDF wrapped over two lines
(``十一、一般公共预算“三公”经费、会议费、培训费支`` / ``出预算表``) is joined again.

The readers quote a dropped line cut to 60 characters: such an entry is marked ``cut`` (its end is unknown).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from functools import cache

from budgetlod.findings import CATALOGUE
from budgetlod.model import Finding
from budgetlod.parse.parts import PART_HEADING, Entry, Parts
from budgetlod.read.stream import Block, Paragraph, TableBlock
from budgetlod.text import squash

__all__ = ["TOC_TITLE", "Entry", "dropped_lines", "fields_of", "read_contents"]

TOC_TITLE = re.compile(r"^目\s*录$")
_QUOTED_CUT = 60  # the readers quote a dropped line's first 60 characters
_FIELD_CODE = re.compile(
    r"\b(?:TOC|HYPERLINK|PAGEREF)\b(?:\s+(?:\\[a-z](?:\s+\"[^\"]*\")?|\"[^\"]*\"|_Toc\d*))*", re.IGNORECASE
)
_LEADER = re.compile(r"\s*(?:[.．。·…\-—_]{2,}|…)\s*\d*\s*$")
_PAGE = re.compile(r"(?<=\S)\s+\d{1,3}$")
_BULLET = re.compile(r"^[-*•·]+\s*")
ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[、.．](?!\d)|(?:公开)?表\s*[0-9一二三四五六七八九十]+)"
)
_ENDS = ("表", "说明", "情况", "解释", "职能", "构成", "目标", "概况", "事项", "名词")
_WRAPPED = 16  # the end of an entry wrapped onto the next line is this short


@cache
def _read_back(code: str) -> tuple[re.Pattern[str], frozenset[str]]:
    """A finding's template as a pattern: each ``{name!r}`` a quoted string, each ``{name}`` any text."""
    template = CATALOGUE[code].template
    pieces: list[str] = []
    quoted: set[str] = set()
    seen: set[str] = set()
    at = 0
    for field in re.finditer(r"\{(\w+)(!r)?\}", template):
        pieces.append(re.escape(template[at : field.start()]))
        name = field.group(1)
        if name in seen:
            pieces.append(f"(?P={name})")
        elif field.group(2):
            pieces.append(rf"(?P<{name}>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
            quoted.add(name)
        else:
            pieces.append(f"(?P<{name}>.*?)")
        seen.add(name)
        at = field.end()
    pieces.append(re.escape(template[at:]))
    return re.compile("".join(pieces) + "$", re.S), frozenset(quoted)


def fields_of(finding: Finding) -> dict[str, str] | None:
    """The fields a finding's message was filled with, read back from its template in the catalogue (a quoted
    ``{text!r}`` as the text); None when the message is not its template's."""
    if finding.code not in CATALOGUE:
        return None
    pattern, quoted = _read_back(finding.code)
    match = pattern.match(finding.message)
    if match is None:
        return None
    fields = match.groupdict()
    for name in quoted:
        value = ast.literal_eval(fields[name])
        fields[name] = value if isinstance(value, str) else str(value)
    return fields


def dropped_lines(findings: Iterable[Finding]) -> list[tuple[int, str]]:
    """(position, text) of the lines the readers dropped that may be a table of contents: P107 (converter
    junk) and R101 table-of-contents lines; page headers, footers and watermarks are not."""
    found: list[tuple[int, str]] = []
    for finding in findings:
        if finding.code not in ("P107", "R101") or finding.line is None:
            continue
        fields = fields_of(finding)
        if fields is None or (finding.code == "R101" and fields.get("what") != "a table-of-contents line"):
            continue
        found.append((finding.line, fields["text"]))
    return found


def clean(text: str) -> str:
    """A contents line without field codes, dot leaders, page numbers and list bullets."""
    text = _FIELD_CODE.sub(" ", text)
    text = _LEADER.sub("", _BULLET.sub("", text.strip()))
    return squash(_PAGE.sub("", text.strip()))


def read_contents(parts: Parts, blocks: list[Block], dropped: list[tuple[int, str]]) -> list[Entry] | None:
    """The entries of the table of contents, in order; None when the document prints none."""
    end = _body_start(parts, blocks)
    front = {id(b) for b in parts.front}
    lines: list[tuple[int, str, bool]] = [(line, text, _cut(text)) for line, text in dropped]
    lines += [(b.line, b.text, False) for b in blocks if isinstance(b, Paragraph) and id(b) in front]
    lines = sorted((ln for ln in lines if ln[0] < end), key=lambda ln: ln[0])
    dropped_at = {line for line, _ in dropped}
    start = next((i for i, (_, text, _) in enumerate(lines) if TOC_TITLE.match(clean(text))), None)
    if start is None:  # no title: the dropped lines themselves, when they are entries
        start = next((i for i, (line, text, _) in enumerate(lines) if line in dropped_at and _entry_like(text)), None)
        if start is None or sum(1 for line, text, _ in lines[start:] if line in dropped_at and _entry_like(text)) < 2:
            return None
        start -= 1
    entries: list[Entry] = []
    for line, raw, cut in lines[start + 1 :]:
        text = clean(raw)
        if not text or TOC_TITLE.match(text):
            continue
        last = entries[-1] if entries else None
        if last is not None and not last.cut and _continues(last.text, text):
            entries[-1] = Entry(last.line, last.text + text, cut)
            continue
        entries.append(Entry(line, text, cut))
    return entries


def _cut(raw: str) -> bool:
    """Whether the reader's quote of a dropped line ends before the entry's title does (not in its leader
    or its page reference)."""
    return len(raw) >= _QUOTED_CUT and not (_LEADER.search(raw) or "PAGEREF" in raw)


def _entry_like(text: str) -> bool:
    text = clean(text)
    return bool(PART_HEADING.match(text) or ENUMERATOR.match(text))


def _continues(previous: str, text: str) -> bool:
    """A line that ends the entry before it: short, not an entry of its own, after an entry not ended."""
    return (
        len(text) <= _WRAPPED
        and not _entry_like(text)
        and bool(ENUMERATOR.match(previous) or PART_HEADING.match(previous))
        and not previous.endswith(_ENDS)
    )


def _body_start(parts: Parts, blocks: list[Block]) -> int:
    """The position where the body begins: its first part heading, else its first table."""
    starts = list(parts.headings.values())
    starts += [next((b.line for b in blocks if isinstance(b, TableBlock)), 1 << 62)]
    return min(starts)
