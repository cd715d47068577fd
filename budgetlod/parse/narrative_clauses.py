"""The clauses of the narrative (第三部分): vocabulary, normalisation and patterns.

:mod:`budgetlod.parse.narrative` walks the sections and keeps the facts; this
module reads one clause at a time.  A paragraph is normalised (:func:`normalise`),
cut into clauses at ， ； 。 and between chained figures (:func:`clauses`), and
each clause is read by :func:`read_clause` as one figure (:class:`Figure`), a
paired statement (:class:`Paired`, ``A、B分别为X、Y万元``) or nothing.  The words
come from ``mapping/narrative.yaml`` (:func:`vocabulary`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

from budgetlod import resources
from budgetlod.parse.text import parse_amount
from budgetlod.text import label_key, short_cache, squash

Field = Literal["amount", "change", "rate", "share", "completion"]

NUM = r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
UNIT = r"亿元|百万元|万元|千元|元|%"
FIGURE = re.compile(rf"(?<![\d.,])({NUM})({UNIT})")
_YEAR = re.compile(r"\d{4}年度?")
_BULLET = re.compile(r"^[-*•·]\s+")
_FULL_DIGITS = str.maketrans("０１２３４５６７８９％", "0123456789%")
_HALF = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；"})
_COMMA = re.compile(r",(?!\d{3}(?!\d))|(?<!\d),")
_DELIMITERS = re.compile(r"([，；。！？])")
# 办公费1.91万元、印刷费0.50万元: a list of items, one clause each (not 分别为1万元、2万元)
_LIST_ITEM = re.compile(rf"(?<=\d)({UNIT})、(?=[\u4e00-\u9fff“（])")
_SPACE_BEFORE_PERCENT = re.compile(r"(?<=\d)\s+(?=%)")
_MARKS = re.compile("([\x00\x01])")
_EACH_LEAD = re.compile(r"^(?:与|和|同)(?P<cmp>[^，；。]+?)相比较?")  # 与上年相比收、支…各增加
_SUBJECTS = re.compile(r"、|以及|和|及|与")
_ITEMS = re.compile(r"、|和|及|与")
_JOINERS = re.compile(r"[、和及与]")
_RELATION = re.compile(r"^(?:\d{4}年度?)?(?P<pre>[^，；。\d]{0,20}?)决算数?(?P<rest>.*?)预算数?(?P<after>.*)$")
_SHARE_LEAD = re.compile(r"^占(?:比)?[^\d\-−]*")


@dataclass(frozen=True)
class Vocabulary:
    general: dict[str, str]  # normalised alias -> key
    by_section: dict[str, dict[str, str]]  # section -> alias -> key
    function_key: str
    function_markers: tuple[str, ...]
    function_classes: frozenset[str]
    strip_prefixes: tuple[str, ...]
    strip_suffixes: tuple[str, ...]
    fillers: frozenset[str]
    signs: dict[str, int]  # verb -> +1 | -1
    compare: tuple[str, ...]
    year_on_year: str
    reason_markers: tuple[str, ...]
    purpose_markers: tuple[str, ...]
    project_key: str
    project_name_labels: tuple[str, ...]  # as written (labels are matched in text)
    project_amount_labels: tuple[str, ...]
    project_labels: tuple[str, ...]
    verbs: str  # regex alternation, longest first
    measures: tuple[tuple[str, str], ...]  # (words, measure), longest words first
    completion: tuple[str, ...]
    relations: tuple[tuple[str, str], ...]  # (words, relation), longest words first

    def key(self, subject: str, section: str) -> str | None:
        word = alias_key(subject)
        return self.by_section.get(section, {}).get(word) or self.general.get(word)


def alias_key(text: str) -> str:
    """The form in which subjects and aliases are compared."""
    return label_key(text).replace("的", "")


def _words(data: dict[str, object], name: str) -> tuple[str, ...]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise resources.ResourceError(f"narrative.yaml: {name} must be a list of strings")
    return tuple(value)


def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@cache
def vocabulary() -> Vocabulary:
    """``mapping/narrative.yaml``, checked: an alias names one key per section."""
    path = resources.mapping("narrative.yaml")
    data = resources.read_yaml(path)
    if not isinstance(data, dict):
        raise resources.ResourceError(f"{path}: not a mapping")
    general: dict[str, str] = {}
    by_section: dict[str, dict[str, str]] = {}
    for entry in data.get("subjects", []):
        key = entry["key"]
        sections = entry.get("sections") or [None]
        for section in sections:
            table = general if section is None else by_section.setdefault(str(section), {})
            for alias in entry["aliases"]:
                word = alias_key(alias)
                if table.get(word, key) != key:
                    raise resources.ResourceError(f"{path}: alias {alias!r} names {table[word]} and {key}")
                table[word] = key
    project = data.get("project", {})
    measures = _named_words(data, "measures")
    relations = _named_words(data, "relations")
    signs = {w: 1 for w in _words(data, "increase")} | {w: -1 for w in _words(data, "decrease")}
    return Vocabulary(
        general=general,
        by_section=by_section,
        function_key=str(data.get("function_key", "function")),
        function_markers=_words(data, "function_markers"),
        function_classes=frozenset(alias_key(w) for w in _words(data, "function_classes")),
        strip_prefixes=_longest_first(_words(data, "strip_prefixes")),
        strip_suffixes=_longest_first(_words(data, "strip_suffixes")),
        fillers=frozenset(alias_key(w) for w in _words(data, "fillers")),
        signs=signs,
        compare=_longest_first(_words(data, "compare")),
        year_on_year=str(data.get("year_on_year", "上年")),
        reason_markers=_longest_first(_words(data, "reason_markers")),
        purpose_markers=_longest_first(_words(data, "purpose_markers")),
        project_key=str(project.get("key", "project_budget")),
        project_name_labels=_longest_first(_words(project, "name_labels")),
        project_amount_labels=_longest_first(_words(project, "amount_labels")),
        project_labels=_longest_first(_words(project, "labels")),
        verbs="|".join(re.escape(v) for v in _longest_first(tuple(signs))),
        measures=measures,
        completion=_longest_first(_words(data, "completion")),
        relations=relations,
    )


def _named_words(data: dict[str, object], name: str) -> tuple[tuple[str, str], ...]:
    """``name: {value: [words]}`` -> ((words, value), …), longest words first."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise resources.ResourceError(f"narrative.yaml: {name} must map a value to a list of words")
    pairs = [(word, str(value)) for value in table for word in _words(table, value)]
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


# --- text ------------------------------------------------------------------


@short_cache(longest=4096, size=4096)
def normalise(text: str) -> str:
    """A paragraph as the patterns expect it: no spaces next to Chinese or in
    figures, full-width brackets, colons and separators, ASCII digits and %."""
    text = squash(text.translate(_FULL_DIGITS))
    text = _BULLET.sub("", text).translate(_HALF)
    text = _COMMA.sub("，", text)
    return _SPACE_BEFORE_PERCENT.sub("", text)


@dataclass
class Piece:
    text: str
    end: str  # the delimiter after it: ， ； 。 、 (an item of a list), "+" (a figure ran on), "" (end of text)


@cache
def _chain() -> re.Pattern[str]:
    return re.compile(rf"(?<=\d)({UNIT})(?=占|比|较|同比|{vocabulary().verbs}|主要|其中)")


def clauses(text: str) -> list[Piece]:
    """Cut a normalised paragraph at ，；。, where a figure runs into the next
    clause without a comma (…502.40万元占33.78%…) and between the items of a
    list (办公费1.91万元、印刷费0.50万元)."""
    chain = _chain()
    parts = _DELIMITERS.split(text)
    pieces: list[Piece] = []
    for i in range(0, len(parts), 2):
        chunk = parts[i]
        end = parts[i + 1] if i + 1 < len(parts) else ""
        marked = chain.sub("\\1\x00", chunk)
        if "分别" not in chunk:  # 分别增加1.00万元、减少2.00万元 is one clause
            marked = _LIST_ITEM.sub("\\1\x01", marked)
        sub = _MARKS.split(marked) if "\x00" in marked or "\x01" in marked else [marked]
        pieces.extend(Piece(sub[j], "+" if sub[j + 1] == "\x00" else "、") for j in range(0, len(sub) - 1, 2))
        if sub[-1]:
            pieces.append(Piece(sub[-1], end))
        elif pieces and end in ("；", "。", "") and pieces[-1].end in ("，", "+"):
            pieces[-1].end = end
    return pieces


def marker(text: str, markers: tuple[str, ...]) -> str | None:
    """The text after a marker standing at the start (after 其/这), else None."""
    body = text[1:] if text[:1] in ("其", "这") else text
    for word in markers:
        if body.startswith(word):
            return body[len(word) :].lstrip("：")
    return None


# --- subjects --------------------------------------------------------------


def is_function(subject: str) -> bool:
    voc = vocabulary()
    return any(m in subject for m in voc.function_markers) or alias_key(subject) in voc.function_classes


def function_names(subject: str) -> tuple[str, ...]:
    """``A（类）B（款）C（项）`` -> (A, B, C); a plain class name -> (name,)."""
    markers = vocabulary().function_markers
    if not any(m in subject for m in markers):
        return (subject,)
    return tuple(p for p in (s.strip() for s in _marker_pattern(markers).split(subject)) if p)


@cache
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(m) for m in markers))


def clean(text: str, units: tuple[str, ...]) -> str:
    """Words before a figure -> the subject: no unit name, year, enumeration,
    quotes, 的, trailing 为; a filler (预算数) alone -> ""."""
    voc = vocabulary()
    for unit in sorted(units, key=len, reverse=True):
        text = text.replace(unit, "")
    years = list(_YEAR.finditer(text))
    if years:  # 乌鲁木齐市…中心2024年支出预算 -> 支出预算
        text = text[years[-1].end() :]
    text = label_key(text).strip("，；。、")
    if not is_function(text):
        text = text.replace("的", "")
        previous = None
        while previous != text:
            previous = text
            for word in voc.strip_suffixes:
                if text.endswith(word) and len(text) > len(word):
                    text = text[: -len(word)]
                    break
    if text in voc.fillers or text in voc.strip_prefixes:
        return ""
    return text


def subject_of(pre: str, units: tuple[str, ...]) -> str:
    """The subject named by the words before a figure.  With a colon, the words
    after it (其中：基本支出); if those name nothing, the words before it
    (…事业运行（项）：2024年预算数为)."""
    before, colon, after = pre.rpartition("：")
    if not colon:
        return clean(pre, units)
    subject = clean(after, units)
    return subject or clean(before, units)


def lookup(subject: str, section: str) -> tuple[str, str | None]:
    """(subject, key): as written, or without a leading 单位/本单位…"""
    voc = vocabulary()
    if is_function(subject):
        return subject, voc.function_key
    key = voc.key(subject, section)
    if key:
        return subject, key
    for word in voc.strip_prefixes:
        if subject.startswith(word) and len(subject) > len(word):
            stripped = subject[len(word) :]
            return stripped, voc.key(stripped, section)
    return subject, None


# --- clause patterns -------------------------------------------------------


@dataclass
class Figure:
    """One figure of a clause: ``pre`` names the subject ("" = the statement before)."""

    pre: str
    field: Field
    value: Decimal
    unit: str | None  # money unit; None for a percentage
    compared_with: str | None = None


@dataclass
class Paired:
    """``A、B分别为X、Y万元`` (subjects given) or ``分别增长C%、D%`` (subjects before)."""

    subjects: list[str]  # raw words, one per item; [] = the statements before
    field: Field
    values: list[Decimal]
    unit: str | None
    compared_with: str | None = None
    each: bool = False  # ``A和B各减少X万元``: the one value is each item's


def _signed(value: Decimal, verb: str | None) -> Decimal:
    if verb and vocabulary().signs.get(verb, 1) < 0:
        value = -value
    return value.copy_abs() if value == 0 else value


def _number(text: str) -> Decimal:
    value = parse_amount(text.replace("−", "-"))
    assert value is not None
    return value


@cache
def _patterns(verbs: str, compare: str, completion: str) -> dict[str, re.Pattern[str]]:
    cmp = rf"(?:(?:{compare})(?P<cmp>[^，；。]*?)(?:相比)?|与(?P<cmp2>[^，；。]*?)相比|(?P<yoy>同比))?"
    return {
        "completion": re.compile(
            rf"^(?P<pre>.*?)(?:{completion})(?:了|为|是|达到|达)?(?P<base>[^\d%，；。]*?)的?(?P<num>{NUM})%$"
        ),
        "each": re.compile(rf"^(?P<pre>.*?){cmp}各(?P<verb>{verbs})?了?(?P<num>{NUM})(?P<unit>{UNIT})$"),
        "compared": re.compile(r"^(?:与|和|同)(?P<cmp>[^，；。]+?)(?:相比|比较)(?:较)?$"),
        "share": re.compile(rf"^(?P<pre>.*?)占(?:比)?[^\d%]*?(?P<num>{NUM})%$"),
        "change": re.compile(rf"^(?P<pre>.*?){cmp}(?P<verb>{verbs})了?(?P<num>{NUM})(?P<unit>{UNIT})$"),
        "amount": re.compile(rf"^(?P<pre>.*?)(?P<num>{NUM})(?P<unit>{UNIT})$"),
        "paired": re.compile(r"^(?P<pre>.*?)分别(?P<rest>.+)$"),
        "paired_change": re.compile(rf"^{cmp}(?P<verb>{verbs})了?(?P<list>[-−\d].*)$"),
        "item": re.compile(rf"^(?P<verb>{verbs})?了?(?P<num>{NUM})(?P<unit>{UNIT})?$"),
    }


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    voc = vocabulary()
    return _patterns(
        voc.verbs, "|".join(re.escape(w) for w in voc.compare), "|".join(re.escape(w) for w in voc.completion)
    )


def _compared(match: re.Match[str]) -> str | None:
    if match.group("yoy"):
        return vocabulary().year_on_year
    return match.group("cmp") or match.group("cmp2") or None


# A clause (between two of ，；。) longer than this is no statement: the patterns' backtracking would take
# time growing with the square of its length (a converter's run-on line of digits).
MAX_CLAUSE = 500


def read_clause(text: str) -> Figure | Paired | None:
    """One clause -> what it states; None when no pattern fits (or it is longer than :data:`MAX_CLAUSE`)."""
    if len(text) > MAX_CLAUSE:
        return None
    pats = patterns()
    if "分别" in text and (m := pats["paired"].match(text)):
        return _read_paired(m.group("pre"), m.group("rest"))
    if "各" in text and (each := _read_each(text)) is not None:
        return each
    if "%" in text and (m := pats["completion"].match(text)):
        return _figure(m.group("pre"), "completion", _number(m.group("num")), None, m.group("base") or None)
    if m := pats["change"].match(text):
        value = _signed(_number(m.group("num")), m.group("verb"))
        unit = m.group("unit")
        field: Field = "rate" if unit == "%" else "change"
        return _figure(m.group("pre"), field, value, None if unit == "%" else unit, _compared(m))
    if m := pats["share"].match(text):
        return _figure(m.group("pre"), "share", _number(m.group("num")), None)
    if (m := pats["amount"].match(text)) and m.group("unit") != "%":
        return _figure(m.group("pre"), "amount", _number(m.group("num")), m.group("unit"))
    return None


def _figure(pre: str, field: Field, value: Decimal, unit: str | None, cmp: str | None = None) -> Figure | None:
    if FIGURE.search(pre):
        return None  # two figures in one clause: not a pattern
    return Figure(pre, field, value, unit, cmp)


def _read_each(text: str) -> Figure | Paired | None:
    """``A和B（比上年）各减少X万元`` (or ``各X万元``): X for each of A and B; no A, B: the statements
    before.  ``收、支预算总计各增加X万元`` names one subject (收支预算总计)."""
    cmp: str | None = None
    if lead := _EACH_LEAD.match(text):  # 与上年相比收、支…各增加
        cmp, text = lead.group("cmp"), text[lead.end() :]
    m = patterns()["each"].match(text)
    if m is None or FIGURE.search(pre := m.group("pre").replace("收、支", "收支")):
        return None
    unit = m.group("unit")
    field: Field = ("rate" if unit == "%" else "change") if m.group("verb") else "amount"
    if field == "amount" and unit == "%":
        return None
    value = _signed(_number(m.group("num")), m.group("verb"))
    cmp = _compared(m) or cmp
    subjects = [s for s in _SUBJECTS.split(pre) if s] if pre.strip() else []
    if len(subjects) == 1 or any(len(s) == 1 for s in subjects):
        return _figure(_JOINERS.sub("", pre), field, value, None if unit == "%" else unit, cmp)
    return Paired(subjects, field, [value], None if unit == "%" else unit, cmp, each=True)


def compared_clause(text: str) -> str | None:
    """``与2023年度相比`` (a clause of its own) -> 2023年度, else None."""
    m = patterns()["compared"].match(text)
    return m.group("cmp") if m else None


def split_measure(pre: str) -> tuple[str, str | None]:
    """``一般公共预算财政拨款支出年初预算为`` -> (一般公共预算财政拨款支出, 年初预算): the words
    before a figure without the measure (决算) they end with, and the measure; (pre, None) without one."""
    text = pre.rstrip("：为是")
    for words, measure in vocabulary().measures:
        if text.endswith(words):
            return text[: -len(words)], measure
    return pre, None


def relation_of(text: str) -> tuple[str, str, str] | None:
    """``决算数小于预算数的主要原因：…`` -> (小于, 主要原因：…, ""); ``三公经费支出决算数与预算数基本持平``
    -> (等于, "", 三公经费支出): the relation, the rest of the clause and the subject named before 决算."""
    m = _RELATION.match(text)
    if m is None:
        return None
    head, after = m.group("rest"), m.group("after")
    for words, relation in vocabulary().relations:
        if head == words or (head == "与" and after.startswith(words)):
            after = after[len(words) :] if head == "与" else after
            return relation, after.lstrip("的"), m.group("pre")
    return None


def _read_paired(pre: str, rest: str) -> Paired | None:
    if FIGURE.search(pre):
        return None
    pats = patterns()
    rest = rest.lstrip("为是：")
    cmp: str | None = None
    field: Field
    if rest.startswith("占"):
        field, listed = "share", _SHARE_LEAD.sub("", rest)
    elif m := pats["paired_change"].match(rest):
        field, listed, cmp = "change", m.group("verb") + m.group("list"), _compared(m)
    else:
        field, listed = "amount", rest
    items = [pats["item"].match(s) for s in _ITEMS.split(listed)]
    if not items or not all(items):
        return None
    units = [m.group("unit") for m in items if m]
    if not units[-1] or len({u for u in units if u}) != 1:
        return None
    unit = units[-1]
    values: list[Decimal] = []
    verb: str | None = None
    for m in items:
        assert m is not None
        verb = m.group("verb") or verb
        values.append(_signed(_number(m.group("num")), verb) if field == "change" else _number(m.group("num")))
    if field == "change" and unit == "%":
        field = "rate"
    if (field == "share" and unit != "%") or (field == "amount" and unit == "%"):
        return None
    subjects = pre.split("、") if pre.strip() else []
    if 0 < len(subjects) < len(values):  # A和B分别为…: also cut at 和/及/与
        subjects = _SUBJECTS.split(pre)
    return Paired(subjects, field, values, None if unit == "%" else unit, cmp)
