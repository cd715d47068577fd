"""The rows of a 政府采购预算表 (the Jiangsu 公开表十二, spec ``j12``) as places in its printed hierarchy.

The table prints, under one amount column (总计)::

    合计                                        1,422.50   the total
    一、货物A                                       84.00   a category row (采购品目大类)
      机要及电子政务业务费  办公设备购置              30.00   a 专项 row: 专项名称, 经济科目 (the sum of its items)
                            PC服务器  分散自行组织     3.00   an item row: 采购物品名称, 采购组织形式
      …
                            培训费                    25.00   the 专项's second 经济科目: 专项名称 blank

The parser reads each row's 专项名称 as ``Row.project`` and the last label printed (经济科目 or 采购物品名称) as
``Row.name``; the category row's enumeration (一、) is stripped. Here the rows are placed:

* the total (``level == "total"``): category, project, economic class and item all ``_T``;
* a category row (货物A / 工程B / 服务C, the top level of the 政府采购品目分类目录): its category (A, B, C), the
  rest ``_T``; it ends the 专项 above it;
* a 专项 row: a row whose name is a name of the economic code list (会议费 30215, 办公设备购置 31002 …), or that
  prints a 专项 other than the one above. Its 专项 is the printed one, else the one above (a 专项's second 经济科目
  prints no 专项名称: party-office-2019 培训费); its economic class the code of that name (a name two classes
  share — 办公设备购置, 30902 基本建设 and 31002 资本性支出 — takes the higher code: a department's own budget
  buys under 310), ``_Z`` for a name the code list lacks; its item ``_T``;
* any other row is an item (采购物品): the category, 专项 and economic class above it carried down, the item a
  concept of the ``procurement-item`` scheme minted from its printed name (``…/procurement-item/i-{h(name)}``,
  with the name as its ``skos:prefLabel``: the PDFs print no 采购品目 code). A row printing its 专项 beside an item
  (the party-office-2017 table, split across pages, repeats the 专项 on one item line) keeps that 专项.

Aggregation levels: total ``total``, category ``class`` (类), 专项 row ``project``, item ``entry``. Row keys (part
of the observation IRI): ``total``; ``A``; ``A/p-{h8(专项)}/{economic}``; ``A/p-{h8(专项)}/{economic}/i-{h8(item)}``.
The 采购组织形式 column is no part of a row's label and is not mapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from pyoxigraph import NamedNode, Quad

from budgetlod.model import Level, Row
from budgetlod.rdf import components as c
from budgetlod.rdf.context import Context
from budgetlod.rdf.iris import content_hash
from budgetlod.rdf.terms import RDF_TYPE, n, zh
from budgetlod.specs import code_names
from budgetlod.text import label_key

CATEGORY = "procurement"
ITEM = "procurement_item"
_CATEGORY = re.compile(r"^(货物|工程|服务)([ABC]?)$")
_CODES = {"货物": "A", "工程": "B", "服务": "C"}


@dataclass(frozen=True)
class Place:
    """Where a row of the table stands: its level and the codes of its dimensions."""

    level: Level  # total | 类 (a category row) | project (a 专项's 经济科目) | item (a 采购物品)
    category: str  # _T | A | B | C | _Z (a row before any category row)
    project: str | None  # the 专项's printed name, carried down to its rows
    economic: str  # an economic code, _T, or _Z (a 经济科目 the code list lacks)
    item: str | None = None  # the printed 采购物品名称 of an item row


@cache
def economic_names() -> dict[str, str]:
    """The economic code list's names (prefLabel and altLabel, zh) by their key -> the code; a name several codes
    share gets the longest, then the highest."""
    found: dict[str, str] = {}
    for code, names in code_names("economic", alternative=True):
        if not code.isdigit():
            continue
        for name in names:
            key = label_key(name)
            if key not in found or (len(code), code) > (len(found[key]), found[key]):
                found[key] = code
    return found


def category_code(name: str) -> str | None:
    """A for 货物A (一、货物 A), B for 工程B, C for 服务C; None for any other label."""
    match = _CATEGORY.match(label_key(name))
    return _CODES[match.group(1)] if match else None


def places(rows: list[Row]) -> list[Place]:
    """Each row's place, in order: the category and the 专项 carried down (module docstring)."""
    names = economic_names()
    category, project, economic = c.NOT_APPLICABLE, None, c.NOT_APPLICABLE
    found: list[Place] = []
    for row in rows:
        code = category_code(row.name) if not row.project else None
        key = label_key(row.name)
        if row.level == "total":
            found.append(Place("total", c.TOTAL, None, c.TOTAL))
        elif code is not None:
            category, project, economic = code, None, c.NOT_APPLICABLE
            found.append(Place("类", code, None, c.TOTAL))
        elif key in names or (row.project and row.project != project):
            project, economic = row.project or project, names.get(key, c.NOT_APPLICABLE)
            found.append(Place("project", category, project, economic))
        else:
            project = row.project or project
            found.append(Place("item", category, project, economic, row.name))
    return found


def placed(row: Row, place: Place) -> Row:
    """The row as mapped: its level, and its 专项 carried down."""
    return replace(row, level=place.level, project=place.project)


def item_iri(name: str) -> str:
    return c.DIMENSIONS[ITEM].code(f"i-{content_hash(name)}")


def dimensions(ctx: Context, place: Place) -> tuple[str, dict[str, str]]:
    """(row key for the IRI, dimension key -> concept/resource IRI) of a placed row."""
    if place.level == "total":
        codes = {CATEGORY: c.TOTAL, "project": c.TOTAL, "economic": c.TOTAL, ITEM: c.TOTAL}
        return "total", {key: c.DIMENSIONS[key].code(code) for key, code in codes.items()}
    dims = {CATEGORY: c.DIMENSIONS[CATEGORY].code(place.category)}
    parts = [place.category]
    if place.level == "类":
        dims.update({key: c.DIMENSIONS[key].code(c.TOTAL) for key in ("project", "economic", ITEM)})
        return place.category, dims
    if place.project:
        dims["project"] = ctx.minter.project(ctx.unit_name, place.project)
        parts.append(f"p-{content_hash(place.project, 8)}")
    else:
        dims["project"] = c.DIMENSIONS["project"].code(c.NOT_APPLICABLE)
    dims["economic"] = c.DIMENSIONS["economic"].code(place.economic)
    parts.append(place.economic)
    if place.item is None:
        dims[ITEM] = c.DIMENSIONS[ITEM].code(c.TOTAL)
    else:
        dims[ITEM] = item_iri(place.item)
        parts.append(f"i-{content_hash(place.item, 8)}")
    return "/".join(parts), dims


def item_concept(ctx: Context, place: Place, seen: set[str]) -> Iterator[Quad]:
    """An item row's 采购物品 as a concept of the procurement-item scheme, once per graph, with its printed name."""
    if place.item is None:
        return
    concept = item_iri(place.item)
    if concept in seen:
        return
    seen.add(concept)
    node, g = NamedNode(concept), ctx.graph
    yield Quad(node, RDF_TYPE, n("skos:Concept"), g)
    yield Quad(node, n("skos:inScheme"), NamedNode(c.DIMENSIONS[ITEM].scheme), g)
    yield Quad(node, n("skos:prefLabel"), zh(place.item), g)
