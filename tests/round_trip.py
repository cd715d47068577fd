"""The round trip from the cube back to the printed figures: the query that reads every observation with its
locator, and the key of ``tests/cases/sample/expected.tsv`` an observation's locator values give."""

from __future__ import annotations

from budgetlod.prefixes import sparql_header
from budgetlod.specs import spec

ROUND_TRIP = (
    sparql_header()
    + """
SELECT ?type ?op ?code ?name ?column ?amount ?yuan ?line ?level WHERE {
  ?obs a qb:Observation ; qb:dataSet ?ds ; obeu-measure:amount ?amount ; bl:amountInYuan ?yuan ;
       bl:sourceColumn ?column ; bl:printedName ?name ; bl:sourceLine ?line ;
       obeu-dimension:operationCharacter ?op ; bl:aggregationLevel ?level .
  ?ds bl:tableType ?type .
  OPTIONAL { ?obs bl:printedCode ?code }
}"""
)


def figure_key(table_type: str, operation: str, code: str, name: str, column: str) -> tuple[str, str, str, str, str]:
    """An observation's locator values -> the key of tests/cases/sample/expected.tsv."""
    table = table_type.rsplit("/", 1)[-1]
    side = ""
    if spec(table).kind == "two_sided":
        side = "income" if operation.endswith("revenue") else "expenditure"
    return (table, side, code, name, column)
