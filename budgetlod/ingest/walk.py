"""The files an ingest is given: paths on the command line, folders searched recursively.

A folder's disclosure files are its ``.txt``, ``.md``, ``.html`` and ``.htm`` files, sorted (``README*`` and
other names are passed over; links to folders are not followed). Nothing is opened here: each entry is
``stat``-ed, and only a **regular file** is taken — a FIFO, a device or a socket, in a folder (with a
disclosure's suffix) or on the command line, is skipped with ``not a regular file (a FIFO)`` (opening a FIFO
waits for a writer forever; a device may never end). A folder that cannot be listed is skipped with
``cannot list this folder: <reason>``, and a folder given with no disclosure file in it is skipped with
``no disclosure found in DIR (N files passed over: …)``: each becomes a ``skipped`` outcome of the run
(reported, in the report, exit code 2), never silence. A path that does not exist is kept: converting it
says ``cannot open``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from budgetlod.ingest.report import FileOutcome

SUFFIXES = (".txt", ".md", ".html", ".htm")
SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
SHOWN = 5  # names of passed-over files in the message of a folder with no disclosure


@dataclass(frozen=True)
class Skipped:
    """A path passed over: ``line`` is how it is shown (``[WARNING] path: reason`` or ``[ERROR] …``)."""

    path: Path
    reason: str
    line: str

    def outcome(self) -> FileOutcome:
        return FileOutcome(self.path, error=self.reason, skipped=True)


def special(mode: int) -> str:
    """``not a regular file (a FIFO)``, or "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    kind = next((name for test, name in SPECIAL if test(mode)), "not a file")
    return f"not a regular file ({kind})"


def wanted(name: str) -> bool:
    return name.lower().endswith(SUFFIXES) and not name.upper().startswith("README")


def _folder(root: Path, files: list[Path], skipped: list[Skipped]) -> list[Path]:
    """Walk one folder: its disclosure files into ``files``, what cannot be read into ``skipped``; return the
    regular files passed over (other suffixes, READMEs)."""
    passed: list[Path] = []
    found: list[Path] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as exc:
            reason = f"cannot list this folder: {exc.strerror or exc}"
            skipped.append(Skipped(folder, reason, f"[WARNING] {folder}: {reason}"))
            continue
        for entry in listed:
            path = folder / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                    continue
                mode = entry.stat().st_mode  # follows a link to a file
            except OSError:  # a dangling link, a file removed meanwhile
                passed.append(path)
                continue
            if stat.S_ISDIR(mode):
                passed.append(path)  # a link to a folder: not followed
            elif not wanted(entry.name):
                passed.append(path)
            elif reason := special(mode):
                skipped.append(Skipped(path, reason, f"[WARNING] {path}: {reason}"))
            else:
                found.append(path)
    files += sorted(found)
    return passed


def _nothing_found(root: Path, passed: list[Path]) -> Skipped:
    if passed:
        names = sorted(str(p.relative_to(root)) for p in passed)
        shown = ", ".join(names[:SHOWN]) + (", …" if len(names) > SHOWN else "")
        detail = f"{len(passed)} file{'s' if len(passed) != 1 else ''} passed over: {shown}"
    else:
        detail = "0 files passed over"
    reason = f"no disclosure found in {root} ({detail}; disclosures are {', '.join(SUFFIXES)} files)"
    return Skipped(root, reason, f"[ERROR] {reason}")


def walk(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The disclosure files of ``paths`` (files as given, folders searched; a file named twice is taken once),
    and what was skipped (see the module's description)."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            files.append(path)  # converting it says why it cannot be opened
            continue
        if stat.S_ISDIR(mode):
            before = len(files)
            passed = _folder(path, files, skipped)
            if len(files) == before and not any(s.path == path for s in skipped):  # (listed, but nothing in it)
                skipped.append(_nothing_found(path, passed))
        elif reason := special(mode):
            skipped.append(Skipped(path, reason, f"[WARNING] {path}: {reason}"))
        else:
            files.append(path)
    return list(dict.fromkeys(files)), skipped


def expand(paths: Iterable[Path]) -> list[Path]:
    """The disclosure files of ``paths`` (:func:`walk` without what it skipped)."""
    return walk(paths)[0]


__all__ = ["SUFFIXES", "Skipped", "expand", "special", "walk"]
