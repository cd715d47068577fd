"""``budgetlod ingest`` run as a subprocess, as a user runs it, and the TSV report it writes, read back."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path


def command(store: Path, *args: str | Path) -> list[str]:
    return [sys.executable, "-m", "budgetlod", "ingest", "--store", str(store), *map(str, args)]


def run_ingest(store: Path, *args: str | Path, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(store, *args), capture_output=True, text=True, timeout=timeout)


def run(store: Path, *args: str | Path, env: dict[str, str] | None = None,
        timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(store, *args), capture_output=True, text=True, timeout=timeout, env=env)


def report_rows(path: Path) -> dict[str, dict[str, str]]:
    """The TSV report, by file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}


def loaded_graphs(rows: dict[str, dict[str, str]]) -> dict[str, int]:
    """graph -> triples of the files the report says were loaded now."""
    return {r["graph"]: int(r["triples"]) for r in rows.values() if r["status"] in ("ok", "warnings", "violations")}
