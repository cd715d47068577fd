"""The README's Layout table lists the tree as it is: every folder of the project, every part of the package."""

from __future__ import annotations

import re

from paths import ROOT

PACKAGE = ROOT / "budgetlod"
NOT_LISTED = {"__init__.py", "__main__.py", "reference.py"}  # the package itself, `python -m`, the docs generator


def layout() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, flags=re.MULTILINE)
    return dict(rows)


def test_every_folder_of_the_project_has_a_row() -> None:
    folders = {f"{p.name}/" for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    folders -= {"build/", "dist/"}
    assert folders - set(layout()) == set()
    assert {row for row in layout() if row.endswith("/")} - folders == set()


def test_every_part_of_the_package_is_named_in_its_row() -> None:
    row = layout()["budgetlod/"]
    parts = {f"`{p.name}/`" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {f"`{p.name}`" for p in PACKAGE.glob("*.py") if p.name not in NOT_LISTED}
    assert sorted(part for part in parts if part not in row) == []
