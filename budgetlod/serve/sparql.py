"""The SPARQL 1.1 Protocol at ``/sparql`` (query only), the service description and the query page.

Requests: GET ``?query=``; POST ``application/x-www-form-urlencoded`` (``query=`` in the body); POST
``application/sparql-query`` (the body is the query). ``default-graph-uri`` / ``named-graph-uri`` give
the dataset, and then only they do (SPARQL 1.1 Protocol 2.1.4: ``named-graph-uri`` alone leaves the
default graph empty, ``default-graph-uri`` alone leaves no named graphs). Without them, and without
FROM / FROM NAMED in the query, the default graph is the union of all named graphs (Oxigraph's union:
a triple asserted in several graphs matches once per graph, so count with DISTINCT where that
matters), and GRAPH ranges over every named graph.

Answers: SELECT/ASK as SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle, N-Triples,
JSON-LD, RDF/XML, N-Quads or TriG; chosen by the ``format`` (or ``output``) parameter, else by
``Accept``; JSON and Turtle when ``Accept`` is absent or ``*/*``; 406 when nothing offered is
acceptable. Every answer carries ``X-Result-Truncated`` and ``X-Row-Limit``.

Refused: SPARQL Update (403), SERVICE and LOAD in any spelling Oxigraph reads as such (403: the server never fetches
anything; :mod:`budgetlod.serve.querycheck`, checked off the event loop), a syntax error (400, the parser's message
with line and column), a body over ``max_request_bytes`` (413), a query string over it (414), a timeout or a query
past the memory limit (503), a full server (503) or a client with ``client_queries`` running (429), both with
``Retry-After`` (:mod:`budgetlod.serve.admission`). An answer past ``row_limit`` rows or ``answer_bytes`` bytes is
cut and says so: ``X-Result-Truncated: true`` and ``X-Result-Truncated-By: rows|bytes|store``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from starlette.concurrency import run_in_threadpool

from budgetlod import __version__, formats
from budgetlod.query import results
from budgetlod.query.library import named_queries
from budgetlod.serve import syntax_words
from budgetlod.serve.admission import Busy, admitted
from budgetlod.serve.backend import Backend
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.deps import get_backend, get_config
from budgetlod.serve.errors import query_failure
from budgetlod.serve.querycheck import check
from budgetlod.serve.workers import (
    NotAcceptable,
    QueryError,
    QueryOptions,
    QuerySyntaxError,
)
from budgetlod.store.embedded import StoreError

router = APIRouter()

STATIC = Path(__file__).resolve().parent / "static"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
SD_FORMATS = (formats.TURTLE, formats.JSONLD, formats.RDFXML, formats.NTRIPLES)
OFFERED = {
    results.SELECT: formats.RESULT_FORMATS,
    results.ASK: formats.RESULT_FORMATS,
    results.GRAPH: formats.GRAPH_FORMATS,
}
KIND_NAMES = {results.SELECT: "SELECT", results.ASK: "ASK", results.GRAPH: "CONSTRUCT/DESCRIBE"}

Params = list[tuple[str, str]]


class Refused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def _values(params: Params, name: str) -> list[str]:
    return [value for key, value in params if key == name]


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) when its Content-Length or the bytes actually sent exceed the limit."""
    too_large = Refused(413, f"The request body is larger than the limit of {limit} bytes.")
    length = request.headers.get("content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


@router.get("/sparql", response_model=None)
async def sparql_get(request: Request) -> Response:
    """SPARQL query by GET; without a query: the service description, or the query page for browsers."""
    config = get_config(request)
    if len(request.url.query.encode()) > config.max_request_bytes:
        return _error(414, f"The query string is longer than the limit of {config.max_request_bytes} bytes.")
    params = parse_qsl(request.url.query, keep_blank_values=True)
    try:
        return await _answer(request, params, None)
    except Refused as exc:
        return _error(exc.status, exc.message, exc.headers)


@router.post("/sparql", response_model=None)
async def sparql_post(request: Request) -> Response:
    """SPARQL query by POST: a form (``query=``) or the query itself (``application/sparql-query``)."""
    config = get_config(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type == SPARQL_UPDATE:
            raise Refused(403, "SPARQL Update is not accepted: this endpoint is read-only.")
        body = await _read_body(request, config.max_request_bytes)
        params = parse_qsl(request.url.query, keep_blank_values=True)
        if content_type == FORM:
            try:
                params += parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise Refused(400, "The form body is not UTF-8.") from None
            return await _answer(request, params, None, post=True)
        if content_type == SPARQL_QUERY:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(400, "The query is not UTF-8.") from None
            return await _answer(request, params, text, post=True)
        raise Refused(
            415,
            f"POST a query as {FORM} (query=...) or as {SPARQL_QUERY}; got {content_type or 'no Content-Type'}.",
        )
    except Refused as exc:
        return _error(exc.status, exc.message, exc.headers)


def _requested_formats(params: Params) -> list[str]:
    return _values(params, "format") + _values(params, "output")


def _not_acceptable(kind: str) -> Refused:
    names = ", ".join(f"{f.name} ({f.media_type})" for f in OFFERED[kind])
    return Refused(406, f"{KIND_NAMES[kind]} results can be given as: {names}.", {"Vary": "Accept"})


async def _answer(request: Request, params: Params, body_query: str | None, post: bool = False) -> Response:
    config = get_config(request)
    if _values(params, "update"):
        raise Refused(403, "SPARQL Update is not accepted: this endpoint is read-only.")
    queries = _values(params, "query") + ([body_query] if body_query is not None else [])
    accept = request.headers.get("accept")
    requested = _requested_formats(params)
    if not queries:
        if post:
            raise Refused(400, "No query: send query=... (form) or the query as application/sparql-query.")
        return await _describe_or_page(request, accept, requested)
    if len(queries) > 1:
        raise Refused(400, "Send exactly one query.")
    query = queries[0]
    if not query.strip():
        raise Refused(400, "The query is empty.")

    inspected = await run_in_threadpool(check, query)  # linear, but a 1 MB body takes a while: not on the loop
    if inspected.update is not None:
        what = "LOAD (fetching data from elsewhere)" if inspected.update == "LOAD" else "SPARQL Update"
        raise Refused(403, f"{what} is not accepted: this endpoint is read-only and never fetches anything.")
    if inspected.service:
        raise Refused(403, "SERVICE (federated query) is not accepted: this endpoint never fetches from other servers.")

    if not requested and inspected.kind is not None:
        offered = (*OFFERED[inspected.kind], formats.HTML)
        if formats.negotiate(accept, offered) is formats.HTML:
            return _query_page()
    chosen_formats: dict[str, str] = {}
    for kind, offered_formats in OFFERED.items():
        chosen = formats.negotiate(accept, offered_formats, requested)
        if chosen is not None:
            chosen_formats[kind] = chosen.name
    if inspected.kind is not None and inspected.kind not in chosen_formats:
        raise _not_acceptable(inspected.kind)

    default_graphs = _values(params, "default-graph-uri")
    named_graphs = _values(params, "named-graph-uri")
    for graph in (*default_graphs, *named_graphs):
        try:
            NamedNode(graph)
        except ValueError as exc:
            raise Refused(
                400, f"Not an absolute IRI in default-graph-uri / named-graph-uri: {graph!r} ({exc})"
            ) from None
    given = bool(default_graphs or named_graphs)
    options = QueryOptions(
        formats=chosen_formats,
        row_limit=config.row_limit,
        union_default_graph=not inspected.dataset,
        default_graphs=tuple(default_graphs) if given else None,
        named_graphs=tuple(named_graphs) if given else None,
    )
    backend = get_backend(request)
    try:
        async with admitted(request):
            outcome = await run_in_threadpool(backend.run, query, options)
    except QuerySyntaxError as exc:
        raise Refused(400, syntax_message(str(exc), query)) from None
    except NotAcceptable as exc:
        raise _not_acceptable(exc.kind) from None
    except (Busy, QueryError) as exc:
        raise Refused(*query_failure(exc)) from None
    headers = outcome.headers(config.row_limit, config.answer_bytes)
    return Response(outcome.body, media_type=outcome.media_type, headers=headers)


_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)


def syntax_message(parser_message: str, query: str) -> str:
    """What is wrong, in words (:mod:`budgetlod.serve.syntax_words`), with its line and column, the line of the
    query with a caret, and the parser's own message last."""
    match = _POSITION.match(parser_message.strip())
    if match is None:
        return f"SPARQL syntax error: {parser_message}"
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = query.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    pointer = " " * max(0, column - 1) + "^"
    words = syntax_words.explain(detail, query, line, column)
    return (
        f"SPARQL syntax error at line {line}, column {column}: {words}\n\n{text}\n{pointer}\n\n"
        f"(the parser: {syntax_words.parser_line(detail)})"
    )


# --- service description and query page ------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT = "http://purl.org/dc/terms/"


def endpoint_url(request: Request) -> str:
    base = get_config(request).public_base_url.rstrip("/")
    return f"{base}/sparql" if base else str(request.url.replace(query="", fragment=""))


def service_description(endpoint: str, graphs: list[str], config: ServerConfig) -> list[Triple]:
    def sd(local: str) -> NamedNode:
        return NamedNode(SD + local)

    service, dataset, default = BlankNode("service"), BlankNode("dataset"), BlankNode("defaultGraph")
    description = NamedNode(DCT + "description")
    triples = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        *(
            Triple(service, sd("resultFormat"), NamedNode(f.w3c))
            for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)
        ),
        Triple(
            service,
            description,
            Literal(
                f"budgetlod {__version__}: read-only SPARQL 1.1 query endpoint (no Update, SERVICE or LOAD); "
                f"queries stop after {config.query_timeout:g} s; at most {config.row_limit} rows or triples per "
                "answer (header X-Result-Truncated says when more were found).",
                language="en",
            ),
        ),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default),
        *(Triple(dataset, sd("namedGraph"), BlankNode(f"graph{n}")) for n in range(len(graphs))),
        Triple(default, RDF_TYPE, sd("Graph")),
        Triple(
            default,
            description,
            Literal(
                (
                    "The default graph is the remote store's (Virtuoso: the union of all its graphs, its own system "
                    "graphs included)"
                    if config.endpoint
                    else "The default graph is the union of all named graphs (a triple stated in several graphs "
                    "matches once per graph)"
                )
                + "; default-graph-uri / named-graph-uri, or FROM / FROM NAMED, choose another dataset.",
                language="en",
            ),
        ),
    ]
    for number, graph in enumerate(sorted(graphs)):
        node = BlankNode(f"graph{number}")
        triples += [Triple(node, RDF_TYPE, sd("NamedGraph")), Triple(node, sd("name"), NamedNode(graph))]
    return triples


SD_PREFIXES = {
    "sd": SD,
    "formats": formats.FORMATS_NS,
    "dct": DCT,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}


def _graph_names(backend: Backend) -> list[str]:
    try:
        return backend.graph_names()
    except (StoreError, OSError):
        return []


async def _describe_or_page(request: Request, accept: str | None, requested: list[str]) -> Response:
    fmt = formats.negotiate(accept, (*SD_FORMATS, formats.HTML), requested)
    if fmt is None:
        names = ", ".join(f"{f.name} ({f.media_type})" for f in (*SD_FORMATS, formats.HTML))
        raise Refused(406, f"The service description can be given as: {names}.", {"Vary": "Accept"})
    if fmt is formats.HTML:
        return _query_page()
    config = get_config(request)
    graphs = await run_in_threadpool(_graph_names, get_backend(request))
    body = results.write_graph(fmt, service_description(endpoint_url(request), graphs, config), SD_PREFIXES)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


@cache
def _page_bytes(name: str = "query.html") -> bytes:
    return (STATIC / name).read_bytes()


def _query_page() -> Response:
    return Response(_page_bytes(), media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


@router.get("/sparql/query.js", include_in_schema=False)
def query_script() -> Response:
    """The query page's script (the page itself has no inline script: Content-Security-Policy)."""
    return Response(_page_bytes("query.js"), media_type="text/javascript; charset=utf-8")


@router.get("/sparql/examples")
def examples() -> JSONResponse:
    """The example queries of ``queries/`` for the query page: name, summary, description, and the text without its
    ``#+`` header (the page shows the description apart; the editor gets the query)."""
    return JSONResponse(
        [
            {"name": q.name, "summary": q.summary, "description": q.description, "query": without_header(q.text)}
            for q in named_queries()
        ]
    )


def without_header(text: str) -> str:
    """A query's text from its first line that is not a ``#+`` header line (nor blank between them)."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (lines[start].startswith("#+") or not lines[start].strip()):
        start += 1
    return "\n".join(lines[start:]) + "\n"
