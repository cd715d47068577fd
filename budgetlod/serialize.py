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

from budgetlod.model import Disclosure

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


def summary(d: Disclosure) -> str:
    """The human summary: metadata, tables with row counts and totals, the rest in counts."""
    meta = d.meta
    lines = [
        f"{d.source.name}: {meta.unit or '?'} {meta.year or '?'} {meta.level or ''}{meta.phase or '?'}"
        + (f" (published {meta.published.isoformat()})" if meta.published else ""),
        f"  tables: {len(d.tables)} found, {sum(1 for t in d.tables if t.empty)} empty",
    ]
    for table in d.tables:
        total = next((r for r in table.rows if r.level == "total"), None)
        figure = ""
        if total is not None:
            first = next((v for v in total.values.values() if v is not None), None)
            figure = f"  {total.name} {first:,} {table.unit}" if first is not None else ""
        state = "empty" + (" (stated)" if table.empty_note else "") if table.empty else f"{len(table.rows)} rows"
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
