"""The catalogue of findings: stable codes, severities and message templates.

Codes never change meaning once released; new findings get new codes.  The
parser reports through :class:`Reporter`, which fills the template and keeps
the list in source order.  ``docs/findings.md`` lists the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budgetlod.model import Finding, Severity


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: Severity
    template: str
    description: str


CATALOGUE: dict[str, FindingType] = {
    t.code: t
    for t in (
        # --- input (P0xx): the file itself
        FindingType("P001", "error", "file is empty", "The file has no content."),
        FindingType(
            "P002",
            "error",
            "not a text document (binary data near byte {offset})",
            "NUL bytes or bytes that decode in no supported encoding.",
        ),
        FindingType(
            "P003",
            "error",
            "file is {size} bytes; the limit is {limit} bytes (setting max_input_bytes)",
            "Refused before reading: too large to be one disclosure.",
        ),
        FindingType(
            "P004",
            "error",
            "not a budget disclosure: {reason}",
            "No title, part heading or standard table of the template was found.",
        ),
        FindingType(
            "P005",
            "info",
            "decoded as {encoding}",
            "The file is not UTF-8; it was decoded in the named encoding.",
        ),
        FindingType(
            "P006",
            "error",
            "cannot read {path}: {reason}",
            "The file could not be opened.",
        ),
        # --- document structure (P1xx)
        FindingType("P101", "warning", "part missing: {part}", "A part of the template is absent."),
        FindingType(
            "P102",
            "warning",
            "table missing: {table} {title}",
            "A standard table of the template was not found (distinct from an empty table).",
        ),
        FindingType(
            "P103",
            "warning",
            "table heading {title!r} is not followed by a table",
            "A table heading with no table after it.",
        ),
        FindingType(
            "P104",
            "warning",
            "unknown table {title!r}: read with its printed headers",
            "The title matches no spec in mapping/tables.",
        ),
        FindingType(
            "P105",
            "warning",
            "table without a heading ({rows} rows) could not be attached to a table",
            "A table block that is neither after a heading nor a continuation.",
        ),
        FindingType(
            "P106",
            "info",
            "table continued across a page break ({kind})",
            "Two blocks joined into one table; a repeated header was dropped.",
        ),
        FindingType(
            "P107",
            "info",
            "dropped converter junk: {text!r}",
            "A page number, page footer or table-of-contents line was removed.",
        ),
        FindingType(
            "P108",
            "warning",
            "table {table} appears twice; the second one ({title!r}) is kept as an unknown table",
            "Two tables recognised as the same standard table.",
        ),
        FindingType(
            "P109",
            "warning",
            "unit of amounts not stated; assuming {unit}",
            "No 单位：万元 line or header unit was found for the table.",
        ),
        FindingType(
            "P110",
            "warning",
            "metadata not found: {what}",
            "Unit name, year, phase or publication date could not be read.",
        ),
        FindingType(
            "P111",
            "warning",
            "document looks truncated: {what}",
            "The text ends before the template does.",
        ),
        FindingType(
            "P112",
            "warning",
            "text among the tables not understood: {text!r}",
            "A line of 第二部分 that is no table heading, unit, compiler, note or table.",
        ),
        # --- tables (P2xx)
        FindingType(
            "P201",
            "warning",
            "malformed amount {text!r}",
            "A value cell that is neither blank nor a decimal number; the cell is kept as unreadable.",
        ),
        FindingType(
            "P202",
            "warning",
            "row has {found} cells, header has {expected}",
            "A row with more or fewer cells than its header.",
        ),
        FindingType(
            "P203",
            "warning",
            "unknown column {column!r}",
            "A header that matches no column of the table's spec; kept with its printed path.",
        ),
        FindingType(
            "P204",
            "warning",
            "unknown row {name!r}",
            "An itemised row whose label matches no row of the table's spec.",
        ),
        FindingType(
            "P205",
            "info",
            "header is ragged: {text!r} stands at column {position}; aligned by the column-number row",
            "The converter put a header cell in the wrong column.",
        ),
        FindingType(
            "P206",
            "warning",
            "column-number row has {found} columns, the spec {expected}: aligned by header text",
            "The printed column numbers do not match the spec.",
        ),
        FindingType(
            "P207",
            "warning",
            "malformed classification code {text!r}",
            "A code cell that is not 3/5/7 digits or does not split into 类/款/项.",
        ),
        FindingType(
            "P208",
            "warning",
            "line could not be read as a table row: {text!r}",
            "A line inside a table block that is not a row.",
        ),
        FindingType(
            "P209",
            "warning",
            "row has no label but values: {values}",
            "A data row without code or name.",
        ),
        # --- narrative and other sections (P3xx)
        FindingType(
            "P301",
            "warning",
            "narrative figure not understood: {text!r}",
            "An amount or percentage in the narrative that no statement pattern took.",
        ),
        FindingType(
            "P302",
            "warning",
            "paired figures do not pair: {text!r}",
            "A 分别为 … 分别 … statement with different numbers of items.",
        ),
        FindingType(
            "P303",
            "info",
            "narrative subject not in the vocabulary: {subject!r}",
            "A statement whose subject is not a known key (mapping/narrative.yaml).",
        ),
        FindingType(
            "P304",
            "warning",
            "glossary line not understood: {text!r}",
            "A line in 名词解释 that is not a term and its definition.",
        ),
        FindingType(
            "P305",
            "warning",
            "{section} line not understood: {text!r}",
            "A line of 单位概况 or 其他重要事项 with figures no pattern took.",
        ),
        FindingType(
            "P310",
            "warning",
            "{what}: {count} stated but {names} named",
            "单位概况: the stated number of subordinate units or 处室 differs from the names listed.",
        ),
        FindingType(
            "P320",
            "warning",
            "project description field before any 项目名称: {text!r}",
            "项目支出情况说明: a field (预算安排规模, 设立的政策依据 …) not preceded by a project name; "
            "kept in a project with an empty name.",
        ),
        # --- mapping to RDF (M0xx)
        FindingType(
            "M001",
            "info",
            "{classification} is printed as {printed!r}; the code list calls it {label!r} (kept as skos:altLabel)",
            "A classification code printed with a name other than the code list's label.",
        ),
        FindingType(
            "M002",
            "info",
            "{classification} is not in the code list ({scheme}); declared in the document's graph "
            "as printed: {printed!r}",
            "A code the static code list does not have (款/项 are added as documents print them).",
        ),
    )
}


@dataclass
class Reporter:
    """Collects findings for one file."""

    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        code: str,
        line: int | None,
        *,
        table: str | None = None,
        column: str | None = None,
        **fields: Any,
    ) -> Finding:
        kind = CATALOGUE[code]
        finding = Finding(
            code=code,
            severity=kind.severity,
            line=line,
            message=kind.template.format(table=table, column=column, **fields),
            table=table,
            column=column,
        )
        self.findings.append(finding)
        return finding

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (f.line or 0, f.code))


def format_finding(path: str, finding: Finding) -> str:
    """``[WARNING] file:line 表3 column: message`` — the CLI's diagnostic line."""
    where = f"{path}:{finding.line}" if finding.line else path
    context = " ".join(p for p in (finding.table, finding.column) if p)
    text = f"{context}: {finding.message}" if context else finding.message
    return f"[{finding.severity.upper()}] {where} {text}"
