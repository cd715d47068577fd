"""Progress of a bulk ingest on stderr: a bar redrawn in place on a terminal, a plain line now and then
otherwise (logs, CI), nothing with ``--quiet``. Failures are printed as they happen, as
``[ERROR] file: reason``, and files skipped for what they are (unsupported format, needs OCR, not a disclosure)
as ``[WARNING] file: skipped: reason``; with ``--verbose`` every file gets a line.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from budgetlod.ingest.report import FileOutcome

PLAIN_EVERY = 10.0  # seconds between plain progress lines
BAR_EVERY = 0.2  # seconds between redraws of the bar


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts files as they are done and shows the rate, the time left and the failures so far."""

    def __init__(self, total: int, *, quiet: bool = False, verbose: bool = False, stream: TextIO | None = None,
                 tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.quiet, self.verbose = quiet, verbose
        self.tty = self.stream.isatty() if tty is None else tty
        self.done = self.converted = self.failed = self.skipped = 0
        self.started = time.monotonic()
        self._shown = 0.0
        self._bar_visible = False

    def start(self, total: int) -> None:
        """The run begins (the files are counted)."""
        self.total, self.started = total, time.monotonic()

    def file_done(self, outcome: FileOutcome) -> None:
        self.done += 1
        if outcome.status != "unchanged":
            self.converted += 1
        if outcome.status == "skipped":
            self.skipped += 1
            self.line(f"[WARNING] {outcome.path}: skipped: {outcome.reason}")
        elif outcome.error is not None:
            self.failed += 1
            self.line(f"[ERROR] {outcome.path}: {outcome.reason}")
        elif self.verbose:
            self.line(f"[{outcome.status.upper()}] {outcome.path}: {outcome.triples} triples, {outcome.violations} "
                      f"violations, {outcome.warnings} warnings -> <{outcome.graph}>")
        self.show()

    def rate(self) -> float:
        """Files converted per second since the start (unchanged files, skipped at no cost, do not count)."""
        return self.converted / max(1e-3, time.monotonic() - self.started)

    def status(self) -> str:
        rate = self.rate()
        left = self.total - self.done
        eta = f", ETA {clock(left / rate)}" if rate and left else ""  # unchanged files ahead make it pessimistic
        share = f"{100 * self.done / self.total:.0f}%" if self.total else "100%"
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return f"{self.done}/{self.total} files ({share}), {rate:.1f} files/s{eta}, {self.failed} failed{skipped}"

    def show(self, force: bool = False) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if not force and now - self._shown < (BAR_EVERY if self.tty else PLAIN_EVERY):
            return
        self._shown = now
        if self.tty:
            text = self.status()
            width = shutil.get_terminal_size((100, 20)).columns
            room = max(10, width - len(text) - 4)
            filled = room * self.done // self.total if self.total else room
            bar = "[" + "#" * filled + "-" * (room - filled) + "] "
            self.stream.write("\r" + (bar + text)[: width - 1] + "\x1b[K")
            self._bar_visible = True
        else:
            self.stream.write(f"ingest: {self.status()}\n")
        self.stream.flush()

    def line(self, text: str) -> None:
        """A message above the bar (failures are printed even when quiet)."""
        if self._bar_visible:
            self.stream.write("\r\x1b[K")
            self._bar_visible = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and not self.quiet:
            self.show(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self._bar_visible = False
