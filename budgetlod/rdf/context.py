"""What the mapping of every table of one disclosure shares (:class:`Context`): used by the specific tables
(:mod:`budgetlod.rdf.cube`) and the generic ones (:mod:`budgetlod.rdf.generic`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from budgetlod.rdf.iris import Minter
from budgetlod.rdf.terms import n


@dataclass(frozen=True)
class Context:
    """What every table of one disclosure shares."""

    minter: Minter
    graph: NamedNode
    disclosure: NamedNode
    unit_name: str
    unit: NamedNode
    year: int
    phase: str  # 预算 | 决算
    places: dict[int, str] = field(default_factory=dict)  # position -> "a.pdf p. 14" (Disclosure.places)
    generic_titles: Counter[str] = field(default_factory=Counter)  # generic table slug -> tables so far

    def place(self, subject: NamedNode, line: int) -> Iterator[Quad]:
        """``bl:sourcePlace`` of a piece whose line alone does not say where it is (a PDF page, a sheet)."""
        where = self.places.get(line)
        if where is not None:
            yield Quad(subject, n("bl:sourcePlace"), Literal(where), self.graph)
