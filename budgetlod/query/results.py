"""Query results as bytes, in the formats of :mod:`budgetlod.formats`.

SELECT and ASK results are written here, following the W3C recommendations to the letter:
SPARQL 1.1 Query Results JSON Format, SPARQL Query Results XML Format (Second Edition) and
SPARQL 1.1 Query Results CSV and TSV Formats. Graphs (CONSTRUCT, DESCRIBE) go through
:func:`budgetlod.formats.to_bytes`, in the order found. The row limit is applied by the caller, which collects at
most ``row_limit + 1`` solutions or triples from the query's iterator (the query text is never rewritten).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Triple, serialize

from budgetlod.formats import CSV, JSON, TSV, XML, Format, to_bytes
from budgetlod.prefixes import XSD

Term = NamedNode | BlankNode | Literal | Triple
Row = Sequence[Term | None]

XSD_STRING = f"{XSD}string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"

SELECT, ASK, GRAPH = "select", "ask", "graph"  # the kinds of result


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


def write_graph(fmt: Format, triples: Sequence[Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in an RDF format, in the order given; Turtle, TriG and RDF/XML with the project's prefixes they use,
    or with ``prefixes`` when given."""
    if fmt.rdf is None:
        raise ValueError(f"not an RDF format: {fmt.name}")
    if prefixes is None or fmt.name not in ("ttl", "trig", "rdfxml"):
        return to_bytes(triples, fmt.name, ordered=False)
    return serialize(triples, format=fmt.rdf, prefixes=prefixes) or b""
