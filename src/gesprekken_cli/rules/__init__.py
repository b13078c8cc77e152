"""The rules stage: a rules file (YAML) → a validated, frozen :class:`~.model.Cycle`.

Entry: :func:`load_rules`. Inside: :mod:`.yaml` (safe YAML that keeps every node's position),
:mod:`.values` (the field types a teacher writes: months, grades, times), :mod:`.model` (the
pydantic models), :mod:`.validate` (schema faults, cross-checks and warnings as ``Problem``s)
and :mod:`.cache` (a rules file validated before, byte for byte, is not validated again).
This module imports nothing heavy: the commands that never read rules do not pay for pydantic.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from gesprekken_cli.errors import Problem, read_bytes

if TYPE_CHECKING:
    from gesprekken_cli.rules.model import Cycle

DEFAULT_RULES = Path("rules/cycle.yaml")
PACKAGED_RULES = "cycle.yaml"
PACKAGED_NAME = "(meegeleverd) cycle.yaml"


def load_rules(path: Path | None) -> tuple[str, Cycle]:
    """The rules file to use (its name for messages) and its cycle; see :func:`read_rules`
    (which also gives the rules file's warnings)."""
    name, cycle, _ = read_rules(path)
    return name, cycle


def read_rules(path: Path | None) -> tuple[str, Cycle, tuple[Problem, ...]]:
    """The rules file to use (its name for messages), its cycle and the warnings ``validate``
    gives for it (each a ``Problem(severity="warning")`` with its position).

    Without ``path``: ``rules/cycle.yaml`` in the current folder when it exists, else the
    cycle shipped inside the package (so ``gesprekken plan`` works from any folder). A rules
    file validated before, byte for byte, comes from the cache (:mod:`.cache`), warnings and
    all. Raises ``RulesError`` with every fault, or an I/O error (exit 2) when the file cannot
    be read.
    """
    from gesprekken_cli.rules import cache

    if path is None and DEFAULT_RULES.is_file():
        path = DEFAULT_RULES
    if path is None:
        name = source = PACKAGED_NAME
        raw = resources.files("gesprekken_cli.data").joinpath(PACKAGED_RULES).read_bytes()
    else:
        name, source = str(path), os.path.abspath(path)
        raw = read_bytes(path)
    found = cache.load(source, raw, name)
    if found is not None:
        cycle, warnings = found
        return name, cycle, warnings
    from gesprekken_cli.rules import validate

    report = validate.check_rules(raw, name)
    cycle = report.valid_cycle()
    warnings = tuple(report.warnings)
    cache.store(source, raw, cycle, warnings)
    return name, cycle, warnings
