"""JSON-LD -> RDF gives back exactly the publication graph, with pyld and with jsonld.js (npm ``jsonld``), for the
sample, 200 generated disclosures and 3 generated disclosures with injected errors (validated: their graphs carry
DQV quality annotations).  Each document is the framed one that ``budgetlod export --frame`` and the server give.

The documents are made once for the module, in two worker processes (framing and pyld's ``to_rdf`` take some
0.3 s each per document); jsonld.js converts all of them in one ``node`` run.  Graphs are compared as sets of
N-Triples lines (the publication graph has no blank nodes), by SHA-256 of the sorted lines.  No network: sockets
are blocked in this process and in the workers; jsonld.js gets a loader that serves only the local context.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import socket
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from paths import SAMPLE
from pyoxigraph import Quad, RdfFormat, Triple, parse
from tools import require, requires

from budgetlod import resources
from budgetlod.parse.document import parse_text
from budgetlod.pipeline import convert
from budgetlod.publish import jsonld as pub
from budgetlod.rdf.graph import to_quads
from budgetlod.testing.corpus import generate

pytestmark = pytest.mark.slow  # 204 documents framed and converted back twice: about 100 s on two idle cores

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = Path(__file__).resolve().parent / "node"
SCRIPT = NODE_DIR / "jsonld-tordf.mjs"
SEED, COUNT = 2026, 200
ERROR_DOCS = (("wrong_subtotal", "unknown_code"), ("malformed_amount", "wrong_share"), ("dropped_row", "wrong_rate"))
SAMPLE_AMOUNT = (
    "<https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget/t03/total/total> "
    '<http://data.openbudgets.eu/ontology/dsd/measure/amount> "1487.40"^^<http://www.w3.org/2001/XMLSchema#decimal>'
)


class NetworkBlocked(RuntimeError):
    """A JSON-LD test tried to open a network connection."""


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise NetworkBlocked(f"network access during a JSON-LD test: {args[:2]!r}")


def block_network() -> None:
    """Make every socket connection and name lookup of this process raise (the workers' initializer)."""
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse


@pytest.fixture(scope="module", autouse=True)
def no_network() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _refuse)
        patch.setattr(socket.socket, "connect_ex", _refuse)
        patch.setattr(socket, "create_connection", _refuse)
        patch.setattr(socket, "getaddrinfo", _refuse)
        yield


@dataclass(frozen=True)
class Record:
    name: str
    path: str  # the framed .jsonld
    triples: int  # of the publication graph
    expected: str  # digest of the publication graph
    pyld: str  # digest of what pyld's to_rdf gives from the document
    pyld_missing: tuple[str, ...]  # a few triples pyld lost, when it differs
    pyld_extra: tuple[str, ...]
    frame_seconds: float


def lines(statements: Iterable[Triple | Quad]) -> set[str]:
    return {str(s.triple if isinstance(s, Quad) else s) for s in statements}


def digest(found: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest()


def publish_one(job: tuple[str, int, str]) -> Record:
    """One document: its publication graph, framed and written; then back to RDF with pyld."""
    import time

    kind, index, out = job
    if kind == "sample":
        name, quads = "sample", convert(SAMPLE).quads
    elif kind == "generated":
        g = generate(SEED, index)
        name, quads = g.file_name, to_quads(parse_text(g.text, g.file_name))
    else:
        g = generate(SEED + 1, index, errors=ERROR_DOCS[index])
        source = Path(out) / g.file_name
        source.write_text(g.text, encoding="utf-8")
        name, quads = f"errors-{g.file_name}", convert(source).quads
    publication = pub.publication_quads(quads)
    start = time.perf_counter()
    doc = pub.disclosure_document(publication)
    seconds = time.perf_counter() - start
    data = pub.dumps(doc)
    path = Path(out) / f"{kind}-{index:03d}.jsonld"
    path.write_bytes(data)
    expected, back = lines(publication), lines(pub.to_triples(json.loads(data)))
    return Record(
        name,
        str(path),
        len(expected),
        digest(expected),
        digest(back),
        tuple(sorted(expected - back)[:3]),
        tuple(sorted(back - expected)[:3]),
        seconds,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    out = str(tmp_path_factory.mktemp("jsonld"))
    jobs = [("sample", 0, out)]
    jobs += [("generated", i, out) for i in range(COUNT)]
    jobs += [("errors", i, out) for i in range(len(ERROR_DOCS))]
    workers = max(1, min(2, os.cpu_count() or 1))
    with multiprocessing.get_context("spawn").Pool(workers, initializer=block_network) as pool:
        return list(pool.imap(publish_one, jobs, chunksize=4))


def test_pyld_gives_back_the_publication_graph(published: list[Record]) -> None:
    assert len(published) == 1 + COUNT + len(ERROR_DOCS) == 204
    assert published[0].name == "sample" and published[0].triples == 4435
    assert min(r.triples for r in published[1:]) > 3000  # every generated disclosure is a full one
    wrong = [(r.name, r.pyld_missing, r.pyld_extra) for r in published if r.pyld != r.expected]
    assert wrong == []


def jsonldjs_graphs(records: list[Record]) -> Iterator[tuple[Record, set[str]]]:
    """Run jsonld.js once over every document; yield each record with the triples it gave."""
    node = require("npm:jsonld")  # skips, with the reason, where node or the package is missing
    by_path = {r.path: r for r in records}
    command = [node, str(SCRIPT), pub.CONTEXT_IRI, str(resources.context_path()), *by_path]
    with subprocess.Popen(command, cwd=NODE_DIR, stdout=subprocess.PIPE, text=True, encoding="utf-8") as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            answer = json.loads(line)
            assert "error" not in answer, answer
            nquads = answer["nquads"].encode("utf-8")
            yield by_path[answer["file"]], lines(parse(nquads, format=RdfFormat.N_QUADS))
    assert proc.returncode == 0


@requires("npm:jsonld")  # before the module's documents are made
def test_jsonldjs_gives_back_the_publication_graph(published: list[Record]) -> None:
    seen, wrong = 0, []
    for record, found in jsonldjs_graphs(published):
        seen += 1
        if digest(found) != record.expected:
            wrong.append((record.name, len(found), record.triples))
        if record.name == "sample":
            assert SAMPLE_AMOUNT in found  # the printed 1,487.40 keeps its trailing zero
            assert len(found) == 4435
    assert seen == 204 and wrong == []


def test_amounts_survive_as_exact_decimals_in_pyld(published: list[Record]) -> None:
    """Every xsd:decimal of the sample comes back from the JSON string with its lexical form (``1487.40``)."""
    sample = json.loads(Path(published[0].path).read_bytes())
    total = next(row for row in sample["table"][2]["observations"] if row["@id"].endswith("/t03/total/total"))
    assert total["amount"] == "1487.40" and total["amountInYuan"] == "14874000.00"
    decimal = "^^<http://www.w3.org/2001/XMLSchema#decimal>"
    expected = {t for t in lines(pub.publication_quads(convert(SAMPLE).quads)) if t.endswith(decimal)}
    found = {t for t in lines(pub.to_triples(sample)) if t.endswith(decimal)}
    assert SAMPLE_AMOUNT in found and found == expected and len(expected) == 409
    assert sum(1 for t in expected if t.endswith(f'00"{decimal}') or t.endswith(f'0"{decimal}')) > 100
    generated = json.loads(Path(published[1].path).read_bytes())
    amounts = [row["amount"] for table in generated["table"] for row in table.get("observations", [])]
    assert len(amounts) > 100 and all(isinstance(a, str) for a in amounts)
