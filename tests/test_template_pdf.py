"""The MoF's national 2024 部门决算 template (shared/samples/real/national-2024-department-final-accounts-template.pdf)
prints its tables' part under a title of its own — p. 5 "上海市 XX 局 2024 年度部门决算表" — without the 第二部分 its
table of contents announces. Its nine tables are read as the final-2024 family's f01–f09 (titles written from the
PDF, pp. 6–14), not as lines of the 单位概况 (issue 17)."""

from __future__ import annotations

import pytest
from real_cells import REAL

from budgetlod.parse.document import parse_file

TEMPLATE = REAL / "national-2024-department-final-accounts-template.pdf"

TITLES = [
    ("f01", "收入支出决算总表"),
    ("f02", "收入决算表"),
    ("f03", "支出决算表"),
    ("f04", "财政拨款收入支出决算总表"),
    ("f05", "一般公共预算财政拨款支出决算表"),
    ("f06", "一般公共预算财政拨款基本支出决算表"),
    ("f07", "财政拨款“三公”经费支出决算表"),
    ("f08", "政府性基金预算财政拨款收入支出决算表"),
    ("f09", "国有资本经营预算财政拨款收入支出决算表"),
]


@pytest.mark.skipif(not TEMPLATE.is_file(), reason=f"{TEMPLATE} not present (shared/samples/real)")
def test_template_tables_are_read_without_their_part_heading() -> None:
    document = parse_file(TEMPLATE)
    assert document.meta.family is not None and document.meta.family.family == "final-2024"
    assert [(t.id, t.title) for t in document.tables] == TITLES
    messages = [f.message for f in document.findings]
    assert not [m for m in messages if "单位概况 line not understood" in m and "决算" in m], messages
    assert not [f for f in document.findings if f.code == "P121"]  # the part is printed, under its own title
