"""The W3C Data Cube integrity constraints (tests/qb_integrity.py) on a hand-written cube.

Each violation case is a minimal edit of a valid cube; the edit is checked to apply exactly once.
Some edits start from one of two valid variants of the base cube (with a slice; with a measure
dimension), themselves checked to pass every constraint.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from qb_integrity import check, ic_queries, load_union, normalize, violations

ALL_ICS = [f"IC-{n}" for n in range(1, 22)]

VALID = """\
@prefix qb:   <http://purl.org/linked-data/cube#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <http://example.org/> .

ex:dsd a qb:DataStructureDefinition ;
    qb:component [ qb:dimension ex:refArea ; qb:order 1 ] ,
                 [ qb:dimension ex:refYear ; qb:order 2 ] ,
                 [ qb:measure ex:amount ] ,
                 [ qb:attribute ex:unit ; qb:componentAttachment qb:DataSet ; qb:componentRequired true ] .

ex:refArea a qb:DimensionProperty, qb:CodedProperty ; rdfs:range skos:Concept ; qb:codeList ex:areas .
ex:refYear a qb:DimensionProperty ; rdfs:range xsd:gYear .
ex:amount a qb:MeasureProperty ; rdfs:range xsd:decimal .
ex:unit a qb:AttributeProperty .

ex:areas a skos:ConceptScheme .
ex:a1 a skos:Concept ; skos:inScheme ex:areas .
ex:a2 a skos:Concept ; skos:inScheme ex:areas .

ex:ds a qb:DataSet ; qb:structure ex:dsd ; ex:unit ex:yuan .

ex:o1 a qb:Observation ; qb:dataSet ex:ds ; ex:refArea ex:a1 ; ex:refYear "2023"^^xsd:gYear ; ex:amount 1.5 .
ex:o2 a qb:Observation ; qb:dataSet ex:ds ; ex:refArea ex:a2 ; ex:refYear "2023"^^xsd:gYear ; ex:amount 2.5 .
ex:o3 a qb:Observation ; qb:dataSet ex:ds ; ex:refArea ex:a1 ; ex:refYear "2024"^^xsd:gYear ; ex:amount 3.5 .
"""


def edit(base: str, *changes: tuple[str, str]) -> str:
    """Apply (old, new) replacements, each old text occurring exactly once."""
    for old, new in changes:
        assert base.count(old) == 1, old
        base = base.replace(old, new)
    return base


def add(base: str, extra: str) -> str:
    return base + extra


# The valid cube plus a slice of the 2023 observations, keyed by year.
WITH_SLICE = add(
    VALID,
    """
ex:dsd qb:sliceKey ex:byYear .
ex:byYear a qb:SliceKey ; qb:componentProperty ex:refYear .
ex:ds qb:slice ex:s2023 .
ex:s2023 a qb:Slice ; qb:sliceStructure ex:byYear ; ex:refYear "2023"^^xsd:gYear ; qb:observation ex:o1, ex:o2 .
""",
)

# The valid cube turned into a measure-dimension cube (qb:measureType), still with its one measure.
WITH_MEASURE_DIMENSION = edit(
    add(VALID, "\nqb:measureType a qb:DimensionProperty ; rdfs:range qb:MeasureProperty .\n"),
    ("[ qb:measure ex:amount ] ,", "[ qb:measure ex:amount ] , [ qb:dimension qb:measureType ] ,"),
    ("ex:amount 1.5 .", "qb:measureType ex:amount ; ex:amount 1.5 ."),
    ("ex:amount 2.5 .", "qb:measureType ex:amount ; ex:amount 2.5 ."),
    ("ex:amount 3.5 .", "qb:measureType ex:amount ; ex:amount 3.5 ."),
)

# The valid cube with its area code list made a qb:HierarchicalCodeList under a root ex:cn.
HIERARCHY = """
ex:areaTree a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:cn ; qb:parentChildProperty skos:narrower .
ex:cn skos:narrower ex:a1, ex:a2 .
"""
WITH_HIERARCHY = edit(add(VALID, HIERARCHY), ("qb:codeList ex:areas .", "qb:codeList ex:areaTree ."))

# The same with the parent-child property given as the inverse of skos:broader.
INVERSE_HIERARCHY = """
ex:areaTree a qb:HierarchicalCodeList ; qb:hierarchyRoot ex:cn ;
    qb:parentChildProperty [ owl:inverseOf skos:broader ] .
ex:a1 skos:broader ex:cn .
ex:a2 skos:broader ex:cn .
"""
WITH_INVERSE_HIERARCHY = edit(
    add(VALID, INVERSE_HIERARCHY),
    ("qb:codeList ex:areas .", "qb:codeList ex:areaTree ."),
    ("@prefix ex:", "@prefix owl:  <http://www.w3.org/2002/07/owl#> .\n@prefix ex:"),
)

VALID_VARIANTS = {
    "base": VALID,
    "slice": WITH_SLICE,
    "measure-dimension": WITH_MEASURE_DIMENSION,
    "hierarchy": WITH_HIERARCHY,
    "inverse-hierarchy": WITH_INVERSE_HIERARCHY,
}

CASES: dict[str, tuple[str, list[str]]] = {
    # An observation with no data set.
    "IC-1": (add(VALID, "ex:o4 a qb:Observation ; ex:refArea ex:a2 ; ex:refYear \"2024\"^^xsd:gYear ; ex:amount 4.5 .\n"), ["IC-1"]),
    # The data set without its DSD (the constraints that reach the DSD through the data set then have nothing to check).
    "IC-2": (edit(VALID, ("qb:structure ex:dsd ; ex:unit", "ex:unit")), ["IC-2"]),
    # The DSD without a measure (ex:amount stays a declared measure property, just not a component).
    "IC-3": (edit(VALID, ("[ qb:measure ex:amount ] ,", "")), ["IC-3"]),
    # A dimension without rdfs:range.
    "IC-4": (edit(VALID, ("ex:refYear a qb:DimensionProperty ; rdfs:range xsd:gYear .", "ex:refYear a qb:DimensionProperty .")), ["IC-4"]),
    # A skos:Concept-valued dimension without a code list.
    "IC-5": (edit(VALID, ("rdfs:range skos:Concept ; qb:codeList ex:areas .", "rdfs:range skos:Concept .")), ["IC-5"]),
    # A dimension marked optional.
    "IC-6": (edit(VALID, ("qb:dimension ex:refYear ; qb:order 2", "qb:dimension ex:refYear ; qb:order 2 ; qb:componentRequired false")), ["IC-6"]),
    # The slice variant with its slice key not declared on the DSD.
    "IC-7": (edit(WITH_SLICE, ("ex:dsd qb:sliceKey ex:byYear .\n", "")), ["IC-7"]),
    # A slice key (used by no slice) naming a property that is not a component of the DSD.
    "IC-8": (add(VALID, "ex:dsd qb:sliceKey ex:byOther .\nex:byOther a qb:SliceKey ; qb:componentProperty ex:other .\n"), ["IC-8"]),
    # The slice variant with its slice lacking a qb:sliceStructure.
    "IC-9": (edit(WITH_SLICE, ("ex:s2023 a qb:Slice ; qb:sliceStructure ex:byYear ;", "ex:s2023 a qb:Slice ;")), ["IC-9"]),
    # The slice variant with its slice lacking the value of its key's dimension.
    "IC-10": (edit(WITH_SLICE, ('qb:sliceStructure ex:byYear ; ex:refYear "2023"^^xsd:gYear ;', "qb:sliceStructure ex:byYear ;")), ["IC-10"]),
    # An observation without one of its dimensions. It is o2 (the only ex:a2 observation) so that no
    # other observation agrees with it on the dimensions it has left, which would also violate IC-12.
    "IC-11": (edit(VALID, ('ex:refArea ex:a2 ; ex:refYear "2023"^^xsd:gYear ;', "ex:refArea ex:a2 ;")), ["IC-11"]),
    # o3 given the same dimension values as o1.
    "IC-12": (edit(VALID, ('ex:refYear "2024"^^xsd:gYear ; ex:amount 3.5', 'ex:refYear "2023"^^xsd:gYear ; ex:amount 3.5')), ["IC-12"]),
    # The data set without the value of its required, data set-level attribute: nothing to push down.
    "IC-13": (edit(VALID, ("qb:structure ex:dsd ; ex:unit ex:yuan .", "qb:structure ex:dsd .")), ["IC-13"]),
    # An observation without its measure.
    "IC-14": (edit(VALID, ('"2023"^^xsd:gYear ; ex:amount 1.5 .', '"2023"^^xsd:gYear .')), ["IC-14"]),
    # The measure-dimension variant with an observation lacking the measure its qb:measureType names.
    "IC-15": (edit(WITH_MEASURE_DIMENSION, ("qb:measureType ex:amount ; ex:amount 1.5 .", "qb:measureType ex:amount .")), ["IC-15"]),
    # The measure-dimension variant with an observation whose qb:measureType is another measure
    # (which it also carries, so that IC-15 holds) while it carries the DSD's measure too.
    "IC-16": (edit(WITH_MEASURE_DIMENSION, ("qb:measureType ex:amount ; ex:amount 1.5 .", "qb:measureType ex:amount2 ; ex:amount 1.5 ; ex:amount2 1.5 .")), ["IC-16"]),
    # The measure-dimension variant with a second measure in the DSD that no observation gives.
    "IC-17": (edit(WITH_MEASURE_DIMENSION, ("[ qb:measure ex:amount ] ,", "[ qb:measure ex:amount ] , [ qb:measure ex:amount2 ] ,")), ["IC-17"]),
    # The slice variant with the slice also attached to a second (complete, observation-less) data
    # set, to which the slice's observations do not belong.
    "IC-18": (add(WITH_SLICE, "ex:ds2 a qb:DataSet ; qb:structure ex:dsd ; ex:unit ex:yuan ; qb:slice ex:s2023 .\n"), ["IC-18"]),
    # An observation whose coded dimension value is not in the code list.
    "IC-19": (edit(VALID, ('ex:refArea ex:a2 ; ex:refYear "2023"', 'ex:refArea ex:a9 ; ex:refYear "2023"')), ["IC-19"]),
    # The hierarchy variant with a value not reachable from the root.
    "IC-20": (edit(WITH_HIERARCHY, ("ex:cn skos:narrower ex:a1, ex:a2 .", "ex:cn skos:narrower ex:a1 .")), ["IC-20"]),
    # The inverse-hierarchy variant with a value not reachable from the root.
    "IC-21": (edit(WITH_INVERSE_HIERARCHY, ("ex:a2 skos:broader ex:cn .\n", "")), ["IC-21"]),
}


def ttl(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.mark.parametrize("variant", list(VALID_VARIANTS))
def test_valid_cube_passes(variant: str) -> None:
    assert violations(ttl(VALID_VARIANTS[variant])) == []


def test_check_reports_every_constraint_as_holding() -> None:
    store = load_union(ttl(VALID))
    normalize(store)
    assert check(store) == dict.fromkeys(ALL_ICS, True)
    assert list(ic_queries) == ALL_ICS


def test_cases_cover_every_constraint() -> None:
    assert list(CASES) == ALL_ICS


@pytest.mark.parametrize("ic", list(CASES))
def test_ic_violation(ic: str) -> None:
    data, expected = CASES[ic]
    assert violations(ttl(data)) == expected


@pytest.mark.parametrize("ic", ["IC-1", "IC-12", "IC-13", "IC-17", "IC-19"])
def test_check_is_false_only_for_the_violated_constraint(ic: str) -> None:
    store = load_union(ttl(CASES[ic][0]))
    normalize(store)
    result = check(store)
    assert result[ic] is False
    assert [k for k, held in result.items() if not held] == [ic]


def test_ic_17_runs_with_having_on_the_aggregate() -> None:
    """IC-17 as published (HAVING on the alias ?count) is never true under SPARQL 1.1 evaluation."""
    published = ic_queries["IC-17"].replace("HAVING (COUNT(?obs2) != ?numMeasures)", "HAVING (?count != ?numMeasures)")
    assert published != ic_queries["IC-17"]
    store = load_union(ttl(CASES["IC-17"][0]))
    normalize(store)
    assert bool(store.query(ic_queries["IC-17"])) is True
    assert bool(store.query(published)) is False


def test_ic_queries_ask_true_on_violation() -> None:
    """The Recommendation's ASK queries answer true when VIOLATED: check() inverts them."""
    store = load_union(ttl(CASES["IC-12"][0]))
    normalize(store)
    assert bool(store.query(ic_queries["IC-12"])) is True
    assert bool(store.query(ic_queries["IC-11"])) is False


QB = "http://purl.org/linked-data/cube#"
EX = "http://example.org/"


def test_normalization_pushes_dataset_attribute_down() -> None:
    store = load_union(ttl(VALID))
    pushed = ox.Quad(ox.NamedNode(EX + "o1"), ox.NamedNode(EX + "unit"), ox.NamedNode(EX + "yuan"), ox.DefaultGraph())
    assert pushed not in store
    normalize(store)
    for obs in ("o1", "o2", "o3"):
        assert ox.Quad(ox.NamedNode(EX + obs), ox.NamedNode(EX + "unit"), ox.NamedNode(EX + "yuan"), ox.DefaultGraph()) in store
    # Phase 1: qb:dimension closure to qb:componentProperty.
    assert bool(store.query(f"ASK {{ <{EX}dsd> <{QB}component>/<{QB}componentProperty> <{EX}refYear> }}"))


def test_normalization_pushes_slice_dimension_down() -> None:
    data = edit(WITH_SLICE, ('ex:refArea ex:a2 ; ex:refYear "2023"^^xsd:gYear ;', "ex:refArea ex:a2 ;"))
    assert violations(ttl(data)) == []  # o2 gets its year from the slice


def _split_into_named_graphs(text: str) -> bytes:
    """The cube as N-Quads: the DSD and code list in one named graph, the rest in another."""
    structure = {EX + "dsd", EX + "refArea", EX + "refYear", EX + "amount", EX + "unit", EX + "areas", EX + "a1", EX + "a2"}
    out = []
    for q in ox.parse(ttl(text), ox.RdfFormat.TURTLE):
        s = q.subject
        graph = "structure" if isinstance(s, ox.BlankNode) or (isinstance(s, ox.NamedNode) and s.value in structure) else "data"
        out.append(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(EX + "graph/" + graph)))
    return ox.serialize(out, format=ox.RdfFormat.N_QUADS) or b""


def test_nquads_named_graphs_are_merged() -> None:
    assert violations(_split_into_named_graphs(VALID)) == []
    assert violations(_split_into_named_graphs(CASES["IC-12"][0])) == ["IC-12"]


def test_files_and_several_sources(tmp_path: Path) -> None:
    whole = tmp_path / "cube.nq"
    whole.write_bytes(_split_into_named_graphs(VALID))
    assert violations(whole) == []
    assert violations(str(whole)) == []
    # The structure (DSD, properties, code list) as Turtle bytes plus the data as a Turtle file.
    structure, _, data = VALID.partition("ex:ds a qb:DataSet")
    prefixes = "".join(line + "\n" for line in structure.splitlines() if line.startswith("@prefix"))
    data_file = tmp_path / "data.ttl"
    data_file.write_text(prefixes + "ex:ds a qb:DataSet" + data, encoding="utf-8")
    assert violations(ttl(structure), data_file) == []
    # Without the structure, the observations' DSD is unknown: no constraint reaches it.
    assert violations(data_file) == []
    # With a structure that lacks a measure, the union violates IC-3 (and IC-14 holds vacuously).
    assert violations(ttl(edit(structure, ("[ qb:measure ex:amount ] ,", ""))), data_file) == ["IC-3"]


def test_violations_sorted_by_number() -> None:
    # The DSD loses its measure (IC-3) and o3 duplicates o1 (IC-12): numeric order, not string order.
    data = edit(CASES["IC-12"][0], ("[ qb:measure ex:amount ] ,", ""))
    assert violations(ttl(data)) == ["IC-3", "IC-12"]
