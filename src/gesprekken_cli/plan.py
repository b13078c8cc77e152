"""The one pipeline every command shares: rules + roster + school year → :class:`Plan`.

``plan``, ``ics``, ``checklist`` and ``overzicht --rooster`` all render a Plan built here, so
they can never disagree about which conversations exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from gesprekken_cli.calendar import (
    SchoolCalendar,
    SchoolYear,
    build_calendar,
    current_school_year,
    parse_school_year,
)
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.expand import Conversation, calendar_settings, expand
from gesprekken_cli.model import Roster
from gesprekken_cli.rules import Cycle
from gesprekken_cli.validate import check_rules, read_bytes

DEFAULT_RULES = Path("rules/cycle.yaml")
PACKAGED_RULES = "cycle.yaml"


@dataclass(frozen=True)
class Unplaced:
    """A conversation the scheduler could not give a slot, with the reason in Dutch."""

    uid: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """A dated plan: every conversation of one roster under one cycle in one school year."""

    rules_file: str
    cycle: Cycle
    roster: Roster
    calendar: SchoolCalendar
    conversations: tuple[Conversation, ...]
    warnings: tuple[str, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    quality: Mapping[str, Any] = field(default_factory=dict)

    @property
    def year(self) -> SchoolYear:
        return self.calendar.year


def load_rules(path: Path | None) -> tuple[str, Cycle]:
    """The rules file to use and its cycle.

    Without ``path``: ``rules/cycle.yaml`` in the current folder when it exists, else the
    cycle shipped inside the package (so ``gesprekken plan`` works from any folder).
    """
    if path is None and DEFAULT_RULES.is_file():
        path = DEFAULT_RULES
    if path is None:
        name = "(meegeleverd) cycle.yaml"
        raw = resources.files("gesprekken_cli.data").joinpath(PACKAGED_RULES).read_bytes()
    else:
        name = str(path)
        raw = read_bytes(path)
    report = check_rules(raw, name)
    if report.cycle is None:
        io_fault = any(p.code == "io" for p in report.errors)
        raise GesprekkenError(report.errors, exit_code=2 if io_fault else 1)
    return name, report.cycle


def read_roster_file(
    path: Path,
    *,
    classes_file: Path | None = None,
    header_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> Roster:
    """Read a roster in whatever form the school has it (CSV today)."""
    from gesprekken_cli.roster import read_roster

    _ = sheet
    return read_roster(path, classes_file=classes_file, header_map=header_map)


def school_year_of(text: str | None, today: date | None = None) -> SchoolYear:
    if text:
        return parse_school_year(text)
    return current_school_year(today or date.today())


def build_plan(
    cycle: Cycle,
    roster: Roster,
    year: SchoolYear,
    *,
    rules_file: str = "",
) -> Plan:
    """Expand ``cycle`` for ``roster`` in ``year`` (windows only, no slots)."""
    calendar = build_calendar(year, calendar_settings(cycle, year, rules_file))
    expansion = expand(cycle, roster, calendar)
    return Plan(
        rules_file=rules_file,
        cycle=cycle,
        roster=roster,
        calendar=calendar,
        conversations=tuple(expansion.conversations),
        warnings=tuple(roster.warnings) + tuple(expansion.warnings),
    )


def make_plan(
    roster_path: Path,
    *,
    rules_path: Path | None = None,
    school_year: str | None = None,
    classes_file: Path | None = None,
    header_map: Mapping[str, str] | None = None,
    sheet: str | None = None,
    today: date | None = None,
) -> Plan:
    """Read rules and roster from disk and build the plan: the CLI's one entry point."""
    rules_file, cycle = load_rules(rules_path)
    mapping = {**cycle.kolommen, **(header_map or {})}
    roster = read_roster_file(
        roster_path, classes_file=classes_file, header_map=mapping or None, sheet=sheet
    )
    return build_plan(cycle, roster, school_year_of(school_year, today), rules_file=rules_file)
