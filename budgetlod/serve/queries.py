"""The named queries over HTTP: ``/queries`` (the list with their documentation) and ``/queries/{name}``.

* ``GET /queries`` — every query of ``queries/`` with its title, description, typed parameters, example
  and URL: HTML for browsers, JSON for programs (``Accept`` or ``?format=html|json``).
* ``GET /queries/{name}?param=value…`` — the query run with its parameters bound (the defaults for those not
  given; an empty value: unbound) as typed terms in a VALUES block (:mod:`budgetlod.query.params`), through
  the same store and worker pool as ``/sparql`` (timeout, row limit, ``X-Result-Truncated``). Answers: simple JSON
  (``application/json``, ``?format=json``: columns, rows with exact numbers, the parameters used), SPARQL
  results JSON (``application/sparql-results+json``, ``?format=srj``), CSV (``text/csv``, ``?format=csv``)
  or HTML (the parameters as a form, a bar chart as inline SVG where the query declares one, the result
  table). No ``Accept`` (or ``*/*``): simple JSON.
* A parameter the query does not declare, or a value not of its type: 400 with a message naming it.
  Unknown query: 404. Timeout or store unavailable: 503. ``?lang=zh|en`` (else ``Accept-Language``)
  chooses the language of the HTML.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from markupsafe import Markup
from pyoxigraph import BlankNode, NamedNode
from starlette.concurrency import run_in_threadpool

from budgetlod import __version__, formats
from budgetlod.present import jinja
from budgetlod.present.chart import MAX_CATEGORIES, Series, bar_chart
from budgetlod.present.text import TEXT
from budgetlod.query import columns as query_columns
from budgetlod.query import output, results
from budgetlod.query.library import HeaderError, NamedQuery, QueryNotFound, named_queries, named_query
from budgetlod.query.params import ParamError, Term, bind
from budgetlod.query.run import QueryRunError, Result, result_from_json
from budgetlod.serve.admission import Busy, admitted
from budgetlod.serve.config import ServerConfig
from budgetlod.serve.deps import get_backend, get_config
from budgetlod.serve.errors import query_failure
from budgetlod.serve.workers import (
    QueryError,
    QueryOptions,
)
from budgetlod.store.values import with_values

router = APIRouter(tags=["named queries"])

SIMPLE_JSON = formats.Format("json", "application/json", "json")
SRJ = formats.Format("srj", formats.JSON.media_type, "srj", (), ("sparql-json",))
RUN_FORMATS = (SIMPLE_JSON, SRJ, formats.CSV, formats.HTML)
LIST_FORMATS = (SIMPLE_JSON, formats.HTML)
RESERVED = {"format", "lang"}  # query-string keys that are not parameters

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "queries": "命名查询",
        "intro": "每个查询都有文档、带类型的参数与默认值；参数由查询引擎绑定，不拼接进查询文本。"
        "同一查询可用命令行 budgetlod query 运行，或以 JSON、CSV 取得。",
        "params": "参数",
        "name": "名称",
        "type": "类型",
        "default": "默认值",
        "none": "（不填：全部）",
        "description": "说明",
        "example": "命令行",
        "run": "运行",
        "formats": "其他格式",
        "rows": "行",
        "truncated": "结果超过行数上限，只显示前 {n} 行。",
        "chart_note": "图中只画前 {n} 行。",
        "no_rows": "没有结果。",
        "sparql": "技术说明与查询文本（SPARQL）",
        "all": "全部查询",
    },
    "en": {
        "queries": "Named queries",
        "intro": "Each query is documented, with typed parameters and defaults; the engine binds the parameters, "
        "they are never pasted into the query text. Run the same query with budgetlod query on the command "
        "line, or get it as JSON or CSV.",
        "params": "Parameters",
        "name": "Name",
        "type": "Type",
        "default": "Default",
        "none": "(empty: all)",
        "description": "Description",
        "example": "Command line",
        "run": "Run",
        "formats": "Other formats",
        "rows": "rows",
        "truncated": "More rows than the row limit: only the first {n} are shown.",
        "chart_note": "The chart shows the first {n} rows only.",
        "no_rows": "No results.",
        "sparql": "How it is computed, and the query (SPARQL)",
        "all": "All queries",
    },
}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


def _format(request: Request, offered: tuple[formats.Format, ...]) -> formats.Format | None:
    requested = request.query_params.getlist("format")
    return formats.negotiate(request.headers.get("accept"), offered, requested)


def _not_acceptable(offered: tuple[formats.Format, ...]) -> PlainTextResponse:
    names = ", ".join(f"{f.name} ({f.media_type})" for f in offered)
    return _error(406, f"Available formats: {names}.", {"Vary": "Accept"})


def _lang(request: Request) -> str:
    return formats.language(request.query_params.get("lang"), request.headers.get("accept-language"))[0]


def _home(config: ServerConfig) -> str:
    from budgetlod.present.describe import Site

    return Site(config.base_iri).data_prefix


def _context(request: Request, lang: str, alternates: list[tuple[str, str, str]]) -> dict[str, Any]:
    path = request.url.path
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return {
        "t": TEXT[lang],
        "w": WORDS[lang],
        "lang": lang,
        "version": __version__,
        "query": f"?lang={lang}" if "lang" in request.query_params else "",
        "alternates": alternates,
        "languages": [
            (code, TEXT[code]["language_name"], f"{path}?{urlencode([*kept, ('lang', code)])}") for code in TEXT
        ],
        "home": _home(get_config(request)),
    }


def describe(query: NamedQuery) -> dict[str, Any]:
    """A query's documentation as JSON."""
    defaults = query.defaults()
    return {
        "name": query.name,
        "summary": query.summary,
        "title": {"zh": query.title_zh, "en": query.title_en},
        "description": query.description,
        "params": [p.as_dict() for p in query.params],
        "example": query.example,
        "tags": list(query.tags),
        "chart": query.chart is not None,
        "url": f"/queries/{query.name}" + (f"?{urlencode(defaults)}" if defaults else ""),
    }


@router.get("/queries", response_model=None)
def list_queries(request: Request) -> Response:
    """Every named query with its documentation (HTML or JSON)."""
    fmt = _format(request, LIST_FORMATS)
    if fmt is None:
        return _not_acceptable(LIST_FORMATS)
    try:
        queries = named_queries()
    except HeaderError as exc:
        return _error(500, f"A query header is broken: {exc}")
    if fmt is SIMPLE_JSON:
        return JSONResponse([describe(q) for q in queries], headers={"Vary": "Accept"})
    lang = _lang(request)
    context = _context(request, lang, [("json", "/queries?format=json", SIMPLE_JSON.media_type)])
    context["queries"] = [describe(q) for q in queries]
    html = jinja.environment().get_template("queries.html").render(context)
    return HTMLResponse(html, headers={"Vary": "Accept, Accept-Language", "Content-Language": lang})


@router.get("/queries/{name}", response_model=None)
async def run_query(request: Request, name: str) -> Response:
    """Run a named query with the parameters of the query string (JSON, SPARQL JSON, CSV or HTML)."""
    try:
        query = named_query(name)
    except QueryNotFound as exc:
        return _error(404, f"{exc}; the list is at /queries")
    except HeaderError as exc:
        return _error(500, f"The query's header is broken: {exc}")
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in RESERVED:
            continue
        if key in given:
            return _error(400, f"parameter {key} is given twice")
        given[key] = value
    try:
        terms = bind(query, given)
    except ParamError as exc:
        return _error(400, str(exc))
    fmt = _format(request, RUN_FORMATS)
    if fmt is None:
        return _not_acceptable(RUN_FORMATS)
    config = get_config(request)
    options = QueryOptions(formats={results.SELECT: formats.JSON.name}, row_limit=config.row_limit)
    backend = get_backend(request)
    try:
        # the parameters as typed terms in a VALUES block (budgetlod.query.params), run like /sparql's queries
        text = query.text_for(lateral=backend.lateral)
        async with admitted(request):
            outcome = await run_in_threadpool(backend.run, with_values(text, terms), options)
    except (Busy, QueryError) as exc:
        return _error(*query_failure(exc, named=True))
    headers = outcome.headers(config.row_limit, config.answer_bytes)
    if fmt is SRJ:
        return Response(outcome.body, media_type=SRJ.content_type, headers=headers)
    try:
        result = result_from_json(json.loads(outcome.body), outcome.truncated)
    except (ValueError, QueryRunError) as exc:
        return _error(500, f"The query failed: {exc}")
    if fmt is formats.CSV:
        return Response(output.csv(result), media_type=formats.CSV.content_type, headers=headers)
    if fmt is SIMPLE_JSON:
        body = output.simple_json(result, {"query": query.name, "params": output.params_json(terms)})
        return Response(body, media_type=SIMPLE_JSON.content_type, headers=headers)
    lang = _lang(request)
    headers["Vary"] = "Accept, Accept-Language"
    headers["Content-Language"] = lang
    html = render_page(request, query, given, terms, result, lang)
    return HTMLResponse(html, headers=headers)


# --- the HTML page of one query ----------------------------------------------------------------------


def _number(cell: Any) -> Decimal | None:
    if not output.is_number(cell):
        return None
    try:
        return Decimal(cell.value)
    except InvalidOperation:
        return None


def chart_svg(query: NamedQuery, result: Result, lang: str, terms: dict[str, Term]) -> tuple[Markup | None, bool]:
    """The query's bar chart of the result (None when it declares none or nothing is numeric), and whether
    rows were left out of it."""
    chart = query.chart
    if chart is None or not result.rows or not all(c in result.variables for c in chart.values):
        return None, False
    kinds = [query_columns.column(name, query.header).kind for name in chart.values]
    columns = [
        [_in_units(_number(c), kind) for c in result.column(name)]
        for name, kind in zip(chart.values, kinds, strict=True)
    ]
    if not any(v is not None for column in columns for v in column):
        return None, False
    names: list[str] = []
    for index, name in enumerate(chart.values):
        legend = chart.legend[index] if chart.legend else None
        cell = result.column(legend)[0] if legend and legend in result.variables else None
        label = query_columns.column(name, query.header).label(lang)
        names.append(output.display(cell) if cell is not None else label)
    title = query.title_zh if lang == "zh" else query.title_en
    bound = ", ".join(f"{k}={output.display(v)}" for k, v in terms.items())
    if bound:
        title += f" ({bound})"
    shared, labels = common_start(output.labels(result, chart.label))
    if shared:
        title += f" — {shared}"
    description = "; ".join(
        f"{label}: " + ", ".join("—" if col[i] is None else str(col[i]) for col in columns)
        for i, label in enumerate(labels[:MAX_CATEGORIES])
    )
    unit = chart.unit
    if kinds and all(kind == "yuan" for kind in kinds):
        unit = "万元" if lang == "zh" else " 10k yuan"  # as the table shows them
    svg = bar_chart(
        title,
        labels,
        [Series(n, col) for n, col in zip(names, columns, strict=True)],
        unit=unit,
        description=description,
        ident=f"chart-{query.name}",
    )
    return Markup(svg), len(result.rows) > MAX_CATEGORIES  # the SVG escapes its own text


def _in_units(value: Decimal | None, kind: str) -> Decimal | None:
    """An amount in yuan drawn in 万元, as the table beside the chart shows it."""
    return value / query_columns.TEN_THOUSAND if value is not None and kind == "yuan" else value


def common_start(labels: list[str]) -> tuple[str, list[str]]:
    """The words every label starts with (when there are several labels and each keeps a word of its own), and the
    labels without them: a chart of one unit's figures is labelled by the figures, the unit said once in its title
    (a label cut at its width would otherwise end just where the labels differ)."""
    if len(labels) < 2:
        return "", labels
    words = [label.split(" ") for label in labels]
    shared = 0
    while all(len(w) > shared + 1 for w in words) and len({w[shared] for w in words}) == 1:
        shared += 1
    if not shared:
        return "", labels
    return " ".join(words[0][:shared]), [" ".join(w[shared:]) for w in words]


def _cells(result: Result, site: Any, kinds: list[str]) -> list[list[dict[str, Any]]]:
    """The result table's cells: text as the documents print it (amounts in 万元 with separators, years as 2024),
    whether a number, and a link for IRIs (their Linked Data page)."""
    rows: list[list[dict[str, Any]]] = []
    for row in result.rows:
        cells = []
        for cell, kind in zip(row, kinds, strict=True):
            text = _shown(cell, kind, site.base_iri)
            entry: dict[str, Any] = {"text": text, "number": output.is_number(cell)}
            if isinstance(cell, NamedNode):
                entry["href"] = site.href(cell.value)
                entry["title"] = cell.value
            cells.append(entry)
        rows.append(cells)
    return rows


def _shown(cell: Any, kind: str, base: str) -> str:
    """A cell's text on the page: a year as 2024, one of budgetlod's own IRIs by its path after the base
    (``unit/c694…``, the full IRI in the tooltip), an amount in 万元."""
    if cell is None or isinstance(cell, BlankNode):
        return output.display(cell)
    if isinstance(cell, NamedNode):
        if kind == "year":
            return query_columns.shown("year", cell.value)
        if cell.value.startswith(base) and len(cell.value) > len(base):
            return cell.value[len(base) :]
        return output.display(cell)
    return output.display(cell) if kind in ("text", "iri") else query_columns.shown(kind, cell.value)


def command_line(query: NamedQuery, values: dict[str, str]) -> str:
    """The ``budgetlod query`` command that gives this page's answer (the parameters in use, quoted for a shell)."""
    import shlex

    parts = ["budgetlod", "query", query.name]
    for param in query.params:
        value = values.get(param.name, "")
        if value:
            parts += ["--param", shlex.quote(f"{param.name}={value}")]
    return " ".join(parts)


def hint(description: str, lang: str) -> str:
    """A parameter's description in the page's language, without its technical aside: the headers write
    ``中文（说明）/ English (note)``; the page shows ``中文`` or ``English`` (the whole text is the tooltip)."""
    halves = re.split(r"\s*/\s+(?=[A-Z])", description, maxsplit=1)
    text = halves[1] if lang == "en" and len(halves) == 2 else halves[0]
    return re.split(r"\s*[（(]", text, maxsplit=1)[0].strip()


def render_page(
    request: Request, query: NamedQuery, given: dict[str, str], terms: dict[str, Term], result: Result, lang: str
) -> str:
    from budgetlod.present.describe import Site

    site = Site(get_config(request).base_iri)
    current = [(k, v) for k, v in given.items()]
    link = f"/queries/{query.name}?"
    alternates = [
        ("json", link + urlencode([*current, ("format", "json")]), SIMPLE_JSON.media_type),
        ("srj", link + urlencode([*current, ("format", "srj")]), SRJ.media_type),
        ("csv", link + urlencode([*current, ("format", "csv")]), formats.CSV.media_type),
    ]
    context = _context(request, lang, alternates)
    svg, chart_cut = chart_svg(query, result, lang, terms)
    fields = []
    values: dict[str, str] = {}
    for param in query.params:
        value = given.get(param.name)
        if value is None:
            value = param.default or ""
        values[param.name] = value
        fields.append({**param.as_dict(), "value": value, "hint": hint(param.description, lang)})
    heads = [query_columns.column(name, query.header) for name in result.variables]
    context.update(
        {
            "q": describe(query),
            "title": query.title_zh if lang == "zh" else query.title_en,
            "fields": fields,
            "chart": svg,
            "chart_cut": chart_cut,
            "max_categories": MAX_CATEGORIES,
            "columns": [{"name": c.name, "label": c.label(lang)} for c in heads],
            "rows": _cells(result, site, [c.kind for c in heads]),
            "command": command_line(query, values),
            "count": len(result.rows),
            "truncated": result.truncated,
            "row_limit": get_config(request).row_limit,
            "text": query.text,
        }
    )
    return jinja.environment().get_template("queries-run.html").render(context)
