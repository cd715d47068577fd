"""The Word reader (.docx): the document body in order, paragraphs and tables, with python-docx and lxml.

* Paragraphs and headings in body order, interleaved with tables; content controls (``w:sdt``) and custom XML
  are opened; a text box's paragraphs follow the paragraph that anchors it (``mc:Fallback`` copies are skipped).
* A paragraph's text is its runs' ``w:t`` (inserted text included, deleted text and field instructions not);
  hidden text (``w:vanish``) is not printed, so it is not read; a line break (``w:br``) starts a new paragraph;
  automatic list numbers (``w:numPr``) are printed as Word numbers them (``一、``, ``（一）``, ``1.``).
* Table-of-contents entries (a ``TOC`` field, or a ``toc N`` style) are dropped with P107, like the text
  reader's TOC lines.
* Tables: ``gridSpan`` gives the text in the first cell and ``""`` in the covered ones; a ``vMerge``
  continuation is ``""``; ``gridBefore``/``gridAfter`` are blank cells; a cell's paragraphs are joined by a line
  break. A table that holds tables is a layout table: its cells' paragraphs and tables are read in order instead.
* Locator: the page as Word last laid the document out (``w:lastRenderedPageBreak``, explicit page breaks),
  when the file records it (a file Word saved); otherwise only the file (a generated file has no pages).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from budgetlod.findings import Reporter
from budgetlod.read.decode import DAMAGED, damage, refuse
from budgetlod.read.docx_numbering import Numbering
from budgetlod.read.pieces import Pieces
from budgetlod.read.stream import Limits, Locator, Read
from budgetlod.read.xlsx import check_unzipped

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W}}}"
KIND = "Word document (.docx)"


def q(name: str) -> str:
    return _W + name


class _Walker:
    def __init__(self, pieces: Pieces, file: str, styles: dict[str, str], numbering: Numbering, paged: bool):
        self.pieces = pieces
        self.file = file
        self.styles = styles  # style id -> name, lower case ("toc 1", "heading 1")
        self.numbering = numbering
        self.paged = paged
        self.page = 1
        self.fields: list[str] = []  # open fields, by instruction word ("TOC", "PAGEREF", …)
        self.instruction: list[str] = []

    def where(self) -> Locator:
        return Locator(self.file, page=self.page) if self.paged else Locator(self.file)

    # --- body

    def body(self, parent: Any) -> None:
        for child in parent:
            tag = child.tag
            if tag == q("p"):
                self.paragraph(child)
            elif tag == q("tbl"):
                self.table(child)
            elif tag in (q("sdt"), q("customXml"), q("smartTag")):
                content = child.find(q("sdtContent")) if tag == q("sdt") else child
                if content is not None:
                    self.body(content)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.body(choice)

    def paragraph(self, element: Any) -> None:
        toc = "TOC" in self.fields or self._style(element).startswith("toc ")
        where = self.where()
        text, boxes = self.text(element)
        toc = toc or "TOC" in self.fields
        if text.strip():
            label = self.numbering.label(element, self.styles_of(element))
            if toc:
                self.pieces.junk(text, where)
            else:
                self.pieces.paragraph(label + text if label and text.strip() else text, where)
        for box in boxes:
            self.body(box)

    def styles_of(self, element: Any) -> str:
        style = element.find(f"{_W}pPr/{_W}pStyle")
        return style.get(q("val"), "") if style is not None else ""

    def _style(self, element: Any) -> str:
        return self.styles.get(self.styles_of(element), "")

    def text(self, paragraph: Any) -> tuple[str, list[Any]]:
        """The printed text of a paragraph, and the text boxes anchored in it."""
        out: list[str] = []
        boxes: list[Any] = []
        if paragraph.find(f"{_W}pPr/{_W}pageBreakBefore") is not None and self.paged:
            self.page += 1
        for node in _runs_in_order(paragraph, boxes):
            tag = node.tag
            if tag == q("t"):
                if not self._instruction_part():
                    out.append(node.text or "")
            elif tag == q("tab"):
                out.append("\t")
            elif tag in (q("br"), q("cr")):
                if node.get(q("type")) == "page" and self.paged:
                    self.page += 1
                out.append("\n")
            elif tag == q("noBreakHyphen"):
                out.append("-")
            elif tag == q("lastRenderedPageBreak") and self.paged:
                self.page += 1
            elif tag == q("fldChar"):
                self._field_char(node.get(q("fldCharType")))
            elif tag == q("instrText"):
                self.instruction.append(node.text or "")
        return "".join(out), boxes

    def _instruction_part(self) -> bool:
        return bool(self.fields) and self.fields[-1] == "…"

    def _field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append("…")  # instructions follow, up to "separate"
            self.instruction = []
        elif kind == "separate" and self.fields:
            words = "".join(self.instruction).split()
            self.fields[-1] = words[0].upper() if words else ""
        elif kind == "end" and self.fields:
            self.fields.pop()

    # --- tables

    def table(self, element: Any) -> None:
        rows = [tr for tr in _children(element, "tr")]
        if any(tc.find(f".//{_W}tbl") is not None for tr in rows for tc in _children(tr, "tc")):
            for tr in rows:  # a layout table: its content in reading order
                for tc in _children(tr, "tc"):
                    self.body(tc)
            return
        where = self.where()
        gathered: list[tuple[list[str], dict[int, int], Locator]] = []
        for tr in rows:
            gathered.append((*self.row(tr), self.where()))
            if self.pieces.full(gathered):
                break
        if gathered:
            self.pieces.grid(where, gathered)

    def row(self, tr: Any) -> tuple[list[str], dict[int, int]]:
        """The row's cells on the table's grid, and the grid columns where a cell starts, with its span."""
        cells: list[str] = []
        starts: dict[int, int] = {}
        properties = tr.find(q("trPr"))
        before = _int(properties, "gridBefore") if properties is not None else 0
        after = _int(properties, "gridAfter") if properties is not None else 0
        cells.extend([""] * min(before, self.pieces.limits.span))
        for tc in _children(tr, "tc"):
            tc_properties = tc.find(q("tcPr"))
            span = max(1, min(_int(tc_properties, "gridSpan") or 1, self.pieces.limits.span))
            merge = tc_properties.find(q("vMerge")) if tc_properties is not None else None
            continued = merge is not None and merge.get(q("val"), "continue") == "continue"
            text = "" if continued else self.cell_text(tc)
            starts[len(cells)] = span
            cells.append(text)
            cells.extend([""] * (span - 1))
        cells.extend([""] * min(after, self.pieces.limits.span))
        return cells, starts

    def cell_text(self, tc: Any) -> str:
        lines = []
        for paragraph in tc.iter(q("p")):
            text, _ = self.text(paragraph)
            label = self.numbering.label(paragraph, self.styles_of(paragraph))
            text = text.replace("\t", " ").strip()
            if text:
                lines.append(label + text)
        return "\n".join(lines)


def _children(element: Any, name: str) -> Iterator[Any]:
    """Rows of a table, cells of a row: also inside content controls and custom XML."""
    for child in element:
        if child.tag == q(name):
            yield child
        elif child.tag in (q("sdt"), q("customXml")):
            content = child.find(q("sdtContent")) if child.tag == q("sdt") else child
            if content is not None:
                yield from _children(content, name)


_SKIP = {q("del"), q("moveFrom"), q("pPr"), q("rPr"), f"{{{MC}}}Fallback", q("txbxContent")}


def _runs_in_order(paragraph: Any, boxes: list[Any]) -> Iterator[Any]:
    """The run content of a paragraph in order, not inside deleted text, hidden runs or text boxes."""
    for child in paragraph:
        tag = child.tag
        if tag in _SKIP:
            if tag == q("txbxContent"):
                boxes.append(child)
            continue
        if tag == q("r") and _hidden(child):
            continue
        if tag in (
            q("t"),
            q("tab"),
            q("br"),
            q("cr"),
            q("noBreakHyphen"),
            q("lastRenderedPageBreak"),
            q("fldChar"),
            q("instrText"),
        ):
            yield child
        elif tag == q("fldSimple") or len(child):
            yield from _runs_in_order(child, boxes)


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(q("val"), "true") not in ("0", "false", "off")


def _int(properties: Any, name: str) -> int:
    if properties is None:
        return 0
    node = properties.find(q(name))
    try:
        return int(node.get(q("val"), "0")) if node is not None else 0
    except ValueError:
        return 0


def read_docx(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """A .docx -> paragraphs and tables in body order."""
    check_unzipped(data, KIND)
    import docx  # a reader imports its library when it is called
    from docx.opc.exceptions import PackageNotFoundError

    damaged: tuple[type[BaseException], ...] = (PackageNotFoundError, NotImplementedError, *DAMAGED)
    try:
        document = docx.Document(io.BytesIO(data))
        styles = {s.style_id: (s.name or "").lower() for s in document.styles if s.style_id}
        numbering = Numbering.of(document)
        body = document.element.body
    except damaged as exc:
        raise refuse("R004", kind=KIND, reason=damage(exc)) from exc
    paged = body.find(f".//{_W}lastRenderedPageBreak") is not None
    walker = _Walker(Pieces(reporter, limits), name, styles, numbering, paged)
    walker.body(body)
    return walker.pieces.read(pages=walker.page if paged else None)


