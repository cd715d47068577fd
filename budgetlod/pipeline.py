"""The stages chained for one disclosure, written once: read -> parse -> map -> validate (-> quality annotations).

Every command that converts uses :func:`convert` — ``convert``, ``validate``, ``export`` and the workers of
``ingest`` — and differs only in what it passes: the validator (pyshacl over the shapes by default; ingest's
direct evaluator), whether to validate at all, and a ``lap`` callback that is told when each stage ends (ingest
times its stages with it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad

from budgetlod.model import Disclosure, Finding
from budgetlod.parse.document import parse_files
from budgetlod.rdf.cube import name_findings
from budgetlod.rdf.graph import disclosure_iri, to_quads
from budgetlod.rdf.iris import Minter
from budgetlod.settings import setting
from budgetlod.validate.engine import ValidationReport, validate_quads
from budgetlod.validate.quality import quality_quads

Validator = Callable[[list[Quad]], ValidationReport]  # a disclosure's graph -> its SHACL report
Lap = Callable[[str], None]  # told "parse", "map", "validate" as each stage ends


@dataclass
class Converted:
    disclosure: Disclosure
    iri: str
    quads: list[Quad]  # the disclosure's named graph, with quality annotations when validated
    findings: list[Finding]  # the parser's and the mapper's
    report: ValidationReport | None
    quality: list[Quad] = field(default_factory=list)  # the quality annotations alone (also in ``quads``)


def _no_lap(stage: str) -> None:
    return None


def convert(
    paths: Path | Sequence[Path],
    *,
    validate: bool = True,
    validator: Validator | None = None,
    minter: Minter | None = None,
    lap: Lap = _no_lap,
) -> Converted:
    """The files of one disclosure (one file, or a narrative and its tables …) -> its graph, validated.

    Raises :class:`~budgetlod.read.decode.CannotParse` or :class:`~budgetlod.rdf.graph.CannotMap` (both
    :class:`~budgetlod.errors.BudgetlodError`)."""
    files = [paths] if isinstance(paths, Path) else list(paths)
    disclosure = parse_files(files)
    lap("parse")
    return convert_disclosure(disclosure, validate=validate, validator=validator, minter=minter, lap=lap)


def convert_disclosure(
    disclosure: Disclosure,
    *,
    validate: bool = True,
    validator: Validator | None = None,
    minter: Minter | None = None,
    lap: Lap = _no_lap,
) -> Converted:
    """Map a parsed disclosure (and validate it). Raises :class:`~budgetlod.rdf.graph.CannotMap`."""
    minter = minter or Minter.from_settings()
    quads = to_quads(disclosure, minter)
    iri = disclosure_iri(disclosure, minter)
    lap("map")
    report, quality = None, []
    if validate:
        report = (validator or validate_quads)(quads)
        lap("validate")
        quality = quality_quads(iri, report)
    room = max(0, int(setting("max_findings")) - len(disclosure.findings))  # one file's findings, both stages
    findings = disclosure.findings + name_findings(disclosure, room)
    return Converted(disclosure, iri, quads + quality, findings, report, quality)
