"""The ingest stage: files -> parse -> map -> validate -> one named graph each in the store.

A document that cannot be read is reported and skipped; what is already in the
store is untouched. Re-ingesting a document replaces its graph (one transaction).
The writes become visible to readers when the run publishes a new snapshot, once,
at the end (:mod:`budgetlod.store.embedded`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from budgetlod.model import Finding
from budgetlod.parse.decode import CannotParse
from budgetlod.pipeline import convert_file
from budgetlod.rdf.graph import CannotMap
from budgetlod.store.embedded import open_writer

SUFFIXES = (".txt", ".md", ".html", ".htm")


@dataclass
class FileOutcome:
    path: Path
    graph: str | None = None
    triples: int = 0
    violations: int = 0
    warnings: int = 0
    error: str | None = None  # why the file was not loaded
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.error is not None:
            return "unreadable" if self.graph is None else "refused"
        if self.violations:
            return "violations"
        return "warnings" if self.warnings else "ok"


@dataclass
class IngestSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)
    snapshot: Path | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.error is not None]


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched recursively for disclosure files (sorted; READMEs and sidecar
    ``.meta.json`` files are not disclosures)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.upper().startswith("README")
            )
        else:
            files.append(path)
    return files


def ingest(
    paths: Iterable[Path],
    store_path: Path,
    *,
    strict: bool = False,
    progress: Callable[[FileOutcome], None] | None = None,
) -> IngestSummary:
    """Load every file into the store; ``strict`` refuses documents with Violations."""
    summary = IngestSummary()
    with open_writer(store_path) as writer:
        if not writer.graph_names() & {"https://w3id.org/budgetlod/ontology"}:
            writer.load_vocabulary()
        for path in expand(paths):
            outcome = FileOutcome(path)
            try:
                converted = convert_file(path)
            except CannotParse as exc:
                outcome.error = exc.finding.message
            except CannotMap as exc:
                outcome.error = str(exc)
            else:
                report = converted.report
                assert report is not None
                outcome.findings = converted.findings
                outcome.violations, outcome.warnings = report.count("violation"), report.count("warning")
                outcome.graph = converted.iri
                if strict and outcome.violations:
                    outcome.error = f"{outcome.violations} violations (--strict): not loaded"
                else:
                    outcome.triples = writer.replace_graph(converted.iri, converted.quads)
            summary.outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        writer.load_vocabulary()
        summary.snapshot = writer.publish()
    return summary
