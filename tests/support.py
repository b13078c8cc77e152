"""Shared test support: paths of the shipped rules and examples, a CLI runner, golden files."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from gesprekken_cli.model import Klass, Roster
from gesprekken_cli.plan import PlanRequest
from gesprekken_cli.roster import RosterImport, RosterSource, load_roster
from gesprekken_cli.roster.build import roster_from_table
from gesprekken_cli.roster.csvtable import csv_table

ROOT = Path(__file__).resolve().parent.parent
DUIF = ROOT / "rules" / "cycle.yaml"
OKG = ROOT / "examples" / "ouder-kindgesprekken.yaml"
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
YEAR = "2026-2027"
TODAY = date(2026, 9, 1)  # "today" of the tests: inside YEAR


def check_golden(name: str, actual: str) -> None:
    """Compare with ``tests/golden/<name>``; ``GESPREKKEN_REGEN=1`` rewrites it (review!)."""
    path = GOLDEN / name
    if os.environ.get("GESPREKKEN_REGEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (GESPREKKEN_REGEN=1 to update)"


def request(roster: Path, rules: Path = DUIF, year: str = YEAR) -> PlanRequest:
    """The plan request of ``roster`` under ``rules`` in ``year`` (today: :data:`TODAY`)."""
    return PlanRequest(RosterSource(roster), TODAY, rules=rules, school_year=year)


def load(path: Path, **options: Any) -> RosterImport:
    """``load_roster`` of ``path`` with the :class:`RosterSource` options given by name."""
    return load_roster(RosterSource(path, **options))


def read_roster(path: Path, **options: Any) -> Roster:
    """The roster of ``path`` (see :func:`load`)."""
    return load(path, **options).roster


def roster_from_bytes(
    raw: bytes,
    *,
    source: str,
    classes: Sequence[Klass] = (),
    header_map: Mapping[str, str] | None = None,
) -> Roster:
    """The roster of CSV bytes already in memory, as the CSV reader and normaliser make it."""
    table = csv_table(raw, source)
    return roster_from_table(
        table.header,
        table.rows,
        source=source,
        classes=classes,
        header_map=header_map,
        header_row=table.header_row,
    )
