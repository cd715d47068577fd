"""The characters, ruling lines and images of a PDF page from pypdfium2, in pdfplumber's object dicts.

pdfminer.six interprets each page's content stream in Python, which is most of what the PDF reader costs;
PDFium (pypdfium2, in C) does it far faster. :func:`objects` gives pdfplumber's ``objects`` of a page
(``char``, ``line``, ``rect``, ``curve``, ``image``) computed with PDFium, in pdfminer's coordinates: the
page's rotation applied; a character's box runs from its origin by its advance and from the font's descent
below the baseline up by its size, in the order of the text objects drawing them; a path is cut into its
subpaths, each a line (two points), a rectangle (four axis-aligned corners) or a curve, as pdfminer does. The
spaces PDFium's text page makes up are left out; a text object that is only a space (which the text page
leaves out) is given back as a space a quarter of its size wide. The reader installs the objects in place of
pdfplumber's own (``page._objects``, by :func:`install`), so that pdfplumber's table finder and text
extraction work on them unchanged.

When a page is one PDFium cannot give the same way (glyphs with no Unicode mapping, whose ``(cid:N)`` text
the reader needs to refuse the page; a glyph at an angle; a media box other than pdfplumber's), or PDFium
fails on it, pdfplumber (pdfminer.six) reads the page itself.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium  # type: ignore[import-untyped]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def open_document(data: bytes) -> pypdfium2.PdfDocument | None:
    try:
        return pypdfium2.PdfDocument(data)
    except Exception:  # PDFium refuses what pdfminer may still read: pdfplumber alone then
        return None


def install(document: pypdfium2.PdfDocument, index: int, plumber: Any) -> bool:
    """Give pdfplumber's page ``plumber`` its objects from PDFium; False (pdfplumber reads it) when they
    cannot be had the same way or PDFium fails on the page."""
    try:
        found = objects(document, index, plumber)
    except Exception:  # PDFium's trouble with one page: pdfminer's reading of it, as before
        return False
    if found is None:
        return False
    plumber._objects = found
    return True


def objects(document: pypdfium2.PdfDocument, index: int, plumber: Any) -> dict[str, list[dict[str, Any]]] | None:
    """pdfplumber's ``objects`` of page ``index`` (``plumber``: pdfplumber's page), or None."""
    page = document[index]
    try:
        x0, y0, x1, y1 = (float(v) for v in page.get_mediabox())
        rotation = int(plumber.rotation)
        ctm = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        width, height = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)
        if (round(width, 3), round(height, 3)) != (round(float(plumber.width), 3), round(float(plumber.height), 3)):
            return None
        context = _Context(height, float(plumber.initial_doctop), int(plumber.page_number), ctm)
        found: dict[str, list[dict[str, Any]]] = {}
        order: dict[int, int] = {}
        spaces: list[tuple[int, dict[str, Any]]] = []
        for obj in page.get_objects(max_depth=0):
            _walk(obj.raw, _IDENTITY, context, found, order, spaces)
        chars = _chars(page, context, order)
        if chars is None:
            return None
        merged = sorted([*chars, *spaces], key=lambda item: item[0])
        found["char"] = [char for _, char in merged]
        return found
    finally:
        page.close()


class _Context:
    def __init__(self, height: float, doctop: float, number: int, ctm: Matrix) -> None:
        self.height, self.doctop, self.number, self.ctm = height, doctop, number, ctm
        self.fonts: dict[int, tuple[str, float]] = {}


def _key(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _chars(
    page: pypdfium2.PdfPage, context: _Context, order: dict[int, int]
) -> list[tuple[int, dict[str, Any]]] | None:
    text = page.get_textpage()
    try:
        raw = text.raw
        found: list[tuple[int, dict[str, Any]]] = []
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        loose = pdfium.FS_RECTF()
        matrix = pdfium.FS_MATRIX()
        for index in range(pdfium.FPDFText_CountChars(raw)):
            textobj = pdfium.FPDFText_GetTextObject(raw, index)
            if not textobj or pdfium.FPDFText_IsGenerated(raw, index):
                continue  # a space or line break PDFium made up
            code = pdfium.FPDFText_GetUnicode(raw, index)
            if code in (0, 0xFFFD) or 0xD800 <= code <= 0xDFFF or pdfium.FPDFText_HasUnicodeMapError(raw, index):
                return None  # unmapped glyphs (pdfminer's ``(cid:N)``: the page is refused), or half a character
            size = float(pdfium.FPDFText_GetFontSize(raw, index))
            pdfium.FPDFText_GetCharOrigin(raw, index, origin_x, origin_y)
            pdfium.FPDFText_GetLooseCharBox(raw, index, loose)
            pdfium.FPDFText_GetMatrix(raw, index, matrix)
            name, descent = _font(textobj, context)
            m = (float(matrix.a), float(matrix.b), float(matrix.c), float(matrix.d), 0.0, 0.0)
            char = _char(chr(code), size, descent, (origin_x.value, origin_y.value), loose, m, name, context)
            if char is None:
                return None
            found.append((order.get(_key(textobj), len(order)), char))
        return found
    finally:
        text.close()


def _font(textobj: Any, context: _Context) -> tuple[str, float]:
    """The font's base name and its descent per point of size (negative, below the baseline)."""
    font = pdfium.FPDFTextObj_GetFont(textobj)
    key = _key(font)
    if key not in context.fonts:
        buffer = ctypes.create_string_buffer(256)
        length = pdfium.FPDFFont_GetBaseFontName(font, buffer, 256)
        name = buffer.raw[: max(0, length - 1)].decode("utf-8", "replace")
        descent = ctypes.c_float()
        ok = pdfium.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(descent))
        context.fonts[key] = (name, descent.value / 1000.0 if ok else 0.0)
    return context.fonts[key]


def _char(
    text: str,
    size: float,
    descent: float,
    origin: tuple[float, float],
    loose: Any,
    m: Matrix,
    name: str,
    context: _Context,
) -> dict[str, Any] | None:
    """pdfminer's box: from (0, descent) to (advance, descent + size) in text space, through the matrix."""
    a, b, c, d = m[:4]
    if abs(b) < 1e-6 and abs(c) < 1e-6 and a and d:
        advance = (float(loose.right) - float(loose.left)) / abs(a)
    elif abs(a) < 1e-6 and abs(d) < 1e-6 and b and c:
        advance = (float(loose.top) - float(loose.bottom)) / abs(b)
    else:
        return None  # a glyph at an angle: pdfplumber reads the page
    full = _compose(m, (*context.ctm[:4], 0.0, 0.0))
    ox, oy = _apply(context.ctm, *origin)
    low = descent * size
    corners = [_apply(full, x, y) for x in (0.0, advance) for y in (low, low + size)]
    x0 = ox + min(p[0] for p in corners)
    x1 = ox + max(p[0] for p in corners)
    y0 = oy + min(p[1] for p in corners)
    y1 = oy + max(p[1] for p in corners)
    fa, fb, fc, fd = full[:4]
    top = context.height - y1
    return {
        "page_number": context.number,
        "text": text,
        "fontname": name,
        "size": y1 - y0,
        "adv": advance,
        "upright": fa * fd > 0 and fb * fc <= 0,
        "height": y1 - y0,
        "width": x1 - x0,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "top": top,
        "bottom": context.height - y0,
        "doctop": context.doctop + top,
        "matrix": (fa, fb, fc, fd, ox, oy),
        "mcid": None,
        "tag": None,
        "ncs": None,
        "stroking_pattern": None,
        "non_stroking_pattern": None,
        "stroking_color": None,
        "non_stroking_color": None,
        "object_type": "char",
    }


def _walk(
    obj: Any,
    outer: Matrix,
    context: _Context,
    found: dict[str, list[dict[str, Any]]],
    order: dict[int, int],
    spaces: list[tuple[int, dict[str, Any]]],
) -> None:
    kind = pdfium.FPDFPageObj_GetType(obj)
    if kind == pdfium.FPDF_PAGEOBJ_TEXT:
        order[_key(obj)] = len(order)
        _space_object(obj, outer, context, len(order) - 1, spaces)
    elif kind == pdfium.FPDF_PAGEOBJ_FORM:
        inner = _compose(_matrix(obj), outer)
        for index in range(pdfium.FPDFFormObj_CountObjects(obj)):
            _walk(pdfium.FPDFFormObj_GetObject(obj, index), inner, context, found, order, spaces)
    elif kind == pdfium.FPDF_PAGEOBJ_PATH:
        _path(obj, _compose(_compose(_matrix(obj), outer), context.ctm), context, found)
    elif kind == pdfium.FPDF_PAGEOBJ_IMAGE:
        left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        if pdfium.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            full = _compose(outer, context.ctm)
            corners = [_apply(full, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)]
            found.setdefault("image", []).append(_box("image", corners, context))


def _space_object(
    obj: Any, outer: Matrix, context: _Context, position: int, spaces: list[tuple[int, dict[str, Any]]]
) -> None:
    """A text object of nothing but a space, which PDFium's text page leaves out (pdfminer keeps it)."""
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not pdfium.FPDFPageObj_GetBounds(obj, left, bottom, right, top) or right.value > left.value:
        return
    size = ctypes.c_float()
    if not pdfium.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
        return
    m = _compose(_matrix(obj), outer)
    _, descent = _font(obj, context)
    box = pdfium.FS_RECTF()
    box.left = box.bottom = 0.0
    box.right = box.top = 0.25 * size.value * (abs(m[0]) if abs(m[1]) < 1e-6 else abs(m[1]))
    char = _char(" ", size.value, descent, (m[4], m[5]), box, (*m[:4], 0.0, 0.0), "", context)
    if char is not None:
        spaces.append((position, char))


def _matrix(obj: Any) -> Matrix:
    m = pdfium.FS_MATRIX()
    if not pdfium.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (float(m.a), float(m.b), float(m.c), float(m.d), float(m.e), float(m.f))


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    p, q, r, s, t, u = outer
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _path(obj: Any, m: Matrix, context: _Context, found: dict[str, list[dict[str, Any]]]) -> None:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return
    if not fill.value and not stroke.value:
        return
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    curved: list[bool] = []
    for index in range(pdfium.FPDFPath_CountSegments(obj)):
        segment = pdfium.FPDFPath_GetPathSegment(obj, index)
        pdfium.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(m, x.value, y.value)
        kind = pdfium.FPDFPathSegment_GetType(segment)
        if kind == pdfium.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
            curved.append(False)
        else:
            subpaths[-1].append(point)
            curved[-1] = curved[-1] or kind == pdfium.FPDF_SEGMENT_BEZIERTO
        if pdfium.FPDFPathSegment_GetClose(segment) and subpaths[-1][0] != subpaths[-1][-1]:
            subpaths[-1].append(subpaths[-1][0])
    for points, bent in zip(subpaths, curved, strict=True):
        if len(points) < 2:
            continue
        kind_name = _shape(points, bent)
        item = _box(kind_name, points, context)
        item.update(stroke=bool(stroke.value), fill=bool(fill.value))
        item["pts"] = [(px, context.height - py) for px, py in points]
        found.setdefault(kind_name, []).append(item)


def _shape(points: list[tuple[float, float]], bent: bool) -> str:
    """pdfminer's reading of a subpath: two points a line, four axis-aligned corners a rectangle."""
    if bent:
        return "curve"
    if len(points) == 2:
        return "line"
    corners = points[:4] if len(points) == 4 or (len(points) == 5 and points[4] == points[0]) else []
    if corners:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
        if (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0):
            return "rect"
    return "curve"


def _box(kind: str, points: list[tuple[float, float]], context: _Context) -> dict[str, Any]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    top = context.height - y1
    return {
        "page_number": context.number,
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "top": top,
        "bottom": context.height - y0,
        "doctop": context.doctop + top,
        "width": x1 - x0,
        "height": y1 - y0,
        "object_type": kind,
        "linewidth": 0,
        "stroking_color": None,
        "non_stroking_color": None,
        "mcid": None,
        "tag": None,
    }
