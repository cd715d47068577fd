"""The facts outside the tables as RDF (budgetlod.rdf.facts), on the sample disclosure."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store

from budgetlod import resources
from budgetlod.model import Amount, Assets, Disclosure, Metadata, OtherMatters, SourceInfo
from budgetlod.parse.document import parse_file
from budgetlod.prefixes import PREFIXES, iri
from budgetlod.rdf.facts import facts_quads
from budgetlod.rdf.iris import Minter

BASE = "https://data.example.org/"
STANDARD = ("rdf", "rdfs", "owl", "skos", "prov", "dct", "qb", "foaf")
XSD_DECIMAL = NamedNode(iri("xsd:decimal"))
XSD_INTEGER = NamedNode(iri("xsd:integer"))


def n(curie: str) -> NamedNode:
    return NamedNode(iri(curie))


def dec(text: str) -> Literal:
    return Literal(text, datatype=XSD_DECIMAL)


def integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def zh(text: str) -> Literal:
    return Literal(text, language="zh")


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> Disclosure:
    return parse_file(sample_path)


@pytest.fixture(scope="module")
def minter() -> Minter:
    return Minter(BASE)


@pytest.fixture(scope="module")
def disclosure_iri(sample: Disclosure, minter: Minter) -> NamedNode:
    meta = sample.meta
    assert meta.unit and meta.year and meta.level and meta.phase
    return NamedNode(minter.disclosure(meta.unit, meta.year, meta.level, meta.phase))


@pytest.fixture(scope="module")
def quads(sample: Disclosure, minter: Minter, disclosure_iri: NamedNode) -> list[Quad]:
    return facts_quads(sample, minter, disclosure_iri)


def triples_of(quads: list[Quad], subject: NamedNode) -> set[tuple[NamedNode, object]]:
    return {(q.predicate, q.object) for q in quads if q.subject == subject}


def value(quads: list[Quad], subject: NamedNode, predicate: str) -> object:
    found = [q.object for q in quads if q.subject == subject and q.predicate == n(predicate)]
    assert len(found) == 1, (subject, predicate, found)
    return found[0]


@cache
def ontology() -> Store:
    store = Store()
    for path in resources.ontology():
        store.load(path=str(path), format=RdfFormat.TURTLE)
    return store


def declared(term: str, predicate: str | None = None) -> list[object]:
    """Objects of ``term predicate ?o`` in the ontology files (any predicate when None)."""
    pattern = n(predicate) if predicate else None
    return [q.object for q in ontology().quads_for_pattern(NamedNode(term), pattern, None)]


def test_staffing_in_service(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    node = NamedNode(f"{disclosure_iri.value}/staffing/in-service")
    assert triples_of(quads, node) == {
        (n("rdf:type"), n("bl:StaffingFigure")),
        (n("bl:staffCategory"), zh("在职")),
        (n("bl:headcount"), integer(30)),
        (n("bl:headcountChange"), integer(-2)),
        (n("bl:sourceLine"), integer(64)),
    }
    assert Quad(disclosure_iri, n("bl:staffing"), node, disclosure_iri) in quads
    established = NamedNode(f"{disclosure_iri.value}/staffing/established")
    assert value(quads, established, "bl:headcount") == integer(34)
    assert not [q for q in quads if q.subject == established and q.predicate == n("bl:headcountChange")]


def test_profile_on_the_disclosure(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    functions = value(quads, disclosure_iri, "bl:mainFunctions")
    assert isinstance(functions, Literal) and functions.language == "zh"
    assert functions.value.startswith("负责受理市民诉求事项")
    assert value(quads, disclosure_iri, "bl:mainFunctionsLine") == integer(58)
    assert value(quads, disclosure_iri, "bl:subordinateUnitCount") == integer(0)
    assert value(quads, disclosure_iri, "bl:departmentCount") == integer(0)


def test_statement_with_change_share_and_derived_prior_amount(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    statement = NamedNode(f"{disclosure_iri.value}/statement/372-2")
    reason = "单位历年项目支出从城维费中列支，为年中追加预算，今年调至单位部门年初预算支出"
    assert triples_of(quads, statement) == {
        (n("rdf:type"), n("bl:NarrativeStatement")),
        (n("bl:statementSubject"), NamedNode("https://w3id.org/budgetlod/codelist/narrative-subject/income_gpb")),
        (n("bl:printedName"), zh("一般公共预算")),
        (
            n("bl:statedText"),
            zh(f"其中：一般公共预算1,487.40万元，占100.00%，比上年预算增加996.48万元，增长202.98%，主要原因是{reason}"),
        ),
        (n("bl:statedAmount"), dec("1487.40")),
        (n("bl:printedUnit"), zh("万元")),
        (n("bl:statedChange"), dec("996.48")),
        (n("bl:statedRate"), dec("202.98")),
        (n("bl:statedShare"), dec("100.00")),
        (n("bl:comparedWith"), zh("上年预算")),
        (n("bl:statedReason"), zh(reason)),
        (n("bl:sourceSection"), Literal("二")),
        (n("bl:sourceLine"), integer(372)),
    }
    prior = NamedNode(f"{statement.value}/prior")
    assert triples_of(quads, prior) == {
        (n("rdf:type"), n("bl:DerivedAmount")),
        (n("bl:derivedPriorAmount"), dec("490.92")),
        (n("bl:printedUnit"), zh("万元")),
        (n("bl:comparedWith"), zh("上年预算")),
        (n("prov:wasDerivedFrom"), statement),
        (n("bl:derivationNote"), Literal("amount − change", language="en")),
    }
    # the first statement of line 372 states no change: no prior amount
    first = NamedNode(f"{disclosure_iri.value}/statement/372-1")
    assert value(quads, first, "bl:statementSubject") == NamedNode(
        "https://w3id.org/budgetlod/codelist/narrative-subject/income_total"
    )
    assert not triples_of(quads, NamedNode(f"{first.value}/prior"))


def test_statements_of_function_lines(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    item = NamedNode(f"{disclosure_iri.value}/statement/419-1")
    assert value(quads, item, "bl:functionalClassification") == NamedNode(
        "https://w3id.org/budgetlod/codelist/function/2010350"
    )
    assert value(quads, item, "bl:statedAmount") == dec("447.05")
    # 城管执法 is named but its code is not printed in the tables: no classification is asserted
    unresolved = NamedNode(f"{disclosure_iri.value}/statement/427-1")
    assert value(quads, unresolved, "bl:statedChange") == dec("-438.85")
    assert value(quads, NamedNode(f"{unresolved.value}/prior"), "bl:derivedPriorAmount") == dec("438.85")
    assert not [q for q in quads if q.subject == unresolved and q.predicate == n("bl:functionalClassification")]
    purpose = value(quads, NamedNode(f"{disclosure_iri.value}/statement/400-2"), "bl:purpose")
    assert isinstance(purpose, Literal) and purpose.value.startswith("退休人员基础绩效奖支出")


def test_project_description_and_its_project(
    quads: list[Quad], disclosure_iri: NamedNode, minter: Minter, sample: Disclosure
) -> None:
    assert sample.meta.unit
    description = NamedNode(f"{disclosure_iri.value}/project-description/439")
    project = NamedNode(minter.project(sample.meta.unit, "12345热线服务化外包项目"))
    assert value(quads, description, "bl:project") == project
    assert value(quads, description, "bl:statedAmount") == dec("985.00")
    assert value(quads, description, "bl:implementingUnit") == zh("乌鲁木齐市12345政务服务热线中心")
    assert value(quads, description, "bl:executionPeriod") == zh("2024年2月1日")
    assert value(quads, project, "rdf:type") == n("bl:Project")
    assert value(quads, project, "bl:budgetUnit") == NamedNode(minter.unit(sample.meta.unit))
    budget = [
        q.subject
        for q in quads
        if q.predicate == n("bl:statementSubject")
        and q.object == NamedNode("https://w3id.org/budgetlod/codelist/narrative-subject/project_budget")
    ]
    assert len(budget) == 1 and isinstance(budget[0], NamedNode)
    assert value(quads, budget[0], "bl:project") == project


def test_other_matters(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    d = disclosure_iri.value
    procurement = NamedNode(f"{d}/other/procurement")
    assert value(quads, disclosure_iri, "bl:procurement") == procurement
    total = value(quads, procurement, "bl:procurementTotal")
    assert total == NamedNode(f"{d}/procurement/total")
    assert isinstance(total, NamedNode)
    assert triples_of(quads, total) == {
        (n("rdf:type"), n("bl:StatedAmount")),
        (n("bl:statedAmount"), dec("990.78")),
        (n("bl:printedUnit"), zh("万元")),
        (n("bl:sourceLine"), integer(477)),
    }
    assert value(quads, NamedNode(f"{d}/procurement/works"), "bl:statedAmount") == dec("0")
    assert value(quads, NamedNode(f"{d}/procurement/sme-reserved"), "bl:statedAmount") == dec("2.73")
    running = NamedNode(f"{d}/other/running-cost")
    assert value(quads, running, "bl:statedAmount") == dec("41.46")
    assert value(quads, running, "bl:statedChange") == dec("-2.73")
    assert value(quads, NamedNode(f"{running.value}/prior"), "bl:derivedPriorAmount") == dec("44.19")
    buildings = NamedNode(f"{d}/asset/buildings")
    assert value(quads, buildings, "bl:floorArea") == dec("280.00")
    assert value(quads, NamedNode(f"{d}/asset/general-official-vehicles"), "bl:itemCount") == integer(2)
    held = NamedNode(f"{d}/equipment/held-50")
    assert value(quads, held, "bl:itemCount") == integer(2)
    assert value(quads, held, "bl:planned") == Literal("false", datatype=n("xsd:boolean"))
    classified = NamedNode(f"{d}/other/classified")
    assert value(quads, classified, "bl:projectCount") == integer(1)
    assert value(quads, classified, "bl:statedAmount") == dec("985.00")
    assert value(quads, disclosure_iri, "bl:otherNote") == zh("单位办公用房为机关事务管理局管辖的益民大厦B区2楼。")


def test_performance(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    d = disclosure_iri.value
    summary = NamedNode(f"{d}/other/performance")
    assert value(quads, summary, "bl:overallTargetCount") == integer(1)
    assert value(quads, NamedNode(f"{d}/performance/overall"), "bl:statedAmount") == dec("1487.40")
    assert value(quads, summary, "bl:fiscalProjectCount") == integer(1)
    table = NamedNode(f"{d}/performance-target/505")
    assert value(quads, summary, "bl:targetTable") == table
    indicator = NamedNode(f"{table.value}/indicator/3")
    assert triples_of(quads, indicator) == {
        (n("rdf:type"), n("bl:PerformanceIndicator")),
        (n("bl:indicatorLevel1"), zh("服务对象满意度")),
        (n("bl:indicatorLevel2"), zh("质量指标")),
        (n("bl:indicatorLevel3"), zh("市民满意度")),
        (n("bl:targetValue"), zh(">=90%")),
        (n("bl:targetBasis"), zh("政府文件")),
        (n("bl:weight"), dec("30")),
        (n("bl:sourceLine"), integer(517)),
    }
    funds = {q.object for q in quads if q.subject == table and q.predicate == n("bl:targetFunds")}
    assert len(funds) == 3
    labels = {q.object for q in quads if q.subject == table and q.predicate == n("bl:descriptionField")}
    texts = {q.object.value for q in quads if q.subject in labels and q.predicate == n("bl:fieldLabel")}
    assert texts == {"单位名称", "年度绩效目标"}  # contact person and telephone are not published
    assert not [q for q in quads if isinstance(q.object, Literal) and q.object.value in ("仇博辉", "3550021")]


def test_glossary(quads: list[Quad], disclosure_iri: NamedNode) -> None:
    scheme = NamedNode(f"{disclosure_iri.value}/glossary")
    assert value(quads, disclosure_iri, "bl:glossary") == scheme
    members = [q.subject for q in quads if q.predicate == n("skos:inScheme") and q.object == scheme]
    assert len(members) == 8
    first = NamedNode(f"{disclosure_iri.value}/glossary/1")
    assert triples_of(quads, first) == {
        (n("rdf:type"), n("skos:Concept")),
        (n("skos:inScheme"), scheme),
        (n("skos:topConceptOf"), scheme),
        (n("skos:prefLabel"), zh("财政拨款")),
        (n("skos:definition"), zh("指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。")),
        (n("bl:sourceLine"), integer(527)),
    }


def test_deterministic_and_in_the_disclosure_graph(
    sample_path: Path, minter: Minter, disclosure_iri: NamedNode, quads: list[Quad]
) -> None:
    again = facts_quads(parse_file(sample_path), minter, disclosure_iri)
    assert again == quads
    assert len(set(quads)) == len(quads)
    assert {q.graph_name for q in quads} == {disclosure_iri}
    assert all(q.subject.value.startswith(BASE) or q.subject.value.startswith("https://w3id.org/") for q in quads)


def test_no_blank_nodes_and_no_floats(quads: list[Quad]) -> None:
    for q in quads:
        assert not isinstance(q.subject, BlankNode) and not isinstance(q.object, BlankNode), q
        if isinstance(q.object, Literal) and q.object.datatype == XSD_DECIMAL:
            assert re.fullmatch(r"-?\d+(\.\d+)?", q.object.value), q
        if isinstance(q.object, Literal):
            assert q.object.datatype not in (n("xsd:double"), n("xsd:float")), q


def test_every_predicate_and_class_is_declared(quads: list[Quad]) -> None:
    standard = tuple(PREFIXES[p] for p in STANDARD)
    used = {q.predicate.value for q in quads}
    used |= {q.object.value for q in quads if q.predicate == n("rdf:type") and isinstance(q.object, NamedNode)}
    for term in used:
        if term.startswith(PREFIXES["bl"]):
            assert declared(term), f"{term} is not declared in ontology/*.ttl"
        else:
            assert term.startswith(standard), term


def test_literals_match_the_declared_ranges(quads: list[Quad]) -> None:
    for q in quads:
        if not isinstance(q.object, Literal) or not q.predicate.value.startswith(PREFIXES["bl"]):
            continue
        ranges = declared(q.predicate.value, "rdfs:range")
        assert len(ranges) == 1, q.predicate
        if ranges[0] == n("rdf:langString"):
            assert q.object.language, q
        else:
            assert q.object.language is None and q.object.datatype == ranges[0], q


def test_objects_in_code_lists_exist(quads: list[Quad]) -> None:
    for q in quads:
        if isinstance(q.object, NamedNode) and q.object.value.startswith("https://w3id.org/budgetlod/codelist/"):
            assert declared(q.object.value, "skos:inScheme"), q.object


def test_a_disclosure_without_facts_gives_nothing(minter: Minter) -> None:
    source = SourceInfo(path="x.txt", name="x.txt", sha256="0" * 64, encoding="utf-8", bytes=0, lines=0)
    bare = Disclosure(source=source, meta=Metadata(unit="某单位", year=2024, phase="预算", level="单位"))
    graph = NamedNode(minter.disclosure("某单位", 2024, "单位", "预算"))
    assert facts_quads(bare, minter, graph) == []
    bare.other = OtherMatters(assets=Assets(planned_vehicle_funds=Amount(Decimal("12.50"), "万元", 9)))
    quads = facts_quads(bare, minter, graph)
    funds = NamedNode(f"{graph.value}/other/planned-vehicle-funds")
    assert value(quads, NamedNode(f"{graph.value}/other/assets"), "bl:plannedVehicleFunds") == funds
    assert value(quads, funds, "bl:statedAmount") == dec("12.50")


def test_a_disclosure_that_cannot_be_named_is_refused(minter: Minter) -> None:
    source = SourceInfo(path="x.txt", name="x.txt", sha256="0" * 64, encoding="utf-8", bytes=0, lines=0)
    with pytest.raises(ValueError, match="cannot name"):
        facts_quads(Disclosure(source=source, meta=Metadata()), minter, NamedNode(BASE + "g"))
