"""Every shape has valid and invalid examples (tests/shapes/*.yaml); each invalid one is caught by that
shape, with the exact constraint component, severity, source line and message. Together the invalid
examples are the mutation suite: at least 25 distinct kinds of error, none of which crashes the pipeline.

A case file::

    shape: blsh:RowTotalIsBasicPlusProject
    component: sh:SPARQLConstraintComponent
    severity: violation
    valid:                      # documents that give no result of this shape (default: the sample)
      - source: sample
      - source: {generated: {seed: 1, index: 0}}
    invalid:
      - kind: changed_cell      # the kind of error (the mutation suite counts distinct kinds)
        source: sample          # or {generated: {seed, index, errors: [kind]}}, or turtle: "…"
        replace: [[old, new]]   # text replacements applied to the source, each must match once
        line: 150               # or "injected": the line the generator recorded for its error
        message: "表3 第4行 …"   # the exact Chinese message; or message_contains: [..]
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from paths import SAMPLE
from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse

from budgetlod import resources
from budgetlod.parse.document import parse_text
from budgetlod.prefixes import iri
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate
from budgetlod.validate.engine import ShapeResult, validate_quads

CASES = Path(__file__).resolve().parent / "shapes"
SH_SHAPES = (iri("sh:NodeShape"), iri("sh:PropertyShape"))


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


def expand(curie: str) -> str:
    return iri(curie) if ":" in curie and not curie.startswith("http") else curie


def params(kind: str) -> list[Any]:
    out = []
    for path in case_files():
        data = load(path)
        cases = data.get(kind) or ([{"source": "sample"}] if kind == "valid" else [])
        for n, case in enumerate(cases, start=1):
            out.append(pytest.param(data, case, id=f"{path.stem}-{kind}{n}"))
    return out


@pytest.mark.parametrize(("spec", "case"), params("valid"))
def test_valid_example_gives_no_result_of_the_shape(spec: dict[str, Any], case: dict[str, Any]) -> None:
    shape = expand(spec["shape"])
    found = [r for r in results_for(json.dumps(case, sort_keys=True)) if r.shape == shape]
    assert found == []


@pytest.mark.parametrize(("spec", "case"), params("invalid"))
def test_invalid_example_is_caught_by_its_shape(spec: dict[str, Any], case: dict[str, Any]) -> None:
    shape = expand(spec["shape"])
    results = [r for r in results_for(json.dumps(case, sort_keys=True)) if r.shape == shape]
    assert results, f"{spec['shape']} did not fire"
    line = case.get("line")
    if line == "injected":
        line = source_text(case.get("source"))[1]
    matching = [
        r
        for r in results
        if r.component == expand(spec["component"])
        and r.severity == spec["severity"]
        and (line is None or r.line == line)
        and ("message" not in case or r.message("zh") == case["message"])
        and all(part in r.message("zh") for part in case.get("message_contains", []))
    ]
    shown = [(r.component.rsplit("#", 1)[-1], r.severity, r.line, r.message("zh")) for r in results]
    assert matching, f"no result as expected among {shown}"
    assert all(m.message("en") for m in matching), "every result has an English message too"


def declared_shapes() -> set[str]:
    shapes = set()
    for path in resources.shapes():
        for triple in parse(path=str(path), format=RdfFormat.TURTLE):
            is_shape = triple.predicate.value == iri("rdf:type") and triple.object.value in SH_SHAPES
            if is_shape and triple.subject.value.startswith(iri("blsh:")):
                shapes.add(triple.subject.value)
    return shapes


def test_every_shape_has_valid_and_invalid_examples() -> None:
    covered = {expand(load(p)["shape"]) for p in case_files() if load(p).get("invalid")}
    assert sorted(declared_shapes() - covered) == []


def test_the_mutation_suite_has_at_least_25_kinds_of_error() -> None:
    kinds = {case["kind"] for p in case_files() for case in load(p).get("invalid", [])}
    assert len(kinds) >= 25, sorted(kinds)
