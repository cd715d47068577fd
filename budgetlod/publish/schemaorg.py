"""schema.org ``Dataset`` markup for a disclosure's HTML page (what dataset search engines read).

The same function serves the server's Linked Data page and the static site's page, so both say the same:
name and description (zh), the disclosure IRI as ``@id``/``identifier``, the fiscal year as
``temporalCoverage``, the unit as ``creator``/``publisher``, the licence, and a ``DataDownload`` per
distribution (with its size and SHA-256 where known).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from budgetlod.publish.catalog import DatasetInfo, DistributionFile


def dataset(
    info: DatasetInfo,
    *,
    page_url: str,
    distributions: Sequence[DistributionFile],
    licence: str,
    catalogue_url: str | None = None,
) -> dict[str, Any]:
    """The schema.org JSON-LD object (with its own ``@context``: it is embedded alone in a page)."""
    organisation = {"@type": "GovernmentOrganization", "@id": info.unit_iri, "name": info.unit_name}
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": info.iri,
        "identifier": info.iri,
        "url": page_url,
        "name": info.title_zh,
        "description": (
            f"{info.unit_name}{info.year}年{_KIND_ZH.get(info.kind, '预算公开')}的公开表、情况说明和其他重要事项，"
            "以关联数据（RDF 数据立方体）发布。"
        ),
        "inLanguage": "zh-Hans",
        "temporalCoverage": str(info.year),
        "creator": organisation,
        "publisher": organisation,
        "license": licence,
        "isAccessibleForFree": True,
        "keywords": ["预算公开", "部门预算", "政府收支分类", "budget", "public finance", str(info.year)],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": d.media_type,
                "contentUrl": d.url,
                **({"contentSize": f"{d.byte_size} B"} if d.byte_size is not None else {}),
                **({"sha256": d.sha256} if d.sha256 else {}),
            }
            for d in distributions
        ],
    }
    if info.issued is not None:
        doc["datePublished"] = info.issued.isoformat()
    if info.modified is not None:
        doc["dateModified"] = info.modified.isoformat()
    if catalogue_url:
        doc["includedInDataCatalog"] = {"@type": "DataCatalog", "url": catalogue_url}
    return doc


_KIND_ZH = {
    "unit-budget": "单位预算公开",
    "department-budget": "部门预算公开",
    "unit-final": "单位决算公开",
    "department-final": "部门决算公开",
}


def script_json(doc: dict[str, Any]) -> str:
    """JSON safe inside ``<script type="application/ld+json">`` (no ``</script>`` break-out, no comment opener)."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
