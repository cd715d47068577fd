"""Query results as bytes, and the content negotiation that picks their format.

SELECT and ASK results are written here, following the W3C recommendations to the letter:
SPARQL 1.1 Query Results JSON Format, SPARQL Query Results XML Format (Second Edition) and
SPARQL 1.1 Query Results CSV and TSV Formats. Graphs (CONSTRUCT, DESCRIBE) go through
:func:`pyoxigraph.serialize`. The row limit is applied by the caller, which collects at most
``row_limit + 1`` solutions or triples from the query's iterator (the query text is never rewritten).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from budgetlod.prefixes import PREFIXES

Term = NamedNode | BlankNode | Literal | Triple
Row = Sequence[Term | None]

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = f"{XSD}string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"

SELECT, ASK, GRAPH = "select", "ask", "graph"  # the kinds of result


@dataclass(frozen=True)
class Format:
    name: str  # the short name of the ``format`` parameter
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()  # other media types that ask for it
    short_names: tuple[str, ...] = ()  # other short names that ask for it
    w3c: str = ""  # the http://www.w3.org/ns/formats/ IRI (service description)

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "xml", "trig", "triples"))
        return f"{self.media_type}; charset=utf-8" if textual or self.name == "nq" else self.media_type


FORMATS_NS = "http://www.w3.org/ns/formats/"
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
    "ttl", "text/turtle", "ttl", ("application/x-turtle", "application/turtle"), ("turtle", "n3"), f"{FORMATS_NS}Turtle"
)
NTRIPLES = Format(
    "nt", "application/n-triples", "nt", ("text/plain",), ("ntriples", "n-triples"), f"{FORMATS_NS}N-Triples"
)
JSONLD = Format(
    "jsonld", "application/ld+json", "jsonld", ("application/json",), ("json-ld", "json"), f"{FORMATS_NS}JSON-LD"
)
RDFXML = Format(
    "rdfxml",
    "application/rdf+xml",
    "rdf",
    ("application/xml", "text/xml"),
    ("rdf+xml", "rdf", "xml"),
    f"{FORMATS_NS}RDF_XML",
)
NQUADS = Format("nq", "application/n-quads", "nq", (), ("nquads", "n-quads"), f"{FORMATS_NS}N-Quads")
TRIG = Format("trig", "application/trig", "trig", (), (), f"{FORMATS_NS}TriG")
HTML = Format("html", "text/html", "html", ("application/xhtml+xml",))

RESULT_FORMATS = (JSON, XML, CSV, TSV)  # SELECT and ASK, in the server's order of preference
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML, NQUADS, TRIG)  # CONSTRUCT and DESCRIBE
BY_NAME = {f.name: f for f in (*RESULT_FORMATS, *GRAPH_FORMATS, HTML)}
RDF_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
}


# --- content negotiation --------------------------------------------------------------------------


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, q) pairs; parameters other than q are ignored."""
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    return ranges


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> float:
    """The q the client gives a format: that of the most specific range matching it."""
    best: tuple[int, float] = (-1, 0.0)
    for media_range, q in ranges:
        kind, _, sub = media_range.partition("/")
        for media_type in (fmt.media_type, *fmt.aliases):
            if media_range == media_type:
                specificity = 2
            elif sub == "*" and media_type.startswith(kind + "/"):
                specificity = 1
            elif media_range in ("*/*", "*"):
                specificity = 0
            else:
                continue
            # an alias is a slightly weaker match than the format's own media type
            weight = q if media_type == fmt.media_type else q * 0.999
            if (specificity, weight) > best:
                best = (specificity, weight)
    return best[1]


def negotiate(accept: str | None, offered: Sequence[Format], requested: Sequence[str] = ()) -> Format | None:
    """The format to answer in, or None (406).

    ``requested`` are the values of the ``format`` parameter: short names (json, xml, csv, tsv, ttl,
    nt, jsonld, rdfxml, nq, trig, html) or media types; the first one offered wins, and a parameter
    that names nothing offered is not acceptable. Otherwise ``Accept`` decides (q-values, ``type/*``
    and ``*/*``; ties go to the earlier offered format); no ``Accept`` gives the first offered.
    """
    if requested:
        for value in requested:
            wanted = value.strip().lower().replace(" ", "+")  # an unencoded '+' arrives as a space
            wanted = wanted.split(";")[0].strip()
            for fmt in offered:
                if wanted in (fmt.name, *fmt.short_names, fmt.media_type, *fmt.aliases):
                    return fmt
        return None
    if not accept or not accept.strip():
        return offered[0] if offered else None
    ranges = parse_accept(accept)
    scored = [(_quality(fmt, ranges), -i, fmt) for i, fmt in enumerate(offered)]
    q, _, fmt = max(scored, key=lambda s: (s[0], s[1]))
    return fmt if q > 0 else None


# --- terms ----------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if term.direction is not None:
            out["its:dir"] = str(term.direction).rsplit(".", 1)[-1].lower()
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str, attribute: bool = False) -> str:
    # Characters XML 1.0 cannot carry at all become U+FFFD; CR is escaped so a parser keeps it.
    text = _XML_INVALID.sub("\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        direction = ""
        if term.direction is not None:
            direction = f' its:dir="{str(term.direction).rsplit(".", 1)[-1].lower()}"'
        return f'<literal xml:lang="{_xml_text(term.language, True)}"{direction}>{_xml_text(term.value)}</literal>'
    if term.datatype.value != XSD_STRING:
        return f'<literal datatype="{_xml_text(term.datatype.value, True)}">{_xml_text(term.value)}</literal>'
    return f"<literal>{_xml_text(term.value)}</literal>"


def _turtle_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped.replace("\t", "\\t") + '"'


# Turtle's own numeric tokens: a literal whose lexical form is one of them may be written bare in TSV
_TURTLE_NUMBERS = {
    f"{XSD}integer": re.compile(r"[+-]?[0-9]+"),
    f"{XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{XSD}double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+)"),
}


def _tsv_term(term: Term) -> str:
    """A term in Turtle/SPARQL syntax, as the TSV format wants it."""
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    if term.language:
        direction = f"--{str(term.direction).rsplit('.', 1)[-1].lower()}" if term.direction is not None else ""
        return f"{_turtle_string(term.value)}@{term.language}{direction}"
    datatype = term.datatype.value
    number = _TURTLE_NUMBERS.get(datatype)
    if number is not None and number.fullmatch(term.value):
        return term.value
    if datatype == XSD_STRING:
        return _turtle_string(term.value)
    return f"{_turtle_string(term.value)}^^<{datatype}>"


def _csv_quote(text: str) -> str:
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return _csv_quote(f"_:{term.value}")
    if isinstance(term, Triple):
        return _csv_quote(_tsv_term(term))
    return _csv_quote(term.value)  # an IRI as is; a literal's lexical form, without datatype or language


# --- writers --------------------------------------------------------------------------------------


def write_select(fmt: Format, variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    if fmt is JSON:
        bindings = [
            {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
            for row in rows
        ]
        document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    if fmt is XML:
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#" xmlns:its="http://www.w3.org/2005/11/its">\n'
            "<head>",
            *(f'<variable name="{_xml_text(name, True)}"/>' for name in variables),
            "</head>\n<results>\n",
        ]
        for row in rows:
            parts.append("<result>")
            parts += [
                f'<binding name="{_xml_text(name, True)}">{_xml_term(term)}</binding>'
                for name, term in zip(variables, row, strict=True)
                if term is not None
            ]
            parts.append("</result>\n")
        parts.append("</results>\n</sparql>\n")
        return "".join(parts).encode()
    if fmt is CSV:
        lines = [",".join(_csv_quote(name) for name in variables)]
        lines += [",".join(_csv_field(term) for term in row) for row in rows]
        return "".join(line + "\r\n" for line in lines).encode()
    if fmt is TSV:
        lines = ["\t".join(f"?{name}" for name in variables)]
        lines += ["\t".join("" if term is None else _tsv_term(term) for term in row) for row in rows]
        return "".join(line + "\n" for line in lines).encode()
    raise ValueError(f"not a SELECT results format: {fmt.name}")


def write_ask(fmt: Format, value: bool) -> bytes:
    text = "true" if value else "false"
    if fmt is JSON:
        return ('{"head":{},"boolean":' + text + "}").encode()
    if fmt is XML:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head></head>\n<boolean>{text}</boolean>\n</sparql>\n"
        ).encode()
    if fmt in (CSV, TSV):
        # Not defined by the W3C CSV/TSV note; the bare value, as Oxigraph writes it.
        return f"{text}\n".encode()
    raise ValueError(f"not an ASK results format: {fmt.name}")


def used_prefixes(triples: Sequence[Triple]) -> dict[str, str]:
    """The project's prefixes that some IRI of the triples starts with (Turtle, TriG, RDF/XML)."""
    iris: set[str] = set()

    def collect(term: object) -> None:
        if isinstance(term, NamedNode):
            iris.add(term.value)
        elif isinstance(term, Literal):
            iris.add(term.datatype.value)
        elif isinstance(term, Triple):
            for part in (term.subject, term.predicate, term.object):
                collect(part)

    for triple in triples:
        collect(triple)
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def write_graph(fmt: Format, triples: Sequence[Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in an RDF format; Turtle, TriG and RDF/XML use the project's prefixes (those used)."""
    rdf_format = RDF_FORMATS.get(fmt.name)
    if rdf_format is None:
        raise ValueError(f"not an RDF format: {fmt.name}")
    if fmt.name not in ("ttl", "trig", "rdfxml"):
        prefixes = None
    elif prefixes is None:
        prefixes = used_prefixes(triples)
    return serialize(triples, format=rdf_format, prefixes=prefixes) or b""
