"""The map stage: a parsed :class:`~budgetlod.model.Disclosure` -> the quads of its named graph.

The graph's name is the disclosure's IRI.  It holds the disclosure (document
metadata), its unit, its source file and the conversion (PROV-O), one data set
per table with its observations (:mod:`budgetlod.rdf.cube`), and the facts
outside the tables (:mod:`budgetlod.rdf.facts`).  Output is deterministic: no
time is recorded unless the caller gives one.
"""

from __future__ import annotations

from datetime import datetime

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod import __version__
from budgetlod.errors import BudgetlodError
from budgetlod.model import Disclosure
from budgetlod.prefixes import iri
from budgetlod.rdf import components as c
from budgetlod.rdf.context import Context
from budgetlod.rdf.cube import table_quads
from budgetlod.rdf.facts import facts_quads
from budgetlod.rdf.iris import LEVELS, PHASES, Minter
from budgetlod.rdf.terms import RDF_TYPE, integer, n, zh

SOFTWARE = "https://w3id.org/budgetlod/software"


class CannotMap(BudgetlodError, ValueError):
    """The parsed document lacks what its IRIs are made of (unit, year, phase)."""


def disclosure_iri(disclosure: Disclosure, minter: Minter) -> str:
    meta = disclosure.meta
    if meta.unit is None or meta.year is None or meta.phase is None:
        missing = [k for k, v in (("unit", meta.unit), ("year", meta.year), ("phase", meta.phase)) if v is None]
        raise CannotMap(f"cannot name the disclosure: {', '.join(missing)} not found in the document")
    return minter.disclosure(meta.unit, meta.year, meta.level or "单位", meta.phase)


def to_quads(
    disclosure: Disclosure, minter: Minter | None = None, *, generated_at: datetime | None = None
) -> list[Quad]:
    minter = minter or Minter.from_settings()
    meta = disclosure.meta
    graph = NamedNode(disclosure_iri(disclosure, minter))
    assert meta.unit is not None and meta.year is not None and meta.phase is not None
    unit = NamedNode(minter.unit(meta.unit))
    ctx = Context(minter, graph, graph, meta.unit, unit, meta.year, meta.phase, disclosure.places)
    quads = _document(disclosure, ctx, generated_at)
    for table in disclosure.tables:
        quads.extend(table_quads(ctx, table))
    quads.extend(facts_quads(disclosure, minter, graph))
    return list(dict.fromkeys(quads))  # a code or project stated by several tables: once


def _document(disclosure: Disclosure, ctx: Context, generated_at: datetime | None) -> list[Quad]:
    meta, source, g, d = disclosure.meta, disclosure.source, ctx.graph, ctx.disclosure
    kind = f"{LEVELS.get(meta.level or '单位', 'unit')}-{PHASES.get(ctx.phase, 'budget')}"
    src = NamedNode(ctx.minter.source(source.sha256))
    activity = NamedNode(f"{d.value}/conversion")
    year = NamedNode(c.year_iri(ctx.year))
    title = f"{ctx.unit_name}{ctx.year}年{meta.level or '单位'}{ctx.phase}公开"
    quads = [
        Quad(d, RDF_TYPE, n("bl:Disclosure"), g),
        Quad(d, n("dct:title"), zh(title), g),
        Quad(d, n("dct:publisher"), ctx.unit, g),
        Quad(d, n("bl:budgetUnit"), ctx.unit, g),
        Quad(d, n("dct:temporal"), year, g),
        Quad(d, n("bl:documentKind"), n(f"bldk:{kind}"), g),
        Quad(d, n("prov:wasGeneratedBy"), activity, g),
        Quad(year, RDF_TYPE, n("interval:Year"), g),
        Quad(ctx.unit, RDF_TYPE, n("bl:BudgetUnit"), g),
        Quad(ctx.unit, n("foaf:name"), zh(ctx.unit_name), g),
        Quad(ctx.unit, n("rdfs:label"), zh(ctx.unit_name), g),
        Quad(activity, RDF_TYPE, n("bl:Conversion"), g),
        Quad(activity, n("prov:wasAssociatedWith"), NamedNode(SOFTWARE), g),
        Quad(activity, n("bl:toolVersion"), Literal(__version__), g),
    ]
    for info in disclosure.sources:  # a disclosure published in several files derives from each
        file = src if info is source else NamedNode(ctx.minter.source(info.sha256))
        quads += [
            Quad(d, n("prov:wasDerivedFrom"), file, g),
            Quad(file, RDF_TYPE, n("bl:SourceFile"), g),
            Quad(file, n("bl:sha256"), Literal(info.sha256), g),
            Quad(file, n("bl:fileName"), Literal(info.name), g),
            Quad(file, n("bl:byteSize"), integer(info.bytes), g),
            Quad(file, n("dct:publisher"), ctx.unit, g),
            Quad(activity, n("prov:used"), file, g),
        ]
        if info.encoding:  # a text's; PDF and Office files carry their own
            quads.append(Quad(file, n("bl:encoding"), Literal(info.encoding), g))
        if info.pages is not None:
            quads.append(Quad(file, n("bl:pageCount"), integer(info.pages), g))
    if meta.title:
        quads.append(Quad(d, n("bl:printedTitle"), zh(meta.title), g))
    if meta.published:
        issued = Literal(meta.published.isoformat(), datatype=NamedNode(iri("xsd:date")))
        quads += [Quad(d, n("dct:issued"), issued, g), Quad(src, n("dct:issued"), issued, g)]
    if generated_at is not None:
        stamp = Literal(generated_at.isoformat(), datatype=NamedNode(iri("xsd:dateTime")))
        quads.append(Quad(activity, n("prov:endedAtTime"), stamp, g))
    return quads
