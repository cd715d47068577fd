"""The W3C Data Cube integrity constraints hold for converted disclosures."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import SAMPLE
from qb_integrity import violations

from budgetlod import resources
from budgetlod.formats import to_bytes
from budgetlod.parse.document import parse_file, parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate


def vocabulary() -> list[Path]:
    return resources.ontology()


def test_sample_is_a_well_formed_cube() -> None:
    data = to_bytes(to_quads(parse_file(SAMPLE)), "nq")
    assert violations(data, *vocabulary()) == []


@pytest.mark.slow  # every integrity check over generated documents: over a minute on a busy machine
def test_generated_documents_are_well_formed_cubes() -> None:
    """200 generated disclosures (several units and years), checked together in one store."""
    data = b"".join(to_bytes(to_quads(parse_text(generate(seed=7, index=i).text)), "nq") for i in range(200))
    assert violations(data, *vocabulary()) == []


def test_a_broken_cube_is_caught() -> None:
    """The check can fail: an observation without its fiscal year violates IC-11 (all dimensions required)."""
    quads = [
        q
        for q in to_quads(parse_file(SAMPLE))
        if not (q.subject.value.endswith("/t03/2010350/basic") and q.predicate.value.endswith("/fiscalYear"))
    ]
    assert violations(to_bytes(quads, "nq"), *vocabulary()) == ["IC-11"]
