"""The one JSON-LD 1.1 ``@context`` of budgetlod, generated.

Its IRI carries its version (:data:`CONTEXT_IRI`); the generated file is committed as
``publish/context/v1.jsonld`` and a test regenerates it and compares.  Regenerate with
``python -m budgetlod.publish.context`` after changing the prefix map or the ontology.

What it holds:

* every prefix of the one prefix map :data:`budgetlod.prefixes.PREFIXES`;
* a term for every class and property of the ontology files (``ontology/*.ttl``: the budgetlod
  ontology, the declarations of reused terms, the Data Cube structures, the code lists), for
  every predicate and ``rdf:type`` class those files use, and for the reused vocabularies of the
  published data and of the catalogue (:data:`REUSED`: DCAT, DCMI terms, FOAF, VoID, Hydra,
  schema.org, ADMS, vCard, LOCN, SPDX, PROV, DQV, Web Annotation, SHACL results);
* ``observations``, the reverse of ``qb:dataSet`` (the frame nests a table's rows under it); it
  and ``table`` are ``@set`` s: arrays even when a disclosure has one table or a table one row.

Naming: a term is the local name when that is unambiguous; ``bl:`` terms come first, then the
vocabularies in the order of the prefix map; a later term with a local name already taken (or
equal to a prefix, or to a name reserved below) keeps its compact IRI (``dcat:byteSize``) as its
term.  Coercion: ``@type: @id`` for links, ``@type: xsd:…`` for typed literals other than
strings (amounts are ``xsd:decimal``: JSON strings, never JSON numbers), a language map
(``@container: @language``) for language-tagged text.  The coercion of a budgetlod term comes
from its ``rdfs:range`` in the ontology; that of a reused term from :data:`REUSED`; of any other
predicate of the ontology files, from the objects it has there.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from budgetlod import resources
from budgetlod.prefixes import PREFIXES, iri
from budgetlod.rdf.vocabulary import vocabulary_quads

CONTEXT_VERSION = 1
CONTEXT_IRI = f"https://w3id.org/budgetlod/context/v{CONTEXT_VERSION}.jsonld"

ID = "@id"  # coercion: the value is a link
LANGUAGE_MAP = "@language"  # coercion: the values form a language map
Coercion = str | None  # ID, LANGUAGE_MAP, a datatype CURIE ("xsd:decimal"), or None (plain string)

OBSERVATIONS = "observations"  # the reverse of qb:dataSet
SETS = frozenset({"bl:table"})  # always arrays in the framed tree, even with one value
RESERVED = frozenset(
    {OBSERVATIONS, "id", "type", "value", "language", "context", "graph", "list", "set", "index", "reverse",
     "base", "vocab", "container", "nest", "none", "prefix", "propagate", "protected", "version", "json",
     "direction", "included"}
)  # fmt: skip

#: Reused terms and their coercion, beyond those the ontology files declare or use.
REUSED: dict[str, Coercion] = {
    # RDF Schema, OWL, SKOS
    "rdfs:label": LANGUAGE_MAP, "rdfs:comment": LANGUAGE_MAP, "rdfs:seeAlso": ID, "rdfs:isDefinedBy": ID,
    "rdfs:Resource": None, "rdfs:Class": None, "rdfs:Literal": None,
    "owl:sameAs": ID, "owl:imports": ID,
    "skos:Concept": None, "skos:ConceptScheme": None, "skos:Collection": None,
    "skos:prefLabel": LANGUAGE_MAP, "skos:altLabel": LANGUAGE_MAP, "skos:hiddenLabel": LANGUAGE_MAP,
    "skos:definition": LANGUAGE_MAP, "skos:scopeNote": LANGUAGE_MAP, "skos:editorialNote": LANGUAGE_MAP,
    "skos:note": LANGUAGE_MAP, "skos:example": LANGUAGE_MAP, "skos:notation": None,
    "skos:inScheme": ID, "skos:hasTopConcept": ID, "skos:topConceptOf": ID, "skos:broader": ID,
    "skos:narrower": ID, "skos:related": ID, "skos:exactMatch": ID, "skos:closeMatch": ID, "skos:member": ID,
    # RDF Data Cube
    "qb:DataSet": None, "qb:Observation": None, "qb:DataStructureDefinition": None, "qb:Slice": None,
    "qb:dataSet": ID, "qb:structure": ID, "qb:component": ID, "qb:dimension": ID, "qb:measure": ID,
    "qb:attribute": ID, "qb:codeList": ID, "qb:componentAttachment": ID, "qb:order": "xsd:integer",
    "qb:componentRequired": "xsd:boolean", "qb:slice": ID, "qb:observation": ID,
    # DCMI terms
    "dct:title": LANGUAGE_MAP, "dct:description": LANGUAGE_MAP, "dct:alternative": LANGUAGE_MAP,
    "dct:abstract": LANGUAGE_MAP, "dct:issued": "xsd:date", "dct:created": "xsd:date", "dct:modified": "xsd:date",
    "dct:publisher": ID, "dct:creator": ID, "dct:contributor": ID, "dct:temporal": ID, "dct:spatial": ID,
    "dct:license": ID, "dct:rights": ID, "dct:accessRights": ID, "dct:conformsTo": ID, "dct:format": ID,
    "dct:language": ID, "dct:identifier": None, "dct:source": None, "dct:hasPart": ID, "dct:isPartOf": ID,
    "dct:relation": ID, "dct:references": ID, "dct:isReferencedBy": ID, "dct:subject": ID, "dct:type": ID,
    "dct:accrualPeriodicity": ID, "dct:provenance": ID, "dct:hasVersion": ID, "dct:isVersionOf": ID,
    "dct:requires": ID, "dct:bibliographicCitation": None,
    "dct:PeriodOfTime": None, "dct:Location": None, "dct:LicenseDocument": None, "dct:MediaType": None,
    "dct:MediaTypeOrExtent": None, "dct:Standard": None, "dct:Frequency": None, "dct:RightsStatement": None,
    "dct:LinguisticSystem": None, "dct:ProvenanceStatement": None, "dct:Agent": None,
    # DCAT and DCAT-AP
    "dcat:Catalog": None, "dcat:Dataset": None, "dcat:Distribution": None, "dcat:DataService": None,
    "dcat:CatalogRecord": None, "dcat:Resource": None, "dcat:DatasetSeries": None, "dcat:Relationship": None,
    "dcat:Role": None,
    "dcat:dataset": ID, "dcat:distribution": ID, "dcat:service": ID, "dcat:catalog": ID, "dcat:record": ID,
    "dcat:accessURL": ID, "dcat:downloadURL": ID, "dcat:accessService": ID, "dcat:mediaType": ID,
    "dcat:compressFormat": ID, "dcat:packageFormat": ID, "dcat:byteSize": "xsd:nonNegativeInteger",
    "dcat:endpointURL": ID, "dcat:endpointDescription": ID, "dcat:servesDataset": ID,
    "dcat:keyword": LANGUAGE_MAP, "dcat:theme": ID, "dcat:themeTaxonomy": ID, "dcat:landingPage": ID,
    "dcat:contactPoint": ID, "dcat:startDate": "xsd:date", "dcat:endDate": "xsd:date",
    "dcat:temporalResolution": "xsd:duration", "dcat:spatialResolutionInMeters": "xsd:decimal",
    "dcat:bbox": None, "dcat:centroid": None, "dcat:version": None, "dcat:hasVersion": ID, "dcat:inSeries": ID,
    "dcat:qualifiedRelation": ID, "dcat:hadRole": ID, "dcat:first": ID, "dcat:last": ID, "dcat:prev": ID,
    "dcatap:applicableLegislation": ID, "dcatap:availability": ID, "dcatap:hvdCategory": ID,
    # FOAF, W3C Organization, vCard, LOCN, ADMS
    "foaf:Agent": None, "foaf:Document": None, "foaf:Project": None, "foaf:Organization": None,
    "foaf:Person": None, "foaf:name": LANGUAGE_MAP, "foaf:homepage": ID, "foaf:page": ID,
    "foaf:primaryTopic": ID, "foaf:isPrimaryTopicOf": ID, "foaf:mbox": ID, "foaf:logo": ID,
    "org:Organization": None, "org:FormalOrganization": None, "org:OrganizationalUnit": None,
    "org:subOrganizationOf": ID, "org:hasSubOrganization": ID, "org:unitOf": ID, "org:hasUnit": ID,
    "org:identifier": None, "org:classification": ID,
    "vcard:Kind": None, "vcard:Organization": None, "vcard:Individual": None, "vcard:fn": None,
    "vcard:organization-name": None, "vcard:hasEmail": ID, "vcard:hasURL": ID, "vcard:hasTelephone": ID,
    "vcard:hasAddress": ID,
    "locn:Address": None, "locn:Geometry": None, "locn:geometry": None, "locn:address": ID,
    "locn:geographicName": LANGUAGE_MAP, "locn:adminUnitL1": None, "locn:adminUnitL2": None,
    "adms:Identifier": None, "adms:identifier": ID, "adms:sample": ID, "adms:status": ID,
    "adms:versionNotes": LANGUAGE_MAP, "adms:schemaAgency": None,
    # PROV-O, time
    "prov:Entity": None, "prov:Activity": None, "prov:Agent": None, "prov:SoftwareAgent": None,
    "prov:Attribution": None, "prov:wasDerivedFrom": ID, "prov:wasGeneratedBy": ID, "prov:used": ID,
    "prov:wasAssociatedWith": ID, "prov:wasAttributedTo": ID, "prov:qualifiedAttribution": ID, "prov:agent": ID,
    "prov:hadRole": ID, "prov:startedAtTime": "xsd:dateTime", "prov:endedAtTime": "xsd:dateTime",
    "prov:generatedAtTime": "xsd:dateTime",
    "time:Instant": None, "time:Interval": None, "time:hasBeginning": ID, "time:hasEnd": ID,
    "time:inXSDDate": "xsd:date",
    # Data quality (DQV), Web Annotation, SHACL validation results
    "dqv:QualityAnnotation": None, "dqv:QualityMeasurement": None, "dqv:hasQualityAnnotation": ID,
    "dqv:hasQualityMeasurement": ID, "dqv:inDimension": ID, "dqv:isMeasurementOf": ID, "dqv:computedOn": ID,
    "oa:Annotation": None, "oa:motivatedBy": ID, "oa:hasTarget": ID, "oa:hasBody": ID,
    "oa:bodyValue": LANGUAGE_MAP,
    "sh:ValidationReport": None, "sh:ValidationResult": None, "sh:conforms": "xsd:boolean", "sh:result": ID,
    "sh:focusNode": ID, "sh:resultPath": ID, "sh:resultSeverity": ID, "sh:sourceShape": ID,
    "sh:sourceConstraintComponent": ID, "sh:value": ID, "sh:resultMessage": LANGUAGE_MAP,
    # SPDX checksums, VoID, Hydra
    "spdx:Checksum": None, "spdx:ChecksumAlgorithm": None, "spdx:checksum": ID, "spdx:algorithm": ID,
    "spdx:checksumValue": "xsd:hexBinary",
    "void:Dataset": None, "void:DatasetDescription": None, "void:Linkset": None, "void:triples": "xsd:integer",
    "void:entities": "xsd:integer", "void:classes": "xsd:integer", "void:properties": "xsd:integer",
    "void:distinctSubjects": "xsd:integer", "void:distinctObjects": "xsd:integer",
    "void:documents": "xsd:integer", "void:sparqlEndpoint": ID, "void:dataDump": ID, "void:uriSpace": None,
    "void:uriRegexPattern": None, "void:vocabulary": ID, "void:subset": ID, "void:classPartition": ID,
    "void:propertyPartition": ID, "void:class": ID, "void:property": ID, "void:exampleResource": ID,
    "void:rootResource": ID, "void:feature": ID, "void:uriLookupEndpoint": ID, "void:inDataset": ID,
    "void:linkPredicate": ID, "void:target": ID, "void:subjectsTarget": ID, "void:objectsTarget": ID,
    "hydra:Collection": None, "hydra:PartialCollectionView": None, "hydra:member": ID, "hydra:view": ID,
    "hydra:first": ID, "hydra:last": ID, "hydra:next": ID, "hydra:previous": ID,
    "hydra:totalItems": "xsd:nonNegativeInteger",
    # schema.org (the Dataset description of each disclosure's page)
    "schema:Dataset": None, "schema:DataCatalog": None, "schema:DataDownload": None,
    "schema:Organization": None, "schema:GovernmentOrganization": None, "schema:Place": None,
    "schema:name": LANGUAGE_MAP, "schema:description": LANGUAGE_MAP, "schema:alternateName": LANGUAGE_MAP,
    "schema:url": ID, "schema:sameAs": ID, "schema:identifier": None, "schema:keywords": LANGUAGE_MAP,
    "schema:license": ID, "schema:creator": ID, "schema:publisher": ID, "schema:distribution": ID,
    "schema:contentUrl": ID, "schema:encodingFormat": None, "schema:contentSize": None,
    "schema:temporalCoverage": None, "schema:spatialCoverage": ID, "schema:datePublished": "xsd:date",
    "schema:dateModified": None, "schema:inLanguage": None, "schema:isAccessibleForFree": "xsd:boolean",
    "schema:includedInDataCatalog": ID, "schema:dataset": ID, "schema:isBasedOn": ID,
    "schema:measurementTechnique": None, "schema:variableMeasured": None,
}  # fmt: skip

PROPERTY_TYPES = ("owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty", "rdf:Property",
                  "qb:DimensionProperty", "qb:MeasureProperty", "qb:AttributeProperty", "qb:ComponentProperty",
                  "qb:CodedProperty")  # fmt: skip
CLASS_TYPES = ("owl:Class", "rdfs:Class")
CLASS_LINKS = ("rdfs:subClassOf", "rdfs:domain", "rdfs:range")  # their objects are classes (or datatypes)
PROPERTY_LINKS = ("rdfs:subPropertyOf", "owl:inverseOf", "qb:dimension", "qb:measure", "qb:attribute")
TEXT_DATATYPES = (iri("xsd:string"), iri("rdfs:Literal"))
_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def curie(value: str) -> str | None:
    """The compact IRI of ``value`` with the longest namespace of the prefix map, if its local part is a name."""
    best = max((p for p, ns in PREFIXES.items() if value.startswith(ns)), key=lambda p: len(PREFIXES[p]), default=None)
    if best is None:
        return None
    local = value[len(PREFIXES[best]) :]
    return f"{best}:{local}" if _LOCAL.fullmatch(local) else None


def _is_datatype(value: str) -> bool:
    return value.startswith(PREFIXES["xsd"]) or value in (iri("rdf:langString"), iri("rdfs:Literal"))


def _datatype_coercion(value: str) -> Coercion:
    if value == iri("rdf:langString"):
        return LANGUAGE_MAP
    if value in TEXT_DATATYPES:
        return None
    if value.startswith(PREFIXES["xsd"]):
        return curie(value)
    return ID  # a class: the values are resources


def _usage_coercion(objects: list[NamedNode | BlankNode | Literal]) -> Coercion:
    """The coercion that fits every object a predicate has in the ontology files, if one does."""
    kinds: set[Coercion] = set()
    for obj in objects:
        if not isinstance(obj, Literal):
            kinds.add(ID)
        elif obj.language:
            kinds.add(LANGUAGE_MAP)
        else:
            kinds.add(_datatype_coercion(obj.datatype.value))
    return kinds.pop() if len(kinds) == 1 else None


def vocabulary_terms(triples: Iterable[Triple]) -> dict[str, Coercion]:
    """Full IRI -> coercion of every class and property of the ontology files."""
    rdf_type = iri("rdf:type")
    types: dict[str, set[str]] = defaultdict(set)
    ranges: dict[str, set[str]] = defaultdict(set)
    objects: dict[str, list[NamedNode | BlankNode | Literal]] = defaultdict(list)
    classes: set[str] = set()
    properties: set[str] = set()
    class_links, property_links = {iri(c) for c in CLASS_LINKS}, {iri(c) for c in PROPERTY_LINKS}
    for t in triples:
        subject, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(subject, NamedNode) or isinstance(o, Triple):
            continue  # no blank node is a term; no quoted triples in the ontology
        s = subject.value
        if p == rdf_type:
            if isinstance(o, NamedNode):
                types[s].add(o.value)
                classes.add(o.value)
            continue
        properties.add(p)
        objects[p].append(o)
        if p == iri("rdfs:range") and isinstance(o, NamedNode):
            ranges[s].add(o.value)
        if p in class_links and isinstance(o, NamedNode) and not _is_datatype(o.value):
            classes.add(o.value)
        if p in property_links and isinstance(o, NamedNode):
            properties.add(o.value)
    declared_properties = {s for s, ts in types.items() if ts & {iri(c) for c in PROPERTY_TYPES}}
    classes |= {s for s, ts in types.items() if ts & {iri(c) for c in CLASS_TYPES}}
    terms: dict[str, Coercion] = {c: None for c in classes}
    reused = {iri(k): v for k, v in REUSED.items()}
    for prop in sorted(properties | declared_properties):
        if prop in declared_properties and len(ranges[prop]) == 1:
            terms[prop] = _datatype_coercion(next(iter(ranges[prop])))
        elif prop in declared_properties and iri("owl:ObjectProperty") in types[prop]:
            terms[prop] = ID
        elif prop in reused:
            terms[prop] = reused[prop]
        else:
            terms[prop] = _usage_coercion(objects[prop])
    return terms


def all_terms() -> dict[str, Coercion]:
    """Full IRI -> coercion: the ontology files' terms, then the reused vocabularies'."""
    triples = [q.triple for q in vocabulary_quads()]
    terms = {iri(k): v for k, v in REUSED.items()}
    terms.update(vocabulary_terms(triples))  # the ontology's own declarations win
    return terms


def _priority(value: str) -> tuple[int, int, str]:
    c = curie(value)
    assert c is not None
    order = list(PREFIXES)
    prefix = c.split(":", 1)[0]
    return (0 if prefix == "bl" else 1, order.index(prefix), value)


def term_names(iris: Iterable[str]) -> dict[str, str]:
    """Full IRI -> term: the local name where free, else the compact IRI."""
    taken = set(PREFIXES) | RESERVED
    names: dict[str, str] = {}
    for value in sorted(iris, key=_priority):
        c = curie(value)
        assert c is not None, value
        local = c.split(":", 1)[1]
        if local in taken:
            names[value] = c
        else:
            names[value] = local
            taken.add(local)
    return names


def _definition(value: str, coercion: Coercion) -> str | dict[str, str]:
    c = curie(value)
    assert c is not None
    if coercion is None:
        return c
    if coercion == LANGUAGE_MAP:
        return {"@id": c, "@container": "@language"}
    if c in SETS:
        return {"@id": c, "@type": coercion, "@container": "@set"}
    return {"@id": c, "@type": coercion}


def build_context() -> dict[str, Any]:
    """The context document: ``{"@context": {...}}``."""
    terms = {value: coercion for value, coercion in all_terms().items() if curie(value) is not None}
    names = term_names(terms)
    body: dict[str, Any] = {"@version": 1.1}
    body.update(PREFIXES)
    body[OBSERVATIONS] = {"@reverse": "qb:dataSet", "@type": "@id", "@container": "@set"}
    for value in sorted(terms, key=lambda v: (names[v].lower(), names[v])):
        body[names[value]] = _definition(value, terms[value])
    return {"@context": body}


def render() -> bytes:
    """The context file's bytes: UTF-8 JSON, one prefix or term a line (in the order built), final newline."""
    body = build_context()["@context"]
    lines = [f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in body.items()]
    return ('{\n  "@context": {\n' + ",\n".join(lines) + "\n  }\n}\n").encode("utf-8")


def path() -> Path:
    """Where the generated context is committed (``publish/context/v1.jsonld``)."""
    return resources.context_path()


def main(argv: Sequence[str] | None = None) -> int:
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m budgetlod.publish.context", description=summary)
    parser.add_argument("--check", action="store_true", help="Exit 1 when the committed file differs; write nothing.")
    args = parser.parse_args(argv)
    data, target = render(), path()
    if args.check:
        same = target.is_file() and target.read_bytes() == data
        print(f"{target}: {'up to date' if same else 'differs from the generated context'}", file=sys.stderr)
        return 0 if same else 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"wrote {target} ({len(data)} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
