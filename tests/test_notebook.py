"""The notebook API (budgetlod/notebook.py, docs/notebook.md): named queries and SPARQL as typed DataFrames.

The store holds the bundled example (2024 单位预算) and its 决算 (tests/fixtures/budget-actual/). By hand (万元 ×
10,000 = 元): 预算 表3 支出合计 1,487.40 → 14,874,000; 决算 表3 1,400.00 → 14,000,000; 基本支出 502.40 → 5,024,000
and 490.00 → 4,900,000; 项目支出 985.00 → 9,850,000 and 910.00 → 9,100,000; execution rates 1,400.00 / 1,487.40 =
94.12 %, 490.00 / 502.40 = 97.53 %, 910.00 / 985.00 = 92.39 %.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from budget_actual import FINAL
from paths import SAMPLE

from budgetlod import notebook
from budgetlod.query.run import Result
from budgetlod.query.tabular import MissingExtra

UNIT = "https://w3id.org/budgetlod/id/unit/c694353348dbd08a"
BUDGET = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
KINDS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?label WHERE {
  GRAPH <https://w3id.org/budgetlod/codelist> { ?kind skos:prefLabel ?label }
  FILTER(STRSTARTS(STR(?kind), "https://w3id.org/budgetlod/codelist/document-kind/"))
} ORDER BY ?kind"""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("notebook") / "store"
    done = subprocess.run(
        [sys.executable, "-m", "budgetlod", "ingest", "--store", str(store), str(SAMPLE), str(FINAL)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture(scope="module")
def db(store_path: Path) -> notebook.Connection:
    return notebook.connect(store_path)


def test_execution_by_unit(db: notebook.Connection) -> None:
    df = db.run("execution-by-unit", year=2024)
    assert list(df.columns) == [
        "year", "unitName", "figure", "budgetYuan", "finalYuan", "ratePercent", "unit", "budget", "final"
    ]  # fmt: skip
    assert list(df["figure"]) == ["支出合计 total", "基本支出 basic", "项目支出 project"]
    assert list(df["budgetYuan"]) == [Decimal("14874000"), Decimal("5024000"), Decimal("9850000")]
    assert list(df["finalYuan"]) == [Decimal("14000000"), Decimal("4900000"), Decimal("9100000")]
    assert list(df["ratePercent"]) == [Decimal("94.12"), Decimal("97.53"), Decimal("92.39")]
    assert all(type(v) is Decimal for v in df["budgetYuan"])  # exact: Decimal objects, never floats
    assert str(df["year"].dtype) == "Int64" and list(df["year"]) == [2024, 2024, 2024]
    assert "float64" not in {str(t) for t in df.dtypes}
    assert set(df["unit"]) == {UNIT} and set(df["budget"]) == {BUDGET}  # IRIs as strings
    # exact arithmetic: the budget's parts add up to its total, in yuan
    assert df["budgetYuan"][1] + df["budgetYuan"][2] == df["budgetYuan"][0]
    assert df.attrs["query"] == "execution-by-unit" and df.attrs["params"] == {"year": "2024"}
    assert df.attrs["kinds"]["ratePercent"] == "decimal" and df.attrs["kinds"]["year"] == "year"
    assert df.attrs["titles"]["budgetYuan"] == "预算数"  # queries/columns.yaml
    assert db.run("execution-by-unit", lang="en", year=2024).attrs["titles"]["budgetYuan"] == "Budget"
    # a year with no disclosures: no rows, the columns still there
    empty = db.run("execution-by-unit", year=2023)
    assert len(empty) == 0 and list(empty.columns) == list(df.columns)


def test_labels_in_the_chosen_language(store_path: Path) -> None:
    zh = notebook.connect(store_path).sparql(KINDS)
    assert list(zh["label"]) == ["部门预算", "部门决算", "单位预算", "单位决算"]
    en = notebook.connect(store_path, lang="en").sparql(KINDS)
    assert list(en["label"]) == ["Department budget", "Department final accounts", "Unit budget", "Unit final accounts"]
    assert list(notebook.connect(store_path).sparql(KINDS, lang="en")["label"]) == list(en["label"])


def test_a_blank_is_missing_not_zero(db: notebook.Connection) -> None:
    df = db.sparql(
        "SELECT ?n ?x WHERE { VALUES (?n ?x) { (1 1.5) (2 UNDEF) } } ORDER BY ?n"
    )  # a value the answer leaves unbound
    assert list(df["x"]) == [Decimal("1.5"), None]
    assert str(df["n"].dtype) == "Int64"


def test_parameters_given_as_python_values(db: notebook.Connection) -> None:
    assert len(db.run("execution-by-unit", year=2024, unit=UNIT)) == 3
    assert len(db.run("execution-by-unit", year=None)) == 3  # None: unbound, every year
    with pytest.raises(TypeError, match="not float"):
        db.run("units-totals", year=2024.0)
    with pytest.raises(ValueError, match="unknown parameter 'yaer'"):
        db.run("units-totals", yaer=2024)


def test_an_endpoint_gets_the_text_without_lateral(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: dict[str, Any] = {}

    def fake(url: str, text: str, terms: Any, timeout: float = 60.0) -> Result:
        sent.update(url=url, text=text, terms=terms, timeout=timeout)
        return Result(["unitName"], [])

    monkeypatch.setattr(notebook, "run_endpoint", fake)
    db = notebook.connect("https://example.org/sparql", timeout=5)
    df = db.run("units-side-by-side", year=2024)
    assert sent["url"] == "https://example.org/sparql" and sent["timeout"] == 5
    assert "LATERAL {" not in sent["text"] and "year" in sent["terms"]  # Virtuoso and others have none
    assert len(df) == 0 and list(df.columns) == ["unitName"]


def test_the_queries_listed(db: notebook.Connection) -> None:
    listed = db.queries()
    row = listed[listed["name"] == "units-totals"].iloc[0]
    assert row["title"] == "各单位收支总额（某一年度）" and row["params"] == "year=2024"


def test_without_pandas(monkeypatch: pytest.MonkeyPatch, db: notebook.Connection) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    answer = db.result("execution-by-unit", year=2024)  # the typed rows need no pandas
    assert answer.rows()[0][3:6] == (Decimal("14874000"), Decimal("14000000"), Decimal("94.12"))
    with pytest.raises(MissingExtra, match=r"pandas is not installed: pip install 'budgetlod\[notebook\]'"):
        answer.frame()
