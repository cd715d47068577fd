"""Typed tables of query answers (budgetlod/query/tabular.py): `budgetlod query … --format csv|tsv|parquet
--output FILE`, the CSVW metadata beside a CSV, exact decimals, years as integers, blanks as missing.

Figures from the bundled example (乌鲁木齐市12345政务服务热线中心, 2024 单位预算), by hand: 表1 收入总计 and 表3
支出合计 1,487.40 万元 = 14,874,000 元; 基本支出 502.40 万元 = 5,024,000 元; 项目支出 985.00 万元 = 9,850,000 元.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import SAMPLE
from pyoxigraph import BlankNode, Literal, NamedNode

from budgetlod.cli import main
from budgetlod.prefixes import XSD
from budgetlod.query import tabular
from budgetlod.query.run import Result

UNIT = "乌鲁木齐市12345政务服务热线中心"
DISCLOSURE = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
YEAR = "http://reference.data.gov.uk/id/year/2024"
HEADER = ["year", "unitName", "kind", "incomeYuan", "expenditureYuan", "basicYuan", "projectYuan", "disclosure"]
ROW = [2024, UNIT, "单位预算", Decimal("14874000"), Decimal("14874000"), Decimal("5024000"), Decimal("9850000"),
       DISCLOSURE]  # fmt: skip


def decimal(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD + "decimal"))


def integer(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD + "integer"))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("tabular") / "store"
    done = subprocess.run(
        [sys.executable, "-m", "budgetlod", "ingest", "--store", str(store), str(SAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return store


def test_kinds_and_values_of_hand_made_cells() -> None:
    result = Result(
        ["year", "amount", "count", "mixed", "iri", "label", "flag", "blank", "gyear"],
        [
            (NamedNode(YEAR), decimal("1487.40"), integer("5"), integer("3"), NamedNode(DISCLOSURE),
             Literal("总计", language="zh"), Literal("true", datatype=NamedNode(XSD + "boolean")), None,
             Literal("2023", datatype=NamedNode(XSD + "gYear"))),
            (None, decimal("0.1"), None, decimal("2.50"), NamedNode(DISCLOSURE + "/t03"), Literal("x"),
             Literal("false", datatype=NamedNode(XSD + "boolean")), None, None),
        ],
    )  # fmt: skip
    columns = tabular.columns_of(result)
    assert [c.kind for c in columns] == [
        "year", "decimal", "integer", "decimal", "iri", "string", "boolean", "string", "year"
    ]  # fmt: skip
    rows = tabular.typed_rows(result, columns)
    assert rows[0] == (2024, Decimal("1487.40"), 5, Decimal(3), DISCLOSURE, "总计", True, None, 2023)
    assert rows[1] == (None, Decimal("0.1"), None, Decimal("2.50"), DISCLOSURE + "/t03", "x", False, None, None)
    assert isinstance(rows[0][1], Decimal) and str(rows[0][1]) == "1487.40"  # exact, the printed scale kept
    text = tabular.delimited(result, columns, "csv")
    assert text.splitlines()[1] == f"2024,1487.40,5,3,{DISCLOSURE},总计,true,,2023"
    assert text.splitlines()[2] == f",0.1,,2.50,{DISCLOSURE}/t03,x,false,,"  # a blank is an empty field, not 0
    # a blank node is a string column; an IRI and a literal mixed too
    mixed = Result(["x"], [(BlankNode("b0"),), (NamedNode(DISCLOSURE),)])
    assert [c.kind for c in tabular.columns_of(mixed)] == ["string"]
    assert tabular.typed_rows(mixed, tabular.columns_of(mixed)) == [("_:b0",), (DISCLOSURE,)]


def test_labels_in_the_chosen_language() -> None:
    kind = "https://w3id.org/budgetlod/codelist/document-kind/"
    result = Result(
        ["code", "label", "note"],
        [
            (NamedNode(kind + "unit-budget"), Literal("单位预算", language="zh"), Literal("a")),
            (NamedNode(kind + "unit-budget"), Literal("Unit budget", language="en"), Literal("a")),
            (NamedNode(kind + "unit-final"), Literal("单位决算", language="zh-Hans"), Literal("b")),
            (NamedNode(kind + "unit-final"), Literal("Unit final accounts", language="en"), Literal("b")),
            (NamedNode(kind + "other"), Literal("只有中文", language="zh"), Literal("c")),
        ],
    )
    zh = tabular.in_language(result, "zh")
    assert [row[1].value for row in zh.rows] == ["单位预算", "单位决算", "只有中文"]  # type: ignore[union-attr]
    en = tabular.in_language(result, "en")
    # no English label for "other": its Chinese one is kept rather than nothing
    assert [row[1].value for row in en.rows] == ["Unit budget", "Unit final accounts", "只有中文"]  # type: ignore[union-attr]
    untagged = Result(["x"], [(Literal("a"),), (Literal("b"),)])
    assert tabular.in_language(untagged, "en") is untagged


def test_csv_file_with_csvw_metadata(store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "units.csv"
    result = CliRunner().invoke(
        main, ["query", "units-totals", "--store", str(store_path), "--format", "csv", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "(1 row)" in result.stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == HEADER
    assert len(rows) == 2
    metadata = json.loads((tmp_path / "units.csv-metadata.json").read_text(encoding="utf-8"))
    assert metadata["@context"] == "http://www.w3.org/ns/csvw"
    assert metadata["url"] == "units.csv"  # relative to the metadata file: the CSV beside it
    assert (tmp_path / metadata["url"]).is_file()
    assert metadata["dialect"]["delimiter"] == "," and metadata["dialect"]["header"] is True
    columns = metadata["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == rows[0]  # the names are the header cells
    assert all(c["titles"]["und"] == c["name"] for c in columns)  # so a CSVW processor matches the header
    assert [c["datatype"] for c in columns] == [
        "integer", "string", "string", "decimal", "decimal", "decimal", "decimal", "anyURI"
    ]  # fmt: skip
    assert columns[0]["valueUrl"] == "http://reference.data.gov.uk/id/year/{year}"
    assert columns[3]["titles"] == {"und": "incomeYuan", "zh": "收入总计", "en": "Income"}  # queries/columns.yaml
    assert metadata["dc:source"] == "budgetlod query units-totals"
    # the values parse back, by their declared datatypes, to the figures of the document
    parse = {"integer": int, "decimal": Decimal, "string": str, "anyURI": str}
    values = [parse[c["datatype"]](cell) for c, cell in zip(columns, rows[1], strict=True)]
    assert values == ROW
    assert values[4] == Decimal("1487.40") * 10000


def test_tsv_on_stdout_and_csv_on_stdout_unchanged(store_path: Path) -> None:
    runner = CliRunner()
    tsv = runner.invoke(main, ["query", "units-totals", "--store", str(store_path), "--format", "tsv"])
    assert tsv.exit_code == 0, tsv.output
    assert tsv.stdout.splitlines() == ["\t".join(HEADER), "\t".join(map(str, ROW))]
    # --format csv on stdout stays the W3C SPARQL results CSV (the year's IRI), as over HTTP
    plain = runner.invoke(main, ["query", "units-totals", "--store", str(store_path), "--format", "csv"])
    assert plain.stdout.splitlines()[1].startswith(f"{YEAR},{UNIT},")


def test_parquet_decimal128(store_path: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = tmp_path / "units.parquet"
    runner = CliRunner()
    result = runner.invoke(
        main, ["query", "units-totals", "--store", str(store_path), "--format", "parquet", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(target)
    assert table.column_names == HEADER
    assert table.schema.field("year").type == pa.int64()
    assert table.schema.field("incomeYuan").type == pa.decimal128(8, 0)  # 14874000: 8 digits, no fraction
    assert table.schema.field("basicYuan").type == pa.decimal128(7, 0)
    assert not any(pa.types.is_floating(field.type) for field in table.schema)
    assert table.to_pylist() == [dict(zip(HEADER, ROW, strict=True))]
    assert table.schema.field("incomeYuan").metadata[b"title:zh"].decode() == "收入总计"
    # binary: not to a terminal
    refused = runner.invoke(main, ["query", "units-totals", "--store", str(store_path), "--format", "parquet"])
    assert refused.exit_code == 2
    assert "[ERROR] parquet is a binary format: give --output FILE.parquet" in refused.stderr


def test_parquet_keeps_every_decimal_place() -> None:
    import pyarrow as pa

    result = Result(["v"], [(decimal("1487.40"),), (decimal("0.005"),), (None,), (decimal("-12345678901234.5"),)])
    table = tabular.arrow_table(result, tabular.columns_of(result))
    assert table.schema.field("v").type == pa.decimal128(17, 3)
    assert table.column("v").to_pylist() == [
        Decimal("1487.400"),
        Decimal("0.005"),
        None,
        Decimal("-12345678901234.500"),
    ]


def test_json_and_table_to_a_file(store_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "units.json"
    result = CliRunner().invoke(
        main, ["query", "units-totals", "--store", str(store_path), "--format", "json", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"), parse_float=Decimal)
    assert document["rows"][0]["basicYuan"] == 5024000 and document["query"] == "units-totals"
    assert not (tmp_path / "units.json-metadata.json").exists()  # CSVW describes CSV and TSV only


def test_a_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch, store_path: Path, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    with pytest.raises(tabular.MissingExtra, match=re.escape("pip install 'budgetlod[parquet]'")):
        tabular.require("pyarrow", "parquet")
    target = tmp_path / "x.parquet"
    result = CliRunner().invoke(
        main, ["query", "units-totals", "--store", str(store_path), "--format", "parquet", "-o", str(target)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("[ERROR] pyarrow is not installed: pip install 'budgetlod[parquet]'")
    assert not target.exists()
