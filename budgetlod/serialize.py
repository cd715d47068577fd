"""The documented JSON form of the model (``budgetlod parse --json``), and its human summary.

Decimals become strings exactly as printed (``"1487.40"``, never a JSON number:
JSON numbers lose trailing zeros and invite floats); dates become ISO strings;
tuples become lists.  Field order follows the dataclasses.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from typing import Any

from budgetlod.model import Disclosure, Table

JSON_FORMAT_VERSION = "1"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def disclosure_json(disclosure: Disclosure) -> str:
    body = {"format": f"budgetlod-parse/{JSON_FORMAT_VERSION}", **to_jsonable(disclosure)}
    return json.dumps(body, ensure_ascii=False, indent=1)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _counts(table: Table) -> tuple[int, int]:
    """What a table prints: its figures (the values not blank) and the rows holding at least one."""
    figures = [sum(1 for v in r.values.values() if v is not None) for r in table.rows]
    return sum(figures), sum(1 for n in figures if n)


def summary(d: Disclosure) -> str:
    """The human summary: metadata, tables with what they print (figures, the rows holding them, the template's
    blank rows apart) and totals, the rest in counts."""
    meta = d.meta
    counted = [_counts(t) for t in d.tables]
    lines = [
        f"{d.source.name}: {meta.unit or '?'} {meta.year or '?'} {meta.level or ''}{meta.phase or '?'}"
        + (f" (published {meta.published.isoformat()})" if meta.published else ""),
        f"  tables: {len(d.tables)} found, {sum(1 for t in d.tables if t.empty)} empty; "
        f"{_plural(sum(f for f, _ in counted), 'figure')} in {_plural(sum(r for _, r in counted), 'row')}",
    ]
    for table, (figures, rows) in zip(d.tables, counted, strict=True):
        total = next((r for r in table.rows if r.level == "total"), None)
        figure = ""
        if total is not None:
            first = next((v for v in total.values.values() if v is not None), None)
            figure = f"  {total.name} {first:,} {table.unit}" if first is not None else ""
        blank = len(table.rows) - rows
        state = (
            "empty" + (" (stated)" if table.empty_note else "")
            if table.empty
            else f"{_plural(figures, 'figure')} in {_plural(rows, 'row')}"
            + (f" ({_plural(blank, 'blank row')})" if blank else "")
        )
        lines.append(f"    {table.id or '??'} {table.title}: {state}{figure}")
    profile = d.profile
    staff = ", ".join(f"{s.category} {s.count}" for s in profile.staffing)
    lines += [
        f"  profile: {staff or 'no staffing figures'}",
        f"  narrative: {len(d.narratives)} statements, {len(d.projects)} project descriptions",
        f"  glossary: {len(d.glossary)} terms",
    ]
    if d.missing:
        lines.append(f"  missing: {', '.join(d.missing)}")
    counts = {s: sum(1 for f in d.findings if f.severity == s) for s in ("error", "warning", "info")}
    lines.append(f"  findings: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
    return "\n".join(lines)
