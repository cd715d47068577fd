"""第四部分 名词解释 -> a list of :class:`GlossaryEntry`.

Lines look like ``一、**财政拨款**:指由…`` or ``七、“三公”经费：指部门…``: an
optional enumeration, the term (Markdown bold and enclosing quotes removed, inner
quotes kept: ``“三公”经费``), a half- or full-width colon and the definition.
A line that continues a definition cut by the converter is joined to it.  The
signature closing the document (the unit's name and the date) is skipped; any
other line is reported (P304).
"""

from __future__ import annotations

import re

from budgetlod.findings import Reporter
from budgetlod.model import GlossaryEntry
from budgetlod.read.stream import Block, Paragraph
from budgetlod.text import squash

_ENUM = r"(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]?\d{1,2}[)）、.．](?!\d)|[（(]\d{1,2}[)）])"
_ENTRY = re.compile(rf"^(?P<enum>{_ENUM})?\s*(?P<term>[^：:。；;，,]{{1,30}}?)\s*[：:]\s*(?P<definition>.+)$")
# ``一、财政拨款收入，是指…`` (no colon): only with an enumeration.
_ENTRY_NO_COLON = re.compile(
    rf"^{_ENUM}\s*(?P<term>[^：:。；;，,]{{1,30}}?)\s*(?:[，,]\s*(?:是指|指)|是指)(?P<definition>.+)$"
)
_ENCLOSING_QUOTES = re.compile(r"^[“\"「『](?P<inner>[^“”\"「」『』]+)[”\"」』]$")
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ORGANISATION = re.compile(
    r"(?:中心|局|委员会|委|院|所|站|馆|办公室|办|厅|部|处|队|会|学校|校|学|园|社|团|室|政府|公司|集团|台|科|署)"
    r"(?:[（(]\s*(?:盖章|章)\s*[)）])?$"
)
_SENTENCE_END = ("。", ".", "；", ";", "！", "!")
_HEADING = ("名词解释", "附件", "附：名词解释")
_NOT_TERMS = ("注", "备注", "说明", "附注", "单位", "金额单位")


def _term(text: str) -> str:
    text = text.strip()
    match = _ENCLOSING_QUOTES.match(text)
    return match.group("inner") if match else text


def is_signature(text: str) -> bool:
    """The unit's name or the date that close the document (no colon, no sentence)."""
    if _DATE.match(text) or re.match(r"^[（(]?\s*盖\s*章\s*[)）]?$", text):
        return True
    return (
        len(text) <= 40
        and not re.search(r"[：:。；;，,]", text)
        and bool(_ORGANISATION.search(text))
        and not re.match(_ENUM, text)
    )


def _entry(text: str, line: int) -> GlossaryEntry | None:
    for pattern in (_ENTRY, _ENTRY_NO_COLON):
        match = pattern.match(text)
        if match is None:
            continue
        term = _term(match.group("term"))
        definition = match.group("definition").strip()
        if term and definition and term not in _NOT_TERMS:
            return GlossaryEntry(term=term, definition=definition, line=line)
    return None


def parse_glossary(blocks: list[Block], reporter: Reporter, *, unit: str | None = None) -> list[GlossaryEntry]:
    """``unit``: the reporting unit's name, which may close the document as its signature."""
    entries: list[GlossaryEntry] = []
    for block in blocks:
        if not isinstance(block, Paragraph):
            first = next((" | ".join(r.cells) for r in block.rows if any(r.cells)), "")
            reporter.add("P304", block.line, text=first[:60])
            continue
        text = squash(block.text.replace("**", "").replace("__", ""))
        if not text or text.rstrip("：:") in _HEADING:
            continue
        entry = _entry(text, block.line)
        if entry is not None:
            entries.append(entry)
        elif is_signature(text) or (unit is not None and text == unit):
            continue
        elif entries and not entries[-1].definition.endswith(_SENTENCE_END) and not re.match(_ENUM, text):
            entries[-1].definition += text  # a definition the converter cut in two
        else:
            reporter.add("P304", block.line, text=text[:60])
    return entries
