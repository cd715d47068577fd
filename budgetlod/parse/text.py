"""Text normalisation shared by every parser stage: labels, amounts, units, numerals."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CJK = r"\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’《》【】"
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{CJK}])|(?<=[{CJK}])\s+")
_SPACES = re.compile(r"\s+")

_HALF_TO_FULL_BRACKETS = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})
_QUOTES = re.compile(r"[“”\"'‘’「」《》〈〉]")
_ENUM_PREFIX = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]?\d{1,2}[)）、.．](?!\d)|其中[:：]|其中)\s*"
)


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """Collapse white space; remove it next to Chinese characters (letter-spacing,
    wrapped cells): ``本 年 收 入`` -> ``本年收入``, ``机 构事务`` -> ``机构事务``."""
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    text = _SPACE_NEAR_CJK.sub("", text.strip())
    return _SPACES.sub(" ", text)


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """A matching key for labels and titles: no spaces, no quotes, full-width
    brackets, no enumeration prefix (一、 1、 （一） 其中：)."""
    text = squash(text).translate(_HALF_TO_FULL_BRACKETS)
    text = _QUOTES.sub("", text).replace(" ", "")
    previous = None
    while previous != text:
        previous = text
        text = _ENUM_PREFIX.sub("", text)
    return text


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


def looks_like_amount(text: str) -> bool:
    cell = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
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


def strip_header_unit(text: str) -> str:
    return _UNIT_IN_HEADER.sub("", squash(text)).strip()


_CN_DIGIT_CHARS = ("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九")
_CN_DIGITS = {ch: n for n, chars in enumerate(_CN_DIGIT_CHARS) for ch in chars}


def cn_number(text: str) -> int | None:
    """Chinese or Arabic numeral up to 99: ``十一`` -> 11, ``01`` -> 1."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
    return value + (_CN_DIGITS.get(ones, 0) if ones else 0)


@lru_cache(maxsize=65536)
def strip_enumeration(text: str) -> str:
    """``一、本年收入`` -> ``本年收入``; ``其中：一般财力`` -> ``一般财力`` (spaces squashed)."""
    text = squash(text)
    previous = None
    while previous != text:
        previous = text
        text = _ENUM_PREFIX.sub("", text).strip()
    return text
