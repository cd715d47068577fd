"""The published catalogue harvested by a real harvester: ckanext-dcat 2.4.4's RDFParser (DCAT-AP 3 profile) on
CKAN 2.12.0, run in its own venv (tests/ckan/.venv, ``bash tests/ckan/setup.sh``) by tests/ckan/harvest.py with
the network closed.

The example disclosure is ingested and published (``publish_site``); its ``catalog.ttl`` and ``catalog.jsonld``
are parsed under CKAN's English and Chinese locales, and the dataset dict CKAN would create is checked field by
field: title and notes in the locale's language, tags, the licence CKAN knows (``cc-by``), the fiscal year as
temporal coverage, the publisher, and the resources — the figures CSV and the three RDF files with their sizes,
SHA-256 checksums and media types, the RDF ones with the SPARQL endpoint as their access service.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from paths import SAMPLE

from budgetlod.ingest.bulk import ingest
from budgetlod.publish.site import publish_site

ROOT = Path(__file__).resolve().parent.parent
CKAN = ROOT / "tests" / "ckan"
PYTHON = CKAN / ".venv" / "bin" / "python"
SITE = "https://budget.example.org/"
SPARQL = f"{SITE}sparql"
DISCLOSURE = "https://w3id.org/budgetlod/id/disclosure/c694353348dbd08a/2024/unit-budget"
PAGE = f"{SITE}id/disclosure/c694353348dbd08a/2024/unit-budget"
UNIT = "https://w3id.org/budgetlod/id/unit/c694353348dbd08a"
UNIT_NAME = "乌鲁木齐市12345政务服务热线中心"
TITLE_ZH = "乌鲁木齐市12345政务服务热线中心2024年单位预算公开"
TITLE_EN = "Unit budget disclosure 2024: 乌鲁木齐市12345政务服务热线中心"
LICENCE = "http://www.opendefinition.org/licenses/cc-by"  # the default of setting data_licence
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PYTHON.is_file():
        pytest.skip(f"the CKAN harvester's venv is absent ({PYTHON}): make it with `bash tests/ckan/setup.sh`")
    folder = tmp_path_factory.mktemp("ckan")
    summary = ingest([SAMPLE], folder / "store")
    assert not summary.failed, [(o.path, o.error) for o in summary.failed]
    publish_site(folder / "store", folder / "site", SITE, base_iri="https://w3id.org/budgetlod/id/", licence=LICENCE,
                 sparql_endpoint=SPARQL)  # fmt: skip
    return folder / "site"


def harvest(site: Path, name: str, rdf_format: str, locale: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(PYTHON), str(CKAN / "harvest.py"), str(site / name), "--format", rdf_format, "--locale", locale],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def extras(dataset: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset["extras"]}


def file_facts(site: Path, suffix: str) -> tuple[int, str]:
    data = (site / ("id/disclosure/c694353348dbd08a/2024/unit-budget" + suffix)).read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


CASES = [
    ("catalog.ttl", "turtle", "en"),
    ("catalog.jsonld", "json-ld", "en"),
    ("catalog.ttl", "turtle", "zh_Hans_CN"),
    ("catalog.jsonld", "json-ld", "zh_Hans_CN"),
    ("catalog.jsonld", "json-ld", "zh_CN"),
]


@pytest.mark.parametrize(("name", "rdf_format", "locale"), CASES)
def test_ckan_harvests_the_dataset(site: Path, name: str, rdf_format: str, locale: str) -> None:
    result = harvest(site, name, rdf_format, locale)
    assert result["next_page"] is None
    (dataset,) = result["datasets"]
    chinese = locale.startswith("zh")
    assert dataset["title"] == (TITLE_ZH if chinese else TITLE_EN)
    assert dataset["notes"].startswith(
        f"{UNIT_NAME}2024年单位预算公开文件的关联开放数据"
        if chinese
        else f"Linked open data of the unit budget disclosure of {UNIT_NAME} for fiscal year 2024"
    )
    assert sorted(t["name"] for t in dataset["tags"]) == sorted(
        ["预算公开", "财政预算", "关联开放数据", "单位预算", "2024年", UNIT_NAME,
         "budget disclosure", "public budget", "China", "linked open data", "unit budget", "2024"]
    )  # fmt: skip
    assert dataset["license_id"] == "cc-by"
    assert dataset["url"] == PAGE + ".html"
    facts = extras(dataset)
    assert (facts["temporal_start"], facts["temporal_end"]) == ("2024-01-01", "2024-12-31")
    assert (facts["publisher_uri"], facts["publisher_name"]) == (UNIT, UNIT_NAME)
    assert (facts["identifier"], facts["uri"], facts["issued"]) == (DISCLOSURE, DISCLOSURE, "2024-03-01")

    resources = {r["uri"].rsplit("#distribution-", 1)[-1]: r for r in dataset["resources"]}
    assert sorted(resources) == ["csv", "jsonld", "nq", "ttl"]
    expected = {
        "csv": (".observations.csv", "CSV", "text/csv"),
        "jsonld": (".jsonld", FILE_TYPE + "JSON_LD", "application/ld+json"),
        "ttl": (".ttl", FILE_TYPE + "RDF_TURTLE", "text/turtle"),
        "nq": (".nq", FILE_TYPE + "RDF_N_QUADS", "application/n-quads"),
    }
    for key, (suffix, fmt, mimetype) in expected.items():
        resource = resources[key]
        size, digest = file_facts(site, suffix)
        assert (resource["url"], resource["format"], resource["mimetype"]) == (PAGE + suffix, fmt, mimetype)
        assert (resource["size"], resource["hash"], resource["hash_algorithm"]) == (size, digest, SHA256)
        assert resource["license"] == LICENCE
        assert resource["name"].startswith(TITLE_ZH if chinese else TITLE_EN)
    assert "access_services" not in resources["csv"]  # the endpoint serves the RDF, not the CSV
    for key in ("jsonld", "ttl", "nq"):
        (service,) = json.loads(resources[key]["access_services"])
        assert service["uri"] == f"{DISCLOSURE}#sparql-service"
        assert (service["endpoint_url"], service["serves_dataset"]) == ([SPARQL], [DISCLOSURE])
        assert service["endpoint_description"] == SPARQL
        assert service["conforms_to"] == ["https://www.w3.org/TR/sparql11-protocol/"]
        assert service["title"] == (f"{TITLE_ZH}：SPARQL 查询端点" if chinese else f"SPARQL endpoint: {TITLE_EN}")


def test_the_harvester_has_no_network(site: Path, tmp_path: Path) -> None:
    """The harvest can fail: a JSON-LD catalogue whose context is remote (as budgetlod's disclosure documents refer
    to theirs) cannot be read with the network closed, so the inline context above is what made it work."""
    doc = json.loads((site / "catalog.jsonld").read_text("utf-8"))
    doc["@context"] = "https://w3id.org/budgetlod/context/v1.jsonld"
    (tmp_path / "remote.jsonld").write_text(json.dumps(doc), "utf-8")
    done = subprocess.run(
        [str(PYTHON), str(CKAN / "harvest.py"), str(tmp_path / "remote.jsonld"), "--format", "json-ld"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    assert "network access is closed" in done.stderr
