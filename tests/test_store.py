"""The embedded store: ingest writes one named graph per disclosure; re-ingest replaces it atomically;
unreadable documents are reported and skipped without touching what is stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import SAMPLE

from budgetlod.ingest.bulk import ingest
from budgetlod.store.embedded import StoreError, count_triples, open_reader, open_writer

GRAPH = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
ONTOLOGY, CODELIST = "https://w3id.org/budgetlod/ontology", "https://w3id.org/budgetlod/codelist"
AMOUNT = f"SELECT ?v WHERE {{ GRAPH <{GRAPH}> {{ <{GRAPH}/t03/2010350/basic> <http://data.openbudgets.eu/ontology/dsd/measure/amount> ?v }} }}"


def amounts(store_path: Path) -> list[str]:
    return [s["v"].value for s in open_reader(store_path).query(AMOUNT)]  # type: ignore[union-attr]


def test_ingest_writes_one_graph_per_disclosure_and_the_vocabulary(tmp_path: Path) -> None:
    summary = ingest([SAMPLE], tmp_path / "store")
    (outcome,) = summary.outcomes
    assert (outcome.status, outcome.graph, outcome.error) == ("ok", GRAPH, None)
    counts = count_triples(open_reader(tmp_path / "store"))
    assert set(counts) == {GRAPH, ONTOLOGY, CODELIST}
    assert counts[GRAPH] == outcome.triples > 3700
    assert amounts(tmp_path / "store") == ["447.05"]


def test_reingest_replaces_without_duplicates_and_readers_see_old_or_new(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest([SAMPLE], store)
    before = count_triples(open_reader(store))
    old_reader = open_reader(store)
    changed = tmp_path / "changed.txt"
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "| 201 | 03 | 50 | 事业运行 | 447.05 | 447.05 | |", "| 201 | 03 | 50 | 事业运行 | 447.05 | 446.05 | |"
    )
    changed.write_text(text, encoding="utf-8")
    ingest([changed], store)
    ingest([changed], store)  # twice: idempotent
    after = count_triples(open_reader(store))
    assert set(after) == set(before)  # the same graph name: replaced, not added
    assert amounts(store) == ["446.05"]  # a new reader sees the new graph
    assert [s["v"].value for s in old_reader.query(AMOUNT)] == ["447.05"]  # type: ignore[union-attr]


def test_unreadable_document_is_reported_and_skipped_store_untouched(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest([SAMPLE], store)
    before = count_triples(open_reader(store))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02 binary")
    result = subprocess.run(
        [sys.executable, "-m", "budgetlod", "ingest", "--store", str(store), str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert f"[ERROR] {bad}: not a text document (binary data near byte 0)" in result.stderr
    summary, failure, report = result.stdout.strip().split("\n")
    assert summary.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 0 unchanged, 1 failed (1 unreadable, 0 refused)")
    assert summary.endswith(f"; store {store}")
    assert failure == f"unreadable\t{bad}\tnot a text document (binary data near byte 0)"
    assert report == f"report: {store / 'ingest-report.tsv'}"
    assert count_triples(open_reader(store)) == before
    assert "Traceback" not in result.stderr


def test_a_second_writer_is_refused_with_a_message(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with (
        open_writer(store),
        pytest.raises(StoreError, match="another ingest is writing to this store"),
        open_writer(store),
    ):
        pass


def test_reading_an_empty_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no data yet \(run budgetlod ingest first\)"):
        open_reader(tmp_path / "nothing")
    result = subprocess.run(
        [sys.executable, "-m", "budgetlod", "serve", "--store", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "no data yet (run budgetlod ingest first)" in result.stderr
