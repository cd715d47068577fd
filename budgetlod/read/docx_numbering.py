"""Word's automatic list numbers, as Word prints them: a heading ``一、主要职能`` whose ``一、`` is not in the
text but in ``numbering.xml`` (a paragraph's ``w:numPr``, or its style's).

Counters are kept per list (``w:numId``); a level's number restarts when a higher level counts on. Formats:
decimal, Chinese counting (一 … 十一 … 二十), the heavenly stems (甲乙丙), circled and parenthesised
numbers, letters and Roman numerals; ``w:isLgl`` prints all levels in decimal; bullets print nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False
    suffix: str = "tab"


@dataclass
class Numbering:
    """The lists of a document: numId -> its levels; the counters as the body is read."""

    lists: dict[str, dict[int, _Level]] = field(default_factory=dict)
    style_numbers: dict[str, tuple[str, int]] = field(default_factory=dict)  # style id -> (numId, level)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        numbering = cls()
        root = _numbering_root(document)
        if root is not None:
            numbering._read(root)
        numbering._styles(document.styles.element)
        return numbering

    def _read(self, root: Any) -> None:
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.findall(f"{_W}abstractNum"):
            abstract[node.get(f"{_W}abstractNumId", "")] = {
                _int(lvl.get(f"{_W}ilvl")): _level(lvl) for lvl in node.findall(f"{_W}lvl")
            }
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = dict(abstract.get(ref.get(f"{_W}val", "") if ref is not None else "", {}))
            for override in num.findall(f"{_W}lvlOverride"):
                ilvl = _int(override.get(f"{_W}ilvl"))
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                start = override.find(f"{_W}startOverride")
                if start is not None and ilvl in levels:
                    base = levels[ilvl]
                    levels[ilvl] = _Level(_int(start.get(f"{_W}val"), 1), base.fmt, base.text, base.legal, base.suffix)
            self.lists[num.get(f"{_W}numId", "")] = levels

    def _styles(self, styles: Any) -> None:
        by_id = {s.get(f"{_W}styleId"): s for s in styles.findall(f"{_W}style")}
        for style_id in by_id:
            current, seen = by_id.get(style_id), 0
            while current is not None and seen < 10:
                num = current.find(f"{_W}pPr/{_W}numPr")
                if num is not None:
                    num_id = num.find(f"{_W}numId")
                    ilvl = num.find(f"{_W}ilvl")
                    if num_id is not None:
                        self.style_numbers[style_id] = (
                            num_id.get(f"{_W}val", "0"),
                            _int(ilvl.get(f"{_W}val")) if ilvl is not None else 0,
                        )
                    break
                based = current.find(f"{_W}basedOn")
                current = by_id.get(based.get(f"{_W}val")) if based is not None else None
                seen += 1

    def label(self, paragraph: Any, style: str) -> str:
        """The number Word prints before this paragraph ("" when none), counting it."""
        if not self.lists:
            return ""
        num = paragraph.find(f"{_W}pPr/{_W}numPr")
        num_id, ilvl = self.style_numbers.get(style, ("0", 0))
        if num is not None:
            node_id, node_lvl = num.find(f"{_W}numId"), num.find(f"{_W}ilvl")
            num_id = node_id.get(f"{_W}val", "0") if node_id is not None else num_id
            ilvl = _int(node_lvl.get(f"{_W}val")) if node_lvl is not None else ilvl
        levels = self.lists.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        level = levels[ilvl]
        if level.fmt in ("bullet", "none") or not level.text:
            return ""
        text = level.text
        for n in range(9, 0, -1):
            if f"%{n}" in text:
                below = levels.get(n - 1, _Level())
                count = counts.get(n - 1, below.start)
                text = text.replace(f"%{n}", _format(count, "decimal" if level.legal else below.fmt))
        return text + ("" if level.suffix == "nothing" else " ")


def _numbering_root(document: Any) -> Any:
    for rel in document.part.rels.values():
        if rel.reltype == _NUMBERING and not rel.is_external:
            part = rel.target_part
            element = getattr(part, "element", None)
            if element is not None:
                return element
            from lxml import etree  # type: ignore[import-untyped]

            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            return etree.fromstring(part.blob, parser)
    return None


def _level(lvl: Any) -> _Level:
    def value(name: str, default: str) -> str:
        node = lvl.find(f"{_W}{name}")
        return node.get(f"{_W}val", default) if node is not None else default

    legal = lvl.find(f"{_W}isLgl")
    return _Level(
        _int(value("start", "1"), 1),
        value("numFmt", "decimal"),
        value("lvlText", ""),
        legal is not None and legal.get(f"{_W}val", "1") not in ("0", "false"),
        value("suff", "tab"),
    )


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _format(count: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return chinese(count)
    if fmt in ("ideographDigital", "taiwaneseDigital", "chineseLegalSimplified"):
        return "".join(_DIGITS[int(d)] for d in str(count))
    if fmt in ("ideographTraditional", "ideographZodiac"):
        return _STEMS[(count - 1) % 10]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= count <= 20:
        return chr(0x2460 + count - 1)
    if fmt == "decimalEnclosedParen":
        return f"({count})"
    if fmt == "decimalEnclosedFullstop":
        return f"{count}."
    if fmt == "decimalZero":
        return f"{count:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(97 + (count - 1) % 26) * ((count - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(count)
        return roman.upper() if fmt == "upperRoman" else roman
    return str(count)


def chinese(count: int) -> str:
    """1 -> 一, 10 -> 十, 11 -> 十一, 20 -> 二十, 105 -> 一百零五 (as Word counts in Chinese)."""
    if count <= 0 or count >= 10000:
        return str(count)
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = count // value % 10
        if digit:
            if zero:
                parts.append("零")
            parts.append(("" if (value == 10 and digit == 1 and count < 20) else _DIGITS[digit]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def _roman(count: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while count >= value:
            out.append(letters)
            count -= value
    return "".join(out)
