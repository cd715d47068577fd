"""The worker side of bulk ingest: one disclosure (a file, or a group of files joined by ``+``:
:mod:`budgetlod.ingest.groups`) -> its named graph as N-Quads, ready for the single writer.

:func:`prepare` runs in a worker process (:mod:`budgetlod.ingest.converter`; or in the ingesting process for a
run of fewer than four files): parse, map, validate (the direct SHACL evaluator of
:mod:`budgetlod.validate.direct`, pyshacl if the shapes need it) and serialise the graph with its DQV quality
annotations. It never raises: a bad file's outcome says why it cannot be loaded, and any other exception is
caught at this boundary — the file's outcome is ``internal error: <type>: <message>`` (``failure`` INTERNAL),
and a file past the time limit (``seconds``: a ``SIGALRM`` timer, in the main thread) or out of memory is
``failure`` LIMIT. What it returns is small and picklable (the N-Quads bytes and counts), so that the writer
only has to hand the bytes to Oxigraph.

:func:`fingerprint` names everything besides the file that decides what its graph holds (the budgetlod
version, the base IRI, the mapping, shapes and ontology files): a file already loaded under the same
fingerprint is unchanged.
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from budgetlod import __version__, resources
from budgetlod.errors import BudgetlodError
from budgetlod.ingest.groups import split
from budgetlod.ingest.report import INTERNAL, LIMIT
from budgetlod.limits import TimeLimit, internal_error, past_time, time_limit
from budgetlod.pipeline import convert
from budgetlod.settings import setting
from budgetlod.validate.direct import DirectValidator, Unsupported, ntriples, validator
from budgetlod.validate.engine import ValidationReport, validate_quads

STAGES = ("parse", "map", "validate", "serialize")


@dataclass
class Prepared:
    """One file (or group), converted (``data`` set) or not (``error`` set)."""

    path: str  # a file, or a group's files joined by "+"
    key: str  # the source key: sha256 of the file (and of its .meta.json sidecar, if any; a group: of all its files)
    sha256: str | None = None  # of the file's bytes, as the graph records it (bl:sha256)
    graph: str | None = None
    data: bytes = b""  # the graph as N-Quads (every quad in ``graph``)
    triples: int = 0
    violations: int = 0
    warnings: int = 0
    notes: int = 0
    parse_warnings: int = 0  # the parser's and the mapper's findings of severity warning or error
    error: str | None = None  # why the file cannot be loaded (it is not a disclosure that can be named)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    failure: str | None = None  # converting failed: INTERNAL (an exception, a worker died) or LIMIT (time, memory)
    code: str | None = None  # the finding code of why it cannot be loaded (R001 unsupported format, P004 …), if any


def source_key(path: Path) -> str | None:
    """The file's identity for "unchanged": its sha256, plus its sidecar's; for a group (its files joined by
    ``+``), the first file's sha256 (the graph records it: the manifest checks it) and a hash over every file's
    key, in order, so that changing any one converts the group again. None when a file cannot be read (or is
    larger than the input limit): the worker reports why."""
    files = split(str(path))
    if len(files) == 1:
        return _file_key(files[0])
    keys = [_file_key(f) for f in files]
    if any(k is None for k in keys):
        return None
    digest = hashlib.sha256("\n".join(str(k) for k in keys).encode()).hexdigest()[:32]
    return f"{str(keys[0]).split('+', 1)[0]}+group:{digest}"


def _file_key(path: Path) -> str | None:
    limit = int(setting("max_input_bytes"))
    try:
        data = _read_regular(path, limit)
        if data is None:
            return None
        key = hashlib.sha256(data).hexdigest()
        sidecar = path.with_suffix(".meta.json")
        if sidecar.is_file():
            extra = _read_regular(sidecar, limit)
            key += "+" + hashlib.sha256(extra or b"").hexdigest()[:16]
        return key
    except OSError:
        return None


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file no larger than ``limit``, else None: opened without blocking (a FIFO put in
    the file's place after the walk does not stop the run) and checked on the open file."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return handle.read(limit + 1)


@cache
def fingerprint() -> str:
    """What, besides a file, decides its graph: version, base IRI, mapping, shapes and ontology files."""
    digest = hashlib.sha256(f"{__version__}\n{setting('base_iri')}\n".encode())
    for name in ("mapping", "shapes", "ontology"):
        for path in resources.files(name):
            digest.update(path.relative_to(resources.data_root()).as_posix().encode() + b"\n")
            digest.update(path.read_bytes())
    return f"{__version__}:{digest.hexdigest()[:16]}"


def init_worker() -> None:
    """A worker process: Ctrl-C and SIGTERM are the parent's to handle (it stops handing out files, publishes
    and stops its workers); the shapes and vocabulary are loaded before the first file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    warm_up()


def warm_up() -> None:
    _direct()


@cache
def _direct() -> DirectValidator | None:
    """The direct evaluator, or None when a shape is outside its subset (then pyshacl validates)."""
    try:
        return validator()
    except Unsupported:
        return None


def prepare(path: str, key: str | None = None, seconds: float = 0.0) -> Prepared:
    """Convert one file (or a group: its files joined by ``+``), in at most ``seconds`` (0: no limit). Never
    raises: ``error`` says why the file cannot be loaded, ``code`` the finding that says so (when one does),
    ``failure`` whether that is an internal error or a limit (see the module's description)."""
    started = time.perf_counter()
    try:
        with time_limit(seconds):
            return _prepare(path, key)
    except TimeLimit:
        error, failure = past_time("conversion", time.perf_counter() - started, seconds), LIMIT
    except MemoryError:
        limit = int(setting("file_memory_bytes"))
        error = f"conversion stopped: out of memory (a worker may use {limit:,} bytes, setting file_memory_bytes)"
        failure = LIMIT
    except Exception as exc:  # a bug: this file fails, the run goes on
        error, failure = internal_error(exc), INTERNAL
    return Prepared(path=path, key=key or "", error=error, failure=failure,
                    seconds={"failed": time.perf_counter() - started})


def _prepare(path: str, key: str | None) -> Prepared:
    outcome = Prepared(path=path, key=key or "")
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        outcome.seconds[stage] = now - clock
        clock = now

    written: list[bytes] = []  # the graph as N-Quads, made once: for the direct evaluator and for the writer

    def check(quads: list[Quad]) -> ValidationReport:
        nquads = serialize(quads, format=RdfFormat.N_QUADS) or b""
        written.append(nquads)
        engine = _direct()
        return validate_quads(quads) if engine is None else engine.validate_ntriples(ntriples(quads, nquads))

    try:
        converted = convert(split(path), validator=check, lap=lap)
    except BudgetlodError as exc:  # not a disclosure, or one that cannot be named
        outcome.error = str(exc)
        outcome.code = getattr(getattr(exc, "finding", None), "code", None)
        return outcome
    disclosure = converted.disclosure
    outcome.sha256 = disclosure.source.sha256
    if not outcome.key:
        outcome.key = outcome.sha256
    outcome.graph = converted.iri
    outcome.parse_warnings = sum(1 for f in converted.findings if f.severity != "info")
    report = converted.report
    assert report is not None
    outcome.data = written[0] + (serialize(converted.quality, format=RdfFormat.N_QUADS) or b"")
    outcome.triples = len(set(converted.quads))
    outcome.violations, outcome.warnings, outcome.notes = (report.count(s) for s in ("violation", "warning", "info"))
    lap("serialize")
    return outcome
