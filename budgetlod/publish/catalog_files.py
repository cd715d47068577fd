"""The catalogue as the documents harvesters fetch: Turtle, and JSON-LD with its context inline.

Two things a harvester needs that the general serializations of :mod:`budgetlod.formats` and
:mod:`budgetlod.publish.jsonld` do not give:

* **JSON-LD without a remote context.** A disclosure's JSON-LD refers to budgetlod's context by IRI; a
  harvester without network access (or behind a proxy) cannot fetch it and fails the whole catalogue. So
  the catalogue's JSON-LD carries its context inline: the prefixes of the one prefix map that the
  catalogue uses (values stay explicit ``@value`` / ``@language`` / ``@type`` objects: every JSON-LD
  processor reads them without term definitions).
* **Chinese text first.** ckanext-dcat picks among the language-tagged values of ``dct:title`` and
  ``dct:description`` the one whose tag *equals* the portal's locale setting (``ckan.locale_default``:
  ``en``, ``zh_Hans_CN``, ``zh_CN`` …) and otherwise the first value the document gives. A CKAN locale has
  an underscore and a region, which no language tag equals, so under a Chinese locale the first value is
  taken. Both documents therefore give, for each subject and property, the ``zh`` values before the others:
  a Chinese portal shows the Chinese title, an English one (``en``) the English title.

Both documents hold exactly the catalogue's triples (tests/test_ckan_harvest.py parses them with ckanext-dcat,
tests/test_dcat.py compares the triples).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyld import jsonld as pyld  # type: ignore[import-untyped]
from pyoxigraph import Literal, Triple

from budgetlod.formats import to_bytes, used_prefixes
from budgetlod.publish.jsonld import document_loader, dumps, expanded

FIRST_LANGUAGE = "zh"


def _language_rank(obj: object) -> int:
    if isinstance(obj, Literal) and obj.language:
        return 0 if obj.language == FIRST_LANGUAGE or obj.language.startswith(FIRST_LANGUAGE + "-") else 1
    return 1


def harvest_order(triples: Sequence[Triple]) -> list[Triple]:
    """By subject and predicate (as :func:`budgetlod.formats.to_bytes` orders), ``zh`` literals first."""
    return sorted(
        triples,
        key=lambda t: (str(t.subject), str(t.predicate), _language_rank(t.object), str(t.object)),
    )


def catalogue_turtle(triples: Sequence[Triple]) -> bytes:
    return to_bytes(harvest_order(triples), "ttl", ordered=False)


def catalogue_context(triples: Sequence[Triple]) -> dict[str, str]:
    """The inline context: the prefixes (of the one prefix map) that the catalogue's IRIs use."""
    return used_prefixes(triples)


def _zh_first(values: list[Any]) -> list[Any]:
    return sorted(values, key=lambda v: 0 if isinstance(v, dict) and v.get("@language") == FIRST_LANGUAGE else 1)


def catalogue_document(triples: Sequence[Triple]) -> dict[str, Any]:
    """The catalogue as a compacted JSON-LD document whose ``@context`` is inline (no context is fetched)."""
    nodes = expanded(triples)
    for node in nodes:
        for key, values in node.items():
            if isinstance(values, list) and not key.startswith("@"):
                node[key] = _zh_first(values)
    context = catalogue_context(triples)
    options = {"documentLoader": document_loader, "skipExpansion": True, "graph": True}
    doc: dict[str, Any] = pyld.compact(nodes, {"@context": context}, options)
    return doc


def catalogue_jsonld(triples: Sequence[Triple]) -> bytes:
    return dumps(catalogue_document(triples))


__all__ = ["catalogue_context", "catalogue_document", "catalogue_jsonld", "catalogue_turtle", "harvest_order"]
