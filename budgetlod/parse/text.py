"""Text normalisation shared by every parser stage: amounts, units, numerals (label keys: :mod:`budgetlod.text`)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from budgetlod.text import ENUM_PREFIX, short_cache, squash

_AMOUNT = re.compile(r"^[-−–]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_NOT_REPORTED = {"", "-", "—", "－", "--", "——", "/", "／", "…"}


class Malformed(ValueError):
    """A value cell that is neither blank nor a number."""


def parse_amount(text: str) -> Decimal | None:
    """``1,487.40`` -> ``Decimal("1487.40")``; blank or a dash -> ``None``.

    Raises :class:`Malformed` for anything else (``1,48a.40``).
    """
    if not text:
        return None
    cell = text.strip()
    if not cell:
        return None
    if not cell.isascii():
        cell = unicodedata.normalize("NFKC", cell).strip()
    cell = cell.replace(" ", "")
    if cell in _NOT_REPORTED:
        return None
    if not _AMOUNT.match(cell):
        raise Malformed(text)
    cell = cell.replace(",", "").replace("−", "-").replace("–", "-")
    try:
        return Decimal(cell)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise Malformed(text) from exc


# The longest paragraph the pattern readers (单位概况, 情况说明, 其他重要事项) take: real ones have ~1,500
# characters; a longer one (a converter's run-on line) is reported as not understood, not searched.
MAX_PARAGRAPH = 5000

# The most digits a printed amount has: China's national budget in 元 has 14 before the point, and a cent in
# 亿元 is the 10th after it. A cell with more is not an amount (P213), never a number to compute with.
AMOUNT_DIGITS = (15, 10)


def amount_digits(value: Decimal) -> tuple[int, int] | None:
    """(digits before the point, after it) when either is more than :data:`AMOUNT_DIGITS` allows, else None."""
    _, figures, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # parse_amount makes finite decimals only
    digits = len(figures)
    integer, fraction = max(0, digits + exponent), max(0, -exponent)
    return (integer, fraction) if integer > AMOUNT_DIGITS[0] or fraction > AMOUNT_DIGITS[1] else None


def shorten(text: str, limit: int = 60) -> str:
    """A cell's text for a message: at most ``limit`` characters, then ``…``."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def looks_like_amount(text: str) -> bool:
    cell = text if text.isascii() else unicodedata.normalize("NFKC", text)  # NFKC keeps ASCII as it is
    cell = cell.strip().replace(" ", "")
    return bool(_AMOUNT.match(cell))


UNITS = ("亿元", "百万元", "万元", "千元", "元")
_UNIT_LINE = re.compile(r"(?:金额)?单\s*位\s*[:：]\s*(亿元|百万元|万元|千元|元)")
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(亿元|百万元|万元|千元|元)\s*[)）]")


def unit_in_line(text: str) -> str | None:
    """``单位：万元`` (also ``金额单位：元``) -> the unit, else None."""
    match = _UNIT_LINE.search(squash(text))
    return match.group(1) if match else None


def unit_in_header(text: str) -> str | None:
    """``预 算 数(万元)`` -> ``万元``."""
    match = _UNIT_IN_HEADER.search(squash(text))
    return match.group(1) if match else None


@short_cache()
def strip_header_unit(text: str) -> str:
    return _UNIT_IN_HEADER.sub("", squash(text)).strip()


_CN_DIGIT_CHARS = ("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九")
_CN_DIGITS = {ch: n for n, chars in enumerate(_CN_DIGIT_CHARS) for ch in chars}


def cn_number(text: str) -> int | None:
    """Chinese or Arabic numeral up to 99: ``十一`` -> 11, ``01`` -> 1; Arabic numerals up to 9 digits
    (a count: people, cars, 处室), None for longer ones."""
    text = text.strip()
    if text.isdecimal():
        return int(text) if len(text) <= 9 else None
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (_CN_DIGITS.get(ones, 0) if ones else 0)


@short_cache()
def strip_enumeration(text: str) -> str:
    """``一、本年收入`` -> ``本年收入``; ``其中：一般财力`` -> ``一般财力`` (spaces squashed)."""
    text = squash(text)
    previous = None
    while previous != text:
        previous = text
        text = ENUM_PREFIX.sub("", text).strip()
    return text
