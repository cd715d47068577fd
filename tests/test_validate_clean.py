"""No false alarms: documents without errors give no Violation from any shape of ``shapes/``.

The sample and 200 clean generated disclosures (four corpus seeds, fifty units each, their years as the
generator draws them) are converted and validated with every shape; none may give a result of severity
``violation``. Warnings and notes are allowed (a generated document, for one, prints no publication date).
"""

from __future__ import annotations

import pytest
from paths import SAMPLE

from budgetlod.parse.document import parse_text
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate
from budgetlod.validate.engine import ShapeResult, validate_quads

SEEDS = (1, 2, 3, 7)
PER_SEED = 50


def violations(text: str, name: str) -> list[ShapeResult]:
    report = validate_quads(to_quads(parse_text(text, name)))
    return [r for r in report.results if r.severity == "violation"]


def shown(results: list[ShapeResult]) -> list[str]:
    return [f"{r.line}: {r.message('zh')} ({r.shape.rsplit('#', 1)[-1]})" for r in results[:10]]


def test_the_sample_gives_no_violation() -> None:
    found = violations(SAMPLE.read_text(encoding="utf-8"), SAMPLE.name)
    assert found == [], shown(found)


def test_five_clean_generated_documents_give_no_violation() -> None:
    """The default run's share (the 200 below run in CI, --run-slow): the first five of seed 1."""
    found = {i: shown(f) for i in range(5) if (f := violations((d := generate(seed=1, index=i)).text, d.file_name))}
    assert found == {}


@pytest.mark.slow  # 50 generated documents a seed validated in full (~25 s a seed): CI, --run-slow
@pytest.mark.parametrize("seed", SEEDS)
def test_clean_generated_documents_give_no_violation(seed: int) -> None:
    failures: dict[str, list[str]] = {}
    for index in range(PER_SEED):
        document = generate(seed=seed, index=index)
        found = violations(document.text, document.file_name)
        if found:
            failures[f"seed {seed} index {index} ({document.file_name})"] = shown(found)
    assert failures == {}
