"""Frictionless Data Packages of the static site: one for each disclosure and one for the whole store.

``budgetlod publish`` writes, beside each disclosure's JSON-LD (docs/publish.md):

* ``<kind>.observations.csv`` — every observation of the disclosure, one a row (:data:`FIELDS`): ``amount`` is
  ``bl:amountInYuan``, exact (the decimal as a plain number, never a float), in yuan; ``printed_amount`` and
  ``printed_unit`` the figure as the table prints it; ``table`` (``t03``), ``row`` (the row key of the
  observation's IRI, ``{table}/{row key}/{column}``), ``column`` (the column slug), ``code`` (the code as printed,
  a string: ``2010350``), ``name``, ``level``, ``phase`` (OpenBudgets.eu budget phase: ``approved`` for 预算,
  ``executed`` for 决算), ``direction`` (``revenue``, ``expenditure``), ``year`` (an integer), ``unit`` (the budget
  unit's IRI) and ``unit_name``, ``source_table`` (``表3``), ``source_line``, ``observation`` (its IRI). A blank is
  an empty field (missing), never 0. Rows are ordered by table, source row, then IRI;
* ``<kind>.datapackage.json`` — a Tabular Data Package with that CSV as its one resource and its Table Schema
  inline, and the Fiscal Data Package ``model`` (OpenSpending's FDP 0.3: the measure ``amount`` in CNY, factor 1,
  and the dimensions year, budget unit, classification, table cell, phase, direction, level).

and at the site's root ``datapackage.json``, every disclosure's CSV as a resource of one package, the schema
shared in ``observations.schema.json``.

The ``profile`` is ``tabular-data-package``, not ``fiscal-data-package``: validators fetch a profile they do not
hold from the network (frictionless does for the fiscal one), and the ``model`` is read by OpenSpending either
way. A disclosure's files are written again only when it was rendered again (its publication graph changed);
files of a disclosure gone from the store are removed (the previous root package lists them).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from budgetlod.prefixes import PREFIXES
from budgetlod.publish.disclosures import DatasetInfo
from budgetlod.publish.render import SiteLayout, write_atomic

ROOT_PACKAGE = "datapackage.json"
SHARED_SCHEMA = "observations.schema.json"
CSV_SUFFIX = ".observations.csv"
PACKAGE_SUFFIX = ".datapackage.json"

# name, Table Schema type, description
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("table", "string", "表 / table id (t01 … t11, f01 …; g-… for a table no spec knows)"),
    ("row", "string", "行键 / row key of the observation IRI: a code, total, a spec key, {code}/p-{hash} …"),
    ("column", "string", "栏目 / column slug"),
    ("code", "string", "科目编码（按印出）/ the code as printed"),
    ("name", "string", "行名称（按印出）/ the row label as printed"),
    ("level", "string", "汇总层级 / aggregation level: total, class, section, item, project, entry"),
    ("phase", "string", "预算阶段 / OpenBudgets.eu budget phase: approved (预算), executed (决算)"),
    ("direction", "string", "收支 / operation character: revenue, expenditure"),
    ("year", "integer", "年度 / fiscal year"),
    ("unit", "string", "预算单位 IRI / budget unit IRI"),
    ("unit_name", "string", "预算单位名称 / budget unit name"),
    ("amount", "number", "金额（元）/ amount in yuan (bl:amountInYuan), exact"),
    ("printed_amount", "number", "印出金额 / the amount as printed, in printed_unit"),
    ("printed_unit", "string", "计量单位 / the table's printed unit (元, 万元 …)"),
    ("source_table", "string", "来源表 / the table as numbered in the document (表3)"),
    ("source_line", "integer", "来源行号 / line of the source file"),
    ("observation", "string", "观测值 IRI / the observation's IRI"),
)
URI_FIELDS = {"unit", "observation"}

MODEL: dict[str, Any] = {
    "measures": {
        "amount": {"source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）/ Amount (yuan)"},
    },
    "dimensions": {
        "fiscal-year": {
            "dimensionType": "datetime",
            "primaryKey": ["year"],
            "attributes": {"year": {"source": "year"}},
        },
        "budget-unit": {
            "dimensionType": "entity",
            "primaryKey": ["unit"],
            "attributes": {"unit": {"source": "unit"}, "unit_name": {"source": "unit_name", "labelfor": "unit"}},
        },
        "classification": {
            "dimensionType": "classification",
            "primaryKey": ["code"],
            "attributes": {"code": {"source": "code"}, "name": {"source": "name", "labelfor": "code"}},
        },
        "table-cell": {
            "dimensionType": "fact",
            "primaryKey": ["table", "row", "column"],
            "attributes": {
                "table": {"source": "table"},
                "row": {"source": "row"},
                "column": {"source": "column"},
                "observation": {"source": "observation"},
            },
        },
        "phase": {"dimensionType": "other", "primaryKey": ["phase"], "attributes": {"phase": {"source": "phase"}}},
        "direction": {
            "dimensionType": "other",
            "primaryKey": ["direction"],
            "attributes": {"direction": {"source": "direction"}},
        },
        "level": {"dimensionType": "other", "primaryKey": ["level"], "attributes": {"level": {"source": "level"}}},
    },
}

OBSERVATIONS_QUERY = """
SELECT ?obs ?dataset ?type ?yuan ?amount ?phase ?direction ?year ?unit ?unitName ?level ?code ?name
       ?sourceTable ?sourceRow ?line ?printedUnit
WHERE {
  GRAPH ?d {
    ?obs a qb:Observation ; qb:dataSet ?dataset .
    OPTIONAL { ?dataset bl:tableType ?type }
    OPTIONAL { ?dataset bl:printedUnit ?printedUnit }
    OPTIONAL { ?obs bl:amountInYuan ?yuan }
    OPTIONAL { ?obs obeu-measure:amount ?amount }
    OPTIONAL { ?obs obeu-dimension:budgetPhase ?phase }
    OPTIONAL { ?obs obeu-dimension:operationCharacter ?direction }
    OPTIONAL { ?obs obeu-dimension:fiscalYear ?year }
    OPTIONAL { ?obs obeu-dimension:organization ?unit OPTIONAL { ?unit foaf:name ?unitName } }
    OPTIONAL { ?obs bl:aggregationLevel ?level }
    OPTIONAL { ?obs bl:printedCode ?code }
    OPTIONAL { ?obs bl:printedName ?name }
    OPTIONAL { ?obs bl:sourceTable ?sourceTable }
    OPTIONAL { ?obs bl:sourceRow ?sourceRow }
    OPTIONAL { ?obs bl:sourceLine ?line }
  }
}
"""


NAMES = ("obs", "dataset", "type", "yuan", "amount", "phase", "direction", "year", "unit", "unitName", "level", "code",
         "name", "sourceTable", "line", "printedUnit")  # fmt: skip


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _number(text: str) -> str:
    """An xsd:decimal's lexical form as a plain exact number (``1487.4``, ``14874000``)."""
    return format(Decimal(text), "f") if text else ""


def observation_rows(store: Store, disclosure: str) -> list[dict[str, str]]:
    """The disclosure's observations as CSV rows (dicts keyed by the names of :data:`FIELDS`), one per
    observation (the first value where a property repeats)."""
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    text = OBSERVATIONS_QUERY.replace("GRAPH ?d", f"GRAPH {NamedNode(disclosure)}")  # an IRI of the store's
    answer = store.query(prologue + text)
    assert isinstance(answer, QuerySolutions)
    found: dict[str, tuple[int, dict[str, str]]] = {}
    for solution in answer:
        values = {name: ("" if solution[name] is None else solution[name].value) for name in NAMES}

        def get(name: str, values: dict[str, str] = values) -> str:
            return values[name]

        obs = get("obs")
        if obs in found:
            continue
        dataset = get("dataset")
        path = obs[len(dataset) + 1 :] if obs.startswith(dataset + "/") else _local(obs)
        row_key, _, column = path.rpartition("/")
        year = get("year").removeprefix(PREFIXES["year"])
        source_row = solution["sourceRow"]
        found[obs] = (
            int(source_row.value) if isinstance(source_row, Literal) and source_row.value.isdigit() else 0,
            {
                "table": _local(get("type")) if get("type") else _local(dataset),
                "row": row_key,
                "column": column,
                "code": get("code"),
                "name": get("name"),
                "level": _local(get("level")) if get("level") else "",
                "phase": _local(get("phase")) if get("phase") else "",
                "direction": _local(get("direction")) if get("direction") else "",
                "year": year if year.isdigit() else "",
                "unit": get("unit"),
                "unit_name": get("unitName"),
                "amount": _number(get("yuan")),
                "printed_amount": _number(get("amount")),
                "printed_unit": get("printedUnit"),
                "source_table": get("sourceTable"),
                "source_line": get("line"),
                "observation": obs,
            },
        )
    ordered = sorted(found.values(), key=lambda item: (item[1]["table"], item[0], item[1]["observation"]))
    return [row for _, row in ordered]


def observations_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """RFC 4180 CSV (UTF-8, CRLF), the header the names of :data:`FIELDS`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name, _, _ in FIELDS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def table_schema() -> dict[str, Any]:
    fields = []
    for name, kind, description in FIELDS:
        item: dict[str, Any] = {"name": name, "type": kind, "description": description}
        if name in URI_FIELDS:
            item["format"] = "uri"
        if kind == "number":
            item["bareNumber"] = True
        fields.append(item)
    return {"fields": fields, "primaryKey": ["observation"], "missingValues": [""]}


def resource(name: str, path: str, data: bytes, schema: dict[str, Any] | str, title: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "path": path, "profile": "tabular-data-resource"}
    if title:
        entry["title"] = title
    entry.update(
        format="csv",
        mediatype="text/csv",
        encoding="utf-8",
        bytes=len(data),
        hash=f"sha256:{hashlib.sha256(data).hexdigest()}",
        schema=schema,
    )
    return entry


def resource_name(layout: SiteLayout, info: DatasetInfo) -> str:
    """``c694353348dbd08a-2024-unit-budget``: the disclosure's path under ``id/disclosure/``, slashes as dashes."""
    rel = layout.relpath(info.iri, "")
    return rel.removeprefix("id/disclosure/").replace("/", "-").lower()


def disclosure_package(layout: SiteLayout, info: DatasetInfo, csv_name: str, data: bytes) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": resource_name(layout, info),
        "id": info.iri,
        "title": info.title_zh or info.iri,
        "homepage": layout.url(layout.relpath(info.iri, ".html")),
        "licenses": [{"name": _local(layout.licence), "path": layout.licence}],
        "sources": [{"title": info.unit_name or info.unit_iri, "path": info.iri}],
        "countryCode": "CN",
        "fiscalPeriod": {"start": f"{info.year}-01-01", "end": f"{info.year}-12-31"},
        "model": MODEL,
        "resources": [resource("observations", csv_name, data, table_schema(), info.title_zh)],
    }


def store_package(layout: SiteLayout, entries: Sequence[tuple[DatasetInfo, str, bytes]]) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "budgetlod",
        "title": "budgetlod: 预算公开文件的观测值 / the observations of every budget disclosure",
        "homepage": layout.base_url,
        "licenses": [{"name": _local(layout.licence), "path": layout.licence}],
        "countryCode": "CN",
        "model": MODEL,
        "resources": [
            resource(resource_name(layout, info), path, data, SHARED_SCHEMA, info.title_zh)
            for info, path, data in entries
        ],
    }


def _dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_packages(
    out: Path, store: Store, layout: SiteLayout, infos: Sequence[DatasetInfo], fresh: set[str]
) -> list[str]:
    """Each disclosure's CSV and package (again only when its IRI is in ``fresh`` or a file is missing), the
    root package and its shared schema; the files' paths relative to ``out``. Files the previous root package
    listed for a disclosure no longer in ``infos`` are removed."""
    written: list[str] = []
    entries: list[tuple[DatasetInfo, str, bytes]] = []
    for info in infos:
        csv_path = layout.relpath(info.iri, CSV_SUFFIX)
        package_path = layout.relpath(info.iri, PACKAGE_SUFFIX)
        if info.iri in fresh or not (out / csv_path).is_file() or not (out / package_path).is_file():
            data = write_disclosure_package(out, store, layout, info)
        else:
            data = (out / csv_path).read_bytes()
        entries.append((info, csv_path, data))
        written += [csv_path, package_path]
    _remove_stale(out, {path for _, path, _ in entries})
    write_atomic(out / SHARED_SCHEMA, _dumps(table_schema()))
    write_atomic(out / ROOT_PACKAGE, _dumps(store_package(layout, entries)))
    return [*written, SHARED_SCHEMA, ROOT_PACKAGE]


def write_disclosure_package(out: Path, store: Store, layout: SiteLayout, info: DatasetInfo) -> bytes:
    """One disclosure's observations CSV and its package (the publishing workers write them beside the disclosure's
    other files); the CSV's bytes."""
    csv_path = layout.relpath(info.iri, CSV_SUFFIX)
    data = observations_csv(observation_rows(store, info.iri))
    write_atomic(out / csv_path, data)
    name = csv_path.rsplit("/", 1)[-1]
    write_atomic(out / layout.relpath(info.iri, PACKAGE_SUFFIX), _dumps(disclosure_package(layout, info, name, data)))
    return data


def _remove_stale(out: Path, current: set[str]) -> None:
    try:
        previous = json.loads((out / ROOT_PACKAGE).read_text("utf-8"))
    except (OSError, ValueError):
        return
    for item in previous.get("resources", []) if isinstance(previous, dict) else []:
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str) or path in current or not path.endswith(CSV_SUFFIX) or ".." in path:
            continue
        (out / path).unlink(missing_ok=True)
        (out / (path.removesuffix(CSV_SUFFIX) + PACKAGE_SUFFIX)).unlink(missing_ok=True)
