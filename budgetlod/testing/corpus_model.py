"""The figures of a synthetic unit, year by year (see :mod:`budgetlod.testing.corpus`).

All amounts are integers in hundredths of 万元 ("fen" here), so that every sum
is exact; they become :class:`decimal.Decimal` only when printed.  A unit's
plan (:class:`Unit`) is drawn once from ``Random(seed * 1_000_003 + index)``;
its figures for a year (:class:`Year`) are a pure function of the plan and
the year, each component drawn from its own sub-generator, so that the figures
of year ``Y - 1`` (the 上年 of the narrative) can be recomputed exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from budgetlod.testing.corpus_data import (
    ALWAYS_GOODS,
    CARRY_OF,
    CITIES,
    DEPTS,
    GIVEN,
    GOODS_WEIGHTS,
    KIND_PATTERN,
    SURNAMES,
    WAGE_WEIGHTS,
    Dept,
    cn,
)

BASE_YEAR = 2010  # permanent projects run from before it
REF_YEAR = 2023  # the plan's sizes are those of this year
FISCAL_SOURCES = ("gpb", "gpb_transfer", "fund", "fund_transfer", "soce")
DEFAULT_YEARS: tuple[int, ...] = (2022, 2023, 2024, 2025)  # the years a document's year is drawn from

FUND_NAMES: dict[str, str] = {
    "2120803": "城市基础设施建设项目",
    "2120899": "土地出让收入安排的市政维护项目",
    "2296002": "福利彩票公益金养老服务项目",
    "2296003": "体育彩票公益金全民健身项目",
    "2296004": "彩票公益金教育助学项目",
    "2296006": "残疾人康复救助项目",
}
SOCE_NAMES: dict[str, str] = {
    "2230105": "国有企业退休人员社会化管理补助",
    "2230199": "国有企业改革成本补助",
}
MIXES: dict[str, tuple[tuple[str, int], ...]] = {
    "goods": (("商品和服务支出", 1000),),
    "goods_capital": (("商品和服务支出", 650), ("资本性支出", 350)),
    "capital": (("资本性支出", 1000),),
    "construction": (("资本性支出（基本建设）", 800), ("商品和服务支出", 200)),
    "personal": (("对个人和家庭的补助", 1000),),
    "wages_goods": (("工资福利支出", 400), ("商品和服务支出", 600)),
    "enterprise": (("对企业补助", 700), ("商品和服务支出", 300)),
    "other": (("商品和服务支出", 850), ("其他支出", 150)),
}
POLICIES = (
    "依据《{city}国民经济和社会发展第十四个五年规划纲要》",
    "依据《关于印发{year}年{city}重点工作任务分解方案的通知》",
    "依据《{city}人民政府常务会议纪要》",
    "依据《关于做好{year}年部门预算编制工作的通知》",
)


def sub_rng(base: int, *parts: int) -> random.Random:
    """A generator for one component of one unit and year, independent of the others."""
    value = base
    for part in parts:
        value = (value * 1_000_003 + part) % (1 << 61)
    return random.Random(value)


def default_year(seed: int, index: int) -> int:
    """The year of document ``index`` of corpus ``seed`` when none is asked for."""
    return DEFAULT_YEARS[sub_rng(seed * 1_000_003 + index, 0).randrange(len(DEFAULT_YEARS))]


def scale(amount: int, per_mille: int) -> int:
    return amount * per_mille // 1000


def grow(amount: int, years: int, per_mille: int) -> int:
    """``amount * (1 + per_mille/1000) ** years`` in integers (``years`` may be negative)."""
    factor, base = (1000 + per_mille, 1000) if years >= 0 else (1000, 1000 + per_mille)
    n = abs(years)
    result: int = amount * factor**n // base**n
    return result


def share_out(total: int, weights: list[tuple[str, int]]) -> dict[str, int]:
    """Split ``total`` by integer weights; the remainder goes to the first item."""
    weight_sum = sum(w for _, w in weights) or 1
    parts = {key: total * w // weight_sum for key, w in weights}
    if weights:
        parts[weights[0][0]] += total - sum(parts.values())
    return parts


@dataclass(frozen=True)
class ProjectPlan:
    idx: int
    name: str
    line: str  # 7-digit function code
    source: str  # gpb | gpb_transfer | fund | fund_transfer | soce | special | unit_*
    base: int  # fen in REF_YEAR
    mix: str  # key of MIXES
    start: int
    end: int
    round_wan: bool
    policy: str


@dataclass(frozen=True)
class Unit:
    seed: int
    index: int
    key: int
    name: str
    city: str
    dept: Dept
    staff0: int
    staff_trend: int  # per mille per year
    retired0: int
    lixiu0: int
    bianzhi: int
    pc0: int  # personnel cost per head, fen
    pub0: int  # public funds per head, fen
    wage_items: tuple[str, ...]
    goods_items: tuple[str, ...]
    vehicles: int
    abroad: bool
    reception: bool
    survivor: bool
    separate_medical: bool
    separate_housing: bool
    projects: tuple[ProjectPlan, ...]
    carry_rate: int  # per mille chance that a project of last year carries over
    offices: tuple[str, ...]
    contact: str
    phone: str
    classified: bool

    @property
    def kind(self) -> str:
        return self.dept.kind


@dataclass
class Item:
    """Money on one function line: basic expenditure (project None) or a project."""

    line: str
    source: str
    amount: int
    project: str | None = None
    mix: dict[str, int] = field(default_factory=dict)  # 表7 column -> fen
    policy: str = ""


@dataclass
class Year:
    year: int
    staff: int
    retired: int
    lixiu: int
    bianzhi: int
    econ: dict[str, int]  # 5-digit economic code -> fen
    basic: dict[str, int]  # 7-digit function line -> fen (general public budget)
    projects: list[Item]
    carry: list[Item]
    sangong: dict[str, int]  # abroad, reception, vehicle_purchase, vehicle_operation
    procurement: dict[str, int]
    assets: dict[str, int]
    classified: tuple[int, int]  # count, fen


# --------------------------------------------------------------------------
# Unit plans.


def _combos(kind: str) -> list[tuple[str, Dept, int]]:
    combos: list[tuple[str, Dept, int]] = []
    for dept in DEPTS:
        if dept.kind != kind:
            continue
        numbers = range(1, 9) if "{n}" in dept.suffix else (0,)
        if "人民医院" in dept.suffix and "{n}" in dept.suffix:
            numbers = range(2, 6)
        for city in CITIES:
            combos.extend((city, dept, n) for n in numbers)
    return combos


def _identity(seed: int, index: int) -> tuple[str, Dept, str]:
    """Kind and name of unit ``index``: distinct for distinct indexes (until a kind's
    combinations are used up, then a ``（n）`` suffix keeps them distinct)."""
    pattern = list(KIND_PATTERN)
    random.Random(seed).shuffle(pattern)
    cycle, position = divmod(index, len(pattern))
    kind = pattern[position]
    per_cycle = pattern.count(kind)
    occurrence = cycle * per_cycle + pattern[:position].count(kind)
    combos = _combos(kind)
    random.Random(seed * 31 + len(kind)).shuffle(combos)
    round_, slot = divmod(occurrence, len(combos))
    city, dept, number = combos[slot]
    name = city + dept.suffix.format(n=cn(number))
    if round_:
        name += f"（{round_ + 1}）"
    return city, dept, name


def _plans(rng: random.Random, dept: Dept, kind: str, staff: int, pc: int, city: str) -> list[ProjectPlan]:
    plans: list[ProjectPlan] = []

    def add(name: str, line: str, source: str, base: int, mix: str, permanent: bool) -> None:
        if permanent:
            start, end = BASE_YEAR - 5, 2100
        else:
            start = rng.randint(2016, 2027)
            end = start + rng.randint(0, 3)
        policy = rng.choice(POLICIES).replace("{city}", city)
        plans.append(
            ProjectPlan(len(plans), name, line, source, max(base, 100), mix, start, end, rng.random() < 0.6, policy)
        )

    payroll = staff * pc
    topics = list(dept.topics)
    rng.shuffle(topics)
    if kind in ("centre", "station") and rng.random() < 0.08:
        count = 0
    elif kind == "bureau":
        count = rng.randint(2, min(5, len(topics)))
    else:
        count = rng.randint(1, min(4, len(topics)))
    suffixes = ("项目", "经费", "专项经费", "工作经费")
    for i, topic in enumerate(topics[:count]):
        if any(w in topic for w in ("购置", "建设", "改造")):
            mix = rng.choice(("goods_capital", "capital", "construction"))
        elif any(w in topic for w in ("资助", "救助", "补助", "营养")):
            mix = "personal"
        elif any(w in topic for w in ("外包", "服务", "保洁", "清运")):
            mix = rng.choice(("goods", "wages_goods"))
        elif kind == "bureau" and dept.main.startswith("213") and rng.random() < 0.4:
            mix = "enterprise"
        else:
            mix = rng.choice(("goods", "goods", "goods_capital", "other"))
        factor = rng.randint(50, 2500 if kind == "bureau" else 900)
        source = "gpb_transfer" if i > 0 and rng.random() < 0.2 else "gpb"
        if topic.endswith(("购置", "建设", "改造")):
            name = topic + "项目"
        else:
            name = topic + ("" if topic.endswith(("项目", "经费")) else rng.choice(suffixes))
        add(name, rng.choice(dept.project_lines), source, scale(payroll, factor), mix, i == 0 or rng.random() < 0.5)
    if dept.fund_lines and rng.random() < 0.5:
        for line in rng.sample(dept.fund_lines, rng.randint(1, len(dept.fund_lines))):
            source = "fund_transfer" if rng.random() < 0.25 else "fund"
            add(FUND_NAMES[line], line, source, scale(payroll, rng.randint(100, 1500)), "goods", rng.random() < 0.6)
    if dept.soce_lines and rng.random() < 0.8:
        line = dept.soce_lines[0]
        add(SOCE_NAMES[line], line, "soce", scale(payroll, rng.randint(100, 800)), "enterprise", True)
    if kind == "school" and dept.main in ("2050203", "2050302") and rng.random() < 0.7:
        line = "2050204" if dept.main == "2050203" else dept.main
        add("教育收费安排的支出", line, "special", scale(payroll, rng.randint(50, 300)), "goods", True)
    if kind == "hospital":
        add("医疗业务支出", dept.main, "unit_service", scale(payroll, rng.randint(1500, 4000)), "goods", True)
        if rng.random() < 0.3:
            add("药品经营支出", dept.main, "unit_business", scale(payroll, rng.randint(100, 500)), "goods", True)
    elif kind in ("centre", "station") and rng.random() < 0.3:
        add("技术服务收入安排的支出", dept.main, "unit_service", scale(payroll, rng.randint(50, 400)), "goods", True)
    if kind in ("station", "centre", "school") and rng.random() < 0.12:
        add("上级补助项目", rng.choice(dept.project_lines), "unit_superior", scale(payroll, rng.randint(50, 300)),
            "goods", rng.random() < 0.5)
    if rng.random() < 0.2:
        add("其他收入安排的支出", dept.main, "unit_other", scale(payroll, rng.randint(10, 150)), "goods", True)
    return plans


def make_unit(seed: int, index: int) -> Unit:
    key = seed * 1_000_003 + index
    rng = random.Random(key)
    city, dept, name = _identity(seed, index)
    staff = rng.randint(*dept.staff)
    if dept.kind in ("station", "centre") and rng.random() < 0.2:
        staff = rng.randint(2, 5)  # a very small unit: tens of 万元
    pc = rng.randint(1100, 1900)
    wage_items = [c for c, _ in WAGE_WEIGHTS if c not in ("30109", "30111", "30199", "30112")]
    if rng.random() < 0.7:
        wage_items.append("30109")
    if dept.admin or rng.random() < 0.5:
        wage_items.append("30111")
    if rng.random() < 0.6:
        wage_items.append("30112")
    if rng.random() < 0.4:
        wage_items.append("30199")
    goods = [c for c, _ in GOODS_WEIGHTS if c in ALWAYS_GOODS or rng.random() < 0.5]
    vehicles = rng.randint(0, 6) if dept.kind == "bureau" else rng.randint(0, 3)
    reception = rng.random() < (0.8 if dept.kind == "bureau" else 0.5)
    if not vehicles and not reception:
        reception = True
    names = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    offices: tuple[str, ...] = ()
    if staff >= 10 or rng.random() < 0.3:
        offices = tuple(rng.sample(dept.offices, rng.randint(1, len(dept.offices))))
    return Unit(
        seed=seed,
        index=index,
        key=key,
        name=name,
        city=city,
        dept=dept,
        staff0=staff,
        staff_trend=rng.randint(-15, 30),
        retired0=rng.randint(0, max(1, staff // 3)),
        lixiu0=rng.choice((0, 0, 0, 0, 1, 2)),
        bianzhi=staff + rng.randint(0, max(2, staff // 5)),
        pc0=pc,
        pub0=rng.randint(60, 320),
        wage_items=tuple(c for c, _ in WAGE_WEIGHTS if c in wage_items),
        goods_items=tuple(goods),
        vehicles=vehicles,
        abroad=rng.random() < 0.12,
        reception=reception,
        survivor=rng.random() < 0.3,
        separate_medical=rng.random() < 0.65,
        separate_housing=rng.random() < 0.7,
        projects=tuple(_plans(rng, dept, dept.kind, staff, pc, city)),
        carry_rate=rng.choice((0, 0, 150, 300, 500)),
        offices=offices,
        contact=names,
        phone=str(rng.randint(2_000_000, 8_999_999)),
        classified=dept.kind == "bureau" and rng.random() < 0.15,
    )


# --------------------------------------------------------------------------
# Figures of one year.


def _staff(unit: Unit, year: int) -> tuple[int, int, int]:
    rng = sub_rng(unit.key, 1, year)
    k = year - REF_YEAR
    jitter = max(1, unit.staff0 // 25)
    staff = max(1, unit.staff0 * (1000 + unit.staff_trend * k // 10) // 1000 + rng.randint(-jitter, jitter))
    retired = max(0, unit.retired0 + (k * max(1, unit.staff0 // 20)) // 4 + rng.randint(0, 1))
    lixiu = max(0, unit.lixiu0 - k // 6)
    return staff, retired, lixiu


def project_amount(unit: Unit, plan: ProjectPlan, year: int) -> int:
    if not plan.start <= year <= plan.end:
        return 0
    rng = sub_rng(unit.key, 100 + plan.idx, year)
    amount = scale(grow(plan.base, year - REF_YEAR, 40), rng.randint(820, 1180))
    if plan.round_wan:
        amount = max(100, amount // 100 * 100)
    return max(amount, 10)


def _split_mix(amount: int, mix: str, rng: random.Random) -> dict[str, int]:
    weights = [(col, max(1, scale(w, rng.randint(800, 1200)))) for col, w in MIXES[mix]]
    return {col: v for col, v in share_out(amount, weights).items() if v}


def _econ(unit: Unit, year: int, staff: int, retired: int) -> tuple[dict[str, int], dict[str, int]]:
    rng = sub_rng(unit.key, 3, year)
    pc = scale(grow(unit.pc0, year - REF_YEAR, 35), rng.randint(980, 1020))
    weights = dict(WAGE_WEIGHTS)
    wages = share_out(staff * pc, [(c, scale(weights[c], rng.randint(800, 1200))) for c in unit.wage_items])
    econ = {c: v for c, v in wages.items() if v}
    if retired:
        econ["30302"] = retired * rng.randint(50, 200)
    if unit.survivor:
        econ["30305"] = rng.randint(20, 300)
    if unit.dept.kind == "school" and rng.random() < 0.5:
        econ["30309"] = rng.randint(10, 200)
    if rng.random() < 0.15:
        econ["30399"] = rng.randint(5, 100)
    sangong = {
        "abroad": rng.randint(2, 15) * 100 if unit.abroad and rng.random() < 0.7 else 0,
        "reception": rng.randint(20, 80 + staff * 2) * 10 if unit.reception else 0,
        "vehicle_operation": unit.vehicles * rng.randint(120, 320) if unit.vehicles else 0,
    }
    public = staff * scale(grow(unit.pub0, year - REF_YEAR, 20), rng.randint(900, 1100))
    public = max(public, 30 * len(unit.goods_items))
    gweights = dict(GOODS_WEIGHTS)
    goods = share_out(public, [(c, scale(gweights[c], rng.randint(700, 1300))) for c in unit.goods_items])
    econ.update({c: v for c, v in goods.items() if v})
    for key, code in (("abroad", "30212"), ("reception", "30217"), ("vehicle_operation", "30231")):
        if sangong[key]:
            econ[code] = sangong[key]
    return dict(sorted(econ.items())), sangong


def _basic_lines(unit: Unit, econ: dict[str, int]) -> dict[str, int]:
    lines: dict[str, int] = {}
    rest = sum(econ.values())

    def move(line: str, *codes: str) -> None:
        nonlocal rest
        amount = sum(econ.get(c, 0) for c in codes)
        if amount:
            lines[line] = lines.get(line, 0) + amount
            rest -= amount

    admin = unit.dept.admin
    move("2080505", "30108")
    move("2080506", "30109")
    move("2080501" if admin else "2080502", "30302", *(() if unit.survivor else ("30305",)))
    if unit.survivor:
        move("2080801", "30305")
    if unit.separate_medical:
        if admin:
            move("2101101", "30110")
            move("2101103", "30111")
        else:
            move("2101102", "30110", "30111")
    if unit.separate_housing:
        move("2210201", "30113")
    lines[unit.dept.main] = lines.get(unit.dept.main, 0) + rest
    return dict(sorted(lines.items()))


def build_year(unit: Unit, year: int) -> Year:
    staff, retired, lixiu = _staff(unit, year)
    econ, sangong = _econ(unit, year, staff, retired)
    basic = _basic_lines(unit, econ)
    projects: list[Item] = []
    for plan in unit.projects:
        amount = project_amount(unit, plan, year)
        if amount:
            mix = _split_mix(amount, plan.mix, sub_rng(unit.key, 300 + plan.idx, year))
            projects.append(Item(plan.line, plan.source, amount, plan.name, mix, plan.policy))
    rng = sub_rng(unit.key, 7, year)
    purchase = 0
    if unit.vehicles and rng.random() < 0.12:
        purchase = rng.randint(12, 30) * 100
        line = unit.dept.project_lines[0]
        policy = POLICIES[3].format(year=year)
        projects.append(Item(line, "gpb", purchase, "公务用车购置", {"资本性支出": purchase}, policy))
    sangong["vehicle_purchase"] = purchase
    carry: list[Item] = []
    for plan in unit.projects:
        previous = project_amount(unit, plan, year - 1)
        crng = sub_rng(unit.key, 200 + plan.idx, year)
        if previous and plan.source in CARRY_OF and crng.randint(0, 999) < unit.carry_rate:
            amount = max(10, scale(previous, crng.randint(50, 400)))
            carry.append(Item(plan.line, CARRY_OF[plan.source], amount, plan.name))
    # 政府采购, 国有资产, 涉密项目
    prng = sub_rng(unit.key, 8, year)
    capital = sum(p.mix.get("资本性支出", 0) for p in projects)
    works = sum(p.mix.get("资本性支出（基本建设）", 0) for p in projects)
    services = sum(scale(p.mix.get("商品和服务支出", 0), prng.randint(200, 800)) for p in projects)
    goods = capital + prng.randint(0, 30) * 10
    total = goods + works + services
    sme = scale(total, prng.randint(0, 400))
    procurement = {"total": total, "goods": goods, "works": works, "services": services, "sme_reserved": sme,
                   "micro_reserved": scale(sme, prng.randint(500, 1000))}
    arng = sub_rng(unit.key, 9, 0)
    assets = {
        "area": staff * arng.randint(12, 40) + arng.randint(0, 99),
        "building": staff * arng.randint(0, 300) * 10,
        "vehicles": unit.vehicles,
        "vehicle_value": unit.vehicles * arng.randint(800, 2500),
        "furniture": staff * arng.randint(100, 600),
        "other": staff * arng.randint(500, 5000),
        "equipment50": arng.randint(0, 3) if unit.dept.kind in ("hospital", "centre") else 0,
        "equipment100": arng.randint(0, 2) if unit.dept.kind == "hospital" else 0,
    }
    classified = (0, 0)
    if unit.classified:
        secret = [p for p in projects if p.source == "gpb"][:1]
        if secret:
            classified = (1, secret[0].amount)
    return Year(
        year=year,
        staff=staff,
        retired=retired,
        lixiu=lixiu,
        bianzhi=max(unit.bianzhi, staff),
        econ=econ,
        basic=basic,
        projects=projects,
        carry=carry,
        sangong=sangong,
        procurement=procurement,
        assets=assets,
        classified=classified,
    )


def fiscal_projects(year: Year) -> list[Item]:
    return [p for p in year.projects if p.source in FISCAL_SOURCES]
