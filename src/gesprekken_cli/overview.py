"""The year at a glance: which conversation falls in which month for which groep.

Pure: the cycle and the school calendar (and, with a roster, the :class:`~plan.Plan`) become
an :class:`Overview`, a grid of groep 1-8 by month (augustus … juli) plus the columns
"rond de startdatum", "wekelijks" and "altijd". Windows come from ``expand.windows`` and child
presence from ``expand.child_presence``, so the overview can never disagree with the plan.
The renderers in ``render/overview_*`` only lay the grid out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from gesprekken_cli.calendar import SchoolCalendar, SchoolYear
from gesprekken_cli.errors import Problem
from gesprekken_cli.expand import Conversation, child_presence, windows
from gesprekken_cli.rules.model import ConversationType, Cycle, When
from gesprekken_cli.rules.values import MONTHS_NL

if TYPE_CHECKING:
    from pathlib import Path

    from gesprekken_cli.plan import Plan

MONTHS: tuple[int, ...] = (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)
START, WEEKLY, ALWAYS = "startdatum", "wekelijks", "altijd"
COLUMNS: tuple[str, ...] = (*(MONTHS_NL[m - 1] for m in MONTHS), START, WEEKLY, ALWAYS)
COLUMN_LABELS: Mapping[str, str] = {
    **{name: name for name in MONTHS_NL},
    START: "rond de startdatum",
    WEEKLY: "wekelijks",
    ALWAYS: "altijd",
}
GRADES: tuple[int, ...] = tuple(range(1, 9))

# Markers shared by the terminal and the HTML page: never colour alone.
STATUS_MARK: Mapping[str, str] = {"verplicht": "●", "facultatief": "○", "op_verzoek": "◇"}
STATUS_NL: Mapping[str, str] = {
    "verplicht": "verplicht",
    "facultatief": "facultatief",
    "op_verzoek": "op verzoek",
}
CHILD_MARK = "+k"

_REDUNDANT = re.compile(
    r"\s*\((?:met kind|alleen ouders|nieuwe leerkracht)\)$"
    r"|\s+groep\s+\d[\d/,\s]*(?:(?:t/m|en)\s*\d[\d/,\s]*)*$",
    re.IGNORECASE,
)


# Roster markers a conditional type can name, in words for the overview.
CONDITIONS_NL = {
    "doorstroomtoets_hoger": "de uitslag van de doorstroomtoets hoger is dan het advies"
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One conversation type in one cell: what a parent needs to read at a glance.

    ``count`` is None in a view of the cycle and for items that are not counted (the weekly
    inloop, open days for future parents); with a roster it is the number of conversations
    (individual ones, or meetings for ``form == "groep"``).
    """

    type_id: str
    name: str
    status: str
    form: str
    child: bool
    audience: str = "alle"
    condition: str = ""
    count: int | None = None

    @property
    def label(self) -> str:
        """The name without what the row and the markers already say ("groep 8", "(met kind)")."""
        short = _REDUNDANT.sub("", self.name).strip()
        return short or self.name

    @property
    def qualifier(self) -> str:
        """Who it is for when not every pupil of the groep: Dutch, short, '' for everyone."""
        if self.form == "groep":
            return "bijeenkomst"
        if self.audience == "nieuwe_leerkracht":
            return "bij een nieuwe leerkracht"
        if self.audience == "nieuwe_leerlingen":
            return "nieuwe leerlingen"
        if self.audience == "aanmelders":
            return "belangstellende ouders"
        if self.audience == "voorwaarde":
            words = CONDITIONS_NL.get(self.condition, self.condition.replace("_", " "))
            return "alleen als " + words
        return ""


@dataclass(frozen=True, slots=True)
class Week:
    """An ISO week of the school year; ``monday`` for the date shown beside the number."""

    year: int
    number: int
    monday: date

    @property
    def label(self) -> str:
        return f"wk {self.number}"


@dataclass(frozen=True)
class TeacherLoad:
    """Conversations per ISO week per teacher, for spotting busy weeks before they happen.

    A conversation with a slot counts 1 in its week; one without a slot yet is spread over the
    school days of its window (so the numbers are expected values, ``exact`` is False).
    Conversations "altijd" (on request all year) have no week and are only counted in
    ``undated``. Every teacher of a class is counted (duo teachers both see the load).
    """

    teachers: tuple[str, ...]
    weeks: tuple[Week, ...]
    counts: Mapping[tuple[str, Week], float]
    exact: bool
    undated: int = 0

    def count(self, teacher: str, week: Week) -> float:
        return self.counts.get((teacher, week), 0.0)

    def total(self, week: Week) -> float:
        return sum(self.count(t, week) for t in self.teachers)

    def busiest(self, n: int = 3) -> list[tuple[Week, float]]:
        """The ``n`` weeks with the most conversations over all teachers, busiest first."""
        ranked = sorted(self.weeks, key=lambda w: (-self.total(w), w.monday))
        return [(w, self.total(w)) for w in ranked[:n] if self.total(w) > 0]


@dataclass(frozen=True)
class Overview:
    """The grid: ``cells[(grade, column)]`` → entries in cycle order; columns as in COLUMNS."""

    school: str
    year_label: str
    rules_file: str
    cells: Mapping[tuple[int, str], tuple[Entry, ...]]
    grades: tuple[int, ...] = GRADES
    roster: str = ""
    notes: tuple[Problem, ...] = ()
    load: TeacherLoad | None = None
    types: tuple[Entry, ...] = field(default=())

    @property
    def counted(self) -> bool:
        return bool(self.roster)

    def cell(self, grade: int, column: str) -> tuple[Entry, ...]:
        return self.cells.get((grade, column), ())

    def columns(self) -> tuple[str, ...]:
        """The columns that hold anything, in calendar order (empty months are left out)."""
        used = {column for (_, column), entries in self.cells.items() if entries}
        return tuple(c for c in COLUMNS if c in used)

    def total(self, column: str) -> int:
        """Individual conversations in ``column`` over all groups (meetings not included)."""
        return sum(
            e.count or 0
            for grade in self.grades
            for e in self.cell(grade, column)
            if e.form == "individueel"
        )


def _months(first: date, last: date) -> list[str]:
    out: list[str] = []
    day = first.replace(day=1)
    while day <= last:
        out.append(MONTHS_NL[day.month - 1])
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _column_kind(when: When) -> str | None:
    if when.altijd:
        return ALWAYS
    if when.wekelijks is not None:
        return WEEKLY
    if when.weken_voor_start is not None:
        return START
    return None


def _entry(kind: ConversationType, child: bool, status: str | None = None) -> Entry:
    return Entry(
        type_id=kind.id,
        name=kind.naam,
        status=status or kind.status,
        form=kind.vorm,
        child=child,
        audience=kind.doelgroep,
        condition=kind.voorwaarde or "",
    )


class _Grid:
    """Collects entries per cell, merging one type's rounds and adding up counts."""

    def __init__(self, order: Mapping[str, int]) -> None:
        self.order = order
        self.cells: dict[tuple[int, str], dict[tuple[str, bool], Entry]] = defaultdict(dict)

    def add(self, grade: int, column: str, entry: Entry) -> None:
        cell = self.cells[(grade, column)]
        key = (entry.type_id, entry.child)
        old = cell.get(key)
        if old is not None and entry.count is not None:
            entry = replace(old, count=(old.count or 0) + entry.count)
        elif old is not None:
            return
        cell[key] = entry

    def frozen(self) -> dict[tuple[int, str], tuple[Entry, ...]]:
        return {
            key: tuple(sorted(cell.values(), key=lambda e: (self.order[e.type_id], not e.child)))
            for key, cell in sorted(self.cells.items())
        }


def cycle_overview(cycle: Cycle, cal: SchoolCalendar, *, rules_file: str = "") -> Overview:
    """The cycle itself as a grid, without a roster: what the school guide shows parents."""
    window = windows(cycle, cal)
    present = child_presence(cycle, cal)
    order = {kind.id: index for index, kind in enumerate(cycle.gesprekken)}
    grid = _Grid(order)
    notes: list[Problem] = []
    for kind in cycle.gesprekken:
        per_grade = kind.vorm == "individueel" and kind.doelgroep != "aanmelders"
        for index, when in enumerate(kind.wanneer):
            fixed = _column_kind(when)
            for grade in kind.groepen:
                if fixed == WEEKLY:
                    child = kind.kind_aanwezig is not False and "kind" in kind.deelnemers
                    grid.add(grade, WEEKLY, _entry(kind, child))
                    continue
                if fixed == START:
                    grid.add(grade, START, _entry(kind, present(kind, grade, cal.first_day)))
                    continue
                found = window(kind, index, grade)
                if found is None:
                    text = f"{kind.naam}: geen periode in schooljaar {cal.year.label}"
                    note = Problem(rules_file, text, code="geen-venster", severity="warning")
                    if note not in notes:
                        notes.append(note)
                    continue
                child = present(kind, grade if per_grade else None, found[0])
                columns = [ALWAYS] if fixed == ALWAYS else _months(*found)
                for column in columns:
                    grid.add(grade, column, _entry(kind, child))
    return Overview(
        school=cycle.school.naam,
        year_label=cal.year.label,
        rules_file=rules_file,
        cells=grid.frozen(),
        notes=tuple(notes),
        types=tuple(_entry(kind, False) for kind in cycle.gesprekken),
    )


def rules_overview(rules: Path | None, year: SchoolYear) -> Overview:
    """The overview of a rules file alone (``overzicht`` without ``--rooster``)."""
    from dataclasses import replace

    from gesprekken_cli.calendar import build_calendar
    from gesprekken_cli.expand import calendar_settings
    from gesprekken_cli.rules import read_rules

    rules_file, cycle, warnings = read_rules(rules)
    calendar = build_calendar(year, calendar_settings(cycle, year, rules_file))
    view = cycle_overview(cycle, calendar, rules_file=rules_file)
    return replace(view, notes=warnings + view.notes) if warnings else view


def _plan_column(kind: ConversationType, c: Conversation) -> str:
    fixed = _column_kind(kind.wanneer[c.round - 1])
    if fixed in (ALWAYS, WEEKLY):
        return fixed
    day = c.start.date() if c.start is not None else c.first_day
    return MONTHS_NL[day.month - 1]


def plan_overview(plan: Plan) -> Overview:
    """The grid filled with counts from ``plan``: conversations per month per groep.

    Individual conversations count by the month of their slot, or of their window's first day
    while they have none; group meetings count as one meeting for every groep they are for.
    """
    types = {kind.id: kind for kind in plan.cycle.gesprekken}
    order = {kind.id: index for index, kind in enumerate(plan.cycle.gesprekken)}
    grid = _Grid(order)
    for c in plan.conversations:
        kind = types.get(c.type_id)
        if kind is None:
            continue
        column = _plan_column(kind, c)
        entry = _entry(kind, c.child_present, c.status)
        if c.pupil_id is not None and c.grade is not None:
            grid.add(c.grade, column, replace(entry, count=1))
            continue
        if c.form == "terugkerend" or kind.doelgroep == "aanmelders":
            count = None
        elif c.form == "groep":
            count = 1
        else:
            count = 0  # an open on-request window: shown, counted by its requests
        for grade in c.grades:
            grid.add(grade, column, replace(entry, count=count))
    cells = grid.frozen()
    grades = tuple(sorted({grade for grade, _ in cells}))
    return Overview(
        school=plan.cycle.school.naam,
        year_label=plan.year.label,
        rules_file=plan.rules_file,
        cells=cells,
        grades=grades,
        roster=plan.roster.source,
        notes=plan.warnings,
        load=teacher_load(plan.conversations, plan.calendar, plan.cycle),
        types=tuple(_entry(kind, False) for kind in plan.cycle.gesprekken),
    )


def _week_of(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _weeks(first: date, last: date) -> Iterator[Week]:
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        year, number = _week_of(monday)
        yield Week(year, number, monday)
        monday += timedelta(days=7)


def teacher_load(
    conversations: Iterable[Conversation], cal: SchoolCalendar, cycle: Cycle
) -> TeacherLoad:
    """Individual conversations per teacher per ISO week (see :class:`TeacherLoad`)."""
    always = {
        (kind.id, index + 1)
        for kind in cycle.gesprekken
        for index, when in enumerate(kind.wanneer)
        if when.altijd
    }
    weeks = {(w.year, w.number): w for w in _weeks(cal.first_day, cal.last_day)}
    counts: dict[tuple[str, Week], float] = defaultdict(float)
    teachers: list[str] = []
    exact, undated = True, 0
    for c in conversations:
        if c.pupil_id is None or not c.teachers:
            continue
        for name in c.teachers:
            if name not in teachers:
                teachers.append(name)
        if c.start is not None:
            shares = {_week_of(c.start.date()): 1.0}
        elif (c.type_id, c.round) in always:
            undated += 1
            continue
        else:
            exact = False
            days = cal.school_days(c.first_day, c.last_day) or [c.first_day]
            shares = defaultdict(float)
            for day in days:
                shares[_week_of(day)] += 1 / len(days)
        for key, share in shares.items():
            week = weeks.get(key)
            if week is None:
                continue
            for name in c.teachers:
                counts[(name, week)] += share
    used = sorted({week for (_, week) in counts}, key=lambda w: w.monday)
    return TeacherLoad(
        teachers=tuple(sorted(teachers, key=str.casefold)),
        weeks=tuple(used),
        counts=dict(counts),
        exact=exact,
        undated=undated,
    )


def legend() -> list[tuple[str, str]]:
    """(marker, meaning) pairs, in the order both renderers show them."""
    return [
        (STATUS_MARK["verplicht"], "verplicht"),
        (STATUS_MARK["facultatief"], "facultatief"),
        (STATUS_MARK["op_verzoek"], "op verzoek (van ouders en/of leerkracht)"),
        (CHILD_MARK, "het kind is bij het gesprek"),
    ]


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, column)
