"""Every problem code the program can give is explained in the docs (docs/regels.md for the
rules file, docs/meldingen.md for the rest), so a user can look up any ``[code]`` it prints.

Codes are found in the source, not imported: every string given as ``code=`` (or in the
``code`` position of ``Problem`` or of a function with a ``code`` parameter), through a
module constant where the code names one, and the reasons of ``schedule.reasons.Reason``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gesprekken_cli"
DOCS = ("docs/regels.md", "docs/meldingen.md")
PROBLEM_FIELDS = ("file", "message", "line", "column", "key", "code", "severity")


def _strings(node: ast.AST | None, constants: dict[str, str]) -> list[str]:
    """The string values ``node`` can have: a literal, a module constant, either branch."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, constants) + _strings(node.orelse, constants)
    return []


Positions = dict[str, list[tuple[int, int]]]  # function name → (line defined, code's index)


def _code_positions(tree: ast.Module) -> Positions:
    """Functions of one module with a ``code`` parameter (``self`` not counted)."""
    positions: Positions = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [a.arg for a in node.args.posonlyargs + node.args.args]
            if names and names[0] in ("self", "cls"):
                names = names[1:]
            if "code" in names:
                positions.setdefault(node.name, []).append((node.lineno, names.index("code")))
    return positions


def _positions(name: str, line: int, local: Positions, imported: Positions) -> tuple[int, ...]:
    """Where the code is in a call of ``name`` at ``line``: the nearest definition above it
    in the same module (nested helpers such as ``bad``), else every definition elsewhere (a
    callable kept in an attribute, such as ``self.warn``, is found by its name only)."""
    if name == "Problem":
        return (PROBLEM_FIELDS.index("code"),)
    above = [index for at, index in sorted(local.get(name, [])) if at < line]
    if above:
        return (above[-1],)
    return tuple(sorted({index for _, index in imported.get(name, [])}))


SHAPE = re.compile(r"^(?:(?:roster|classes|families|edexml|xlsx|wishes)\.)?[a-z]+(?:-[a-z]+)*$")


def codes_in_source() -> dict[str, str]:
    """Every code → the first place it is given (``module.py:line``)."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}
    local = {path: _code_positions(tree) for path, tree in trees.items()}
    everywhere: Positions = {}
    for positions in local.values():
        for name, found in positions.items():
            everywhere.setdefault(name, []).extend(found)
    found: dict[str, str] = {}
    for path, tree in trees.items():
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        where = path.relative_to(PACKAGE)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Reason":
                for item in node.body:
                    if isinstance(item, ast.Assign):
                        for code in _strings(item.value, constants):
                            found.setdefault(code, f"{where}:{item.lineno}")
            if not isinstance(node, ast.Call):
                continue
            given = [k.value for k in node.keywords if k.arg == "code"]
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            for code in (c for value in given for c in _strings(value, constants)):
                found.setdefault(code, f"{where}:{node.lineno}")
            at = _positions(name, node.lineno, local[path], everywhere)
            for index in (i for i in at if i < len(node.args)):
                for code in _strings(node.args[index], constants):
                    # one definition: whatever it gets; several: only what looks like a code
                    if len(at) == 1 or SHAPE.match(code):
                        found.setdefault(code, f"{where}:{node.lineno}")
    return found


def documented() -> str:
    return "\n".join((ROOT / doc).read_text(encoding="utf-8") for doc in DOCS)


CODES = codes_in_source()


def test_the_collector_finds_codes_of_each_kind() -> None:
    """Keyword, positional through a helper, a module constant, a Reason, an attribute."""
    known = ("roster.binary", "xlsx.no-sheet", "gezin-gedeeld-adres", "vol", "studiedag-hele-maand")
    for code in known:
        assert code in CODES, code


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_explained_in_the_docs(code: str) -> None:
    assert re.search(rf"`{re.escape(code)}`", documented()), (
        f"{code} ({CODES[code]}) staat niet in {' of '.join(DOCS)}"
    )


def test_codes_are_kebab_case_with_at_most_an_input_prefix() -> None:
    """Two styles, both documented: ``input.fault`` for a fault in a roster-side file and
    ``fault`` for the rest; never renamed (they are in the JSON output)."""
    assert [code for code in CODES if not SHAPE.match(code)] == []
