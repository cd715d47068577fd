"""A spreadsheet cell's value as the sheet prints it: Excel number formats applied to numbers and dates.

A budget table is read from what it prints, not from the binary float a cell stores: 1487.4 with the format
``#,##0.00`` is ``1,487.40``; 0.1+0.2 with ``0.00`` is ``0.30``, and with ``General`` ``0.3``. A number is
rounded from its shortest decimal form (``repr``), half away from zero, as Excel rounds what it shows.

Supported: ``General``; digit placeholders ``0 # ?``; a decimal point; thousands separators and trailing-comma
scaling; ``%``; up to four sections ``positive;negative;zero;text`` and conditions ``[>=100]``; literals
(``"元"``, ``\\x``, ``_x`` as a space, ``*x`` dropped); colours and locales (``[Red]``, ``[$-804]``,
``[$¥-804]``); dates and times (``yyyy"年"m"月"d"日"``, ``yyyy-mm-dd hh:mm``). Scientific and fraction
formats fall back to ``General``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_CONDITION = re.compile(r"^\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d+)?)\]")
_BRACKET = re.compile(r"\[[^\]]*\]")
_DATE_TOKEN = re.compile(r"(?i)yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+")


def format_value(value: object, number_format: str | None) -> str:
    """The text a cell shows: a string as it is, a number or date through its format, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (datetime, date, time, timedelta)):
        return format_date(value, number_format or "")
    if isinstance(value, (int, float, Decimal)):
        return format_number(value, number_format or "General")
    return str(value).strip()


def format_number(value: int | float | Decimal, number_format: str) -> str:
    number = _decimal(value)
    if number is None:  # inf or nan: not a figure a sheet prints
        return str(value)
    sections = _split_sections(number_format)
    section, signed = _choose(sections, number)
    if section is None:
        return general(number)
    shown = number if signed else abs(number)
    if _has_date_token(section):
        return general(number)
    return _apply(section, shown)


def general(number: Decimal) -> str:
    """``General``: up to 11 significant digits (as a column of normal width shows), no exponent."""
    if number == 0:
        return "0"
    digits = number.adjusted() + 1  # digits before the point
    places = max(0, 11 - max(digits, 0)) if digits > 0 else 11 - digits
    rounded = number.quantize(Decimal(1).scaleb(-min(places, 30)), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _decimal(value: int | float | Decimal) -> Decimal | None:
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _split_sections(number_format: str) -> list[str]:
    sections, current, i = [], [], 0
    while i < len(number_format):
        char = number_format[i]
        if char == '"':
            end = number_format.find('"', i + 1)
            end = len(number_format) - 1 if end < 0 else end
            current.append(number_format[i : end + 1])
            i = end + 1
            continue
        if char in "\\_*" and i + 1 < len(number_format):
            current.append(number_format[i : i + 2])
            i += 2
            continue
        if char == "[":
            end = number_format.find("]", i)
            end = len(number_format) - 1 if end < 0 else end
            current.append(number_format[i : end + 1])
            i = end + 1
            continue
        if char == ";":
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    sections.append("".join(current))
    return sections


def _choose(sections: list[str], number: Decimal) -> tuple[str | None, bool]:
    """The section for this number, and whether the minus sign is printed (only the first section's)."""
    conditions = [_CONDITION.match(s) for s in sections]
    if any(conditions[:2]):
        for section, condition in zip(sections[:3], conditions[:3], strict=False):
            if condition is None or _holds(condition.group(1), number, Decimal(condition.group(2))):
                return _plain(section), condition is None or number >= 0
        return None, True
    numeric = sections[:3]
    if len(numeric) == 1 or (number > 0) or (number == 0 and len(numeric) == 2):
        chosen, signed = numeric[0], True
    elif number < 0:
        chosen, signed = numeric[1], False
    else:
        chosen, signed = numeric[2], True
    return _plain(chosen), signed


def _holds(operator: str, number: Decimal, bound: Decimal) -> bool:
    return {
        "<": number < bound,
        "<=": number <= bound,
        ">": number > bound,
        ">=": number >= bound,
        "=": number == bound,
        "<>": number != bound,
    }[operator]


def _plain(section: str) -> str | None:
    """The section without colours and conditions; a locale ``[$¥-804]`` keeps its symbol as a literal;
    None for ``General``."""

    def keep(match: re.Match[str]) -> str:
        inside = match.group(0)[1:-1]
        if inside.startswith("$"):
            symbol = inside[1:].split("-", 1)[0]
            return f'"{symbol}"' if symbol else ""
        return inside if re.fullmatch(r"(?i)h+|m+|s+", inside) else ""  # [h]:mm elapsed time

    cleaned = _BRACKET.sub(keep, section)
    return None if "general" in _literals_removed(cleaned).lower() else cleaned


def _has_date_token(section: str) -> bool:
    bare = _literals_removed(section).lower()
    return any(char in bare for char in "ymdhs")


def _literals_removed(section: str) -> str:
    return re.sub(r'"[^"]*"|\\.|_.|\*.', "", section)


def _apply(section: str, number: Decimal) -> str:
    """A number through one section of digit placeholders and literals."""
    bare = _literals_removed(section)
    if re.search(r"[eE][+-]", bare) or "/" in bare:
        return general(number)
    if not re.search(r"[0#?]", bare):  # a text format (@), or literals only ("-" for zero)
        return general(number) if "@" in bare else _literal_text(section)
    percent = bare.count("%")
    integer_part, _, decimal_part = bare.partition(".")
    integer_places = re.sub(r"[^0#?,]", "", integer_part)
    scale = len(integer_places) - len(integer_places.rstrip(","))
    grouping = "," in integer_places.rstrip(",")
    decimals = re.sub(r"[^0#?]", "", decimal_part)
    shown = number * (Decimal(100) ** percent) / (Decimal(1000) ** scale)
    body = _digits(shown, integer_places.replace(",", ""), decimals, grouping, "." in bare)
    return _place(section, body)


def _digits(number: Decimal, integer_places: str, decimals: str, grouping: bool, point: bool) -> str:
    rounded = number.quantize(Decimal(1).scaleb(-len(decimals)), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    minimum = integer_places.count("0")
    whole = whole.lstrip("0").rjust(minimum, "0") if whole != "0" or minimum else ""
    if minimum == 0 and whole == "0":
        whole = ""
    if grouping and whole:
        whole = f"{int(whole):,}".rjust(len(whole), "0") if len(whole) > 3 else whole
    fraction = fraction.ljust(len(decimals), "0")
    chars = list(fraction)
    for index in range(len(decimals) - 1, -1, -1):  # optional trailing places: # drops a 0, ? shows a space
        if decimals[index] == "0" or chars[index] != "0":
            break
        chars[index] = "" if decimals[index] == "#" else " "
    fraction = "".join(chars)
    text = whole + ("." + fraction if point else "")
    if negative and any(c not in "0. " for c in text):
        text = "-" + text
    return text


def _place(section: str, body: str) -> str:
    """The literals of the section around the number (put where its first digit placeholder is)."""
    out: list[str] = []
    placed = False
    i = 0
    while i < len(section):
        char = section[i]
        if char == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append(section[i + 1 : end])
            i = end + 1
            continue
        if char == "\\" and i + 1 < len(section):
            out.append(section[i + 1])
            i += 2
            continue
        if char == "_" and i + 1 < len(section):
            out.append(" ")
            i += 2
            continue
        if char == "*" and i + 1 < len(section):
            i += 2
            continue
        if char in "0#?.,":
            if not placed:
                out.append(body)
                placed = True
        elif char == "%" or char not in "@":
            out.append(char)
        i += 1
    return "".join(out).strip()


def _literal_text(section: str) -> str:
    return _place(section, "")


# --- dates and times

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_date(value: datetime | date | time | timedelta, number_format: str) -> str:
    """A date or time through its format; ISO 8601 when the format has no date tokens."""
    if isinstance(value, timedelta):
        return str(value)
    section = _plain(_split_sections(number_format)[0]) or ""
    if not _has_date_token(section):
        return value.isoformat()
    moment = value if isinstance(value, (datetime, time)) else datetime(value.year, value.month, value.day)
    out: list[str] = []
    tokens = _date_tokens(section)
    twelve = any(t.lower() in ("am/pm", "a/p") for kind, t in tokens if kind == "token")
    for index, (kind, text) in enumerate(tokens):
        if kind == "literal":
            out.append(text)
        else:
            out.append(_date_token(text, moment, twelve, _minute_context(tokens, index)))
    return "".join(out).strip()


def _date_tokens(section: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(section):
        char = section[i]
        if char == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            tokens.append(("literal", section[i + 1 : end]))
            i = end + 1
        elif char == "\\" and i + 1 < len(section):
            tokens.append(("literal", section[i + 1]))
            i += 2
        elif char in "_*" and i + 1 < len(section):
            tokens.append(("literal", " " if char == "_" else ""))
            i += 2
        elif match := _DATE_TOKEN.match(section, i):
            tokens.append(("token", match.group(0)))
            i = match.end()
        else:
            tokens.append(("literal", "" if char == "@" else char))
            i += 1
    return tokens


def _minute_context(tokens: list[tuple[str, str]], index: int) -> bool:
    """``m``/``mm`` right after an hour or right before seconds means minutes."""
    before = [t.lower() for kind, t in tokens[:index] if kind == "token"]
    after = [t.lower() for kind, t in tokens[index + 1 :] if kind == "token"]
    return bool((before and before[-1].startswith("h")) or (after and after[0].startswith("s")))


def _date_token(token: str, moment: datetime | time, twelve: bool, minutes: bool) -> str:
    low = token.lower()
    day = moment if isinstance(moment, datetime) else None
    hour = moment.hour % 12 or 12 if twelve else moment.hour
    values: dict[str, str] = {
        "h": str(hour),
        "hh": f"{hour:02d}",
        "s": str(moment.second),
        "ss": f"{moment.second:02d}",
        "am/pm": "AM" if moment.hour < 12 else "PM",
        "a/p": "A" if moment.hour < 12 else "P",
    }
    if low in values:
        return values[low]
    if low.startswith(".0"):
        return "." + f"{moment.microsecond:06d}"[: len(low) - 1]
    if minutes and low in ("m", "mm"):
        return str(moment.minute) if low == "m" else f"{moment.minute:02d}"
    if day is None:
        return ""
    dated: dict[str, str] = {
        "yyyy": f"{day.year:04d}",
        "yy": f"{day.year % 100:02d}",
        "m": str(day.month),
        "mm": f"{day.month:02d}",
        "mmm": _MONTHS[day.month - 1][:3],
        "mmmm": _MONTHS[day.month - 1],
        "mmmmm": _MONTHS[day.month - 1][0],
        "d": str(day.day),
        "dd": f"{day.day:02d}",
        "ddd": _DAYS[day.weekday()][:3],
        "dddd": _DAYS[day.weekday()],
    }
    return dated.get(low, token)
