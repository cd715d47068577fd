"""The one place that knows where the project's data files are.

The data folders (``ontology/ mapping/ shapes/ publish/ queries/``) live at the
top of the source tree and are shipped inside the wheel as
``budgetlod/_data/<folder>``.  Code never builds a path to them itself: it asks
this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA_FOLDERS = ("ontology", "mapping", "shapes", "publish", "queries")


class ResourceError(RuntimeError):
    """A data file the package needs is not where it should be."""


@cache
def data_root() -> Path:
    """The folder holding the data folders: inside the installed wheel, or the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent):
        if all((candidate / name).is_dir() for name in DATA_FOLDERS):
            return candidate
    raise ResourceError(f"budgetlod data folders {DATA_FOLDERS} not found next to {here}")


def folder(name: str) -> Path:
    if name not in DATA_FOLDERS:
        raise ResourceError(f"unknown data folder {name!r}; expected one of {DATA_FOLDERS}")
    return data_root() / name


def files(name: str) -> list[Path]:
    """Every file of a data folder, sorted, relative order stable."""
    base = folder(name)
    return sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def read_yaml(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise ResourceError(f"{path}: {exc}") from exc


def table_specs() -> list[Path]:
    """The table mapping specs, ``mapping/tables/*.yaml``."""
    return sorted((folder("mapping") / "tables").glob("*.yaml"))


def mapping(name: str) -> Path:
    """A mapping file other than a table spec, e.g. ``mapping("narrative.yaml")``."""
    path = folder("mapping") / name
    if not path.is_file():
        raise ResourceError(f"mapping file not found: {path}")
    return path


def ontology() -> list[Path]:
    """The ontology and code list files (Turtle)."""
    return [p for p in files("ontology") if p.suffix == ".ttl"]


def shapes() -> list[Path]:
    """The SHACL shape files (Turtle)."""
    return [p for p in files("shapes") if p.suffix == ".ttl"]


def query(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    path = folder("queries") / f"{name}.rq"
    if not path.is_file():
        raise ResourceError(f"no query named {name!r} in {folder('queries')}")
    return path.read_text(encoding="utf-8")


def queries() -> list[str]:
    """Names of the queries in ``queries/``."""
    return [p.stem for p in sorted(folder("queries").glob("*.rq"))]
