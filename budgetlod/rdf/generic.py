"""Tables no template spec knows -> a generic Data Cube: one ``qb:Observation`` per printed figure, as printed.

A table whose title no spec of ``mapping/tables`` knows (``Table.id is None``: a 政府采购预算表, a 部门预算
table of a province's own template …) is still read with its printed headers; here each of its figures
becomes an observation of a ``bl:GenericTable`` located by its printed row and printed column.  The cells a
template table prints under columns its spec does not know (a 金额 column where the spec has 合计) go the
same way, into a generic table of their own linked to the template table by ``bl:unmappedPartOf``: no
printed figure is left out of the graph.

Every generic table has the one shared structure ``bldsd:generic``
(``https://w3id.org/budgetlod/ontology/dsd/generic``, in ``ontology/dsd.ttl``): the four common dimensions
(unit, fiscal year, budget phase, operation character), ``bl:genericRow`` and ``bl:genericColumn`` (the
row's and the column's slugs, below, as ``xsd:string``), the two measures (``obeu-measure:amount`` as
printed, ``bl:amountInYuan``) and the attributes of the template tables.  Its ``bl:tableType`` is
``blt:generic``, never one of ``blt:t01`` … ``blt:t11``, so that no query or rule of a template table
picks a generic figure up (generic figures often restate a template table's: summing both would count
them twice).  For the same reason a generic observation has no ``bl:sourceTable`` (the arithmetic rules
read only the cells of tables whose columns a spec defines) and names its project by ``bl:printedProject``,
not by the ``bl:project`` dimension.

The operation character is the row's side (income -> revenue), else ``revenue`` for a table whose title
speaks of 收入 and not of 支出, else ``expenditure``.

IRIs (``h(text)`` is :func:`~budgetlod.rdf.iris.content_hash`):

* table: ``{disclosure}/g-{h(printed title)}``; the n-th table of a disclosure with that title gets
  ``~n`` (``…/g-1f2e3d4c5b6a7980~2``), in document order;
* observation: ``{table}/{row slug}/{column slug}`` with row slug ``r{index}-{h8(label)}`` (prefixed
  ``income/`` or ``expenditure/`` for a row of a two-sided table; the label is the printed name, after its
  project's when it has one; a repeated slug gets ``~2``, ``~3``) and column slug ``c-{h8(column path)}``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod.model import Column, Row, Table
from budgetlod.prefixes import iri
from budgetlod.rdf import components as c
from budgetlod.rdf.context import Context
from budgetlod.rdf.iris import content_hash
from budgetlod.rdf.terms import RDF_TYPE, decimal, integer, n, zh

GENERIC = "generic"  # the DSD's local name (bldsd:generic) and the table type's code (blt:generic)
GENERIC_ROW = iri("bl:genericRow")
GENERIC_COLUMN = iri("bl:genericColumn")
GENERIC_DIMENSIONS = (GENERIC_ROW, GENERIC_COLUMN)


@dataclass(frozen=True)
class Cell:
    """One printed cell left to the generic mapping: its row and its column's path."""

    row: Row
    path: str


def table_slug(ctx: Context, title: str) -> str:
    """``g-{h(title)}``, with ``~n`` for the n-th generic table of the disclosure with that title."""
    slug = f"g-{content_hash(title)}"
    ctx.generic_titles[slug] += 1
    count = ctx.generic_titles[slug]
    return slug if count == 1 else f"{slug}~{count}"


def row_label(row: Row) -> str:
    return f"{row.project} / {row.name}" if row.project and row.name else row.project or row.name


def row_slug(row: Row) -> str:
    slug = f"r{row.index}-{content_hash(row_label(row), 8)}"
    return f"{row.side}/{slug}" if row.side else slug


def column_slug(path: str) -> str:
    return f"c-{content_hash(path, 8)}"


def all_cells(table: Table) -> list[Cell]:
    """Every cell of a table, printed or blank, in row and column order."""
    return [Cell(row, path) for row in table.rows for path in row.values]


def operation(table: Table, row: Row) -> str:
    if row.side is not None:
        return "revenue" if row.side == "income" else "expenditure"
    return "revenue" if "收入" in table.title and "支出" not in table.title else "expenditure"


def generic_quads(
    ctx: Context, table: Table, dataset: NamedNode, cells: list[Cell], of: NamedNode | None = None
) -> Iterator[Quad]:
    """The generic data set's own quads (its structure, title, unit … come from the caller) and an observation per
    printed figure of ``cells`` (a blank cell: none; an unreadable one: a ``bl:UnreadableCell``)."""
    g = ctx.graph
    yield Quad(dataset, RDF_TYPE, n("bl:GenericTable"), g)
    if of is not None:
        yield Quad(dataset, n("bl:unmappedPartOf"), of, g)
    columns = _columns(table)
    keys: Counter[str] = Counter()
    slugs: dict[int, str] = {}
    for cell in cells:
        row = cell.row
        if id(row) not in slugs:
            key = row_slug(row)
            keys[key] += 1
            slugs[id(row)] = key if keys[key] == 1 else f"{key}~{keys[key]}"
        column = columns(row, cell.path)
        if cell.path in row.invalid:
            yield from _unreadable(ctx, dataset, row, slugs[id(row)], column, row.invalid[cell.path])
            continue
        value = row.values.get(cell.path)
        if value is not None:
            yield from _observation(ctx, table, dataset, row, slugs[id(row)], column, value)


def count_figures(cells: list[Cell]) -> int:
    return sum(1 for cell in cells if cell.row.values.get(cell.path) is not None and cell.path not in cell.row.invalid)


def _columns(table: Table) -> Callable[[Row, str], Column]:
    """The printed column of a row's value: the one of that path on the row's side, else on no side."""
    by_key = {(col.path, col.side): col for col in table.columns}

    def find(row: Row, path: str) -> Column:
        found = by_key.get((path, row.side)) or by_key.get((path, None))
        if found is None:
            found = next((col for (p, _), col in by_key.items() if p == path), None)
        return found or Column(path=path, printed=path, number=None, side=row.side, known=False)

    return find


def _observation(
    ctx: Context, table: Table, dataset: NamedNode, row: Row, row_key: str, column: Column, value: Decimal
) -> Iterator[Quad]:
    g = ctx.graph
    col_slug = column_slug(column.path)
    obs = NamedNode(ctx.minter.observation(dataset.value, row_key, col_slug))
    yield from (
        Quad(obs, RDF_TYPE, n("qb:Observation"), g),
        Quad(obs, n("qb:dataSet"), dataset, g),
        Quad(obs, NamedNode(c.ORGANIZATION), ctx.unit, g),
        Quad(obs, NamedNode(c.FISCAL_YEAR), NamedNode(c.year_iri(ctx.year)), g),
        Quad(obs, NamedNode(c.BUDGET_PHASE), NamedNode(c.PHASE_CODES[ctx.phase]), g),
        Quad(obs, NamedNode(c.OPERATION), NamedNode(c.OPERATION_CODES[operation(table, row)]), g),
        Quad(obs, NamedNode(GENERIC_ROW), Literal(row_key), g),
        Quad(obs, NamedNode(GENERIC_COLUMN), Literal(col_slug), g),
        Quad(obs, NamedNode(c.AMOUNT), decimal(value), g),
        Quad(obs, NamedNode(c.AMOUNT_YUAN), decimal(value * table.multiplier), g),
        Quad(obs, NamedNode(c.LEVEL), NamedNode(c.level_code(row.level)), g),
        Quad(obs, n("bl:sourceRow"), integer(row.index), g),
        Quad(obs, n("bl:sourceColumn"), zh(column.path), g),
        Quad(obs, n("bl:printedColumn"), zh(column.printed or column.path), g),
        Quad(obs, n("bl:sourceLine"), integer(row.line), g),
        Quad(obs, n("bl:printedName"), zh(row.name), g),
        Quad(obs, n("bl:printedValue"), Literal(format(value, "f")), g),
    )
    yield from ctx.place(obs, row.line)
    yield from _row_extras(ctx, obs, row)


def _unreadable(
    ctx: Context, dataset: NamedNode, row: Row, row_key: str, column: Column, text: str
) -> Iterator[Quad]:
    g = ctx.graph
    cell = NamedNode(ctx.minter.observation(dataset.value, row_key, column_slug(column.path)))
    yield from (
        Quad(cell, RDF_TYPE, n("bl:UnreadableCell"), g),
        Quad(cell, n("bl:cellOf"), dataset, g),
        Quad(cell, n("bl:printedValue"), Literal(text), g),
        Quad(cell, n("bl:printedName"), zh(row.name), g),
        Quad(cell, n("bl:sourceRow"), integer(row.index), g),
        Quad(cell, n("bl:sourceColumn"), zh(column.path), g),
        Quad(cell, n("bl:printedColumn"), zh(column.printed or column.path), g),
        Quad(cell, n("bl:sourceLine"), integer(row.line), g),
    )
    yield from ctx.place(cell, row.line)
    yield from _row_extras(ctx, cell, row)


def _row_extras(ctx: Context, subject: NamedNode, row: Row) -> Iterator[Quad]:
    g = ctx.graph
    if row.codes:
        yield Quad(subject, n("bl:printedCode"), Literal(row.code), g)
    if row.side:
        yield Quad(subject, n("bl:tableSide"), Literal(row.side), g)
    if row.project:
        yield Quad(subject, n("bl:printedProject"), zh(row.project), g)
