"""The catalogue of findings: stable codes, severities and message templates.

Codes never change meaning once released; new findings get new codes.  The
parser reports through :class:`Reporter`, which fills the template and keeps
the list in source order.  ``docs/findings.md`` lists the catalogue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from budgetlod.model import Finding, Severity
from budgetlod.settings import setting


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
        FindingType(
            "P007",
            "warning",
            "{dropped} more findings not shown (limit {limit}, setting max_findings): {counts}",
            "Past max_findings, a file's further findings are only counted, by code; this finding has the "
            "severity of the most severe one not shown.",
        ),
        FindingType(
            "P008",
            "error",
            "not a regular file ({kind})",
            "A FIFO, device, socket or directory: refused without opening it (reading a FIFO would wait forever).",
        ),
        # --- reading a published file (R0xx: any format; R1xx: PDF; R2xx: Word, Excel, HTML)
        FindingType(
            "R001",
            "error",
            "unsupported format: {kind}",
            "The file is none of the formats budgetlod reads (text, PDF, Word, Excel, HTML; docs/formats.md); "
            "the format is told from the content, not the name.",
        ),
        FindingType(
            "R002",
            "error",
            "no usable text layer (pages {pages}): it needs OCR",
            "A PDF whose pages are images, or whose fonts map to no characters ((cid:N) glyphs): reading it "
            "would give an empty or garbled disclosure.",
        ),
        FindingType(
            "R003",
            "error",
            "the {kind} is password-protected",
            "An encrypted file that cannot be opened without its password.",
        ),
        FindingType(
            "R004",
            "error",
            "damaged {kind}: {reason}",
            "A file that starts as its format but cannot be read to its end (truncated, or corrupt).",
        ),
        FindingType(
            "R005",
            "error",
            "reading {kind} needs {tool} (Debian package {package}), which is not installed",
            "Old binary Office formats (.doc, .wps, .et, .xls) are converted by LibreOffice in headless mode.",
        ),
        FindingType(
            "R006",
            "error",
            "reading {kind} needs the Python package {package} (pip install 'budgetlod[{extra}]')",
            "A reader whose library is an optional dependency.",
        ),
        # --- reading a PDF (R1xx)
        FindingType(
            "R101",
            "info",
            "dropped {what} on page {page}: {text!r}",
            "A page header, footer or page number, a watermark, a table-of-contents line, or a table's heading "
            "or header repeated on the page that continues it: not text of the disclosure, removed by the PDF "
            "reader so that nothing disappears silently.",
        ),
        FindingType(
            "R102",
            "info",
            "joined a table row cut by the page break before page {page}: {text!r}",
            "The first row of a table continued on a new page only completes the last row of the page before "
            "(a label or code printed in two pieces): the two are one row.",
        ),
        # --- reading Word, Excel, HTML (R2xx)
        FindingType(
            "R201",
            "error",
            "the {kind} expands to {size} bytes when unzipped; the limit is {limit} bytes",
            "An Office file is a zip archive: one whose members are far larger than any disclosure (a zip bomb) "
            "is refused before it is read.",
        ),
        FindingType(
            "R202",
            "info",
            "hidden sheet {sheet!r} not read",
            "A sheet hidden in the workbook is not printed with it: its cells are not part of the disclosure.",
        ),
        FindingType(
            "R203",
            "error",
            "LibreOffice could not convert the {kind}: {reason}",
            "An old binary Office file (.doc, .wps, .et, .xls that xlrd cannot read, .odt, .ods, .rtf) is "
            "converted by LibreOffice in headless mode; it failed, or did not finish within its time limit.",
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
        FindingType(
            "P113",
            "info",
            "unit named from the {where}: {unit!r}",
            "No 编制单位/部门 line of the tables and no title line names the unit; the cover page (the paragraphs "
            "before the first part heading) or a 第X部分 heading does.",
        ),
        FindingType(
            "P114",
            "warning",
            "unit named from the file name {name!r}: {unit!r}; the document does not print it",
            "The last resort: a file named like a title (某局2023年部门预算.pdf) names the unit, and the year "
            "and phase when the document states none.",
        ),
        FindingType(
            "P115",
            "warning",
            "the unit's name {unit!r} is a placeholder ({placeholder}): a template, not a disclosure",
            "XX, ××, {单位}, 某某, **: a real name from a less trusted source is preferred; when every source "
            "gives a placeholder the disclosure is named by it as printed (its IRIs contain it).",
        ),
        FindingType(
            "P116",
            "warning",
            "the {what} of {heading!r} is {found}, the title's {title}: the title's is kept",
            "A 第X部分 heading states another year or unit than the title line (a page copied from another "
            "year's disclosure).",
        ),
        FindingType(
            "P117",
            "warning",
            "template family uncertain: {family} chosen ({score} of {tables} tables matched; next: {runner_up})",
            "The tables' titles name specs of no family clearly: two families tie, or fewer than half the tables "
            "match the chosen one (mapping/families). Its tables are read with the chosen family's specs only.",
        ),
        # --- the reviewers' checks one document decides (P118-P122: parse/review.py)
        FindingType(
            "P118",
            "error",
            "the {where} {text!r} holds the placeholder {placeholder!r} where {expected} was expected",
            "XX, ××, ＸＸ, {单位}, 某某, **, ○○, or a year 20XX年 / 20××年 / XXXX年 / 20__年 left in the title, a "
            "第X部分 heading, a table's title, a numbered section heading or a 编制单位 line: a template's text, "
            "not a disclosure's (C05). Given even when the unit's name is real (P115 is about the name only).",
        ),
        FindingType(
            "P119",
            "warning",
            "the year of the {where} {text!r} is {found}, the document's {year}",
            "A table's title or a numbered section heading (一、…) states another year than the document "
            "(C06; the 第X部分 headings are P116). Years quoted in sentences, column headers (2023年决算数) and a "
            "决算's 年初预算 are not headings and are not compared.",
        ),
        FindingType(
            "P120",
            "warning",
            "the {where} names the unit {found!r}; the document's is {unit!r} (named so by {source})",
            "The unit's name differs between the title, the cover, a 第X部分 heading and the tables' 编制单位/部门 "
            "lines (C04): the name most of them print is the document's. Abbreviations and suffixes (中共江苏省委"
            "办公厅 for 中国共产党江苏省委员会办公厅, a 部门's 本级) are the same unit.",
        ),
        FindingType(
            "P121",
            "warning",
            "the table of contents lists the {what} {entry!r}, which is not printed",
            "An entry of the table of contents (目录) names a 第X部分 or a table the document does not print "
            "(C03). Table entries are compared only when the document prints tables (else P101/P102 say so).",
        ),
        FindingType(
            "P122",
            "warning",
            "the {what} {title!r} is printed but not in the table of contents",
            "A 第X部分 or a table printed in the document that the table of contents (目录) does not list (C03); "
            "only when the contents lists parts, or tables, at all.",
        ),
        # --- the same checks in sentences and labels (P123-P125: parse/review_text.py)
        FindingType(
            "P123",
            "error",
            "the {where} {text!r} holds the placeholder {placeholder!r}",
            "A template's placeholder left in a sentence (profile, narrative, other matters, glossary, a table's "
            "note) or a table's row label or column header (C05): XXX万元, ××万元, XX人, 20XX年, 某某, ○○, "
            "{单位}. One finding a paragraph or label, naming its first placeholder; headings are P118's, a value "
            "cell is P201's.",
        ),
        FindingType(
            "P124",
            "warning",
            "figures stated as of {date} in the {year} {kind} (expected {expected}): {text!r}",
            "A date stating as of when figures are counted (截至/截止 2023年底, 截至2024年12月31日, or a full date "
            "opening a clause that states a stock: 2024年12月31日，共有车辆3辆) is not of the document's year (C07): "
            "a 预算 of year Y may be as of Y or Y−1, a 决算 only as of Y. Other dates (比上年, a policy's date, a "
            "project's schedule, the publication date) are not compared; the assets' date is blsh:AssetDateInYear's.",
        ),
        FindingType(
            "P125",
            "warning",
            "the narrative sentence {text!r} names the unit {found!r}; the document's is {unit!r}",
            "A sentence or section heading of the narrative whose subject is a unit in the templates' form "
            "(<单位>2024年度收入支出总计…, <单位>（本级）2024年…, 十、关于<单位>2024年…) names another unit than the "
            "document's (C04): mostly a passage copied from a sibling unit's disclosure. Abbreviations and "
            "本级/部门 are the same unit; other organisations a sentence mentions are not compared.",
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
        FindingType(
            "P210",
            "warning",
            "{attribute}={value} is more than the limit of {limit} (setting max_span): read as {limit}",
            "An HTML cell spanning more columns or rows than any table has; the span is clamped.",
        ),
        FindingType(
            "P211",
            "warning",
            "table has more than {limit} cells (rows × columns, setting max_table_cells): not read",
            "A table far larger than any disclosure's; refused so that no input can exhaust memory or time.",
        ),
        FindingType(
            "P212",
            "warning",
            "the file's tables have more than {limit} cells (setting max_file_cells): this table and the ones "
            "after it are not read",
            "The tables of one file together are too large; the tables past the limit are refused.",
        ),
        FindingType(
            "P213",
            "warning",
            "not an amount: {text!r} has {integer} digits before the point and {fraction} after "
            "(at most {max_integer} and {max_fraction})",
            "A value cell with more digits than any real amount (China's national budget in 元 has 14); "
            "kept as unreadable, like P201.",
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
        FindingType(
            "M003",
            "info",
            "{table} is mapped generically (no template spec knows it): {figures} figures as printed row × "
            "printed column",
            "A table of no template (mapping/tables): each figure is an observation of a bl:GenericTable "
            "(structure bldsd:generic) located by its printed row and column; no named query sums it.",
        ),
        FindingType(
            "M004",
            "info",
            "{table}: {figures} figures under columns its template spec does not know are mapped generically "
            "as printed row × printed column: {columns}",
            "A known table printing columns its spec lacks: those figures go to a bl:GenericTable linked to the "
            "table by bl:unmappedPartOf, so that no printed figure is left out of the graph.",
        ),
        # --- across the disclosures of a store (X0xx): found after an ingest, about a file just loaded
        FindingType(
            "X001",
            "warning",
            "{category} ({cell}): the 决算 prints 预算数 {printed}, the 预算 {budgeted} ({budget_cell}): difference "
            "{difference} 万元 (决算 {final}; 预算 {budget})",
            "Check C34: a 决算's printed 预算数 (its table 7, 三公 预算数 columns) differs from the same unit's 预算 "
            "of that year in the store (its table 10); the named query final-budget-disagreements lists them. A "
            "blank cell against a figure counts as 0.",
        ),
    )
}


QUOTED = 200


def make_finding(code: str, line: int | None, *, table: str | None = None, column: str | None = None,
                 **fields: Any) -> Finding:
    """One finding of the catalogue, its template filled; a text longer than :data:`QUOTED` characters is
    quoted cut, ending in ``…`` (a converter's run-on line would otherwise fill the screen)."""
    kind = CATALOGUE[code]
    quoted = {k: f"{v[:QUOTED]}…" if isinstance(v, str) and len(v) > QUOTED else v for k, v in fields.items()}
    message = kind.template.format(table=table, column=column, **quoted)
    return Finding(code=code, severity=kind.severity, line=line, message=message, table=table, column=column)


_SEVERITY_ORDER: dict[Severity, int] = {"info": 0, "warning": 1, "error": 2}


def _limit() -> int:
    return int(setting("max_findings"))


@dataclass
class Reporter:
    """Collects findings for one file: the first ``limit`` (setting max_findings), then only counts by code."""

    findings: list[Finding] = field(default_factory=list)
    limit: int = field(default_factory=_limit)
    dropped: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        code: str,
        line: int | None,
        *,
        table: str | None = None,
        column: str | None = None,
        **fields: Any,
    ) -> Finding | None:
        """The finding added, or None when past the limit (it is then counted, not kept)."""
        if len(self.findings) >= self.limit:
            self.dropped[code] += 1
            return None
        finding = make_finding(code, line, table=table, column=column, **fields)
        self.findings.append(finding)
        return finding

    def keep(self, finding: Finding) -> None:
        """Add a finding made elsewhere (another file's reporter), within the same limit."""
        if len(self.findings) >= self.limit:
            self.dropped[finding.code] += 1
        else:
            self.findings.append(finding)

    def sorted(self) -> list[Finding]:
        """In source order; past the limit, one P007 at the end counts the findings not kept."""
        kept = sorted(self.findings, key=lambda f: (f.line or 0, f.code))
        if not self.dropped:
            return kept
        worst = max((CATALOGUE[code].severity for code in self.dropped), key=_SEVERITY_ORDER.__getitem__)
        counts = ", ".join(f"{code} ×{n}" for code, n in sorted(self.dropped.items()))
        summary = CATALOGUE["P007"].template.format(dropped=self.dropped.total(), limit=self.limit, counts=counts)
        return [*kept, Finding(code="P007", severity=worst, line=None, message=summary)]


def format_finding(path: str, finding: Finding) -> str:
    """``[WARNING] file:line 表3 column: message`` — the CLI's diagnostic line; for a piece of a PDF, a workbook
    or one file of several, ``file p. 14`` or ``file sheet 表3!C7`` (the finding's ``where``)."""
    where = finding.where or (f"{path}:{finding.line}" if finding.line else path)
    context = " ".join(p for p in (finding.table, finding.column) if p)
    text = f"{context}: {finding.message}" if context else finding.message
    return f"[{finding.severity.upper()}] {where} {text}"
