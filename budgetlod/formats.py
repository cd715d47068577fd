"""Every format budgetlod reads or writes, and the one content negotiation that picks among them.

One table (:class:`Format`): RDF graph and dataset formats (pyoxigraph's :class:`~pyoxigraph.RdfFormat`), SPARQL
results formats, HTML — each with its short name (the ``format`` parameter, ``--to``), media type and the media types
that also ask for it, file suffix and W3C format IRI. :func:`negotiate` chooses one of those a request offers, by
the ``format`` parameter or by ``Accept`` (RFC 9110 §12.5.1); :func:`split_suffix` by a page's suffix;
:func:`language` the zh/en of a page. :func:`to_bytes` writes statements in a stable order with the one prefix map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Quad, RdfFormat, Triple, serialize

from budgetlod.prefixes import PREFIXES

FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # the short name of the ``format`` parameter and of --to
    media_type: str
    extension: str  # the file suffix, without the dot
    aliases: tuple[str, ...] = ()  # other media types that ask for it
    short_names: tuple[str, ...] = ()  # other short names that ask for it
    w3c: str = ""  # the http://www.w3.org/ns/formats/ IRI (service description)
    rdf: RdfFormat | None = None  # pyoxigraph's format, for RDF

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "trig", "triples"))
        return f"{self.media_type}; charset=utf-8" if textual or self.name == "nq" else self.media_type

    @property
    def suffix(self) -> str:
        return "." + self.extension


JSON = Format(
    "json",
    "application/sparql-results+json",
    "srj",
    ("application/json", "text/javascript", "application/javascript"),
    ("srj",),
    f"{FORMATS_NS}SPARQL_Results_JSON",
)
XML = Format(
    "xml",
    "application/sparql-results+xml",
    "srx",
    ("application/xml", "text/xml"),
    ("srx",),
    f"{FORMATS_NS}SPARQL_Results_XML",
)
CSV = Format("csv", "text/csv", "csv", (), (), f"{FORMATS_NS}SPARQL_Results_CSV")
TSV = Format("tsv", "text/tab-separated-values", "tsv", (), (), f"{FORMATS_NS}SPARQL_Results_TSV")
TURTLE = Format(
    "ttl",
    "text/turtle",
    "ttl",
    ("application/x-turtle", "application/turtle"),
    ("turtle", "n3"),
    f"{FORMATS_NS}Turtle",
    RdfFormat.TURTLE,
)
NTRIPLES = Format(
    "nt",
    "application/n-triples",
    "nt",
    ("text/plain",),
    ("ntriples", "n-triples"),
    f"{FORMATS_NS}N-Triples",
    RdfFormat.N_TRIPLES,
)
JSONLD = Format(
    "jsonld",
    "application/ld+json",
    "jsonld",
    ("application/json",),
    ("json-ld", "json"),
    f"{FORMATS_NS}JSON-LD",
    RdfFormat.JSON_LD,
)
RDFXML = Format(
    "rdfxml",
    "application/rdf+xml",
    "rdf",
    ("application/xml", "text/xml"),
    ("rdf+xml", "rdf", "xml"),
    f"{FORMATS_NS}RDF_XML",
    RdfFormat.RDF_XML,
)
NQUADS = Format("nq", "application/n-quads", "nq", (), ("nquads", "n-quads"), f"{FORMATS_NS}N-Quads", RdfFormat.N_QUADS)
TRIG = Format("trig", "application/trig", "trig", (), (), f"{FORMATS_NS}TriG", RdfFormat.TRIG)
HTML = Format("html", "text/html", "html", ("application/xhtml+xml",))

RESULT_FORMATS = (JSON, XML, CSV, TSV)  # SELECT and ASK, in the server's order of preference
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG)  # CONSTRUCT and DESCRIBE, files (--to)
PAGE_FORMATS = (TURTLE, HTML, JSONLD, NTRIPLES)  # a Linked Data page (the order breaks ties)
PAGE_RDF_FORMATS = (TURTLE, JSONLD, NTRIPLES)
BY_NAME = {f.name: f for f in (*RESULT_FORMATS, *GRAPH_FORMATS, HTML)}
RDF_FORMATS: dict[str, RdfFormat] = {f.name: f.rdf for f in GRAPH_FORMATS if f.rdf is not None}
QUAD_FORMATS = {"nq", "trig", "jsonld"}  # formats that keep the graph of each statement

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


# --- content negotiation -------------------------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``"text/html;q=0.9, */*;q=0.1"`` -> [("text/html", 0.9), ("*/*", 0.1)]; parameters other than q are ignored,
    malformed ranges (and ranges with a malformed q) skipped; a bare ``*`` is ``*/*``."""
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = "*/*" if media == "*" else media.lower()
        if media.count("/") != 1 or not all(media.split("/")):
            continue
        q = 1.0
        for param in params:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(raw.strip()), 0.0), 1.0)
                except ValueError:
                    q = -1.0
        if q >= 0:
            ranges.append((media, q))
    return ranges


def _matches(media_type: str, ranges: list[tuple[str, float]]) -> tuple[int, float]:
    """(specificity, q) of the most specific range matching a media type: 2 named, 1 ``type/*``, 0 ``*/*``,
    -1 none."""
    kind = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, q in ranges:
        specificity = 2 if media == media_type else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if specificity > best[0]:
            best = (specificity, q)
    return best


def negotiate(accept: str | None, offered: Sequence[Format], requested: Sequence[str] = ()) -> Format | None:
    """The format to answer in, or None (406).

    ``requested`` are the values of the ``format`` parameter (short names or media types): the first one offered
    wins, and one that names nothing offered is not acceptable. Otherwise ``Accept`` decides: a format named
    explicitly (by its media type, or a little less by one of its aliases) gets that q; otherwise the q a wildcard
    gives its own media type. The highest q wins; on equal q a format named explicitly beats one matched by a
    wildcard, then the earlier offered. No ``Accept`` (or none that parses) gives the first offered.
    """
    if requested:
        for value in requested:
            wanted = value.strip().lower().replace(" ", "+")  # an unencoded '+' arrives as a space
            wanted = wanted.split(";")[0].strip()
            for fmt in offered:
                if wanted in (fmt.name, *fmt.short_names, fmt.media_type, *fmt.aliases):
                    return fmt
        return None
    ranges = parse_accept(accept) if accept else []
    if not ranges:
        return offered[0] if offered else None
    scored: list[tuple[float, int, int, Format]] = []
    for order, fmt in enumerate(offered):
        named = [
            q if media_type == fmt.media_type else q * 0.999
            for media_type in (fmt.media_type, *fmt.aliases)
            for specificity, q in [_matches(media_type, ranges)]
            if specificity == 2
        ]
        q, explicit = (max(named), 1) if named else (_matches(fmt.media_type, ranges)[1], 0)
        if q > 0:
            scored.append((q, explicit, -order, fmt))
    return max(scored, key=lambda item: item[:3])[3] if scored else None


def split_suffix(path: str, offered: Sequence[Format] = PAGE_FORMATS) -> tuple[str, Format | None]:
    """``…/t03.ttl`` -> (``…/t03``, Turtle); a path without a suffix of the offered formats -> (path, None)."""
    for fmt in offered:
        if path.endswith(fmt.suffix) and not path.endswith("/" + fmt.suffix):
            return path[: -len(fmt.suffix)], fmt
    return path, None


def language(query_lang: str | None, accept_language: str | None) -> tuple[str, bool]:
    """The language of a page — ``?lang=zh|en``, else the first of zh/en in Accept-Language (by q), else zh — and
    whether Accept-Language decided it."""
    if query_lang and query_lang.lower() in LANGUAGES:
        return query_lang.lower(), False
    if accept_language:
        tags: list[tuple[float, int, str]] = []
        for order, part in enumerate(accept_language.split(",")):
            tag, *params = (piece.strip() for piece in part.split(";"))
            q = 1.0
            for param in params:
                name, _, raw = param.partition("=")
                if name.strip().lower() == "q":
                    try:
                        q = float(raw.strip())
                    except ValueError:
                        q = 0.0
            if q > 0:
                tags.append((q, -order, tag.split("-")[0].lower()))
        for _, _, primary in sorted(tags, reverse=True):
            if primary in LANGUAGES:
                return primary, True
    return DEFAULT_LANGUAGE, bool(accept_language)


# --- writing RDF ---------------------------------------------------------------------------------------------


def _key(statement: Triple | Quad) -> tuple[str, str, str, str]:
    graph = str(statement.graph_name) if isinstance(statement, Quad) else ""
    return (graph, str(statement.subject), str(statement.predicate), str(statement.object))


def used_prefixes(statements: Iterable[Triple | Quad]) -> dict[str, str]:
    """The prefixes of the one prefix map that the statements use (an IRI or a datatype), in the map's order."""
    text = " ".join(" ".join(_key(s)) for s in statements)
    return {p: ns for p, ns in PREFIXES.items() if ns in text}


def to_bytes(statements: Iterable[Triple | Quad], fmt: str, *, ordered: bool = True) -> bytes:
    """Serialize in the format named ``fmt`` (a key of :data:`RDF_FORMATS`), in a stable order (by graph, subject,
    predicate, object) unless ``ordered`` is False (an answer keeps the order it was found in); Turtle, TriG and
    RDF/XML with the prefixes they use."""
    statements = sorted(statements, key=_key) if ordered else list(statements)
    prefixes = used_prefixes(statements) if fmt in ("ttl", "trig", "rdfxml") else None
    if fmt in QUAD_FORMATS:
        quads = [s if isinstance(s, Quad) else Quad(s.subject, s.predicate, s.object) for s in statements]
        out = serialize(quads, format=RDF_FORMATS[fmt], prefixes=prefixes)
    else:
        triples = [s.triple if isinstance(s, Quad) else s for s in statements]
        out = serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)
    assert out is not None
    if fmt in ("ttl", "trig") and prefixes:
        return _prefixes_in_map_order(out, list(prefixes))
    return out


def _prefixes_in_map_order(data: bytes, order: list[str]) -> bytes:
    lines = data.split(b"\n")
    head = [line for line in lines if line.startswith(b"@prefix ")]
    rest = [line for line in lines if not line.startswith(b"@prefix ")]
    rank = {p: i for i, p in enumerate(order)}
    head.sort(key=lambda line: rank.get(line.split(b" ")[1].rstrip(b":").decode(), len(rank)))
    return b"\n".join(head + rest)
