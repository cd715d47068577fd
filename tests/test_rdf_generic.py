"""Tables no spec knows, and the columns a spec lacks, are mapped generically: every printed figure is an
observation (budgetlod.rdf.generic)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from paths import SAMPLE
from pyoxigraph import Literal, NamedNode, Quad
from qb_integrity import violations
from real_cells import CASES, REAL, Expected, load_expected, source_files

from budgetlod import resources
from budgetlod.formats import to_bytes
from budgetlod.model import Disclosure
from budgetlod.parse.document import parse_text
from budgetlod.pipeline import convert, convert_disclosure
from budgetlod.prefixes import iri
from budgetlod.rdf.cube import name_findings
from budgetlod.rdf.graph import disclosure_iri, to_quads
from budgetlod.rdf.iris import Minter, content_hash
from budgetlod.text import label_key
from budgetlod.validate.direct import validate_direct

MINTER = Minter("https://example.org/")
PROCUREMENT = """某中心

2024 年单位预算公开

第二部分 2024 年单位预算公开表

表 12

政府购买服务预算表

编制单位：某中心

单位：万元

| 采购项目 | 合计 | 资金来源 | |
|------|------|------|------|
| | | 财政拨款 | 其他资金 |
| 合计 | 120.50 | 100.00 | 20.50 |
| 台式计算机 | 80.00 | 80.00 | |
| 物业管理服务 | 40.50 | 20.00 | 20.50 |
"""
TABLE_SECTION = PROCUREMENT[PROCUREMENT.index("表 12") :]


def disclosure(text: str = PROCUREMENT) -> Disclosure:
    return parse_text(text)


def quads(text: str = PROCUREMENT) -> list[Quad]:
    return to_quads(disclosure(text), MINTER)


def v(term: object) -> str:
    """A term's text (an IRI's, a literal's lexical form)."""
    return term.value if isinstance(term, NamedNode | Literal) else str(term)


def objects(graph: list[Quad], subject: str, predicate: str) -> list[str]:
    return sorted(v(q.object) for q in graph if v(q.subject) == subject and q.predicate.value == iri(predicate))


def observations(graph: list[Quad]) -> list[str]:
    return sorted(v(q.subject) for q in graph if q.object == NamedNode(iri("qb:Observation")))


def table_iri() -> str:
    return f"{disclosure_iri(disclosure(), MINTER)}/g-{content_hash('政府购买服务预算表')}"


def cell(row: int, name: str, column: str) -> str:
    return f"{table_iri()}/r{row}-{content_hash(name, 8)}/c-{content_hash(column, 8)}"


def test_unknown_table_is_a_generic_data_set() -> None:
    graph, table = quads(), table_iri()
    types = objects(graph, table, "rdf:type")
    assert types == sorted(iri(t) for t in ("qb:DataSet", "bl:Table", "bl:GenericTable"))
    assert objects(graph, table, "qb:structure") == ["https://w3id.org/budgetlod/ontology/dsd/generic"]
    assert objects(graph, table, "bl:tableType") == ["https://w3id.org/budgetlod/codelist/table-type/generic"]
    assert objects(graph, table, "bl:printedTitle") == ["政府购买服务预算表"]
    assert objects(graph, table, "bl:printedUnit") == ["万元"]
    assert objects(graph, table, "bl:printedNumber") == ["12"]
    assert objects(graph, table, "sdmx-attribute:unitMult") == ["4"]
    assert objects(graph, table, "bl:sourceLine") == ["7"]  # the line of 表 12
    assert objects(graph, disclosure_iri(disclosure(), MINTER), "bl:table") == [table]


def test_one_observation_per_printed_figure_blank_cells_none() -> None:
    graph = quads()
    # 3 rows × 3 columns, one cell blank (台式计算机, 其他资金): not reported, no observation
    assert len(observations(graph)) == 8
    assert cell(2, "台式计算机", "资金来源 / 其他资金") not in observations(graph)
    obs = cell(2, "台式计算机", "资金来源 / 财政拨款")
    assert objects(graph, obs, "qb:dataSet") == [table_iri()]
    amount = [q.object for q in graph if v(q.subject) == obs and q.predicate.value == iri("obeu-measure:amount")]
    assert amount == [Literal("80.00", datatype=NamedNode(iri("xsd:decimal")))]
    assert objects(graph, obs, "bl:amountInYuan") == ["800000.00"]
    assert objects(graph, obs, "bl:printedName") == ["台式计算机"]
    assert objects(graph, obs, "bl:printedColumn") == ["资金来源 / 财政拨款"]
    assert objects(graph, obs, "bl:sourceColumn") == ["资金来源 / 财政拨款"]
    assert objects(graph, obs, "bl:sourceRow") == ["2"]
    assert objects(graph, obs, "bl:sourceLine") == ["19"]
    assert objects(graph, obs, "bl:genericRow") == [f"r2-{content_hash('台式计算机', 8)}"]
    assert objects(graph, obs, "bl:genericColumn") == [f"c-{content_hash('资金来源 / 财政拨款', 8)}"]
    assert objects(graph, obs, "bl:aggregationLevel") == [iri("bll:entry")]
    assert objects(graph, obs, "obeu-dimension:operationCharacter") == [iri("obeu-operation:expenditure")]
    assert objects(graph, obs, "bl:sourceTable") == []  # not a template table's: the arithmetic rules skip it
    total = cell(1, "合计", "合计")
    assert objects(graph, total, "obeu-measure:amount") == ["120.50"]
    assert objects(graph, total, "bl:aggregationLevel") == [iri("bll:total")]
    assert objects(graph, cell(3, "物业管理服务", "资金来源 / 其他资金"), "obeu-measure:amount") == ["20.50"]


def test_the_same_document_gives_the_same_quads_and_repeated_titles_distinct_tables() -> None:
    assert quads() == quads()
    twice = to_quads(disclosure(PROCUREMENT + "\n" + TABLE_SECTION.replace("表 12", "表 13")), MINTER)
    tables = {v(q.object) for q in twice if q.predicate.value == iri("qb:dataSet")}
    assert tables == {table_iri(), f"{table_iri()}~2"}
    assert len(observations(twice)) == 16


def test_finding_m003_counts_the_figures() -> None:
    found = [(f.code, f.severity, f.line, f.message) for f in name_findings(disclosure()) if f.code == "M003"]
    assert found == [
        (
            "M003",
            "info",
            7,
            "表12 政府购买服务预算表 is mapped generically (no template spec knows it): 8 figures as printed row × "
            "printed column",
        )
    ]


def test_generic_cube_is_well_formed_and_no_shape_reports_it() -> None:
    graph = quads()
    assert violations(to_bytes(graph, "nq"), *resources.ontology()) == []
    generic = {table_iri(), *observations(graph)}
    reported = [(r.shape, r.focus, r.value) for r in validate_direct(graph).results]
    assert [r for r in reported if generic & {r[1], r[2]}] == []


# ------------------------------------------------------------------ a real disclosure

CASE = CASES / "real-js-cppcc-office-2019"


def _matches(cell: Expected, name: str, project: str) -> bool:
    parts = [label_key(p) for p in cell.row.split("/") if label_key(p)]
    if not parts:
        return True
    keys = {label_key(name), label_key(project) + label_key(name), label_key(project)} - {""}
    return "".join(parts) in keys or parts[-1] in keys or parts[0] in keys


def test_every_expected_cell_of_a_real_pdf_is_an_observation() -> None:
    files = source_files(CASE)
    absent = [f.name for f in files if not f.is_file()]
    if not REAL.is_dir() or absent:
        pytest.skip(f"the shared samples are absent ({REAL}): {', '.join(absent) or 'no folder'}")
    graph = convert(files, validate=False).quads
    found: dict[str, dict[str, str]] = defaultdict(dict)
    wanted = {iri(p): p for p in ("obeu-measure:amount", "bl:printedName", "bl:printedProject", "bl:sourcePlace")}
    for q in graph:
        if q.predicate.value in wanted:
            found[v(q.subject)][wanted[q.predicate.value]] = v(q.object)
    obs = {s: v for s, v in found.items() if "obeu-measure:amount" in v}
    used: set[str] = set()
    missing = []
    for expected in load_expected(CASE):
        page = f" p. {expected.page}"
        candidates = [
            s
            for s, v in sorted(obs.items())
            if s not in used
            and Decimal(v["obeu-measure:amount"]) == expected.amount
            and v.get("bl:sourcePlace", "").endswith(page)
            and _matches(expected, v.get("bl:printedName", ""), v.get("bl:printedProject", ""))
        ]
        if candidates:
            used.add(candidates[0])
        else:
            missing.append(expected.where())
    assert missing == []


def test_the_procurement_table_of_a_real_pdf_names_its_source() -> None:
    """Mapped generically until it had a spec (j12, budgetlod/rdf/procurement.py): 20 printed figures."""
    files = source_files(CASE)
    if not all(f.is_file() for f in files):
        pytest.skip(f"the shared samples are absent ({REAL})")
    graph = convert(files, validate=False).quads
    procurement = [
        v(q.subject)
        for q in graph
        if q.predicate.value == iri("bl:printedTitle") and v(q.object) == "2019年政府采购预算表"
    ]
    assert len(procurement) == 1
    table = procurement[0]
    assert table.endswith("/j12")
    assert objects(graph, table, "bl:sourcePlace") == ["js-provincial-cppcc-office-2019-budget-tables.pdf p. 12"]
    rows = [v(q.subject) for q in graph if q.predicate.value == iri("qb:dataSet") and v(q.object) == table]
    assert len(rows) == 20


def test_a_column_a_spec_lacks_is_a_generic_part_of_its_table() -> None:
    """The bundled example's 表3 with a fourth column 预留机动经费 (no column of the spec t03): its two printed
    figures (12.00, 3.00) are observations of a generic part of 表3 (bl:unmappedPartOf), and M004 says so."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for number, old, new in (  # 表3's header, column numbers, 总计 and 2010350 rows (lines of the sample)
        (144, "| 功能分类科目编码 | | | 功能分类科目名称 | 合计 | 基本支出 | 项目支出 |", " 预留机动经费 |"),
        (146, "| ※ | ※ | ※ | ※ | 1 | 2 | 3 |", " 4 |"),
        (147, "| | | | 总计 | 1,487.40 | 502.40 | 985.00 |", " 12.00 |"),
        (150, "| 201 | 03 | 50 | 事业运行 | 447.05 | 447.05 | |", " 3.00 |"),
    ):
        assert lines[number - 1] == old
        lines[number - 1] = old + new
    text = "\n".join(lines)
    converted = convert_disclosure(parse_text(text, "t03-extra.txt"), validate=False)
    graph = converted.quads
    parts = [v(q.subject) for q in graph if q.predicate.value == iri("bl:unmappedPartOf")]
    assert len(parts) == 1 and objects(graph, parts[0], "bl:unmappedPartOf")[0].endswith("/t03")
    amounts = sorted(
        Decimal(v(q.object))
        for q in graph
        if q.predicate.value == iri("obeu-measure:amount")
        and any(v(d.object) == parts[0] for d in graph if d.subject == q.subject and d.predicate.value == iri("qb:dataSet"))
    )
    assert amounts == [Decimal("3.00"), Decimal("12.00")]
    assert [f.code for f in converted.findings].count("M004") == 1
