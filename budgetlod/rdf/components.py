"""The Data Cube components budgetlod uses, and how a mapping spec names them.

A table spec (``mapping/tables/*.yaml``) names its dimensions by short keys
(``function``, ``funding`` …) and pins codes (``gpb``, ``_T``); this module turns
those keys into the component properties of ``ontology/budgetlod.ttl`` and the
codes into concept IRIs of ``ontology/codelists/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from budgetlod.prefixes import CODELIST, iri
from budgetlod.rdf.iris import safe

TOTAL, NOT_APPLICABLE = "_T", "_Z"


@dataclass(frozen=True)
class Dimension:
    key: str
    property: str  # IRI
    scheme: str  # IRI of the qb:codeList; "" when the dimension has none

    def code(self, code: str) -> str:
        """IRI of a code of this dimension's scheme; a malformed printed code (P207: ``201 0x``) is
        percent-encoded like a row key (:func:`~budgetlod.rdf.iris.safe`), so that any text makes an IRI."""
        return f"{self.scheme}/{safe(code)}"


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension("function", iri("bl:functionalClassification"), f"{CODELIST}function"),
        Dimension("economic", iri("bl:economicClassification"), f"{CODELIST}economic"),
        Dimension("income", iri("bl:incomeCategory"), f"{CODELIST}income-category"),
        Dimension("sangong", iri("bl:sangongCategory"), f"{CODELIST}sangong"),
        Dimension("funding", iri("bl:fundingSource"), f"{CODELIST}funding-source"),
        Dimension("nature", iri("bl:expenditureNature"), f"{CODELIST}expenditure-nature"),
        Dimension("project", iri("bl:project"), f"{CODELIST}project"),
        Dimension("balance", iri("bl:balanceItem"), f"{CODELIST}balance"),
        Dimension("procurement", iri("bl:procurementCategory"), f"{CODELIST}procurement-category"),
        Dimension("procurement_item", iri("bl:procurementItem"), f"{CODELIST}procurement-item"),
    )
}

# Dimensions of every observation, before the table's own.
ORGANIZATION = iri("obeu-dimension:organization")
FISCAL_YEAR = iri("obeu-dimension:fiscalYear")
BUDGET_PHASE = iri("obeu-dimension:budgetPhase")
OPERATION = iri("obeu-dimension:operationCharacter")
COMMON_DIMENSIONS = (ORGANIZATION, FISCAL_YEAR, BUDGET_PHASE, OPERATION)

AMOUNT = iri("obeu-measure:amount")  # the figure as printed, in the table's unit
AMOUNT_YUAN = iri("bl:amountInYuan")  # the same figure in yuan
MEASURES = (AMOUNT, AMOUNT_YUAN)

UNIT_MULT = iri("sdmx-attribute:unitMult")  # power of ten of the printed unit (万元 -> 4)
CURRENCY = iri("obeu-attribute:currency")
LEVEL = iri("bl:aggregationLevel")
DATASET_ATTRIBUTES = (UNIT_MULT, CURRENCY)
OBSERVATION_ATTRIBUTES = (LEVEL,)

PHASE_CODES = {"预算": iri("obeu-budgetphase:approved"), "决算": iri("obeu-budgetphase:executed")}
# a column's own stage (mapping ``stage:``), over the document's phase: 预算数 / 年初预算数 approved, 全年预算数
# (调整后) revised, 决算数 executed
STAGE_CODES = {
    "approved": iri("obeu-budgetphase:approved"),
    "revised": iri("obeu-budgetphase:revised"),
    "executed": iri("obeu-budgetphase:executed"),
}
OPERATION_CODES = {"revenue": iri("obeu-operation:revenue"), "expenditure": iri("obeu-operation:expenditure")}
CNY = iri("currency:CNY")
LEVEL_CODES = {
    "total": "total",
    "类": "class",
    "款": "section",
    "项": "item",
    "project": "project",
    "item": "entry",
}


def level_code(level: str) -> str:
    return f"{CODELIST}level/{LEVEL_CODES[level]}"


def year_iri(year: int) -> str:
    return iri(f"year:{year}")


def dsd_iri(table_id: str) -> str:
    return iri(f"bldsd:{table_id}")
