"""Template families (mapping/families): the family each document's tables choose, and the 部门决算 family."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from budgetlod.parse.document import parse_file, parse_text
from budgetlod.pipeline import Converted, convert
from budgetlod.specs import families, family_specs, spec, table_specs
from budgetlod.text import label_key
from tests.real_cells import CASES, REAL, load_expected

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PUTUO = REAL / "sh-putuo-finance-bureau-2024-final-accounts.pdf"
PUTUO_CASE = CASES / "real-sh-putuo-2024-final"
BL = "https://w3id.org/budgetlod/ontology#"
needs_putuo = pytest.mark.skipif(not PUTUO.is_file(), reason="shared/samples/real not present")


def test_families_are_data() -> None:
    ids = [f.id for f in families()]
    assert ids[0] == "unit-budget-2024" and "final-2024" in ids
    assert [s.id for s in family_specs("unit-budget-2024")] == [f"t{n:02d}" for n in range(1, 12)]
    assert [s.id for s in family_specs("final-2024")] == [f"f{n:02d}" for n in range(1, 10)]
    assert {s.family for s in table_specs()} == set(ids)
    assert spec("f07").columns[0].stage == "approved" and spec("f07").columns[1].stage == "executed"


def test_example_chooses_unit_budget() -> None:
    example = sorted(EXAMPLES.glob("*.txt"))[0]
    choice = parse_file(example).meta.family
    assert choice is not None and choice.family == "unit-budget-2024"
    assert choice.score == choice.tables == 11 and not choice.uncertain
    assert any(m.endswith("-> t01") for m in choice.matched)


def test_uncertain_document_gets_a_finding() -> None:
    def table(title: str, header: str, row: str) -> list[str]:
        return [title, "", "单位：万元", "", f"| 项目 | {header} |", "|---|---|", f"| {row} |", ""]

    lines = ["某局2024年部门决算", "", "第二部分 2024年部门决算表", ""]
    lines += table("收入决算表", "本年收入合计", "合计 | 10.00")
    lines += table("某某自编情况表", "金额", "其他 | 1.00")
    lines += table("另一张自编表", "金额", "其他 | 2.00")
    text = "\n".join(lines)
    disclosure = parse_text(text, "uncertain.txt")
    choice = disclosure.meta.family
    assert choice is not None and choice.family == "final-2024" and choice.uncertain
    assert any(f.code == "P117" for f in disclosure.findings)


@cache
def _putuo() -> Converted:
    return convert([PUTUO], validate=False)


@needs_putuo
def test_putuo_chooses_final_accounts_and_every_table_its_spec() -> None:
    converted = _putuo()
    choice = converted.disclosure.meta.family
    assert choice is not None and choice.family == "final-2024" and not choice.uncertain
    assert choice.score == choice.tables == 9 and choice.runner_up is None
    assert [t.id for t in converted.disclosure.tables] == [f"f{n:02d}" for n in range(1, 10)]
    assert not any(f.code == "P102" for f in converted.findings)  # no 预算 table reported missing


# cells the f-specs leave to the generic mapping on purpose (no dimension tells these rows apart: see the specs)
GENERIC_ROWS = {"年末结转和结余", "年末财政拨款结转和结余", "人员经费合计", "公用经费合计"}


@needs_putuo
def test_putuo_expected_cells_are_observations_of_specific_tables() -> None:
    converted = _putuo()
    by_subject: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for quad in converted.quads:
        subject, obj = quad.subject, quad.object
        if isinstance(subject, NamedNode) and isinstance(obj, NamedNode | Literal):
            by_subject[subject.value][quad.predicate.value].append(obj.value)
    types = {s: p.get(f"{BL}tableType", [""])[0].rsplit("/", 1)[-1] for s, p in by_subject.items()}
    titles = {s: p.get(f"{BL}printedTitle", [""])[0] for s, p in by_subject.items()}
    amount = "http://data.openbudgets.eu/ontology/dsd/measure/amount"
    cells: dict[tuple[str, str, str], set[Decimal]] = defaultdict(set)  # (title, table type, name) -> amounts
    for props in by_subject.values():
        if amount not in props:
            continue
        dataset = props["http://purl.org/linked-data/cube#dataSet"][0]
        key = (label_key(titles[dataset]), types[dataset], label_key(props.get(f"{BL}printedName", [""])[0]))
        cells[key].add(Decimal(props[amount][0]))
    misses: list[str] = []
    generic: list[str] = []
    for cell in load_expected(PUTUO_CASE):
        title, name = label_key(cell.table), label_key(cell.row)
        found = {t for (ti, t, n), amounts in cells.items() if ti == title and n == name and cell.amount in amounts}
        if any(t.startswith("f0") for t in found):
            continue
        (generic if found == {"generic"} and name in {label_key(r) for r in GENERIC_ROWS} else misses).append(
            cell.where()
        )
    assert not misses, misses
    assert len(generic) <= 8, generic


# The eight figures the f-specs once left to the generic mapping (GENERIC_ROWS above), as the PDF prints them: the
# 支出 side of 表1 (年末结转和结余 55.34, 总计 2,995.39) and of 表4 (年末财政拨款结转和结余 21.63 and 总计 2,961.68,
# in its 合计 and 一般公共预算财政拨款 columns), 表6 人员经费合计 2,152.26 and 公用经费合计 184.65. The named rows of
# f01, f04 and f06 now give them dimensions (bl:balanceItem; bl:expenditureNature with economic _T).
ONCE_GENERIC = [
    # (table type, printed name, printed column, balance item or nature, amount)
    ("f01", "年末结转和结余", "决算数", "balance/closing", "55.34"),
    ("f01", "总计", "决算数", "balance/_T", "2995.39"),
    ("f04", "年末财政拨款结转和结余", "合计", "balance/closing", "21.63"),
    ("f04", "年末财政拨款结转和结余", "一般公共预算财政拨款", "balance/closing", "21.63"),
    ("f04", "总计", "合计", "balance/_T", "2961.68"),
    ("f04", "总计", "一般公共预算财政拨款", "balance/_T", "2961.68"),
    ("f06", "人员经费合计", "决算数", "expenditure-nature/basic_personnel", "2152.26"),
    ("f06", "公用经费合计", "决算数", "expenditure-nature/basic_public", "184.65"),
]


@needs_putuo
def test_putuo_once_generic_figures_are_specific_observations() -> None:
    converted = _putuo()
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for quad in converted.quads:
        if isinstance(quad.subject, NamedNode) and isinstance(quad.object, NamedNode | Literal):
            props[quad.subject.value][quad.predicate.value].append(quad.object.value)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    amount = "http://data.openbudgets.eu/ontology/dsd/measure/amount"
    names = {name for _, name, _, _, _ in ONCE_GENERIC}
    found: dict[tuple[str, str, str, str], set[Decimal]] = defaultdict(set)
    for p in props.values():
        if amount not in p:
            continue
        dataset = props[p["http://purl.org/linked-data/cube#dataSet"][0]]
        generic = f"{BL}GenericTable" in dataset.get(rdf_type, [])
        assert not (generic and p.get(f"{BL}printedName", [""])[0] in names), p  # none of them generic any more
        table_type = dataset.get(f"{BL}tableType", [""])[0].rsplit("/", 1)[-1]
        codes = p.get(f"{BL}balanceItem", []) + p.get(f"{BL}expenditureNature", [])
        for code in codes:
            key = (
                table_type,
                p.get(f"{BL}printedName", [""])[0],
                p.get(f"{BL}sourceColumn", [""])[0],
                "/".join(code.rsplit("/", 2)[-2:]),
            )
            found[key].add(Decimal(p[amount][0]))
    for table_type, name, column, code, value in ONCE_GENERIC:
        assert found.get((table_type, name, column, code)) == {Decimal(value)}, (table_type, name, column, code)
    assert not any(f.code == "M004" for f in converted.findings)
