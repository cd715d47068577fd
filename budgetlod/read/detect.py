"""Which format a file is, told from its content (magic bytes, zip members, OLE streams), not its name.

=========  =============================================================================
format     how it is told
=========  =============================================================================
pdf        ``%PDF-`` in the first 1 KiB
docx       a zip with ``word/document.xml``
xlsx       a zip with ``xl/workbook.xml``
odt/ods    a zip whose ``mimetype`` is OpenDocument text or spreadsheet (read through LibreOffice)
doc        an OLE2 compound file with a ``WordDocument`` stream (Word 97–2003, WPS Writer ``.wps``)
xls        an OLE2 compound file with a ``Workbook`` or ``Book`` stream (Excel 97–2003, WPS ``.et``)
rtf        ``{\\rtf`` (read through LibreOffice)
encrypted  an OLE2 file with an ``EncryptedPackage`` stream: a password-protected .docx or .xlsx
           (refused, R003)
html       text that starts (after a BOM, blanks, an XML declaration or comments) with ``<!DOCTYPE html``
           or ``<html``: a page saved from a site, or Word's "Save as web page"
text       anything else: decoded as UTF-8, UTF-16 (BOM) or GB18030 (:mod:`budgetlod.read.decode`)
=========  =============================================================================

A zip or OLE2 file that is none of these is reported as such (finding R001), never read as text.
"""

from __future__ import annotations

import io
import re
import zipfile

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
    re.IGNORECASE | re.DOTALL,
)
_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


class NotSupported(Exception):
    """A container budgetlod does not read: the message names what it is."""


def detect(data: bytes) -> str:
    """One of pdf, docx, xlsx, odt, ods, doc, xls, rtf, encrypted, html, text; raises :class:`NotSupported`."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if data.startswith(OLE2):
        return _ole_kind(data)
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(data[:4096]) or _utf16_html(data[:4096]):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                kind = _OPENDOCUMENT.get(archive.read("mimetype").strip())
                if kind:
                    return kind
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, NotImplementedError) as exc:
        for member, kind in ((b"word/document.xml", "docx"), (b"xl/workbook.xml", "xlsx")):
            if member in data:  # a truncated Word or Excel file: its reader says it is damaged (R004)
                return kind
        raise NotSupported(f"a damaged zip archive ({exc})") from exc
    raise NotSupported("a zip archive that is not a Word (.docx) or Excel (.xlsx) document")


def _ole_kind(data: bytes) -> str:
    """The stream names of an OLE2 directory are UTF-16LE; looking for them is enough to tell Word from Excel.
    An encrypted .docx/.xlsx is an OLE2 file with an ``EncryptedPackage`` stream: "encrypted" (R003)."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return "xls"
    raise NotSupported("an OLE2 compound file that is neither a Word nor an Excel document")


def _utf16_html(head: bytes) -> bool:
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        text = head[: len(head) // 2 * 2].decode("utf-16")
    except UnicodeDecodeError:
        return False
    return bool(_HTML_START.match(text.lstrip("\ufeff").encode("utf-8", "replace")))
