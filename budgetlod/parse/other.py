"""其他重要事项 (the blocks after ``十二、其他重要事项的情况说明``) -> :class:`OtherMatters`.

Sub-headings such as ``（一）单位运行经费情况`` or ``(二) 政府采购情况`` route the
paragraphs to a reader per subject (运行经费, 政府采购, 国有资产, 预算绩效,
其他需说明的事项).  Each reader takes the figures its patterns know from a
:class:`Scanner`; a sentence that still holds a figure afterwards is reported
(P305) instead of being guessed at.  Tables (整体/项目绩效目标表) become
:class:`PerformanceTarget` objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlod.findings import Reporter
from budgetlod.model import (
    Amount,
    AssetItem,
    Assets,
    Change,
    Classified,
    Equipment,
    Indicator,
    OtherMatters,
    Performance,
    PerformanceTarget,
    Procurement,
    RunningCost,
)
from budgetlod.parse.text import MAX_PARAGRAPH, Malformed, cn_number, looks_like_amount, parse_amount
from budgetlod.read.stream import Block, Paragraph, TableBlock
from budgetlod.text import label_key, squash

SECTION = "其他重要事项"

# Not inside a number (the look-behind): a pattern then tries each run of digits once, not at each of its
# digits, which on a converter's run-on line of digits would take time growing with the square of its length.
NUM = r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
UNIT = r"亿元|百万元|万元|千元|元"
CN_COUNT = r"\d+|[零〇一二两三四五六七八九十]+"
# A figure a reader should have taken: a number with a measure word.
FIGURE = re.compile(rf"(?:{NUM})\s*(?:{UNIT}|%|％|人|名|个|项|辆|台|套|件|平方米|㎡|次|家)")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_SENTENCE = re.compile(r"[^。；;]+[。；;]?")

# ``（一）标题`` / ``二、标题`` / ``3. 标题`` optionally followed by ``：正文``.
HEADING = re.compile(
    r"^(?:[（(]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、.．](?!\d))"
    r"\s*(?P<title>[^：:。；;\d]{1,24}?)\s*(?:[：:]\s*(?P<rest>.*))?$"
)


def amount_re(name: str) -> str:
    """A pattern for ``1,487.40万元`` with groups ``name`` and ``name_unit``."""
    return rf"(?P<{name}>{NUM})\s*(?P<{name}_unit>{UNIT})"


def count_re(name: str) -> str:
    return rf"(?P<{name}>{CN_COUNT})"


def normalise(text: str) -> str:
    """Squashed text with full-width digits made half-width (positions are per this text)."""
    return squash(text).translate(_FULL_WIDTH)


def number(text: str) -> Decimal:
    """A figure :data:`NUM` matched (``1,487.40``, also in a rate or share) as a decimal."""
    return Decimal(text.replace(",", ""))


def to_amount(match: re.Match[str], name: str, line: int) -> Amount | None:
    if match.group(name) is None:
        return None
    return Amount(number(match.group(name)), match.group(f"{name}_unit"), line)


def to_count(match: re.Match[str], name: str) -> int | None:
    text = match.group(name)
    return None if text is None else cn_number(text)


@dataclass
class Scanner:
    """One paragraph's text and the spans the readers have taken from it."""

    text: str
    used: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.used)

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """The first match that overlaps nothing taken; it is taken."""
        for match in pattern.finditer(self.text):
            if self.free(*match.span()):
                self.used.append(match.span())
                return match
        return None

    def take_all(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        while (match := self.take(pattern)) is not None:
            found.append(match)
        return found

    def sentence_at(self, position: int) -> str:
        for match in _SENTENCE.finditer(self.text):
            if match.start() <= position < match.end():
                return match.group(0)
        return self.text

    def unread(self) -> list[str]:
        """Sentences that hold a figure no reader took, in order, each once."""
        found: list[str] = []
        for sentence in _SENTENCE.finditer(self.text):
            for figure in FIGURE.finditer(self.text, sentence.start(), sentence.end()):
                if self.free(*figure.span()):
                    found.append(sentence.group(0).strip())
                    break
        return found


def heading(text: str) -> tuple[str, str] | None:
    """``（一）单位运行经费情况：…`` -> (title, rest); None if not a sub-heading."""
    match = HEADING.match(text)
    if not match:
        return None
    return match.group("title").strip(), (match.group("rest") or "").strip()


_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("running", ("运行经费",)),
    ("procurement", ("政府采购", "中小企业")),
    ("assets", ("国有资产", "资产", "大型设备")),
    ("performance", ("绩效",)),
    ("classified", ("涉密",)),
    ("notes", ("其他", "说明", "事项")),
)


def section_of(text: str) -> str | None:
    for name, words in _SECTIONS:
        if any(word in text for word in words):
            return name
    return None


# --- 运行经费
_FILLER = r"(?:财政拨款|一般公共预算|当年|预算|支出|安排|资金|总额|金额|数|为|是|共|合计|\s)*"
_RUNNING = re.compile(rf"(?:机关|单位)?运行经费{_FILLER}{amount_re('amount')}")
_CHANGE = re.compile(
    rf"(?:比|较|与)(?:上年|上一年度?|去年|\d{{4}}年)度?(?:预算|决算)?数?(?:相比|比较)?[，,]?\s*"
    rf"(?:(?P<verb>增加|减少|增长|下降)\s*(?:{amount_re('change')}"
    rf"(?:\s*[，,]?\s*(?P<rverb>增长|下降|增加|减少)\s*(?P<rate>{NUM})\s*[%％])?"
    rf"|(?P<rate_only>{NUM})\s*[%％])|(?P<flat>持平|不变|无变化))"
)
_REASON = re.compile(r"(?:主要)?原因(?:是|为|在于|[:：])\s*(?P<reason>[^。]+)。?")
_NEGATIVE = ("减少", "下降")


def read_change(scan: Scanner, line: int) -> Change | None:
    match = scan.take(_CHANGE)
    if match is None:
        return None
    if match.group("flat"):
        return Change(amount=Decimal(0), rate=None, line=line)
    sign = -1 if match.group("verb") in _NEGATIVE else 1
    amount = rate = None
    if match.group("change") is not None:
        amount = sign * number(match.group("change"))
    if match.group("rate") is not None:
        rate = (-1 if match.group("rverb") in _NEGATIVE else 1) * number(match.group("rate"))
    elif match.group("rate_only") is not None:
        rate = sign * number(match.group("rate_only"))
    return Change(amount=amount, rate=rate, line=line)


def _running(scan: Scanner, line: int, other: OtherMatters) -> None:
    cost = other.running_cost or RunningCost()
    if (match := scan.take(_RUNNING)) is not None:
        cost.amount = to_amount(match, "amount", line)
    if (change := read_change(scan, line)) is not None:
        cost.change = change
    if (match := scan.take(_REASON)) is not None:
        cost.reason = match.group("reason").strip()
    if cost.amount or cost.change or cost.reason:
        other.running_cost = cost


# --- 政府采购
# the words between the subject and its amount; a short aside too: 政府采购金额（以合同签订为准）为 251.25 万元 (决算)
_PFILLER = r"(?:政府采购|采购|项目|预算|支出|合同|资金|总额|金额|安排|共|合计|为|是|[（(][^）)]{1,20}[）)]|\s)*"
_SHARE = r"(?:\s*[，,]?\s*占[^，,。；;%％]{0,30}?(?P<share>" + NUM + r")\s*[%％])?"
_SME = re.compile(rf"(?:面向|授予|预留给?)?中小企业(?:预留|的)?{_PFILLER}{amount_re('amount')}{_SHARE}")
_MICRO = re.compile(rf"(?:面向|授予|预留给?)?小微企业(?:预留|的)?{_PFILLER}{amount_re('amount')}{_SHARE}")
# 决算: 在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额 246.47 万元 (awarded)
_AWARDED = {
    prefix: re.compile(rf"预留的?政府采购项目中[，,]\s*由{who}供应商中标或成交的[，,]\s*采购金额{amount_re('amount')}")
    for prefix, who in (("sme", "中小企业"), ("micro", "小微企业"))
}
_KINDS = {"goods": "货物", "works": "工程", "services": "服务"}
_KIND_RE = {k: re.compile(rf"(?:政府采购)?{w}类?{_PFILLER}{amount_re('amount')}") for k, w in _KINDS.items()}
_TOTAL = re.compile(rf"政府采购{_PFILLER}{amount_re('amount')}")


def _procurement(scan: Scanner, line: int, other: OtherMatters) -> None:
    proc = other.procurement or Procurement()
    for prefix, pattern in _AWARDED.items():
        if (match := scan.take(pattern)) is not None:
            setattr(proc, f"{prefix}_awarded", to_amount(match, "amount", line))
    for prefix, pattern in (("sme", _SME), ("micro", _MICRO)):
        for found in scan.take_all(pattern):
            awarded = "授予" in found.group(0) or "合同" in found.group(0)
            setattr(proc, f"{prefix}_{'awarded' if awarded else 'reserved'}", to_amount(found, "amount", line))
            if found.group("share") is not None:
                setattr(proc, f"{prefix}_share", number(found.group("share")))
    for kind, pattern in _KIND_RE.items():
        if (match := scan.take(pattern)) is not None:
            setattr(proc, kind, to_amount(match, "amount", line))
    if (match := scan.take(_TOTAL)) is not None:
        proc.total = to_amount(match, "amount", line)
    if proc != Procurement():
        other.procurement = proc


# --- 国有资产
_AS_OF = re.compile(r"截[至止]\s*(?P<date>\d{4}\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?\s*(?:底|末)?)")
_CATEGORIES = (
    "房屋建筑物|房屋|办公用房|业务用房|土地|一般公务用车|执法执勤用车|特种专业技术用车|其他用车|其他车辆|"
    "公务用车|车辆|办公家具|家具|通用设备|专用设备|办公设备|电子设备|图书档案|图书|文物和陈列品|无形资产|"
    "在建工程|其他固定资产|固定资产|其他资产"
)
_ASSET_ITEM = re.compile(
    rf"(?P<cat>{_CATEGORIES})"
    rf"(?:\s*(?P<count>\d+)\s*(?:辆|台|套|件|处|栋|个)|\s*(?P<area>{NUM})\s*(?:平方米|㎡|m²|m2))?"
    rf"(?:\s*[，,]?\s*(?:价值|账面价值|资产价值|原值|账面原值|账面净值|净值|金额)(?:为|共|合计)?\s*"
    rf"{amount_re('value')})?"
)
_EQUIPMENT = re.compile(
    rf"(?P<threshold>{NUM})\s*万元\s*(?:[（(]含[)）])?\s*以上(?:的)?\s*(?:大型|通用|专用)?\s*(?:设备|仪器)"
    rf"[^，,。；;\d]{{0,6}}?(?P<count>\d+)\s*(?:台|套|件|个)"
)
_PLANNED = re.compile(r"购置|购买|采购|安排|拟")
_PLANNED_VEHICLES = re.compile(rf"(?:购置|购买)(?:公务用?)?车辆?\s*{count_re('count')}\s*辆")
_PLANNED_VEHICLE_FUNDS = re.compile(rf"安排(?:购置|购买)(?:公务用?)?车辆?经费\s*(?:为)?\s*{amount_re('amount')}")


def _assets(scan: Scanner, line: int, other: OtherMatters) -> None:
    assets = other.assets or Assets()
    before = (len(assets.items), len(assets.equipment))
    if (match := scan.take(_AS_OF)) is not None:
        assets.as_of, assets.as_of_line = re.sub(r"\s+", "", match.group("date")), line
    for match in scan.take_all(_EQUIPMENT):
        if (count := cn_number(match.group("count"))) is None:
            scan.used.remove(match.span())  # no count: the sentence is reported as not understood
            continue
        planned = bool(_PLANNED.search(scan.sentence_at(match.start())))
        threshold = f"{match.group('threshold')}万元以上"
        assets.equipment.append(Equipment(threshold, count, planned, line))
    if (match := scan.take(_PLANNED_VEHICLES)) is not None:
        assets.planned_vehicles, assets.planned_vehicles_line = to_count(match, "count"), line
    if (match := scan.take(_PLANNED_VEHICLE_FUNDS)) is not None:
        assets.planned_vehicle_funds = to_amount(match, "amount", line)
    for match in _ASSET_ITEM.finditer(scan.text):
        if not (match.group("count") or match.group("area") or match.group("value")):
            continue
        if not scan.free(*match.span()) or _PLANNED.search(scan.sentence_at(match.start())):
            continue
        scan.used.append(match.span())
        assets.items.append(_asset_item(match, line))
    planned = assets.planned_vehicles is not None or assets.planned_vehicle_funds is not None
    if assets.as_of or (len(assets.items), len(assets.equipment)) != before or planned:
        other.assets = assets


def _asset_item(match: re.Match[str], line: int) -> AssetItem:
    count, area = match.group("count"), match.group("area")
    return AssetItem(
        category=match.group("cat"),
        line=line,
        count=cn_number(count) if count else None,
        area_m2=number(area) if area else None,
        value=to_amount(match, "value", line),
    )


# --- 预算绩效
_AMOUNT_TAIL = rf"(?:\s*[，,]?\s*涉及(?:预算)?(?:金额|资金)?(?:为|共)?\s*{amount_re('amount')})?"
_OVERALL = re.compile(rf"整体(?:预算)?绩效目标(?:共|有)?\s*{count_re('count')}\s*个{_AMOUNT_TAIL}")
_NONFISCAL = re.compile(rf"非财政拨款(?:预算)?项目(?:共|有)?\s*{count_re('count')}\s*个{_AMOUNT_TAIL}")
_FISCAL = re.compile(rf"(?<!非)财政拨款(?:预算)?项目(?:共|有)?\s*{count_re('count')}\s*个{_AMOUNT_TAIL}")


def _performance(scan: Scanner, line: int, other: OtherMatters) -> None:
    perf = other.performance or Performance()
    found = False
    for pattern, count_field, amount_field in (
        (_OVERALL, "overall_targets", "overall_amount"),
        (_NONFISCAL, "nonfiscal_projects", "nonfiscal_projects_amount"),
        (_FISCAL, "fiscal_projects", "fiscal_projects_amount"),
    ):
        if (match := scan.take(pattern)) is not None:
            setattr(perf, count_field, to_count(match, "count"))
            setattr(perf, amount_field, to_amount(match, "amount", line))
            found = True
    if found:
        perf.line = perf.line or line
        other.performance = perf


# --- 涉密项目
_CLASSIFIED = re.compile(
    rf"涉密项目(?:共|有)?\s*{count_re('count')}\s*(?:个|项)"
    rf"(?:\s*[，,]?\s*(?:涉及|合计)?(?:预算)?(?:金额|资金)?(?:为|共)?\s*{amount_re('amount')})?"
)
_NO_CLASSIFIED = re.compile(r"(?:无|没有|不涉及|未安排)涉密项目")


def _classified(scan: Scanner, line: int, other: OtherMatters) -> bool:
    if (match := scan.take(_CLASSIFIED)) is not None:
        other.classified = Classified(to_count(match, "count") or 0, to_amount(match, "amount", line), line)
        return True
    if scan.take(_NO_CLASSIFIED) is not None:
        other.classified = Classified(0, None, line)
        return True
    return False


_READERS = {"running": _running, "procurement": _procurement, "assets": _assets, "performance": _performance}


def _paragraph(section: str, text: str, line: int, other: OtherMatters, reporter: Reporter) -> None:
    scan = Scanner(normalise(text))
    classified = "涉密" in scan.text and _classified(scan, line, other)
    kind = section if section != "auto" else (section_of(scan.text) or "notes")
    reader = _READERS.get(kind)
    if reader is None:  # 其他需说明的事项 (and unknown sub-headings): kept as text
        if not classified and scan.text.rstrip("。.") not in ("", "无", "暂无"):
            other.notes.append(squash(text))
        return
    if len(scan.text) > MAX_PARAGRAPH:
        reporter.add("P305", line, section=SECTION, text=scan.text)
        return
    reader(scan, line, other)
    for sentence in scan.unread():
        reporter.add("P305", line, section=SECTION, text=sentence)


def parse_other_matters(blocks: list[Block], reporter: Reporter) -> OtherMatters:
    other = OtherMatters()
    section = "auto"
    since_table: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, TableBlock):
            _table(block, since_table, other, reporter)
            since_table = []
            continue
        text = normalise(block.text)
        found = heading(text)
        # A sub-heading names its subject; anything else numbered is a list item of the current one.
        if found is not None and (kind := section_of(found[0])) is not None:
            section = kind
            if not found[1]:
                continue
            text = found[1]
        since_table.append(block)
        _paragraph(section, text, block.line, other, reporter)
    return other


# --- 绩效目标表
_TITLE_END = re.compile(r"表\s*[)）]?$")


def _title(paragraphs: list[Paragraph]) -> str | None:
    """The heading above a table: the nearest short paragraph ending in 表."""
    for paragraph in reversed(paragraphs[-4:]):
        text = squash(paragraph.text)
        if _TITLE_END.search(text) and len(text) <= 40:
            return text
    return None


def _table(block: TableBlock, since: list[Paragraph], other: OtherMatters, reporter: Reporter) -> None:
    title = _title(since)
    text = " ".join(label_key(c) for row in block.rows for c in row.cells)
    if "指标" not in text and not (title and "绩效" in title):
        first = next((" | ".join(r.cells) for r in block.rows if any(r.cells)), "")
        reporter.add("P305", block.line, section=SECTION, text=f"table {first[:60]}")
        return
    perf = other.performance or Performance()
    perf.tables.append(_TargetReader(reporter).read(block, title or "绩效目标表"))
    other.performance = perf


def _header_key(text: str) -> str:
    """``资金总额 (万元)`` -> ``资金总额``; ``单位名称 (盖章)`` -> ``单位名称``."""
    return re.sub(r"（[^）]*）", "", label_key(text))


@dataclass
class _TargetReader:
    """A 绩效目标表: label/value rows, then the 资金来源 rows, then the indicator rows
    (a blank 一级/二级指标 cell is a merged cell: the one above)."""

    reporter: Reporter
    mode: str = "fields"
    source_col: int | None = None
    value_col: int | None = None
    columns: dict[str, int] = field(default_factory=dict)
    category: str = ""
    level1: str = ""
    level2: str = ""

    def read(self, block: TableBlock, title: str) -> PerformanceTarget:
        target = PerformanceTarget(title=title, line=block.line)
        for row in block.rows:
            cells = [c.strip() for c in row.cells]
            keys = [_header_key(c) for c in cells]
            if not any(cells):
                continue
            if "一级指标" in keys:
                self.mode, self.columns = "indicators", {k: i for i, k in enumerate(keys) if k}
            elif self.mode == "fields" and any(k in ("资金来源", "资金总额") for k in keys):
                self.mode = "funds"
                self.source_col = keys.index("资金来源") if "资金来源" in keys else None
                self.value_col = keys.index("资金总额") if "资金总额" in keys else None
            elif self.mode == "fields":
                filled = [c for c in cells if c]
                for i in range(0, len(filled), 2):
                    value = filled[i + 1] if i + 1 < len(filled) else ""
                    target.fields[_header_key(filled[i])] = "\n".join(squash(p) for p in value.split("\n"))
            elif self.mode == "funds":
                self._fund(cells, row.line, target)
            else:
                self._indicator(cells, row.line, target)
        return target

    def _amount(self, text: str, line: int) -> Decimal | None:
        try:
            return parse_amount(text.rstrip("%％"))
        except Malformed:
            self.reporter.add("P305", line, section=SECTION, text=text)
            return None

    def _fund(self, cells: list[str], line: int, target: PerformanceTarget) -> None:
        value_col = self.value_col
        if value_col is None or value_col >= len(cells) or not cells[value_col]:
            later = [i for i, c in enumerate(cells) if c and looks_like_amount(c)]
            value_col = later[-1] if later else value_col
        start = self.source_col if self.source_col is not None else 1
        labels = [_header_key(c) for c in cells[start : value_col if value_col is not None else len(cells)]]
        if labels and labels[0]:
            self.category = labels[0]
        key = "/".join(p for p in [self.category, *labels[1:]] if p)
        if key:
            raw = cells[value_col] if value_col is not None and value_col < len(cells) else ""
            target.funds[key] = self._amount(raw, line)

    def _cell(self, cells: list[str], *names: str) -> str | None:
        for key, index in self.columns.items():
            if any(name in key for name in names):
                return cells[index].strip() if index < len(cells) else ""
        return None

    def _indicator(self, cells: list[str], line: int, target: PerformanceTarget) -> None:
        self.level1 = squash(self._cell(cells, "一级指标") or "") or self.level1
        self.level2 = squash(self._cell(cells, "二级指标") or "") or self.level2
        level3 = squash(self._cell(cells, "三级指标") or "")
        value = " ".join((self._cell(cells, "指标值") or "").split())
        if not level3 and not value:
            return
        basis, weight = self._cell(cells, "依据"), self._cell(cells, "权重", "分值")
        target.indicators.append(
            Indicator(
                level1=self.level1,
                level2=self.level2,
                level3=level3,
                target=value,
                basis=squash(basis) or None if basis else None,
                weight=self._amount(weight, line) if weight else None,
                line=line,
            )
        )
