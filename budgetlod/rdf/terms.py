"""RDF terms as budgetlod writes them: names from the prefix map, exact decimals (never a float, never an
exponent), integers, booleans and Chinese text."""

from __future__ import annotations

from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from budgetlod.prefixes import iri

XSD_DECIMAL = NamedNode(iri("xsd:decimal"))
XSD_INTEGER = NamedNode(iri("xsd:integer"))
XSD_BOOLEAN = NamedNode(iri("xsd:boolean"))
RDF_TYPE = NamedNode(iri("rdf:type"))


def n(curie: str) -> NamedNode:
    """``n("qb:Observation")`` -> the named node."""
    return NamedNode(iri(curie))


def decimal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` literal with the value's printed decimals."""
    return Literal(format(value, "f"), datatype=XSD_DECIMAL)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def zh(text: str) -> Literal:
    return Literal(text, language="zh")
