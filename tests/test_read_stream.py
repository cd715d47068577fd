"""The reading layer's own rules: the format told from the content, positions of several files, places.

A disclosure published in two files (the bundled example cut at 第二部分, line 66) reads as the single file
does: the same tables and figures, its positions following one another, each finding and each observation
saying which file and line it comes from.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import SAMPLE
from pyoxigraph import NamedNode

from budgetlod.cli import main
from budgetlod.model import SourceInfo
from budgetlod.parse.document import parse_file, parse_files
from budgetlod.pipeline import convert
from budgetlod.prefixes import iri
from budgetlod.read.detect import NotSupported, detect
from budgetlod.read.stream import Locator, Paragraph, Stream

CUT = 66  # 第二部分 2024 年单位预算公开表 (the body's heading; line 14 is the table of contents)


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("two-files")
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    text, tables = folder / "x-2024-text.txt", folder / "x-2024-tables.txt"
    text.write_text("\n".join(lines[: CUT - 1]), encoding="utf-8")
    tables.write_text("\n".join(lines[CUT - 1 :]), encoding="utf-8")
    return text, tables


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "xls"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "doc"),
        (b"{\\rtf1\\ansi hello}", "rtf"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"<html xmlns:o='urn:schemas-microsoft-com:office:office'>\n<body></body></html>", "html"),
        ("2024年单位预算\n<table><tr><td>1</td></tr></table>".encode(), "text"),
        ("第一部分 单位概况".encode("gb18030"), "text"),
    ],
)
def test_the_format_is_told_from_the_content(data: bytes, kind: str) -> None:
    assert detect(data) == kind


def test_a_zip_that_is_no_office_document_is_named_as_such() -> None:
    with pytest.raises(NotSupported, match="a zip archive that is not a Word"):
        detect(_zip("readme.txt"))


def test_a_zip_renamed_xlsx_exits_2_with_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "表3.xlsx"
    fake.write_bytes(_zip("data.csv"))
    result = CliRunner().invoke(main, ["parse", str(fake)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"[ERROR] {fake}: unsupported format: a zip archive that is not a Word (.docx) or Excel (.xlsx) document\n"
    )


def test_positions_of_several_files_follow_one_another() -> None:
    stream = Stream()
    first = SourceInfo("a.txt", "a.txt", "0" * 64, "utf-8", 10, 3)
    second = SourceInfo("b.pdf", "b.pdf", "1" * 64, "", 10, 0, format="pdf", pages=2)
    stream.extend(first, [Paragraph(2, "一")], None, 3)
    stream.extend(second, [Paragraph(1, "二")], {1: Locator("b.pdf", page=2)}, 1)
    assert [b.line for b in stream.blocks] == [2, 4]
    assert stream.locate(2) == Locator("a.txt", line=2)
    assert str(stream.locate(4)) == "b.pdf p. 2"
    assert stream.locate(5) is None and not stream.plain


def test_two_files_read_as_the_single_file(halves: tuple[Path, Path]) -> None:
    whole, parts = parse_file(SAMPLE), parse_files(list(halves))
    assert [s.name for s in parts.sources] == ["x-2024-text.txt", "x-2024-tables.txt"]
    assert [(t.id, t.title) for t in parts.tables] == [(t.id, t.title) for t in whole.tables]
    assert parts.table("t01").row("本年收入").values == {"预算数": Decimal("1487.40")}
    figures = [v for t in parts.tables for r in t.rows for v in r.values.values() if v is not None]
    assert len(figures) == len([v for t in whole.tables for r in t.rows for v in r.values.values() if v is not None])
    assert (parts.meta.unit, parts.meta.year, parts.meta.phase) == (whole.meta.unit, 2024, "预算")
    row = parts.table("t01").row("本年收入")
    assert row.line == 79 and parts.place(79) == "x-2024-tables.txt line 14"  # line 79 of the whole file


def test_a_finding_names_the_file_and_line_it_comes_from(halves: tuple[Path, Path]) -> None:
    findings = [f for f in parse_files(list(halves)).findings if f.code == "P205"]
    assert findings and findings[0].line == 120 and findings[0].where == "x-2024-tables.txt line 55"


def test_the_graph_derives_from_both_files_and_cites_the_place(halves: tuple[Path, Path]) -> None:
    converted = convert(list(halves), validate=False)
    quads = converted.quads
    disclosure = NamedNode(converted.iri)
    derived = {q.object for q in quads if q.subject == disclosure and q.predicate == NamedNode(iri("prov:wasDerivedFrom"))}
    names = {q.object.value for q in quads if q.predicate == NamedNode(iri("bl:fileName"))}
    assert len(derived) == 2 and names == {"x-2024-text.txt", "x-2024-tables.txt"}
    places = {q.object.value for q in quads if q.predicate == NamedNode(iri("bl:sourcePlace"))}
    assert "x-2024-tables.txt line 14" in places
    single = convert(SAMPLE, validate=False).quads
    assert not any(q.predicate == NamedNode(iri("bl:sourcePlace")) for q in single)  # file:line says it


def test_the_command_line_reads_several_files_as_one(halves: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(main, ["parse", "-q", *map(str, halves)])
    assert result.exit_code == 0, result.stderr
    assert "1,487.40" in result.stdout
    joined = "+".join(map(str, halves))
    validated = CliRunner().invoke(main, ["validate", joined])
    assert validated.exit_code == 0 and validated.stdout.startswith(f"{joined}: 0 violations")


def test_the_graph_does_not_depend_on_where_the_files_lie(halves: tuple[Path, Path], tmp_path: Path) -> None:
    """Places name the file, never its folder on this machine: the same files elsewhere give the same quads."""
    elsewhere = []
    for path in halves:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        elsewhere.append(copy)
    here, there = convert(list(halves), validate=False), convert(elsewhere, validate=False)
    assert set(here.quads) == set(there.quads)
    assert all(str(path.parent) not in place for place in here.disclosure.places.values() for path in halves)
