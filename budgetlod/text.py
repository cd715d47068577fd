"""Text keys shared by the parser and the specs (below both): white space as printed, and matching keys for labels
and titles."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

CJK = r"\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’《》【】"
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{CJK}])|(?<=[{CJK}])\s+")
_SPACES = re.compile(r"\s+")

_HALF_TO_FULL_BRACKETS = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，", ";": "；"})
_QUOTES = re.compile(r"[“”\"'‘’「」《》〈〉]")
ENUM_PREFIX = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十]+[)）、.．]|[（(]?\d{1,2}[)）、.．](?!\d)|其中[:：]|其中)\s*"
)


def short_cache(longest: int = 256, size: int = 65536) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """A cache of ``size`` entries for texts up to ``longest`` characters (labels, codes, headers repeat
    across a document and a corpus); a longer text (a converter's run-on line) is computed and not kept, so
    that a long-running process does not hold thousands of them.  A plain dict, emptied when it is full (one
    call, safe between threads): a hit costs a lookup, about half of an ``lru_cache`` behind a length test."""

    def decorate(func: Callable[[str], str]) -> Callable[[str], str]:
        cache: dict[str, str] = {}

        @wraps(func)
        def wrapper(text: str) -> str:
            found = cache.get(text)
            if found is not None:
                return found
            result = func(text)
            if len(text) <= longest:
                if len(cache) >= size:
                    cache.clear()
                cache[text] = result
            return result

        return wrapper

    return decorate


@short_cache()
def squash(text: str) -> str:
    """Collapse white space; remove it next to Chinese characters (letter-spacing,
    wrapped cells): ``本 年 收 入`` -> ``本年收入``, ``机 构事务`` -> ``机构事务``."""
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    text = _SPACE_NEAR_CJK.sub("", text.strip())
    return _SPACES.sub(" ", text)


@short_cache()
def label_key(text: str) -> str:
    """A matching key for labels and titles: no spaces, no quotes, full-width
    brackets, no enumeration prefix (一、 1、 （一） 其中：)."""
    text = squash(text).translate(_HALF_TO_FULL_BRACKETS)
    text = _QUOTES.sub("", text).replace(" ", "")
    previous = None
    while previous != text:
        previous = text
        text = ENUM_PREFIX.sub("", text)
    return text
