"""Comparison keys for RDF terms, for stores that keep a literal's value rather than its lexical form.

Virtuoso stores numbers, booleans and language tags as values: ``"1487.40"^^xsd:decimal`` comes back
as ``"1487.4"``, ``"0.00"`` as ``"0"``, ``"007"^^xsd:integer`` as ``"7"``, ``"true"^^xsd:boolean`` as
``"1"`` in SPARQL results JSON, ``@zh-Hans`` as ``@zh-hans`` (``docs/remote-store.md``). The figure is
the same number, so comparisons between a store that keeps lexical forms (Oxigraph) and one that keeps
values go through :func:`canonical_term`: the same key for the same value. It is a key for comparing,
not a form to publish (budgetlod keeps each figure's printed form in ``bl:printedValue``, a string,
which every store returns as written).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from budgetlod.prefixes import XSD

INTEGER_TYPES = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
)
FLOAT_TYPES = frozenset({XSD + "double", XSD + "float"})

Term = NamedNode | BlankNode | Literal | Triple


def decimal_key(lexical: str) -> str | None:
    """``"1487.40"`` -> ``"1487.4"``, ``"12.00"`` -> ``"12"``, ``"-0.0"`` -> ``"0"``; None when not a number."""
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def canonical_literal(literal: Literal) -> Literal:
    if literal.language:
        return Literal(literal.value, language=literal.language.lower())
    datatype = literal.datatype.value
    text = literal.value
    key: str | None = None
    if datatype == XSD + "decimal" or datatype in INTEGER_TYPES:
        key = decimal_key(text)
    elif datatype == XSD + "boolean":
        key = {"1": "true", "0": "false"}.get(text.strip(), text.strip())
    elif datatype in FLOAT_TYPES:
        try:
            key = repr(float(text))
        except ValueError:
            key = None
    return literal if key is None else Literal(key, datatype=literal.datatype)


def canonical_term(term: Term) -> Term:
    """The term itself, or for a literal its comparison key (same value -> same key)."""
    if isinstance(term, Literal):
        return canonical_literal(term)
    if isinstance(term, Triple):
        return canonical_triple(term)
    return term


NUMERIC_TYPES = INTEGER_TYPES | FLOAT_TYPES | {XSD + "decimal"}


def value_key(term: Term | None) -> object:
    """A key for comparing query answers across stores: a number of any numeric datatype by its value (Virtuoso
    answers an integral aggregate of decimals as an ``xsd:integer``), any other term by :func:`canonical_term`;
    None (unbound) stays None."""
    if isinstance(term, Literal) and term.datatype.value in NUMERIC_TYPES:
        key = decimal_key(term.value)
        if key is not None:
            return ("number", key)
    return None if term is None else canonical_term(term)


def canonical_triple(triple: Triple) -> Triple:
    obj = triple.object
    return triple if not isinstance(obj, Literal) else Triple(triple.subject, triple.predicate, canonical_literal(obj))


def canonical_triples(items: Iterable[Triple | Quad]) -> set[Triple]:
    """The triples (of quads: their graph names dropped) as a set of comparison keys."""
    return {canonical_triple(item.triple if isinstance(item, Quad) else item) for item in items}


__all__ = ["canonical_literal", "canonical_term", "canonical_triple", "canonical_triples", "decimal_key", "value_key"]
