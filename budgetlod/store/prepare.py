"""The worker side of bulk ingest: one file -> its named graph as N-Quads, ready for the single writer.

:func:`prepare` runs in a worker process (or in the ingesting process with ``--jobs 1``): parse, map,
validate (the direct SHACL evaluator of :mod:`budgetlod.validate.direct`, pyshacl if the shapes need it) and
serialise the graph with its DQV quality annotations. It never raises for a bad file: the outcome says why
the file cannot be loaded. What it returns is small and picklable (the N-Quads bytes and counts), so that
the writer only has to hand the bytes to Oxigraph.

:func:`fingerprint` names everything besides the file that decides what its graph holds (the budgetlod
version, the base IRI, the mapping, shapes and ontology files): a file already loaded under the same
fingerprint is unchanged.
"""

from __future__ import annotations

import hashlib
import signal
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from budgetlod import __version__, resources
from budgetlod.parse.decode import CannotParse
from budgetlod.parse.document import parse_file
from budgetlod.rdf.cube import name_findings
from budgetlod.rdf.graph import CannotMap, disclosure_iri, to_quads
from budgetlod.rdf.iris import Minter
from budgetlod.settings import setting
from budgetlod.validate.direct import DirectValidator, Unsupported, ntriples, validator
from budgetlod.validate.engine import ValidationReport, validate_quads
from budgetlod.validate.quality import quality_quads

STAGES = ("parse", "map", "validate", "serialize")


@dataclass
class Prepared:
    """One file, converted (``data`` set) or not (``error`` set)."""

    path: str
    key: str  # the source key: sha256 of the file (and of its .meta.json sidecar, if any)
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


def source_key(path: Path) -> str | None:
    """The file's identity for "unchanged": its sha256, plus its sidecar's. None when it cannot be read
    (or is larger than the input limit): the worker reports why."""
    try:
        if path.stat().st_size > int(setting("max_input_bytes")):
            return None
        key = hashlib.sha256(path.read_bytes()).hexdigest()
        sidecar = path.with_suffix(".meta.json")
        if sidecar.is_file():
            key += "+" + hashlib.sha256(sidecar.read_bytes()).hexdigest()[:16]
        return key
    except OSError:
        return None


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
    """A worker process: Ctrl-C is the parent's to handle (it stops handing out files and publishes);
    the shapes and vocabulary are loaded before the first file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
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


def _validate(quads: list[Quad], nquads: bytes) -> ValidationReport:
    engine = _direct()
    if engine is None:
        return validate_quads(quads)
    return engine.validate_ntriples(ntriples(quads, nquads))


def prepare(path: str, key: str | None = None) -> Prepared:
    """Convert one file (never raises for a bad file: ``error`` says why it cannot be loaded)."""
    outcome = Prepared(path=path, key=key or "")
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        outcome.seconds[stage] = now - clock
        clock = now

    try:
        disclosure = parse_file(Path(path))
        lap("parse")
        minter = Minter.from_settings()
        quads = to_quads(disclosure, minter)
        graph = disclosure_iri(disclosure, minter)
        lap("map")
    except CannotParse as exc:
        outcome.error = exc.finding.message
        return outcome
    except CannotMap as exc:
        outcome.error = str(exc)
        return outcome
    outcome.sha256 = disclosure.source.sha256
    if not outcome.key:
        outcome.key = outcome.sha256
    outcome.graph = graph
    outcome.parse_warnings = sum(1 for f in disclosure.findings + name_findings(disclosure) if f.severity != "info")
    nquads = serialize(quads, format=RdfFormat.N_QUADS) or b""
    report = _validate(quads, nquads)
    lap("validate")
    quality = quality_quads(graph, report)
    outcome.data = nquads + (serialize(quality, format=RdfFormat.N_QUADS) or b"")
    outcome.triples = len(set(quads).union(quality))
    outcome.violations, outcome.warnings, outcome.notes = (report.count(s) for s in ("violation", "warning", "info"))
    lap("serialize")
    return outcome
