"""One table's rows -> :class:`~budgetlod.model.Row` objects, driven by its spec."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from budgetlod.findings import Reporter
from budgetlod.model import Column, Level, Row, Side
from budgetlod.parse.headers import Layout, assign_columns, row_number_positions, split_header
from budgetlod.parse.text import (
    AMOUNT_DIGITS,
    Malformed,
    amount_digits,
    looks_like_amount,
    parse_amount,
    shorten,
    strip_enumeration,
    unit_in_header,
)
from budgetlod.read.stream import TableRow
from budgetlod.specs import RowSpec, SideSpec, TableSpec, function_classes
from budgetlod.text import label_key, squash

_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\d{2}){0,2})\s*(.*)$")
_DIGITS = re.compile(r"^\d+$")
_MANNER = re.compile(r"(?:组织形式?|方式)$")
_SEGMENTS = {"function": (3, 2, 2), "economic": (3, 2)}
_SHORT = min(AMOUNT_DIGITS)


@dataclass
class ReadTable:
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    unit: str | None = None  # a unit printed inside a header, e.g. 预算数(万元)


@dataclass
class _Context:
    spec: TableSpec
    reporter: Reporter
    table: str  # "表3" — for messages
    width: int


def read_rows(spec: TableSpec, rows: list[TableRow], reporter: Reporter, table: str) -> ReadTable:
    totals = {label_key(t) for t in (*spec.total_labels, *(t for s in spec.sides for t in s.total_labels))}
    totals |= {label_key(r.label) for r in spec.rows if r.total}
    layout = split_header(rows, totals)
    ctx = _Context(spec, reporter, table, layout.width)
    if spec.kind == "two_sided":
        return _read_two_sided(ctx, layout)
    halves = _halves(layout)
    if halves is None:
        return _read_single(ctx, layout)
    left, right = (_read_single(_Context(spec, reporter, table, half.width), half) for half in halves)
    for index, row in enumerate(right.rows, start=len(left.rows) + 1):
        row.index = index
    known = {c.path for c in left.columns}
    left.columns += [c for c in right.columns if c.path not in known]
    left.rows += right.rows
    return left


def _halves(layout: Layout) -> tuple[Layout, Layout] | None:
    """A table printed in two halves side by side (基本支出决算表: 人员经费 on the left, 公用经费 on the right,
    each 科目编码 / 科目名称 / 决算数): its header's top row is the same twice over. The left half's rows are
    read first, then the right half's."""
    if layout.numbers or not layout.header or layout.width < 4 or layout.width % 2:
        return None
    half = layout.width // 2
    top = [label_key(c) for c in (layout.header[0].cells + [""] * layout.width)[: layout.width]]
    if top[:half] != top[half:] or not any(top[:half]):
        return None

    def cut(rows: list[TableRow], start: int) -> list[TableRow]:
        return [TableRow(line=r.line, cells=(r.cells + [""] * layout.width)[start : start + half]) for r in rows]

    return (
        Layout(half, cut(layout.header, 0), cut(layout.data, 0), {}, None),
        Layout(half, cut(layout.header, half), cut(layout.data, half), {}, None),
    )


def _cells(ctx: _Context, row: TableRow) -> list[str]:
    cells = [c.strip() for c in row.cells]
    if len(cells) != ctx.width and any(cells):
        ctx.reporter.add("P202", row.line, table=ctx.table, found=len(cells), expected=ctx.width)
    return (cells + [""] * ctx.width)[: max(ctx.width, len(cells))]


def _values(ctx: _Context, row: Row, cells: list[str], columns: dict[int, Column]) -> None:
    for position, column in columns.items():
        text = cells[position] if position < len(cells) else ""
        try:
            value = parse_amount(text)
        except Malformed:
            _unreadable(ctx, row, column.path, text, "P201")
            continue
        # an ASCII cell no longer than the fewest digits AMOUNT_DIGITS allows is within them
        size = amount_digits(value) if value is not None and (len(text) > _SHORT or not text.isascii()) else None
        if size is None:
            row.values[column.path] = value
        else:
            limits = {"max_integer": AMOUNT_DIGITS[0], "max_fraction": AMOUNT_DIGITS[1]}
            _unreadable(ctx, row, column.path, text, "P213", integer=size[0], fraction=size[1], **limits)


def _unreadable(ctx: _Context, row: Row, path: str, text: str, code: str, **fields: object) -> None:
    """A printed cell that is no amount: no value, the text kept (mapped as a bl:UnreadableCell)."""
    row.values[path] = None
    row.invalid[path] = text
    ctx.reporter.add(code, row.line, table=ctx.table, column=path, text=shorten(text), **fields)


def _header_unit(layout: Layout) -> str | None:
    for row in layout.header:
        for cell in row.cells:
            unit = unit_in_header(cell)
            if unit:
                return unit
    return None


# --- single-sided tables: coded (表2/3/5/6/7/8/9) and itemised (表10/11)


def _value_positions(layout: Layout, label_count: int) -> list[int]:
    if layout.numbers:
        return sorted(layout.numbers)
    return list(range(label_count, layout.width))


def _label_roles(ctx: _Context, layout: Layout, positions: list[int]) -> dict[int, str]:
    """Which label position holds 类, 款, 项, a combined code, the name, the project name."""
    roles = list(ctx.spec.labels)
    if len(positions) == len(roles):
        return dict(zip(positions, roles, strict=True))
    texts = layout.stacks()
    result: dict[int, str] = {}
    for p in positions:
        keys = {label_key(t) for t in texts[p]}
        if "项目名称" in keys or "专项名称" in keys:
            result[p] = "项目名称"
        elif any(_MANNER.search(k) for k in keys):
            result[p] = "方式"  # 采购组织形式: how, not what — no part of the row's label
        elif keys & {"类", "款", "项"}:
            result[p] = next(k for k in ("项", "款", "类") if k in keys)
        elif any("编码" in k or "代码" in k for k in keys) or _codes_below(layout, p):
            result[p] = "编码"
        else:
            result[p] = "名称"
    return result


def _codes_below(layout: Layout, position: int) -> bool:
    return any(position < len(r.cells) and _DIGITS.match(r.cells[position].strip()) for r in layout.data[:5])


def _read_single(ctx: _Context, layout: Layout) -> ReadTable:
    spec = ctx.spec
    row_numbers = row_number_positions(layout)
    if layout.numbers:
        value_positions = [p for p in sorted(layout.numbers) if p not in row_numbers]
        label_positions = [p for p in range(min(value_positions)) if p not in layout.numbers and p not in row_numbers]
    else:
        label_positions = [p for p in _guess_label_positions(layout, len(spec.labels)) if p not in row_numbers]
        value_positions = [p for p in range(layout.width) if p not in label_positions and p not in row_numbers]
    columns = assign_columns(value_positions, layout, spec.columns, spec.optional_columns, ctx.reporter, ctx.table)
    roles = _label_roles(ctx, layout, label_positions)
    words = _label_header_words(layout, label_positions)
    result = ReadTable(columns=list(columns.values()), unit=_header_unit(layout))
    matcher = _RowMatcher(spec.rows) if spec.rows else None
    totals = {label_key(t) for t in spec.total_labels}
    parents: list[str] = []
    for source in layout.data:
        cells = _cells(ctx, source)
        labels = _labels(cells, roles, words)
        if not any(labels.values()) and not any(cells[p] for p in columns if p < len(cells)):
            continue  # a blank filler row
        row = Row(line=source.line, index=len(result.rows) + 1, name="", level="item")
        if spec.coded:
            _coded_labels(ctx, row, labels, parents, totals)
        else:
            row.name = strip_enumeration(labels.get("名称", ""))
            row.project = labels.get("项目名称") or None
            if matcher is not None and row.project and not row.name:
                row.name, row.project = row.project, None  # 收入总计 printed across the group and label columns
            code = (labels.get("编码") or "".join(labels.get(k, "") for k in ("类", "款", "项"))).replace(" ", "")
            if _DIGITS.match(code):  # 科目编码 in a table read as items (机关运行经费 by 经济科目)
                row.codes = tuple(_split_code(code, _SEGMENTS["function"]))
            _itemise(ctx, row, matcher, totals)
        _values(ctx, row, cells, columns)
        if not row.name and not row.codes and any(v is not None for v in row.values.values()):
            shown = {k: str(v) for k, v in row.values.items() if v is not None}
            ctx.reporter.add("P209", row.line, table=ctx.table, values=shown)
        result.rows.append(row)
    return result


_CODE_ROLES = frozenset({"编码", "类", "款", "项"})
_CODE_HEADERS = frozenset(
    {"类", "款", "项", "编码", "代码", "科目编码", "科目代码", "功能分类科目编码", "经济分类科目编码"}
)


def _label_header_words(layout: Layout, positions: list[int]) -> frozenset[str]:
    """The header words of the label columns (类 / 款 / 项, 科目编码 …): printed in a code column of a data row
    (a reader merged the header's last row with the first data row: ``类 款 项 合计 2,946.25 …``) they are
    header text, never a code."""
    texts = layout.stacks()
    printed = {label_key(t) for p in positions if p < len(texts) for t in texts[p]}
    return frozenset(k for k in printed if not any(ch.isdigit() for ch in k)) | _CODE_HEADERS


def _labels(cells: list[str], roles: dict[int, str], header_words: frozenset[str] = frozenset()) -> dict[str, str]:
    """Each role's text; of several positions of one role (the 经济科目 and 采购物品名称 of a procurement
    table), the last one printed on the row; several code positions (类, 款, 项 of a table read as items)
    joined into one code. A header word in a code column (``类``) is no code: left blank."""
    labels: dict[str, str] = {}
    for p, role in roles.items():
        text = squash(cells[p]) if p < len(cells) else ""
        if role in _CODE_ROLES and label_key(text) in header_words:
            text = ""
        if role == "编码" and text and labels.get(role):
            labels[role] += text.replace(" ", "")
        elif text or role not in labels:
            labels[role] = text
    for role in ("编码", "类"):
        code = labels.get(role, "")
        if code and not labels.get("名称") and not any(ch.isdigit() for ch in code):
            labels["名称"], labels[role] = code, ""  # 合计 printed across the code and name columns
    return labels


def _guess_label_positions(layout: Layout, expected: int) -> list[int]:
    """Without a number row: leading positions whose data cells are not amounts."""
    positions: list[int] = []
    for p in range(layout.width):
        cells = [r.cells[p].strip() for r in layout.data if p < len(r.cells) and r.cells[p].strip()]
        decimals = [c for c in cells if looks_like_amount(c) and not _DIGITS.match(c)]
        # whole numbers are codes in a code column, but amounts (or counts) in a column that also prints decimals:
        # the older 三公 table's 预算数 holds 55.00 and, below, 团组数 1, 保有量 4 (most money rows may be blank)
        amounts = [c for c in cells if looks_like_amount(c)] if decimals else decimals
        if cells and len(amounts) * 2 >= len(cells):
            break
        if not cells and len(positions) >= expected:
            break
        positions.append(p)
    return positions


def _coded_labels(ctx: _Context, row: Row, labels: dict[str, str], parents: list[str], totals: set[str]) -> None:
    assert ctx.spec.coded is not None
    lengths = _SEGMENTS[ctx.spec.coded]
    raw = [labels.get(k, "") for k in ("类", "款", "项")][: len(lengths)]
    name = labels.get("名称", "")
    combined = labels.get("编码", "")
    if combined or (raw and _CODE_AND_NAME.match(raw[0]) and not _DIGITS.match(raw[0])):
        text = combined or raw[0]
        match = _CODE_AND_NAME.match(text)
        code = match.group(1) if match else text
        if match and match.group(2) and not name:
            name = match.group(2)
        raw = _split_code(code, lengths)
    codes = _normalise_codes(ctx, row.line, raw, lengths, parents)
    row.codes = codes
    row.name = strip_enumeration(name)
    row.project = squash(labels.get("项目名称", "")) or None
    if row.project:
        row.level = "project"
    elif codes:
        row.level = ("类", "款", "项")[len(codes) - 1]
    elif label_key(row.name) in totals:
        row.level = "total"


def _split_code(code: str, lengths: tuple[int, ...]) -> list[str]:
    parts, start = [], 0
    for size in lengths:
        if start >= len(code):
            break
        parts.append(code[start : start + size])
        start += size
    return parts


def _normalise_codes(
    ctx: _Context, line: int, raw: list[str], lengths: tuple[int, ...], parents: list[str]
) -> tuple[str, ...]:
    """类/款/项 cells -> segments; a full code in a lower column is cut to its segment;
    a blank upper cell under a coded row is inherited from the row above."""
    segments: list[str] = []
    prefix = ""
    for i, (cell, size) in enumerate(zip(raw, lengths, strict=False)):
        cell = cell.replace(" ", "")
        if not cell:
            if any(c.strip() for c in raw[i + 1 :]) and i < len(parents):
                segments.append(parents[i])  # inherited: blank 类 above a printed 款
                prefix += parents[i]
                continue
            break
        if len(cell) == len(prefix) + size and cell.startswith(prefix) and prefix:
            cell = cell[len(prefix) :]
        if not _DIGITS.match(cell) or len(cell) != size:
            ctx.reporter.add("P207", line, table=ctx.table, text="".join(raw))
            return tuple(c for c in raw if c)
        segments.append(cell)
        prefix += cell
    if segments:
        parents[:] = segments
    return tuple(segments)


class _RowMatcher:
    """Identifies itemised rows against the spec's ordered row list."""

    def __init__(self, rows: tuple[RowSpec, ...]) -> None:
        self.rows = rows
        self.position = 0
        self.used: set[str] = set()

    def match(self, label: str) -> RowSpec | None:
        key = label_key(label)
        order = list(range(self.position, len(self.rows))) + list(range(self.position))
        for i in order:
            if key in self.rows[i].label_keys() and self.rows[i].key not in self.used:
                self.position = i + 1
                self.used.add(self.rows[i].key)
                return self.rows[i]
        return None


def _itemise(ctx: _Context, row: Row, matcher: _RowMatcher | None, totals: set[str]) -> None:
    if matcher is None:
        row.level = "total" if label_key(row.name) in totals else "item"
        return
    found = matcher.match(row.name)
    if found is None:
        ctx.reporter.add("P204", row.line, table=ctx.table, name=row.name)
        return
    row.key, row.parent = found.key, found.parent
    row.level = "total" if found.total else "item"


# --- two-sided tables (表1, 表4)


def _read_two_sided(ctx: _Context, layout: Layout) -> ReadTable:
    row_numbers = row_number_positions(layout)  # 行次: neither a label nor an amount
    sides = {n: [p for p in ps if p not in row_numbers] for n, ps in _side_positions(ctx, layout).items()}
    result = ReadTable(unit=_header_unit(layout))
    plans: list[tuple[SideSpec, int, dict[int, Column]]] = []
    for side_spec in ctx.spec.sides:
        for positions in _label_groups(layout, sides.get(side_spec.name, [])):
            columns = assign_columns(positions[1:], layout, side_spec.columns, (), ctx.reporter, ctx.table)
            for column in columns.values():
                column.side = side_spec.name  # type: ignore[assignment]
            result.columns.extend(columns.values())
            plans.append((side_spec, positions[0], columns))
    matchers = {s.name: _RowMatcher(s.rows) if s.rows else None for s, _, _ in plans}
    counters = {s.name: 0 for s, _, _ in plans}
    for source in layout.data:
        cells = _cells(ctx, source)
        last: dict[str, Row] = {}  # the row of each side begun on this printed row
        for side_spec, label_position, columns in plans:
            label = squash(cells[label_position]) if label_position < len(cells) else ""
            if not label and not any(cells[p] for p in columns if p < len(cells)):
                continue
            before = last.get(side_spec.name)
            if not label and before is not None and not any(v is not None for v in before.values.values()):
                _values(ctx, before, cells, columns)  # 支出合计 printed across 功能分类, its amount under 支出用途
                continue
            counters[side_spec.name] += 1
            side: Side = "income" if side_spec.name == "income" else "expenditure"
            row = Row(line=source.line, index=counters[side_spec.name], name="", level="item", side=side)
            if side_spec.coded:
                _side_coded(ctx, row, label, side_spec)
            else:
                row.name = strip_enumeration(label)
                _itemise(ctx, row, matchers[side_spec.name], set())
            _values(ctx, row, cells, columns)
            result.rows.append(row)
            last[side_spec.name] = row
    return result


def _label_groups(layout: Layout, positions: list[int]) -> list[list[int]]:
    """A side's positions cut where another label column starts: the 支出 half of a three-part 收支预算总表
    holds 功能分类 (name, amount) and 支出用途 (name, amount)."""
    groups: list[list[int]] = []
    for p in positions:
        if groups and _names_below(layout, p):
            groups.append([p])
        elif groups:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _names_below(layout: Layout, position: int) -> bool:
    """The data cells at a position are names: more of them are text than amounts."""
    cells = [r.cells[position].strip() for r in layout.data if position < len(r.cells)]
    texts = [c for c in cells if c and not looks_like_amount(c)]
    return len(texts) > 1 and len(texts) > sum(1 for c in cells if c and looks_like_amount(c))


def _side_coded(ctx: _Context, row: Row, label: str, side: SideSpec) -> None:
    match = _CODE_AND_NAME.match(label.replace(" ", "", 0))
    if match:
        code, name = match.group(1), match.group(2)
        row.codes = tuple(_split_code(code, _SEGMENTS[side.coded or "function"]))
        row.name = squash(name)
        row.level = ("类", "款", "项")[len(row.codes) - 1]
        return
    row.name = strip_enumeration(label)
    totals = {label_key(t) for t in side.total_labels}
    level: Level = "total" if label_key(row.name) in totals else "item"
    row.level = level
    code = function_classes().get(label_key(row.name)) if side.coded_by_name and level == "item" else None
    if code is not None:  # 一、一般公共服务支出 printed without its code
        row.codes, row.level = (code,), "类"


def _side_positions(ctx: _Context, layout: Layout) -> dict[str, list[int]]:
    """Which positions belong to the income side and which to the expenditure side."""
    texts = layout.stacks()
    result: dict[str, list[int]] = {}
    for p in range(layout.width):
        keys = [label_key(t) for t in texts[p]]
        for side in ctx.spec.sides:
            if keys and keys[0] in {label_key(h) for h in side.headers}:
                result.setdefault(side.name, []).append(p)
                break
    if len(result) == len(ctx.spec.sides):
        return result
    # no side headers: the expenditure side starts at the column of "201 一般公共服务支出"
    start = next(
        (
            p
            for p in range(1, layout.width)
            if any(p < len(r.cells) and _CODE_AND_NAME.match(r.cells[p].strip() or "-") for r in layout.data)
        ),
        layout.width // 2,
    )
    names = [s.name for s in ctx.spec.sides]
    return {names[0]: list(range(start)), names[1]: list(range(start, layout.width))}
