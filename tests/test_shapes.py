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
from typing import Any

import pytest
from pyoxigraph import RdfFormat, parse
from shape_cases import case_files, load, results_for, source_text

from budgetlod import resources
from budgetlod.prefixes import iri

SH_SHAPES = (iri("sh:NodeShape"), iri("sh:PropertyShape"))


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
