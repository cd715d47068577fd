"""The columns of the named queries' answers, for people: a label per language and what each holds.

The labels are data (``queries/columns.yaml``: variable → ``zh``, ``en``, ``kind``); a query's header may override
one (``#+ columns: {variable: {zh: …, en: …}}``). The kind says how a page shows a value the way the documents
print it (:func:`shown`): amounts in 万元 with thousands separators and two decimals (the query returns exact yuan;
CSV and JSON keep them), percentages with ``%``, counts with separators, a fiscal year as ``2024`` (whether the
query returns the year's IRI or the integer). A variable without an entry is shown as it is, headed by its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml

from budgetlod import resources

KINDS = ("yuan", "percent", "count", "year", "iri", "text")
YEAR_NAMESPACE = "http://reference.data.gov.uk/id/year/"
TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    en: str
    kind: str = "text"

    def label(self, lang: str) -> str:
        """The heading in ``lang`` (``zh`` or ``en``); an amount's heading says its unit (万元)."""
        text = self.zh if lang == "zh" else self.en
        if self.kind == "yuan":
            return f"{text}（万元）" if lang == "zh" else f"{text} (10k yuan)"
        return text


class ColumnError(ValueError):
    """``queries/columns.yaml`` (or a query's ``columns`` header) is malformed."""


def _column(name: str, entry: Any, where: str) -> Column:
    if not isinstance(entry, dict) or not isinstance(entry.get("zh"), str) or not isinstance(entry.get("en"), str):
        raise ColumnError(f"{where}: column {name} needs zh and en labels")
    kind = entry.get("kind", "text")
    if kind not in KINDS:
        raise ColumnError(f"{where}: column {name} has kind {kind!r}; expected one of {', '.join(KINDS)}")
    return Column(name, entry["zh"], entry["en"], kind)


@cache
def glossary() -> dict[str, Column]:
    """Every column of ``queries/columns.yaml``."""
    path = resources.folder("queries") / "columns.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ColumnError(f"{path}: expected a mapping of variable names")
    return {str(name): _column(str(name), entry, str(path)) for name, entry in data.items()}


def column(name: str, header: dict[str, Any] | None = None) -> Column:
    """The column ``name`` of a query whose header is ``header`` (its ``columns`` override the glossary)."""
    base = glossary().get(name) or Column(name, name, name)
    override = ((header or {}).get("columns") or {}).get(name)
    if isinstance(override, dict):
        return Column(
            name,
            str(override.get("zh", base.zh)),
            str(override.get("en", base.en)),
            str(override.get("kind", base.kind)),
        )
    return base


def year_of(value: str) -> int | None:
    """2024 for ``http://reference.data.gov.uk/id/year/2024`` or ``2024``; None otherwise."""
    text = value[len(YEAR_NAMESPACE) :] if value.startswith(YEAR_NAMESPACE) else value
    return int(text) if text.isdigit() and len(text) == 4 else None


def grouped(number: Decimal, places: int) -> str:
    """``number`` with thousands separators and ``places`` decimals (half up, as the documents round)."""
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def shown(kind: str, value: str) -> str:
    """A value's lexical form as a page shows a column of ``kind``."""
    if kind == "year":
        year = year_of(value)
        return str(year) if year is not None else value
    if kind in ("yuan", "percent", "count"):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if not number.is_finite():
            return value
        if kind == "yuan":
            return grouped(number / TEN_THOUSAND, 2)
        if kind == "percent":
            return f"{grouped(number, 2)}%"
        return grouped(number, 0) if number == number.to_integral_value() else grouped(number, 2)
    return value
