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
``failed``      not loaded: converting it failed — an internal error (``internal error: <type>: <message>``, a
                bug), its worker process died, or it passed the time or memory limit of one file
                (``file_seconds``, ``file_memory_bytes``); the run goes on with the other files
``skipped``     never opened: not a regular file (a FIFO, a device, a socket), a folder that cannot be listed, a
                folder given with no disclosure file in it, or a disclosure ``disclosures.txt`` lists with a file
                that does not exist; or read and found to be nothing to load (:data:`NOT_TO_LOAD`: an
                unsupported format, a PDF that needs OCR, a password-protected file, not a budget disclosure)

Exit codes (:meth:`IngestSummary.exit_code`): 130/143 stopped by SIGINT/SIGTERM; 2 the run stopped on the
store (no space left, cannot write); 3 an internal error (a bug, or a worker that died); 2 a file unreadable,
past a limit, unwritten or skipped; 2 nothing loadable (nothing loaded, unchanged, refused or unwritten: every
file failed or was skipped, or there was none); 1 refused; 0 every file loaded or unchanged.

The report file (``<store>/ingest-report.tsv`` or ``--report FILE``; ``.json`` for JSON) has a line per file:
``file status graph triples violations warnings parse_warnings seconds reason findings`` (TSV with a header line;
for a remote store ``state`` before ``reason``), or ``{"summary": {...}, "files": [{...}, ...]}`` with the same
fields (the summary also gives the CPU seconds of the writing process and of its workers). ``findings`` are those
found across the disclosures of the store after the run (:mod:`budgetlod.ingest.pairs`: X001, a 决算's printed
预算数 against the 预算 of its unit and year), each ``CODE: message``, several separated by `` | `` in the TSV; in
the JSON a list of ``{"code", "severity", "message"}``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from budgetlod.errors import EXIT_CANNOT_RUN, EXIT_INTERNAL, EXIT_OK, EXIT_VIOLATIONS
from budgetlod.model import Finding

LOADED = ("ok", "warnings", "violations")
FAILED = ("unreadable", "refused", "unwritten", "failed")
EXIT_REFUSED = EXIT_VIOLATIONS  # --strict: a file refused for its violations
EXIT_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}
INTERNAL, LIMIT = "internal", "limit"  # FileOutcome.failure: a bug (or a worker that died), a limit passed
NOT_TO_LOAD = ("R001", "R002", "R003", "P004")  # findings that make a file "skipped", not "unreadable"
LOADABLE = (*LOADED, "unchanged", "refused", "unwritten")  # a disclosure: not "nothing loadable"
SHOWN_SKIPPED = 10  # skipped files named after the summary line
COLUMNS = ("file", "status", "graph", "triples", "violations", "warnings", "parse_warnings", "seconds", "reason",
           "findings")
REMOTE_COLUMNS = (*COLUMNS[:-2], "state", "reason", "findings")


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
    failure: str | None = None  # converting it failed: INTERNAL (a bug, a worker died) or LIMIT (time, memory)
    skipped: bool = False  # never opened (not a regular file, a folder …), or nothing to load (NOT_TO_LOAD)
    findings: list[Finding] = field(default_factory=list)  # across the store, after the run (X001)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        if self.error is not None:
            if self.state is not None:
                return "unwritten"
            if self.failure is not None:
                return "failed"
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
            "findings": [{"code": f.code, "severity": f.severity, "message": f.message} for f in self.findings],
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
    error: str | None = None  # the store could not be written (a full disk): the whole message, the run stopped
    skipped: list[FileOutcome] = field(default_factory=list)  # what the walk of the paths passed over
    notes: list[str] = field(default_factory=list)  # warnings about the run (the report or a snapshot not written)
    report_written: bool = False
    inputs: list[str] = field(default_factory=list)  # the paths the run was given (for "nothing loadable in …")

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def failures(self, kind: str) -> int:
        return sum(1 for o in self.outcomes if o.error is not None and o.failure == kind)

    def exit_code(self) -> int:
        """The command's exit code: the worst that happened (see the module's description)."""
        if self.interrupted:
            return EXIT_SIGNAL.get(self.interrupted, 130)
        if self.error or self.stopped:
            return EXIT_CANNOT_RUN
        if self.failures(INTERNAL):
            return EXIT_INTERNAL
        if self.skipped or any(o.status in ("unreadable", "unwritten", "failed", "skipped") for o in self.outcomes):
            return EXIT_CANNOT_RUN
        if self.nothing_loadable:
            return EXIT_CANNOT_RUN
        return EXIT_REFUSED if self.failed else EXIT_OK

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.error is not None and not o.skipped]

    @property
    def all_skipped(self) -> list[FileOutcome]:
        """What the walk passed over, then the files skipped once read (nothing to load)."""
        return [*self.skipped, *(o for o in self.outcomes if o.skipped)]

    @property
    def nothing_loadable(self) -> bool:
        """The run ended (not stopped) and no file was a disclosure: nothing loaded, unchanged, refused or
        unwritten."""
        if self.interrupted or self.stopped or self.error:
            return False
        return not any(o.status in LOADABLE for o in self.outcomes)

    def nothing_message(self) -> str:
        """``nothing loadable in DIR (2 skipped, 1 failed)``."""
        where = ", ".join(self.inputs) or "the paths given"
        return f"nothing loadable in {where} ({len(self.all_skipped)} skipped, {len(self.failed)} failed)"

    @property
    def loaded(self) -> int:
        return sum(1 for o in self.outcomes if o.status in LOADED)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS if self.endpoint is None else REMOTE_COLUMNS

    def text(self, store: Path | str) -> str:
        """The summary line, then one line per failed file: ``status<TAB>file<TAB>reason`` (a remote graph not
        written: ``unwritten<TAB>file<TAB>remote graph STATE: reason``), then the skipped files the same way (the
        first :data:`SHOWN_SKIPPED`, then ``and N more skipped``)."""
        converted = [o for o in self.outcomes if not o.unchanged]
        rate = f" in {self.seconds:.1f} s"
        if converted and self.seconds:
            rate += f" ({len(converted) / self.seconds:.1f} files/s)"
        failed = self.failed
        unwritten = f", {self.count('unwritten')} unwritten" if self.count("unwritten") else ""
        internal, limit = self.failures(INTERNAL), self.failures(LIMIT)
        unwritten += f", {internal} internal error{'s' if internal != 1 else ''}" if internal else ""
        unwritten += f", {limit} past a limit" if limit else ""
        kinds = f" ({self.count('unreadable')} unreadable, {self.count('refused')} refused{unwritten})"
        kinds = kinds if failed else ""
        skips = self.all_skipped
        skipped = f", {len(skips)} skipped" if skips else ""
        left = ""
        if self.interrupted:
            left = f", {self.not_done} not done (interrupted)"
        elif self.stopped:
            left = f", {self.not_done} not done (stopped: {self.stopped})"
        lines = [
            f"{self.loaded} loaded ({self.count('ok')} clean, {self.count('warnings')} with warnings, "
            f"{self.count('violations')} with violations), {self.count('unchanged')} unchanged, "
            f"{len(failed)} failed{kinds}{skipped}"
            + left
            + f"{rate}; store {store}"
        ]
        lines += [f"{o.status}\t{o.path}\t{o.reason}" for o in [*failed, *skips[:SHOWN_SKIPPED]]]
        if len(skips) > SHOWN_SKIPPED:
            lines.append(f"and {len(skips) - SHOWN_SKIPPED} more skipped (the report lists them)")
        return "\n".join(lines)

    def totals(self) -> dict[str, object]:
        statuses = ("ok", "warnings", "violations", "unchanged", "unreadable", "refused", "unwritten")
        return {
            "files": len(self.outcomes) + self.not_done,
            "loaded": self.loaded,
            **{status: self.count(status) for status in statuses},
            "failed": len(self.failed),
            "internal_errors": self.failures(INTERNAL),
            "past_limit": self.failures(LIMIT),
            "skipped": len(self.all_skipped),
            "not_done": self.not_done,
            "interrupted": self.interrupted,
            "stopped": self.stopped,
            "error": self.error,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": {k: round(v, 3) for k, v in self.cpu.items()},
            "snapshot": str(self.snapshot) if self.snapshot else None,
            "endpoint": self.endpoint,
        }


def write_report(summary: IngestSummary, path: Path) -> None:
    """Every file's outcome (what the walk skipped first), TSV or (``.json``) JSON, written atomically: a report
    that cannot be written (a full disk) leaves the previous one, and raises ``OSError``."""
    temporary = path.with_name(path.name + ".tmp")
    rows = [o.row() for o in [*summary.skipped, *summary.outcomes]]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="utf-8") as handle:
            if path.suffix.lower() == ".json":
                json.dump({"summary": summary.totals(), "files": rows}, handle, ensure_ascii=False, indent=1)
                handle.write("\n")
            else:
                handle.write("\t".join(summary.columns) + "\n")
                for row in rows:
                    handle.write("\t".join(_cell(row[c]) for c in summary.columns) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _cell(value: object) -> str:
    if isinstance(value, list):  # the findings: CODE: message | CODE: message
        value = " | ".join(f"{f['code']}: {f['message']}" for f in value)
    return str(value).replace("\t", " ").replace("\n", " ")
