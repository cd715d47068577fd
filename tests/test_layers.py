"""The one-way rule of docs/architecture.md, checked on the source: each part of ``budgetlod/`` imports only the parts
below it (the table here is the one in docs/architecture.md), and no two modules import each other, directly or
through others. Every import counts: at the top, inside a function, under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "budgetlod"

FOUNDATION = {
    "budgetlod",
    "settings",
    "errors",
    "prefixes",
    "resources",
    "model",
    "findings",
    "formats",
    "text",
    "limits",
    "serialize",
}
# a part -> the parts it may import besides the foundation (a foundation module may import the foundation)
ALLOWED: dict[str, set[str]] = {
    "specs": set(),
    "read": set(),
    "parse": {"specs", "read"},
    "rdf": {"specs"},
    "validate": {"rdf"},
    "pipeline": {"read", "parse", "rdf", "validate"},
    "boundary": {"read", "parse", "rdf", "pipeline"},
    "store": set(),
    "query": {"store"},
    "present": {"store", "query", "rdf", "specs"},
    "ingest": {"pipeline", "rdf", "validate", "store"},
    "publish": {"present", "store", "query", "rdf"},
    "notebook": {"query", "store"},
    "serve": {"present", "publish", "query", "store", "rdf"},
    "testing": {"read", "parse", "rdf", "validate", "pipeline"},
    "reference": set(),
    "cli": {"*"},
    "__main__": {"cli"},
}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The budgetlod modules a file imports (``from budgetlod.x import y``: module x.y when it is one, else x)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if not name.startswith("budgetlod"):
                continue
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
            found.add(name)
    return found


def part(module: str) -> str:
    """``budgetlod.serve.pages`` -> ``serve``; ``budgetlod.cli`` -> ``cli``; ``budgetlod`` -> ``budgetlod``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "budgetlod"


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def test_every_part_is_in_the_table() -> None:
    parts = {part(m) for m in modules()}
    assert parts <= FOUNDATION | set(ALLOWED), sorted(parts - FOUNDATION - set(ALLOWED))


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(edges.items()):
        source = part(module)
        allowed = FOUNDATION if source in FOUNDATION else FOUNDATION | ALLOWED[source]
        if "*" in allowed:
            continue
        for target in sorted(targets):
            if part(target) != source and part(target) not in allowed:
                wrong.append(f"{module} imports {target}")
    return wrong


def test_no_part_imports_upward() -> None:
    assert upward_imports(graph()) == []


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_modules() -> None:
    assert cycles(graph()) == []


def test_no_import_cycle_between_parts() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph().items():
        edges[part(module)] |= {part(t) for t in targets if part(t) != part(module)}
    assert cycles(dict(edges)) == []


@pytest.mark.parametrize(
    ("edges", "upward", "circles"),
    [
        # the checker itself: a store module importing the parser is upward; two modules importing each other a circle
        (
            {"budgetlod.store.x": {"budgetlod.parse.y"}, "budgetlod.parse.y": set()},
            ["budgetlod.store.x imports budgetlod.parse.y"],
            [],
        ),
        (
            {"budgetlod.serve.a": {"budgetlod.serve.b"}, "budgetlod.serve.b": {"budgetlod.serve.a"}},
            [],
            [["budgetlod.serve.a", "budgetlod.serve.b"]],
        ),
        ({"budgetlod.serve.a": {"budgetlod.store.b", "budgetlod.settings"}, "budgetlod.store.b": set()}, [], []),
    ],
)
def test_the_checker_finds_what_it_should(
    edges: dict[str, set[str]], upward: list[str], circles: list[list[str]]
) -> None:
    assert upward_imports(edges) == upward
    assert cycles(edges) == circles


def test_architecture_page_states_the_same_table() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)/?` \| ([^|]*) \|", page, flags=re.MULTILINE))
    for name, allowed in ALLOWED.items():
        if "*" in allowed or name == "__main__":
            continue
        stated = {word.strip("` /") for word in rows[name].split(",") if word.strip("` /") not in ("", "—")}
        assert stated == allowed, (name, stated, allowed)


def imported_test_modules(path: Path, test_modules: set[str]) -> set[str]:
    """The ``tests/test_*.py`` modules a file imports (``test_x``, ``tests.test_x``, ``.test_x``, ``from tests import
    test_x``), at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base, *(f"{base}.{alias.name}" if base else alias.name for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "tests":
                pieces = pieces[1:]
            if pieces and pieces[0] in test_modules:
                found.add(pieces[0])
    return found


def test_no_test_module_imports_another() -> None:
    """What test modules share lives in helper modules named by what it is (``tests/paths.py``,
    ``tests/expected.py``, ...) or in ``tests/conftest.py``, never in a ``tests/test_*.py`` module (issue 15)."""
    files = sorted((ROOT / "tests").glob("test_*.py"))
    names = {path.stem for path in files}
    wrong = [
        f"{path.name} imports {other}"
        for path in files
        for other in sorted(imported_test_modules(path, names) - {path.stem})
    ]
    assert wrong == []
