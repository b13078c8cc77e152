"""The roster package keeps the house layout: small modules, no private name imported
from another module, no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import gesprekken_cli.roster

PACKAGE = Path(gesprekken_cli.roster.__file__).parent


def imports() -> dict[str, list[tuple[str, list[str]]]]:
    """Module name → the gesprekken_cli modules it imports and the names it takes."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[path.stem] = [
            (node.module, [a.name for a in node.names])
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gesprekken_cli")
        ]
    return found


def test_no_roster_module_over_500_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 500, sizes


def test_no_private_name_imported_across_modules() -> None:
    private = [
        (module, source, name)
        for module, taken in imports().items()
        for source, names in taken
        for name in names
        if name.startswith("_")
    ]
    assert private == []


def test_no_import_cycle_inside_the_package() -> None:
    prefix = "gesprekken_cli.roster."
    graph = {
        module: {source.removeprefix(prefix) for source, _ in taken if source.startswith(prefix)}
        for module, taken in imports().items()
    }
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for after in sorted(graph.get(module, ())):
            visit(after, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_one_entry_for_the_stages_above() -> None:
    from gesprekken_cli import roster

    assert roster.__all__ == ["KIND_NAMES", "RosterImport", "RosterSource", "load_roster"]
