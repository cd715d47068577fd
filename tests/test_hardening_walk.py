"""Ingest hardening, defect 10 of the review (the ingest side): SIGTERM stops the run (exit code 143, workers
stopped, nothing half-written, a rerun completes); FIFOs, devices and sockets are skipped, never opened; a
folder that cannot be listed is reported (in a whole ingest, simulated by making ``os.scandir`` raise
``PermissionError`` for it: root, as in CI, is not stopped by permissions; and for real, a ``chmod 000`` folder
walked by the user nobody through ``setpriv`` when the tests run as root, by this user otherwise); a folder
with nothing to load is exit code 2. Defects 7-9: ``tests/test_hardening_ingest.py``.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from ingest_runs import command, loaded_graphs, report_rows, run
from pyoxigraph import NamedNode, Store
from stores import VOCABULARY, manifest_lines, published

from budgetlod.ingest import walk as walk_module
from budgetlod.ingest.bulk import ingest
from budgetlod.ingest.loader import PENDING
from budgetlod.ingest.progress import Progress
from budgetlod.ingest.walk import walk
from budgetlod.store.embedded import count_triples, open_reader
from budgetlod.testing.corpus import write_corpus

# --------------------------------------------------------------------------------------------------------
# 10. SIGTERM; special files; folders that cannot be listed or hold nothing.


def _workers(pid: int) -> list[int]:
    """The worker processes of the ingest ``pid`` (its spawned children, not multiprocessing's resource tracker)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
            line = (stat_file.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in line:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow  # a run stopped and rerun: ~23 s; CI runs it (--run-slow)
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find the workers")
def test_sigterm_stops_the_run_exit_143_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_corpus(corpus, seed=46, count=60)
    process = subprocess.Popen(command(store, corpus, "--jobs", "2", "-q"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while manifest_lines(store) < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the first batch is committed
    workers = _workers(process.pid)
    assert process.poll() is None and len(workers) == 2, workers
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=300)

    assert process.returncode == 143, (out, err)
    assert "Traceback" not in err
    assert f"[WARNING] {store}: interrupted (SIGTERM) with " in err and "run the same command again" in err
    kept = manifest_lines(store)
    assert out.startswith(f"{kept} loaded (") and f", {60 - kept} not done (interrupted)" in out
    assert not any(_alive(pid) for pid in workers)  # the workers were stopped with the run
    assert not (store / PENDING).exists()  # nothing half-written
    rows = report_rows(store / "ingest-report.tsv")
    assert len(loaded_graphs(rows)) == kept
    assert set(count_triples(open_reader(store))) == set(loaded_graphs(rows)) | VOCABULARY  # published
    assert {g.value for g in Store.read_only(str(store / "primary")).named_graphs()  # type: ignore[union-attr]
            if isinstance(g, NamedNode)} == set(loaded_graphs(rows)) | VOCABULARY

    rerun = run(store, corpus, "--jobs", "2", "-q")
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"{60 - kept} loaded (") and f", {kept} unchanged, 0 failed" in rerun.stdout
    statuses = [r["status"] for r in report_rows(store / "ingest-report.tsv").values()]
    assert len(statuses) == 60 and statuses.count("unchanged") == kept  # every file once
    assert len(published(store)) == 62


def test_fifos_in_a_folder_or_named_are_skipped_never_opened(tmp_path: Path) -> None:
    corpus, store = tmp_path / "corpus", tmp_path / "store"
    write_corpus(corpus, seed=47, count=3)
    inside, named = corpus / "pipe.txt", tmp_path / "named.txt"
    os.mkfifo(inside)
    os.mkfifo(named)  # opening either for reading would wait for a writer forever
    result = run(store, corpus, named, "/dev/null", timeout=300)
    assert result.returncode == 2, result.stderr
    assert f"[WARNING] {inside}: not a regular file (a FIFO)" in result.stderr
    assert f"[WARNING] {named}: not a regular file (a FIFO)" in result.stderr
    assert "[WARNING] /dev/null: not a regular file (a character device)" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("3 loaded (0 clean, 3 with warnings, 0 with violations), 0 unchanged, 0 failed, "
                               "3 skipped in ")
    assert lines[1:4] == [f"skipped\t{inside}\tnot a regular file (a FIFO)",
                          f"skipped\t{named}\tnot a regular file (a FIFO)",
                          "skipped\t/dev/null\tnot a regular file (a character device)"]
    rows = report_rows(store / "ingest-report.tsv")
    assert [r["status"] for r in rows.values()] == ["skipped"] * 3 + ["warnings"] * 3
    assert len(count_triples(open_reader(store))) == 5


def test_a_folder_that_cannot_be_listed_is_reported_and_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    top = write_corpus(corpus, seed=48, count=2)
    hidden = write_corpus(corpus / "locked", seed=49, count=2)
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == corpus / "locked":  # what chmod 000 does to anyone but root
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(walk_module.os, "scandir", scandir)
    lines = io.StringIO()
    summary = ingest([corpus], tmp_path / "store", progress=Progress(0, stream=lines, quiet=True))
    assert f"[WARNING] {corpus / 'locked'}: cannot list this folder: Permission denied\n" in lines.getvalue()
    assert [(o.path, o.status, o.reason) for o in summary.skipped] == [
        (corpus / "locked", "skipped", "cannot list this folder: Permission denied")]
    assert [o.path for o in summary.outcomes] == top and summary.exit_code() == 2
    assert summary.text("S").splitlines()[0].startswith("2 loaded (0 clean, 2 with warnings, 0 with violations), "
                                                        "0 unchanged, 0 failed, 1 skipped in ")
    assert len(count_triples(open_reader(tmp_path / "store"))) == 4
    assert not set(map(str, hidden)) & set(report_rows(tmp_path / "store" / "ingest-report.tsv"))


WALK = """
import sys
from pathlib import Path
from budgetlod.ingest.walk import walk
files, skipped = walk([Path(sys.argv[1])])
print([str(f) for f in files]); print([s.line for s in skipped])
"""


def test_a_chmod_000_folder_is_reported_for_real() -> None:
    """Without root's privilege: this user's own, or (root) the user nobody's through setpriv."""
    as_nobody = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root lists a chmod 000 folder anyway, and setpriv is missing to run as nobody")
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    root = Path(tempfile.mkdtemp(prefix="budgetlod-walk-"))  # /tmp, not pytest's root-only folder
    try:
        corpus, locked = root / "corpus", root / "corpus" / "locked"
        locked.mkdir(parents=True)
        (corpus / "a.txt").write_text("x", encoding="utf-8")
        (locked / "b.txt").write_text("x", encoding="utf-8")
        for folder in (root, corpus):
            folder.chmod(0o755)
        (corpus / "a.txt").chmod(0o644)
        locked.chmod(0)
        result = subprocess.run([*as_nobody, sys.executable, "-c", WALK, str(corpus)], capture_output=True, text=True,
                                timeout=120, cwd="/")
        if as_nobody and result.returncode != 0 and "budgetlod" in result.stderr:
            pytest.skip(f"the user nobody cannot run this Python: {result.stderr.strip().splitlines()[-1]}")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [str([str(corpus / "a.txt")]),
                                              str([f"[WARNING] {locked}: cannot list this folder: Permission denied"])]
    finally:
        locked.chmod(0o755)
        shutil.rmtree(root)


def test_a_folder_with_no_disclosure_is_not_a_success(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text("# about\n", encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (folder / "unit.meta.json").write_text("{}", encoding="utf-8")
    store = tmp_path / "store"
    result = run(store, folder, timeout=300)
    assert result.returncode == 2, result.stderr
    message = (f"no disclosure found in {folder} (3 files passed over: README.md, notes.csv, unit.meta.json; "
               "disclosures are .txt, .md, .html, .htm, .pdf, .docx, .doc, .wps, .xlsx, .xls, .et, .odt, .ods, .rtf "
               "files)")
    assert f"[ERROR] {message}\n" in result.stderr
    assert result.stdout.splitlines()[1] == f"skipped\t{folder}\t{message}"
    assert result.stdout.startswith("0 loaded (0 clean, 0 with warnings, 0 with violations), 0 unchanged, 0 failed, "
                                    "1 skipped in ")
    assert set(count_triples(open_reader(store))) == VOCABULARY  # nothing loaded


def test_walk_takes_regular_files_only_and_keeps_missing_ones(tmp_path: Path) -> None:
    import socket

    folder = tmp_path / "f"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text("x", encoding="utf-8")
    (folder / "sub" / "a.HTML").write_text("x", encoding="utf-8")
    (folder / "README.txt").write_text("x", encoding="utf-8")
    os.mkfifo(folder / "fifo.md")
    sock_path = Path("/tmp") / f"bl-{uuid.uuid4().hex[:8]}.txt"  # AF_UNIX paths are short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        try:
            files, skipped = walk([folder, tmp_path / "missing.txt", sock_path, folder / "b.txt"])
        finally:
            sock_path.unlink()
    assert files == [folder / "b.txt", folder / "sub" / "a.HTML", tmp_path / "missing.txt"]
    assert [(s.path, s.reason) for s in skipped] == [(folder / "fifo.md", "not a regular file (a FIFO)"),
                                                     (sock_path, "not a regular file (a socket)")]
