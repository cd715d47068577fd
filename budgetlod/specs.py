"""Typed view of the table mapping specs in ``mapping/tables/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from budgetlod import resources
from budgetlod.text import label_key


@dataclass(frozen=True)
class ColumnSpec:
    path: str
    aliases: tuple[str, ...]
    slug: str = ""  # the column's part of an observation IRI
    pins: tuple[tuple[str, str], ...] = ()  # dimension -> code this column fixes

    @property
    def leaf(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(self.path.split("/")[:-1])

    def matches_leaf(self, text: str) -> bool:
        return label_key(text) in _alias_keys(self)


@cache
def _alias_keys(column: ColumnSpec) -> frozenset[str]:
    return frozenset(label_key(a) for a in (*column.aliases, column.leaf))


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    parent: str | None = None
    total: bool = False
    aliases: tuple[str, ...] = ()

    def label_keys(self) -> frozenset[str]:
        return _row_keys(self)


@cache
def _row_keys(row: RowSpec) -> frozenset[str]:
    return frozenset(label_key(a) for a in (row.label, *row.aliases))


@dataclass(frozen=True)
class SideSpec:
    name: str  # income | expenditure
    headers: tuple[str, ...]
    label_headers: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...] = ()
    coded: str | None = None
    total_labels: tuple[str, ...] = ()
    operation: str = "expenditure"  # revenue | expenditure (obeu operation character)


@dataclass(frozen=True)
class TableSpec:
    id: str
    number: int
    kind: str  # two_sided | coded | items
    titles: tuple[str, ...]
    labels: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    optional_columns: tuple[ColumnSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    coded: str | None = None  # function | economic
    free_rows: bool = False
    total_labels: tuple[str, ...] = ("总计", "合计")
    sides: tuple[SideSpec, ...] = field(default_factory=tuple)
    operation: str = "expenditure"
    dimensions: tuple[str, ...] = ()  # table-specific dimensions, in DSD order
    fixed: tuple[tuple[str, str], ...] = ()  # dimension -> code for the whole table

    @property
    def title(self) -> str:
        return self.titles[0]

    def side(self, name: str) -> SideSpec:
        for side in self.sides:
            if side.name == name:
                return side
        raise KeyError(name)


def _columns(raw: Any) -> tuple[ColumnSpec, ...]:
    return tuple(
        ColumnSpec(
            path=c["path"],
            aliases=tuple(c.get("aliases", ())),
            slug=str(c.get("slug", "")),
            pins=tuple((str(k), str(v)) for k, v in (c.get("pins") or {}).items()),
        )
        for c in raw or ()
    )


def _rows(raw: Any) -> tuple[RowSpec, ...]:
    return tuple(
        RowSpec(
            key=r["key"],
            label=r["label"],
            parent=r.get("parent"),
            total=bool(r.get("total", False)),
            aliases=tuple(r.get("aliases", ())),
        )
        for r in raw or ()
    )


def _spec(data: dict[str, Any]) -> TableSpec:
    sides = tuple(
        SideSpec(
            name=name,
            headers=tuple(side.get("headers", ())),
            label_headers=tuple(side.get("label_headers", ())),
            columns=_columns(side.get("columns")),
            rows=_rows(side.get("rows")),
            coded=side.get("coded"),
            total_labels=tuple(side.get("total_labels", ())),
            operation=side.get("operation", "expenditure"),
        )
        for name, side in (data.get("sides") or {}).items()
    )
    return TableSpec(
        id=data["id"],
        number=int(data["number"]),
        kind=data["kind"],
        titles=tuple(data["titles"]),
        labels=tuple(data.get("labels", ())),
        columns=_columns(data.get("columns")),
        optional_columns=_columns(data.get("optional_columns")),
        rows=_rows(data.get("rows")),
        coded=data.get("coded"),
        free_rows=bool(data.get("free_rows", False)),
        total_labels=tuple(data.get("total_labels", ("总计", "合计"))),
        sides=sides,
        operation=data.get("operation", "expenditure"),
        dimensions=tuple(data.get("dimensions", ())),
        fixed=tuple((str(k), str(v)) for k, v in (data.get("fixed") or {}).items()),
    )


@cache
def table_specs() -> tuple[TableSpec, ...]:
    specs = []
    for path in resources.table_specs():
        data = resources.read_yaml(path)
        if not isinstance(data, dict):
            raise resources.ResourceError(f"{path}: a table spec must be a mapping")
        try:
            specs.append(_spec(data))
        except (KeyError, TypeError, ValueError) as exc:
            raise resources.ResourceError(f"{path}: invalid table spec ({exc!r})") from exc
    return tuple(sorted(specs, key=lambda s: s.number))


def spec(table_id: str) -> TableSpec:
    for candidate in table_specs():
        if candidate.id == table_id:
            return candidate
    raise KeyError(table_id)
