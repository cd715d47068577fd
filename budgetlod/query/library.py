"""The named queries of ``queries/`` and their grlc-style headers.

A query file starts with ``#+ `` lines holding YAML, as grlc reads them::

    #+ summary: 各单位收支总额 / Income and expenditure totals of every unit
    #+ description: >-
    #+   中文说明 … English description …
    #+ params:
    #+   - name: year
    #+     type: xsd:integer
    #+     default: 2024
    #+     description: 年度 / Fiscal year
    #+ example: budgetlod query units-totals --param year=2024
    #+ tags: [totals]
    #+ chart: {label: [unitName], values: [expenditureYuan]}

``params`` declares typed parameters (:class:`Param`): each is a variable of the query's SELECT
projection, bound by the engine (:mod:`budgetlod.query.params`), never pasted into the text. A
parameter without a default is left unbound unless given: the query then matches every value.
``chart`` says which columns label the bars and which give their lengths when the result is drawn
(:mod:`budgetlod.present.chart`). Other keys are kept as read (:attr:`NamedQuery.header`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from budgetlod import resources

# The parameter types a header may declare (xsd datatypes by prefixed name, and ``iri``).
PARAM_TYPES = (
    "xsd:string",
    "xsd:integer",
    "xsd:decimal",
    "xsd:boolean",
    "xsd:date",
    "xsd:gYear",
    "iri",
)


class QueryNotFound(LookupError):
    """No query of that name (or no such ``.rq`` file)."""


class HeaderError(ValueError):
    """A query header that does not declare its parameters or chart correctly."""


@dataclass(frozen=True)
class Param:
    """A typed parameter of a named query (a variable of its projection)."""

    name: str
    type: str  # one of PARAM_TYPES
    default: str | None = None  # as text; None: unbound unless given
    description: str = ""
    enum: tuple[str, ...] = ()  # the only values allowed (when given)
    lang: str | None = None  # an xsd:string bound as a literal with this language tag (e.g. zh)
    minimum: Decimal | None = None  # numbers: the smallest value allowed
    maximum: Decimal | None = None
    pattern: str | None = None  # a regular expression the whole value must match
    template: str | None = None  # iri: the IRI is this with the value in place of {} (e.g. a year's IRI)

    def as_dict(self) -> dict[str, Any]:
        """The declaration as plain data (the JSON list of queries)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "default": self.default}
        out["description"] = self.description
        if self.enum:
            out["enum"] = list(self.enum)
        if self.lang:
            out["lang"] = self.lang
        if self.minimum is not None:
            out["minimum"] = str(self.minimum)
        if self.maximum is not None:
            out["maximum"] = str(self.maximum)
        if self.pattern:
            out["pattern"] = self.pattern
        if self.template:
            out["template"] = self.template
        return out


@dataclass(frozen=True)
class Chart:
    """How a result is drawn: one group of bars per row, labelled by ``label``, one bar per ``values`` column."""

    label: tuple[str, ...]
    values: tuple[str, ...]
    legend: tuple[str, ...] = ()  # columns whose value names each series (default: the column names)
    unit: str = ""  # what the values measure (元, %, 人)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    summary: str = ""
    description: str = ""
    header: dict[str, Any] = field(default_factory=dict)
    params: tuple[Param, ...] = ()
    example: str = ""
    tags: tuple[str, ...] = ()
    chart: Chart | None = None
    empty: str = ""  # why the answer may have no rows (header ``empty``), said when it has none
    library: bool = False  # one of queries/ (its LATERAL groups are hints only: budgetlod.query.dialect)

    def text_for(self, lateral: bool) -> str:
        """The text to send to a store; without LATERAL for one that has none, if the query is the library's."""
        if lateral or not self.library:
            return self.text
        from budgetlod.query.dialect import without_lateral

        return without_lateral(self.text)

    @property
    def title_zh(self) -> str:
        return self.summary.partition(" / ")[0].strip()

    @property
    def title_en(self) -> str:
        zh, sep, en = self.summary.partition(" / ")
        return en.strip() if sep else zh.strip()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def defaults(self) -> dict[str, str]:
        """The parameters that have a default, with it."""
        return {p.name: p.default for p in self.params if p.default is not None}


def read_header(text: str, strict: bool = False) -> dict[str, Any]:
    """The YAML of the ``#+`` lines before the query (an empty dict when there are none).

    Lines that are not YAML are read as ``key: value`` lines, unless ``strict`` (then ``HeaderError``)."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            rest = stripped[2:]
            lines.append(rest[1:] if rest.startswith(" ") else rest)
        elif stripped and not stripped.startswith("#"):
            break  # the header ends where the query begins
    if not lines:
        return {}
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        if strict:
            raise HeaderError(f"the #+ header is not YAML: {exc}") from None
        # not YAML (e.g. an unquoted ": " in a summary): read "key: value" lines as they are
        simple = (line.partition(":") for line in lines if line and not line[0].isspace())
        return {key.strip(): value.strip() for key, sep, value in simple if sep}
    return header if isinstance(header, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _names(value: Any, what: str, query: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item for item in items):
        raise HeaderError(f"{query}: {what} must be a column name or a list of them, not {value!r}")
    return tuple(items)


def _number(value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise HeaderError(f"{what} must be a number, not {value!r}") from None


def read_params(header: dict[str, Any], query: str = "query") -> tuple[Param, ...]:
    """The ``params`` list of a header as :class:`Param` (``HeaderError`` when malformed)."""
    declared = header.get("params") or []
    if not isinstance(declared, list):
        raise HeaderError(f"{query}: params must be a list")
    params: list[Param] = []
    for item in declared:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise HeaderError(f"{query}: every parameter needs a name: {item!r}")
        name = item["name"]
        if not name.isidentifier():
            raise HeaderError(f"{query}: parameter name {name!r} is not a SPARQL variable name")
        kind = _text(item.get("type") or "xsd:string")
        if kind not in PARAM_TYPES:
            raise HeaderError(f"{query}: parameter {name}: type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
        enum = item.get("enum") or []
        if not isinstance(enum, list):
            raise HeaderError(f"{query}: parameter {name}: enum must be a list")
        default = item.get("default")
        if isinstance(default, bool):  # YAML reads true/false as booleans
            default = "true" if default else "false"
        template = _text(item.get("template")) or None
        if template is not None and (kind != "iri" or template.count("{}") != 1):
            raise HeaderError(f"{query}: parameter {name}: a template is for type iri and has one {{}}")
        pattern = _text(item.get("pattern")) or None
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise HeaderError(f"{query}: parameter {name}: pattern: {exc}") from None
        if template is not None and pattern is None:
            raise HeaderError(f"{query}: parameter {name}: a template needs a pattern for its values")
        params.append(
            Param(
                name=name,
                type=kind,
                default=None if default is None else str(default),
                description=_text(item.get("description")),
                enum=tuple(str(v) for v in enum),
                lang=_text(item.get("lang")) or None,
                minimum=_number(item.get("min"), f"{query}: parameter {name}: min"),
                maximum=_number(item.get("max"), f"{query}: parameter {name}: max"),
                pattern=pattern,
                template=template,
            )
        )
    if len({p.name for p in params}) != len(params):
        raise HeaderError(f"{query}: a parameter is declared twice")
    return tuple(params)


def read_chart(header: dict[str, Any], query: str = "query") -> Chart | None:
    chart = header.get("chart")
    if chart is None:
        return None
    if not isinstance(chart, dict):
        raise HeaderError(f"{query}: chart must be a mapping with label and values")
    label = _names(chart.get("label"), "chart label", query)
    values = _names(chart.get("values"), "chart values", query)
    legend = _names(chart.get("legend"), "chart legend", query)
    if not label or not values:
        raise HeaderError(f"{query}: chart needs label and values columns")
    if legend and len(legend) != len(values):
        raise HeaderError(f"{query}: chart legend needs one column per values column")
    return Chart(label=label, values=values, legend=legend, unit=_text(chart.get("unit")))


def parse_query(name: str, text: str) -> NamedQuery:
    """A query text and its header as a :class:`NamedQuery`."""
    try:
        header = read_header(text, strict=True)
    except HeaderError as exc:
        raise HeaderError(f"{name}: {exc}") from None
    tags = header.get("tags") or []
    return NamedQuery(
        name=name,
        text=text,
        summary=_text(header.get("summary")),
        description=_text(header.get("description")),
        header=header,
        params=read_params(header, name),
        example=_text(header.get("example")),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        chart=read_chart(header, name),
        empty=_text(header.get("empty")),
    )


def named_query(name: str) -> NamedQuery:
    """The query ``queries/<name>.rq`` (``QueryNotFound`` when there is none)."""
    if name not in resources.queries():
        raise QueryNotFound(f"no query named {name!r}; `budgetlod query --list` shows them")
    return replace(parse_query(name, resources.query(name)), library=True)


def named_queries() -> list[NamedQuery]:
    return [named_query(name) for name in resources.queries()]


def load_query(reference: str) -> NamedQuery:
    """A named query, or a ``.rq`` file given by its path (its header read the same way)."""
    path = Path(reference)
    if reference.endswith(".rq") or path.suffix == ".rq" or "/" in reference:
        if not path.is_file():
            raise QueryNotFound(f"no query file {reference}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryNotFound(f"cannot read {reference}: {exc}") from None
        return parse_query(path.stem, text)
    return named_query(reference)
