"""Variants of the sample as real converters and templates produce them.

Each function turns the sample's text into a variant; ``python tests/variants.py``
writes them to ``tests/cases/<name>/source.*`` (generated files, committed), and
``tests/test_cases.py`` regenerates them and checks they are unchanged.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from paths import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"

_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})*\.\d{2}$")


def _table_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line indexes of each Markdown table."""
    spans, start = [], None
    for i, line in enumerate([*lines, ""]):
        if line.startswith("|") and start is None:
            start = i
        elif not line.startswith("|") and start is not None:
            spans.append((start, i))
            start = None
    return spans


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def html_tables(text: str) -> str:
    """Markdown tables -> HTML tables: merged header cells as colspan, a <br> inside a wrapped cell."""
    lines = text.split("\n")
    out: list[str] = []
    last = 0
    for start, end in _table_spans(lines):
        out.extend(lines[last:start])
        rows = [_cells(line) for line in lines[start:end] if not re.match(r"^\|[-|\s:]+\|$", line)]
        html = ["<table border=\"1\">"]
        for r, cells in enumerate(rows):
            header = r < 3 and not any(_AMOUNT.match(c) for c in cells)
            tds: list[str] = []
            i = 0
            while i < len(cells):
                span = 1
                if header and cells[i] and r == 0:
                    while i + span < len(cells) and not cells[i + span]:
                        span += 1
                text_cell = cells[i].replace("及相关机构事务", "及相关机<br/>构事务").replace("&", "&amp;")
                attr = f' colspan="{span}"' if span > 1 else ""
                tag = "th" if header else "td"
                tds.append(f"<{tag}{attr}>{text_cell}</{tag}>")
                i += span
            html.append("  <tr>" + "".join(tds) + "</tr>")
        html.append("</table>")
        out.extend(html)
        last = end
    out.extend(lines[last:])
    return "\n".join(out)


def yuan(text: str) -> str:
    """单位：万元 -> 单位：元 with every table figure scaled by 10,000."""
    lines = text.split("\n")
    spans = _table_spans(lines)
    inside = {i for s, e in spans for i in range(s, e)}
    for i, line in enumerate(lines):
        if line.strip() == "单位：万元":
            lines[i] = "单位：元"
        elif i in inside:
            cells = _cells(line)
            if any(_AMOUNT.match(c) for c in cells):
                scaled = [f"{Decimal(c.replace(',', '')) * 10000:,.2f}" if _AMOUNT.match(c) else c for c in cells]
                lines[i] = "| " + " | ".join(scaled) + " |"
    return "\n".join(lines)


NUMBERINGS = {
    1: "表一",
    2: "表 2:",
    3: "公开03表",
    4: "公开表4-1",
    5: "表五",
    7: "表 七",
    8: "表8：",
    9: "表 9",
    10: "表十",
    11: "表十一",
}


def numbering(text: str) -> str:
    """表一 / 表 2: / 公开03表 / 公开表4-1 / a 《…》 title without number / 部门 for 单位 / half-width brackets."""
    def heading(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return NUMBERINGS.get(n, "")

    text = re.sub(r"(?m)^表 (\d+)$", heading, text)
    text = text.replace("\n一般公共预算基本支出情况表\n", "\n《一般公共预算基本支出情况表》\n")
    text = text.replace("\n单位收支总体情况表\n", "\n部门收支总体情况表\n")
    return text.replace("| 因公出国（境）费 |", "| 因公出国(境)费 |")


def wrapped_headers(text: str) -> str:
    """Header cells wrapped and letter-spaced differently; one header row fewer in 表3 and 表5."""
    text = text.replace("| 科目 | | | 支出预算 | | | |\n", "")
    text = text.replace("| 科目 | | | 一般公共预算支出 | | | |\n", "")
    text = text.replace("| 功能分类科目编码 | | | 功能分类科目名称 | 合计 | 基本支出 | 项目支出 |",
                        "| 功能分类 科目编码 | | | 功能分类 科目名称 | 合 计 | 基本 支出 | 项目 支出 |")
    text = text.replace("财政拨款（补助） |", "财 政 拨 款 （补 助） |")
    text = text.replace("| 一、本年收入 |", "| 一、本 年 收 入 |")
    text = text.replace("| 项目 | 预算数 | 支出功能分类 | 预算数 |", "| 项 目 | 预 算 数(万元) | 支出功能分类 | 预 算 数(万元) |")
    return text.replace("| 经济分类科目编码 | | 科目 |", "| 经济分类 科目编码 | | 科 目 |")


def page_breaks(text: str) -> str:
    """表6 split across pages with its header repeated, 表2 without; page numbers and footers between."""
    footer = "\n\n- 5 -\n\n乌鲁木齐市12345政务服务热线中心2024年单位预算公开 第 5 页\n\n"
    t6_header = (
        "| 经济分类科目编码 | | 科目 | 一般公共预算基本支出 | | |\n"
        "|------------|----|------------------|---------------|---------------|--------------|\n"
        "| 类 | 款 | 经济分类科目名称 | 合计 | 人员经费 | 公用经费 |\n"
        "| ※ | ※ | ※ | 1 | 2 | 3 |\n"
    )
    marker = "| 302 | | 商品和服务支出 |"
    text = text.replace(marker, footer.rstrip("\n") + "\n\n续表\n\n" + t6_header + marker, 1)
    marker2 = "| 208 | | | 社会保障和就业支出 | 55.35 | 55.35 | 55.35 |"
    text = text.replace(marker2, "| 4 | | | | | | | | | | | | | | | |\n\n- 4 -\n\n" + marker2, 1)
    return text


def toc_field_codes(text: str) -> str:
    """The table of contents as Word leaves it: field codes and dot leaders."""
    start = text.index("目 录")
    end = text.index("第一部分", text.index("第四部分 名词解释"))
    toc = (
        "目 录\n\n"
        'TOC \\o "1-3" \\h \\z \\u HYPERLINK \\l "_Toc159845101" 第一部分 2024 年乌鲁木齐市 12345 '
        "政务服务热线中心单位概况 PAGEREF _Toc159845101 \\h 3\n\n"
        'HYPERLINK \\l "_Toc159845102" 第二部分 2024 年单位预算公开表 PAGEREF _Toc159845102 \\h 4\n\n'
        "第三部分 2024 年单位预算情况说明..........................................15\n\n"
        "第四部分 名词解释……………………………………………………22\n\n"
    )
    return text[:start] + toc + text[end:]


def gb18030_crlf(text: str) -> bytes:
    """The same text as a GBK-family file with Windows line endings."""
    return text.replace("\n", "\r\n").encode("gb18030")


def utf8_bom(text: str) -> bytes:
    return b"\xef\xbb\xbf" + text.encode("utf-8")


TEXT_VARIANTS: dict[str, Callable[[str], str]] = {
    "html-tables": html_tables,
    "yuan": yuan,
    "numbering": numbering,
    "wrapped-headers": wrapped_headers,
    "page-breaks": page_breaks,
    "toc-field-codes": toc_field_codes,
}
BYTE_VARIANTS: dict[str, Callable[[str], bytes]] = {
    "gb18030-crlf": gb18030_crlf,
    "utf8-bom": utf8_bom,
}


def render(name: str) -> bytes:
    sample = SAMPLE.read_text(encoding="utf-8")
    if name in TEXT_VARIANTS:
        return TEXT_VARIANTS[name](sample).encode("utf-8")
    return BYTE_VARIANTS[name](sample)


def main() -> None:
    for name in [*TEXT_VARIANTS, *BYTE_VARIANTS]:
        target = CASES / name / "source.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render(name))
        print(f"wrote {target.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
