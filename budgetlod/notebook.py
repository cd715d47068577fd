"""The Python API for notebooks (docs/notebook.md): a store or a SPARQL endpoint, named queries and any SPARQL,
answers as pandas DataFrames with typed columns.

::

    from budgetlod.notebook import connect

    db = connect("store")                      # an embedded store (a folder), or "https://…/sparql"
    db.queries()                               # the named queries of queries/, with their parameters
    df = db.run("execution-by-unit", year=2024)
    df = db.sparql("SELECT ?unit ?name WHERE { … }", lang="en")

A column's type follows the terms the query returns (:mod:`budgetlod.query.tabular`): amounts are exact
:class:`~decimal.Decimal` objects (object dtype, never float64), a fiscal year's IRI
(``http://reference.data.gov.uk/id/year/2024``) is the integer ``2024`` (nullable ``Int64``, as other integers),
booleans ``boolean``, IRIs and texts strings. A blank is missing (``None``/``<NA>``), never 0. Where a query
returns a label in several languages (one row each), ``lang`` keeps the rows in that language
(:func:`budgetlod.query.tabular.in_language`); the connection's ``lang`` (``zh`` unless told) is the default.

``DataFrame.attrs`` holds ``query`` (the name), ``params`` (the values bound), ``kinds`` (column -> kind) and
``titles`` (column -> its label in ``lang``, from the query's header).

pandas is an optional extra (``pip install 'budgetlod[notebook]'``), imported when a frame is made: without it,
:meth:`Connection.result` still gives the typed rows, and a frame raises
:class:`~budgetlod.query.tabular.MissingExtra` naming the extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from budgetlod.query.library import NamedQuery, load_query, named_queries
from budgetlod.query.params import bind
from budgetlod.query.run import Result, open_store, run_endpoint, run_store
from budgetlod.query.tabular import Column, columns_of, in_language, require, typed_rows

LANGUAGES = ("zh", "en")


def _text(value: Any) -> str:
    """A parameter value given in Python as the text the query's parameter reads (None: left unbound)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("give amounts as Decimal or str, not float (a float is not exact)")
    return str(value)


@dataclass(frozen=True)
class Answer:
    """A query's answer with its typed columns, before it becomes a DataFrame."""

    result: Result
    columns: list[Column]
    query: NamedQuery | None = None
    params: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[tuple[Any, ...]]:
        """The rows as Python values (Decimal, int, bool, str, None)."""
        return typed_rows(self.result, self.columns)

    def frame(self, lang: str = "zh") -> Any:
        """A ``pandas.DataFrame`` (typed columns; ``attrs`` as the module says)."""
        pd = require("pandas", "notebook")
        rows = self.rows()
        data: dict[str, Any] = {}
        for index, col in enumerate(self.columns):
            items = [row[index] for row in rows]
            if col.kind == "decimal":
                data[col.name] = pd.Series(items, dtype=object)
            elif col.kind in ("integer", "year"):
                data[col.name] = pd.Series(items, dtype="Int64")
            elif col.kind == "boolean":
                data[col.name] = pd.Series(items, dtype="boolean")
            else:
                data[col.name] = pd.Series(items, dtype=object if all(v is None for v in items) else None)
        df = pd.DataFrame(data, columns=[col.name for col in self.columns])
        df.attrs["query"] = self.query.name if self.query is not None else None
        df.attrs["params"] = dict(self.params)
        df.attrs["kinds"] = {col.name: col.kind for col in self.columns}
        df.attrs["titles"] = {col.name: col.title(lang) for col in self.columns}
        df.attrs["truncated"] = self.result.truncated
        return df


class Connection:
    """An embedded store (a folder, opened read-only at its newest snapshot) or a SPARQL 1.1 endpoint (a URL)."""

    def __init__(self, location: str | Path, *, lang: str = "zh", timeout: float = 60.0) -> None:
        text = str(location)
        self.endpoint: str | None = text if text.startswith(("http://", "https://")) else None
        self.path: Path | None = None if self.endpoint else Path(location)
        self.lang = lang
        self.timeout = timeout
        self._store: Store | None = None

    def __repr__(self) -> str:
        return f"Connection({self.endpoint or str(self.path)!r}, lang={self.lang!r})"

    def store(self) -> Store:
        if self._store is None:
            assert self.path is not None
            self._store = open_store(self.path)
        return self._store

    def _select(self, text: str, terms: Mapping[str, Any], query: NamedQuery | None) -> Result:
        if self.endpoint is not None:
            sent = query.text_for(lateral=False) if query is not None else text
            return run_endpoint(self.endpoint, sent, terms, timeout=self.timeout)
        return run_store(self.store(), text, terms)

    def result(self, name: str, lang: str | None = None, **params: Any) -> Answer:
        """A named query (or a ``.rq`` file) run with ``params`` (Python values: 2024, "…", Decimal, True; None
        leaves a parameter unbound), the rows in ``lang`` — without pandas."""
        query = load_query(name)
        given = {key: _text(value) for key, value in params.items()}
        terms = bind(query, given)
        result = in_language(self._select(query.text, terms, query), lang or self.lang)
        return Answer(result, columns_of(result, query), query, given)

    def run(self, name: str, lang: str | None = None, **params: Any) -> Any:
        """A named query's answer as a DataFrame: ``db.run("execution-by-unit", year=2024)``."""
        return self.result(name, lang, **params).frame(lang or self.lang)

    def sparql(self, text: str, lang: str | None = None) -> Any:
        """Any SPARQL SELECT query's answer as a DataFrame (the default graph is the union of the disclosures)."""
        result = in_language(self._select(text, {}, None), lang or self.lang)
        return Answer(result, columns_of(result)).frame(lang or self.lang)

    def queries(self) -> Any:
        """The named queries as a DataFrame: name, title (in the connection's language), parameters, example."""
        pd = require("pandas", "notebook")
        rows = [
            {
                "name": q.name,
                "title": q.title_en if self.lang == "en" else q.title_zh,
                "params": ", ".join(f"{p.name}={p.default}" if p.default is not None else p.name for p in q.params),
                "example": q.example,
            }
            for q in named_queries()
        ]
        return pd.DataFrame(rows, columns=["name", "title", "params", "example"])


def connect(location: str | Path, *, lang: str = "zh", timeout: float = 60.0) -> Connection:
    """A store folder or an endpoint URL (``http://``, ``https://``); ``lang`` the default language of labels."""
    return Connection(location, lang=lang, timeout=timeout)
