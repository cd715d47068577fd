"""The facts outside the tables -> plain RDF in the disclosure's named graph.

Everything a person might cite gets a content-derived IRI under the disclosure
(``{disclosure}/{kind}/{local}``, :meth:`Minter.part`), made of line numbers,
ordinal positions and ASCII slugs only, so converting the same document twice
gives the same quads; no blank nodes are used.

IRIs (``{d}`` is the disclosure) and classes:

* unit profile: on the disclosure itself (``bl:mainFunctions``, ``bl:departmentCount`` …);
* staffing: ``{d}/staffing/{established|actual|in-service|retired|pre-1949-retired}``, ``bl:StaffingFigure``;
* narrative statement: ``{d}/statement/{line}-{n}`` (the n-th on that line), ``bl:NarrativeStatement``;
  of a 决算 narrative, which figure it states (``bl:statedMeasure``: the OBEU budget phase approved, revised or
  executed), its completion rate (``bl:completionRate``) and 大于/小于/等于 (``bl:comparisonWord``);
  its prior-year amount: ``{statement}/prior``, ``bl:DerivedAmount``;
* project description: ``{d}/project-description/{line}``, ``bl:ProjectDescription``;
* running costs: ``{d}/other/running-cost``, ``bl:RunningCost``;
* procurement: ``{d}/other/procurement`` (``bl:Procurement``) with ``{d}/procurement/{total|goods|…}``
  (``bl:StatedAmount``);
* state assets: ``{d}/other/assets`` (``bl:AssetHolding``), ``{d}/asset/{slug}`` (``bl:AssetItem``),
  ``{d}/equipment/{held|planned}-{threshold}`` (``bl:EquipmentCount``);
* budget performance: ``{d}/other/performance`` (``bl:PerformanceSummary``), ``{d}/performance/{overall|…}``,
  ``{d}/performance-target/{line}`` with ``…/field/{n}``, ``…/funds/{n}``, ``…/indicator/{n}``;
* classified projects: ``{d}/other/classified``, ``bl:ClassifiedProjects``;
* glossary: ``{d}/glossary`` (``skos:ConceptScheme``) and ``{d}/glossary/{n}`` (``skos:Concept``).

Amounts are ``xsd:decimal`` exactly as printed, with the printed unit
(``bl:printedUnit``); a prior-year amount derived from a stated change
(amount − change) is a separate ``bl:DerivedAmount`` that says how it was made.
Fields of a performance target table that name a contact person or a telephone
number (``personal_fields`` of ``mapping/facts.yaml``) are not published. The slugs and properties of
these facts are data: ``mapping/facts.yaml``, read by :mod:`budgetlod.rdf.fact_map`.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod import resources
from budgetlod.model import (
    Amount,
    Assets,
    Disclosure,
    NarrativeFact,
    OtherMatters,
    Performance,
    Procurement,
    Profile,
    ProjectDescription,
)
from budgetlod.prefixes import CODELIST
from budgetlod.rdf import components as c
from budgetlod.rdf.fact_map import fact_map
from budgetlod.rdf.iris import Minter, content_hash
from budgetlod.rdf.terms import boolean, decimal, integer, n, zh

Object = NamedNode | Literal


DERIVATION_NOTE = "amount − change"

# 决算 narrative: which figure a stated amount is, as the OBEU budget phase of the table column it restates
# (the tables' ``stage``: approved, revised, executed).
MEASURE_PHASES = {
    "年初预算": "obeu-budgetphase:approved",
    "全年预算": "obeu-budgetphase:revised",
    "决算": "obeu-budgetphase:executed",
}


@cache
def _amount_labels() -> frozenset[str]:
    """Labels of a project description whose text is the budget figure (mapping/narrative.yaml)."""
    data = resources.read_yaml(resources.mapping("narrative.yaml"))
    project = data.get("project", {}) if isinstance(data, dict) else {}
    return frozenset(str(label) for label in project.get("amount_labels", ()))


class _Graph:
    """Collects the quads of one named graph and mints unique local names."""

    def __init__(self, graph: NamedNode, disclosure: NamedNode) -> None:
        self.graph = graph
        self.d = disclosure
        self.quads: list[Quad] = []
        self._seen: set[Quad] = set()
        self._used: Counter[str] = Counter()

    def add(self, subject: NamedNode, predicate: str, obj: Object | None) -> None:
        """Add a statement once (a figure and its item may give the same line)."""
        if obj is not None:
            quad = Quad(subject, n(predicate), obj, self.graph)
            if quad not in self._seen:
                self._seen.add(quad)
                self.quads.append(quad)

    def node(self, kind: str, local: str, cls: str | None = None) -> NamedNode:
        """``{disclosure}/{kind}/{local}``; a repeated local name gets ``~2``, ``~3`` in order."""
        self._used[f"{kind}/{local}"] += 1
        count = self._used[f"{kind}/{local}"]
        node = NamedNode(Minter.part(self.d.value, kind, local if count == 1 else f"{local}~{count}"))
        if cls:
            self.add(node, "rdf:type", n(cls))
        return node

    def text(self, subject: NamedNode, predicate: str, value: str | None) -> None:
        if value:
            self.add(subject, predicate, zh(value))

    def number(self, subject: NamedNode, predicate: str, value: Decimal | None) -> None:
        if value is not None:
            self.add(subject, predicate, decimal(value))

    def count(self, subject: NamedNode, predicate: str, value: int | None) -> None:
        if value is not None:
            self.add(subject, predicate, integer(value))

    def amount(self, subject: NamedNode, amount: Amount) -> None:
        """A stated figure: value, printed unit, line."""
        self.add(subject, "bl:statedAmount", decimal(amount.value))
        self.text(subject, "bl:printedUnit", amount.unit)
        self.add(subject, "bl:sourceLine", integer(amount.line))

    def stated(self, kind: str, local: str, amount: Amount | None) -> NamedNode | None:
        if amount is None:
            return None
        node = self.node(kind, local, "bl:StatedAmount")
        self.amount(node, amount)
        return node

    def prior(
        self, source: NamedNode, amount: Decimal, change: Decimal, unit: str | None, compared: str | None
    ) -> None:
        """The comparison's amount derived from a stated change: amount − change."""
        node = NamedNode(f"{source.value}/prior")
        self.add(node, "rdf:type", n("bl:DerivedAmount"))
        self.add(node, "bl:derivedPriorAmount", decimal(amount - change))
        self.text(node, "bl:printedUnit", unit)
        self.text(node, "bl:comparedWith", compared)
        self.add(node, "prov:wasDerivedFrom", source)
        self.add(node, "bl:derivationNote", Literal(DERIVATION_NOTE, language="en"))


def facts_quads(disclosure: Disclosure, minter: Minter, graph: NamedNode) -> list[Quad]:
    """The non-table facts of a parsed disclosure, as quads in ``graph``."""
    meta = disclosure.meta
    if meta.unit is None or meta.year is None or meta.phase is None:
        raise ValueError("cannot name the disclosure: unit, year or phase missing")
    d = NamedNode(minter.disclosure(meta.unit, meta.year, meta.level or "单位", meta.phase))
    out = _Graph(graph, d)
    projects = _Projects(out, minter, meta.unit)
    _profile(out, disclosure.profile)
    lines: Counter[int] = Counter()
    for fact in disclosure.narratives:
        lines[fact.line] += 1
        _statement(out, fact, f"{fact.line}-{lines[fact.line]}", projects)
    for description in disclosure.projects:
        _project_description(out, description, projects)
    _other(out, disclosure.other)
    _glossary(out, disclosure)
    return out.quads


class _Projects:
    """Projects named outside the tables: the same IRI as the tables' (:meth:`Minter.project`)."""

    def __init__(self, out: _Graph, minter: Minter, unit: str) -> None:
        self.out, self.minter, self.unit_name = out, minter, unit
        self.unit = NamedNode(minter.unit(unit))
        self.seen: set[str] = set()

    def __call__(self, name: str) -> NamedNode:
        node = NamedNode(self.minter.project(self.unit_name, name))
        if node.value not in self.seen:
            self.seen.add(node.value)
            self.out.add(node, "rdf:type", n("bl:Project"))
            self.out.text(node, "rdfs:label", name)
            self.out.add(node, "bl:budgetUnit", self.unit)
        return node


def _profile(out: _Graph, profile: Profile) -> None:
    d = out.d
    out.text(d, "bl:mainFunctions", profile.functions)
    out.count(d, "bl:mainFunctionsLine", profile.functions_line if profile.functions else None)
    out.count(d, "bl:subordinateUnitCount", profile.subordinate_unit_count)
    for name in profile.subordinate_units:
        out.text(d, "bl:subordinateUnitName", name)
    out.count(d, "bl:departmentCount", profile.department_count)
    for name in profile.departments:
        out.text(d, "bl:departmentName", name)
    for staff in profile.staffing:
        slug = fact_map().staffing.get(staff.category) or f"c-{content_hash(staff.category, 8)}"
        node = out.node("staffing", slug, "bl:StaffingFigure")
        out.add(d, "bl:staffing", node)
        out.text(node, "bl:staffCategory", staff.category)
        out.count(node, "bl:headcount", staff.count)
        out.count(node, "bl:headcountChange", staff.change)
        out.count(node, "bl:sourceLine", staff.line)


def _statement(out: _Graph, fact: NarrativeFact, local: str, projects: _Projects) -> None:
    node = out.node("statement", local, "bl:NarrativeStatement")
    out.add(out.d, "bl:statement", node)
    if fact.key:
        out.add(node, "bl:statementSubject", NamedNode(f"{CODELIST}narrative-subject/{fact.key}"))
    out.text(node, "bl:printedName", fact.subject)
    out.text(node, "bl:statedText", fact.text)
    out.number(node, "bl:statedAmount", fact.amount)
    out.text(node, "bl:printedUnit", fact.unit)
    out.number(node, "bl:statedChange", fact.change)
    out.number(node, "bl:statedRate", fact.rate)
    out.number(node, "bl:statedShare", fact.share)
    out.text(node, "bl:comparedWith", fact.compared_with)
    if fact.measure in MEASURE_PHASES:
        out.add(node, "bl:statedMeasure", n(MEASURE_PHASES[fact.measure]))
    out.number(node, "bl:completionRate", fact.completion)
    out.text(node, "bl:comparisonWord", fact.relation)
    out.text(node, "bl:statedReason", fact.reason)
    out.text(node, "bl:purpose", fact.purpose)
    if fact.codes:
        out.add(node, "bl:functionalClassification", NamedNode(c.DIMENSIONS["function"].code("".join(fact.codes))))
    if fact.project:
        out.add(node, "bl:project", projects(fact.project))
    if fact.section:
        out.add(node, "bl:sourceSection", Literal(fact.section))
    out.count(node, "bl:sourceLine", fact.line)
    if fact.amount is not None and fact.change is not None:
        out.prior(node, fact.amount, fact.change, fact.unit, fact.compared_with)


def _project_description(out: _Graph, description: ProjectDescription, projects: _Projects) -> None:
    node = out.node("project-description", str(description.line), "bl:ProjectDescription")
    out.add(out.d, "bl:projectDescription", node)
    out.text(node, "bl:printedName", description.name)
    out.add(node, "bl:project", projects(description.name))
    out.number(node, "bl:statedAmount", description.amount)
    if description.amount is not None:
        out.text(node, "bl:printedUnit", description.unit)
    if description.section:
        out.add(node, "bl:sourceSection", Literal(description.section))
    out.count(node, "bl:sourceLine", description.line)
    for position, (label, text) in enumerate(description.fields.items(), start=1):
        if label in fact_map().project_fields:
            out.text(node, fact_map().project_fields[label], text)
        elif not (label in _amount_labels() and description.amount is not None):
            _field(out, node, "bl:descriptionField", f"{node.value}/field/{position}", label, text)


def _field(out: _Graph, owner: NamedNode, link: str, iri_: str, label: str, text: str | None) -> NamedNode:
    node = NamedNode(iri_)
    out.add(node, "rdf:type", n("bl:DescriptionField"))
    out.add(owner, link, node)
    out.text(node, "bl:fieldLabel", label)
    out.text(node, "bl:fieldText", text)
    return node


def _other(out: _Graph, other: OtherMatters) -> None:
    d = out.d
    running = other.running_cost
    if running is not None and (running.amount or running.change or running.reason):
        node = out.node("other", "running-cost", "bl:RunningCost")
        out.add(d, "bl:runningCost", node)
        if running.amount is not None:
            out.amount(node, running.amount)
        if running.change is not None:
            out.number(node, "bl:statedChange", running.change.amount)
            out.number(node, "bl:statedRate", running.change.rate)
            if running.amount is None or running.change.line != running.amount.line:
                out.count(node, "bl:sourceLine", running.change.line)
        out.text(node, "bl:statedReason", running.reason)
        if running.amount is not None and running.change is not None and running.change.amount is not None:
            out.prior(node, running.amount.value, running.change.amount, running.amount.unit, None)
    if other.procurement is not None:
        _procurement(out, other.procurement)
    if other.assets is not None:
        _assets(out, other.assets)
    if other.performance is not None:
        _performance(out, other.performance)
    classified = other.classified
    if classified is not None:
        node = out.node("other", "classified", "bl:ClassifiedProjects")
        out.add(d, "bl:classifiedProjects", node)
        out.count(node, "bl:projectCount", classified.count)
        if classified.amount is not None:
            out.amount(node, classified.amount)
        out.count(node, "bl:sourceLine", classified.line)
    for note in other.notes:
        out.text(d, "bl:otherNote", note)


def _procurement(out: _Graph, procurement: Procurement) -> None:
    figures = [(slug, prop, getattr(procurement, attr)) for attr, slug, prop in fact_map().procurement]
    if all(amount is None for _, _, amount in figures):
        return
    node = out.node("other", "procurement", "bl:Procurement")
    out.add(out.d, "bl:procurement", node)
    stated: dict[str, NamedNode] = {}
    for slug, prop, amount in figures:
        figure = out.stated("procurement", slug, amount)
        if figure is not None:
            out.add(node, prop, figure)
            stated[slug] = figure
    for share, slugs in (
        (procurement.sme_share, ("sme-awarded", "sme-reserved")),
        (procurement.micro_share, ("micro-awarded", "micro-reserved")),
    ):
        target = next((stated[s] for s in slugs if s in stated), None)
        if share is not None and target is not None:
            out.number(target, "bl:statedShare", share)


def _assets(out: _Graph, assets: Assets) -> None:
    node = out.node("other", "assets", "bl:AssetHolding")
    out.add(out.d, "bl:assets", node)
    out.text(node, "bl:asOf", assets.as_of)
    out.count(node, "bl:sourceLine", assets.as_of_line)
    out.count(node, "bl:plannedVehicleCount", assets.planned_vehicles)
    out.add(node, "bl:plannedVehicleFunds", out.stated("other", "planned-vehicle-funds", assets.planned_vehicle_funds))
    for item in assets.items:
        slug = fact_map().assets.get(item.category) or f"c-{content_hash(item.category, 8)}"
        asset = out.node("asset", slug, "bl:AssetItem")
        out.add(node, "bl:assetItem", asset)
        out.text(asset, "bl:assetCategory", item.category)
        out.count(asset, "bl:itemCount", item.count)
        out.number(asset, "bl:floorArea", item.area_m2)
        if item.value is not None:
            out.amount(asset, item.value)
        out.count(asset, "bl:sourceLine", item.line)
    for equipment in assets.equipment:
        digits = "".join(re.findall(r"\d+", equipment.threshold)) or f"c-{content_hash(equipment.threshold, 8)}"
        item_node = out.node("equipment", f"{'planned' if equipment.planned else 'held'}-{digits}", "bl:EquipmentCount")
        out.add(node, "bl:equipment", item_node)
        out.text(item_node, "bl:thresholdText", equipment.threshold)
        out.count(item_node, "bl:itemCount", equipment.count)
        out.add(item_node, "bl:planned", boolean(equipment.planned))
        out.count(item_node, "bl:sourceLine", equipment.line)


def _performance(out: _Graph, performance: Performance) -> None:
    node = out.node("other", "performance", "bl:PerformanceSummary")
    out.add(out.d, "bl:performance", node)
    out.count(node, "bl:sourceLine", performance.line)
    for count, prop, amount, amount_prop, slug in (
        (
            performance.overall_targets,
            "bl:overallTargetCount",
            performance.overall_amount,
            "bl:overallTargetAmount",
            "overall",
        ),
        (
            performance.fiscal_projects,
            "bl:fiscalProjectCount",
            performance.fiscal_projects_amount,
            "bl:fiscalProjectAmount",
            "fiscal-projects",
        ),
        (
            performance.nonfiscal_projects,
            "bl:nonfiscalProjectCount",
            performance.nonfiscal_projects_amount,
            "bl:nonfiscalProjectAmount",
            "nonfiscal-projects",
        ),
    ):
        out.count(node, prop, count)
        out.add(node, amount_prop, out.stated("performance", slug, amount))
    for table in performance.tables:
        target = out.node("performance-target", str(table.line), "bl:PerformanceTargetTable")
        out.add(node, "bl:targetTable", target)
        out.text(target, "bl:printedTitle", table.title)
        out.count(target, "bl:sourceLine", table.line)
        for position, (label, text) in enumerate(table.fields.items(), start=1):
            if not any(word in label for word in fact_map().personal_fields):
                _field(out, target, "bl:descriptionField", f"{target.value}/field/{position}", label, text)
        for position, (path, value) in enumerate(table.funds.items(), start=1):
            funds = _field(out, target, "bl:targetFunds", f"{target.value}/funds/{position}", path, None)
            out.number(funds, "bl:statedAmount", value)
        for position, indicator in enumerate(table.indicators, start=1):
            item = NamedNode(f"{target.value}/indicator/{position}")
            out.add(item, "rdf:type", n("bl:PerformanceIndicator"))
            out.add(target, "bl:indicator", item)
            out.text(item, "bl:indicatorLevel1", indicator.level1)
            out.text(item, "bl:indicatorLevel2", indicator.level2)
            out.text(item, "bl:indicatorLevel3", indicator.level3)
            out.text(item, "bl:targetValue", indicator.target)
            out.text(item, "bl:targetBasis", indicator.basis)
            out.number(item, "bl:weight", indicator.weight)
            out.count(item, "bl:sourceLine", indicator.line)


def _glossary(out: _Graph, disclosure: Disclosure) -> None:
    if not disclosure.glossary:
        return
    scheme = NamedNode(f"{out.d.value}/glossary")
    out.add(scheme, "rdf:type", n("skos:ConceptScheme"))
    out.add(scheme, "skos:prefLabel", zh("名词解释"))
    out.add(out.d, "bl:glossary", scheme)
    for position, entry in enumerate(disclosure.glossary, start=1):
        concept = out.node("glossary", str(position), "skos:Concept")
        out.add(concept, "skos:inScheme", scheme)
        out.add(concept, "skos:topConceptOf", scheme)
        out.add(scheme, "skos:hasTopConcept", concept)
        out.text(concept, "skos:prefLabel", entry.term)
        out.text(concept, "skos:definition", entry.definition)
        out.count(concept, "bl:sourceLine", entry.line)
