"""Tables -> RDF Data Cube: one ``qb:DataSet`` per table, one ``qb:Observation`` per printed figure.

A blank cell gives no observation; ``0.00`` gives one.  Each observation carries
every dimension of its table's DSD (``ontology/dsd.ttl``): the common ones
(unit, fiscal year, budget phase, operation character), the row's code (or
``_T`` for a total row, ``_Z`` where the dimension does not apply) and the codes
its column pins (``mapping/tables/*.yaml``).  It has two measures — the figure as
printed (``obeu-measure:amount``, in the table's unit, with ``sdmx-attribute:unitMult``
on the data set) and the same figure in yuan (``bl:amountInYuan``) so that a
sum across units printed in 元 and in 万元 is right — and its source locator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod import resources
from budgetlod.findings import Reporter, make_finding
from budgetlod.model import Disclosure, Finding, Row, Table
from budgetlod.prefixes import iri
from budgetlod.rdf import components as c
from budgetlod.rdf import counts, generic, procurement
from budgetlod.rdf.context import Context
from budgetlod.rdf.dsd import table_dimensions
from budgetlod.rdf.iris import content_hash, safe
from budgetlod.rdf.terms import RDF_TYPE, XSD_BOOLEAN, boolean, decimal, integer, n, zh
from budgetlod.specs import ColumnSpec, NamedRow, TableSpec, spec
from budgetlod.text import label_key

UNIT_POWERS = {"元": 0, "千元": 3, "万元": 4, "百万元": 6, "亿元": 8}
LEAF = iri("bl:leaf")
TRUE, FALSE = boolean(True), boolean(False)


@cache
def known_labels() -> dict[str, str]:
    """Concept IRI -> its zh prefLabel, from the static code lists (to add printed variants as altLabel)."""
    from pyoxigraph import RdfFormat, parse

    labels: dict[str, str] = {}
    pref = iri("skos:prefLabel")
    folder = resources.folder("ontology") / "codelists"
    for path in sorted(folder.glob("*.ttl")) if folder.is_dir() else []:
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            obj = triple.object
            if triple.predicate.value == pref and isinstance(obj, Literal) and obj.language == "zh":
                labels[triple.subject.value] = obj.value
    return labels


def name_findings(disclosure: Disclosure, limit: int | None = None) -> list[Finding]:
    """Printed names of codes that differ from the code lists (M001), and codes the lists lack (M002); tables
    (M003) and columns (M004) mapped generically; past ``limit`` (default: the setting max_findings) only
    counted (P007)."""
    reporter = Reporter() if limit is None else Reporter(limit=limit)
    labels = known_labels()
    seen: set[str] = set()
    for table in disclosure.tables:
        _generic_findings(disclosure, table, reporter)
        if table.id is None:
            continue
        table_spec = spec(table.id)
        for row in table.rows:
            coded = table_spec.side(row.side).coded if row.side else table_spec.coded
            if not coded or not row.codes or row.code in seen:
                continue
            seen.add(row.code)
            dim = c.DIMENSIONS[coded]
            label = labels.get(dim.code(row.code))
            where = f"表{table_spec.number}"
            if label is None:
                reporter.add("M002", row.line, table=where, classification=row.code, scheme=coded, printed=row.name)
            elif row.name and label != row.name:
                reporter.add("M001", row.line, table=where, classification=row.code, printed=row.name, label=label)
    return reporter.sorted()


def _generic_findings(disclosure: Disclosure, table: Table, reporter: Reporter) -> None:
    """M003 for a table no spec knows, M004 for a known table's columns its spec lacks (with the table's place)."""
    if table.id is None:
        figures = generic.count_figures(generic.all_cells(table))
        name = f"表{table.printed_number} {table.title}" if table.printed_number else table.title
        finding = make_finding("M003", table.line, table=name, figures=figures)
    else:
        cells = unmapped_cells(table)
        if not cells:
            return
        columns = ", ".join(dict.fromkeys(cell.path for cell in cells))
        where = f"表{spec(table.id).number}"
        finding = make_finding("M004", table.line, table=where, figures=generic.count_figures(cells), columns=columns)
    reporter.keep(replace(finding, where=disclosure.place(table.line)))


def table_quads(ctx: Context, table: Table) -> Iterator[Quad]:
    """The data set of one table and its observations: a table no spec knows, and the cells a known table
    prints under columns its spec does not know, are mapped generically (:mod:`budgetlod.rdf.generic`)."""
    if table.id is None:
        dataset = NamedNode(ctx.minter.table(ctx.disclosure.value, generic.table_slug(ctx, table.title)))
        yield from _dataset(ctx, table, dataset, generic.GENERIC)
        yield from generic.generic_quads(ctx, table, dataset, generic.all_cells(table))
        return
    table_spec = spec(table.id)
    dataset = NamedNode(ctx.minter.table(ctx.disclosure.value, table.id))
    yield from _dataset(ctx, table, dataset, table.id)
    yield from _cells(ctx, table, table_spec, dataset)
    unmapped = unmapped_cells(table)
    if unmapped:
        part = NamedNode(ctx.minter.table(ctx.disclosure.value, generic.table_slug(ctx, table.title)))
        yield from _dataset(ctx, table, part, generic.GENERIC)
        yield from generic.generic_quads(ctx, table, part, unmapped, of=dataset)


def unmapped_cells(table: Table) -> list[generic.Cell]:
    """The printed cells (a figure, or text not readable as one) of a known table under columns its spec does
    not know (for the row's side): none for a table no spec knows (all its cells are mapped generically)."""
    if table.id is None:
        return []
    table_spec = spec(table.id)
    cells = []
    for row in table.rows:
        columns = {} if _uncoded(table_spec, row) else _columns(table_spec, row)
        printed = [path for path, value in row.values.items() if value is not None or path in row.invalid]
        cells += [generic.Cell(row, path) for path in printed if path not in columns]
    return cells


def _dataset(ctx: Context, table: Table, dataset: NamedNode, table_type: str) -> Iterator[Quad]:
    """What every data set says of its table: type and structure (``table_type``: a spec's id or
    ``generic``), title, unit, place."""
    g = ctx.graph
    yield from (
        Quad(dataset, RDF_TYPE, n("qb:DataSet"), g),
        Quad(dataset, RDF_TYPE, n("bl:Table"), g),
        Quad(dataset, n("qb:structure"), NamedNode(c.dsd_iri(table_type)), g),
        Quad(dataset, n("bl:tableType"), n(f"blt:{table_type}"), g),
        Quad(dataset, n("bl:disclosure"), ctx.disclosure, g),
        Quad(ctx.disclosure, n("bl:table"), dataset, g),
        Quad(dataset, n("rdfs:label"), zh(table.title), g),
        Quad(dataset, n("bl:printedTitle"), zh(table.title), g),
        Quad(dataset, n("bl:printedUnit"), zh(table.unit), g),
        Quad(dataset, n("bl:sourceLine"), integer(table.line), g),
        Quad(dataset, NamedNode(c.UNIT_MULT), integer(UNIT_POWERS[table.unit]), g),
        Quad(dataset, NamedNode(c.CURRENCY), NamedNode(c.CNY), g),
        Quad(dataset, n("bl:emptyTable"), Literal("true" if table.empty else "false", datatype=XSD_BOOLEAN), g),
    )
    yield from ctx.place(dataset, table.line)
    if table.printed_number:
        yield Quad(dataset, n("bl:printedNumber"), Literal(table.printed_number), g)
    if table.empty_note:
        yield Quad(dataset, n("bl:emptyNote"), zh(table.empty_note), g)


def _cells(ctx: Context, table: Table, table_spec: TableSpec, dataset: NamedNode) -> Iterator[Quad]:
    keys: Counter[str] = Counter()
    codes_seen: set[str] = set()
    placed = procurement.CATEGORY in table_dimensions(table_spec)  # 政府采购预算表: rows placed in its hierarchy
    places = procurement.places(table.rows) if placed else []
    finer = {} if placed else _finer_codes(table_spec, table)
    for index, row in enumerate(table.rows):
        if _uncoded(table_spec, row):
            continue  # mapped generically (unmapped_cells)
        unit = counts.count_unit(table_spec, row)
        if unit is not None:  # 公务用车保有量（辆）: a count, never an amount
            yield from counts.count_quads(ctx, table_spec, dataset, row, unit, _columns(table_spec, row))
            continue
        if placed:
            row = procurement.placed(row, places[index])
            row_key, dims = procurement.dimensions(ctx, places[index])
            yield from procurement.item_concept(ctx, places[index], codes_seen)
        else:
            row_key, dims = _row_dimensions(ctx, table_spec, row)
        keys[row_key] += 1
        if keys[row_key] > 1:
            row_key = f"{row_key}~{keys[row_key]}"
        columns = _columns(table_spec, row)
        leaves = not placed and _leaf_row(table_spec, row)
        for path, value in row.values.items():
            column = columns.get(path)
            if column is None:
                continue
            if path in row.invalid:
                yield from _unreadable(ctx, table_spec, dataset, row, row_key, column, row.invalid[path])
            elif value is not None:
                leaf = row.code not in finer.get(path, ()) if leaves else None
                yield from _observation(ctx, table, table_spec, dataset, row, row_key, dims, column, value, leaf)
        yield from _row_concepts(ctx, table_spec, row, dims, codes_seen)


def _leaf_row(table_spec: TableSpec, row: Row) -> bool:
    """A row whose figures get ``bl:leaf``: it prints a code of the table's (or side's) coded classification —
    not a total, not a named row such as 人员经费合计."""
    coded = table_spec.side(row.side).coded if row.side else table_spec.coded
    return bool(coded) and bool(row.code) and row.level != "total" and _named(table_spec, row) is None


def _finer_codes(table_spec: TableSpec, table: Table) -> dict[str, set[str]]:
    """Column path -> the codes that have a finer code printed with a figure in that column: every
    proper prefix of a coded row's code (政府收支分类科目 and 部门预算支出经济分类 codes begin with their parent's: 201
    → 20103 → 2010350). A figure whose code is not in the set is a leaf (``bl:leaf true``): summing the leaves
    of a column never counts a figure twice, even where a document leaves a 款 row out. By column, not by side
    (blsh:LeafFlagAgreesWithCodes checks the same): the sides of a table that code their rows code different
    classifications, whose codes never begin with one another's (收入 1…, 功能 2…, 经济 3… and 5…)."""
    finer: dict[str, set[str]] = {}
    for row in table.rows:  # the rows and cells that give observations (as _cells does)
        if not _leaf_row(table_spec, row) or counts.count_unit(table_spec, row) is not None:
            continue
        code = row.code
        prefixes = [code[:k] for k in range(1, len(code))]
        columns = _columns(table_spec, row)
        for path, value in row.values.items():
            if value is not None and path not in row.invalid and path in columns:
                finer.setdefault(path, set()).update(prefixes)
    return finer


def _uncoded(table_spec: TableSpec, row: Row) -> bool:
    """A row of a coded table (or side) printing no code and no total, where the spec sends such rows to the
    generic mapping (``uncoded_generic``: 年末结转和结余 of a 决算 收支总表 has no dimension there)."""
    side = table_spec.side(row.side) if row.side else None
    flag, coded = (side.uncoded_generic, side.coded) if side else (table_spec.uncoded_generic, table_spec.coded)
    return flag and bool(coded) and not row.codes and row.level != "total" and _named(table_spec, row) is None


def _named(table_spec: TableSpec, row: Row) -> NamedRow | None:
    """The spec's named row (``named_rows``) a row printing no code is, by its label: 年末结转和结余 of a 决算
    收支总表, 人员经费合计 of its 基本支出表."""
    if row.codes or row.level == "total":
        return None
    named = table_spec.side(row.side).named_rows if row.side else table_spec.named_rows
    key = label_key(row.name)
    return next((r for r in named if key in r.label_keys()), None)


def _columns(table_spec: TableSpec, row: Row) -> dict[str, ColumnSpec]:
    columns = table_spec.side(row.side).columns if row.side else table_spec.columns + table_spec.optional_columns
    return {col.path: col for col in columns}


def _row_dimensions(ctx: Context, table_spec: TableSpec, row: Row) -> tuple[str, dict[str, str]]:
    """(row key for the IRI, dimension key -> concept/resource IRI) of a row."""
    dims: dict[str, str] = {}
    wanted = set(table_dimensions(table_spec))
    coded = table_spec.side(row.side).coded if row.side else table_spec.coded
    total = row.level == "total"
    named = _named(table_spec, row)
    if coded and named is not None:  # 年末结转和结余, 人员经费合计: the codes the spec gives it
        dims[coded] = c.DIMENSIONS[coded].code(dict(named.pins).get(coded, c.NOT_APPLICABLE))
        key = named.key
    elif coded:
        dim = c.DIMENSIONS[coded]
        dims[coded] = dim.code(c.TOTAL if total else row.code or c.NOT_APPLICABLE)
        key = "total" if total else safe(row.code) or f"r-{content_hash(row.name, 8)}"
    elif row.key is not None or total:
        key = "total" if total else str(row.key)
        item_dim = "income" if "income" in wanted else "sangong" if "sangong" in wanted else ""
        if item_dim:
            dims[item_dim] = c.DIMENSIONS[item_dim].code(c.TOTAL if total else str(row.key))
    else:
        key = f"r-{content_hash(row.name, 8)}"
    if "project" in wanted:
        if row.project or (table_spec.free_rows and not total):
            name = row.project or row.name
            dims["project"] = ctx.minter.project(ctx.unit_name, name)
            key = f"{key}/p-{content_hash(name, 8)}" if row.project else f"p-{content_hash(name, 8)}"
        else:
            dims["project"] = c.DIMENSIONS["project"].code(c.TOTAL if total else c.NOT_APPLICABLE)
    for dim_key in wanted - set(dims):
        dims[dim_key] = c.DIMENSIONS[dim_key].code(c.NOT_APPLICABLE)  # e.g. function of an income row
    if row.side:
        key = f"{row.side}/{key}"
    return key, dims


def _observation(
    ctx: Context,
    table: Table,
    table_spec: TableSpec,
    dataset: NamedNode,
    row: Row,
    row_key: str,
    dims: dict[str, str],
    column: ColumnSpec,
    value: Decimal,
    leaf: bool | None = None,
) -> Iterator[Quad]:
    """The observation of one figure; ``leaf`` (a coded row's figure): whether no finer code of the table prints a
    figure in its column (``bl:leaf``)."""
    g = ctx.graph
    obs = NamedNode(ctx.minter.observation(dataset.value, row_key, column.slug))
    operation = column.operation or (table_spec.side(row.side).operation if row.side else table_spec.operation)
    values = dict(dims)
    named = _named(table_spec, row)
    for key, code in (*table_spec.fixed, *column.pins, *(named.pins if named else ())):
        values[key] = c.DIMENSIONS[key].code(code)
    yield from (
        Quad(obs, RDF_TYPE, n("qb:Observation"), g),
        Quad(obs, n("qb:dataSet"), dataset, g),
        Quad(obs, NamedNode(c.ORGANIZATION), ctx.unit, g),
        Quad(obs, NamedNode(c.FISCAL_YEAR), NamedNode(c.year_iri(ctx.year)), g),
        Quad(obs, NamedNode(c.BUDGET_PHASE), NamedNode(_phase(ctx, column)), g),
        Quad(obs, NamedNode(c.OPERATION), NamedNode(c.OPERATION_CODES[operation]), g),
    )
    for key in table_dimensions(table_spec):
        yield Quad(obs, NamedNode(c.DIMENSIONS[key].property), NamedNode(values[key]), g)
    yield from (
        Quad(obs, NamedNode(c.AMOUNT), decimal(value), g),
        Quad(obs, NamedNode(c.AMOUNT_YUAN), decimal(value * table.multiplier), g),
        Quad(obs, NamedNode(c.LEVEL), NamedNode(c.level_code(row.level)), g),
        Quad(obs, n("bl:sourceTable"), zh(f"表{table_spec.number}"), g),
        Quad(obs, n("bl:sourceRow"), integer(row.index), g),
        Quad(obs, n("bl:sourceColumn"), zh(column.path), g),
        Quad(obs, n("bl:sourceLine"), integer(row.line), g),
        Quad(obs, n("bl:printedName"), zh(row.name), g),
        Quad(obs, n("bl:printedValue"), Literal(format(value, "f")), g),
    )
    yield from ctx.place(obs, row.line)
    if row.codes:
        yield Quad(obs, n("bl:printedCode"), Literal(row.code), g)
    if row.key:
        yield Quad(obs, n("bl:rowKey"), Literal(row.key), g)
    if leaf is not None:
        yield Quad(obs, NamedNode(LEAF), TRUE if leaf else FALSE, g)


def _phase(ctx: Context, column: ColumnSpec) -> str:
    """The budget phase of a figure: its column's stage (预算数 approved, 决算数 executed …), else the
    document's phase."""
    return c.STAGE_CODES[column.stage] if column.stage else c.PHASE_CODES[ctx.phase]


def _unreadable(
    ctx: Context, table_spec: TableSpec, dataset: NamedNode, row: Row, row_key: str, column: ColumnSpec, text: str
) -> Iterator[Quad]:
    """A cell printed but not readable as an amount: no observation, but a located record of it."""
    g = ctx.graph
    cell = NamedNode(ctx.minter.observation(dataset.value, row_key, column.slug))
    yield from (
        Quad(cell, RDF_TYPE, n("bl:UnreadableCell"), g),
        Quad(cell, n("bl:cellOf"), dataset, g),
        Quad(cell, n("bl:printedValue"), Literal(text), g),
        Quad(cell, n("bl:printedName"), zh(row.name), g),
        Quad(cell, n("bl:sourceTable"), zh(f"表{table_spec.number}"), g),
        Quad(cell, n("bl:sourceRow"), integer(row.index), g),
        Quad(cell, n("bl:sourceColumn"), zh(column.path), g),
        Quad(cell, n("bl:sourceLine"), integer(row.line), g),
    )
    yield from ctx.place(cell, row.line)
    if row.codes:
        yield Quad(cell, n("bl:printedCode"), Literal(row.code), g)


def _row_concepts(
    ctx: Context, table_spec: TableSpec, row: Row, dims: dict[str, str], seen: set[str]
) -> Iterator[Quad]:
    """Codes the row prints: in their scheme, under their parent, with the printed name
    as an altLabel when it differs from the code list's label; projects with their names."""
    g = ctx.graph
    coded = table_spec.side(row.side).coded if row.side else table_spec.coded
    if coded and row.codes and row.code not in seen:
        dim = c.DIMENSIONS[coded]
        concept = NamedNode(dim.code(row.code))
        yield Quad(concept, RDF_TYPE, n("skos:Concept"), g)
        yield Quad(concept, n("skos:inScheme"), NamedNode(dim.scheme), g)
        yield Quad(concept, n("skos:notation"), Literal(row.code), g)
        if len(row.codes) > 1:
            yield Quad(concept, n("skos:broader"), NamedNode(dim.code("".join(row.codes[:-1]))), g)
        if row.name and known_labels().get(concept.value) != row.name:
            yield Quad(concept, n("skos:altLabel"), zh(row.name), g)
        seen.add(row.code)
    project = dims.get("project")
    if project and not project.startswith(c.DIMENSIONS["project"].scheme):
        node = NamedNode(project)
        yield Quad(node, RDF_TYPE, n("bl:Project"), g)
        yield Quad(node, n("rdfs:label"), zh(row.project or row.name), g)
        yield Quad(node, n("bl:budgetUnit"), ctx.unit, g)
