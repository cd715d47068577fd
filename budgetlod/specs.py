"""Typed view of the table mapping specs in ``mapping/tables/`` and of the template families in
``mapping/families/`` (which tables one kind of disclosure prints: a 单位预算, a 部门决算 …)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from budgetlod import resources
from budgetlod.text import label_key


@dataclass(frozen=True)
class ColumnSpec:
    path: str
    aliases: tuple[str, ...]
    slug: str = ""  # the column's part of an observation IRI
    pins: tuple[tuple[str, str], ...] = ()  # dimension -> code this column fixes
    stage: str = ""  # budget stage of the column's figures (approved | revised | executed); "": the document's
    operation: str = ""  # revenue | expenditure: the column's own operation character (表8 本年收入); "": its table's

    @property
    def leaf(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(self.path.split("/")[:-1])

    def matches_leaf(self, text: str) -> bool:
        return label_key(text) in _alias_keys(self)


@cache
def _alias_keys(column: ColumnSpec) -> frozenset[str]:
    return frozenset(label_key(a) for a in (*column.aliases, column.leaf))


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    parent: str | None = None
    total: bool = False
    aliases: tuple[str, ...] = ()
    count: str = ""  # a count row's unit (个, 人次, 辆): its figures are counts, never amounts

    def label_keys(self) -> frozenset[str]:
        return _row_keys(self)


@cache
def _row_keys(row: RowSpec) -> frozenset[str]:
    return frozenset(label_key(a) for a in (row.label, *row.aliases))


@dataclass(frozen=True)
class SideSpec:
    name: str  # income | expenditure
    headers: tuple[str, ...]
    label_headers: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...] = ()
    coded: str | None = None
    total_labels: tuple[str, ...] = ()
    operation: str = "expenditure"  # revenue | expenditure (obeu operation character)
    coded_by_name: bool = False  # a row printing a 类 name without its code gets the code of that name
    uncoded_generic: bool = False  # its rows with no code (and no total) are mapped generically
    named_rows: tuple[NamedRow, ...] = ()  # rows with no code it maps by their label (before uncoded_generic)


@dataclass(frozen=True)
class TableSpec:
    id: str
    number: int
    kind: str  # two_sided | coded | items
    titles: tuple[str, ...]
    labels: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...] = ()
    optional_columns: tuple[ColumnSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    coded: str | None = None  # function | economic
    free_rows: bool = False
    total_labels: tuple[str, ...] = ("总计", "合计")
    sides: tuple[SideSpec, ...] = field(default_factory=tuple)
    operation: str = "expenditure"
    dimensions: tuple[str, ...] = ()  # table-specific dimensions, in DSD order
    fixed: tuple[tuple[str, str], ...] = ()  # dimension -> code for the whole table
    family: str = ""  # the template family (mapping/families/<family>.yaml) it belongs to
    uncoded_generic: bool = False  # a coded table's rows with no code (and no total) are mapped generically
    named_rows: tuple[NamedRow, ...] = ()  # a coded table's rows with no code it maps by their label

    @property
    def title(self) -> str:
        return self.titles[0]

    def side(self, name: str) -> SideSpec:
        for side in self.sides:
            if side.name == name:
                return side
        raise KeyError(name)


def _columns(raw: Any) -> tuple[ColumnSpec, ...]:
    return tuple(
        ColumnSpec(
            path=c["path"],
            aliases=tuple(c.get("aliases", ())),
            slug=str(c.get("slug", "")),
            pins=tuple((str(k), str(v)) for k, v in (c.get("pins") or {}).items()),
            stage=str(c.get("stage", "")),
            operation=str(c.get("operation", "")),
        )
        for c in raw or ()
    )


@dataclass(frozen=True)
class NamedRow:
    """A row of a coded table (or side) that prints no code but is named by its label (年末结转和结余, 人员经费合计):
    its key (part of the IRI) and the codes it pins (dimension -> code), over its columns' pins."""

    key: str
    label: str
    pins: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...] = ()

    def label_keys(self) -> frozenset[str]:
        return frozenset(label_key(a) for a in (self.label, *self.aliases))


def _named_rows(raw: Any) -> tuple[NamedRow, ...]:
    return tuple(
        NamedRow(
            key=str(r["key"]),
            label=str(r["label"]),
            pins=tuple((str(k), str(v)) for k, v in (r.get("pins") or {}).items()),
            aliases=tuple(r.get("aliases", ())),
        )
        for r in raw or ()
    )


def _rows(raw: Any) -> tuple[RowSpec, ...]:
    return tuple(
        RowSpec(
            key=r["key"],
            label=r["label"],
            parent=r.get("parent"),
            total=bool(r.get("total", False)),
            aliases=tuple(r.get("aliases", ())),
            count=str(r.get("count", "")),
        )
        for r in raw or ()
    )


def _spec(data: dict[str, Any]) -> TableSpec:
    sides = tuple(
        SideSpec(
            name=name,
            headers=tuple(side.get("headers", ())),
            label_headers=tuple(side.get("label_headers", ())),
            columns=_columns(side.get("columns")),
            rows=_rows(side.get("rows")),
            coded=side.get("coded"),
            total_labels=tuple(side.get("total_labels", ())),
            operation=side.get("operation", "expenditure"),
            coded_by_name=bool(side.get("coded_by_name", False)),
            uncoded_generic=bool(side.get("uncoded_generic", False)),
            named_rows=_named_rows(side.get("named_rows")),
        )
        for name, side in (data.get("sides") or {}).items()
    )
    return TableSpec(
        id=data["id"],
        number=int(data["number"]),
        kind=data["kind"],
        titles=tuple(data["titles"]),
        labels=tuple(data.get("labels", ())),
        columns=_columns(data.get("columns")),
        optional_columns=_columns(data.get("optional_columns")),
        rows=_rows(data.get("rows")),
        coded=data.get("coded"),
        free_rows=bool(data.get("free_rows", False)),
        total_labels=tuple(data.get("total_labels", ("总计", "合计"))),
        sides=sides,
        operation=data.get("operation", "expenditure"),
        dimensions=tuple(data.get("dimensions", ())),
        fixed=tuple((str(k), str(v)) for k, v in (data.get("fixed") or {}).items()),
        family=str(data["family"]),
        uncoded_generic=bool(data.get("uncoded_generic", False)),
        named_rows=_named_rows(data.get("named_rows")),
    )


@cache
def table_specs() -> tuple[TableSpec, ...]:
    specs = []
    for path in resources.table_specs():
        data = resources.read_yaml(path)
        if not isinstance(data, dict):
            raise resources.ResourceError(f"{path}: a table spec must be a mapping")
        try:
            specs.append(_spec(data))
        except (KeyError, TypeError, ValueError) as exc:
            raise resources.ResourceError(f"{path}: invalid table spec ({exc!r})") from exc
    order = {f.id: i for i, f in enumerate(families())}
    for found in specs:
        if found.family not in order:
            raise resources.ResourceError(f"table spec {found.id}: unknown family {found.family!r}")
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise resources.ResourceError("table spec ids must be unique across families")
    return tuple(sorted(specs, key=lambda s: (order[s.family], s.number)))


def spec(table_id: str) -> TableSpec:
    for candidate in table_specs():
        if candidate.id == table_id:
            return candidate
    raise KeyError(table_id)


@dataclass(frozen=True)
class FamilySpec:
    """A template family: the tables one kind of disclosure prints (``mapping/families/<id>.yaml``)."""

    id: str
    zh: str
    en: str
    phase: str  # 预算 | 决算
    level: str  # 单位 | 部门
    tables: tuple[str, ...]  # its table spec ids, in template order
    words: tuple[str, ...] = ()  # title words that identify it (决算, 预算 …): a tie-break
    header_words: tuple[str, ...] = ()  # header words its tables print (行次, 栏次): counted with the header tie-break
    default: bool = False  # the family of a document whose tables no family's titles name


@cache
def families() -> tuple[FamilySpec, ...]:
    """The template families; the default one first."""
    found = []
    for path in resources.family_specs():
        data = resources.read_yaml(path)
        if not isinstance(data, dict):
            raise resources.ResourceError(f"{path}: a family spec must be a mapping")
        try:
            found.append(
                FamilySpec(
                    id=str(data["id"]),
                    zh=str(data["zh"]),
                    en=str(data["en"]),
                    phase=str(data["phase"]),
                    level=str(data["level"]),
                    tables=tuple(str(t) for t in data["tables"]),
                    words=tuple(str(w) for w in data.get("words") or ()),
                    header_words=tuple(str(w) for w in data.get("header_words") or ()),
                    default=bool(data.get("default", False)),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise resources.ResourceError(f"{path}: invalid family spec ({exc!r})") from exc
    if sum(f.default for f in found) != 1:
        raise resources.ResourceError("exactly one family in mapping/families must be the default")
    return tuple(sorted(found, key=lambda f: (not f.default, f.id)))


def family(family_id: str) -> FamilySpec:
    for candidate in families():
        if candidate.id == family_id:
            return candidate
    raise KeyError(family_id)


def default_family() -> FamilySpec:
    return families()[0]


def family_specs(family_id: str) -> tuple[TableSpec, ...]:
    """The table specs of a family, in template order (its ``tables`` list)."""
    by_id = {s.id: s for s in table_specs() if s.family == family_id}
    listed = family(family_id).tables
    if set(listed) != set(by_id):
        raise resources.ResourceError(f"family {family_id}: lists {sorted(listed)}, specs name {sorted(by_id)}")
    return tuple(by_id[t] for t in listed)


SKOS = "http://www.w3.org/2004/02/skos/core#"


@cache
def code_names(scheme: str, alternative: bool = False) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each concept of ``ontology/codelists/<scheme>.ttl`` with a notation: (notation, its Chinese prefLabels, and
    with ``alternative`` its altLabels too), in the file's order."""
    from pyoxigraph import Literal, RdfFormat, parse

    labels = {f"{SKOS}prefLabel", f"{SKOS}altLabel"} if alternative else {f"{SKOS}prefLabel"}
    codes: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    path = resources.folder("ontology") / "codelists" / f"{scheme}.ttl"
    for triple in parse(path=str(path), format=RdfFormat.TURTLE):
        obj, subject = triple.object, triple.subject.value
        if not isinstance(obj, Literal):
            continue
        if triple.predicate.value == f"{SKOS}notation":
            codes[subject] = obj.value
        elif triple.predicate.value in labels and obj.language == "zh":
            names.setdefault(subject, []).append(obj.value)
    return tuple((code, tuple(names.get(subject, ()))) for subject, code in codes.items())


@cache
def function_classes() -> dict[str, str]:
    """The 类 (three-digit codes) of the function code list by their name's key: 一般公共服务支出 -> 201; for a
    side that prints names without codes (``coded_by_name``)."""
    return {
        label_key(names[0]): code
        for code, names in code_names("function")
        if len(code) == 3 and code.isdigit() and names
    }
