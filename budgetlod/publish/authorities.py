"""The controlled terms the catalogue points to, described inside the catalogue itself.

DCAT-AP asks for values from EU authority tables (languages, data themes, file types, access rights,
licences, planned availability), ADMS licence types and IANA media types, and its SHACL shapes check
them *in the catalogue graph*: ``range.ttl`` wants each value typed with the class of its range
(``dct:LinguisticSystem``, ``dct:MediaType`` …) and ``mdr-vocabularies.shape.ttl`` wants
``skos:inScheme`` the authority table. A harvester does not dereference them either, so every
catalogue document carries a short description of each term it uses: its types, its scheme and its
English label as the authority gives it (the EU tables have no Chinese labels).

Nothing here reads the network; the IRIs and labels are those published by the EU Publications
Office (``http://publications.europa.eu/resource/authority/…``), ADMS and IANA.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetlod.prefixes import iri

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"

DATA_THEME_SCHEME = f"{AUTHORITY}data-theme"
CC_BY_4_0 = f"{AUTHORITY}licence/CC_BY_4_0"
PUBLIC = f"{AUTHORITY}access-right/PUBLIC"
STABLE = f"{AUTHORITY}planned-availability/STABLE"
ZHO, ENG = f"{AUTHORITY}language/ZHO", f"{AUTHORITY}language/ENG"
GOVE, ECON = f"{AUTHORITY}data-theme/GOVE", f"{AUTHORITY}data-theme/ECON"
SHA256 = iri("spdx:checksumAlgorithm_sha256")
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


@dataclass(frozen=True)
class Term:
    """A controlled term: what the catalogue states about it (types, scheme, English label)."""

    iri: str
    types: tuple[str, ...]  # CURIEs of the prefix map
    scheme: str | None = None
    label_en: str | None = None


def _concept(table: str, code: str, label: str, *types: str) -> Term:
    return Term(f"{AUTHORITY}{table}/{code}", (*types, "skos:Concept"), f"{AUTHORITY}{table}", label)


@dataclass(frozen=True)
class FileFormat:
    """A serialisation a distribution can have: its IANA media type, EU file type and W3C format IRI."""

    code: str  # the ``fmt`` of a distribution file
    media_type: str  # application/ld+json
    file_type: str  # EU file-type code: JSON_LD
    label: str  # the EU file-type label
    w3c_format: str  # http://www.w3.org/ns/formats/JSON-LD (VoID's void:feature); "" when W3C names none

    @property
    def media_type_iri(self) -> str:
        return IANA_MEDIA_TYPES + self.media_type

    @property
    def file_type_iri(self) -> str:
        return f"{AUTHORITY}file-type/{self.file_type}"


FORMATS: dict[str, FileFormat] = {
    f.code: f
    for f in (
        FileFormat("jsonld", "application/ld+json", "JSON_LD", "JSON-LD", W3C_FORMATS + "JSON-LD"),
        FileFormat("ttl", "text/turtle", "RDF_TURTLE", "RDF Turtle", W3C_FORMATS + "Turtle"),
        FileFormat("nq", "application/n-quads", "RDF_N_QUADS", "RDF N-Quads", W3C_FORMATS + "N-Quads"),
        FileFormat("nt", "application/n-triples", "RDF_N_TRIPLES", "RDF N-Triples", W3C_FORMATS + "N-Triples"),
        FileFormat("trig", "application/trig", "RDF_TRIG", "RDF TriG", W3C_FORMATS + "TriG"),
        FileFormat("rdfxml", "application/rdf+xml", "RDF_XML", "RDF/XML", W3C_FORMATS + "RDF_XML"),
        FileFormat("csv", "text/csv", "CSV", "CSV", ""),
    )
}

# The licence CKAN's default licence register knows as ``cc-by`` (``ckan.model.license``: it matches a
# harvested ``dct:license`` by this URL; ckanext-dcat's ``_license``): the default of setting ``data_licence``,
# so that a portal fills in the dataset's licence. Its EU-table equivalent is CC_BY_4_0.
CKAN_CC_BY = "http://www.opendefinition.org/licenses/cc-by"

# ADMS licence types of the licences a deployment is likely to choose (setting ``data_licence``): the IRIs of
# the EU licence table and those CKAN's default register matches; another licence is still published,
# without dct:type (a recommended-level warning).
LICENCE_TYPES: dict[str, tuple[str, ...]] = {
    CC_BY_4_0: ("Attribution",),
    f"{AUTHORITY}licence/CC_BY_SA_4_0": ("Attribution", "ShareAlike"),
    f"{AUTHORITY}licence/CC0": ("PublicDomain",),
    f"{AUTHORITY}licence/PDDL_1_0": ("PublicDomain",),
    f"{AUTHORITY}licence/ODC_BY_1_0": ("Attribution",),
    CKAN_CC_BY: ("Attribution",),
    "http://www.opendefinition.org/licenses/cc-by-sa": ("Attribution", "ShareAlike"),
    "http://www.opendefinition.org/licenses/cc-zero": ("PublicDomain",),
    "http://www.opendefinition.org/licenses/odc-pddl": ("PublicDomain",),
    "http://www.opendefinition.org/licenses/odc-by": ("Attribution",),
}
# English titles of those licences (dct:title of the licence document: what a harvester shows, and CKAN's
# second way to match a licence, by title, for the titles its register uses)
LICENCE_TITLES: dict[str, str] = {
    CC_BY_4_0: "Creative Commons Attribution 4.0 International",
    f"{AUTHORITY}licence/CC_BY_SA_4_0": "Creative Commons Attribution-ShareAlike 4.0 International",
    f"{AUTHORITY}licence/CC0": "Creative Commons Zero v1.0 Universal",
    f"{AUTHORITY}licence/PDDL_1_0": "Open Data Commons Public Domain Dedication and License 1.0",
    f"{AUTHORITY}licence/ODC_BY_1_0": "Open Data Commons Attribution License 1.0",
    CKAN_CC_BY: "Creative Commons Attribution",
    "http://www.opendefinition.org/licenses/cc-by-sa": "Creative Commons Attribution Share-Alike",
    "http://www.opendefinition.org/licenses/cc-zero": "Creative Commons CCZero",
    "http://www.opendefinition.org/licenses/odc-pddl": "Open Data Commons Public Domain Dedication and License (PDDL)",
    "http://www.opendefinition.org/licenses/odc-by": "Open Data Commons Attribution License",
}
LICENCE_TYPE_LABELS = {"Attribution": "Attribution", "ShareAlike": "Share-alike", "PublicDomain": "Public domain"}


def licence_terms(licence: str) -> list[Term]:
    """The licence as a ``dct:LicenseDocument`` and its ADMS licence types (when known)."""
    types = LICENCE_TYPES.get(licence, ())
    terms = [Term(licence, ("dct:LicenseDocument",))]  # its title: catalog._licence (dct:title, not a prefLabel)
    terms += [
        Term(ADMS_LICENCE_TYPE + code, ("skos:Concept",), f"{ADMS_LICENCE_TYPE}1.0", LICENCE_TYPE_LABELS[code])
        for code in types
    ]
    return terms


def licence_types(licence: str) -> list[str]:
    return [ADMS_LICENCE_TYPE + code for code in LICENCE_TYPES.get(licence, ())]


LANGUAGES = (
    _concept("language", "ZHO", "Chinese", "dct:LinguisticSystem"),
    _concept("language", "ENG", "English", "dct:LinguisticSystem"),
)
THEMES = (
    _concept("data-theme", "GOVE", "Government and public sector"),
    _concept("data-theme", "ECON", "Economy and finance"),
)
THEME_SCHEME = Term(DATA_THEME_SCHEME, ("skos:ConceptScheme",), None, "Data theme")
ACCESS_PUBLIC = _concept("access-right", "PUBLIC", "public", "dct:RightsStatement")
AVAILABILITY_STABLE = _concept("planned-availability", "STABLE", "stable")
CHECKSUM_SHA256 = Term(SHA256, ("spdx:ChecksumAlgorithm",))


def format_terms(fmt: FileFormat) -> list[Term]:
    """The distribution's EU file type (``dct:format``) and IANA media type (``dcat:mediaType``)."""
    return [
        Term(fmt.file_type_iri, ("dct:MediaTypeOrExtent", "skos:Concept"), f"{AUTHORITY}file-type", fmt.label),
        Term(fmt.media_type_iri, ("dct:MediaType",)),
    ]


ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPE_LABELS = {
    "Academia-ScientificOrganisation": "Academia/Scientific organisation",
    "Company": "Company",
    "IndustryConsortium": "Industry consortium",
    "LocalAuthority": "Local authority",
    "NationalAuthority": "National authority",
    "NonGovernmentalOrganisation": "Non-governmental organisation",
    "NonProfitOrganisation": "Non-profit organisation",
    "PrivateIndividual(s)": "Private individual(s)",
    "RegionalAuthority": "Regional authority",
    "StandardisationBody": "Standardisation body",
    "SupraNationalAuthority": "Supra-national authority",
}


PUBLISHER_TYPE_SCHEME = Term(f"{ADMS_PUBLISHER_TYPE}1.0", ("skos:ConceptScheme",), None, "Publisher type")


def publisher_type(type_iri: str) -> list[Term]:
    """An ADMS publisher type (setting ``catalog_publisher_type``) as a concept of its scheme, and the scheme."""
    code = type_iri.removeprefix(ADMS_PUBLISHER_TYPE)
    concept = Term(type_iri, ("skos:Concept",), PUBLISHER_TYPE_SCHEME.iri, PUBLISHER_TYPE_LABELS.get(code, code))
    return [concept, PUBLISHER_TYPE_SCHEME]
