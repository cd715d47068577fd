"""The DCAT-AP 3.0.1 SHACL shapes and the findings they give on a catalogue's triples.

The shapes are vendored, unchanged, in ``tests/conformance/dcat-ap-3.0.1/`` (SEMICeu/DCAT-AP ``releases/3.0.1``,
CC BY 4.0: its README says where from and under what licence; tests/test_conformance_copy.py keeps the bytes), so
every clone checks conformance.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyshacl
import rdflib
from pyoxigraph import RdfFormat, Triple, serialize

SHAPES = Path(__file__).resolve().parent / "conformance" / "dcat-ap-3.0.1"

NS = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def short(value: str) -> str:
    for prefix, namespace in NS.items():
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace) :]}"
    return value


def to_rdflib(triples: Iterable[Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=serialize(list(triples), format=RdfFormat.N_TRIPLES), format="nt")


def shapes(*names: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
        graph.parse(SHAPES / name, format="turtle")
    return graph


Finding = tuple[str, str, str, str]  # severity, focus node classes, path, constraint component


def findings(triples: Iterable[Triple], *shape_files: str, details: bool = False) -> list[tuple[Finding, str]]:
    """The top-level SHACL results (with ``details``: also the sh:detail results under them) as
    (severity, focus classes, path, component) and the focus node."""
    data = to_rdflib(triples)
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes(*shape_files), inference="none", allow_warnings=True
    )
    assert isinstance(report, rdflib.Graph)
    sh = rdflib.Namespace(NS["sh"])
    nested = set(report.objects(None, sh.detail))
    out: list[tuple[Finding, str]] = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        if result in nested and not details:
            continue
        focus = report.value(result, sh.focusNode)
        classes = " ".join(sorted(short(str(c)) for c in data.objects(focus, rdflib.RDF.type)))
        path = report.value(result, sh.resultPath)
        component = str(report.value(result, sh.sourceConstraintComponent)).rsplit("#", 1)[-1]
        severity = str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
        out.append(((severity, classes, short(str(path)) if path else "", component), str(focus)))
    return out
