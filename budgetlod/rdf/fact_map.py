"""The mapping of the facts outside the tables, as data: ``mapping/facts.yaml`` read into typed tables.

:mod:`budgetlod.rdf.facts` asks this module for the slugs of staffing and asset IRIs, the properties of
project-description fields and procurement figures, and the fields never published; the YAML file says them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from budgetlod import resources
from budgetlod.resources import ResourceError


@dataclass(frozen=True)
class FactMap:
    staffing: dict[str, str]  # printed category -> IRI slug
    assets: dict[str, str]  # printed asset category -> IRI slug
    project_fields: dict[str, str]  # printed label -> property (CURIE)
    procurement: tuple[tuple[str, str, str], ...]  # (model attribute, IRI slug, property)
    personal_fields: tuple[str, ...]  # words of a field label that is never published


@cache
def fact_map() -> FactMap:
    path = resources.mapping("facts.yaml")
    data = resources.read_yaml(path)
    try:
        assert isinstance(data, dict)
        fields = {str(label): str(prop) for prop, labels in data["project_fields"].items() for label in labels}
        return FactMap(
            staffing={str(k): str(v) for k, v in data["staffing"].items()},
            assets={str(k): str(v) for k, v in data["assets"].items()},
            project_fields=fields,
            procurement=tuple((str(r["attribute"]), str(r["slug"]), str(r["property"])) for r in data["procurement"]),
            personal_fields=tuple(str(word) for word in data["personal_fields"]),
        )
    except (AssertionError, KeyError, TypeError, AttributeError) as exc:
        raise ResourceError(f"{path}: not a facts mapping ({type(exc).__name__}: {exc})") from exc
