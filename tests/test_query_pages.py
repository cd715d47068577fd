"""The named-query pages for people (issue 18): columns labelled in the page's language, amounts in 万元 with
separators as the documents print them, years as 2024, the command line of the parameters in use, parameter hints
in words; the technical note beside the query text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from live_server import get
from pyoxigraph import Store

from budgetlod.query.columns import Column, column, glossary, shown
from budgetlod.query.library import named_queries
from budgetlod.serve.queries import command_line, common_start, hint

SAMPLE_UNIT = "乌鲁木齐市12345政务服务热线中心"


@pytest.mark.parametrize("query", named_queries(), ids=lambda q: q.name)
def test_every_column_of_every_query_has_a_label(query: Any) -> None:
    variables = [v.value for v in Store().query(query.text_for(lateral=True)).variables]  # type: ignore[union-attr]
    assert variables
    missing = [v for v in variables if v not in glossary()]
    assert not missing, f"{query.name}: no entry in queries/columns.yaml for {missing}"


def test_values_are_shown_as_the_documents_print_them() -> None:
    assert shown("yuan", "14874000") == "1,487.40"
    assert shown("yuan", "-2200") == "-0.22"
    assert shown("yuan", "125") == "0.01"  # 0.0125 万元, half up as printed
    assert shown("percent", "94.1176") == "94.12%"
    assert shown("count", "1234") == "1,234"
    assert shown("year", "http://reference.data.gov.uk/id/year/2024") == "2024"
    assert shown("year", "2024") == "2024"
    assert shown("text", "14874000") == "14874000"
    assert shown("yuan", "not a number") == "not a number"
    assert Column("budgetYuan", "预算数", "Budget", "yuan").label("zh") == "预算数（万元）"
    assert column("year").label("en") == "Year"
    assert column("noSuchVariable").label("zh") == "noSuchVariable"  # unlabelled: its name
    override = {"columns": {"year": {"zh": "决算年度", "en": "Year of the final accounts"}}}
    assert column("year", override).label("zh") == "决算年度" and column("year", override).kind == "year"


def test_chart_labels_drop_the_words_every_row_shares() -> None:
    labels = [f"{SAMPLE_UNIT} 支出合计 total", f"{SAMPLE_UNIT} 基本支出 basic", f"{SAMPLE_UNIT} 项目支出 project"]
    assert common_start(labels) == (SAMPLE_UNIT, ["支出合计 total", "基本支出 basic", "项目支出 project"])
    assert common_start(["A x", "B x"]) == ("", ["A x", "B x"])
    assert common_start(["A", "A"]) == ("", ["A", "A"])  # nothing of its own would be left
    assert common_start(["A x"]) == ("", ["A x"])


def test_parameter_hints_are_words_not_patterns() -> None:
    text = (
        "年度，如 2024（绑定为年度 IRI year:2024；留空则为所有年度）/ Fiscal year, e.g. 2024 (bound as the year's IRI)"
    )
    assert hint(text, "zh") == "年度，如 2024"
    assert hint(text, "en") == "Fiscal year, e.g. 2024"
    assert hint("预算单位名称 / The budget unit's name", "en") == "The budget unit's name"


def test_command_line_says_the_parameters_in_use() -> None:
    query = next(q for q in named_queries() if q.name == "execution-by-unit")
    assert command_line(query, {"year": "2023", "unit": ""}) == "budgetlod query execution-by-unit --param year=2023"
    assert command_line(query, {"year": "2024", "unit": "https://w3id.org/budgetlod/id/unit/x y"}) == (
        "budgetlod query execution-by-unit --param year=2024 --param 'unit=https://w3id.org/budgetlod/id/unit/x y'"
    )


def test_query_page_for_people(live_server: Any) -> None:
    html = get(live_server, "/queries/units-totals?year=2024&lang=zh", accept="text/html").text
    heads = re.findall(r'<th scope="col" title="([^"]+)">([^<]+)</th>', html)
    assert heads[:5] == [
        ("year", "年度"),
        ("unitName", "预算单位"),
        ("kind", "文件种类"),
        ("incomeYuan", "收入总计（万元）"),
        ("expenditureYuan", "支出合计（万元）"),
    ]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if SAMPLE_UNIT in r)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # the sample's 表1 收入总计 and 表3 支出合计 1,487.40 万元, 基本支出 502.40, 项目支出 985.00
    assert cells[:7] == ["2024", SAMPLE_UNIT, "单位预算", "1,487.40", "1,487.40", "502.40", "985.00"]
    assert "disclosure/c694353348dbd08a/2024/unit-budget" in cells[7]
    assert "<code>budgetlod query units-totals --param year=2024</code>" in html
    assert "年度，如 2024" in html and "[0-9]{4}" not in html.split("<details>")[0]
    before, _, details = html.partition("<details>")
    assert "bl:amountInYuan" not in before and "bl:amountInYuan" in details  # the technical note by the query text
    english = get(live_server, "/queries/units-totals?year=2023&lang=en", accept="text/html").text
    assert '<th scope="col" title="incomeYuan">Income (10k yuan)</th>' in english
    assert "<code>budgetlod query units-totals --param year=2023</code>" in english


def test_sparql_page_navigates_and_says_errors_in_words(browser: object, live_server: Any) -> None:
    """A real Chromium: the query page links to the other pages, loads an example without its #+ header, and a
    misspelt keyword is answered in words."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver: Any = browser
    driver.get(f"{live_server.url}/sparql")
    links = {
        a.get_attribute("href").removeprefix(live_server.url) for a in driver.find_elements(By.CSS_SELECTOR, "nav a")
    }
    assert {"/id/", "/queries", "/api"} <= links
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: len(Select(d.find_element(By.ID, "examples")).options) > 1)
    Select(driver.find_element(By.ID, "examples")).select_by_value("units-totals")
    textarea = driver.find_element(By.ID, "query")
    wait.until(lambda d: "SELECT" in textarea.get_attribute("value"))
    assert "#+" not in textarea.get_attribute("value")
    assert "bl:amountInYuan" in driver.find_element(By.ID, "example-description").text  # the description, apart
    textarea.clear()
    textarea.send_keys("SELECT * WHERE { ?s ?p ?o } LIMT 3")
    driver.find_element(By.ID, "run").click()
    error = wait.until(ec.visibility_of_element_located((By.ID, "error")))
    assert "«LIMT» is not a SPARQL keyword" in error.text and "did you mean «LIMIT»?" in error.text
