"""Fuzzing: mutated disclosures through parse → map → validate end normally or with the documented refusals.

The property (:func:`budgetlod.testing.fuzz.run_case`): for any input, parsing (and the JSON form and the
summary), mapping to RDF, SHACL validation and the Turtle output return normally, or raise ``CannotParse``
(not a disclosure) or ``CannotMap`` (nothing to name it by) — never any other exception. 200 cases drawn by
hypothesis (derandomized: the same cases in every run; sizes kept small by ``scale``); ``bench/fuzz.py``
runs 100,000 (docs/benchmarks.md). The regressions are cases the bench found that took minutes.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetlod.testing.fuzz import BYTE_MUTATIONS, ENCODINGS, MUTATIONS, Recipe, load_seeds, run_case

ROOT = Path(__file__).resolve().parent.parent
SEEDS = dict(load_seeds(ROOT))
SEED_32 = st.integers(min_value=0, max_value=2**32 - 1)

recipes = st.builds(
    Recipe,
    seed=st.sampled_from(sorted(SEEDS)),
    mutations=st.lists(st.tuples(st.sampled_from(sorted(MUTATIONS)), SEED_32), min_size=1, max_size=4).map(tuple),
    encoding=st.one_of(st.just("utf-8"), st.sampled_from(ENCODINGS)),
    damage=st.lists(st.tuples(st.sampled_from(sorted(BYTE_MUTATIONS)), SEED_32), max_size=2).map(tuple),
    scale=st.just(100),
)


def test_the_seeds_are_there() -> None:
    assert "examples/wlmq-12345-hotline-2024-unit-budget.txt" in SEEDS
    assert len([name for name in SEEDS if name.startswith("tests/fuzz_seeds/")]) == 4
    assert all(text.strip() for text in SEEDS.values())


@pytest.mark.slow  # 200 mutated documents (~9 s): CI, --run-slow; bench/fuzz.py runs 100,000
@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(recipe=recipes, engine=st.sampled_from(["pyshacl", "direct", "none", "none"]))
def test_any_mutation_is_read_or_refused(recipe: Recipe, engine: str) -> None:
    outcome = run_case(recipe.build(SEEDS), engine)  # type: ignore[arg-type]
    assert outcome in ("ok", "cannot-parse", "cannot-map")


@pytest.mark.parametrize(
    "recipe",
    [
        Recipe("tests/cases/page-breaks/source.txt",
               (("truncate", 3782746546), ("truncate", 935698207), ("nesting", 2889740299)), "latin-1",
               (("flip", 2038615882), ("cut", 789792194))),
        Recipe("examples/wlmq-12345-hotline-2024-unit-budget.txt",
               (("number", 2270908537), ("blank", 3852165812), ("blank", 3864177333), ("swap", 651368194))),
        Recipe("tests/cases/html-tables/source.txt", (("spans", 2789468331), ("number", 1143935316)), "big5"),
    ],
    ids=["unknown-marked-section", "rate-with-commas", "huge-character-reference"],
)
def test_crashes_found_by_the_bench(recipe: Recipe) -> None:
    """bench/fuzz.py --seed 1, cases 7307, 15764 and 24904 (docs/benchmarks.md): html.parser's AssertionError
    on ``<![CEATA[``, a rate ``1,000…%`` given to Decimal with its commas, html.unescape's int() of a
    4,301-digit character reference."""
    for engine in ("none", "pyshacl"):
        assert run_case(recipe.build(SEEDS), engine) in ("ok", "cannot-parse", "cannot-map")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "recipe",
    [
        # a run-on line of digits in 其他重要事项: the amount patterns backtracked at every digit (100 s)
        Recipe("examples/wlmq-12345-hotline-2024-unit-budget.txt",
               (("blank", 3470075445), ("number", 4170468311), ("long_line", 2358494577), ("number", 2328050277))),
        # a long narrative clause: the statement patterns backtracked (22 s)
        Recipe("tests/cases/yuan/source.txt", (("pipes", 48955751), ("long_line", 2367687597))),
        # 119,000 "<" without ">" in a cell: the tag pattern scanned to the end from each (4 s)
        Recipe("tests/cases/wrapped-headers/source.txt", (("long_line", 32114233), ("swap", 2270756685))),
    ],
    ids=["digits-in-other-matters", "long-clause", "unclosed-tags"],
)
def test_quadratic_cases_found_by_the_bench_are_fast(recipe: Recipe) -> None:
    started = time.process_time()  # this process's CPU time: other work on a shared machine does not count
    assert run_case(recipe.build(SEEDS), "none") in ("ok", "cannot-parse", "cannot-map")
    # a bound on purpose: the quadratic versions spent 4 s to minutes of CPU; the linear ones well under a second
    assert time.process_time() - started < 10
