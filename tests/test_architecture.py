"""The house layout (issue 14): no module over 500 lines, no import cycle inside gesprekken_cli,
no ``_private`` name taken from another module. Read from the source, nothing is imported."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gesprekken_cli"
ROOT = "gesprekken_cli"
MAX_LINES = 500

# Modules still over the limit, each with the issue that splits it. This list only shrinks:
# a module that got split must leave it (the test says so), a new one may never join.
PENDING_SPLIT: dict[str, str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except what sits under ``if TYPE_CHECKING:`` (never run, so never a cycle)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in [child, *_statements(child)])
            continue
        yield node
        yield from _statements(node)


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(known: dict[str, Path]) -> dict[str, list[tuple[str, str]]]:
    """Module → (imported gesprekken_cli module, name taken from it or ``""``), run-time only.

    ``from pkg import sub`` counts as importing the module ``pkg.sub`` when it is one.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        taken: list[tuple[str, str]] = []
        for node in _statements(tree):
            if isinstance(node, ast.Import):
                taken += [(a.name, "") for a in node.names if a.name.split(".")[0] == ROOT]
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(module, node, path.name == "__init__.py")
                if source.split(".")[0] != ROOT:
                    continue
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    taken.append((sub, "") if sub in known else (source, alias.name))
        found[module] = taken
    return found


def module_aliases(tree: ast.AST, known: dict[str, Path]) -> dict[str, str]:
    """Local names bound to a gesprekken_cli module (``from gesprekken_cli.rules import model``)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in known and a.asname:
                    aliases[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module in known:
            for a in node.names:
                if f"{node.module}.{a.name}" in known:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def test_no_module_over_500_lines_except_the_pending_ones() -> None:
    known = modules()
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in known.items()}
    over = {m: n for m, n in sizes.items() if n > MAX_LINES}
    assert set(over) <= set(PENDING_SPLIT), f"over {MAX_LINES} lines: {over}"
    done = sorted(m for m in PENDING_SPLIT if sizes.get(m, 0) <= MAX_LINES)
    assert not done, f"split now: remove from PENDING_SPLIT: {done}"


def test_no_private_name_imported_from_another_module() -> None:
    known = modules()
    private = [
        f"{module} takes {source}.{name}"
        for module, taken in imports(known).items()
        for source, name in taken
        if name.startswith("_") and not name.startswith("__") and source != module
    ]
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = module_aliases(tree, known)
        private += [
            f"{module} uses {aliases[node.value.id]}.{node.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ]
    assert private == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph`` (one path each, Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(graph.get(node, ())):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_inside_gesprekken_cli() -> None:
    known = modules()
    graph = {
        module: {source for source, _ in taken if source in known and source != module}
        for module, taken in imports(known).items()
    }
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert cycles(graph) == expected


def test_the_import_reader_sees_lazy_private_and_relative_imports(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from gesprekken_cli.b import B\n"
        "def f():\n    from gesprekken_cli.b import _hidden\n    from . import c\n"
    )
    (tmp_path / "a.py").write_text(source, encoding="utf-8")
    (tmp_path / "c.py").write_text("", encoding="utf-8")
    known = {"gesprekken_cli.a": tmp_path / "a.py", "gesprekken_cli.c": tmp_path / "c.py"}
    assert imports(known)["gesprekken_cli.a"] == [
        ("gesprekken_cli.b", "_hidden"),
        ("gesprekken_cli.c", ""),
    ]


# Core modules that still import a renderer, each with its issue; this list only shrinks.
RENDER_IN_CORE: dict[str, str] = {
    "gesprekken_cli.sending": "issue 16 (deliver, work in progress): the send log and messages",
}


def test_the_core_imports_neither_the_cli_nor_the_renderers() -> None:
    known = modules()
    outer = ("gesprekken_cli.cli", "gesprekken_cli.console", "gesprekken_cli.__main__")
    cli = [
        f"{module} imports {source}"
        for module, taken in imports(known).items()
        for source, _ in taken
        if not module.startswith(outer) and source.startswith("gesprekken_cli.cli")
    ]
    assert cli == []
    render = {
        module
        for module, taken in imports(known).items()
        for source, _ in taken
        if not module.startswith((*outer, "gesprekken_cli.render"))
        and source.startswith("gesprekken_cli.render")
    }
    assert render <= set(RENDER_IN_CORE), sorted(render - set(RENDER_IN_CORE))
    assert set(RENDER_IN_CORE) <= render, "fixed: remove from RENDER_IN_CORE"


def test_the_roster_package_has_one_entry_for_the_stages_above() -> None:
    from gesprekken_cli import roster

    assert roster.__all__ == ["KIND_NAMES", "RosterImport", "RosterSource", "load_roster"]


CLOCK_READS = {"now", "today", "utcnow", "time", "localtime", "gmtime"}
CLOCKS = {"datetime", "date", "time"}


def test_only_the_cli_reads_the_clock() -> None:
    """ "Today" and "now" come from the CLI (issue 14.5): the core takes them as parameters,
    so a test pins them. A default such as ``clock=lambda: datetime.now(UTC)`` counts too."""
    found = []
    for module, path in modules().items():
        if module.startswith(f"{ROOT}.cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_READS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in CLOCKS
            ):
                found.append(f"{module}:{node.lineno}: {node.func.value.id}.{node.func.attr}()")
    assert not found, found
