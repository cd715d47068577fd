"""Bytes -> text: BOM, UTF-8, GB18030 (a superset of GBK and GB2312), size limit."""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any

from budgetlod.errors import BudgetlodError
from budgetlod.findings import make_finding
from budgetlod.model import Finding


class CannotParse(BudgetlodError):
    """The input is not something the parser can read; carries one finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def refuse(code: str, **fields: Any) -> CannotParse:
    return CannotParse(make_finding(code, None, **fields))


# What the libraries reading a zip-based Office file raise on a damaged one (lxml's XMLSyntaxError is a
# SyntaxError; a truncated zip is BadZipFile, EOFError or zlib.error): each reader adds its own to these.
DAMAGED: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    EOFError,
    SyntaxError,
)


def damage(exc: BaseException) -> str:
    """A library's exception as the one-line reason of a damaged file (at most 160 characters)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"


_SPECIAL = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def read_limited(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes; refuse a larger file without reading it whole, and anything but a
    regular file without opening it (opening a FIFO waits for a writer; a device may never end)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _SPECIAL if test(info.st_mode)), "not a file")
            raise refuse("P008", kind=kind)
        size = info.st_size
        if size > limit:
            raise refuse("P003", size=size, limit=limit)
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise refuse("P006", path=path, reason=exc.strerror or exc) from exc
    if len(data) > limit:
        raise refuse("P003", size=len(data), limit=limit)
    return data


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name). Line endings become ``\\n``."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise refuse("P001")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _try(data, "utf-16"), "utf-16"
    elif b"\x00" in data:
        raise refuse("P002", offset=data.index(b"\x00"))
    elif data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _try(data[3:], "utf-8"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _try(data, "gb18030"), "gb18030"
    if _control_ratio(text) > 0.01:
        raise refuse("P002", offset=_first_control(text))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _try(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise refuse("P002", offset=exc.start) from exc


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def _first_control(text: str) -> int:
    match = _CONTROL.search(text)
    return match.start() if match else 0
