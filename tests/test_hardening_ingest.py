"""Ingest hardening (the review's defects 7-10, the ingest and store side), one reproducer each, with the exit
code, the message and what the store holds afterwards.

* 7: a file whose conversion raises anything (forced here, so that the test does not depend on which parser
  bug exists: a ``sitecustomize`` on ``PYTHONPATH`` makes ``parse_files`` raise, die, hang or hog memory for
  files named ``crash*``, ``die*``, ``hang*``, ``stuck*``, ``hog*``, in the ingesting process and in every
  worker) fails alone, ``internal error: <type>: <message>``, exit code 3; the others load.
* 8: a damaged store, or a folder that is not a store: exit code 2, one line, no traceback, nothing written.
* 9: a full disk (a real tmpfs, mounted when the tests run as root; also a bulk load failing with ENOSPC
  in-process, everywhere): the run stops with exit code 2, what was loaded is in the store and the report, the
  rest is not, and a rerun completes; a report that cannot be written is a warning.
* 10 (SIGTERM, special files, folders): ``tests/test_hardening_walk.py``.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ingest_runs import command, loaded_graphs, report_rows, run
from paths import SAMPLE
from pyoxigraph import Store
from stores import SAMPLE_GRAPH, VOCABULARY, manifest_lines, published

from budgetlod import pipeline as pipeline_module
from budgetlod.ingest import bulk as ingest_module
from budgetlod.ingest import loader as loader_module
from budgetlod.ingest.bulk import ingest
from budgetlod.ingest.loader import PENDING
from budgetlod.store.embedded import StoreError, count_triples, open_reader, open_writer
from budgetlod.testing.corpus import generate, write_corpus

DAMAGED = "the store is damaged or not a budgetlod store: "
CRASH = "internal error: ValueError: Invalid IRI code point ' '"

HOOK = '''"""Forced failures for tests/test_hardening_ingest.py (only with BUDGETLOD_TEST_FAULTS=1)."""
import os

if os.environ.get("BUDGETLOD_TEST_FAULTS") == "1":
    import signal
    import time
    from pathlib import Path

    import budgetlod.pipeline as _pipeline

    _parse = _pipeline.parse_files

    def _faulty(paths, *args, **kwargs):
        name = Path(paths[0]).name
        if name.startswith("crash"):
            raise ValueError("Invalid IRI code point ' '")
        if name.startswith("die"):
            os.kill(os.getpid(), signal.SIGKILL)
        if name.startswith("hang"):
            time.sleep(3600)
        if name.startswith("stuck"):  # as native code would: the SIGALRM timer cannot reach it
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        if name.startswith("hog"):
            bytearray(4 * 1024 ** 3)
        return _parse(paths, *args, **kwargs)

    _pipeline.parse_files = _faulty
'''


# --------------------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture
def faults(tmp_path: Path) -> dict[str, str]:
    """The environment of a ``budgetlod`` subprocess whose conversions fail by file name (see HOOK)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "BUDGETLOD_TEST_FAULTS": "1"}


def listing(folder: Path) -> list[str]:
    """The folder's files, but RocksDB's own log (``primary/LOG``: it writes one when asked to open)."""
    names = (str(p.relative_to(folder)) for p in folder.rglob("*"))
    return sorted(n for n in names if not n.startswith("primary/LOG"))


# --------------------------------------------------------------------------------------------------------
# 7. An exception, a dying worker, a time or memory limit: the file fails alone.


def test_a_file_that_crashes_the_conversion_fails_alone_and_the_good_files_load(
        tmp_path: Path, faults: dict[str, str]) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    good = write_corpus(corpus, seed=41, count=8)
    crash = corpus / "crash-00.txt"  # sorted first: before the fix, the run stopped here and loaded nothing
    crash.write_text(generate(41, 100, year=2024).text, encoding="utf-8")

    first = run(store, corpus, "--jobs", "2", env=faults)
    assert first.returncode == 3, first.stderr
    assert "Traceback" not in first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("8 loaded (0 clean, 8 with warnings, 0 with violations), 0 unchanged, "
                               "1 failed (0 unreadable, 0 refused, 1 internal error) in ")
    assert lines[1] == f"failed\t{crash}\t{CRASH}"
    assert lines[2] == f"report: {store / 'ingest-report.tsv'}"
    assert f"[ERROR] {crash}: {CRASH}\n" in first.stderr

    rows = report_rows(store / "ingest-report.tsv")
    assert (rows[str(crash)]["status"], rows[str(crash)]["reason"], rows[str(crash)]["graph"]) == ("failed", CRASH, "")
    assert {Path(f) for f, r in rows.items() if r["status"] == "warnings"} == set(good)
    loaded = loaded_graphs(rows)
    counts = count_triples(open_reader(store))  # what readers see: the 8 good graphs, complete, and the vocabulary
    assert len(loaded) == 8 and set(counts) == set(loaded) | VOCABULARY
    assert all(counts[g] == n for g, n in loaded.items())
    assert manifest_lines(store) == 8  # the failed file is not recorded: it is converted again next time
    before = published(store)

    again = run(store, corpus, "--jobs", "2", env=faults)
    assert again.returncode == 3
    assert again.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 8 unchanged, 1 failed "
                                   "(0 unreadable, 0 refused, 1 internal error)")
    assert published(store) == before  # the good files are not loaded again


def test_converting_in_this_process_catches_the_exception_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "crash.txt"
    bad.write_text(generate(42, 0, year=2024).text, encoding="utf-8")
    original = pipeline_module.parse_files

    def parse_files(paths: list[Path], *args: object, **kwargs: object) -> object:
        if paths[0].name == "crash.txt":
            raise ValueError("Invalid IRI code point ' '")
        return original(paths)

    monkeypatch.setattr(pipeline_module, "parse_files", parse_files)
    summary = ingest([bad, SAMPLE], tmp_path / "store")  # two files: converted in this process
    assert [(o.status, o.reason) for o in summary.outcomes] == [("failed", CRASH), ("ok", "")]
    assert summary.exit_code() == 3
    assert set(count_triples(open_reader(tmp_path / "store"))) == {SAMPLE_GRAPH} | VOCABULARY


@pytest.mark.slow  # waits for limits to pass: ~12 s; CI runs it (--run-slow)
def test_a_worker_that_dies_or_passes_a_limit_fails_its_file_and_a_new_worker_goes_on(
        tmp_path: Path, faults: dict[str, str]) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_corpus(corpus, seed=43, count=6)
    bad = {name: corpus / f"{name}-00.txt" for name in ("die", "hang", "hog", "stuck")}
    for number, path in enumerate(bad.values()):
        path.write_text(generate(43, 100 + number, year=2024).text, encoding="utf-8")
    env = {**faults, "BUDGETLOD_FILE_SECONDS": "3", "BUDGETLOD_FILE_MEMORY_BYTES": str(300 * 1024 * 1024)}

    result = run(store, corpus, "--jobs", "2", env=env)
    assert result.returncode == 3, result.stderr  # a worker that died is an internal error: the worst here
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("6 loaded (0 clean, 6 with warnings, 0 with violations), 0 unchanged, 4 failed "
                                    "(0 unreadable, 0 refused, 1 internal error, 3 past a limit) in ")
    rows = report_rows(store / "ingest-report.tsv")
    reasons = {name: rows[str(path)]["reason"] for name, path in bad.items()}
    assert all(rows[str(path)]["status"] == "failed" for path in bad.values())
    assert reasons["die"] == "the worker process converting it died (killed by SIGKILL)"
    assert re.fullmatch(r"conversion stopped after 3\.\d s \(limit 3 s, setting file_seconds\)", reasons["hang"])
    assert re.fullmatch(r"conversion stopped after \d+\.\d s \(limit 3 s, setting file_seconds\): its worker was "
                        r"killed", reasons["stuck"])
    assert reasons["hog"] == ("conversion stopped: out of memory (a worker may use 314,572,800 bytes, setting "
                              "file_memory_bytes)")
    for path in bad.values():
        assert f"[ERROR] {path}: {rows[str(path)]['reason']}" in result.stderr
    loaded = loaded_graphs(rows)  # the six good files, converted under the 300 MB limit by the workers left
    assert len(loaded) == 6 and set(count_triples(open_reader(store))) == set(loaded) | VOCABULARY


# --------------------------------------------------------------------------------------------------------
# 8. A damaged store, or not a store: exit code 2, one line.


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("base") / "store"
    assert not ingest([SAMPLE], store).failed
    return store


def _truncate_tables(store: Path) -> str:
    for table in (store / "primary").glob("*.sst"):
        with table.open("r+b") as handle:
            handle.truncate(100)
    return "cannot open primary/ (the database): Corruption: Sst file size mismatch"


def _garbage_current(store: Path) -> str:
    (store / "primary" / "CURRENT").write_text("garbage\n", encoding="utf-8")
    return "cannot open primary/ (the database): Corruption: CURRENT file corrupted"


def _primary_a_file(store: Path) -> str:
    shutil.rmtree(store / "primary")
    (store / "primary").write_text("not a database\n", encoding="utf-8")
    return "cannot open primary/ (the database): IO error: "


def _not_a_store(store: Path) -> str:
    for path in store.iterdir():
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    (store / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (store / "photos").mkdir()
    return "no primary/ database, and the folder holds other files (notes.txt, photos)"


@pytest.mark.parametrize("damage", [_truncate_tables, _garbage_current, _primary_a_file, _not_a_store])
def test_ingest_into_a_damaged_store_exits_2_with_one_line_and_writes_nothing(
        tmp_path: Path, base_store: Path, damage: object) -> None:
    store = tmp_path / "store"
    shutil.copytree(base_store, store, symlinks=True)  # copies: the base's files are not touched
    assert callable(damage)
    reason = damage(store)
    before = listing(store)
    result = run(store, SAMPLE, timeout=300)
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"[ERROR] {store}: {DAMAGED}{reason}"), line
    assert listing(store) == before  # no report, no lock, no database created in it
    with pytest.raises(StoreError, match=re.escape(DAMAGED)), open_writer(store):
        pass


def _dangling_current(store: Path) -> str:
    shutil.rmtree(store / "snapshots")
    return "current points to snapshots/1, which does not exist"


def _garbage_snapshot(store: Path) -> str:
    (store / "current" / "CURRENT").write_text("garbage\n", encoding="utf-8")
    return "cannot open the snapshot "


@pytest.mark.parametrize("damage", [_dangling_current, _garbage_snapshot, _not_a_store, _primary_a_file])
def test_reading_a_damaged_store_exits_2_with_the_reason(tmp_path: Path, base_store: Path, damage: object) -> None:
    store = tmp_path / "store"
    shutil.copytree(base_store, store, symlinks=True)
    assert callable(damage)
    reason = damage(store)
    if damage is _primary_a_file:  # readers do not open primary: the snapshot still answers
        assert SAMPLE_GRAPH in count_triples(open_reader(store))
        return
    with pytest.raises(StoreError, match=re.escape(f"{store}: {DAMAGED}{reason}")):
        open_reader(store)
    for args in (["query", "disclosures"], ["export", SAMPLE_GRAPH]):
        result = subprocess.run([sys.executable, "-m", "budgetlod", *args, "--store", str(store)], capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 2, (args, result.stderr)
        assert f"{store}: {DAMAGED}{reason}" in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_ingest_repairs_a_current_link_that_points_nowhere(tmp_path: Path, base_store: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(base_store, store, symlinks=True)
    _dangling_current(store)  # primary is intact: the snapshot this run publishes replaces the link
    result = run(store, SAMPLE, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (f"[WARNING] {store}: current points to snapshots/1, which does not exist; the snapshot this run "
            "publishes replaces it") in result.stderr
    assert result.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 1 unchanged, 0 failed")
    assert set(count_triples(open_reader(store))) == {SAMPLE_GRAPH} | VOCABULARY


# --------------------------------------------------------------------------------------------------------
# 9. A full disk.


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 200 MB tmpfs (needs root and a kernel that lets this process mount: else the test is skipped)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a tmpfs needs root (mount): the in-process ENOSPC test covers the logic")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if made.returncode != 0:
        print(f"cannot mount a tmpfs: {made.stderr.strip()}")
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path, leave: int) -> Path:
    """A file taking all the free space of ``disk`` but ``leave`` bytes."""
    filler = disk / "filler"
    chunk = b"\0" * (1 << 20)
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(chunk)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with filler.open("r+b") as handle:
        handle.truncate(max(0, filler.stat().st_size - leave))
    return filler


@pytest.mark.slow  # a tmpfs filled by a real ingest run, then a rerun: over a minute on a busy machine
def test_a_full_disk_stops_the_run_keeps_what_was_loaded_and_a_rerun_completes(tiny_disk: Path, tmp_path: Path) -> None:
    corpus, store = tmp_path / "corpus", tiny_disk / "store"
    write_corpus(corpus, seed=44, count=80)
    process = subprocess.Popen(command(store, corpus, "--jobs", "2", "-q"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while manifest_lines(store) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the first batch is committed
    assert process.poll() is None, "the run ended before the disk could be filled"
    filler = _fill(tiny_disk, leave=256 * 1024)  # room for the report and manifest lines, not for a batch
    out, err = process.communicate(timeout=600)

    assert process.returncode == 2, (out, err)
    assert "Traceback" not in err
    loaded = manifest_lines(store)
    assert 1 <= loaded < 80
    match = re.search(r"^\[ERROR\] no space left on device while loading (\S+)(?: and \d+ other files? of its "
                      r"batch)?: .*; (\d+) files loaded before it; rerun to complete$", err, re.MULTILINE)
    assert match, err
    assert int(match.group(2)) == loaded
    assert out.startswith(f"{loaded} loaded (") and f", {80 - loaded} not done (stopped: no space left on device)" in out
    rows = report_rows(store / "ingest-report.tsv")  # written after the store: only what is committed
    assert len(rows) == loaded and all(r["status"] == "warnings" for r in rows.values())
    assert match.group(1) not in rows
    graphs = loaded_graphs(rows)
    pending = set((store / PENDING).read_text(encoding="utf-8").split()) if (store / PENDING).exists() else set()
    primary = count_triples(Store.read_only(str(store / "primary")))
    assert set(primary) - VOCABULARY - pending == set(graphs)  # nothing else; a batch not dropped is listed
    assert all(primary[g] == n for g, n in graphs.items())
    if (store / "current").exists():  # what readers see: only complete graphs of loaded files
        assert set(count_triples(open_reader(store))) <= set(graphs) | VOCABULARY

    filler.unlink()
    rerun = run(store, corpus, "--jobs", "2", "-q")
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"{80 - loaded} loaded (") and f", {loaded} unchanged, 0 failed" in rerun.stdout
    final = count_triples(open_reader(store))
    assert len(final) == 82 and all(final[g] == n for g, n in graphs.items())
    assert not (store / PENDING).exists()


def test_a_bulk_load_failing_with_enospc_is_not_reported_as_loaded(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    files = write_corpus(corpus, seed=45, count=6)
    calls: list[int] = []
    original = Store.bulk_load

    def bulk_load(self: Store, *args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader_module, "BATCH", 2)
    monkeypatch.setattr(Store, "bulk_load", bulk_load)
    summary = ingest([corpus], store)
    assert summary.error == (f"no space left on device while loading {files[2]} and 1 other file of its batch: "
                             "[Errno 28] No space left on device; 2 files loaded before it; rerun to complete")
    assert summary.exit_code() == 2 and summary.loaded == 2 and summary.not_done == 4
    rows = report_rows(store / "ingest-report.tsv")
    assert list(rows) == [str(f) for f in files[:2]] and manifest_lines(store) == 2
    assert set(count_triples(open_reader(store))) == set(loaded_graphs(rows)) | VOCABULARY
    assert not (store / PENDING).exists()  # the failed batch was dropped (nothing of it was written here)

    monkeypatch.setattr(Store, "bulk_load", original)
    rerun = ingest([corpus], store)
    assert [o.status for o in rerun.outcomes] == ["unchanged"] * 2 + ["warnings"] * 4
    assert len(count_triples(open_reader(store))) == 8


def test_a_report_that_cannot_be_written_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    report = blocker / "out" / "report.tsv"  # its folder cannot be made in a file: a real failure, also for root
    result = run(tmp_path / "store", SAMPLE, "--report", report, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"[WARNING] {report}: the report could not be written: [Errno 20] Not a directory" in result.stderr
    assert result.stdout.splitlines()[-1] == f"report: not written ({report})"
    assert SAMPLE_GRAPH in count_triples(open_reader(tmp_path / "store"))

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ingest_module, "write_report", full)
    summary = ingest([SAMPLE], tmp_path / "store")
    assert not summary.report_written and summary.exit_code() == 0
    assert summary.notes == [f"{tmp_path / 'store' / 'ingest-report.tsv'}: the report could not be written: "
                             "[Errno 28] No space left on device"]
