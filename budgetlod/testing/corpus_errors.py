"""Deliberate errors in a synthetic disclosure, each recorded where it was made."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from decimal import Decimal

from budgetlod.testing.corpus_doc import Doc, Fact, Line, RowRec, money

ERROR_KINDS: tuple[str, ...] = (
    "changed_cell",  # a leaf cell of a coded table altered: its subtotals no longer add up
    "wrong_subtotal",  # a 类/款 subtotal cell altered
    "wrong_table_total",  # a 总计 cell altered
    "wrong_cross_table",  # 表10 consistently raised: no longer equal to 表6 30231 公务用车运行维护费
    "dropped_row",  # a leaf row removed
    "duplicated_row",  # a leaf row printed twice
    "swapped_codes",  # the codes of two leaf rows exchanged
    "unknown_code",  # a leaf row's 类 code replaced by one not in the classification
    "malformed_code",  # a code cell with a letter in it
    "malformed_amount",  # an amount cell with a letter in it
    "wrong_narrative_amount",  # a figure of 第三部分 that no longer equals its table cell
    "wrong_share",  # an 占 …% that is not part/total
    "wrong_rate",  # an 增长/下降 …% that is not change/prior
    "wrong_procurement_sum",  # 政府采购预算 ≠ goods + works + services
    "wrong_sangong",  # the “三公” total of the narrative ≠ 表10 and the sum of its items
)

# Errors of the whole file: the document cannot be read as a disclosure at all (bulk ingest reports it as
# unreadable). Applied to the rendered text, after the errors above.
FILE_ERROR_KINDS: tuple[str, ...] = (
    "empty",  # nothing but white space (P001 file is empty)
    "binary",  # control bytes (NUL …) in a line: not a text document (P002)
    "not_a_disclosure",  # another kind of document, a meeting notice: no title, part or table of the template (P004)
)
NOTICE = (
    "关于召开{year}年第一季度安全生产工作会议的通知\n\n各科室：\n\n"
    "定于{year}年3月15日上午10:00在三楼会议室召开安全生产工作会议，请各科室负责人准时参加。\n\n"
    "{unit}办公室\n\n{year}年3月10日\n"
)

CODED = ("t02", "t03", "t05", "t06", "t07", "t08", "t09")
LEAF_TABLES = ("t02", "t03", "t05", "t06")

Record = tuple[str, str | None, Line, str]


def _amount(text: str) -> int:
    return int(Decimal(text.replace(",", "")) * 100)


def _is_leaf(row: RowRec) -> bool:
    return row.level == "项" or row.level == "project" or (row.table == "t06" and row.level == "款")


def _filled(row: RowRec) -> list[str]:
    assert row.line.cells is not None
    return [c for c, i in row.values.items() if row.line.cells[i]]


def _delta(rng: random.Random, old: int) -> int:
    delta = rng.randint(1, 5000)
    return -delta if old > delta and rng.random() < 0.5 else delta


class Injector:
    def __init__(self, doc: Doc, rng: random.Random) -> None:
        self.doc, self.rng = doc, rng

    def _rows(self, test: Callable[[RowRec], bool]) -> list[RowRec]:
        rows = [r for r in self.doc.rows if r.line in self.doc.lines and test(r) and _filled(r)]
        if not rows:
            raise LookupError("no row to alter")
        return rows

    def _change_cell(self, kind: str, test: Callable[[RowRec], bool]) -> Record:
        row = self.rng.choice(self._rows(test))
        column = self.rng.choice(_filled(row))
        cells = row.line.cells
        assert cells is not None
        index = row.values[column]
        old = _amount(cells[index])
        new = old + _delta(self.rng, old)
        cells[index] = money(new)
        return kind, row.table, row.line, f"{row.table} {row.name} [{column}]: {money(old)} -> {money(new)}"

    def _fact(self, kind: str, facts: list[Fact], field: str, percent: bool = False) -> Record:
        candidates = [f for f in facts if field in f.spans and f.spans[field][0] in self.doc.lines]
        if not candidates:
            raise LookupError(f"no narrative {field} to alter")
        fact = self.rng.choice(candidates)
        line, span = fact.spans[field]
        old = line.text[span.start : span.end]
        value = _amount(old) if old != "0" else 0
        if percent:
            new = format(Decimal(value + self.rng.choice((-1, 1)) * self.rng.randint(50, 999)).scaleb(-2).copy_abs(),
                         ".2f")
            if new == old:
                new = format(Decimal(value + 1000).scaleb(-2), ".2f")
        else:
            new = money(value + _delta(self.rng, value))
        line.replace(span, new)
        return kind, None, line, f"{fact.section} {fact.subject} [{field}]: {old} -> {new}"

    def apply(self, kind: str) -> Record:
        doc, rng = self.doc, self.rng
        if kind == "changed_cell":
            return self._change_cell(kind, lambda r: r.table in CODED and _is_leaf(r))
        if kind == "wrong_subtotal":
            return self._change_cell(kind, lambda r: r.table in CODED and r.level in ("类", "款") and not _is_leaf(r))
        if kind == "wrong_table_total":
            return self._change_cell(kind, lambda r: r.table in CODED and r.level == "total")
        if kind == "wrong_cross_table":
            rows = {r.name: r for r in doc.rows if r.table == "t10"}
            delta = rng.randint(1, 2000)
            for name in ("合计", "公务用车购置及运行费（小计）", "公务用车运行费"):
                cells = rows[name].line.cells
                assert cells is not None
                for i in (1, 2):
                    cells[i] = money((_amount(cells[i]) if cells[i] else 0) + delta)
            line = rows["公务用车运行费"].line
            return kind, "t10", line, f"t10 公务用车运行费 raised by {money(delta)} (≠ t06 30231)"
        if kind in ("dropped_row", "duplicated_row", "swapped_codes", "unknown_code", "malformed_code"):
            leaves = self._rows(lambda r: r.table in LEAF_TABLES and _is_leaf(r))
            row = rng.choice(leaves)
            cells = row.line.cells
            assert cells is not None
            position = doc.lines.index(row.line)
            label = f"{row.table} {' '.join(cells[i] for i in row.codes)} {row.name}"
            if kind == "dropped_row":
                doc.lines.pop(position)
                return kind, row.table, doc.lines[position], f"{label}: row removed (before this line)"
            if kind == "duplicated_row":
                copy = Line(cells=list(cells))
                doc.lines.insert(position + 1, copy)
                return kind, row.table, copy, f"{label}: row printed twice"
            if kind == "swapped_codes":
                others = [r for r in leaves if r.table == row.table and r is not row
                          and [r.line.cells[i] for i in r.codes if r.line.cells] != [cells[i] for i in row.codes]]
                other = rng.choice(others)
                other_cells = other.line.cells
                assert other_cells is not None
                for i in row.codes:
                    cells[i], other_cells[i] = other_cells[i], cells[i]
                return kind, row.table, row.line, f"{label}: codes swapped with {other.name}"
            if kind == "unknown_code":
                old = cells[row.codes[0]]
                cells[row.codes[0]] = "304" if row.table == "t06" else "218"
                return kind, row.table, row.line, f"{label}: class code {old} -> {cells[row.codes[0]]}"
            old = cells[row.codes[1]]
            cells[row.codes[1]] = old.replace("0", "O", 1) if "0" in old else old[0] + "O" + old[1:]
            return kind, row.table, row.line, f"{label}: code {old} -> {cells[row.codes[1]]}"
        if kind == "malformed_amount":
            row = rng.choice(self._rows(lambda r: r.table in CODED))
            column = rng.choice(_filled(row))
            cells = row.line.cells
            assert cells is not None
            old = cells[row.values[column]]
            digits = [i for i, ch in enumerate(old) if ch.isdigit()]
            at = rng.choice(digits)
            cells[row.values[column]] = old[:at] + rng.choice("OlS") + old[at + 1 :]
            return kind, row.table, row.line, f"{row.table} {row.name} [{column}]: {old} -> {cells[row.values[column]]}"
        facts = doc.facts
        if kind == "wrong_narrative_amount":
            pool = [f for f in facts if f.ref is not None and f.section not in ("十",)]
            return self._fact(kind, pool, "amount")
        if kind == "wrong_share":
            return self._fact(kind, facts, "share", percent=True)
        if kind == "wrong_rate":
            return self._fact(kind, facts, "rate", percent=True)
        if kind == "wrong_procurement_sum":
            return self._fact(kind, [f for f in facts if f.subject == "政府采购预算"], "amount")
        if kind == "wrong_sangong":
            return self._fact(kind, [f for f in facts if f.subject == "“三公”经费"], "amount")
        raise ValueError(f"unknown error kind {kind!r}; known: {', '.join(ERROR_KINDS)}")


def inject(doc: Doc, kinds: Sequence[str], rng: random.Random) -> list[Record]:
    unknown = [k for k in kinds if k not in ERROR_KINDS]
    if unknown:
        raise ValueError(f"unknown error kind(s) {unknown}; known: {', '.join(ERROR_KINDS)}")
    injector = Injector(doc, rng)
    return [injector.apply(kind) for kind in kinds]


def damage(text: str, kind: str, rng: random.Random, *, unit: str, year: int) -> tuple[str, int, str]:
    """A file-level error (:data:`FILE_ERROR_KINDS`): (new text, line, description)."""
    if kind == "empty":
        return "\n", 1, "the file holds nothing but a line break"
    if kind == "binary":
        lines = text.split("\n")
        at = rng.randrange(len(lines) // 4, len(lines) // 2)
        lines[at] = "\x00\x01\x02\x00" + lines[at]
        return "\n".join(lines), at + 1, "NUL and control bytes at the start of the line"
    if kind == "not_a_disclosure":
        return NOTICE.format(year=year, unit=unit), 1, "a meeting notice instead of the disclosure"
    raise ValueError(f"unknown file error kind {kind!r}; known: {', '.join(FILE_ERROR_KINDS)}")
