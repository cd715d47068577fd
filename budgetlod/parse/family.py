"""Which template family (``mapping/families/*.yaml``) a document's tables belong to.

Each family is scored by the document's tables: a table counts for a family when its title is a title alias of
one of the family's specs (:func:`budgetlod.parse.tables.match_title` with that family's specs); ties are broken
by the header words of those tables that name a column of the matched spec (or are one of the family's
``header_words``: the 行次 / 栏次 of the older national layout), then by the tables' titles holding
one of the family's ``words`` (决算 …). Numbers never choose. The best family wins; the choice is uncertain
(finding P117) when the best two tie on titles or fewer than half the tables match. A document no family's
titles name is read with the default family (``default: true``), without a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from budgetlod.findings import Reporter
from budgetlod.model import FamilyChoice
from budgetlod.specs import ColumnSpec, FamilySpec, TableSpec, default_family, families
from budgetlod.text import label_key


@dataclass(frozen=True)
class Evidence:
    """What a found table shows of itself: its printed title (if any) and the words of its header rows."""

    title: str | None
    header: tuple[str, ...]


@dataclass(frozen=True)
class _Score:
    family: FamilySpec
    titles: int
    headers: int
    words: int
    matched: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.titles, self.headers, self.words)


Matcher = Callable[[str, str], "TableSpec | None"]  # (title, family id) -> spec


def choose_family(found: Sequence[Evidence], match: Matcher, reporter: Reporter) -> FamilyChoice:
    scores = sorted(
        (_score(family, found, match) for family in families()),
        key=lambda s: (s.key, s.family.default),
        reverse=True,
    )
    best = scores[0]
    runner = scores[1] if len(scores) > 1 else None
    if best.titles == 0:
        return FamilyChoice(family=default_family().id, score=0, tables=len(found))
    uncertain = (runner is not None and runner.titles == best.titles) or best.titles * 2 < len(found)
    choice = FamilyChoice(
        family=best.family.id,
        score=best.titles,
        tables=len(found),
        matched=list(best.matched),
        words=best.words,
        runner_up=runner.family.id if runner is not None and runner.titles else None,
        runner_up_score=runner.titles if runner is not None else 0,
        uncertain=uncertain,
    )
    if uncertain:
        reporter.add(
            "P117", None, family=choice.family, score=choice.score, tables=choice.tables, runner_up=choice.runner_up
        )
    return choice


def _score(family: FamilySpec, found: Sequence[Evidence], match: Matcher) -> _Score:
    titles = headers = words = 0
    matched: list[str] = []
    word_keys = [label_key(w) for w in family.words]
    header_keys = {label_key(w) for w in family.header_words}
    for table in found:
        if not table.title:
            continue
        if any(w and w in label_key(table.title) for w in word_keys):
            words += 1
        spec = match(table.title, family.id)
        if spec is None:
            continue
        titles += 1
        matched.append(f"{table.title} -> {spec.id}")
        leaves = {label_key(a) for c in _all_columns(spec) for a in (*c.aliases, c.leaf)} | header_keys
        headers += sum(1 for word in table.header if label_key(word) in leaves)
    return _Score(family, titles, headers, words, tuple(matched))


def _all_columns(spec: TableSpec) -> tuple[ColumnSpec, ...]:
    return spec.columns + spec.optional_columns + tuple(c for side in spec.sides for c in side.columns)
