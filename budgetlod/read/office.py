"""Old and other Office formats, converted by LibreOffice in headless mode, then read by the Word or Excel reader.

=========================================  =============  ==================================
format (as :mod:`budgetlod.read.detect`)   converted to   Debian package
=========================================  =============  ==================================
doc (Word 97–2003 .doc, WPS .wps)           .docx          libreoffice-writer-nogui
odt (OpenDocument text)                     .docx          libreoffice-writer-nogui
rtf                                         .docx          libreoffice-writer-nogui
xls that xlrd cannot read (WPS .et, BIFF5)  .xlsx          libreoffice-calc-nogui
ods (OpenDocument spreadsheet)              .xlsx          libreoffice-calc-nogui
=========================================  =============  ==================================

``soffice`` (or ``libreoffice``) must be on ``PATH``; without it the file is refused (R005, naming the package).
Each conversion runs in a new temporary directory with its own LibreOffice profile (so that it never hands
the file to a LibreOffice already running, nor waits for its lock), in a session of its own that is killed
whole when it passes :data:`TIMEOUT` seconds (R203). The pieces read from the converted file are located in the
original file's name (pages and cells are those of the conversion).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from budgetlod.findings import Reporter
from budgetlod.read.decode import refuse
from budgetlod.read.detect import NotSupported, detect
from budgetlod.read.stream import Limits, Read

TIMEOUT = 120  # seconds one conversion may take

WRITER = "libreoffice-writer-nogui"
CALC = "libreoffice-calc-nogui"
# format -> (what it is, in messages; extension LibreOffice is given; converted to; Debian package)
CONVERSIONS: dict[str, tuple[str, str, str, str]] = {
    "doc": (".doc (Word 97–2003)", "doc", "docx", WRITER),
    "odt": (".odt (OpenDocument text)", "odt", "docx", WRITER),
    "rtf": (".rtf (Rich Text Format)", "rtf", "docx", WRITER),
    "xls": (".xls (Excel 97–2003) that xlrd cannot read", "xls", "xlsx", CALC),
    "ods": (".ods (OpenDocument spreadsheet)", "ods", "xlsx", CALC),
}


def soffice() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_converted(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """Convert with LibreOffice, then read the .docx or .xlsx it makes."""
    try:
        kind = detect(data)
    except NotSupported as exc:
        raise refuse("R001", kind=str(exc)) from exc
    if kind not in CONVERSIONS:
        raise refuse("R001", kind=f"{kind} is not converted by LibreOffice")
    what, extension, target, package = CONVERSIONS[kind]
    converted = convert(data, what, extension, target, package)
    if target == "docx":
        from budgetlod.read.docx import read_docx

        return read_docx(converted, name, reporter, limits)
    from budgetlod.read.xlsx import read_xlsx

    return read_xlsx(converted, name, reporter, limits)


def read_encrypted(data: bytes, name: str, reporter: Reporter, limits: Limits) -> Read:
    """A password-protected .docx or .xlsx (an OLE2 ``EncryptedPackage``): refused, R003."""
    raise refuse("R003", kind="Office document (.docx or .xlsx, encrypted)")


def convert(data: bytes, what: str, extension: str, target: str, package: str) -> bytes:
    """The bytes of ``data`` converted by LibreOffice to ``target`` (docx, xlsx, pdf, xls)."""
    program = soffice()
    if program is None:
        raise refuse("R005", kind=what, tool="LibreOffice", package=package)
    with tempfile.TemporaryDirectory(prefix="budgetlod-office-") as folder:
        base = Path(folder)
        source = base / f"input.{extension}"
        source.write_bytes(data)
        out = base / "out"
        command = [
            program,
            f"-env:UserInstallation={(base / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        message = _run(command)
        result = out / f"input.{target}"
        if not result.is_file():
            raise refuse("R203", kind=what, reason=message or "LibreOffice wrote no file")
        return result.read_bytes()


def _run(command: list[str]) -> str:
    """Run LibreOffice in its own session; kill the session past the time limit. Returns its last message."""
    environment = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    environment["HOME"] = environment.get("HOME") or tempfile.gettempdir()
    try:
        process = subprocess.Popen(  # a fixed program and arguments, no shell
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=True,
        )
    except OSError as exc:
        return f"cannot start LibreOffice: {exc.strerror or exc}"
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill(process)
        return f"it did not finish within {TIMEOUT} seconds"
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if "rror" in line]
    return (errors or lines or [""])[-1][:160]


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.communicate()
