"""Plain, immutable core values shared by the pipeline (roster side).

Readers (CSV, xlsx, EDEXML) produce a :class:`Roster`; expansion and rendering only read it.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from datetime import date
from typing import NamedTuple

from gesprekken_cli.errors import Problem

WEEKDAYS_NL: tuple[str, ...] = (
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
)


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class Teacher(NamedTuple):
    """A class teacher; ``workdays`` are weekday numbers (0 = maandag), empty = every day."""

    name: str
    workdays: frozenset[int] = frozenset()
    away: frozenset[date] = frozenset()

    def works_on(self, day: date) -> bool:
        if day in self.away:
            return False
        return not self.workdays or day.weekday() in self.workdays


class Klass(NamedTuple):
    """One class (``5A``, ``1/2B``); ``grades`` are the groepen it combines."""

    name: str
    grades: tuple[int, ...]
    teachers: tuple[Teacher, ...] = ()
    new_teacher: bool = False


class Pupil(NamedTuple):
    """One pupil as read from a roster.

    ``pupil_id`` is the school's leerlingnummer or, when the export has none, a stable id
    derived from name and birth date. ``family_id`` is shared by siblings (from a gezin
    column or a shared parent e-mail); ``None`` when no family link is known.
    ``households`` is 2 when the parents live apart and want separate conversations.
    ``traits`` holds roster markers used by conditional rules (e.g.
    ``doorstroomtoets_hoger``), lower case.
    """

    pupil_id: str
    first_name: str
    last_name: str
    grade: int
    class_name: str
    infix: str = ""
    birth_date: date | None = None
    guardian_emails: tuple[str, ...] = ()
    family_id: str | None = None
    start_date: date | None = None
    new_teacher: bool | None = None
    households: int = 1
    traits: frozenset[str] = frozenset()
    row: int = 0

    @property
    def display_name(self) -> str:
        return " ".join(filter(None, (self.first_name, self.infix, self.last_name)))


class Roster(NamedTuple):
    """Every pupil and class of one roster file, in file order, plus the readers' warnings."""

    source: str
    pupils: tuple[Pupil, ...]
    classes: tuple[Klass, ...]
    warnings: tuple[Problem, ...] = ()

    def klass(self, name: str) -> Klass | None:
        for k in self.classes:
            if k.name == name:
                return k
        return None
