"""Fuzzing the chain parse → map → validate: seeds, mutations, and the property one case must keep.

A case is a seed document (the bundled example, the test cases' sources, text extracted from real PDFs in
``tests/fuzz_seeds/``) changed by a few mutations, each drawn with its own integer seed so that a case is
reproducible from its recipe (:class:`Recipe`): lines deleted, duplicated, swapped or shuffled; HTML tables
with huge or malformed colspan/rowspan and unclosed or deeply nested tags; giant numbers, long decimals and
odd digits in cells and codes; very long lines; odd characters; truncation; then an encoding (UTF-8, with
BOM, GB18030, UTF-16, Big5 or Latin-1 with replacements, a mix) and byte damage (random bytes, NULs, a cut,
flipped bits).

:func:`run_case` is the property: parsing, the JSON form and the summary, mapping, validation and the Turtle
output of any input end normally or with the documented refusals (``CannotParse``: not a disclosure;
``CannotMap``: no unit/year/phase to name it) — any other exception is a bug. ``tests/test_fuzz.py`` runs a
few hundred cases with hypothesis; ``bench/fuzz.py`` runs 100,000 in worker processes with time and memory
limits.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from budgetlod.findings import format_finding
from budgetlod.formats import to_bytes
from budgetlod.parse.document import parse_bytes
from budgetlod.pipeline import convert_disclosure
from budgetlod.rdf.graph import CannotMap
from budgetlod.read.decode import CannotParse, decode
from budgetlod.serialize import disclosure_json, summary

Outcome = Literal["ok", "cannot-parse", "cannot-map"]
Engine = Literal["pyshacl", "direct", "none"]


def load_seeds(root: Path) -> list[tuple[str, str]]:
    """(name, decoded text) of every seed under the repository ``root``."""
    paths = [
        *sorted(root.glob("examples/*.txt")),
        *sorted(root.glob("tests/cases/*/source.txt")),
        *sorted(root.glob("tests/fuzz_seeds/*.txt")),
    ]
    return [(path.relative_to(root).as_posix(), decode(path.read_bytes())[0]) for path in paths]


# --- what mutations put in

_SPANS = ("1", "2", "3", "0", "-1", "abc", "3px", "", " 7", "100", "101", "65534", "1000000", "9" * 12, "9" * 5000)
_CELLS = (
    "", "1,487.40", "0.00", "-", "201", "20103", "2010350", "201 03", "20l03", "２０１", "٢٠١", "总计", "合计",
    "一般公共服务支出", "1,48a.40", "9" * 40, "1." + "1" * 30, "1e999", "NaN", "−3.5", "１２３．４５", "<b>1</b>",
    "&amp;", "&#0;", "&#x110000;", "a|b", "\u200b", "\u3000", "²", "①", "事业运行\n447.05",
)  # fmt: skip
_CHARS = (
    "\u200b", "\ufeff", "\u3000", "\u00a0", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u202e", "\ud7ff", "\r",
    "<", ">", "&", "|", "\\", "`", '"', "'", "{", "}", "%", "#", "\t", "　", "※", "（", "）", "：", "表", "元",
    "²", "٣", "Ⅻ", "\U0001f600", "\u0301", "\ufffd",
)  # fmt: skip
_BIG_NUMBERS = (
    lambda r: "9" * r.choice((16, 21, 40, 4300, 4301, 5000, 20000)),
    lambda r: "1." + "7" * r.choice((11, 19, 40, 5000)),
    lambda r: "1" + ",000" * r.randint(5, 2000),
    lambda r: "-" + "8" * r.randint(1, 30),
    lambda r: "0" * r.randint(2, 5000) + "1",
    lambda r: "".join(r.choice("٠١٢٣٤٥٦٧٨٩０１２３４５６７８９") for _ in range(r.randint(1, 12))),
    lambda r: r.choice(("1e5", "1E-3", "Infinity", "1_000", "0x1F", "1.2.3", "1,23,4")),
)
_NUMBER = re.compile(r"\d[\d,.]*")


def _span_attr(rng: random.Random, name: str) -> str:
    if rng.random() < 0.6:
        return ""
    value = rng.choice(_SPANS)
    return f' {name}="{value}"' if rng.random() < 0.8 else f" {name}={value}"


def html_table(rng: random.Random, scale: int) -> list[str]:
    """A table of random size with random (often huge or malformed) spans; sometimes tags left open."""
    lines = ["<table>"]
    for _ in range(rng.randint(1, 30)):
        cells = "".join(
            f"<{rng.choice(('td', 'th'))}{_span_attr(rng, 'colspan')}{_span_attr(rng, 'rowspan')}>"
            f"{rng.choice(_CELLS)}{'' if rng.random() < 0.05 else '</td>'}"
            for _ in range(rng.randint(1, min(scale, 40)))
        )
        lines.append(f"<tr>{cells}{'' if rng.random() < 0.05 else '</tr>'}")
    if rng.random() < 0.9:
        lines.append("</table>")
    return lines


# --- mutations of the lines of a document: (rng, lines, scale) -> lines

Mutation = Callable[[random.Random, list[str], int], list[str]]


def _at(rng: random.Random, lines: list[str]) -> int:
    return rng.randrange(len(lines) + 1)


def _delete(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    i = _at(rng, lines)
    return lines[:i] + lines[i + rng.randint(1, 20) :]


def _duplicate(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    i = _at(rng, lines)
    return lines[:i] + lines[i : i + rng.randint(1, 20)] * rng.randint(1, 3) + lines[i:]


def _swap(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    if len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return lines


def _shuffle(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    i = _at(rng, lines)
    window = lines[i : i + rng.randint(2, 30)]
    rng.shuffle(window)
    return lines[:i] + window + lines[i + len(window) :]


def _truncate(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    i = _at(rng, lines)
    last = lines[i] if i < len(lines) else ""
    return [*lines[:i], last[: rng.randrange(len(last) + 1)]]


def _spans(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    """An HTML table with random spans, or a Markdown table of the document rewritten as one."""
    i = _at(rng, lines)
    rows = [n for n, line in enumerate(lines) if line.lstrip().startswith("|")]
    if rows and rng.random() < 0.5:
        start = rng.choice(rows)
        end = start
        while end < len(lines) and lines[end].lstrip().startswith("|"):
            end += 1
        html = ["<table>"]
        for line in lines[start:end]:
            cells = line.strip().strip("|").split("|")
            html.append("<tr>" + "".join(
                f"<td{_span_attr(rng, 'colspan')}{_span_attr(rng, 'rowspan')}>{c.strip()}</td>" for c in cells
            ) + "</tr>")  # fmt: skip
        return [*lines[:start], *html, "</table>", *lines[end:]]
    return lines[:i] + html_table(rng, scale) + lines[i:]


def _number(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    candidates = [n for n, line in enumerate(lines) if any(ch.isdigit() for ch in line)]
    if candidates:
        n = rng.choice(candidates)
        found = list(_NUMBER.finditer(lines[n]))
        if found:
            m = rng.choice(found)
            lines[n] = lines[n][: m.start()] + rng.choice(_BIG_NUMBERS)(rng) + lines[n][m.end() :]
    return lines


def _long_line(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    unit = rng.choice(("|", "| 1 ", "中", "1", "<td>", "<td colspan=100>", "表1 ", "、1万元", " ", "，", "<"))
    line = unit * (rng.randint(100, scale * 100) // len(unit))
    i = _at(rng, lines)
    return [*lines[:i], rng.choice(("", "| ", "分别为", "<table><tr>", "其中：")) + line, *lines[i:]]


def _nesting(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    depth = rng.randint(10, scale * 10)
    open_, close = rng.choice(
        (("<table><tr><td>", "</td></tr></table>"), ("<div>", "</div>"), ("<b>", "</b>"), ("<p>", "</p>"),
         ("<td>", ""), ("<!--", "-->"), ("<![CDATA[", "]]>"), ("<tr>", "</tr>"))
    )  # fmt: skip
    body = open_ * depth + rng.choice(_CELLS) + (close * depth if rng.random() < 0.5 else "")
    i = _at(rng, lines)
    return [*lines[:i], ("<table>" if rng.random() < 0.5 else "") + body, *lines[i:]]


def _cell(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    rows = [n for n, line in enumerate(lines) if line.lstrip().startswith("|")]
    if rows:
        n = rng.choice(rows)
        cells = lines[n].split("|")
        k = rng.randrange(len(cells))
        cells[k] = f" {rng.choice(_CELLS)} "
        lines[n] = "|".join(cells)
    return lines


def _pipes(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    rows = [n for n, line in enumerate(lines) if "|" in line]
    if rows:
        n = rng.choice(rows)
        line = lines[n]
        k = rng.randrange(len(line) + 1)
        lines[n] = line[:k] + rng.choice(("|", "||", "\\|", "", "|---|")) + line[k + rng.randint(0, 3) :]
    return lines


def _chars(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    if lines:
        n = rng.randrange(len(lines))
        line = lines[n]
        for _ in range(rng.randint(1, 5)):
            k = rng.randrange(len(line) + 1)
            line = line[:k] + rng.choice(_CHARS) + line[k:]
        lines[n] = line
    return lines


def _heading(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    text = rng.choice((
        "表 " + "9" * rng.choice((3, 12, 5000)), "表 ２", "公开" + "0" * 40 + "1表", "表十一十一", "表 1：", "续表",
        "第二部分 2024年部门预算公开表", "单位：亿元", "单位：", "编制单位：", "第九部分", "表 1 单位收支总体情况表",
        "2024年度单位预算", "9999年单位决算", "0000年预算", "2024年13月45日", "单位概况" * 50,
    ))  # fmt: skip
    i = _at(rng, lines)
    return [*lines[:i], text, *lines[i:]]


def _blank(rng: random.Random, lines: list[str], scale: int) -> list[str]:
    filler = rng.choice(("", "— 3 —", "第 3 页 共 9 页", "目录........3", "   ", "|"))
    i = _at(rng, lines)
    return lines[:i] + [filler] * rng.randint(1, scale * 10) + lines[i:]


MUTATIONS: dict[str, Mutation] = {
    "delete": _delete,
    "duplicate": _duplicate,
    "swap": _swap,
    "shuffle": _shuffle,
    "truncate": _truncate,
    "spans": _spans,
    "number": _number,
    "long_line": _long_line,
    "nesting": _nesting,
    "cell": _cell,
    "pipes": _pipes,
    "chars": _chars,
    "heading": _heading,
    "blank": _blank,
}

# --- encodings and byte damage

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5", "latin-1", "mixed")


def encode(text: str, encoding: str) -> bytes:
    if encoding == "mixed":  # a file pasted together from two encodings
        half = len(text) // 2
        return text[:half].encode("utf-8", "replace") + text[half:].encode("gb18030", "replace")
    return text.encode(encoding, "replace")


def _bytes(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data) + 1)
    return data[:k] + rng.randbytes(rng.randint(1, 64)) + data[k:]


def _nul(rng: random.Random, data: bytes) -> bytes:
    k = rng.randrange(len(data) + 1)
    return data[:k] + b"\x00" * rng.randint(1, 3) + data[k:]


def _cut(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _flip(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 16) if buffer else 0):
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


BYTE_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "bytes": _bytes,
    "nul": _nul,
    "cut": _cut,
    "flip": _flip,
}


@dataclass(frozen=True)
class Recipe:
    """How a case is made: seed, mutations with their own random seeds, encoding, byte damage."""

    seed: str
    mutations: tuple[tuple[str, int], ...]
    encoding: str = "utf-8"
    damage: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    scale: int = 1000  # bounds sizes: a long line has up to scale × 100 characters

    def build(self, seeds: dict[str, str]) -> bytes:
        lines = seeds[self.seed].split("\n")
        for name, number in self.mutations:
            lines = MUTATIONS[name](random.Random(number), lines, self.scale)
        data = encode("\n".join(lines), self.encoding)
        for name, number in self.damage:
            data = BYTE_MUTATIONS[name](random.Random(number), data)
        return data


def random_recipe(rng: random.Random, seeds: Sequence[str], scale: int = 1000) -> Recipe:
    """A recipe drawn at random: 1–4 mutations, UTF-8 most of the time, byte damage now and then."""
    mutations = tuple((rng.choice(tuple(MUTATIONS)), rng.getrandbits(32)) for _ in range(rng.randint(1, 4)))
    encoding = "utf-8" if rng.random() < 0.7 else rng.choice(ENCODINGS)
    damage = tuple(
        (rng.choice(tuple(BYTE_MUTATIONS)), rng.getrandbits(32)) for _ in range(rng.randint(1, 2))
    ) if rng.random() < 0.15 else ()  # fmt: skip
    return Recipe(rng.choice(tuple(seeds)), mutations, encoding, damage, scale)


def run_case(data: bytes, engine: Engine = "pyshacl") -> Outcome:
    """What the commands do with one file's bytes (parse's outputs, convert's, validate's); returns how it
    ended. Any exception but the documented refusals propagates: that is a bug."""
    try:
        disclosure = parse_bytes(data, "case.txt")
    except CannotParse:
        return "cannot-parse"
    for finding in disclosure.findings:
        format_finding("case.txt", finding)
    disclosure_json(disclosure)
    summary(disclosure)
    try:
        converted = convert_disclosure(disclosure, validate=engine == "pyshacl")
    except CannotMap:
        return "cannot-map"
    if engine == "direct":
        from budgetlod.validate.direct import validate_direct

        validate_direct(converted.quads)
    to_bytes(converted.quads, "ttl")
    return "ok"
