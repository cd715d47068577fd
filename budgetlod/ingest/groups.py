"""Several files, one disclosure: which files of a folder are read together as one disclosure.

Many bodies publish a disclosure as several files: the narrative and the tables (``x-2019-budget-text.pdf`` and
``x-2019-budget-tables.pdf``), or one file per table (``x-2019-budget-表1.xls``, ``x-2019-budget-表2.xls`` …).

**The rule.** A file's *part marker* is a trailing word of its stem (its name without the last suffix), after a
``-``, ``_``, ``.`` or space, or in brackets ``(…)`` / ``（…）``, case-insensitive: ``text``, ``narrative``,
``tables``, ``table``, ``table1`` / ``table-1``, ``t01``, ``正文``, ``说明``, ``表格``, ``附表``, ``公开表``, ``表1`` /
``表一``, ``01表``. The files of one folder whose stems are equal once the marker is removed (case-insensitive)
form one disclosure, read in this order: the narrative (``text``, ``narrative``, ``正文``, ``说明``) first, then
the others by name (numbers in their value: ``表2`` before ``表10``, ``表二`` before ``表十``). A file with no
marker, or alone after grouping, is its own disclosure; so is each file of a would-be group in which two files
have the same marker (``x-text.pdf`` and ``x-text.docx``: the same part published twice) — a warning says so.

**The manifest.** A file ``disclosures.txt`` in a folder overrides the rule: each line that is not empty and
does not start with ``#`` lists the files of one disclosure, in reading order, separated by `` + ``, named
relative to that folder (``x-2019-说明.pdf + x-2019-公开表.xls``). The files it lists are grouped as it says
(a line with one file: that file alone); the others follow the rule. A line naming a file that does not exist
(or is not a regular file) skips its disclosure, with the reason; a file listed twice is taken in its first
line only.

**On the way through ingest** a group is one unit whose path is its files' paths joined by ``+``
(:func:`join`: ``dir/a-text.pdf+dir/a-tables.pdf``): the worker pool, the report and the store's manifest keep
working with strings, and :func:`split` gives the files back (a name that is itself an existing file is not
split; a file whose name holds ``+`` is found by trying the splits).
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "disclosures.txt"
RULE = "rule: same name but the part marker"
NARRATIVE = ("text", "narrative", "正文", "说明")
_NUMERALS = "一二三四五六七八九十"
_WORD = (rf"text|narrative|tables?(?:[-_ ]?\d+)?|t\d+|正文|说明|表格\d*|附表[\d{_NUMERALS}]*|公开表[\d{_NUMERALS}]*"
         rf"|表[\d{_NUMERALS}]+|\d+表")
_BRACKETED = re.compile(rf"\s*[(（]\s*({_WORD})\s*[)）]$", re.IGNORECASE)
_SEPARATED = re.compile(rf"[-_. ]({_WORD})$", re.IGNORECASE)
_NUMBER = re.compile(rf"(\d+|[{_NUMERALS}]+)")


@dataclass(frozen=True)
class Group:
    """The files of one disclosure, in reading order; ``why`` says why several files are one (empty for one
    file): :data:`RULE` or ``disclosures.txt line N``."""

    files: tuple[Path, ...]
    folder: Path
    why: str = ""

    @property
    def path(self) -> Path:
        """The unit's path on its way through ingest: the files joined by ``+``."""
        return Path(join(self.files))

    def info(self) -> str:
        """``[INFO] DIR: one disclosure from 2 files: a-text.pdf + a-tables.pdf (rule: …)``."""
        names = " + ".join(_relative(f, self.folder) for f in self.files)
        return f"[INFO] {self.folder}: one disclosure from {len(self.files)} files: {names} ({self.why})"


@dataclass(frozen=True)
class Refused:
    """A disclosure the manifest lists that cannot be read: ``path`` (its files joined), ``reason``, ``line``
    (``[WARNING] DIR/disclosures.txt line N: reason``)."""

    path: Path
    reason: str
    line: str


@dataclass
class Grouping:
    groups: list[Group] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings (a manifest that cannot be read, a marker twice)


def join(paths: Iterable[Path | str]) -> str:
    """The paths of one disclosure as one string: ``a-text.pdf+a-tables.pdf``."""
    return "+".join(str(p) for p in paths)


def split(joined: str) -> list[Path]:
    """The files of :func:`join`'s string: the string itself when it names an existing file (or holds no
    ``+``); else the split whose every part exists (a file name may hold ``+``); else a split at every ``+``
    (converting says which file cannot be opened)."""
    if "+" not in joined or Path(joined).exists():
        return [Path(joined)]
    parts = joined.split("+")
    found = _existing_split(parts)
    return [Path(p) for p in (found or parts) if p]


def _existing_split(parts: list[str]) -> list[str] | None:
    """Consecutive parts joined back by ``+`` so that each piece is an existing file, or None."""
    if not parts:
        return []
    for end in range(1, len(parts) + 1):
        piece = "+".join(parts[:end])
        if piece and Path(piece).exists():
            rest = _existing_split(parts[end:])
            if rest is not None:
                return [piece, *rest]
    return None


def marker(name: str) -> tuple[str, str] | None:
    """``(stem without the marker, the marker)`` of a file name, or None when it has no part marker."""
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    found = _BRACKETED.search(stem) or _SEPARATED.search(stem)
    if found is None:
        return None
    base = stem[: found.start()].rstrip(" -_.")
    return (base, found.group(1)) if base else None


def _natural(name: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key: numbers (Arabic or Chinese) by value."""
    key = []
    for i, token in enumerate(_NUMBER.split(name.casefold())):
        if i % 2:
            key.append((0, int(token) if token.isdigit() else _chinese(token), ""))
        elif token:
            key.append((1, 0, token))
    return tuple(key)


def _chinese(numeral: str) -> int:
    """一 … 九十九 (and 十): the value; a run of digits without 十 read digit by digit."""
    digit = {c: i + 1 for i, c in enumerate(_NUMERALS[:9])}
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return digit.get(tens[-1:], 1) * 10 + digit.get(ones[:1], 0)
    value = 0
    for c in numeral:
        value = value * 10 + digit.get(c, 0)
    return value


def _order(files: Iterable[Path]) -> tuple[Path, ...]:
    """The narrative first, then the others by name."""
    def key(path: Path) -> tuple[int, tuple[tuple[int, int, str], ...]]:
        found = marker(path.name)
        narrative = found is not None and found[1].casefold() in NARRATIVE
        return (0 if narrative else 1, _natural(path.name))
    return tuple(sorted(files, key=key))


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


def by_rule(files: Sequence[Path], grouping: Grouping) -> None:
    """The files (of one folder or more: grouped within each folder) by the rule, into ``grouping``."""
    buckets: dict[tuple[Path, str], list[tuple[Path, str]]] = {}
    for path in files:
        found = marker(path.name)
        if found is None:
            grouping.groups.append(Group((path,), path.parent))
        else:
            word = re.sub(r"[-_ ]|(?<!\d)0+(?=\d)", "", found[1].casefold())  # table-01 = table1
            buckets.setdefault((path.parent, found[0].casefold()), []).append((path, word))
    for (folder, _), members in buckets.items():
        paths = [p for p, _ in members]
        twice = len({w for _, w in members}) < len(members)
        if twice:
            grouping.notes.append(f"[WARNING] {folder}: {' and '.join(p.name for p in paths)} have the same part "
                                  f"marker: not read as one disclosure (list their files in {MANIFEST} to say "
                                  "which go together)")
        if len(paths) == 1 or twice:
            grouping.groups += [Group((p,), folder) for p in paths]
        else:
            grouping.groups.append(Group(_order(paths), folder, RULE))


def from_manifest(folder: Path, grouping: Grouping) -> set[Path]:
    """The groups ``folder/disclosures.txt`` lists, into ``grouping``; returns every file it lists (also those
    of a line it refuses). A manifest that cannot be read: a warning, and the rule groups the folder."""
    manifest = folder / MANIFEST
    try:
        lines = manifest.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        grouping.notes.append(f"[WARNING] {manifest}: cannot be read ({reason}): the files are grouped by the rule")
        return set()
    listed: set[Path] = set()
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        names = [n.strip() for n in text.split(" + ") if n.strip()]
        files = [folder / n for n in names]
        problem = next((f"{n}: {_problem(f)}" for n, f in zip(names, files, strict=True) if _problem(f)), "")
        twice = next((n for n, f in zip(names, files, strict=True) if f in listed or files.count(f) > 1), None)
        if not problem and twice is not None:
            problem = f"{twice} is listed twice"
        listed.update(files)
        where = f"{MANIFEST} line {number}"
        if problem:
            reason = f"{where}: {problem}: this disclosure is skipped"
            line = f"[WARNING] {folder / MANIFEST} line {number}: {problem}: this disclosure is skipped"
            grouping.refused.append(Refused(Path(join(files)), reason, line))
        else:
            grouping.groups.append(Group(tuple(files), folder, where if len(files) > 1 else ""))
    return listed


def _problem(path: Path) -> str:
    """Why a file a manifest lists cannot be read ("" when it can)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "no such file"
    return "" if stat.S_ISREG(mode) else "not a regular file"


def group(files: Sequence[Path], manifests: Iterable[Path] = ()) -> Grouping:
    """The disclosures of ``files`` (a folder's, found by the walk): the groups of the manifests in the folders
    ``manifests`` first, then the rule for the files they do not list; sorted by their first file's path."""
    grouping = Grouping()
    listed: set[Path] = set()
    for folder in manifests:
        listed |= from_manifest(folder, grouping)
    by_rule([f for f in files if f not in listed], grouping)
    grouping.groups.sort(key=lambda g: min(g.files))
    return grouping


__all__ = ["MANIFEST", "RULE", "Group", "Grouping", "Refused", "by_rule", "from_manifest", "group", "join",
           "marker", "split"]
