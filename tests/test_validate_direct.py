"""The direct SHACL evaluator (bulk ingest's) gives exactly pyshacl's results.

Compared field for field (focus, value, path, component, severity, messages in both languages, line) on every
valid and invalid example of ``tests/shapes/*.yaml`` (the mutation suite: every shape fires at least once), the
sample, and generated documents with every kind of injected error; and shapes outside the compiled subset are
refused rather than misread.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import rdflib
from paths import SAMPLE
from pyoxigraph import DefaultGraph, Quad, RdfFormat, parse
from shape_cases import case_files, load, results_for, source_text

from budgetlod.parse.document import parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import ERROR_KINDS, generate
from budgetlod.validate.direct import Unsupported, compile_shapes, program, validate_direct
from budgetlod.validate.engine import ShapeResult, validate_quads


def quads_of(case: dict[str, Any]) -> list[Quad]:
    if "turtle" in case:
        triples = parse(case["turtle"].encode(), format=RdfFormat.TURTLE)
        return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]
    text, _ = source_text(case.get("source"))
    for old, new in case.get("replace", []):
        text = text.replace(old, new)
    return to_quads(parse_text(text, "case.txt"))


def cases() -> list[Any]:
    seen: set[str] = set()
    out = []
    for path in case_files():
        data = load(path)
        for kind in ("valid", "invalid"):
            for n, case in enumerate(data.get(kind) or [], start=1):
                key = json.dumps({k: v for k, v in case.items() if k not in ("kind", "line", "message",
                                                                            "message_contains")}, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    out.append(pytest.param(case, id=f"{path.stem}-{kind}{n}"))
    return out


def same(quads: list[Quad]) -> tuple[list[ShapeResult], list[ShapeResult]]:
    reference, direct = validate_quads(quads), validate_direct(quads)
    assert direct.conforms == reference.conforms
    return reference.results, direct.results


@pytest.mark.parametrize("case", cases())
def test_shape_examples_give_the_same_results(case: dict[str, Any]) -> None:
    reference = list(results_for(json.dumps(case, sort_keys=True)))  # pyshacl's, shared with test_shapes
    direct = validate_direct(quads_of(case))
    assert direct.results == reference
    assert direct.conforms == all(r.severity != "violation" for r in reference)


@pytest.mark.slow  # every error kind through both evaluators: ~14 s; CI runs it (--run-slow)
def test_sample_and_generated_documents_with_every_error_kind() -> None:
    texts = [SAMPLE.read_text(encoding="utf-8")] + [generate(5, i).text for i in range(3)]
    texts += [generate(9, i, errors=[kind]).text for i, kind in enumerate(ERROR_KINDS)]
    texts.append(generate(9, 99, errors=ERROR_KINDS).text)
    fired = 0
    for text in texts:
        reference, direct = same(to_quads(parse_text(text, "doc.txt")))
        assert direct == reference
        fired += len(reference)
    assert fired > 40  # the comparison covered results, not only empty reports


def test_every_shape_is_compiled() -> None:
    compiled = program()
    assert len(compiled.core) == 18 and len(compiled.sparql) == 68  # 26 + the four …Rounding twins + review.ttl (issue 17, and TableFigureTenThousandFold) + final-narrative.ttl (3) + final.ttl (11) + the two narrative …Rounding twins + jiangsu.ttl (12) + LeafFlagAgreesWithCodes (issue 19)


@pytest.mark.parametrize(
    "extra",
    [
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ex:p ; sh:pattern \"^a\" .",
        "ex:S a sh:PropertyShape ; sh:targetNode ex:x ; sh:path ex:p ; sh:minCount 1 .",
        "ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:path ( ex:p ex:q ) ; sh:minCount 1 .",
    ],
)
def test_features_outside_the_subset_are_refused(extra: str) -> None:
    graph = rdflib.Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> . " + extra,
        format="turtle",
    )
    with pytest.raises(Unsupported):
        compile_shapes(graph)
