"""What a bulk ingest did, file by file: outcomes, the summary, the report file.

Statuses (``FileOutcome.status``):

``ok``          loaded, no SHACL Violation or Warning
``warnings``    loaded, with SHACL Warnings (no Violation)
``violations``  loaded, with SHACL Violations (without ``--strict``)
``unchanged``   already loaded from the same bytes under the same conversion: skipped
``unreadable``  not loaded: cannot be read as a disclosure (cannot open, empty, binary, too large, not a
                budget disclosure, or no unit/year/phase to name it)
``refused``     not loaded: a disclosure, but ``--strict`` and it has Violations, or another file of the same
                run is the same disclosure (same graph)

The report file (``<store>/ingest-report.tsv`` or ``--report FILE``; ``.json`` for JSON) has a line per file:
``file status graph triples violations warnings parse_warnings seconds reason`` (TSV with a header line),
or ``{"summary": {...}, "files": [{...}, ...]}`` with the same fields (the summary also gives the CPU seconds
of the writing process and of its workers).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

LOADED = ("ok", "warnings", "violations")
FAILED = ("unreadable", "refused")
COLUMNS = ("file", "status", "graph", "triples", "violations", "warnings", "parse_warnings", "seconds", "reason")


@dataclass
class FileOutcome:
    path: Path
    graph: str | None = None
    triples: int = 0
    violations: int = 0
    warnings: int = 0
    parse_warnings: int = 0
    error: str | None = None  # why the file was not loaded
    unchanged: bool = False
    refused: bool = False  # a disclosure that was not loaded (strict, duplicate)
    seconds: float = 0.0  # conversion time (in a worker)

    @property
    def status(self) -> str:
        if self.error is not None:
            return "refused" if self.refused else "unreadable"
        if self.unchanged:
            return "unchanged"
        if self.violations:
            return "violations"
        return "warnings" if self.warnings else "ok"

    def row(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "status": self.status,
            "graph": self.graph or "",
            "triples": self.triples,
            "violations": self.violations,
            "warnings": self.warnings,
            "parse_warnings": self.parse_warnings,
            "seconds": round(self.seconds, 3),
            "reason": self.error or "",
        }


@dataclass
class IngestSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)
    snapshot: Path | None = None
    seconds: float = 0.0
    interrupted: str | None = None  # the signal that stopped the run (SIGINT, SIGTERM), if one did
    not_done: int = 0  # files left when interrupted
    report: Path | None = None
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds: "writer" (this process), "workers"

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def loaded(self) -> int:
        return sum(1 for o in self.outcomes if o.status in LOADED)

    def text(self, store: Path) -> str:
        """The summary line, then one line per failed file: ``status<TAB>file<TAB>reason``."""
        converted = [o for o in self.outcomes if not o.unchanged]
        rate = f" in {self.seconds:.1f} s"
        if converted and self.seconds:
            rate += f" ({len(converted) / self.seconds:.1f} files/s)"
        failed = self.failed
        kinds = f" ({self.count('unreadable')} unreadable, {self.count('refused')} refused)" if failed else ""
        lines = [
            f"{self.loaded} loaded ({self.count('ok')} clean, {self.count('warnings')} with warnings, "
            f"{self.count('violations')} with violations), {self.count('unchanged')} unchanged, "
            f"{len(failed)} failed{kinds}"
            + (f", {self.not_done} not done (interrupted)" if self.interrupted else "")
            + f"{rate}; store {store}"
        ]
        lines += [f"{o.status}\t{o.path}\t{o.error}" for o in failed]
        return "\n".join(lines)

    def totals(self) -> dict[str, object]:
        statuses = ("ok", "warnings", "violations", "unchanged", "unreadable", "refused")
        return {
            "files": len(self.outcomes) + self.not_done,
            "loaded": self.loaded,
            **{status: self.count(status) for status in statuses},
            "failed": len(self.failed),
            "not_done": self.not_done,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": {k: round(v, 3) for k, v in self.cpu.items()},
            "snapshot": str(self.snapshot) if self.snapshot else None,
        }


def write_report(summary: IngestSummary, path: Path) -> None:
    """Every file's outcome, TSV or (``.json``) JSON, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    rows = [o.row() for o in summary.outcomes]
    with temporary.open("w", encoding="utf-8") as handle:
        if path.suffix.lower() == ".json":
            json.dump({"summary": summary.totals(), "files": rows}, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        else:
            handle.write("\t".join(COLUMNS) + "\n")
            for row in rows:
                handle.write("\t".join(_cell(row[c]) for c in COLUMNS) + "\n")
    os.replace(temporary, path)


def _cell(value: object) -> str:
    return str(value).replace("\t", " ").replace("\n", " ")
