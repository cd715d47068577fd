"""What the server publishes for portals (``live_server``: the sample and 20 generated disclosures):
the JSON-LD context with cache headers, a disclosure's framed JSON-LD, schema.org markup in its page,
the DCAT-AP catalogue at ``/catalog`` and VoID at ``/.well-known/void``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from dcat_shacl import findings
from live_server import get
from pyoxigraph import Quad, RdfFormat, Store, Triple, parse

from budgetlod import resources
from budgetlod.publish import jsonld
from budgetlod.store.embedded import count_triples

BASE = "https://w3id.org/budgetlod/id/"
DISCLOSURE = "disclosure/c694353348dbd08a/2024/unit-budget"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _triples(body: bytes, fmt: RdfFormat) -> set[Triple]:
    return {q.triple if isinstance(q, Quad) else q for q in parse(body, format=fmt)}


def _objects(triples: set[Triple], predicate: str) -> list[str]:
    return [t.object.value for t in triples if t.predicate.value == predicate]  # type: ignore[union-attr]


def test_context_is_served_at_its_iri_with_long_cache_and_etag(live_server: Any) -> None:
    answer = get(live_server, "/context/v1.jsonld")
    assert answer.status == 200 and answer.media_type == "application/ld+json"
    assert answer.body == resources.context_bytes()
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = answer.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = get(live_server, "/context/v1.jsonld", If_None_Match=etag)
    assert again.status == 304 and again.body == b""
    assert get(live_server, "/context/v2.jsonld").status == 404


def test_disclosure_answers_with_the_framed_document(live_server: Any, live_store: Path) -> None:
    answer = get(live_server, f"/id/{DISCLOSURE}", accept="application/ld+json")
    assert answer.status == 200 and answer.media_type == "application/ld+json"
    doc = json.loads(answer.body)
    assert doc["@context"] == jsonld.CONTEXT_IRI  # referenced by IRI, served above
    assert doc["@id"] == BASE + DISCLOSURE and doc["@type"] == "Disclosure"
    assert len(doc["table"]) == 11
    store = Store.read_only(str((live_store / "current").resolve()))
    expected = set(jsonld.publication_triples_from_store(store, BASE + DISCLOSURE))
    assert set(jsonld.to_triples(doc)) == expected
    turtle = get(live_server, f"/id/{DISCLOSURE}.ttl")
    assert _triples(turtle.body, RdfFormat.TURTLE) == expected  # the same graph in every representation


def test_other_resources_answer_json_ld_compacted_with_the_context(live_server: Any) -> None:
    answer = get(live_server, f"/id/{DISCLOSURE}/t03/2010350/basic.jsonld")
    doc = json.loads(answer.body)
    assert doc["@context"] == jsonld.CONTEXT_IRI
    node = doc["@graph"][0] if "@graph" in doc else doc
    assert node["amount"] == "447.05"  # 表3 line 150, 事业运行, 基本支出: a string, xsd:decimal by the context


def test_disclosure_page_embeds_schema_org_dataset(live_server: Any) -> None:
    html = get(live_server, f"/id/{DISCLOSURE}.html").text
    block = re.search(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', html, re.S)
    assert block is not None
    doc = json.loads(block.group(1))
    assert (doc["@context"], doc["@type"], doc["@id"]) == ("https://schema.org/", "Dataset", BASE + DISCLOSURE)
    assert doc["name"] == "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"
    assert doc["temporalCoverage"] == "2024"
    assert doc["creator"]["name"] == "乌鲁木齐市12345政务服务热线中心"
    assert [d["contentUrl"] for d in doc["distribution"]] == [
        f"{live_server.url}/id/{DISCLOSURE}.jsonld",
        f"{live_server.url}/id/{DISCLOSURE}.ttl",
    ]
    unit_page = get(live_server, "/id/unit/c694353348dbd08a.html").text
    assert "<script type=\"application/ld+json\">" not in unit_page  # only disclosures are datasets


def test_catalogue_lists_every_disclosure_and_conforms(live_server: Any, live_store: Path) -> None:
    answer = get(live_server, "/catalog")
    assert answer.status == 200 and answer.media_type == "text/turtle"
    triples = _triples(answer.body, RdfFormat.TURTLE)
    datasets = _objects(triples, DCAT + "dataset")
    assert len(datasets) == 21 and BASE + DISCLOSURE in datasets
    # the catalogue's service and one per dataset (linked from its RDF distributions by dcat:accessService)
    endpoints = _objects(triples, DCAT + "endpointURL")
    assert set(endpoints) == {f"{live_server.url}/sparql"} and len(endpoints) == 1 + 21
    assert len(_objects(triples, DCAT + "accessService")) == 21 * 2  # the JSON-LD and Turtle of each
    downloads = sorted(u for u in _objects(triples, DCAT + "downloadURL") if DISCLOSURE in u)
    assert downloads == [f"{live_server.url}/id/{DISCLOSURE}.jsonld", f"{live_server.url}/id/{DISCLOSURE}.ttl"]
    assert findings(triples, "shapes.ttl", "range.ttl") == []  # DCAT-AP 3.0.1: no Violation
    as_jsonld = get(live_server, "/catalog", accept="application/ld+json")
    assert set(jsonld.to_triples(json.loads(as_jsonld.body))) == triples


def test_void_at_the_well_known_location(live_server: Any, live_store: Path) -> None:
    answer = get(live_server, "/.well-known/void")
    assert answer.status == 200 and answer.media_type == "text/turtle"
    triples = _triples(answer.body, RdfFormat.TURTLE)
    store = Store.read_only(str((live_store / "current").resolve()))
    counts = count_triples(store)
    dataset = "https://w3id.org/budgetlod/void"
    total = [t.object.value for t in triples if t.subject.value == dataset and t.predicate.value == VOID + "triples"]
    assert total == [str(sum(counts.values()))]
    subsets = {t.object.value for t in triples if t.subject.value == dataset and t.predicate.value == VOID + "subset"}
    disclosures = {g for g in counts if g.startswith(BASE)}
    assert len(disclosures) == 21 and disclosures <= subsets
    assert _objects(triples, VOID + "sparqlEndpoint") == [f"{live_server.url}/sparql"]
    assert _objects(triples, VOID + "uriSpace") == [BASE]
    assert get(live_server, "/void").body == answer.body


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
def test_publishing_documents_refuse_what_they_cannot_give(live_server: Any, path: str) -> None:
    answer = get(live_server, path, accept="image/png")
    assert answer.status == 406 and "text/turtle" in answer.text


def test_no_remote_context_in_answers(live_server: Any) -> None:
    """Every JSON-LD answer names only the project's own context (a harvester's loader needs no other); the
    catalogue carries its context inline, so that a harvester without network reads it (issue 18)."""
    for path in (f"/id/{DISCLOSURE}.jsonld", "/id/unit/c694353348dbd08a.jsonld"):
        doc = json.loads(get(live_server, path).body)
        assert doc["@context"] == jsonld.CONTEXT_IRI, path
    catalogue = json.loads(get(live_server, "/catalog.jsonld").body)["@context"]
    assert isinstance(catalogue, dict) and catalogue["dcat"] == DCAT
    assert not any(isinstance(v, str) and v.endswith(".jsonld") for v in catalogue.values())
