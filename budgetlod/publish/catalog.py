"""The DCAT-AP 3.0.1 catalogue: one ``dcat:Dataset`` per disclosure, a ``dcat:DataService`` for the
SPARQL endpoint, and Hydra paging when the catalogue is split over several documents.

Open-data portals harvest DCAT; they do not run SPARQL. The catalogue is built from what the store
says about each disclosure (:func:`dataset_infos`, one query) and from what the caller knows about the
files it serves (:class:`DistributionFile`: URLs, sizes, checksums) — so the server (``/catalog``) and
the static site (``budgetlod publish``) give the same catalogue for the same store.

* The dataset IRI *is* the disclosure IRI (the IRI researchers cite); its distributions are
  ``{disclosure}#distribution-{fmt}``, their checksums ``{disclosure}#checksum-{fmt}``, the SPARQL access
  service of its RDF distributions ``{disclosure}#sparql-service`` (one a dataset, so that what a harvester
  stores per distribution does not grow with the catalogue): derived from content, no blank nodes, so two
  runs give the same triples.
* What harvesters read (ckanext-dcat, tests/test_ckan_harvest.py): a licence IRI CKAN's register maps (the
  default of setting ``data_licence``), each IANA media type with its ``rdfs:label`` (``text/csv``: CKAN's
  format ``CSV``); the documents themselves are written by :mod:`budgetlod.publish.catalog_files`.
* Every controlled term used is described in the catalogue itself (:mod:`budgetlod.publish.authorities`).
* :class:`DatasetInfo` and :func:`dataset_infos` live in :mod:`budgetlod.publish.disclosures` (re-exported here).
* ``docs/dcat-ap.md`` lists the properties, the settings, and the recommended-level warnings that remain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from budgetlod.prefixes import ONTOLOGY, PREFIXES, iri
from budgetlod.publish import authorities as auth
from budgetlod.publish.authorities import FORMATS, Term
from budgetlod.publish.disclosures import DatasetInfo, dataset_infos, kind_labels
from budgetlod.settings import setting

CATALOG = "https://w3id.org/budgetlod/catalog"
SERVICE = f"{CATALOG}#sparql-service"
CONTACT = f"{CATALOG}#contact"
YEAR = PREFIXES["year"]


@dataclass(frozen=True)
class DistributionFile:
    """One file serving a disclosure, as the caller (server or static site) publishes it."""

    fmt: str  # a key of authorities.FORMATS: "jsonld" | "ttl" | "nq" | "csv" (also "nt", "trig", "rdfxml")
    url: str  # download URL
    media_type: str  # application/ld+json, text/turtle, application/n-quads
    byte_size: int | None = None
    sha256: str | None = None  # 64 hex digits


@dataclass(frozen=True)
class CataloguePage:
    """Page ``number`` (1-based) of a catalogue split into ``len(urls)`` documents, ``urls[k-1]`` being the
    URL of page k. Datasets are split evenly in IRI order (:meth:`items`), so any page can be built alone."""

    number: int
    urls: Sequence[str]  # kept as a tuple

    def __post_init__(self) -> None:
        object.__setattr__(self, "urls", tuple(self.urls))
        if not 1 <= self.number <= len(self.urls):
            raise ValueError(f"page {self.number} of {len(self.urls)}")

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    def items(self, infos: Sequence[DatasetInfo]) -> Sequence[DatasetInfo]:
        """This page's share of the datasets: ``infos[n·(k-1)/count : n·k/count]``."""
        total = len(infos)
        return infos[total * (self.number - 1) // self.count : total * self.number // self.count]


@dataclass(frozen=True)
class CatalogueSettings:
    """The deployment's choices (settings ``data_licence``, ``catalog_publisher*``, ``catalog_contact``)."""

    licence: str
    publisher: str
    publisher_name: str
    publisher_type: str = ""
    contact: str = ""  # mailto:… or a web page; empty: the home page

    @classmethod
    def from_settings(cls) -> CatalogueSettings:
        return cls(
            licence=str(setting("data_licence")),
            publisher=str(setting("catalog_publisher")),
            publisher_name=str(setting("catalog_publisher_name")),
            publisher_type=str(setting("catalog_publisher_type")),
            contact=str(setting("catalog_contact")),
        )


# --- building the catalogue -------------------------------------------------------------------------


@dataclass
class _Graph:
    """An ordered set of triples, added with CURIEs of the prefix map."""

    triples: dict[Triple, None] = field(default_factory=dict)
    described: set[str] = field(default_factory=set)

    def add(self, subject: str, predicate: str, obj: NamedNode | Literal) -> None:
        self.triples[Triple(NamedNode(subject), NamedNode(iri(predicate)), obj)] = None

    def link(self, subject: str, predicate: str, *objects: str) -> None:
        for obj in objects:
            self.add(subject, predicate, NamedNode(obj))

    def a(self, subject: str, *classes: str) -> None:
        self.link(subject, "rdf:type", *(iri(c) for c in classes))

    def text(self, subject: str, predicate: str, value: str, language: str | None = None) -> None:
        self.add(subject, predicate, Literal(value, language=language) if language else Literal(value))

    def typed(self, subject: str, predicate: str, value: str, datatype: str) -> None:
        self.add(subject, predicate, Literal(value, datatype=NamedNode(iri(datatype))))

    def term(self, term: Term) -> None:
        """A controlled term, described once per document."""
        if term.iri in self.described:
            return
        self.described.add(term.iri)
        self.a(term.iri, *term.types)
        if term.scheme:
            self.link(term.iri, "skos:inScheme", term.scheme)
        if term.label_en:
            label = "dct:title" if "skos:ConceptScheme" in term.types else "skos:prefLabel"
            self.text(term.iri, label, term.label_en, "en")


CATALOG_TITLE = {
    "zh": "budgetlod 中国预算公开关联开放数据目录",
    "en": "budgetlod catalogue of Chinese public budget disclosures",
}
CATALOG_DESCRIPTION = {
    "zh": "中国各级预算单位依财政部统一格式发布的单位/部门预算、决算公开文件，转换为关联开放数据"
    "（W3C RDF 数据立方体与 OpenBudgets.eu）：每份公开文件一个数据集，含十一张标准公开表的每个数字及其出处，"
    "可下载，也可通过 SPARQL 端点查询。",
    "en": "Chinese public budget and final-accounts disclosures (单位/部门预算、决算公开, the Ministry of Finance's "
    "fixed template) as linked open data on the W3C RDF Data Cube and OpenBudgets.eu: one dataset per disclosure, "
    "every figure of its standard tables with its source location, for download and through a SPARQL endpoint.",
}
SERVICE_TITLE = {"zh": "budgetlod SPARQL 查询端点", "en": "budgetlod SPARQL endpoint"}
SERVICE_DESCRIPTION = {
    "zh": "SPARQL 1.1 查询服务：全部公开文件（每份一个命名图）、本体和编码表；在端点地址上不带查询的请求返回服务描述。",
    "en": "SPARQL 1.1 query service over every disclosure (one named graph each), the ontology and the code lists; "
    "the endpoint URL answers a request without a query with its service description.",
}
ONTOLOGY_TITLE = {
    "zh": "budgetlod 预算公开关联数据本体",
    "en": "budgetlod ontology for Chinese public budget disclosures",
}
DISTRIBUTION_DESCRIPTION = {
    "jsonld": (
        "本公开文件的 JSON-LD 文档（公开文件 → 公开表 → 行 → 维度，带标签）。",
        "The disclosure as a JSON-LD document (disclosure → tables → rows → dimensions, with labels).",
    ),
    "ttl": ("本公开文件命名图的 Turtle 文档。", "The disclosure's named graph in Turtle."),
    "nq": (
        "本公开文件命名图的 N-Quads 文档（图名即公开文件 IRI）。",
        "The disclosure's named graph as N-Quads (the graph name is the disclosure IRI).",
    ),
    "csv": (
        "本公开文件各公开表的全部数字，一行一个（表、行、列、金额，金额为原文精确值），UTF-8 CSV。",
        "Every figure of the disclosure's tables, one a row (table, row, column, exact amount), as UTF-8 CSV.",
    ),
}
DATASET_SERVICE_DESCRIPTION = {
    "zh": "SPARQL 1.1 查询服务：本公开文件是其中的一个命名图（图名即公开文件 IRI），"
    "与其他公开文件、本体和编码表一起查询。",
    "en": "SPARQL 1.1 query service holding this disclosure as a named graph (the graph name is the disclosure IRI), "
    "queried together with every other disclosure, the ontology and the code lists.",
}
KEYWORDS = {
    "zh": ("预算公开", "财政预算", "关联开放数据"),
    "en": ("budget disclosure", "public budget", "China", "linked open data"),
}


def catalogue_triples(
    infos: Sequence[DatasetInfo],
    *,
    base_url: str,
    landing_page: Callable[[str], str],
    distributions: Callable[[DatasetInfo], list[DistributionFile]],
    sparql_endpoint: str | None,
    page: CataloguePage | None = None,
    config: CatalogueSettings | None = None,
) -> list[Triple]:
    """The catalogue (``page`` given: one page of it) as triples.

    ``infos`` are *all* the datasets (the catalogue's dates and ``hydra:totalItems`` are taken over all, so
    every page states the same); a page describes only its share (:meth:`CataloguePage.items`).
    ``base_url`` is the site's home page; ``landing_page(iri)`` the HTML page of a disclosure;
    ``distributions(info)`` the files serving it; ``sparql_endpoint`` None leaves out the data service."""
    config = config or CatalogueSettings.from_settings()
    graph = _Graph()
    shown = page.items(infos) if page is not None else infos
    contact = _contact(graph, config, base_url)
    _catalog(graph, infos, shown, config, base_url)
    if page is not None:
        _paging(graph, page, len(infos))
    if sparql_endpoint is not None:
        _service(graph, SERVICE, SERVICE_TITLE, SERVICE_DESCRIPTION, shown, config, sparql_endpoint, contact)
        graph.link(CATALOG, "dcat:service", SERVICE)
    for info in shown:
        _dataset(graph, info, config, landing_page(info.iri), distributions(info), contact, sparql_endpoint)
    return list(graph.triples)


def _agent(graph: _Graph, agent: str, name: str, language: str | None, agent_type: str = "") -> None:
    graph.a(agent, "foaf:Agent", "org:Organization")
    graph.text(agent, "foaf:name", name, language)
    if agent_type:
        graph.link(agent, "dct:type", agent_type)
        for term in auth.publisher_type(agent_type):
            graph.term(term)


def _contact(graph: _Graph, config: CatalogueSettings, base_url: str) -> str:
    graph.a(CONTACT, "vcard:Kind", "vcard:Organization")
    graph.text(CONTACT, "vcard:fn", config.publisher_name)
    where = config.contact or base_url
    graph.link(CONTACT, "vcard:hasEmail" if where.startswith("mailto:") else "vcard:hasURL", where)
    return CONTACT


def _licence(graph: _Graph, subject: str, config: CatalogueSettings) -> None:
    graph.link(subject, "dct:license", config.licence)
    for term in auth.licence_terms(config.licence):
        graph.term(term)
    graph.link(config.licence, "dct:type", *auth.licence_types(config.licence))
    title = auth.LICENCE_TITLES.get(config.licence)
    if title:
        graph.text(config.licence, "dct:title", title, "en")


def _themes(graph: _Graph, subject: str) -> None:
    for term in auth.THEMES:
        graph.term(term)
        graph.link(subject, "dcat:theme", term.iri)


def _catalog(
    graph: _Graph,
    infos: Sequence[DatasetInfo],
    shown: Iterable[DatasetInfo],
    config: CatalogueSettings,
    base_url: str,
) -> None:
    graph.a(CATALOG, "dcat:Catalog")
    for language in ("zh", "en"):
        graph.text(CATALOG, "dct:title", CATALOG_TITLE[language], language)
        graph.text(CATALOG, "dct:description", CATALOG_DESCRIPTION[language], language)
    graph.link(CATALOG, "dct:publisher", config.publisher)
    _agent(graph, config.publisher, config.publisher_name, None, config.publisher_type)
    _licence(graph, CATALOG, config)
    for term in auth.LANGUAGES:
        graph.term(term)
        graph.link(CATALOG, "dct:language", term.iri)
    graph.term(auth.THEME_SCHEME)
    graph.link(CATALOG, "dcat:themeTaxonomy", auth.DATA_THEME_SCHEME)
    graph.link(CATALOG, "foaf:homepage", base_url)
    graph.a(base_url, "foaf:Document")
    issued = [i.issued for i in infos if i.issued is not None]
    changed = [d for i in infos for d in (i.modified or i.issued,) if d is not None]
    if issued:
        graph.typed(CATALOG, "dct:issued", min(issued).isoformat(), "xsd:date")
    if changed:
        graph.typed(CATALOG, "dct:modified", max(changed).isoformat(), "xsd:date")
    for info in shown:
        graph.link(CATALOG, "dcat:dataset", info.iri)


def _paging(graph: _Graph, page: CataloguePage, total: int) -> None:
    """Hydra: the catalogue is a collection; this document is one partial view of it."""
    graph.a(CATALOG, "hydra:Collection")
    graph.typed(CATALOG, "hydra:totalItems", str(total), "xsd:nonNegativeInteger")
    graph.link(CATALOG, "hydra:view", page.url)
    graph.a(page.url, "hydra:PartialCollectionView")
    graph.link(page.url, "hydra:first", page.urls[0])
    graph.link(page.url, "hydra:last", page.urls[-1])
    if page.number > 1:
        graph.link(page.url, "hydra:previous", page.urls[page.number - 2])
    if page.number < page.count:
        graph.link(page.url, "hydra:next", page.urls[page.number])


def _standard(graph: _Graph, standard: str, titles: dict[str, str]) -> None:
    graph.a(standard, "dct:Standard")
    for language, title in titles.items():
        graph.text(standard, "dct:title", title, language)


def _service(
    graph: _Graph,
    service: str,
    titles: dict[str, str],
    descriptions: dict[str, str],
    served: Iterable[DatasetInfo],
    config: CatalogueSettings,
    endpoint: str,
    contact: str,
) -> None:
    """A ``dcat:DataService`` at the SPARQL endpoint: the catalogue's (serving the datasets of the page) or one
    dataset's (the access service of its RDF distributions)."""
    graph.a(service, "dcat:DataService")
    for language in ("zh", "en"):
        graph.text(service, "dct:title", titles[language], language)
        graph.text(service, "dct:description", descriptions[language], language)
    graph.link(service, "dcat:endpointURL", endpoint)
    graph.link(service, "dcat:endpointDescription", endpoint)  # SPARQL 1.1 Service Description, at the endpoint
    graph.link(service, "dcat:landingPage", endpoint)  # the query page, for browsers
    graph.a(endpoint, "foaf:Document")
    graph.link(service, "dct:conformsTo", auth.SPARQL_PROTOCOL)
    _standard(graph, auth.SPARQL_PROTOCOL, {"en": "SPARQL 1.1 Protocol"})
    graph.link(service, "dct:publisher", config.publisher)
    graph.link(service, "dcat:contactPoint", contact)
    _licence(graph, service, config)
    graph.term(auth.ACCESS_PUBLIC)
    graph.link(service, "dct:accessRights", auth.PUBLIC)
    _themes(graph, service)
    for language, words in KEYWORDS.items():
        for word in (*words, "SPARQL"):
            graph.text(service, "dcat:keyword", word, language)
    for info in served:
        graph.link(service, "dcat:servesDataset", info.iri)


def dataset_titles(info: DatasetInfo) -> dict[str, str]:
    """zh: the disclosure's own title; en: ``Unit budget disclosure 2024: {unit name}``."""
    return {"zh": info.title_zh, "en": f"{kind_labels(info.kind)[1]} disclosure {info.year}: {info.unit_name}"}


def dataset_descriptions(info: DatasetInfo) -> dict[str, str]:
    kind_zh, kind_en = kind_labels(info.kind)
    return {
        "zh": f"{info.unit_name}{info.year}年{kind_zh}公开文件的关联开放数据：单位概况、标准公开表的每个数字"
        f"（RDF 数据立方体观测值，注明所在表、行、列和源文件行号）、情况说明及名词解释。",
        "en": f"Linked open data of the {kind_en.lower()} disclosure of {info.unit_name} for fiscal year {info.year}: "
        "the unit profile, every figure of the standard tables (RDF Data Cube observations, each with its table, "
        "row, column and source line), the narratives and the glossary. The text of the data is in Chinese.",
    }


def _dataset(
    graph: _Graph,
    info: DatasetInfo,
    config: CatalogueSettings,
    landing: str,
    files: Sequence[DistributionFile],
    contact: str,
    endpoint: str | None,
) -> None:
    d = info.iri
    graph.a(d, "dcat:Dataset")
    graph.text(d, "dct:identifier", d)
    for language, title in dataset_titles(info).items():
        graph.text(d, "dct:title", title, language)
    for language, text in dataset_descriptions(info).items():
        graph.text(d, "dct:description", text, language)
    graph.link(d, "dct:publisher", info.unit_iri)
    _agent(graph, info.unit_iri, info.unit_name, "zh")
    _fiscal_year(graph, d, info.year)
    if info.issued is not None:
        graph.typed(d, "dct:issued", info.issued.isoformat(), "xsd:date")
    if info.modified is not None:
        graph.typed(d, "dct:modified", info.modified.isoformat(), "xsd:date")
    kind_zh, kind_en = kind_labels(info.kind)
    for word in (*KEYWORDS["zh"], kind_zh, f"{info.year}年", info.unit_name):
        graph.text(d, "dcat:keyword", word, "zh")
    for word in (*KEYWORDS["en"], kind_en.lower(), str(info.year)):
        graph.text(d, "dcat:keyword", word, "en")
    _themes(graph, d)
    _licence(graph, d, config)
    graph.term(auth.ACCESS_PUBLIC)
    graph.link(d, "dct:accessRights", auth.PUBLIC)
    graph.term(auth.LANGUAGES[0])
    graph.link(d, "dct:language", auth.ZHO)
    graph.link(d, "dct:conformsTo", ONTOLOGY)
    _standard(graph, ONTOLOGY, ONTOLOGY_TITLE)
    graph.link(d, "dcat:landingPage", landing)
    graph.a(landing, "foaf:Document")
    graph.link(d, "dcat:contactPoint", contact)
    service = None
    if endpoint is not None:
        service = f"{d}#sparql-service"
        titles = dataset_titles(info)
        service_titles = {"zh": f"{titles['zh']}：SPARQL 查询端点", "en": f"SPARQL endpoint: {titles['en']}"}
        _service(graph, service, service_titles, DATASET_SERVICE_DESCRIPTION, [info], config, endpoint, contact)
    for file in files:
        _distribution(graph, info, file, landing, config, service)


def _fiscal_year(graph: _Graph, dataset: str, year: int) -> None:
    """The fiscal year (a calendar year in China) as a ``dct:PeriodOfTime``: the reference.data.gov.uk year IRI
    the data uses, with its start and end dates."""
    period = f"{YEAR}{year}"
    graph.link(dataset, "dct:temporal", period)
    graph.a(period, "dct:PeriodOfTime")
    graph.typed(period, "dcat:startDate", f"{year:04d}-01-01", "xsd:date")
    graph.typed(period, "dcat:endDate", f"{year:04d}-12-31", "xsd:date")


def _distribution(
    graph: _Graph,
    info: DatasetInfo,
    file: DistributionFile,
    landing: str,
    config: CatalogueSettings,
    service: str | None,
) -> None:
    fmt = FORMATS.get(file.fmt)
    if fmt is None:
        raise ValueError(f"{file.url}: unknown distribution format {file.fmt!r} (known: {', '.join(FORMATS)})")
    node = f"{info.iri}#distribution-{file.fmt}"
    graph.link(info.iri, "dcat:distribution", node)
    graph.a(node, "dcat:Distribution")
    graph.text(node, "dct:title", f"{info.title_zh}（{fmt.label}）", "zh")
    graph.text(node, "dct:title", f"{dataset_titles(info)['en']} ({fmt.label})", "en")
    default = (f"本公开文件的 {fmt.label} 文档。", f"The disclosure in {fmt.label}.")
    zh, en = DISTRIBUTION_DESCRIPTION.get(file.fmt, default)
    graph.text(node, "dct:description", zh, "zh")
    graph.text(node, "dct:description", en, "en")
    graph.link(node, "dcat:accessURL", landing)
    graph.link(node, "dcat:downloadURL", file.url)
    media = auth.IANA_MEDIA_TYPES + file.media_type
    graph.link(node, "dcat:mediaType", media)
    graph.a(media, "dct:MediaType")
    graph.text(media, "rdfs:label", file.media_type)  # ckanext-dcat takes it as the resource's mimetype
    if service is not None and file.fmt != "csv":  # the endpoint serves the RDF, not the CSV
        graph.link(node, "dcat:accessService", service)
    file_type = auth.format_terms(fmt)[0]
    graph.term(file_type)
    graph.link(node, "dct:format", file_type.iri)
    _licence(graph, node, config)
    graph.term(auth.AVAILABILITY_STABLE)
    graph.link(node, "dcatap:availability", auth.STABLE)
    if file.byte_size is not None:
        graph.typed(node, "dcat:byteSize", str(file.byte_size), "xsd:nonNegativeInteger")
    if file.sha256 is not None:
        digest = file.sha256.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"{file.url}: not a SHA-256 digest: {file.sha256!r}")
        checksum = f"{info.iri}#checksum-{file.fmt}"
        graph.link(node, "spdx:checksum", checksum)
        graph.a(checksum, "spdx:Checksum")
        graph.link(checksum, "spdx:algorithm", auth.SHA256)
        graph.term(auth.CHECKSUM_SHA256)
        graph.typed(checksum, "spdx:checksumValue", digest, "xsd:hexBinary")


__all__ = [
    "CATALOG",
    "CataloguePage",
    "CatalogueSettings",
    "DatasetInfo",
    "DistributionFile",
    "catalogue_triples",
    "dataset_descriptions",
    "dataset_infos",
    "dataset_titles",
    "kind_labels",
]
