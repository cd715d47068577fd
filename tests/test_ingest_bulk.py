"""Bulk ingest at size (the issue's acceptance tests; slow: about 3-5 minutes together on two cores).

* 1,000 generated disclosures (250 units × 2022–2025, seed 2027) with 20 broken ones spread among them —
  5 empty files, 5 with binary bytes, 5 meeting notices (no disclosure), 5 with a wrong table total (Violations,
  refused under ``--strict``) — ingested with ``--strict --jobs 2``: exactly 980 loaded, the 20 reported with
  their file names and reasons (10 unreadable, 5 refused, and the 5 notices skipped as not a disclosure), exit
  status 2; a second run loads nothing, reports 980 unchanged and the same 20, and leaves the same graphs with the same triple counts.
* 200 disclosures: a run killed with SIGKILL halfway (while a batch is being written, if the poll catches
  one) and then run again ends with a store identical, graph by graph and quad by quad, to an uninterrupted
  run's; the killed run had already published a snapshot with part of the graphs (readers see progress).
  Smaller than the first, to keep CI short: three ingests are needed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from ingest_runs import command, run_ingest
from pyoxigraph import Store
from stores import CODELIST, ONTOLOGY, canonical, manifest_lines, published

from budgetlod.ingest.bulk import ingest
from budgetlod.ingest.loader import PENDING
from budgetlod.store.embedded import count_triples, open_reader
from budgetlod.testing.corpus import DEFAULT_YEARS, corpus_index, spread, write_corpus

KINDS = ("empty", "binary", "not_a_disclosure", "wrong_table_total")
REASONS = {
    "empty": "file is empty",
    "binary": "not a text document (binary data near byte ",
    "not_a_disclosure": "not a budget disclosure: no title, part heading or standard table of the template",
    "wrong_table_total": " violations (--strict): not loaded",
}


@pytest.mark.slow
def test_1000_documents_with_20_broken_then_a_second_run_changes_nothing(tmp_path: Path) -> None:
    corpus, store, report = tmp_path / "corpus", tmp_path / "store", tmp_path / "report.json"
    broken = spread(1000, 20, KINDS)
    assert sorted(k for (k,) in broken.values()) == sorted(KINDS * 5)
    write_corpus(corpus, seed=2027, count=1000, years=DEFAULT_YEARS, broken=broken, jobs=2)
    names = {e.position: e.file_name for e in corpus_index(2027, 1000, DEFAULT_YEARS)}
    expected = {str(corpus / names[p]): kind for p, (kind,) in broken.items()}

    first = run_ingest(store, corpus, "--strict", "--jobs", "2", "--report", report, "-q")
    assert first.returncode == 2, first.stderr[-2000:]
    lines = first.stdout.splitlines()
    assert lines[0].startswith("980 loaded (")
    assert ", 0 unchanged, 15 failed (10 unreadable, 5 refused), 5 skipped" in lines[0]
    failures = {f: (status, reason) for status, f, reason in (line.split("\t") for line in lines[1:21])}
    assert set(failures) == set(expected)
    for file, kind in expected.items():
        status, reason = failures[file]
        wanted = {"wrong_table_total": "refused", "not_a_disclosure": "skipped"}.get(kind, "unreadable")
        assert status == wanted, (file, kind)
        assert REASONS[kind] in reason, (file, reason)
        shown = f"[WARNING] {file}: skipped: {reason}" if status == "skipped" else f"[ERROR] {file}: {reason}"
        assert shown in first.stderr
    assert lines[21] == f"report: {report}"

    rows = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert len(rows) == 1000 and sum(1 for r in rows if r["reason"]) == 20
    loaded = {r["graph"]: r["triples"] for r in rows if r["status"] in ("ok", "warnings", "violations")}
    counts = count_triples(open_reader(store))
    assert len(loaded) == 980 and set(counts) == set(loaded) | {ONTOLOGY, CODELIST}
    assert all(counts[g] == n for g, n in loaded.items())

    second = run_ingest(store, corpus, "--strict", "--jobs", "2", "-q")
    assert second.returncode == 2
    summary = second.stdout.splitlines()[0]
    assert summary.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 980 unchanged, 15 failed "
                              "(10 unreadable, 5 refused), 5 skipped")
    assert {line.split("\t")[1] for line in second.stdout.splitlines()[1:21]} == set(expected)
    assert count_triples(open_reader(store)) == counts


def _kill_halfway(store: Path, corpus: Path) -> bool:
    """Start ``budgetlod ingest`` and SIGKILL it (and its workers) once part of the files is loaded, if
    possible while a batch is being written; return whether that was the moment."""
    process = subprocess.Popen(command(store, corpus, "--jobs", "2", "-q", "--publish-every", "1"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    during_batch = False
    deadline = time.monotonic() + 900
    while process.poll() is None and time.monotonic() < deadline:
        loaded = manifest_lines(store)
        if loaded >= 20 and (store / PENDING).exists():
            during_batch = True
            break
        if loaded >= 100:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    return during_batch


@pytest.mark.slow
def test_a_run_killed_halfway_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, seed=2028, count=200, years=DEFAULT_YEARS)
    reference = tmp_path / "reference"
    assert not ingest([corpus], reference, jobs=2).failed
    expected = published(reference)
    assert len(expected) == 202

    store = tmp_path / "store"
    _kill_halfway(store, corpus)
    seen_by_readers = published(store)  # the snapshot the killed run published along the way
    assert 2 < len(seen_by_readers) < 202
    primary = Store.read_only(str(store / "primary"))
    assert len(list(primary.named_graphs())) < 202
    del primary

    rerun = run_ingest(store, corpus, "--jobs", "2", "-q")
    assert rerun.returncode == 0, rerun.stderr
    summary = rerun.stdout.splitlines()[0]
    unchanged = int(summary.split(" unchanged")[0].rsplit(" ", 1)[1])
    assert 20 <= unchanged < 200 and ", 0 failed" in summary
    assert canonical(open_reader(store)) == expected
