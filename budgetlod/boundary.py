"""The command line's boundary around one file's work (parse, convert, validate, export).

Every way the work on one file can end badly becomes one ``[ERROR] FILE: …`` line on stderr and an exit
code, never a traceback:

* the input cannot be read or named (a :class:`~budgetlod.errors.BudgetlodError`: ``CannotParse``,
  ``CannotMap``, …): its exit code, 2;
* the work took longer than the setting ``file_seconds``: exit code 2, ``FILE: parsing stopped after N s``;
* anything else is a bug of budgetlod: ``FILE: internal error: <type>: <message> (please report)``,
  exit code 3 — distinct from 1 (Violations), so that a script can tell a crash from a finding.

The time limit is a ``SIGALRM`` interval timer in the main thread of the command's process (where the
platform has one): the handler raises :class:`TimeLimit` wherever the work is, which unwinds it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click

from budgetlod.errors import EXIT_CANNOT_RUN, EXIT_INTERNAL, BudgetlodError
from budgetlod.limits import TimeLimit, internal_error, past_time, time_limit
from budgetlod.settings import setting

T = TypeVar("T")


class FileFailed(Exception):
    """The file's work failed; the line is printed. ``code`` is the exit code (2 or 3)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def run_file(file: Path | str, doing: str, work: Callable[[], T]) -> T:
    """``work()`` for one file, under the time limit. A failure is printed as one line and raised as
    :class:`FileFailed` with its exit code. ``doing`` names the work in the time-limit message (``parsing``)."""
    limit = float(setting("file_seconds"))
    started = time.monotonic()
    try:
        with time_limit(limit):
            return work()
    except BudgetlodError as exc:
        _fail(file, str(exc), exc.exit_code)
    except TimeLimit:
        _fail(file, past_time(doing, time.monotonic() - started, limit), EXIT_CANNOT_RUN)
    except Exception as exc:  # a bug: one line, the documented code, no traceback
        _fail(file, f"{internal_error(exc)} (please report)", EXIT_INTERNAL)


def exit_on_failure(file: Path | str, doing: str, work: Callable[[], T]) -> T:
    """:func:`run_file` for a command of one file: a failure ends the command with its exit code."""
    try:
        return run_file(file, doing, work)
    except FileFailed as failed:
        sys.exit(failed.code)


def _fail(file: Path | str, message: str, code: int) -> NoReturn:
    click.echo(f"[ERROR] {file}: {message}", err=True)
    raise FileFailed(code)
