"""IRIs derived from content: the same document always gives the same IRIs.

Patterns (``{base}`` is the setting ``base_iri``; ``docs/model.md`` documents them):

* unit: ``{base}unit/{h(unit name)}`` — the same across the unit's years;
* disclosure (also its named graph): ``{base}disclosure/{h(unit)}/{year}/{level}-{phase}``
  with level ``unit``/``department`` and phase ``budget``/``final``;
* table (a ``qb:DataSet``): ``{disclosure}/{table id}`` (``…/t02``);
* observation: ``{table}/{row key}/{column slug}``; the row key is the code
  (``2010350``), ``total``, an itemised row's spec key, ``{code}/p-{h(project)}``
  for a project row, ``r-{h(name)}`` for a free-text row; two-sided tables prefix
  ``income/`` or ``expenditure/``; a repeated key gets ``~2``, ``~3`` in order;
* project: ``{base}project/{h(unit)}/{h(project name)}`` — the same across years;
* source file: ``{base}source/{sha256 of its bytes}``;
* other resources of a disclosure: ``{disclosure}/{kind}/{local}``.

``h(text)`` is the first 16 hex digits of the SHA-256 of the text after
normalisation (NFKC, white space removed), so spacing variants of a name agree.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from budgetlod.settings import setting

PHASES = {"预算": "budget", "决算": "final"}
LEVELS = {"单位": "unit", "部门": "department"}


def content_hash(text: str, length: int = 16) -> str:
    normal = "".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:length]


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")


def safe(local: str) -> str:
    """An IRI path segment: unreserved characters kept, anything else percent-encoded (as SPARQL's
    ENCODE_FOR_URI does)."""
    return local if _UNRESERVED.fullmatch(local) else quote(local, safe="-._~")


@dataclass(frozen=True)
class Minter:
    base: str

    @classmethod
    def from_settings(cls) -> Minter:
        base = str(setting("base_iri"))
        if not base.endswith("/"):
            raise ValueError(f"base_iri must end with '/': {base!r}")
        return cls(base)

    def unit(self, name: str) -> str:
        return f"{self.base}unit/{content_hash(name)}"

    def disclosure(self, unit: str, year: int, level: str, phase: str) -> str:
        kind = f"{LEVELS.get(level, safe(level))}-{PHASES.get(phase, safe(phase))}"
        return f"{self.base}disclosure/{content_hash(unit)}/{year}/{kind}"

    def project(self, unit: str, name: str) -> str:
        return f"{self.base}project/{content_hash(unit)}/{content_hash(name)}"

    def source(self, sha256: str) -> str:
        return f"{self.base}source/{sha256}"

    @staticmethod
    def table(disclosure: str, table_id: str) -> str:
        return f"{disclosure}/{table_id}"

    @staticmethod
    def observation(table: str, row_key: str, column_slug: str) -> str:
        return f"{table}/{row_key}/{column_slug}"

    @staticmethod
    def part(disclosure: str, kind: str, local: str) -> str:
        """Another resource of a disclosure: ``{disclosure}/{kind}/{local}``."""
        return f"{disclosure}/{kind}/{safe(local)}"
