"""A narrative's function line tied to its code as the Jiangsu 情况说明 name it (issue 17): "一般公共服务（类）支出
6,543.55 万元" (the 类 name with 支出 apart; the table prints 201 一般公共服务支出) and "政协事务（款）行政运行（项）支出
3,233.03 万元" (no 类 named; the only 行政运行 under 政协事务 is 2010201). Before, 79 statements of the CPPCC 2017
narrative had no code and each was a NarrativeFunctionNamesMatchTables warning. Figures from
js-provincial-cppcc-office-2017-budget-text.pdf p. 7 and p. 9, codes from its tables (pp. 5–6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from real_cells import REAL

from budgetlod.parse.document import parse_files

TEXT = REAL / "js-provincial-cppcc-office-2017-budget-text.pdf"
TABLES = REAL / "js-provincial-cppcc-office-2017-budget-tables.pdf"


@pytest.mark.skipif(not TEXT.is_file(), reason=f"{TEXT} not present (shared/samples/real)")
def test_jiangsu_function_lines_get_their_codes() -> None:
    document = parse_files([TEXT, TABLES])
    facts = {(tuple(f.function), f.amount): f.codes for f in document.narratives}
    assert facts[(("一般公共服务", "支出"), Decimal("6543.55"))] == ("201",)
    assert facts[(("政协事务", "行政运行", "支出"), Decimal("3233.03"))] == ("201", "02", "01")
    uncoded = [f.function for f in document.narratives if f.function and not f.codes]
    # only the economic classes of section 六 (对个人和家庭的补助支出（类）, 住房公积金（款）…) stay without a function code
    assert {names[0] for names in uncoded} == {"对个人和家庭的补助支出", "住房公积金", "提租补贴"}, uncoded
