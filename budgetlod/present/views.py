"""What the HTML pages show: view models built from the store for the templates (``templates/``).

One page kind per resource type: a disclosure (header, tables rebuilt, statements, validation findings),
a table (rebuilt), a budget unit (its disclosures), a code list (its codes), the ontology (its terms);
every other resource gets the generic page (its properties with labels). Every page also lists the
resource's own triples, labelled, with links to the related resources.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolution, Triple

from budgetlod.prefixes import ONTOLOGY, iri
from budgetlod.present import rebuild
from budgetlod.present.describe import (
    CONCEPTS_QUERY,
    DISCLOSURES_QUERY,
    FINDINGS_QUERY,
    MAX_LIST,
    RDF_TYPE,
    SCHEMES_QUERY,
    STATEMENTS_QUERY,
    UNITS_QUERY,
    Labels,
    Site,
    curie,
    describe,
    first,
    iter_terms,
    literal_text,
    local_name,
    objects,
    pick,
    select,
    types_of,
    value,
    year_of,
)
from budgetlod.present.execution import budget_against_actual
from budgetlod.store.base import QuadReader

SEVERITIES = {
    iri("sh:Violation"): ("violation", {"zh": "违规", "en": "Violation"}),
    iri("sh:Warning"): ("warning", {"zh": "警告", "en": "Warning"}),
    iri("sh:Info"): ("info", {"zh": "提示", "en": "Info"}),
}
SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2, "": 3}
CLASS_TYPES = {iri("owl:Class"), iri("rdfs:Class")}


@dataclass(frozen=True)
class TermView:
    text: str
    href: str | None = None  # a link (a page here, or the IRI elsewhere); None for a literal
    iri: str | None = None
    note: str = ""  # the CURIE of an IRI, the language or datatype of a literal
    local: bool = False  # the link is a page of this server


@dataclass
class PropertyView:
    predicate: TermView
    values: list[TermView] = field(default_factory=list)


@dataclass
class Page:
    """The view of one resource for ``templates/resource.html``."""

    kind: str  # disclosure | table | unit | scheme | ontology | resource
    iri: str
    title: str
    types: list[TermView]
    properties: list[PropertyView]
    extra: dict[str, Any] = field(default_factory=dict)


def _figure(triples: list[Triple], predicate: str) -> str:
    found = [o for o in objects(triples, predicate) if isinstance(o, Literal)]
    return literal_text(found[0]) if found else ""


class Views:
    def __init__(self, store: QuadReader, site: Site, lang: str, query: str = "") -> None:
        self.store = store
        self.site = site
        self.lang = lang
        self.query = query  # "?lang=en" kept on the links when the page was asked with it
        self.labels = Labels(store, lang)

    # --- links and terms ----------------------------------------------------------------------------

    def href(self, resource: str) -> str:
        local = self.site.path_of(resource)
        if local is None:
            return resource
        path, hash_, fragment = local.partition("#")
        return f"{path}{self.query}{hash_}{fragment}"

    def term(self, node: NamedNode | Literal | Any) -> TermView:
        if isinstance(node, NamedNode):
            text = self.labels.text(node.value)
            note = curie(node.value)
            note = "" if note in (text, node.value) else note
            return TermView(text, self.href(node.value), node.value, note, self._local(node))
        if isinstance(node, Literal):
            if node.language:
                return TermView(node.value, note=f"@{node.language}")
            datatype = curie(node.datatype.value)
            return TermView(literal_text(node), note="" if datatype == "xsd:string" else datatype)
        return TermView(str(node))

    def _local(self, node: NamedNode) -> bool:
        return self.site.path_of(node.value) is not None

    def properties(self, triples: list[Triple]) -> list[PropertyView]:
        grouped: dict[str, PropertyView] = {}
        for t in triples:
            view = grouped.get(t.predicate.value)
            if view is None:
                view = grouped[t.predicate.value] = PropertyView(self.term(t.predicate))
            view.values.append(self.term(t.object))
        for view in grouped.values():
            view.values.sort(key=lambda v: (v.text, v.iri or ""))
        return sorted(grouped.values(), key=lambda v: (v.predicate.iri != RDF_TYPE, v.predicate.text.lower()))

    def _title(self, resource: str, triples: list[Triple], types: set[str]) -> str:
        """Its label, else its printed name or title, else its type and the last part of its IRI."""
        found = self.labels.get(resource)
        for prop in ("bl:printedName", "bl:printedTitle", "bl:staffCategory"):
            found = found or pick(objects(triples, prop), self.lang)
        if found:
            return found
        named = sorted(self.labels.text(t) for t in types if self.labels.get(t))
        return f"{named[0]} {local_name(resource)}" if named else curie(resource)

    # --- pages --------------------------------------------------------------------------------------

    def _rows(self, query: str, *labelled: str, **bindings: NamedNode) -> list[QuerySolution]:
        """A page query's rows, the labels of the IRIs in the ``labelled`` columns looked up together."""
        rows = select(self.store, query, MAX_LIST, **bindings)
        self.labels.prefetch(t.value for s in rows for name in labelled if isinstance(t := s[name], NamedNode))
        return rows

    def page(self, resource: str, triples: list[Triple]) -> Page:
        types = types_of(triples)
        self.labels.prefetch([resource, *iter_terms(triples)])
        page = Page(
            "resource",
            resource,
            self._title(resource, triples, types),
            [self.term(NamedNode(t)) for t in sorted(types)],
            self.properties(triples),
        )
        if iri("bl:Disclosure") in types:
            self._disclosure(page, triples)
        elif iri("qb:DataSet") in types:
            self._table(page)
        elif iri("bl:BudgetUnit") in types:
            self._unit(page)
        elif iri("skos:ConceptScheme") in types:
            self._scheme(page)
        elif iri("qb:Observation") in types:
            self._observation(page, triples)
        return page

    def _disclosure(self, page: Page, triples: list[Triple]) -> None:
        page.kind = "disclosure"
        d = NamedNode(page.iri)
        unit = first(triples, "bl:budgetUnit")
        source = first(triples, "prov:wasDerivedFrom")
        source_triples = describe(self.store, source) if source else []
        kind = first(triples, "bl:documentKind")
        page.extra = {
            "unit": self.term(NamedNode(unit)) if unit else None,
            "year": year_of(first(triples, "dct:temporal")),
            "kind": self.term(NamedNode(kind)) if kind else None,
            "issued": first(triples, "dct:issued") or "",
            "printed_title": pick(objects(triples, "bl:printedTitle"), self.lang) or "",
            "source": self.term(NamedNode(source)) if source else None,
            "file_name": first(source_triples, "bl:fileName") or "",
            "sha256": first(source_triples, "bl:sha256") or "",
            "tables": rebuild.tables_of(self.store, page.iri, self.href, self.lang),
            "statements": [
                {
                    "href": self.href(value(s, "statement") or ""),
                    "text": value(s, "text") or "",
                    "line": value(s, "line") or "",
                    "section": value(s, "section") or "",
                    "subject": self.term(s["subject"]) if s["subject"] is not None else None,
                }
                for s in self._rows(STATEMENTS_QUERY, "subject", disclosure=d)
            ],
            "findings": self._findings(d),
        }

    def _findings(self, disclosure: NamedNode) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for s in self._rows(FINDINGS_QUERY, "focus", disclosure=disclosure):
            key = value(s, "annotation") or ""
            entry = found.setdefault(key, {"href": self.href(key), "messages": [], "line": "", "focus": None})
            severity = value(s, "severity") or ""
            code, names = SEVERITIES.get(severity, ("", {}))
            entry["severity"] = code
            entry["severity_label"] = names.get(self.lang, local_name(severity))
            entry["line"] = value(s, "line") or entry["line"]
            entry["shape"] = local_name(value(s, "shape") or "")
            if s["focus"] is not None:
                entry["focus"] = self.term(s["focus"])
            if s["message"] is not None and s["message"] not in entry["messages"]:
                entry["messages"].append(s["message"])
        for entry in found.values():
            entry["message"] = pick(entry.pop("messages"), self.lang) or ""
        return sorted(
            found.values(),
            key=lambda e: (SEVERITY_ORDER.get(e["severity"], 3), int(e["line"] or 0), e["message"]),
        )

    def _table(self, page: Page) -> None:
        page.kind = "table"
        page.extra = {"table": rebuild.table(self.store, page.iri, self.href, self.lang)}

    def _observation(self, page: Page, triples: list[Triple]) -> None:
        where = pick(objects(triples, "bl:sourceTable"), "zh") or ""
        name = pick(objects(triples, "bl:printedName"), "zh") or ""
        column = pick(objects(triples, "bl:sourceColumn"), "zh") or ""
        page.title = " · ".join(part for part in (where, name, column) if part) or page.title
        dataset = first(triples, "qb:dataSet")
        table_triples = describe(self.store, dataset) if dataset else []
        dataset_view = self.term(NamedNode(dataset)) if dataset else None
        table_type = first(table_triples, "bl:tableType")
        if dataset_view is not None and table_type and self.lang != "zh":  # the table's own title is Chinese only
            dataset_view = replace(dataset_view, text=self.labels.text(table_type))
        page.extra = {
            "dataset": dataset_view,
            "amount": _figure(triples, "obeu-measure:amount"),
            "yuan": _figure(triples, "bl:amountInYuan"),
            "unit": pick(objects(table_triples, "bl:printedUnit"), "zh") or "",
            "where": {
                "table": pick(objects(triples, "bl:sourceTable"), "zh") or "",
                "row": first(triples, "bl:sourceRow") or "",
                "column": pick(objects(triples, "bl:sourceColumn"), "zh") or "",
                "line": first(triples, "bl:sourceLine") or "",
            },
        }

    def _unit(self, page: Page) -> None:
        page.kind = "unit"
        rows = self._rows(DISCLOSURES_QUERY, "disclosure", "kind", unit=NamedNode(page.iri))
        seen: dict[str, dict[str, Any]] = {}
        for s in rows:
            key = value(s, "disclosure") or ""
            seen.setdefault(
                key,
                {
                    "term": self.term(s["disclosure"]),
                    "year": year_of(value(s, "year")),
                    "kind": self.term(s["kind"]) if s["kind"] is not None else None,
                    "issued": value(s, "issued") or "",
                },
            )
        page.extra = {
            "disclosures": sorted(seen.values(), key=lambda d: (d["year"], d["term"].iri), reverse=True),
            # the budget and final accounts of each year side by side (queries execution-by-unit, execution-sangong)
            "execution": [
                {"pair": pair, "budget": self.term(NamedNode(pair.budget)), "final": self.term(NamedNode(pair.final))}
                for pair in budget_against_actual(self.store, page.iri, self.lang, self.labels.get)
            ],
        }

    def _scheme(self, page: Page) -> None:
        page.kind = "scheme"
        concepts: dict[str, dict[str, Any]] = {}
        for s in self._rows(CONCEPTS_QUERY, "concept", scheme=NamedNode(page.iri)):
            key = value(s, "concept") or ""
            concepts.setdefault(key, {"term": self.term(s["concept"]), "notation": value(s, "notation") or ""})
        page.extra = {"concepts": list(concepts.values())}

    # --- listings and the ontology ------------------------------------------------------------------

    def units(self) -> list[dict[str, Any]]:
        return [
            {"term": self.term(s["unit"]), "count": value(s, "count") or "0"} for s in self._rows(UNITS_QUERY, "unit")
        ]

    def schemes(self) -> list[TermView]:
        return [self.term(s["scheme"]) for s in self._rows(SCHEMES_QUERY, "scheme")]

    def ontology(self, triples: list[Triple]) -> dict[str, Any]:
        """The terms of ``bl:`` (classes, properties, others) and the DSDs, from the ontology graph."""
        by_subject: dict[str, list[Triple]] = {}
        for t in triples:
            if isinstance(t.subject, NamedNode):
                by_subject.setdefault(t.subject.value, []).append(t)
        self.labels.prefetch([*by_subject, *iter_terms(triples)])
        head = by_subject.get(ONTOLOGY, [])
        groups: dict[str, list[dict[str, Any]]] = {"classes": [], "properties": [], "others": []}
        dsds: list[TermView] = []
        for subject in sorted(by_subject):
            own = by_subject[subject]
            types = types_of(own)
            if subject.startswith(ONTOLOGY + "/dsd/") and iri("qb:DataStructureDefinition") in types:
                dsds.append(self.term(NamedNode(subject)))
            if not subject.startswith(ONTOLOGY + "#"):
                continue
            group = "classes" if types & CLASS_TYPES else "others"
            if group == "others" and any("Property" in t for t in types):
                group = "properties"
            labels = self.labels.all(subject)
            groups[group].append(
                {
                    "id": local_name(subject),
                    "iri": subject,
                    "curie": curie(subject),
                    "label": self.labels.text(subject),
                    "other_label": labels.get("en" if self.lang == "zh" else "zh", ""),
                    "definition": pick(objects(own, "skos:definition"), self.lang) or "",
                    "types": [self.term(NamedNode(t)) for t in sorted(types)],
                    "related": [
                        (self.term(NamedNode(iri(p))), [self.term(o) for o in objects(own, p)])
                        for p in ("rdfs:subClassOf", "rdfs:subPropertyOf", "rdfs:domain", "rdfs:range", "qb:codeList")
                        if objects(own, p)
                    ],
                }
            )
        return {
            "title": pick(objects(head, "dct:title"), self.lang) or curie(ONTOLOGY),
            "description": pick(objects(head, "dct:description"), self.lang) or "",
            "version": first(head, "owl:versionInfo") or "",
            "license": self.term(objects(head, "dct:license")[0]) if objects(head, "dct:license") else None,
            "groups": groups,
            "dsds": dsds,
        }
