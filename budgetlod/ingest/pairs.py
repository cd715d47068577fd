"""A 决算 against the 预算 of its unit and year in the store (check C34, finding X001), after an ingest.

A final-accounts disclosure prints the budget it was executed against (the 预算数 columns of its table 7,
财政拨款“三公”经费支出决算表); the same unit's budget disclosure of that year, when the store holds it, printed that
budget too (table 10 of the 预算). The named query ``final-budget-disagreements`` (queries/) lists the cells where
the two differ; after the files of a run are loaded, :func:`check_pairs` runs it once over the store (one
evaluation, not one per disclosure) and keeps the rows whose 决算 or 预算 the run wrote. Each disagreement is a
finding X001 (a Warning) of the file just loaded — of the 决算 when the run wrote both — naming both disclosures
(their files, as the manifest records them, else their IRIs), the cell, the two amounts as printed (with the unit
of their table) and the difference in 万元. A blank cell against a figure is a disagreement (the query counts the
blank as 0); blank against blank is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Variable

from budgetlod import resources
from budgetlod.findings import make_finding
from budgetlod.ingest.report import FileOutcome
from budgetlod.model import Finding
from budgetlod.store.base import GraphReader, Term, rows, text_of

QUERY = "final-budget-disagreements"
CODE = "X001"
WAN = Decimal(10000)  # yuan in a 万元
CENT = Decimal("0.01")

CELL = """PREFIX bl: <https://w3id.org/budgetlod/ontology#>
PREFIX qb: <http://purl.org/linked-data/cube#>
SELECT ?graph ?cell ?printed ?table ?row ?column ?unit WHERE {
  GRAPH ?graph {
    ?cell qb:dataSet ?dataset .
    OPTIONAL { ?cell bl:printedValue ?printed }
    OPTIONAL { ?cell bl:sourceTable ?table }
    OPTIONAL { ?cell bl:printedName ?row }
    OPTIONAL { ?cell bl:sourceColumn ?column }
    OPTIONAL { ?dataset bl:printedUnit ?unit }
  }
}"""

Row = dict[str, Term]


def _text(row: Row, name: str) -> str:
    term = row.get(name)
    return text_of(term) if term is not None else ""


def _amount(row: Row, name: str) -> Decimal | None:
    term = row.get(name)
    return Decimal(term.value) if isinstance(term, Literal) else None


def _cell(store: GraphReader, graph: str, cell: str | None) -> Row:
    """The printed value, table, row, column and unit of a cell (nothing for a blank cell, which has no IRI)."""
    if cell is None:
        return {}
    found = rows(
        store.query(CELL, substitutions={Variable("graph"): NamedNode(graph), Variable("cell"): NamedNode(cell)})
    )
    return found[0] if found else {}


def _printed(cell: Row, yuan: Decimal | None) -> str:
    """``4.00 万元`` as printed (with the unit of its table), or ``blank``."""
    if "printed" in cell:
        unit = _text(cell, "unit")
        return f"{_text(cell, 'printed')} {unit}".rstrip()
    if yuan is not None:  # an amount with no printed text: shown in 万元
        return f"{(yuan / WAN).quantize(CENT)} 万元"
    return "blank"


def _where(cell: Row) -> str:
    """``表7 财政拨款 合计/预算数``: the table, row and column of the cell, as printed."""
    return " ".join(p for p in (_text(cell, "table"), _text(cell, "row"), _text(cell, "column")) if p)


def all_disagreements(store: GraphReader) -> list[Row]:
    """Every row of the named query over the store: one evaluation, whatever the number of disclosures a run wrote
    (one per disclosure made a bulk ingest of 1,000 quadratic: minutes)."""
    return rows(store.query(resources.query(QUERY)))


def finding(store: GraphReader, row: Row, names: Mapping[str, str]) -> Finding:
    """The finding X001 of one row of the query; ``names``: graph -> the file that holds it."""
    final, budget = _text(row, "final"), _text(row, "budget")
    final_cell = _cell(store, final, _text(row, "finalCell") or None)
    budget_cell = _cell(store, budget, _text(row, "budgetCell") or None)
    difference = (_amount(row, "differenceYuan") or Decimal(0)) / WAN
    return make_finding(
        CODE,
        None,
        category=_text(row, "categoryName"),
        cell=_where(final_cell) or _text(row, "category"),
        printed=_printed(final_cell, _amount(row, "printedYuan")),
        budgeted=_printed(budget_cell, _amount(row, "budgetYuan")),
        budget_cell=_where(budget_cell) or "blank",
        difference=str(difference.quantize(CENT)),
        final=names.get(final, final),
        budget=names.get(budget, budget),
    )


def check_pairs(
    store: GraphReader,
    outcomes: Iterable[FileOutcome],
    names: Mapping[str, str],
    line: Callable[[str], None] | None = None,
) -> list[Finding]:
    """The findings X001 of the disclosures the run wrote (``outcomes`` loaded, not unchanged), each added to its
    outcome's ``findings`` and, with ``line``, printed as ``[WARNING] file: message (X001)``. A pair both of whose
    disclosures the run wrote is reported once, for the 决算. ``names``: graph -> the file recorded for it."""
    written = {o.graph: o for o in outcomes if o.graph and o.error is None and not o.unchanged}
    seen: set[tuple[str, str, str]] = set()
    out: list[Finding] = []
    if not written:
        return out
    for row in all_disagreements(store):
        final, budget, category = _text(row, "final"), _text(row, "budget"), _text(row, "category")
        owner = written.get(final) or written.get(budget)
        if owner is not None:
            if (final, budget, category) in seen:
                continue
            seen.add((final, budget, category))
            found = finding(store, row, {**names, **{g: str(o.path) for g, o in written.items()}})
            owner.findings.append(found)
            out.append(found)
            if line is not None:
                line(f"[{found.severity.upper()}] {owner.path}: {found.message} ({found.code})")
    return out
