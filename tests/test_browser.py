"""A real browser (Debian's headless Chromium, driven through chromedriver) on the live server:
the query page runs an example query and shows its rows; a disclosure's page shows the sample's 表3."""

from __future__ import annotations

from pathlib import Path

from expected import read_expected
from live_server import LiveServer

EXPECTED = Path(__file__).resolve().parent / "cases" / "sample" / "expected.tsv"
DISCLOSURE_PATH = "/id/disclosure/c694353348dbd08a/2024/unit-budget"


def test_query_page_runs_an_example_query_and_shows_its_rows(browser: object, live_server: LiveServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    driver.get(f"{live_server.url}/sparql")  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, 30)
    wait.until(lambda d: len(Select(d.find_element(By.ID, "examples")).options) > 1)
    select = Select(driver.find_element(By.ID, "examples"))  # type: ignore[attr-defined]
    values = [o.get_attribute("value") for o in select.options]
    assert "disclosures" in values, values
    select.select_by_value("disclosures")
    wait.until(lambda d: "bl:Disclosure" in d.find_element(By.ID, "query").get_attribute("value"))
    driver.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    table = wait.until(ec.presence_of_element_located((By.ID, "results-table")))
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 21  # the sample and the 20 generated disclosures of the live store
    text = table.text
    assert "乌鲁木齐市12345政务服务热线中心" in text
    assert f"https://w3id.org/budgetlod{DISCLOSURE_PATH}" in text
    downloads = driver.find_elements(By.CSS_SELECTOR, "#downloads a[data-format]")  # type: ignore[attr-defined]
    assert {a.get_attribute("data-format") for a in downloads} >= {"json", "xml", "csv", "tsv"}


def test_disclosure_page_shows_the_sample_table_3(browser: object, live_server: LiveServer) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{live_server.url}{DISCLOSURE_PATH}")  # type: ignore[attr-defined]
    page = driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    assert "乌鲁木齐市12345政务服务热线中心" in page
    figures = [value for (table, *_), (value, _) in read_expected(EXPECTED).items() if table == "t03"]
    assert len(figures) == 21
    for value in figures:
        assert f"{value:,.2f}" in page, f"{value:,.2f} not on the page"
