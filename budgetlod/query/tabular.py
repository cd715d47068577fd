"""A query result as a *typed table*: CSV, TSV and Parquet files, and the CSVW metadata of a CSV or TSV.

Each column of the result gets one kind, from the terms it holds (an unbound cell votes for nothing):

* ``decimal`` — xsd:decimal (and xsd:double/float, read from their lexical form: never a float), or a column of
  integers and decimals mixed: the values are :class:`~decimal.Decimal`, exact;
* ``integer`` — xsd:integer and its subtypes: :class:`int`;
* ``year`` — a fiscal year's IRI (``http://reference.data.gov.uk/id/year/2024``) or an xsd:gYear: the year as an
  :class:`int` (``2024``);
* ``boolean``; ``iri`` — any other IRI, as its string; ``string`` — anything else, and a column of mixed kinds
  (a literal's language tag is dropped).

A blank cell is *missing* (an empty CSV field, a null in Parquet and pandas), never 0.

Column titles are the labels of ``queries/columns.yaml`` (``zh``, ``en``; a query's ``columns`` header overrides
them: :mod:`budgetlod.query.columns`), else a parameter's description, else none (the variable names the
column). The files:

* :func:`delimited` — CSV (RFC 4180) or TSV, the header row the variable names, decimals written exactly as
  plain numbers (``14874000``, ``1487.40``), years and integers as digits, IRIs in full;
* :func:`csvw_metadata` — the W3C CSVW metadata (*Metadata Vocabulary for Tabular Data*) that describes such a
  file: its ``url``, dialect, and ``tableSchema.columns`` (name = the header cell, titles, datatype ``decimal``,
  ``integer``, ``boolean``, ``anyURI`` or ``string``; a year column is an ``integer`` whose ``valueUrl`` gives the
  year's IRI back), written beside the file as ``FILE-metadata.json`` (the name CSVW processors look for);
* :func:`parquet_bytes` — Apache Parquet through pyarrow (the ``parquet`` extra, imported only here):
  ``decimal128(precision, scale)`` columns wide enough for every value (no rounding), ``int64`` years and
  integers, strings; the titles in the fields' metadata.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from budgetlod.errors import BudgetlodError
from budgetlod.prefixes import XSD
from budgetlod.query.library import NamedQuery
from budgetlod.query.run import Cell, Result
from budgetlod.store.canonical import INTEGER_TYPES

YEAR_IRI = "http://reference.data.gov.uk/id/year/"
_YEAR = re.compile(re.escape(YEAR_IRI) + r"(-?[0-9]{4,})")
_GYEAR = re.compile(r"(-?[0-9]{4,})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
DECIMAL_TYPES = {f"{XSD}decimal", f"{XSD}double", f"{XSD}float"}
KINDS = ("decimal", "integer", "year", "boolean", "iri", "string")
CSVW_DATATYPES = {
    "decimal": "decimal",
    "integer": "integer",
    "year": "integer",
    "boolean": "boolean",
    "iri": "anyURI",
    "string": "string",
}
DELIMITERS = {"csv": ",", "tsv": "\t"}
TYPED_FORMATS = ("csv", "tsv", "parquet")

Value = Decimal | int | bool | str | None


class MissingExtra(BudgetlodError):
    """An optional library is not installed; the message names the extra that installs it (exit status 2)."""


class CannotWrite(BudgetlodError):
    """The output file cannot be written (exit status 2)."""


def require(module: str, extra: str) -> Any:
    """``import module``, or :class:`MissingExtra` naming ``pip install 'budgetlod[extra]'``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{module} is not installed: pip install 'budgetlod[{extra}]' (or pip install {module})"
        ) from None


@dataclass(frozen=True)
class Column:
    name: str  # the variable
    kind: str  # one of KINDS
    titles: Mapping[str, str] | None = None  # language ("zh", "en", "und") -> label

    def title(self, lang: str | None = None) -> str:
        """The label in ``lang`` (else any), else the variable name."""
        titles = self.titles or {}
        if lang and lang in titles:
            return titles[lang]
        return next(iter(titles.values()), self.name)


def cell_kind(cell: Cell) -> str | None:
    """The kind one cell votes for (None: unbound)."""
    if cell is None:
        return None
    if isinstance(cell, NamedNode):
        return "year" if _YEAR.fullmatch(cell.value) else "iri"
    if isinstance(cell, BlankNode) or cell.language:
        return "string"
    datatype = cell.datatype.value
    if datatype in INTEGER_TYPES:
        return "integer"
    if datatype in DECIMAL_TYPES:
        return "decimal"
    if datatype == f"{XSD}boolean":
        return "boolean"
    if datatype == f"{XSD}gYear" and _GYEAR.fullmatch(cell.value):
        return "year"
    return "string"


def column_kind(cells: Sequence[Cell]) -> str:
    votes = {kind for kind in map(cell_kind, cells) if kind is not None}
    if len(votes) == 1:
        return votes.pop()
    if votes == {"integer", "decimal"}:
        return "decimal"
    return "string"


def value(cell: Cell, kind: str) -> Value:
    """A cell as the Python value of its column's kind (None when unbound)."""
    if cell is None:
        return None
    if isinstance(cell, BlankNode):
        return f"_:{cell.value}"
    text = cell.value
    if kind == "decimal":
        return Decimal(text.strip())
    if kind == "integer":
        return int(text.strip())
    if kind == "year":
        match = _YEAR.fullmatch(text) or _GYEAR.fullmatch(text.strip())
        assert match is not None  # the column is of kind year only when every cell is one
        return int(match.group(1))
    if kind == "boolean":
        return text.strip() in ("true", "1")
    return text


def titles_from(query: NamedQuery | None, names: Sequence[str] = ()) -> dict[str, dict[str, str]]:
    """variable -> {language: label}: the labels of ``queries/columns.yaml`` (a query's ``columns`` header
    overrides them, :func:`budgetlod.query.columns.column`), else a parameter's description ``中文 / English``."""
    from budgetlod.query.columns import column

    found: dict[str, dict[str, str]] = {}
    if query is not None:
        for param in query.params:
            if param.description:
                found[param.name] = _labels(param.description)
    for name in names:
        labelled = column(name, query.header if query is not None else None)
        if (labelled.zh, labelled.en) != (name, name):
            found[name] = {"zh": labelled.zh, "en": labelled.en}
    return found


def _labels(text: str) -> dict[str, str]:
    """``中文 / English`` -> {"zh": 中文, "en": English} (the first slash before a space splits: ``…）/ Fiscal
    year``); a text without one -> {"und": text}."""
    parts = re.split(r"\s*/\s+", text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        return {"zh": parts[0].strip(), "en": parts[1].strip()}
    return {"und": text.strip()}


def columns_of(result: Result, query: NamedQuery | None = None) -> list[Column]:
    titles = titles_from(query, result.variables)
    return [
        Column(name, column_kind([row[i] for row in result.rows]), titles.get(name) or None)
        for i, name in enumerate(result.variables)
    ]


def typed_rows(result: Result, columns: Sequence[Column]) -> list[tuple[Value, ...]]:
    return [tuple(value(cell, col.kind) for cell, col in zip(row, columns, strict=True)) for row in result.rows]


def _speaks(cell: Cell, lang: str) -> bool:
    tag = (cell.language or "").lower() if isinstance(cell, Literal) else ""
    return bool(tag) and (tag == lang.lower() or tag.startswith(lang.lower() + "-"))


def in_language(result: Result, lang: str) -> Result:
    """The rows that give labels in ``lang``: where a query returns a label in several languages (one row each, as
    ``?code skos:prefLabel ?label`` does), the rows that agree in every other column are one group, and of each
    group the rows with the most labels in ``lang`` are kept (``zh`` also takes ``zh-Hans``). A group with no label
    in ``lang`` keeps its rows: a label in another language is better than none. Columns without language tags
    are never filtered."""
    tagged = [
        i
        for i in range(len(result.variables))
        if any(isinstance(row[i], Literal) and row[i].language for row in result.rows)  # type: ignore[union-attr]
    ]
    if not tagged:
        return result
    groups: dict[tuple[str, ...], list[int]] = {}
    for number, row in enumerate(result.rows):
        key = tuple("" if cell is None else str(cell) for i, cell in enumerate(row) if i not in tagged)
        groups.setdefault(key, []).append(number)
    keep: set[int] = set()
    for members in groups.values():
        scores = {n: sum(_speaks(result.rows[n][i], lang) for i in tagged) for n in members}
        best = max(scores.values())
        keep.update(n for n, score in scores.items() if score == best)
    rows = [row for number, row in enumerate(result.rows) if number in keep]
    return Result(list(result.variables), rows, result.truncated)


def text_of(item: Value) -> str:
    """A value as a CSV field: exact decimals as plain numbers, ``true``/``false``, empty when missing."""
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, Decimal):
        return format(item, "f")
    return str(item)


def delimited(result: Result, columns: Sequence[Column], fmt: str = "csv") -> str:
    """The typed table as CSV or TSV text (header: the variable names; lines end with CRLF, as RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITERS[fmt], lineterminator="\r\n")
    writer.writerow([col.name for col in columns])
    for row in typed_rows(result, columns):
        writer.writerow([text_of(item) for item in row])
    return out.getvalue()


def csvw_metadata(
    columns: Sequence[Column], url: str, fmt: str = "csv", query: NamedQuery | None = None
) -> dict[str, Any]:
    """The CSVW metadata of a typed table written to ``url`` (relative to the metadata file)."""
    described: list[dict[str, Any]] = []
    for col in columns:
        entry: dict[str, Any] = {"name": col.name, "titles": {"und": col.name, **(col.titles or {})}}
        entry["datatype"] = CSVW_DATATYPES[col.kind]
        if col.kind == "year":
            entry["valueUrl"] = YEAR_IRI + "{" + col.name + "}"
        described.append(entry)
    metadata: dict[str, Any] = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dialect": {"delimiter": DELIMITERS[fmt], "header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": described},
    }
    if query is not None:
        if query.summary:
            metadata["dc:title"] = query.summary
        if query.description:
            metadata["dc:description"] = query.description
        metadata["dc:source"] = f"budgetlod query {query.name}"
    return metadata


def _decimal_type(values: Sequence[Decimal | None]) -> tuple[int, int]:
    """(precision, scale) that hold every value exactly."""
    scale, whole = 0, 1
    for item in values:
        if item is None:
            continue
        _sign, digits, exponent = item.as_tuple()
        assert isinstance(exponent, int), f"not a finite decimal: {item}"
        scale = max(scale, -exponent)
        whole = max(whole, len(digits) + exponent)
    return whole + scale, scale


def arrow_table(result: Result, columns: Sequence[Column], query: NamedQuery | None = None) -> Any:
    """The typed table as a ``pyarrow.Table`` (decimal columns as ``decimal128``/``decimal256``)."""
    pa = require("pyarrow", "parquet")
    rows = typed_rows(result, columns)
    arrays, fields = [], []
    for index, col in enumerate(columns):
        items = [row[index] for row in rows]
        if col.kind == "decimal":
            precision, scale = _decimal_type(items)  # type: ignore[arg-type]
            kind = pa.decimal128(precision, scale) if precision <= 38 else pa.decimal256(precision, scale)
            items = [None if v is None else v.quantize(Decimal(1).scaleb(-scale)) for v in items]  # type: ignore[union-attr]
        elif col.kind in ("integer", "year"):
            kind = pa.int64()
        elif col.kind == "boolean":
            kind = pa.bool_()
        else:
            kind = pa.string()
        meta = {"kind": col.kind, **{f"title:{k}": v for k, v in (col.titles or {}).items()}}
        fields.append(pa.field(col.name, kind, metadata=meta))
        arrays.append(pa.array(items, type=kind))
    schema_meta = {"budgetlod:query": query.name} if query is not None else {}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=schema_meta))


def parquet_bytes(result: Result, columns: Sequence[Column], query: NamedQuery | None = None) -> bytes:
    table = arrow_table(result, columns, query)
    parquet = require("pyarrow.parquet", "parquet")
    sink = io.BytesIO()
    parquet.write_table(table, sink)
    return sink.getvalue()


def metadata_path(path: Path) -> Path:
    """Where the CSVW metadata of a table file goes: ``FILE.csv`` -> ``FILE.csv-metadata.json``."""
    return path.with_name(path.name + "-metadata.json")


def write_files(result: Result, query: NamedQuery | None, fmt: str, path: Path) -> list[Path]:
    """The typed table written to ``path`` in ``fmt`` (csv, tsv: with its CSVW metadata beside it); the files."""
    columns = columns_of(result, query)
    if fmt == "parquet":
        data = parquet_bytes(result, columns, query)  # before anything is written: a missing pyarrow writes nothing
        path.write_bytes(data)
        return [path]
    path.write_bytes(delimited(result, columns, fmt).encode("utf-8"))
    meta = metadata_path(path)
    document = csvw_metadata(columns, path.name, fmt, query)
    meta.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [path, meta]


def emit(
    result: Result, query: NamedQuery | None, fmt: str, output: Path | None, extra: Mapping[str, Any] | None = None
) -> str:
    """What ``budgetlod query`` prints for ``fmt``: with ``output``, the answer written there (csv, tsv and parquet
    as typed tables, csv and tsv with their CSVW metadata; table and json as they print) and nothing printed;
    without, the typed TSV (csv, table and json on stdout are :func:`budgetlod.query.output.write`'s)."""
    from budgetlod.query.output import write

    if output is None:
        if fmt not in DELIMITERS:
            raise ValueError(f"{fmt} is not written to stdout as a typed table")
        return delimited(result, columns_of(result, query), fmt)
    try:
        if fmt in TYPED_FORMATS:
            write_files(result, query, fmt, output)
        else:
            output.write_text(write(result, fmt, extra), encoding="utf-8")
    except OSError as exc:
        raise CannotWrite(f"{output}: cannot write the answer: {exc}") from None
    return ""
