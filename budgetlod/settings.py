"""Every setting in one declarative table, with its default and help.

A setting is read from the environment as ``BUDGETLOD_<NAME>`` (upper case)
when set, else its default.  ``budgetlod settings`` prints the table;
``docs/settings.md`` documents it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: int | float | str
    help: str

    @property
    def env(self) -> str:
        return f"BUDGETLOD_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_iri",
        "https://w3id.org/budgetlod/id/",
        "Base of every data IRI (units, disclosures, tables, observations); must end with '/'. See docs/model.md.",
    ),
    Setting(
        "max_input_bytes",
        10 * 1024 * 1024,
        "Largest input file the parser reads; larger files are refused before reading (one disclosure is ~50 KB).",
    ),
)


def setting(name: str) -> int | float | str:
    for item in SETTINGS:
        if item.name == name:
            raw = os.environ.get(item.env)
            if raw is None:
                return item.default
            return type(item.default)(raw)
    raise KeyError(name)
