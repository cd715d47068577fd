"""Bulk ingest, small cases: unchanged files skipped, duplicates refused, exit codes, the report, the
manifest trusted only as far as the store vouches for it, recovery of a batch a killed run left, Ctrl-C,
the progress line. (The 1,000-document run and the killed run are in ``test_ingest_bulk.py``.)
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from ingest_runs import command, run_ingest
from paths import SAMPLE
from pyoxigraph import Store
from stores import CODELIST, ONTOLOGY, SAMPLE_GRAPH, manifest_lines, published

from budgetlod.ingest.bulk import ingest
from budgetlod.ingest.loader import PENDING
from budgetlod.ingest.progress import Progress
from budgetlod.ingest.report import FileOutcome
from budgetlod.store.embedded import count_triples, open_reader, open_writer
from budgetlod.testing.corpus import generate, write_corpus


def test_second_run_skips_unchanged_files_and_a_changed_file_replaces_its_graph(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    files = write_corpus(corpus, seed=31, count=6)
    store = tmp_path / "store"
    first = ingest([corpus], store)
    assert [o.status for o in first.outcomes].count("unchanged") == 0 and first.loaded == 6
    before = published(store)
    second = ingest([corpus], store)
    assert [o.status for o in second.outcomes] == ["unchanged"] * 6
    assert [o.graph for o in second.outcomes] == [o.graph for o in first.outcomes]
    assert published(store) == before
    changed = files[2]
    changed.write_text(changed.read_text(encoding="utf-8").replace("单位：万元", "单位: 万元", 1), encoding="utf-8")
    third = ingest([corpus], store)
    assert [o.status for o in third.outcomes].count("unchanged") == 5
    (redone,) = [o for o in third.outcomes if not o.unchanged]
    assert redone.path == changed and redone.error is None
    after = published(store)
    assert set(after) == set(before)
    assert [g for g in after if after[g] != before[g]] == [redone.graph]  # only its graph changed


def test_forced_run_converts_again_and_changes_nothing(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, seed=32, count=3)
    ingest([corpus], tmp_path / "store")
    before = published(tmp_path / "store")
    again = ingest([corpus], tmp_path / "store", force=True)
    assert [o.status for o in again.outcomes].count("unchanged") == 0
    assert published(tmp_path / "store") == before


def test_the_manifest_counts_only_what_the_store_holds(tmp_path: Path) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_corpus(corpus, seed=33, count=3)
    first = ingest([corpus], store)
    gone = first.outcomes[1].graph
    with open_writer(store) as writer:  # a graph lost behind the manifest's back
        writer.store.update(f"DROP GRAPH <{gone}>")
        writer.publish()
        del writer  # the store closes with its last reference
    second = ingest([corpus], store)
    assert [o.status for o in second.outcomes] == ["unchanged", "warnings", "unchanged"]
    assert gone in published(store)


def test_a_batch_left_by_a_killed_run_is_dropped_then_loaded_again(tmp_path: Path) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_corpus(corpus, seed=34, count=2)
    first = ingest([corpus], store)
    graph = first.outcomes[0].graph
    assert graph is not None
    (store / PENDING).write_text(graph + "\n", encoding="utf-8")  # as if killed during its batch
    second = ingest([corpus], store)
    assert [o.status for o in second.outcomes] == ["warnings", "unchanged"]
    assert not (store / PENDING).exists()
    assert graph in published(store)


def test_the_same_disclosure_twice_in_a_run_is_refused_exit_1(tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SAMPLE.read_bytes().replace("单位：万元".encode(), "单位: 万元".encode(), 1))
    store = tmp_path / "store"
    result = run_ingest(store, SAMPLE, copy, "--jobs", "1")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1 loaded (1 clean, 0 with warnings, 0 with violations), 0 unchanged, 1 failed "
                               "(0 unreadable, 1 refused)")
    assert lines[1] == f"refused\t{copy}\tthe same disclosure as {SAMPLE} (graph <{SAMPLE_GRAPH}>): not loaded"
    assert f"[ERROR] {copy}: the same disclosure as {SAMPLE}" in result.stderr
    assert set(count_triples(open_reader(store))) == {SAMPLE_GRAPH, ONTOLOGY, CODELIST}
    rerun = run_ingest(store, SAMPLE, copy, "--jobs", "1")  # the same outcome again: unchanged, refused
    assert rerun.returncode == 1 and rerun.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations),"
                                                             " 1 unchanged, 1 failed")


def test_strict_refuses_violations_and_the_json_report_lists_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(generate(35, 0, year=2024, errors=["wrong_table_total"]).text, encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(generate(35, 1, year=2024).text, encoding="utf-8")
    report = tmp_path / "out" / "report.json"
    result = run_ingest(tmp_path / "store", bad, good, "--strict", "--report", report, "--jobs", "1")
    assert result.returncode == 1, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["loaded"] == 1 and data["summary"]["refused"] == 1 and data["summary"]["files"] == 2
    rows = {Path(r["file"]).name: r for r in data["files"]}
    assert rows["bad.txt"]["status"] == "refused" and rows["bad.txt"]["violations"] >= 1
    assert rows["bad.txt"]["reason"] == f"{rows['bad.txt']['violations']} violations (--strict): not loaded"
    assert rows["good.txt"]["status"] == "warnings" and rows["good.txt"]["triples"] > 3000
    assert f"report: {report}" in result.stdout


def test_the_tsv_report_has_a_header_and_a_line_per_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    store = tmp_path / "store"
    result = run_ingest(store, SAMPLE, empty, "--jobs", "1", "--quiet")
    assert result.returncode == 2
    lines = (store / "ingest-report.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["file", "status", "graph", "triples", "violations", "warnings", "parse_warnings",
                                    "seconds", "reason", "findings"]
    rows = [line.split("\t") for line in lines[1:]]
    assert [(r[0], r[1]) for r in rows] == [(str(SAMPLE), "ok"), (str(empty), "unreadable")]
    assert rows[1][8] == "file is empty" and rows[0][2] == SAMPLE_GRAPH


@pytest.mark.slow  # a run interrupted and rerun: ~26 s; CI runs it (--run-slow)
def test_ctrl_c_publishes_what_was_loaded_exits_130_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_corpus(corpus, seed=36, count=60)
    process = subprocess.Popen(command(store, corpus, "--jobs", "1", "-q"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while manifest_lines(store) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first batch is in (32 graphs, or those of its first 5 s)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=600)
    assert process.returncode == 130, (out, err)
    assert "interrupted (SIGINT)" in err and "run the same command again" in err
    kept = published(store)
    assert 1 <= len(kept) - 2 < 60
    assert len(kept) - 2 == manifest_lines(store)  # what was loaded is published and recorded
    rerun = run_ingest(store, corpus, "--jobs", "1", "-q")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(kept) - 2} unchanged" in rerun.stdout and len(published(store)) == 62


def test_progress_is_a_plain_line_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(4, stream=stream, tty=False)
    progress.file_done(FileOutcome(Path("a.txt"), graph="g", warnings=1, seconds=0.5))
    progress.file_done(FileOutcome(Path("b.txt"), error="file is empty"))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("ingest: 1/4 files (25%), ") and lines[0].endswith(", 0 failed")
    assert lines[1] == "[ERROR] b.txt: file is empty"
    quiet = io.StringIO()
    Progress(1, stream=quiet, tty=False, quiet=True).file_done(FileOutcome(Path("c.txt"), error="bad"))
    assert quiet.getvalue() == "[ERROR] c.txt: bad\n"  # failures are shown even when quiet


def test_progress_bar_on_a_terminal_is_redrawn_in_place() -> None:
    stream = io.StringIO()
    progress = Progress(2, stream=stream, tty=True)
    progress.file_done(FileOutcome(Path("a.txt"), graph="g"))
    progress.finish()
    text = stream.getvalue()
    assert text.startswith("\r[#") and "] 1/2 files (50%), " in text and text.endswith(" 0 failed\x1b[K\n")
    assert "\n" not in text[:-1]  # redrawn on one line


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="Linux")
def test_default_jobs_is_the_cpus_of_this_process() -> None:
    from budgetlod.ingest.bulk import default_jobs

    assert default_jobs() == len(os.sched_getaffinity(0))


def test_a_run_that_writes_many_graphs_compacts_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from budgetlod.ingest import bulk as ingest_module

    compacted: list[str] = []
    original = Store.optimize

    def optimize(self: Store) -> None:
        compacted.append("optimize")
        original(self)

    monkeypatch.setattr(ingest_module, "OPTIMIZE_AFTER", 3)
    monkeypatch.setattr(Store, "optimize", optimize)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, seed=32, count=3)
    lines = io.StringIO()
    first = ingest([corpus], tmp_path / "store", progress=Progress(3, stream=lines, quiet=True))
    assert first.loaded == 3 and compacted == ["optimize"]
    assert f"[INFO] {tmp_path / 'store'}: compacting the store after 3 graphs written" in lines.getvalue()
    again = ingest([corpus], tmp_path / "store")  # nothing written: not compacted again
    assert again.loaded == 0 and compacted == ["optimize"]
    assert sum(count_triples(open_reader(tmp_path / "store")).values()) > 3 * 4000
