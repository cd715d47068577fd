"""第一部分 单位概况 -> :class:`Profile`: 主要职能, 机构设置, 人员情况.

The part has numbered sub-headings (``一、 主要职能``, ``（二）机构设置及人员情况``).
The text under the 职能/职责 heading is kept as it is; every other paragraph
is read for the 下属预算单位 and 处室 statements and the staffing figures
(编制数, 实有人数, 在编, 在职, 临聘, 离退休, 退休, 离休 with their change).  A sentence that still
holds a figure afterwards is reported (P305) rather than guessed at.
"""

from __future__ import annotations

import re

from budgetlod.findings import Reporter
from budgetlod.model import Profile, Staffing
from budgetlod.parse.other import Scanner, count_re, heading, normalise
from budgetlod.parse.text import MAX_PARAGRAPH, cn_number
from budgetlod.read.stream import Block, Paragraph
from budgetlod.text import squash

SECTION = "单位概况"

_FUNCTIONS = ("职能", "职责")
_ORGANISATION = ("机构", "人员", "编制", "设置")
_OTHER = ("概况", "情况", "构成", "任务", "简介", "基本")
_DUTY_VERBS = (
    "负责",
    "承担",
    "拟订",
    "拟定",
    "组织",
    "完成",
    "做好",
    "贯彻",
    "参与",
    "协调",
    "指导",
    "管理",
    "研究",
    "督促",
)

# --- 机构设置
_NO_UNITS = re.compile(r"(?:无|没有)(?:下属|所属|二级)(?:预算)?单位")
_UNITS = (
    re.compile(rf"(?:下属|所属|二级)(?:预算)?单位(?:共|有|为)?\s*{count_re('n')}\s*(?:个|家)"),
    re.compile(rf"{count_re('n')}\s*(?:个|家)(?:下属|所属|二级)(?:预算)?单位"),
)
_NO_DEPARTMENTS = re.compile(r"(?:无|没有|未)(?:下设|内设)(?:处室|科室|机构|内设机构)")
_DEPARTMENTS = (
    re.compile(
        rf"(?:下设|内设|设有|设)(?:机构)?\s*{count_re('n')}\s*个\s*(?:职能)?"
        r"(?:处室|科室|内设机构|机构|部门|处|科|股|室)"
    ),
    re.compile(rf"(?:内设机构|内设科室|处室|科室)(?:共|有|为)?\s*{count_re('n')}\s*个"),
)
_LIST = re.compile(r"\s*[，,]?\s*(?:(?:分别(?:是|为)|包括|具体为|即)\s*[:：]?|[:：])\s*(?P<names>[^。；;，,]*)")
_NAME_SEPARATORS = re.compile(r"[、/／]")

# --- 人员情况
_PERSONS = r"(?:为|共|是|有)?\s*" + count_re("n") + r"\s*(?:人|名)?"
_STAFF: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("编制数", re.compile(r"(?<![政业勤])(?:核定)?(?:人员)?编制(?:数|人数)?" + _PERSONS)),
    ("实有人数", re.compile(r"实有(?:人数|人员)?" + _PERSONS)),
    ("在编", re.compile(r"在编(?:人员|人数|职工)?" + _PERSONS)),
    ("在职", re.compile(r"在职(?:人员|人数|职工)?" + _PERSONS)),
    ("临聘", re.compile(r"(?:临聘|编外|聘用)(?:人员|人数)?" + _PERSONS)),
    ("离退休", re.compile(r"离退休(?:人员|人数|干部|职工)?" + _PERSONS)),
    ("退休", re.compile(r"(?<!离)退休(?:人员|人数|职工)?" + _PERSONS)),
    ("离休", re.compile(r"离休(?:人员|人数|干部)?" + _PERSONS)),
)
_STAFF_CHANGE = re.compile(
    rf"(?P<verb>增加|减少|增长|下降|增|减)\s*{count_re('n')}\s*(?:人|名)|(?P<flat>持平|无变化|不变)"
)


def _names(scan: Scanner, end: int) -> tuple[list[str], bool]:
    """The list after ``分别是：`` at ``end``: (names, whether a list was there)."""
    match = _LIST.match(scan.text, end)
    if match is None or not scan.free(*match.span()):
        return [], False
    scan.used.append(match.span())
    text = match.group("names").strip()
    if not text or text.startswith(("无", "没有")):
        return [], True
    names = [part.strip().removesuffix("等").strip() for part in _NAME_SEPARATORS.split(text)]
    return [n for n in names if n], True


def _organisation(scan: Scanner, line: int, profile: Profile, reporter: Reporter) -> None:
    for what, none, patterns in (
        ("下属预算单位", _NO_UNITS, _UNITS),
        ("处室", _NO_DEPARTMENTS, _DEPARTMENTS),
    ):
        count: int | None = None
        names: list[str] = []
        for pattern in patterns:
            if (match := scan.take(pattern)) is not None:
                count = cn_number(match.group("n"))
                names, listed = _names(scan, match.end())
                if listed and count is not None and names and len(names) != count:
                    reporter.add("P310", line, what=what, count=count, names=len(names))
                break
        else:
            if (match := scan.take(none)) is not None:
                count = 0
                names, _ = _names(scan, match.end())
        if count is None:
            continue
        if what == "处室":
            profile.department_count, profile.departments = count, names
        else:
            profile.subordinate_unit_count, profile.subordinate_units = count, names


def _staffing(scan: Scanner, line: int, profile: Profile) -> None:
    found: list[tuple[int, int, str, int]] = []  # (start, end, category, count)
    for category, pattern in _STAFF:
        for match in scan.take_all(pattern):
            number = cn_number(match.group("n"))
            if number is not None:
                found.append((match.start(), match.end(), category, number))
    found.sort()
    for i, (_, end, category, number) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(scan.text)
        change: int | None = None
        for match in _STAFF_CHANGE.finditer(scan.text, end, stop):
            if not scan.free(*match.span()):
                continue
            scan.used.append(match.span())
            if match.group("flat"):
                change = 0
            else:
                amount = cn_number(match.group("n")) or 0
                change = -amount if match.group("verb") in ("减少", "下降", "减") else amount
            break
        profile.staffing.append(Staffing(category=category, count=number, change=change, line=line))


def _section_of(text: str, title: str) -> str | None:
    """The part of 单位概况 a sub-heading opens; None for a list item (``1、负责…``, ``（二）承担…``)."""
    if re.match(r"^\d", text) or title.startswith(_DUTY_VERBS):
        return None
    if any(word in title for word in _FUNCTIONS):
        return "functions"
    if any(word in title for word in _ORGANISATION):
        return "organisation"
    return "other" if any(word in title for word in _OTHER) else None


def parse_profile(blocks: list[Block], reporter: Reporter) -> Profile:
    profile = Profile()
    functions: list[str] = []
    section = "auto"
    for block in blocks:
        if not isinstance(block, Paragraph):
            first = next((" | ".join(r.cells) for r in block.rows if any(r.cells)), "")
            reporter.add("P305", block.line, section=SECTION, text=f"table {first[:60]}")
            continue
        text = normalise(block.text)
        body = squash(block.text)
        found = heading(text)
        kind = _section_of(text, found[0]) if found is not None else None
        if found is not None and kind is not None:  # not a list item such as "1、负责…"
            section, rest = kind, found[1]
            if not rest:
                continue
            text = body = rest
        if section == "functions":
            if profile.functions_line is None:
                profile.functions_line = block.line
            functions.append(body)
            continue
        if len(text) > MAX_PARAGRAPH:
            reporter.add("P305", block.line, section=SECTION, text=text)
            continue
        scan = Scanner(text)
        _organisation(scan, block.line, profile, reporter)
        _staffing(scan, block.line, profile)
        for sentence in scan.unread():
            reporter.add("P305", block.line, section=SECTION, text=sentence)
    if functions:
        profile.functions = "\n".join(functions)
    return profile
