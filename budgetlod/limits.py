"""One file's work under the per-file time limit, and the one line an unexpected error becomes.

Used where a file is worked on: the commands of one file (:mod:`budgetlod.boundary`) and ingest's conversion
(:mod:`budgetlod.ingest.prepare`). The timer is ``SIGALRM`` (``setitimer``): its handler raises :class:`TimeLimit`
wherever the work is, which unwinds it; only in the main thread, and only where the platform has the timer.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

MESSAGE_CHARACTERS = 300


class TimeLimit(BaseException):  # not an Exception: no ``except Exception`` inside the work swallows it
    """The file's work ran past the setting ``file_seconds``."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeLimit` in the block after ``seconds`` (0: no limit; only in the main thread)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(number: int, frame: FrameType | None) -> None:
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def past_time(doing: str, seconds: float, limit: float) -> str:
    """``parsing stopped after 61.2 s (limit 60 s, setting file_seconds)``."""
    return f"{doing} stopped after {seconds:.1f} s (limit {limit:g} s, setting file_seconds)"


def internal_error(exc: BaseException) -> str:
    """``internal error: <type>: <message>`` on one line (the message cut at 300 characters)."""
    text = " ".join(str(exc).split())
    cut = text if len(text) <= MESSAGE_CHARACTERS else text[:MESSAGE_CHARACTERS] + "…"
    return f"internal error: {type(exc).__name__}: {cut}"
