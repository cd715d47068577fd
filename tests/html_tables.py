"""A page of the server read as a test reads it: the body rows of one table's ``<section id=…>`` (each cell with
its attributes) and every link of the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    attrs: dict[str, str]
    cells: list[tuple[dict[str, str], str]] = field(default_factory=list)

    def figures(self) -> dict[str, str]:
        return {a["data-column"]: text for a, text in self.cells if "figure" in a.get("class", "").split()}

    def blanks(self) -> set[str]:
        return {a["data-column"] for a, _ in self.cells if "blank" in a.get("class", "").split() and "data-column" in a}

    def label(self, index: int) -> str:
        labels = [text for a, text in self.cells if "label" in a.get("class", "").split()]
        return labels[index] if index < len(labels) else ""


class TableParser(HTMLParser):
    """The body rows of the ``<section id=…>`` of one table, and every link of the page."""

    def __init__(self, table_id: str | None = None) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # <section> nesting inside the wanted one
        self.in_body = False
        self.rows: list[Row] = []
        self.cell: tuple[dict[str, str], list[str]] | None = None
        self.links: list[tuple[str, str]] = []
        self.anchor: list[str] | None = None
        self.href = ""

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a":
            self.href, self.anchor = attrs.get("href", ""), []
        if tag == "section" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
        if not self.depth:
            return
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append(Row(attrs))
        elif tag == "td" and self.in_body:
            self.cell = (attrs, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.anchor is not None:
            self.links.append((self.href, "".join(self.anchor).strip()))
            self.anchor = None
        if not self.depth:
            return
        if tag == "section":
            self.depth -= 1
        elif tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].cells.append((self.cell[0], "".join(self.cell[1]).strip()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[1].append(data)
        if self.anchor is not None:
            self.anchor.append(data)


def parsed(html: str, table_id: str | None = None) -> TableParser:
    parser = TableParser(table_id)
    parser.feed(html)
    return parser
