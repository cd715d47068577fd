"""What a generated document's expected rows and its parse disagree on (tests of the corpus's 决算 and its other
families, tests/test_corpus_final.py and tests/test_corpus_families.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from budgetlod.model import Disclosure, Row
from budgetlod.testing.corpus_doc import ExpectedRow


def _matches(expected: ExpectedRow, row: Row) -> bool:
    if row.side != expected.side:
        return False
    if expected.key is not None:
        return row.key == expected.key
    return (
        tuple(row.codes) == expected.codes
        and row.name == expected.name
        and (expected.project is None or row.project == expected.project)
    )


def table_differences(expected: Mapping[str, Sequence[ExpectedRow]], disclosure: Disclosure) -> list[str]:
    """Every expected row not read back with exactly its figures, and every parsed row with figures not expected."""
    problems = []
    for tid, expected_rows in expected.items():
        rows = list(disclosure.table(tid).rows)
        used: set[int] = set()
        for wanted in expected_rows:
            index = next((i for i, row in enumerate(rows) if i not in used and _matches(wanted, row)), None)
            if index is None:
                if wanted.values:
                    problems.append(f"{tid} {wanted.side} {wanted.codes} {wanted.name}: row not found")
                continue
            used.add(index)
            values = {k: v for k, v in rows[index].values.items() if v is not None}
            if values != wanted.values or rows[index].invalid:
                problems.append(f"{tid} {wanted.name}: expected {wanted.values}, parsed {values}")
        problems += [
            f"{tid} line {row.line}: unexpected row {row.name!r}"
            for i, row in enumerate(rows)
            if i not in used and any(v is not None for v in row.values.values())
        ]
    return problems
