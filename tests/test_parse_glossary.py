"""第四部分 名词解释."""

from __future__ import annotations

import pytest
from paths import SAMPLE

from budgetlod.findings import Reporter
from budgetlod.model import GlossaryEntry
from budgetlod.parse.glossary import parse_glossary
from budgetlod.parse.parts import split_parts
from budgetlod.read.stream import Block
from budgetlod.read.text import to_blocks


def blocks_of(text: str) -> list[Block]:
    return to_blocks(text, Reporter())


@pytest.fixture(scope="module")
def sample() -> tuple[list[GlossaryEntry], Reporter]:
    reporter = Reporter()
    parts = split_parts(to_blocks(SAMPLE.read_text(encoding="utf-8"), Reporter()))
    return parse_glossary(parts.glossary, reporter), reporter


def test_sample_terms_and_lines(sample: tuple[list[GlossaryEntry], Reporter]) -> None:
    entries, _ = sample
    assert [(e.term, e.line) for e in entries] == [
        ("财政拨款", 527),
        ("一般公共预算", 529),
        ("财政专户管理资金", 531),
        ("其他资金", 533),
        ("基本支出", 535),
        ("项目支出", 537),
        ("“三公”经费", 539),
        ("机关运行经费", 541),
    ]


def test_sample_definitions(sample: tuple[list[GlossaryEntry], Reporter]) -> None:
    entries, _ = sample
    assert entries[0].definition == "指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"
    assert entries[1].definition == "包括公共财政拨款(补助)资金、专项收入。"
    assert entries[6].definition.startswith("指部门(单位)因公出国(境)费、公务用车购置及运行维护费和公务接待费,其中:")
    assert entries[6].definition.endswith("公务接待费反映机关和参公事业单位按规定开支的各类公务接待(含外宾接待)费用。")
    assert all("**" not in e.term + e.definition for e in entries)


def test_sample_signature_gives_no_entry_and_no_finding(sample: tuple[list[GlossaryEntry], Reporter]) -> None:
    entries, reporter = sample
    assert all(e.line < 543 for e in entries)
    assert reporter.findings == []


def test_half_width_colon_without_bold_and_variants() -> None:
    text = (
        "一、基本支出:指为保障机构正常运转、完成日常工作任务而发生的支出。\n\n"
        "二、项目支出：指在基本支出之外为完成特定目标发生的支出。\n\n"
        "（三）“财政专户管理资金”：包括专户管理的非税收入。\n\n"
        "4. 结转结余，是指以前年度尚未完成、结转到本年的资金。\n\n"
        "**上年结转**: 指以前年度安排、因客观条件变化未执行完毕的资金。\n"
    )
    reporter = Reporter()
    entries = parse_glossary(blocks_of(text), reporter)
    assert entries == [
        GlossaryEntry("基本支出", "指为保障机构正常运转、完成日常工作任务而发生的支出。", 1),
        GlossaryEntry("项目支出", "指在基本支出之外为完成特定目标发生的支出。", 3),
        GlossaryEntry("财政专户管理资金", "包括专户管理的非税收入。", 5),
        GlossaryEntry("结转结余", "以前年度尚未完成、结转到本年的资金。", 7),
        GlossaryEntry("上年结转", "指以前年度安排、因客观条件变化未执行完毕的资金。", 9),
    ]
    assert reporter.findings == []


def test_definition_cut_by_the_converter_is_joined() -> None:
    text = "一、机关运行经费：指行政单位的公用经费，包括办公及印刷费、\n\n邮电费、差旅费等。\n"
    entries = parse_glossary(blocks_of(text), Reporter())
    assert entries == [GlossaryEntry("机关运行经费", "指行政单位的公用经费，包括办公及印刷费、邮电费、差旅费等。", 1)]


def test_unreadable_line_is_reported() -> None:
    text = (
        "一、财政拨款：指财政拨款数。\n\n"
        "以下为本单位补充说明的内容，请参阅附表。\n\n"
        "注：本表数据截至2024年。\n\n"
        "某某市财政局（盖章）\n\n"
        "2024 年 03 月 01 日\n"
    )
    reporter = Reporter()
    entries = parse_glossary(blocks_of(text), reporter)
    assert entries == [GlossaryEntry("财政拨款", "指财政拨款数。", 1)]
    assert [(f.code, f.line) for f in reporter.findings] == [("P304", 3), ("P304", 5)]
    assert "以下为本单位补充说明的内容" in reporter.findings[0].message
