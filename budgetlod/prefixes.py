"""The one prefix map: Turtle prefixes, the SPARQL PREFIX header and the JSON-LD
context are all generated from :data:`PREFIXES`."""

from __future__ import annotations

ONTOLOGY = "https://w3id.org/budgetlod/ontology"
CODELIST = "https://w3id.org/budgetlod/codelist/"

PREFIXES: dict[str, str] = {
    # budgetlod
    "bl": f"{ONTOLOGY}#",
    "blf": f"{CODELIST}function/",
    "ble": f"{CODELIST}economic/",
    "blfs": f"{CODELIST}funding-source/",
    "bli": f"{CODELIST}income-category/",
    "bln": f"{CODELIST}expenditure-nature/",
    "bls": f"{CODELIST}sangong/",
    "blb": f"{CODELIST}balance/",
    "bll": f"{CODELIST}level/",
    "blt": f"{CODELIST}table-type/",
    "bldk": f"{CODELIST}document-kind/",
    "blns": f"{CODELIST}narrative-subject/",
    "blp": f"{CODELIST}project/",
    "bldsd": f"{ONTOLOGY}/dsd/",
    "blsh": "https://w3id.org/budgetlod/shapes#",
    # OpenBudgets.eu
    "obeu": "http://data.openbudgets.eu/ontology/",
    "obeu-dimension": "http://data.openbudgets.eu/ontology/dsd/dimension/",
    "obeu-measure": "http://data.openbudgets.eu/ontology/dsd/measure/",
    "obeu-attribute": "http://data.openbudgets.eu/ontology/dsd/attribute/",
    "obeu-codelist": "http://data.openbudgets.eu/resource/codelist/",
    "obeu-budgetphase": "http://data.openbudgets.eu/resource/codelist/budget-phase/",
    "obeu-operation": "http://data.openbudgets.eu/resource/codelist/operation-character/",
    # W3C and others
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-concept": "http://purl.org/linked-data/sdmx/2009/concept#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "interval": "http://reference.data.gov.uk/def/intervals/",
    "year": "http://reference.data.gov.uk/id/year/",
    "currency": "http://publications.europa.eu/resource/authority/currency/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "dqv": "http://www.w3.org/ns/dqv#",
    "oa": "http://www.w3.org/ns/oa#",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "http://schema.org/",
    "spdx": "http://spdx.org/rdf/terms#",
    # catalogue and dataset descriptions (DCAT-AP, VoID, Hydra paging)
    "void": "http://rdfs.org/ns/void#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "locn": "http://www.w3.org/ns/locn#",
    "dcatap": "http://data.europa.eu/r5r/",
}


XSD = PREFIXES["xsd"]  # the namespace most code needs by itself (datatypes)


def iri(curie: str) -> str:
    """``"qb:Observation"`` -> the full IRI."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def turtle_header() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def sparql_header() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
