"""The named queries of ``queries/`` and their grlc-style headers (minimal reading).

A query file starts with ``#+ `` lines holding YAML, as grlc reads them::

    #+ summary: 每个公开文件：单位、年度、标题 / Every disclosure: unit, year, title
    #+ description: >-
    #+   ...

Only ``summary`` and ``description`` are used here (the query page lists the examples); any other
key is kept as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from budgetlod import resources


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    summary: str = ""
    description: str = ""
    header: dict[str, Any] = field(default_factory=dict)


def read_header(text: str) -> dict[str, Any]:
    """The YAML of the ``#+`` lines before the query (an empty dict when there are none or they do not parse)."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            rest = stripped[2:]
            lines.append(rest[1:] if rest.startswith(" ") else rest)
        elif stripped and not stripped.startswith("#"):
            break  # the header ends where the query begins
    if not lines:
        return {}
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError:
        # not YAML (e.g. an unquoted ": " in a summary): read "key: value" lines as they are
        simple = (line.partition(":") for line in lines if line and not line[0].isspace())
        return {key.strip(): value.strip() for key, sep, value in simple if sep}
    return header if isinstance(header, dict) else {}


def named_query(name: str) -> NamedQuery:
    text = resources.query(name)
    header = read_header(text)
    return NamedQuery(
        name=name,
        text=text,
        summary=str(header.get("summary") or "").strip(),
        description=str(header.get("description") or "").strip(),
        header=header,
    )


def named_queries() -> list[NamedQuery]:
    return [named_query(name) for name in resources.queries()]
