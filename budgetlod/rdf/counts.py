"""Count rows of a money table -> ``bl:CountFigure``: a number of things, never an amount in yuan.

The older national 三公 table (``mapping/tables/n07.yaml``) prints, under the same 预算数 column as its
amounts, rows that count: 因公出国（境）团组数（个）, 公务用车保有量（辆）, 国内公务接待批次 …  A spec row with
``count: <unit>`` is such a row. Each of its printed figures becomes ``{table}/{row key}/{column slug}`` typed
``bl:CountFigure`` with ``bl:itemCount`` (``xsd:integer``), ``bl:countUnit``, ``bl:countOf`` its table and its
place: not a ``qb:Observation``, so that no sum, rule or query of amounts ever reads it. A printed count that is
no whole number is a ``bl:UnreadableCell``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod.model import Row
from budgetlod.rdf.context import Context
from budgetlod.rdf.terms import RDF_TYPE, integer, n, zh
from budgetlod.specs import ColumnSpec, TableSpec


def count_unit(table_spec: TableSpec, row: Row) -> str | None:
    """The unit of a count row (its spec row's ``count``); None for a row of amounts."""
    if row.key is None:
        return None
    found = next((r for r in table_spec.rows if r.key == row.key), None)
    return found.count or None if found is not None else None


def count_quads(
    ctx: Context,
    table_spec: TableSpec,
    dataset: NamedNode,
    row: Row,
    unit: str,
    columns: dict[str, ColumnSpec],
) -> Iterator[Quad]:
    g = ctx.graph
    for path, value in row.values.items():
        column = columns.get(path)
        if column is None or (value is None and path not in row.invalid):
            continue
        node = NamedNode(ctx.minter.observation(dataset.value, str(row.key), column.slug))
        whole = value is not None and value == value.to_integral_value()
        yield Quad(node, RDF_TYPE, n("bl:CountFigure" if whole else "bl:UnreadableCell"), g)
        yield Quad(node, n("bl:countOf" if whole else "bl:cellOf"), dataset, g)
        if whole:
            assert value is not None
            yield Quad(node, n("bl:itemCount"), integer(int(value)), g)
            yield Quad(node, n("bl:countUnit"), zh(unit), g)
        yield from (
            Quad(node, n("bl:printedValue"), Literal(row.invalid.get(path) or _printed(value)), g),
            Quad(node, n("bl:printedName"), zh(row.name), g),
            Quad(node, n("bl:sourceTable"), zh(f"表{table_spec.number}"), g),
            Quad(node, n("bl:sourceRow"), integer(row.index), g),
            Quad(node, n("bl:sourceColumn"), zh(column.path), g),
            Quad(node, n("bl:sourceLine"), integer(row.line), g),
            Quad(node, n("bl:rowKey"), Literal(str(row.key)), g),
        )
        yield from ctx.place(node, row.line)


def _printed(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")
