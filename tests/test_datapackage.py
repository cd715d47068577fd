"""Frictionless Data Packages of the static site (budgetlod/publish/datapackage.py): one per disclosure beside its
JSON-LD, one for the whole store at the root; validated with the ``frictionless`` library.

The store holds the bundled example (2024 单位预算, 148 observations) and its 决算 (tests/fixtures/budget-actual/).
By hand, from the example: 表1's 支出总计 is printed 1,487.40 万元 (line 110) = 14,874,000 元; 表3's 基本支出
合计 502.40 万元 = 5,024,000 元. The 决算's 表3 (f03) 支出合计 1,400.00 万元 = 14,000,000 元, its phase ``executed``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from budget_actual import FINAL
from paths import SAMPLE
from pyoxigraph import QuerySolutions

from budgetlod.publish.site import publish_site
from budgetlod.query.run import open_store

LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
BASE = "https://w3id.org/budgetlod/id/"
BUDGET = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
FINAL_IRI = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/department-final"
FOLDER = "id/disclosure/c694353348dbd08a/2024/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("datapackage") / "store"
    done = subprocess.run(
        [sys.executable, "-m", "budgetlod", "ingest", "--store", str(path), str(SAMPLE), str(FINAL)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def site(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    summary = publish_site(store, out, "https://data.example.org/", base_iri=BASE, licence=LICENCE)
    for name in ("datapackage.json", "observations.schema.json", FOLDER + "unit-budget.datapackage.json",
                 FOLDER + "unit-budget.observations.csv", FOLDER + "department-final.datapackage.json"):  # fmt: skip
        assert name in summary.files, name
    return out


def table_rows(resource: Any) -> list[Any]:
    """A tabular resource's rows, typed by its schema (frictionless's TableResource; typed as Resource)."""
    return list(resource.read_rows())


def observations(store: Path, disclosure: str) -> int:
    answer = open_store(store).query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{disclosure}> "
        "{ ?o a <http://purl.org/linked-data/cube#Observation> } }"
    )
    assert isinstance(answer, QuerySolutions)
    count = next(iter(answer))["n"]
    assert count is not None
    return int(count.value)


def test_each_disclosure_package_is_valid(site: Path, store: Path) -> None:
    from frictionless import Package

    for kind, iri in (("unit-budget", BUDGET), ("department-final", FINAL_IRI)):
        package = Package(str(site / FOLDER / f"{kind}.datapackage.json"))
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        rows = table_rows(package.get_resource("observations"))
        assert len(rows) == observations(store, iri)
    assert observations(store, BUDGET) == 148


def test_hand_checked_figures(site: Path) -> None:
    from frictionless import Package

    rows = table_rows(Package(str(site / FOLDER / "unit-budget.datapackage.json")).get_resource("observations"))
    by_iri = {row["observation"]: row for row in rows}
    total = by_iri[BUDGET + "/t01/expenditure/total/amount"]
    assert total["amount"] == Decimal("14874000") and type(total["amount"]) is Decimal
    assert total["printed_amount"] == Decimal("1487.40") and total["printed_unit"] == "万元"
    assert (total["table"], total["row"], total["column"], total["name"]) == (
        "t01",
        "expenditure/total",
        "amount",
        "支出总计",
    )
    assert (total["phase"], total["direction"], total["level"], total["year"]) == (
        "approved",
        "expenditure",
        "total",
        2024,
    )
    assert total["unit"] == "https://w3id.org/budgetlod/id/unit/c694353348dbd08a"
    assert total["unit_name"] == "乌鲁木齐市12345政务服务热线中心"
    assert (total["source_table"], total["source_line"]) == ("表1", 110)
    basic = by_iri[BUDGET + "/t03/total/basic"]
    assert basic["amount"] == Decimal("5024000") and basic["code"] is None  # the total row prints no code
    item = next(row for row in rows if row["table"] == "t03" and row["code"] == "2010350")
    assert isinstance(item["code"], str)  # codes stay strings (leading zeros and all)
    final = Package(str(site / FOLDER / "department-final.datapackage.json")).get_resource("observations")
    spent = next(row for row in table_rows(final) if row["observation"] == FINAL_IRI + "/f03/total/total")
    assert spent["amount"] == Decimal("14000000") and spent["phase"] == "executed"


def test_the_csv_is_exact_text(site: Path) -> None:
    lines = (site / FOLDER / "unit-budget.observations.csv").read_bytes().decode("utf-8").split("\r\n")
    assert lines[0].startswith("table,row,column,code,name,level,phase,direction,year,unit,unit_name,amount,")
    line = next(x for x in lines if x.endswith("/t01/expenditure/total/amount"))
    assert ",14874000,1487.4,万元,表1,110," in line  # plain numbers, never 1.4874E+7 or 14874000.0


def test_fiscal_model_and_metadata(site: Path) -> None:
    package = json.loads((site / FOLDER / "unit-budget.datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package" and package["id"] == BUDGET
    assert package["model"]["measures"]["amount"] == {
        "source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）/ Amount (yuan)"
    }  # fmt: skip
    fields = {f["name"] for f in package["resources"][0]["schema"]["fields"]}
    sources = {
        attribute["source"]
        for dimension in package["model"]["dimensions"].values()
        for attribute in dimension["attributes"].values()
    }
    assert sources <= fields and {"table", "row", "column", "code", "phase", "year", "unit"} <= sources
    assert package["model"]["dimensions"]["fiscal-year"]["dimensionType"] == "datetime"
    assert package["fiscalPeriod"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert package["homepage"] == "https://data.example.org/" + FOLDER + "unit-budget.html"


def test_the_store_package(site: Path, store: Path) -> None:
    from frictionless import Package

    package = Package(str(site / "datapackage.json"))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    names = [r.name for r in package.resources]
    assert names == ["c694353348dbd08a-2024-department-final", "c694353348dbd08a-2024-unit-budget"]
    counts = [len(table_rows(r)) for r in package.resources]
    assert counts == [observations(store, FINAL_IRI), observations(store, BUDGET)]


def test_republish_keeps_and_a_gone_disclosure_loses_its_files(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish_site(store, out, "https://data.example.org/", base_iri=BASE, licence=LICENCE)
    csv_file = out / FOLDER / "unit-budget.observations.csv"
    before = csv_file.stat().st_mtime_ns
    again = publish_site(store, out, "https://data.example.org/", base_iri=BASE, licence=LICENCE)
    assert again.rendered == 0 and csv_file.stat().st_mtime_ns == before
    # a disclosure the previous root package listed but the store no longer holds: its files go
    root = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    gone = FOLDER.replace("2024", "2019") + "unit-budget.observations.csv"
    (out / gone).parent.mkdir(parents=True)
    (out / gone).write_text("x", encoding="utf-8")
    (out / gone.replace(".observations.csv", ".datapackage.json")).write_text("{}", encoding="utf-8")
    root["resources"].append({"name": "gone", "path": gone})
    (out / "datapackage.json").write_text(json.dumps(root), encoding="utf-8")
    csv_file.unlink()  # a missing file: the site files are written again
    publish_site(store, out, "https://data.example.org/", base_iri=BASE, licence=LICENCE)
    assert csv_file.is_file() and not (out / gone).exists()
    assert not (out / gone.replace(".observations.csv", ".datapackage.json")).exists()
