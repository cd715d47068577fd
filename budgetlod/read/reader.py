"""The reading stage: published files -> one :class:`~budgetlod.read.stream.Stream` for the parser.

Each format has one reader (the table :data:`READERS`, the one place that names them), found from the content
(:func:`~budgetlod.read.detect.detect`). A reader is a function ``(data, name, reporter, limits) -> Read``:
it gives blocks numbered by position from 1 (a text file: its lines) and, except for text, the
:class:`~budgetlod.read.stream.Locator` of each position. It raises
:class:`~budgetlod.read.decode.CannotParse` with one finding when the file cannot be read (R0xx: unsupported,
needs OCR, password, damaged, a tool missing). Heavy libraries are imported by the reader that needs them,
when it is called: reading a text file never loads pdfplumber.

Several files are one disclosure when read together (:func:`read_files`): their positions follow one another,
in the order given.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from budgetlod.findings import Reporter
from budgetlod.model import SourceInfo
from budgetlod.read.decode import read_limited, refuse
from budgetlod.read.detect import NotSupported, detect
from budgetlod.read.stream import Limits, Read, Stream
from budgetlod.settings import setting

Reader = Callable[[bytes, str, Reporter, Limits], Read]

# format -> "module:function". Formats LibreOffice converts share one reader.
READERS: dict[str, str] = {
    "text": "budgetlod.read.text:read_text",
    "html": "budgetlod.read.html:read_html",
    "pdf": "budgetlod.read.pdf:read_pdf",
    "docx": "budgetlod.read.docx:read_docx",
    "xlsx": "budgetlod.read.xlsx:read_xlsx",
    "xls": "budgetlod.read.xls:read_xls",
    "doc": "budgetlod.read.office:read_converted",
    "odt": "budgetlod.read.office:read_converted",
    "ods": "budgetlod.read.office:read_converted",
    "rtf": "budgetlod.read.office:read_converted",
    "encrypted": "budgetlod.read.office:read_encrypted",
}


def reader(kind: str) -> Reader:
    module, _, name = READERS[kind].partition(":")
    function: Reader = getattr(importlib.import_module(module), name)
    return function


def read_bytes(data: bytes, name: str, reporter: Reporter, limits: Limits | None = None) -> tuple[SourceInfo, Read]:
    """One file's bytes -> its source record and what its reader gives. Raises CannotParse."""
    try:
        kind = detect(data)
    except NotSupported as exc:
        raise refuse("R001", kind=str(exc)) from exc
    if kind != "text" and not data.strip():
        raise refuse("P001")
    # a locator names the file, not where it lies on this machine: the same document gives the same graph
    read = reader(kind)(data, Path(name).name, reporter, limits or Limits.from_settings())
    source = SourceInfo(
        path=name,
        name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=read.encoding,
        bytes=len(data),
        lines=read.lines,
        format=kind,
        pages=read.pages,
    )
    return source, read


def read_files(paths: Sequence[Path], reporter: Reporter, *, max_bytes: int | None = None) -> Stream:
    """The files of one disclosure, in this order -> one stream. The reporter gets every file's findings at
    their positions in the stream; when one position does not say where (not a single text file), each
    finding also carries its place (``where``). Raises CannotParse for the first file that cannot be read."""
    limit = max_bytes if max_bytes is not None else int(setting("max_input_bytes"))
    limits = Limits.from_settings()
    stream = Stream()
    pending = []
    for path in paths:
        data = read_limited(path, limit)
        own = Reporter(limit=reporter.limit)
        source, read = read_bytes(data, str(path), own, limits)
        offset = stream.segments[-1].end if stream.segments else 0
        stream.extend(source, read.blocks, read.places, read.end)
        pending.append((offset, own))
    for offset, own in pending:
        for finding in own.findings:
            line = finding.line + offset if finding.line is not None else None
            reporter.keep(replace(finding, line=line))
        reporter.dropped.update(own.dropped)
    return stream


def read_one(data: bytes, name: str, reporter: Reporter) -> Stream:
    """One file's bytes -> a stream (its findings into ``reporter``)."""
    source, read = read_bytes(data, name, reporter)
    stream = Stream()
    stream.extend(source, read.blocks, read.places, read.end)
    return stream


def place_findings(stream: Stream, reporter: Reporter) -> None:
    """Give each finding its place in the published files, unless one text file's ``file:line`` says it."""
    if stream.plain:
        return
    for index, finding in enumerate(reporter.findings):
        where = stream.locate(finding.line)
        if where is not None:
            reporter.findings[index] = replace(finding, where=str(where))
