"""``budgetlod query``: run a named query (or a ``.rq`` file) with typed parameters, print the answer.

``budgetlod query NAME|FILE.rq [--store PATH | --endpoint URL] [--param k=v …]
[--format table|csv|tsv|json|parquet] [--output FILE]`` and ``budgetlod query --list``. ``tsv``, ``parquet`` and
any format written to a file (``--output``) go through :mod:`budgetlod.query.tabular` (typed tables; a CSV or TSV
file with its CSVW metadata beside it). Errors (unknown query, bad parameter, no store, a failing endpoint) are one
``[ERROR] …`` line on stderr and exit status 2; the row count goes to stderr, the answer to stdout.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from budgetlod.errors import BudgetlodError
from budgetlod.query import tabular
from budgetlod.query.library import HeaderError, NamedQuery, QueryNotFound, load_query, named_queries
from budgetlod.query.output import params_json, width, write
from budgetlod.query.params import ParamError, bind, parse_assignments
from budgetlod.query.run import QueryRunError, open_store, run_endpoint, run_store


class CommandError(BudgetlodError):
    """What to print after ``[ERROR]`` (exit status 2)."""


def listing(queries: Sequence[NamedQuery]) -> str:
    """Every named query: name, title, parameters with type and default, example call."""
    lines: list[str] = []
    size = max((width(q.name) for q in queries), default=0)
    for query in queries:
        lines.append(f"{query.name.ljust(size)}  {query.summary}")
        for param in query.params:
            default = f" = {param.default}" if param.default is not None else " (optional)"
            choices = f" {{{', '.join(param.enum)}}}" if param.enum else ""
            lines.append(f"{'':{size}}    --param {param.name}=…  {param.type}{choices}{default}")
        if query.example:
            lines.append(f"{'':{size}}    e.g. {query.example}")
    return "\n".join(lines) + "\n"


def run(
    reference: str,
    *,
    store: Path | None,
    endpoint: str | None,
    assignments: Sequence[str],
    fmt: str,
    timeout: float = 60.0,
    output: Path | None = None,
) -> tuple[str, int, NamedQuery]:
    """The answer as text, its row count and the query run (``CommandError`` when it cannot be given); with
    ``output`` the answer is written there and the text is empty."""
    if store is not None and endpoint is not None:
        raise CommandError("give --store or --endpoint, not both")
    if fmt == "parquet" and output is None:
        raise CommandError("parquet is a binary format: give --output FILE.parquet")
    try:
        query = load_query(reference)
        terms = bind(query, parse_assignments(tuple(assignments)))
    except (QueryNotFound, HeaderError, ParamError) as exc:
        raise CommandError(str(exc)) from None
    try:
        if endpoint is not None:
            result = run_endpoint(endpoint, query.text_for(lateral=False), terms, timeout=timeout)
        else:
            result = run_store(open_store(store or default_store()), query.text, terms)
    except QueryRunError as exc:
        raise CommandError(f"{query.name}: {exc}") from None
    extra = {"query": query.name, "params": params_json(terms)}
    if output is not None or fmt == "tsv":  # csv on stdout stays the SPARQL results CSV
        return tabular.emit(result, query, fmt, output, extra), len(result.rows), query
    return write(result, fmt, extra), len(result.rows), query


def row_count(rows: int, query: NamedQuery) -> str:
    """``(1 row)``, ``(3 rows)``; no rows: why the answer may be empty — what the query declares (header ``empty``),
    else the parameters or the store's data."""
    if rows:
        return f"({rows} row{'' if rows == 1 else 's'})"
    why = query.empty or "check the parameters or what the store holds"
    return f"(no rows: {why})"


def default_store() -> Path:
    from budgetlod.settings import setting

    return Path(str(setting("store_path")))


def all_queries() -> list[NamedQuery]:
    try:
        return named_queries()
    except HeaderError as exc:
        raise CommandError(str(exc)) from None
