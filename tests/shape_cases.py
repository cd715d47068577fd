"""The shape cases (``tests/shapes/*.yaml``, described in ``tests/test_shapes.py``): the files, a case's source
document, and the SHACL results of a case."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from paths import CASES as DOCUMENTS
from paths import SAMPLE
from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse

from budgetlod.parse.document import parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate
from budgetlod.validate.engine import ShapeResult, validate_quads

CASES = Path(__file__).resolve().parent / "shapes"


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def source_text(source: Any) -> tuple[str, int | None]:
    """(document text, line of the injected error if any)."""
    if source in (None, "sample"):
        return SAMPLE.read_text(encoding="utf-8"), None
    if "case" in source:  # a document of tests/cases/ (e.g. final-narrative, a 决算 with its narrative)
        return (DOCUMENTS / source["case"] / "source.txt").read_text(encoding="utf-8"), None
    spec = source["generated"]
    generated = generate(seed=spec["seed"], index=spec["index"], errors=tuple(spec.get("errors", ())))
    line = generated.injected[0].line if generated.injected else None
    return generated.text, line


@cache
def results_for(key: str) -> tuple[ShapeResult, ...]:
    case = json.loads(key)
    if "turtle" in case:
        triples = parse(case["turtle"].encode(), format=RdfFormat.TURTLE)
        quads = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
    else:
        text, _ = source_text(case.get("source"))
        for old, new in case.get("replace", []):
            assert text.count(old) == 1, f"replacement must match exactly once: {old!r}"
            text = text.replace(old, new)
        quads = to_quads(parse_text(text, "case.txt"))
    return tuple(validate_quads(quads).results)
