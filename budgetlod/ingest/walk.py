"""The files an ingest is given: paths on the command line, folders searched recursively.

A folder's disclosure files are its published files — ``.pdf``, ``.docx``, ``.doc``, ``.wps``, ``.xlsx``,
``.xls``, ``.et``, ``.odt``, ``.ods``, ``.rtf``, ``.html``, ``.htm``, ``.txt`` and ``.md`` (the format is told
from the content when the file is read) — sorted (``README*``, the manifest ``disclosures.txt`` and other names
are passed over; links to folders are not followed). The files of one folder that are parts of one disclosure
(``x-text.pdf`` and ``x-tables.pdf``, or as ``disclosures.txt`` lists them) are one unit, its path their paths
joined by ``+`` (:mod:`budgetlod.ingest.groups`). Nothing is opened here: each entry is ``stat``-ed, and only
a **regular file** is taken — a FIFO, a device or a socket, in a folder (with a disclosure's suffix) or on the
command line, is skipped with ``not a regular file (a FIFO)`` (opening a FIFO waits for a writer forever; a
device may never end). A folder that cannot be listed is skipped with ``cannot list this folder: <reason>``, a
disclosure ``disclosures.txt`` lists with a file that does not exist is skipped with the reason, and a folder
given with no disclosure file in it is skipped with ``no disclosure found in DIR (N files passed over: …)``:
each becomes a ``skipped`` outcome of the run (reported, in the report, exit code 2), never silence. A path
that does not exist is kept: converting it says ``cannot open``. Files named on the command line are not
grouped (name them joined by ``+`` to read them as one).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from budgetlod.ingest.groups import MANIFEST, Group, group
from budgetlod.ingest.report import FileOutcome

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".doc", ".wps", ".xlsx", ".xls", ".et", ".odt", ".ods",
            ".rtf")
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


@dataclass
class Survey:
    """What the walk found: the disclosures (one file or a group each), what it skipped, warnings to show."""

    groups: list[Group] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        """Each disclosure's path (a group's: its files joined by ``+``), each once."""
        return list(dict.fromkeys(g.path for g in self.groups))


def wanted(name: str) -> bool:
    return (name.lower().endswith(SUFFIXES) and not name.upper().startswith("README")
            and name.lower() != MANIFEST)


def _folder(root: Path, survey: Survey) -> list[Path]:
    """Walk one folder: its disclosures into ``survey.groups`` (grouped: :func:`budgetlod.ingest.groups.group`),
    what cannot be read into ``survey.skipped``; return the regular files passed over (other suffixes,
    READMEs)."""
    skipped = survey.skipped
    passed: list[Path] = []
    found: list[Path] = []
    manifests: list[Path] = []
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
            elif entry.name == MANIFEST and stat.S_ISREG(mode):
                manifests.append(folder)
            elif not wanted(entry.name):
                passed.append(path)
            elif reason := special(mode):
                skipped.append(Skipped(path, reason, f"[WARNING] {path}: {reason}"))
            else:
                found.append(path)
    grouping = group(sorted(found), sorted(manifests))
    survey.groups += grouping.groups
    survey.skipped += [Skipped(r.path, r.reason, r.line) for r in grouping.refused]
    survey.notes += grouping.notes
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


def survey(paths: Iterable[Path]) -> Survey:
    """The disclosures of ``paths`` (files as given, each alone; folders searched and their files grouped), and
    what was skipped (see the module's description)."""
    found = Survey()
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            found.groups.append(Group((path,), path.parent))  # converting it says why it cannot be opened
            continue
        if stat.S_ISDIR(mode):
            before, refused = len(found.groups), len(found.skipped)
            passed = _folder(path, found)
            unlisted = any(s.path == path for s in found.skipped[refused:])  # cannot list this folder
            if len(found.groups) == before and not unlisted:
                found.skipped.append(_nothing_found(path, passed))
        elif reason := special(mode):
            found.skipped.append(Skipped(path, reason, f"[WARNING] {path}: {reason}"))
        else:
            found.groups.append(Group((path,), path.parent))
    return found


def walk(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The disclosures of ``paths`` (:func:`survey`): each one's path (a group's files joined by ``+``; a file
    named twice is taken once), and what was skipped."""
    found = survey(paths)
    return found.files, found.skipped


def expand(paths: Iterable[Path]) -> list[Path]:
    """The disclosure files of ``paths`` (:func:`walk` without what it skipped)."""
    return walk(paths)[0]


__all__ = ["SUFFIXES", "Skipped", "Survey", "expand", "special", "survey", "walk"]
