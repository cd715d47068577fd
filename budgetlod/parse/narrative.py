"""The narrative (第三部分 …情况说明) -> facts and project descriptions.

Sections ``一、`` … ``十一、`` are read paragraph by paragraph, clause by clause
(:mod:`budgetlod.parse.narrative_clauses`).  A clause naming a subject and a
figure (``基本支出502.40万元``, ``公务用车运行费减少0.21万元``) opens a
:class:`~budgetlod.model.NarrativeFact`; the clauses after it (``占33.78%``,
``比上年预算增加11.48万元``, ``增长2.34%``, ``主要原因是…``) attach to it, also
across a sentence end (``。主要原因是…``).  ``A、B分别为X、Y万元，分别增长C%、D%``
gives one fact per item.  Paragraphs ``项目名称：…``, ``预算安排规模：…`` are read
as :class:`~budgetlod.model.ProjectDescription`.

Findings: P301 (a figure no pattern took), P302 (paired figures that do not
pair), P303 (a subject not in ``mapping/narrative.yaml``), P320 (a project
field before any 项目名称).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from budgetlod.findings import Reporter
from budgetlod.model import NarrativeFact, ProjectDescription
from budgetlod.parse.narrative_clauses import (
    FIGURE,
    Figure,
    Paired,
    Piece,
    alias_key,
    clauses,
    compared_clause,
    function_names,
    is_function,
    lookup,
    marker,
    normalise,
    read_clause,
    relation_of,
    split_measure,
    subject_of,
    vocabulary,
)
from budgetlod.parse.text import MAX_PARAGRAPH
from budgetlod.read.stream import Block, Paragraph

__all__ = ["parse_narrative"]

SECTION = re.compile(r"^(?P<number>[一二三四五六七八九十]+)[、.．]\s*(?P<rest>.*)$")
_UNIT_IN_HEADING = re.compile(r"关于(?P<unit>.+?)\d{4}年")
_ENUMERATOR = re.compile(r"^[（(]?(?:[一二三四五六七八九十]{1,3}|\d{1,2})[)）、.．]\s*")
_GENERIC_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff（）]{2,12})：(?P<value>.*)$")


def parse_narrative(
    blocks: list[Block], reporter: Reporter, *, unit: str | None = None
) -> tuple[list[NarrativeFact], list[ProjectDescription]]:
    """Read the blocks of 第三部分 (up to 其他重要事项).

    ``unit`` is the name of the reporting unit, removed from subjects; names
    read from the section headings (``关于<unit>2024年…``) are removed as well.
    """
    reader = _Reader(reporter)
    if unit:
        reader.learn_unit(unit)
    for block in blocks:
        if isinstance(block, Paragraph):
            reader.paragraph(block.text, block.line)
    return reader.facts, reader.projects


class _Reader:
    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.facts: list[NarrativeFact] = []
        self.projects: list[ProjectDescription] = []
        self.units: tuple[str, ...] = ()
        self.section = ""
        self.current: list[NarrativeFact] = []  # the statement(s) later clauses attach to
        self.lead: NarrativeFact | None = None  # the paragraph's first statement: what it is about
        self.topic: str | None = None  # a paragraph's opening name without a figure (1、…行政运行（项）。)
        self.project: ProjectDescription | None = None
        self.last_field: str | None = None

    def learn_unit(self, name: str) -> None:
        name = normalise(name)
        if name and name not in self.units:
            self.units = (*self.units, name)

    # --- paragraphs ---------------------------------------------------------

    def paragraph(self, raw: str, line: int) -> None:
        text = normalise(raw)
        if not text:
            return
        if len(text) > MAX_PARAGRAPH:
            self.reporter.add("P301", line, text=text)
            return
        self.lead = self.topic = None
        heading = SECTION.match(text)
        if heading:
            self.section = heading.group("number")
            self.current = []
            self.project = None
            self.last_field = None
            if found := _UNIT_IN_HEADING.search(text):
                self.learn_unit(found.group("unit"))
            text = heading.group("rest")
            if not FIGURE.search(text):
                return
        if self._project_paragraph(text, line):
            return
        self._statements(text, line)

    # --- project descriptions -----------------------------------------------

    def _project_paragraph(self, text: str, line: int) -> bool:
        voc = vocabulary()
        body = _ENUMERATOR.sub("", text)
        segments = _label_segments(body, _project_labels())
        if not segments and self.project is not None and not _ENUMERATOR.match(text):
            generic = _GENERIC_LABEL.match(body)
            if generic and generic.group("label") not in voc.strip_prefixes:
                segments = [(generic.group("label"), generic.group("value"))]
            elif self.last_field is not None:
                fields = self.project.fields
                fields[self.last_field] = (fields[self.last_field] + body).rstrip("；。 ")
                return True
        if not segments:
            return False
        if self.project is None and segments[0][0] not in (*voc.project_name_labels, *voc.project_amount_labels):
            return False  # e.g. 绩效目标：… outside a project description: a statement
        for label, value in segments:
            self._project_field(label, value.strip("；。 "), line, text)
        return True

    def _project_field(self, label: str, value: str, line: int, text: str) -> None:
        voc = vocabulary()
        if label in voc.project_name_labels:
            self.project = ProjectDescription(name=value, line=line, section=self.section)
            self.projects.append(self.project)
            self.last_field = None
            self.current = []
            return
        if self.project is None:
            self.reporter.add("P320", line, text=text[:80])
            self.project = ProjectDescription(name="", line=line, section=self.section)
            self.projects.append(self.project)
        self.project.fields[label] = value
        self.last_field = label
        if label in voc.project_amount_labels and (figure := FIGURE.search(value)):
            amount = Decimal(figure.group(1).replace(",", "").replace("−", "-"))
            if figure.group(2) != "%" and self.project.amount is None:
                self.project.amount, self.project.unit = amount, figure.group(2)
                fact = NarrativeFact(
                    section=self.section,
                    subject=label,
                    key=voc.project_key,
                    line=line,
                    amount=amount,
                    unit=figure.group(2),
                    project=self.project.name,
                    text=f"{label}：{value}",
                )
                self.facts.append(fact)

    # --- statements ---------------------------------------------------------

    def _statements(self, text: str, line: int) -> None:
        voc = vocabulary()
        pieces = clauses(text)
        compared: str | None = None  # the last comparison stated in the paragraph
        i = 0
        while i < len(pieces):
            piece = pieces[i].text
            fresh = i == 0 or pieces[i - 1].end == "。"  # the clause starts a sentence
            if not FIGURE.search(piece):
                if (said_cmp := compared_clause(piece)) is not None:  # 与2023年度相比，…
                    compared, i = said_cmp, i + 1
                    continue
                if (related := relation_of(piece)) is not None:  # 决算数小于预算数的主要原因：…
                    self.current = self._named(related[2]) or self.current
                    for fact in self.current:
                        fact.relation = related[0]
                    if not related[1]:
                        i += 1
                        continue
                    pieces[i] = Piece(related[1], pieces[i].end)
                    piece = related[1]
                if i == 0 and self.topic is None and is_function(name := _ENUMERATOR.sub("", piece)):
                    self.topic = name  # 1、一般公共服务支出（类）…行政运行（项）。
            purpose = marker(piece, voc.purpose_markers)
            if purpose is not None and not FIGURE.search(piece):
                said, i = _through_sentence(pieces, i, purpose)
                self._note("purpose", said, piece[: len(piece) - len(purpose)] + said, line)
                continue
            if purpose is not None and self.current:  # 主要包括：办公费1.91万元、印刷费0.50万元…
                said, _ = _through_sentence(pieces, i, purpose)
                self._note("purpose", said, piece[: len(piece) - len(purpose)] + said, line)
                pieces[i] = Piece(purpose, pieces[i].end)
                piece = purpose
            reason = marker(piece, voc.reason_markers)
            if reason is not None:
                said, i = _through_sentence(pieces, i, reason)
                self._note("reason", said, piece[: len(piece) - len(reason)] + said, line)
                continue
            i += 1
            statement = read_clause(piece)
            if isinstance(statement, Figure):
                if statement.field != "completion":
                    compared = statement.compared_with or compared
                self._figure(statement, piece, line, compared, fresh)
            elif isinstance(statement, Paired):
                compared = statement.compared_with or compared
                self._paired(statement, piece, line, compared)
            elif FIGURE.search(piece):
                self.reporter.add("P301", line, text=piece)

    def _named(self, words: str) -> list[NarrativeFact]:
        """The paragraph's last 决算 statement of the subject ``words`` name (三公经费支出决算数小于…), or []."""
        subject = subject_of(words, self.units)
        if not subject or self.lead is None:
            return []
        key = lookup(subject, self.section)[1]
        mine = self.facts[self.facts.index(self.lead) :]
        found = [f for f in mine if f.measure != "年初预算" and (f.key, f.subject) != (None, "") and key == f.key]
        return found[-1:] if key is not None else []

    def _note(self, name: str, said: str, text: str, line: int) -> None:
        """A reason or purpose (``said``, from ``text``): to every current statement."""
        if not self.current:
            if FIGURE.search(said):
                self.reporter.add("P301", line, text=text)
            return
        for fact in self.current:
            old = getattr(fact, name)
            setattr(fact, name, said if old is None else f"{old}；{said}")
            fact.text = _join(fact.text, text)

    def _open(self, subject: str, line: int, text: str, measure: str | None = None) -> NarrativeFact:
        subject, key = lookup(subject, self.section)
        function = function_names(subject) if is_function(subject) else ()
        if key is None:
            self.reporter.add("P303", line, subject=subject)
        fact = NarrativeFact(section=self.section, subject=subject, key=key, line=line, function=function, text=text)
        fact.measure = measure
        self.facts.append(fact)
        if self.lead is None:
            self.lead = fact
        return fact

    def _figure(self, figure: Figure, piece: str, line: int, compared: str | None, fresh: bool) -> None:
        pre, measure = split_measure(figure.pre) if figure.field == "amount" else (figure.pre, None)
        subject = subject_of(pre, self.units) if pre else ""
        if measure is not None and alias_key(subject) in ("", "支出", "收入"):
            # 年初预算为X万元，支出决算为Y万元: the subject the paragraph (or its opening name) is about
            subject = self.topic or (self.lead.subject if self.lead is not None else "")
        if subject:
            fact = self._subject_fact(subject, figure, line, piece, measure) or self._open(
                subject, line, piece, measure
            )
            self.current = [fact]
        elif fresh and (lead := self._lead_for(figure)) is not None:
            fact = lead  # …公务接待费2.50万元。比上年预算减少1.00万元: the paragraph's subject
            fact.text = _join(fact.text, piece)
            self.current = [fact]
        elif len(self.current) == 1:
            fact = self.current[0]
            fact.text = _join(fact.text, piece)
        else:
            self.reporter.add("P301", line, text=piece)
            return
        if figure.field == "completion":
            compared = figure.compared_with  # 完成年初预算的98.20%: compared with 年初预算
        if not _set(fact, figure.field, figure.value, figure.unit, compared):
            self.reporter.add("P301", line, text=piece)

    def _subject_fact(
        self, subject: str, figure: Figure, line: int, piece: str, measure: str | None
    ) -> NarrativeFact | None:
        """The current statement when ``subject`` names it again without a figure it has
        (…总计2995.39万元。与2023年度相比，…总计减少56.95万元), else None."""
        if len(self.current) != 1 or figure.field == "amount":
            return None
        fact = self.current[0]
        if fact.measure != measure or getattr(fact, figure.field) is not None:
            return None
        if lookup(subject, self.section) != (fact.subject, fact.key):
            return None
        fact.text = _join(fact.text, piece)
        return fact

    def _lead_for(self, figure: Figure) -> NarrativeFact | None:
        """The paragraph's lead, for a change or rate opening a sentence without a subject
        when the lead has none yet and the statement just read is another."""
        lead = self.lead
        if lead is None or figure.field not in ("change", "rate") or self.current == [lead]:
            return None
        return lead if getattr(lead, figure.field) is None else None

    def _paired(self, paired: Paired, piece: str, line: int, compared: str | None) -> None:
        if paired.subjects:
            subjects = [subject_of(s, self.units) for s in paired.subjects]
            if (len(subjects) != len(paired.values) and not paired.each) or not all(subjects):
                self.reporter.add("P302", line, text=piece)
                return
            self.current = [self._open(s, line, piece) for s in subjects]
        elif paired.each and self.current:
            for fact in self.current:
                fact.text = _join(fact.text, piece)
        elif len(self.current) != len(paired.values):
            self.reporter.add("P302", line, text=piece)
            return
        else:
            for fact in self.current:
                fact.text = _join(fact.text, piece)
        values = paired.values * len(self.current) if paired.each else paired.values
        for fact, value in zip(self.current, values, strict=True):
            if not _set(fact, paired.field, value, paired.unit, compared):
                self.reporter.add("P301", line, text=piece)


def _set(fact: NarrativeFact, name: str, value: Decimal, unit: str | None, compared: str | None) -> bool:
    """Set one stated figure; False when the fact already has it (or units differ)."""
    if getattr(fact, name) is not None:
        return False
    if unit is not None:
        if fact.unit is not None and fact.unit != unit:
            return False
        fact.unit = unit
    setattr(fact, name, value)
    if name in ("change", "rate", "completion") and fact.compared_with is None:
        fact.compared_with = compared
    return True


def _through_sentence(pieces: list[Piece], i: int, first: str) -> tuple[str, int]:
    """``first`` and the clauses after it up to the end of the sentence or a ；."""
    said = first
    while pieces[i].end in ("，", "+", "、") and i + 1 < len(pieces):
        said += ("" if pieces[i].end == "+" else pieces[i].end) + pieces[i + 1].text
        i += 1
    return said, i + 1


@cache
def _project_labels() -> re.Pattern[str]:
    voc = vocabulary()
    known = (*voc.project_name_labels, *voc.project_amount_labels, *voc.project_labels)
    labels = "|".join(re.escape(w) for w in sorted(known, key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[；。，]))(?:{labels})(?=：)")


def _label_segments(body: str, labels: re.Pattern[str]) -> list[tuple[str, str]]:
    """``项目名称：X；预算安排规模：985万元`` -> [(项目名称, X), (预算安排规模, 985万元)];
    [] when the paragraph does not start with a known label."""
    found = list(labels.finditer(body))
    if not found or found[0].start() != 0:
        return []
    segments: list[tuple[str, str]] = []
    for n, match in enumerate(found):
        end = found[n + 1].start() if n + 1 < len(found) else len(body)
        segments.append((match.group(0), body[match.end() + 1 : end]))
    return segments


def _join(text: str, more: str) -> str:
    return f"{text}，{more}" if text else more
