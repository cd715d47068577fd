"""第一部分 单位概况: 主要职能, 机构设置, 人员情况."""

from __future__ import annotations

import pytest
from paths import SAMPLE

from budgetlod.findings import Reporter
from budgetlod.model import Profile, Staffing
from budgetlod.parse.parts import split_parts
from budgetlod.parse.profile import parse_profile
from budgetlod.read.stream import Block
from budgetlod.read.text import to_blocks


def blocks_of(text: str) -> list[Block]:
    return to_blocks(text, Reporter())


@pytest.fixture(scope="module")
def sample() -> tuple[Profile, Reporter]:
    reporter = Reporter()
    parts = split_parts(to_blocks(SAMPLE.read_text(encoding="utf-8"), Reporter()))
    return parse_profile(parts.profile, reporter), reporter


def test_sample_functions(sample: tuple[Profile, Reporter]) -> None:
    profile, _ = sample
    assert profile.functions_line == 58
    assert profile.functions is not None
    assert profile.functions.startswith(
        "负责受理市民诉求事项，转办、交办、督办并协调日常诉求事务的处置；负责拟订12345热线受理"
    )
    assert profile.functions.endswith("负责热线平台工作人员的业务培训和管理工作的。")
    assert "\n" not in profile.functions


def test_sample_organisation(sample: tuple[Profile, Reporter]) -> None:
    profile, _ = sample
    assert profile.subordinate_unit_count == 0
    assert profile.subordinate_units == []
    assert profile.department_count == 0
    assert profile.departments == []


def test_sample_staffing(sample: tuple[Profile, Reporter]) -> None:
    profile, _ = sample
    assert profile.staffing == [
        Staffing(category="编制数", count=34, change=None, line=64),
        Staffing(category="实有人数", count=33, change=None, line=64),
        Staffing(category="在职", count=30, change=-2, line=64),
        Staffing(category="退休", count=3, change=0, line=64),
        Staffing(category="离休", count=0, change=0, line=64),
    ]


def test_sample_has_no_findings(sample: tuple[Profile, Reporter]) -> None:
    _, reporter = sample
    assert reporter.findings == []


NAMED = """（一）主要职责

负责全市 A 事务的管理。

负责全市 B 事务的监督。

（二）机构设置及人员情况

某某市某某局有下属预算单位 3 个，分别是：某某市甲中心、某某市乙站、某某市丙所，\
下设 4 个处室，分别是：办公室、财务科、业务科、综合科。

某某市某某局人员编制 20 人，实有人员 22 人，其中：在职人员 18 人，比上年增加 3 人；\
退休人员 4 人，增加 1 人；离休人员 0 人。
"""


def test_named_units_and_departments() -> None:
    reporter = Reporter()
    profile = parse_profile(blocks_of(NAMED), reporter)
    assert profile.subordinate_unit_count == 3
    assert profile.subordinate_units == ["某某市甲中心", "某某市乙站", "某某市丙所"]
    assert profile.department_count == 4
    assert profile.departments == ["办公室", "财务科", "业务科", "综合科"]
    assert reporter.findings == []


def test_functions_of_several_paragraphs_with_bracket_heading() -> None:
    profile = parse_profile(blocks_of(NAMED), Reporter())
    assert profile.functions == "负责全市A事务的管理。\n负责全市B事务的监督。"
    assert profile.functions_line == 3


def test_staffing_with_increase_and_variants() -> None:
    profile = parse_profile(blocks_of(NAMED), Reporter())
    assert profile.staffing == [
        Staffing(category="编制数", count=20, change=None, line=11),
        Staffing(category="实有人数", count=22, change=None, line=11),
        Staffing(category="在职", count=18, change=3, line=11),
        Staffing(category="退休", count=4, change=1, line=11),
        Staffing(category="离休", count=0, change=None, line=11),
    ]


def test_headings_without_spaces_and_chinese_numerals() -> None:
    text = (
        "一、主要职能\n\n负责 C 事务。\n\n二、机构设置及人员情况\n\n"
        "本单位无下属预算单位，下设五个科室，分别是：办公室、计财科、法规科、督查科、信息科。\n"
    )
    profile = parse_profile(blocks_of(text), Reporter())
    assert profile.functions == "负责C事务。"
    assert profile.subordinate_unit_count == 0
    assert profile.subordinate_units == []
    assert profile.department_count == 5
    assert profile.departments == ["办公室", "计财科", "法规科", "督查科", "信息科"]


def test_count_and_names_disagree() -> None:
    reporter = Reporter()
    text = "二、 机构设置及人员情况\n\n本单位下设 3 个处室，分别是：办公室、财务科。\n"
    profile = parse_profile(blocks_of(text), reporter)
    assert profile.department_count == 3
    assert profile.departments == ["办公室", "财务科"]
    assert [(f.code, f.line) for f in reporter.findings] == [("P310", 3)]


def test_unread_figure_is_reported() -> None:
    reporter = Reporter()
    text = "二、 机构设置及人员情况\n\n本单位编制数 10 人。\n\n本单位另有行政编制 6 名。\n"
    profile = parse_profile(blocks_of(text), reporter)
    assert profile.staffing == [Staffing(category="编制数", count=10, change=None, line=3)]
    assert [(f.code, f.line) for f in reporter.findings] == [("P305", 5)]
    assert "本单位另有行政编制6名" in reporter.findings[0].message
    assert reporter.findings[0].message.startswith("单位概况 line not understood")


def test_numbered_duties_stay_in_functions() -> None:
    text = "一、主要职能\n\n1、负责全市财政工作\n\n（二）负责人员编制管理\n\n二、机构设置及人员情况\n\n本单位编制数 5 人。\n"
    profile = parse_profile(blocks_of(text), Reporter())
    assert profile.functions == "1、负责全市财政工作\n（二）负责人员编制管理"
    assert profile.staffing == [Staffing(category="编制数", count=5, change=None, line=9)]
