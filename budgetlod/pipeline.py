"""The stages chained for one file: parse -> map -> validate (-> quality annotations)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad

from budgetlod.model import Disclosure, Finding
from budgetlod.parse.document import parse_file
from budgetlod.rdf.cube import name_findings
from budgetlod.rdf.graph import disclosure_iri, to_quads
from budgetlod.rdf.iris import Minter
from budgetlod.settings import setting
from budgetlod.validate.engine import ValidationReport, validate_quads
from budgetlod.validate.quality import quality_quads


@dataclass
class Converted:
    disclosure: Disclosure
    iri: str
    quads: list[Quad]  # the disclosure's named graph, with quality annotations when validated
    findings: list[Finding]  # the parser's and the mapper's
    report: ValidationReport | None


def convert_file(path: Path, *, validate: bool = True, minter: Minter | None = None) -> Converted:
    """Raises :class:`~budgetlod.parse.decode.CannotParse` or :class:`~budgetlod.rdf.graph.CannotMap`."""
    return convert_disclosure(parse_file(path), validate=validate, minter=minter)


def convert_disclosure(disclosure: Disclosure, *, validate: bool = True, minter: Minter | None = None) -> Converted:
    """Map a parsed disclosure (and validate it). Raises :class:`~budgetlod.rdf.graph.CannotMap`."""
    minter = minter or Minter.from_settings()
    quads = to_quads(disclosure, minter)
    iri = disclosure_iri(disclosure, minter)
    report = None
    if validate:
        report = validate_quads(quads)
        quads = quads + quality_quads(iri, report)
    room = max(0, int(setting("max_findings")) - len(disclosure.findings))  # one file's findings, both stages
    findings = disclosure.findings + name_findings(disclosure, room)
    return Converted(disclosure, iri, quads, findings, report)
