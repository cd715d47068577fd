"""A disclosure's tables rebuilt from the RDF, as the document printed them.

Rows come from the observations' locators: in printed order (``bl:sourceRow``); the two sides of a
two-sided table (表1, 表4: income left, expenditure right) are put side by side by printed line
(``bl:sourceLine``). Columns are the spec's (``mapping/tables/*.yaml``) in its order, headed by their
printed paths (``财政拨款（补助）/一般公共预算`` gives a two-level header); optional columns only when the
table has a figure in them. A figure is the exact ``obeu-measure:amount`` with thousands separators
and at least two decimals; a blank cell is "not reported" (no observation); a printed cell that is not
an amount (``bl:UnreadableCell``) shows what was printed. Total rows and subtotal rows (类/款 rows, spec
rows that have sub-rows) are marked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from pyoxigraph import NamedNode, QuerySolution

from budgetlod.present.describe import CELLS_QUERY, TABLES_QUERY, UNREADABLE_QUERY, amount, local_name, select, value
from budgetlod.rdf import components as c
from budgetlod.rdf.dsd import table_dimensions
from budgetlod.specs import ColumnSpec, TableSpec, spec
from budgetlod.store.base import QuadReader

CODE_SEGMENTS = {"类": (0, 3), "款": (3, 5), "项": (5, 7)}  # function 3+2+2 digits, economic 3+2
CODE_GROUP = "科目编码"
HEADERS_EN = {
    CODE_GROUP: "Code",
    "类": "Class",
    "款": "Section",
    "项": "Item",
    "名称": "Name",
    "项目名称": "Project",
    "项目": "Item",
    "支出功能分类": "Function",
    "收入": "Income",
    "支出": "Expenditure",
}
MAX_CELLS = 20000  # per table: far more than any printed table


@dataclass(frozen=True)
class Header:
    text: str
    colspan: int = 1
    rowspan: int = 1
    label: bool = False  # a row-label column (code, name), not a figure column


@dataclass(frozen=True)
class Cell:
    text: str = ""
    href: str | None = None  # the observation's (or the code's) page
    iri: str | None = None
    column: str = ""  # the column path, for figure cells
    kind: str = "blank"  # label | figure | unreadable | blank
    mark: str = ""  # total | subtotal: the cell belongs to a total or subtotal row (of its side)


@dataclass
class TableRow:
    cells: list[Cell]
    mark: str  # total | subtotal | ""
    level: str  # local name of bl:aggregationLevel (total, class, section, item, project, entry)
    line: str


@dataclass
class RebuiltTable:
    iri: str
    href: str
    table_id: str
    number: str
    title: str
    unit: str
    empty: bool
    note: str
    headers: list[list[Header]] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    figures: int = 0


@dataclass
class _Row:
    """One printed row of one side, gathered from its cells."""

    index: int
    line: int
    name: str = ""
    code: str = ""
    key: str = ""
    level: str = ""
    project: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class _Block:
    """The columns of one side of a table (the whole table when it has one side)."""

    side: str | None
    heading: str | None
    labels: tuple[str, ...]  # row-label columns: 类 款 项 名称 项目名称 | 项目 | 支出功能分类
    columns: tuple[ColumnSpec, ...]
    coded: str | None
    item_dimension: str | None
    parents: frozenset[str]
    levels: frozenset[str] = frozenset()  # aggregation levels the block's rows have


def tables_of(store: QuadReader, disclosure: str, href: Callable[[str], str], lang: str) -> list[RebuiltTable]:
    """Every table of a disclosure, in table-number order."""
    metas = select(store, TABLES_QUERY, limit=100, disclosure=NamedNode(disclosure), g=NamedNode(disclosure))
    return [_rebuild(store, meta, href, lang) for meta in _unique(metas)]


def table(store: QuadReader, table_iri: str, href: Callable[[str], str], lang: str) -> RebuiltTable | None:
    metas = select(store, TABLES_QUERY, limit=10, table=NamedNode(table_iri))
    return _rebuild(store, metas[0], href, lang) if metas else None


def _unique(metas: list[QuerySolution]) -> list[QuerySolution]:
    seen: dict[str, QuerySolution] = {}
    for meta in metas:
        seen.setdefault(value(meta, "table") or "", meta)
    return list(seen.values())


def _spec(table_type: str) -> TableSpec | None:
    try:
        return spec(local_name(table_type))
    except KeyError:
        return None


def _rebuild(store: QuadReader, meta: QuerySolution, href: Callable[[str], str], lang: str) -> RebuiltTable:
    table_iri = value(meta, "table") or ""
    table_type = value(meta, "type") or ""
    table_spec = _spec(table_type)
    result = RebuiltTable(
        iri=table_iri,
        href=href(table_iri),
        table_id=local_name(table_type),
        number=str(table_spec.number) if table_spec else "",
        title=value(meta, "title") or "",
        unit=value(meta, "unit") or "",
        empty=(value(meta, "empty") or "false") == "true",
        note=value(meta, "note") or "",
    )
    node = NamedNode(table_iri)
    graph = value(meta, "g")  # the table's graph: the cell queries read that graph only (describe.py)
    within = {"g": NamedNode(graph)} if graph else {}
    solutions = select(store, CELLS_QUERY, limit=MAX_CELLS, table=node, **within)
    solutions += select(store, UNREADABLE_QUERY, limit=MAX_CELLS, table=node, **within)
    sides: dict[str | None, dict[int, _Row]] = {}
    for solution in solutions:
        cell_iri = value(solution, "cell") or ""
        side = _side(table_iri, cell_iri) if table_spec and table_spec.sides else None
        index = int(value(solution, "row") or 0)
        row = sides.setdefault(side, {}).get(index)
        if row is None:
            row = _Row(index, int(value(solution, "line") or 0))
            sides[side][index] = row
        row.name = row.name or value(solution, "name") or ""
        row.code = row.code or value(solution, "code") or ""
        row.key = row.key or value(solution, "key") or ""
        row.project = row.project or value(solution, "projectLabel") or ""
        row.level = row.level or local_name(value(solution, "level") or "")
        column = value(solution, "column") or ""
        figure = value(solution, "amount")
        if figure is not None:
            row.cells[column] = Cell(amount(figure), href(cell_iri), cell_iri, column, "figure")
            result.figures += 1
        else:
            printed = value(solution, "printed") or ""
            row.cells[column] = Cell(printed, href(cell_iri), cell_iri, column, "unreadable")
    blocks = [
        replace(block, levels=frozenset(row.level for row in sides.get(block.side, {}).values()))
        for block in _blocks(table_spec, sides)
    ]
    result.headers = _headers(blocks, lang)
    result.rows = _rows(blocks, sides, href)
    return result


def _side(table_iri: str, cell_iri: str) -> str | None:
    rest = cell_iri[len(table_iri) + 1 :]
    side = rest.split("/", 1)[0]
    return side if side in ("income", "expenditure") else None


def _blocks(table_spec: TableSpec | None, sides: dict[str | None, dict[int, _Row]]) -> list[_Block]:
    if table_spec is None:  # a table type no spec knows: its columns as they come
        seen = {path: None for rows in sides.values() for row in rows.values() for path in row.cells}
        columns = tuple(ColumnSpec(path=path, aliases=()) for path in seen)
        return [_Block(None, None, ("名称",), columns, None, None, frozenset())]
    dims = table_dimensions(table_spec)
    item_dim = "income" if "income" in dims else "sangong" if "sangong" in dims else None
    if table_spec.sides:
        return [
            _Block(
                side.name,
                side.headers[0] if side.headers else side.name,
                side.label_headers[:1] or ("名称",),
                _with_extra(side.columns, sides.get(side.name, {})),
                side.coded,
                None if side.coded else item_dim,
                frozenset(r.parent for r in side.rows if r.parent),
            )
            for side in table_spec.sides
        ]
    observed = {path for rows in sides.values() for row in rows.values() for path in row.cells}
    optional = tuple(col for col in table_spec.optional_columns if col.path in observed)
    return [
        _Block(
            None,
            None,
            table_spec.labels or ("名称",),
            _with_extra(table_spec.columns + optional, sides.get(None, {})),
            table_spec.coded,
            None if table_spec.coded else item_dim,
            frozenset(r.parent for r in table_spec.rows if r.parent),
        )
    ]


def _with_extra(columns: tuple[ColumnSpec, ...], rows: dict[int, _Row]) -> tuple[ColumnSpec, ...]:
    """The spec's columns, then any column the data has that the spec lacks (kept, not hidden)."""
    known = {col.path for col in columns}
    extra = {path: None for row in rows.values() for path in row.cells if path not in known}
    return columns + tuple(ColumnSpec(path=path, aliases=()) for path in extra)


def _header_text(text: str, lang: str) -> str:
    return HEADERS_EN.get(text, text) if lang == "en" else text


def _headers(blocks: list[_Block], lang: str) -> list[list[Header]]:
    """Header rows from the column paths: a shared parent spans its children; a shallow column spans down."""
    paths: list[tuple[tuple[str, ...], bool]] = []
    for block in blocks:
        lead = (block.heading,) if block.heading else ()
        for label in block.labels:
            inner = (CODE_GROUP, label) if label in CODE_SEGMENTS else (label,)
            paths.append(((*lead, *inner), True))
        for col in block.columns:
            paths.append(((*lead, *col.path.split("/")), False))
    depth = max((len(p) for p, _ in paths), default=1)
    rows: list[list[Header]] = [[] for _ in range(depth)]
    for level in range(depth):
        i = 0
        while i < len(paths):
            path, is_label = paths[i]
            if len(path) <= level:
                i += 1
                continue
            if len(path) == level + 1:
                rows[level].append(Header(_header_text(path[level], lang), 1, depth - level, is_label))
                i += 1
                continue
            j = i
            while j < len(paths) and len(paths[j][0]) > level + 1 and paths[j][0][: level + 1] == path[: level + 1]:
                j += 1
            rows[level].append(Header(_header_text(path[level], lang), j - i, 1, is_label))
            i = j
    return rows


def _rows(blocks: list[_Block], sides: dict[str | None, dict[int, _Row]], href: Callable[[str], str]) -> list[TableRow]:
    if len(blocks) == 1:
        block = blocks[0]
        return [_merge([(block, row)], href) for _, row in sorted(sides.get(block.side, {}).items())]
    by_line: dict[int, list[tuple[_Block, _Row | None]]] = {}
    lines = sorted({row.line for block in blocks for row in sides.get(block.side, {}).values()})
    for line in lines:
        by_line[line] = [
            (block, next((r for r in sides.get(block.side, {}).values() if r.line == line), None)) for block in blocks
        ]
    return [_merge(parts, href) for parts in by_line.values()]


def _merge(parts: list[tuple[_Block, _Row | None]], href: Callable[[str], str]) -> TableRow:
    cells: list[Cell] = []
    marks: list[str] = []
    levels: list[str] = []
    line = ""
    for block, row in parts:
        if row is None:
            cells += [Cell(kind="blank") for _ in block.labels]
            cells += [Cell(column=col.path) for col in block.columns]
            continue
        line = line or str(row.line)
        levels.append(row.level)
        mark = _mark(block, row)
        marks.append(mark)
        own = _label_cells(block, row, href)
        own += [row.cells.get(col.path) or Cell(column=col.path) for col in block.columns]
        cells += [replace(cell, mark=mark) for cell in own] if mark else own
    mark = "total" if "total" in marks else "subtotal" if "subtotal" in marks else ""
    return TableRow(cells, mark, next((lv for lv in levels if lv), ""), line)


DEEPER = {"class": {"section", "item", "project"}, "section": {"item", "project"}}


def _mark(block: _Block, row: _Row) -> str:
    """total: a total row; subtotal: a row that sums rows printed below it (a 类 or 款 row of a table that
    has deeper rows, a spec row that has sub-rows)."""
    if row.level == "total":
        return "total"
    if block.levels & DEEPER.get(row.level, set()) or (row.key and row.key in block.parents):
        return "subtotal"
    return ""


def _concept(block: _Block, row: _Row) -> str | None:
    if block.coded and row.code:
        return c.DIMENSIONS[block.coded].code(row.code)
    if block.item_dimension and row.key and row.level != "total":
        return c.DIMENSIONS[block.item_dimension].code(row.key)
    return None


def _label_cells(block: _Block, row: _Row, href: Callable[[str], str]) -> list[Cell]:
    concept = _concept(block, row)
    link = href(concept) if concept else None
    cells: list[Cell] = []
    for label in block.labels:
        if label in CODE_SEGMENTS:
            start, end = CODE_SEGMENTS[label]
            cells.append(Cell(row.code[start:end], kind="label"))
        elif label == "项目名称":
            cells.append(Cell(row.project, kind="label"))
        elif block.side == "expenditure" and block.coded:
            cells.append(Cell(f"{row.code} {row.name}".strip(), link, concept, kind="label"))
        else:
            cells.append(Cell(row.name, link, concept, kind="label"))
    return cells
