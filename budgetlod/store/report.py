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
``unwritten``   not loaded: converted, but a remote store did not take the graph (``ingest --endpoint``); ``state``
                says what the remote graph holds now (old, new, absent, partial, unknown) and the reason why

The report file (``<store>/ingest-report.tsv`` or ``--report FILE``; ``.json`` for JSON) has a line per file:
``file status graph triples violations warnings parse_warnings seconds reason`` (TSV with a header line; for a
remote store ``state`` before ``reason``), or ``{"summary": {...}, "files": [{...}, ...]}`` with the same fields
(the summary also gives the CPU seconds of the writing process and of its workers).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

LOADED = ("ok", "warnings", "violations")
FAILED = ("unreadable", "refused", "unwritten")
COLUMNS = ("file", "status", "graph", "triples", "violations", "warnings", "parse_warnings", "seconds", "reason")
REMOTE_COLUMNS = (*COLUMNS[:-1], "state", "reason")


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
    state: str | None = None  # a remote graph not written: what it holds now (budgetlod.store.staging.GraphState)

    @property
    def status(self) -> str:
        if self.error is not None:
            if self.state is not None:
                return "unwritten"
            return "refused" if self.refused else "unreadable"
        if self.unchanged:
            return "unchanged"
        if self.violations:
            return "violations"
        return "warnings" if self.warnings else "ok"

    @property
    def reason(self) -> str:
        """Why the file was not loaded, as the summary and the progress show it (a remote graph's state first)."""
        return f"remote graph {self.state}: {self.error}" if self.state is not None else str(self.error or "")

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
            "state": self.state or "",
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
    endpoint: str | None = None  # a remote store's query endpoint (None: the embedded store)
    stopped: str | None = None  # why the run stopped before the end, when no signal stopped it

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def loaded(self) -> int:
        return sum(1 for o in self.outcomes if o.status in LOADED)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS if self.endpoint is None else REMOTE_COLUMNS

    def text(self, store: Path | str) -> str:
        """The summary line, then one line per failed file: ``status<TAB>file<TAB>reason`` (a remote graph not
        written: ``unwritten<TAB>file<TAB>remote graph STATE: reason``)."""
        converted = [o for o in self.outcomes if not o.unchanged]
        rate = f" in {self.seconds:.1f} s"
        if converted and self.seconds:
            rate += f" ({len(converted) / self.seconds:.1f} files/s)"
        failed = self.failed
        unwritten = f", {self.count('unwritten')} unwritten" if self.count("unwritten") else ""
        kinds = f" ({self.count('unreadable')} unreadable, {self.count('refused')} refused{unwritten})"
        kinds = kinds if failed else ""
        left = ""
        if self.interrupted:
            left = f", {self.not_done} not done (interrupted)"
        elif self.stopped:
            left = f", {self.not_done} not done (stopped: {self.stopped})"
        lines = [
            f"{self.loaded} loaded ({self.count('ok')} clean, {self.count('warnings')} with warnings, "
            f"{self.count('violations')} with violations), {self.count('unchanged')} unchanged, "
            f"{len(failed)} failed{kinds}"
            + left
            + f"{rate}; store {store}"
        ]
        lines += [f"{o.status}\t{o.path}\t{o.reason}" for o in failed]
        return "\n".join(lines)

    def totals(self) -> dict[str, object]:
        statuses = ("ok", "warnings", "violations", "unchanged", "unreadable", "refused", "unwritten")
        return {
            "files": len(self.outcomes) + self.not_done,
            "loaded": self.loaded,
            **{status: self.count(status) for status in statuses},
            "failed": len(self.failed),
            "not_done": self.not_done,
            "interrupted": self.interrupted,
            "stopped": self.stopped,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": {k: round(v, 3) for k, v in self.cpu.items()},
            "snapshot": str(self.snapshot) if self.snapshot else None,
            "endpoint": self.endpoint,
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
            handle.write("\t".join(summary.columns) + "\n")
            for row in rows:
                handle.write("\t".join(_cell(row[c]) for c in summary.columns) + "\n")
    os.replace(temporary, path)


def _cell(value: object) -> str:
    return str(value).replace("\t", " ").replace("\n", " ")
