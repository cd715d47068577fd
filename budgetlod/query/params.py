"""Typed query parameters: a value given as text becomes an RDF term of the declared type, and the query
engine binds it — the text given is never pasted into the query.

* :func:`bind` checks the values given against a query's declared :class:`~budgetlod.query.library.Param` s
  (name known, value of the type, matching ``pattern``, in ``enum``, within ``min``/``max``; a ``template``
  makes the value part of an IRI, e.g. a year's ``http://reference.data.gov.uk/id/year/2024``) and returns
  the terms, defaults included. A bad value raises :class:`ParamError` naming the parameter and what it
  expects.
* :func:`with_values` binds them as a ``VALUES ?var { term }`` block at the start of the query's outermost
  WHERE group, each term written in SPARQL syntax by pyoxigraph from the typed value (an IRI pyoxigraph
  accepted, a literal with its escapes), so that the parser reads it as data whatever it says. This is how
  every backend gets them (the store, the server's worker pool, another endpoint);
  :func:`budgetlod.query.run.run_store` can also hand them to ``Store.query(substitutions=…)``.

Both give the same answers when a parameter's variable is used in the outermost group (or projected by a
subquery there) and is a variable of the SELECT projection (SEP-0007 substitutions need that), which the
tests check for every query of ``queries/``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from budgetlod.prefixes import PREFIXES, XSD
from budgetlod.query.library import NamedQuery, Param

MAX_VALUE_LENGTH = 1000

Term = NamedNode | Literal

EXPECTED = {
    "xsd:string": "a text",
    "xsd:integer": "an integer",
    "xsd:decimal": "a decimal number",
    "xsd:boolean": "true or false",
    "xsd:date": "a date YYYY-MM-DD",
    "xsd:gYear": "a year YYYY",
    "iri": "an absolute IRI or a prefixed name (e.g. blsh:DuplicatedRow)",
}


class ParamError(ValueError):
    """A parameter value that cannot be used; ``str()`` names the parameter and what it expects."""


def _expected(param: Param) -> str:
    if param.template:
        what = f"a value matching {param.pattern} (bound as <{param.template.replace('{}', '…')}>)"
    else:
        what = f"{EXPECTED[param.type]} ({param.type})"
    if param.enum:
        what += ", one of " + ", ".join(param.enum)
    if param.minimum is not None or param.maximum is not None:
        low = "" if param.minimum is None else str(param.minimum)
        high = "" if param.maximum is None else str(param.maximum)
        what += f", in [{low}, {high}]"
    return what


def _fail(param: Param, value: str) -> ParamError:
    return ParamError(f"parameter {param.name}: expected {_expected(param)}, got {value!r}")


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_YEAR = re.compile(r"-?[0-9]{4}")
_PNAME = re.compile(r"([A-Za-z][\w.-]*)?:(\S*)")


def expand_iri(value: str) -> str:
    """A prefixed name of the project's prefixes (``blsh:DuplicatedRow``) as its IRI; other text as it is."""
    match = _PNAME.fullmatch(value)
    if match and match.group(1) in PREFIXES and not value.startswith(("http:", "https:", "urn:")):
        return PREFIXES[match.group(1)] + match.group(2)
    return value


def term(param: Param, value: str) -> Term:
    """The RDF term for a value given as text (``ParamError`` when it is not of the declared type)."""
    text = value.strip()
    if len(text) > MAX_VALUE_LENGTH or any(ord(c) < 32 for c in text):
        raise _fail(param, value)
    kind = param.type
    if param.pattern and not re.fullmatch(param.pattern, text):
        raise _fail(param, value)
    if param.template:
        if param.minimum is not None or param.maximum is not None:
            try:
                _check_range(param, Decimal(text), value)
            except InvalidOperation:
                raise _fail(param, value) from None
        if param.enum and text not in param.enum:
            raise _fail(param, value)
        try:
            return NamedNode(param.template.replace("{}", text))
        except ValueError:
            raise _fail(param, value) from None
    if (
        param.enum
        and text not in param.enum
        and (kind != "iri" or expand_iri(text) not in {expand_iri(e) for e in param.enum})
    ):
        raise _fail(param, value)
    if kind == "iri":
        iri = expand_iri(text)
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
            raise _fail(param, value)
        try:
            return NamedNode(iri)
        except ValueError:
            raise _fail(param, value) from None
    if kind == "xsd:string":
        return Literal(text, language=param.lang) if param.lang else Literal(text)
    if kind == "xsd:boolean":
        if text.lower() not in ("true", "false", "1", "0"):
            raise _fail(param, value)
        return Literal("true" if text.lower() in ("true", "1") else "false", datatype=NamedNode(XSD + "boolean"))
    if kind == "xsd:date":
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise _fail(param, value) from None
        return Literal(day.isoformat(), datatype=NamedNode(XSD + "date"))
    if kind == "xsd:gYear":
        if not _YEAR.fullmatch(text):
            raise _fail(param, value)
        _check_range(param, Decimal(text), value)
        return Literal(text, datatype=NamedNode(XSD + "gYear"))
    pattern = _INTEGER if kind == "xsd:integer" else _DECIMAL
    if not pattern.fullmatch(text):
        raise _fail(param, value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _fail(param, value) from None
    _check_range(param, number, value)
    if kind == "xsd:integer":
        return Literal(str(int(number)), datatype=NamedNode(XSD + "integer"))
    lexical = format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")
    return Literal(lexical, datatype=NamedNode(XSD + "decimal"))


def _check_range(param: Param, number: Decimal, value: str) -> None:
    if (param.minimum is not None and number < param.minimum) or (param.maximum is not None and number > param.maximum):
        raise _fail(param, value)


def bind(query: NamedQuery, given: Mapping[str, str]) -> dict[str, Term]:
    """The terms to bind: the values given (checked), then the defaults of the parameters not given.

    An empty value leaves its parameter unbound, default or not: the query then matches every value."""
    unknown = [name for name in given if query.param(name) is None]
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise ParamError(f"unknown parameter {unknown[0]!r} for query {query.name} (its parameters: {known})")
    terms: dict[str, Term] = {}
    for param in query.params:
        value = given.get(param.name)
        if value is None:
            value = param.default
        if value is None or not value.strip():
            continue
        terms[param.name] = term(param, value)
    return terms


def parse_assignments(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["year=2024", "unit=…"]`` as a dict (``ParamError`` for an item without ``=``, or given twice)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParamError(f"--param needs name=value, got {item!r}")
        if name in out:
            raise ParamError(f"parameter {name} is given twice")
        out[name] = value
    return out
