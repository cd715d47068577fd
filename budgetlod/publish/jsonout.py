"""budgetlod's JSON-LD documents as bytes: :func:`dumps` (keys in a fixed order, UTF-8, one space of indent)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps"]


def _ordered(value: Any) -> Any:
    """Keys sorted (JSON-LD keywords first, ``@included`` last), recursively; arrays kept in order;
    an embedded ``@context`` kept as the context file orders it."""
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (k == "@included", k))
        return {k: value[k] if k == "@context" else _ordered(value[k]) for k in keys}
    return value


_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes a string with


def _write(value: Any, indent: str, out: list[str], ordered: bool = True) -> None:
    """``json.dumps(_ordered(value), ensure_ascii=False, indent=1)``, written directly (a third of the time)."""
    if isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + " "
        keys = sorted(value, key=lambda k: (k == "@included", k)) if ordered else list(value)
        out.append("{" + inner)
        for n, key in enumerate(keys):
            if n:
                out.append("," + inner)
            out.append(_string(key) + ": ")
            _write(value[key], inner, out, ordered and key != "@context")
        out.append(indent + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = indent + " "
        out.append("[" + inner)
        for n, item in enumerate(value):
            if n:
                out.append("," + inner)
            _write(item, inner, out, ordered)
        out.append(indent + "]")
    else:
        out.append(json.dumps(value))


def dumps(doc: dict[str, Any]) -> bytes:
    """UTF-8 JSON, not ASCII-escaped, keys in a fixed order: the same document gives the same bytes.

    Byte for byte ``json.dumps(_ordered(doc), ensure_ascii=False, indent=1)`` plus a newline."""
    out: list[str] = []
    try:
        _write(doc, "\n", out)
    except TypeError:  # a key that is not a string: json.dumps converts it
        return (json.dumps(_ordered(doc), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    out.append("\n")
    return "".join(out).encode("utf-8")
