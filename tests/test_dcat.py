"""The DCAT-AP catalogue (budgetlod.publish.catalog) of the sample and 50 generated disclosures.

* Against the official DCAT-AP 3.0.1 SHACL shapes (vendored in ``tests/conformance/dcat-ap-3.0.1/``): zero Violations
  from ``shapes.ttl`` with ``range.ttl``; the findings that remain from ``shapes_recommended.ttl`` and
  ``mdr-vocabularies.shape.ttl`` are exactly those listed, with reasons, in ``docs/dcat-ap.md``.
* The validation can fail: a dataset without a title gives the one Violation DCAT-AP defines for it.
* What a dataset says (titles, dates, publisher, temporal coverage, distributions with sizes and checksums)
  and how a paged catalogue splits (Hydra).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from dcat_shacl import NS, findings
from paths import SAMPLE
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from budgetlod.ingest.bulk import ingest
from budgetlod.publish.catalog import (
    CATALOG,
    CataloguePage,
    CatalogueSettings,
    DatasetInfo,
    DistributionFile,
    catalogue_triples,
    dataset_infos,
)
from budgetlod.store.embedded import count_triples, open_reader
from budgetlod.testing.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_IRI = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
SAMPLE_UNIT = "https://w3id.org/budgetlod/id/unit/c694353348dbd08a"
SAMPLE_SHA256 = "02faf838665ce2faa66c67825d26b6df7ef60b45cb6e4b4178efedf611fd3500"
GENERATED = 50
SITE = "https://budget.example.org/"
SPARQL = f"{SITE}sparql"
CONFIG = CatalogueSettings(
    licence="http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    publisher="https://w3id.org/budgetlod/catalog#publisher",
    publisher_name="budgetlod",
)


def u(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return NS[prefix] + local


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample and 50 generated disclosures (25 units × 2023, 2024), ingested once for this module."""
    folder = tmp_path_factory.mktemp("dcat")
    write_corpus(folder / "corpus", seed=31, count=GENERATED)
    summary = ingest([SAMPLE, folder / "corpus"], folder / "store")
    assert not summary.failed, [(o.path, o.error) for o in summary.failed]
    return folder / "store"


@pytest.fixture(scope="module")
def infos(store_path: Path) -> list[DatasetInfo]:
    return dataset_infos(open_reader(store_path))


def landing(resource: str) -> str:
    return SITE + resource.removeprefix("https://w3id.org/budgetlod/")


def files(info: DatasetInfo) -> list[DistributionFile]:
    """Three files; sizes and checksums given for JSON-LD and Turtle, not for N-Quads."""
    page = landing(info.iri)
    digest = hashlib.sha256(info.iri.encode()).hexdigest()
    return [
        DistributionFile("jsonld", page + ".jsonld", "application/ld+json", 2048, digest),
        DistributionFile("ttl", page + ".ttl", "text/turtle", 1024, digest[::-1]),
        DistributionFile("nq", page + ".nq", "application/n-quads"),
    ]


def build(infos: list[DatasetInfo], page: CataloguePage | None = None, **changes: object) -> list[Triple]:
    arguments: dict[str, object] = {
        "base_url": SITE,
        "landing_page": landing,
        "distributions": files,
        "sparql_endpoint": SPARQL,
        "page": page,
        "config": CONFIG,
        **changes,
    }
    return catalogue_triples(infos, **arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def catalogue(infos: list[DatasetInfo]) -> list[Triple]:
    return build(infos)


def objects(triples: Iterable[Triple], subject: str, curie: str) -> list[NamedNode | Literal]:
    return [
        t.object
        for t in triples
        if t.subject == NamedNode(subject)
        and t.predicate.value == u(curie)
        and isinstance(t.object, NamedNode | Literal)
    ]


def values(triples: Iterable[Triple], subject: str, curie: str) -> set[str]:
    return {o.value for o in objects(triples, subject, curie)}


# --- conformance ------------------------------------------------------------------------------------


@pytest.mark.slow  # pyshacl over the DCAT-AP shapes: ~20 s; CI runs it (--run-slow)
def test_catalogue_conforms_to_dcat_ap_3_0_1(catalogue: list[Triple], infos: list[DatasetInfo]) -> None:
    """shapes.ttl with range.ttl: not one Violation (nor any other result) on 51 datasets."""
    assert len(infos) == GENERATED + 1
    assert findings(catalogue, "shapes.ttl", "range.ttl") == []


# What remains from the recommended and controlled-vocabulary shapes; docs/dcat-ap.md gives each reason.
RECOMMENDED_REMAINING = {
    # the budget units and the catalogue's publisher (setting catalog_publisher_type empty) have no ADMS
    # publisher type: the disclosures do not say at which level of government a unit stands
    ("Warning", "foaf:Agent org:Organization", "dct:type", "MinCountConstraintComponent"),
    # spatial coverage is not known: the disclosures do not name the unit's administrative area
    ("Warning", "dcat:Dataset", "dct:spatial", "MinCountConstraintComponent"),
    ("Warning", "dcat:Catalog", "dct:spatial", "MinCountConstraintComponent"),
}
VOCABULARIES_REMAINING = {
    # publishers are Chinese budget units, not bodies of the EU corporate-body table
    ("Warning", "dcat:Dataset", "dct:publisher", "NodeConstraintComponent"),
    ("Warning", "dcat:Catalog", "dct:publisher", "NodeConstraintComponent"),
    ("Warning", "dcat:DataService", "dct:publisher", "NodeConstraintComponent"),
    # a defect of mdr-vocabularies.shape.ttl: it wants the algorithm IRI to start with https://spdx.org/rdf/terms,
    # while the SPDX namespace (and the DCAT-AP shapes' own spdx: prefix) is http://spdx.org/rdf/terms#
    ("Violation", "spdx:Checksum", "spdx:algorithm", "NodeConstraintComponent"),
}


def test_recommended_shapes_leave_only_the_documented_warnings(
    catalogue: list[Triple], infos: list[DatasetInfo]
) -> None:
    found = findings(catalogue, "shapes_recommended.ttl")
    assert {f for f, _ in found} == RECOMMENDED_REMAINING
    assert {focus for f, focus in found if f[2] == "dct:type"} == {CONFIG.publisher} | {i.unit_iri for i in infos}
    assert {focus for f, focus in found if f[1] == "dcat:Dataset"} == {i.iri for i in infos}


def test_a_publisher_type_when_configured_clears_the_catalogue_publisher_warning(infos: list[DatasetInfo]) -> None:
    config = CatalogueSettings(
        **{**CONFIG.__dict__, "publisher_type": "http://purl.org/adms/publishertype/LocalAuthority"}
    )
    triples = build(infos[:2], config=config)
    found = findings(triples, "shapes_recommended.ttl")
    assert CONFIG.publisher not in {focus for _, focus in found}
    assert findings(triples, "shapes.ttl", "range.ttl") == []
    # the type is an ADMS publisher type in its scheme: nothing is said against it, even among the details
    # of the (remaining) EU corporate-body warning on the publisher
    vocabulary = findings(triples, "mdr-vocabularies.shape.ttl", details=True)
    assert [f for f, focus in vocabulary if focus == CONFIG.publisher and f[2] != "skos:inScheme"] == []


def test_vocabulary_shapes_leave_only_the_documented_findings(
    catalogue: list[Triple], infos: list[DatasetInfo]
) -> None:
    found = findings(catalogue, "mdr-vocabularies.shape.ttl")
    assert {f for f, _ in found} == VOCABULARIES_REMAINING
    checksum_violations = [focus for f, focus in found if f[0] == "Violation"]
    assert len(checksum_violations) == 2 * len(infos)  # JSON-LD and Turtle carry checksums, N-Quads not


def test_a_dataset_without_title_violates_dcat_ap(catalogue: list[Triple]) -> None:
    """The validation can fail: remove the sample's titles and DCAT-AP's Dataset shape reports exactly that."""
    broken = [t for t in catalogue if not (t.subject == NamedNode(SAMPLE_IRI) and t.predicate.value == u("dct:title"))]
    assert findings(broken, "shapes.ttl", "range.ttl") == [
        (("Violation", "dcat:Dataset", "dct:title", "MinCountConstraintComponent"), SAMPLE_IRI)
    ]


def test_a_byte_size_of_the_wrong_type_and_an_untyped_licence_violate_dcat_ap(catalogue: list[Triple]) -> None:
    """Two more ways to fail: dcat:byteSize must be xsd:nonNegativeInteger (shapes.ttl); a licence must be a
    dct:LicenseDocument (range.ttl)."""
    jsonld = NamedNode(f"{SAMPLE_IRI}#distribution-jsonld")
    size = NamedNode(u("dcat:byteSize"))
    licence = NamedNode(CONFIG.licence)
    broken = [
        Triple(t.subject, t.predicate, Literal("2048", datatype=NamedNode(u("xsd:integer"))))
        if (t.subject, t.predicate) == (jsonld, size)
        else t
        for t in catalogue
        if not (t.subject == licence and t.predicate.value == u("rdf:type"))
    ]
    found = {f for f, _ in findings(broken, "shapes.ttl", "range.ttl")}
    assert ("Violation", "dcat:Distribution", "dcat:byteSize", "DatatypeConstraintComponent") in found
    assert ("Violation", "dcat:Catalog", "dct:license", "ClassConstraintComponent") in found
    assert {f[0] for f in found} == {"Violation"}


# --- content ----------------------------------------------------------------------------------------


def test_dataset_infos_read_each_disclosure_once(store_path: Path, infos: list[DatasetInfo]) -> None:
    store = open_reader(store_path)
    counts = count_triples(store)
    assert [i.iri for i in infos] == sorted(g for g in counts if "/disclosure/" in g)
    sample = next(i for i in infos if i.iri == SAMPLE_IRI)
    assert sample == DatasetInfo(
        iri=SAMPLE_IRI,
        title_zh="乌鲁木齐市12345政务服务热线中心2024年单位预算公开",
        unit_iri=SAMPLE_UNIT,
        unit_name="乌鲁木齐市12345政务服务热线中心",
        year=2024,
        kind="unit-budget",
        issued=date(2024, 3, 1),  # from the sidecar .meta.json
        modified=None,
        triples=None,
        source_sha256=SAMPLE_SHA256,
    )
    assert {i.year for i in infos} == {2023, 2024} and {i.kind for i in infos} == {"unit-budget"}
    assert all(i.issued is None for i in infos if i.iri != SAMPLE_IRI)  # generated documents state no date
    counted = {i.iri: i.triples for i in dataset_infos(store, counts)}
    assert counted == {g: n for g, n in counts.items() if "/disclosure/" in g}


def test_sample_dataset_description(catalogue: list[Triple]) -> None:
    d = SAMPLE_IRI
    assert objects(catalogue, d, "dct:title") == [
        Literal("乌鲁木齐市12345政务服务热线中心2024年单位预算公开", language="zh"),
        Literal("Unit budget disclosure 2024: 乌鲁木齐市12345政务服务热线中心", language="en"),
    ]
    assert {o.language for o in objects(catalogue, d, "dct:description") if isinstance(o, Literal)} == {"zh", "en"}
    assert values(catalogue, d, "dct:identifier") == {d}
    assert objects(catalogue, d, "dct:issued") == [Literal("2024-03-01", datatype=NamedNode(u("xsd:date")))]
    assert values(catalogue, d, "dct:publisher") == {SAMPLE_UNIT}
    assert values(catalogue, SAMPLE_UNIT, "rdf:type") == {u("foaf:Agent"), u("org:Organization")}
    assert values(catalogue, SAMPLE_UNIT, "foaf:name") == {"乌鲁木齐市12345政务服务热线中心"}
    year = "http://reference.data.gov.uk/id/year/2024"
    assert values(catalogue, d, "dct:temporal") == {year}
    assert values(catalogue, year, "rdf:type") == {u("dct:PeriodOfTime")}
    assert (values(catalogue, year, "dcat:startDate"), values(catalogue, year, "dcat:endDate")) == (
        {"2024-01-01"},
        {"2024-12-31"},
    )
    assert values(catalogue, d, "dcat:theme") == {
        "http://publications.europa.eu/resource/authority/data-theme/GOVE",
        "http://publications.europa.eu/resource/authority/data-theme/ECON",
    }
    assert values(catalogue, d, "dct:license") == {CONFIG.licence}
    assert values(catalogue, d, "dct:accessRights") == {
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    }
    assert values(catalogue, d, "dct:conformsTo") == {"https://w3id.org/budgetlod/ontology"}
    assert values(catalogue, d, "dcat:landingPage") == {landing(d)}
    assert {"预算公开", "单位预算", "2024年", "乌鲁木齐市12345政务服务热线中心", "unit budget", "2024"} <= values(
        catalogue, d, "dcat:keyword"
    )
    assert values(catalogue, d, "dct:spatial") == set()  # not known (docs/dcat-ap.md)


def test_distributions_carry_the_sizes_and_checksums_given(catalogue: list[Triple]) -> None:
    d = SAMPLE_IRI
    assert values(catalogue, d, "dcat:distribution") == {f"{d}#distribution-{f}" for f in ("jsonld", "ttl", "nq")}
    jsonld, nquads = f"{d}#distribution-jsonld", f"{d}#distribution-nq"
    assert values(catalogue, jsonld, "dcat:downloadURL") == {landing(d) + ".jsonld"}
    assert values(catalogue, jsonld, "dcat:accessURL") == {landing(d)}
    assert values(catalogue, jsonld, "dcat:mediaType") == {
        "http://www.iana.org/assignments/media-types/application/ld+json"
    }
    assert values(catalogue, jsonld, "dct:format") == {
        "http://publications.europa.eu/resource/authority/file-type/JSON_LD"
    }
    assert values(catalogue, nquads, "dct:format") == {
        "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS"
    }
    assert objects(catalogue, jsonld, "dcat:byteSize") == [
        Literal("2048", datatype=NamedNode(u("xsd:nonNegativeInteger")))
    ]
    assert values(catalogue, jsonld, "spdx:checksum") == {f"{d}#checksum-jsonld"}
    checksum = f"{d}#checksum-jsonld"
    assert values(catalogue, checksum, "spdx:algorithm") == {u("spdx:checksumAlgorithm_sha256")}
    assert objects(catalogue, checksum, "spdx:checksumValue") == [
        Literal(hashlib.sha256(d.encode()).hexdigest(), datatype=NamedNode(u("xsd:hexBinary")))
    ]
    assert objects(catalogue, nquads, "dcat:byteSize") == [] and objects(catalogue, nquads, "spdx:checksum") == []
    assert values(catalogue, nquads, "dct:license") == {CONFIG.licence}


def test_catalogue_and_data_service(catalogue: list[Triple], infos: list[DatasetInfo]) -> None:
    assert {o.language for o in objects(catalogue, CATALOG, "dct:title") if isinstance(o, Literal)} == {"zh", "en"}
    assert values(catalogue, CATALOG, "dcat:dataset") == {i.iri for i in infos}
    assert values(catalogue, CATALOG, "dct:issued") == values(catalogue, CATALOG, "dct:modified") == {"2024-03-01"}
    assert values(catalogue, CATALOG, "foaf:homepage") == {SITE}
    (service,) = values(catalogue, CATALOG, "dcat:service")
    assert (
        values(catalogue, service, "dcat:endpointURL")
        == values(catalogue, service, "dcat:endpointDescription")
        == {SPARQL}
    )
    assert values(catalogue, service, "dcat:servesDataset") == {i.iri for i in infos}
    without = build(infos, sparql_endpoint=None)
    assert values(without, CATALOG, "dcat:service") == set()
    assert not any(t.object == NamedNode(u("dcat:DataService")) for t in without)


def test_catalogue_is_deterministic_and_has_no_blank_nodes(catalogue: list[Triple], infos: list[DatasetInfo]) -> None:
    assert build(infos) == catalogue
    assert not any(isinstance(term, BlankNode) for t in catalogue for term in (t.subject, t.object))
    assert len(catalogue) == len(set(catalogue))


def test_paged_catalogue_splits_the_datasets_and_links_the_pages(
    catalogue: list[Triple], infos: list[DatasetInfo]
) -> None:
    urls = tuple(f"{SITE}catalog/page-{n}.ttl" for n in (1, 2, 3))
    pages = [build(infos, CataloguePage(n, urls)) for n in (1, 2, 3)]
    shares = [values(p, CATALOG, "dcat:dataset") for p in pages]
    assert [len(s) for s in shares] == [17, 17, 17]
    assert set.union(*shares) == {i.iri for i in infos} and sum(len(s) for s in shares) == len(infos)
    for n, page in enumerate(pages, start=1):
        url = urls[n - 1]
        assert values(page, CATALOG, "hydra:view") == {url}
        assert values(page, CATALOG, "hydra:totalItems") == {"51"}
        assert values(page, url, "rdf:type") == {u("hydra:PartialCollectionView")}
        assert (values(page, url, "hydra:first"), values(page, url, "hydra:last")) == ({urls[0]}, {urls[2]})
        assert values(page, url, "hydra:previous") == ({urls[n - 2]} if n > 1 else set())
        assert values(page, url, "hydra:next") == ({urls[n]} if n < 3 else set())
        # the catalogue's own statements are the same on every page, so merged pages stay valid
        assert values(page, CATALOG, "dct:modified") == values(catalogue, CATALOG, "dct:modified")
    assert findings(pages[1], "shapes.ttl", "range.ttl") == []
    with pytest.raises(ValueError):
        CataloguePage(4, urls)


def test_rdf_distributions_link_the_dataset_s_sparql_service(catalogue: list[Triple], infos: list[DatasetInfo]) -> None:
    """DCAT-AP 3's dcat:accessService, as ckanext-dcat reads it: one service a dataset, serving only it."""
    d = SAMPLE_IRI
    service = f"{d}#sparql-service"
    for fmt in ("jsonld", "ttl", "nq"):
        assert values(catalogue, f"{d}#distribution-{fmt}", "dcat:accessService") == {service}
    assert values(catalogue, service, "rdf:type") == {u("dcat:DataService")}
    assert values(catalogue, service, "dcat:endpointURL") == {SPARQL}
    assert values(catalogue, service, "dcat:servesDataset") == {d}
    assert objects(catalogue, service, "dct:title") == [
        Literal("乌鲁木齐市12345政务服务热线中心2024年单位预算公开：SPARQL 查询端点", language="zh"),
        Literal("SPARQL endpoint: Unit budget disclosure 2024: 乌鲁木齐市12345政务服务热线中心", language="en"),
    ]
    services = {str(t.subject.value) for t in catalogue if t.object == NamedNode(u("dcat:DataService"))}
    assert len(services) == len(infos) + 1  # the catalogue's and one a dataset
    without = build(infos[:1], sparql_endpoint=None)
    assert not any(t.predicate.value == u("dcat:accessService") for t in without)


def test_media_types_carry_their_name_and_the_licence_its_title(catalogue: list[Triple]) -> None:
    """ckanext-dcat takes a media type IRI's rdfs:label as the resource's mimetype (CKAN's format list knows
    ``text/csv`` as CSV); a licence's dct:title is CKAN's second way to match it."""
    media = "http://www.iana.org/assignments/media-types/application/ld+json"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert {t.object.value for t in catalogue if t.subject == NamedNode(media) and t.predicate.value == label} == {
        "application/ld+json"
    }
    assert objects(catalogue, CONFIG.licence, "dct:title") == [
        Literal("Creative Commons Attribution 4.0 International", language="en")
    ]


def test_a_csv_distribution(infos: list[DatasetInfo]) -> None:
    """The figures CSV is a distribution like the others (EU file type CSV, IANA text/csv, size, checksum), not
    linked to the SPARQL service; the catalogue stays DCAT-AP conformant."""

    def with_csv(info: DatasetInfo) -> list[DistributionFile]:
        url = landing(info.iri) + ".observations.csv"
        return [*files(info), DistributionFile("csv", url, "text/csv", 30218, "ab" * 32)]

    triples = build(infos[:3], distributions=with_csv)
    node = f"{infos[0].iri}#distribution-csv"
    assert values(triples, node, "dct:format") == {"http://publications.europa.eu/resource/authority/file-type/CSV"}
    assert values(triples, node, "dcat:mediaType") == {"http://www.iana.org/assignments/media-types/text/csv"}
    assert objects(triples, node, "dcat:byteSize") == [
        Literal("30218", datatype=NamedNode(u("xsd:nonNegativeInteger")))
    ]
    assert values(triples, f"{infos[0].iri}#checksum-csv", "spdx:checksumValue") == {"ab" * 32}
    assert values(triples, node, "dcat:accessService") == set()
    assert findings(triples, "shapes.ttl", "range.ttl") == []


def test_catalogue_documents_hold_the_catalogue_with_chinese_first(catalogue: list[Triple]) -> None:
    """catalog.ttl and catalog.jsonld as harvesters read them: the same triples; the JSON-LD context inline; for
    each property the zh values first (ckanext-dcat takes the first under a Chinese CKAN locale)."""
    from pyoxigraph import RdfFormat, parse

    from budgetlod.publish import catalog_files
    from budgetlod.publish.jsonld import to_triples

    turtle = catalog_files.catalogue_turtle(catalogue)
    assert {q.triple for q in parse(turtle, format=RdfFormat.TURTLE)} == set(catalogue)
    assert (
        'dct:title "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"@zh , '
        '"Unit budget disclosure 2024: 乌鲁木齐市12345政务服务热线中心"@en' in turtle.decode()
    )
    doc = catalog_files.catalogue_document(catalogue)
    assert isinstance(doc["@context"], dict) and doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert set(to_triples(doc)) == set(catalogue)
    (sample,) = [node for node in doc["@graph"] if node["@id"] == SAMPLE_IRI]
    assert [v["@language"] for v in sample["dct:title"]] == ["zh", "en"]
    assert [v["@language"] for v in sample["dct:description"]] == ["zh", "en"]
