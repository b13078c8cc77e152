"""The values expansion produces: a conversation instance with its window and its tasks."""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from gesprekken_cli.errors import Problem

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAY = timedelta(days=1)

Window = tuple[date, date]


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class PrepTask(NamedTuple):
    """A preparation or follow-up task with its due date (None: no fixed date).

    ``note`` says why the date is not the rule's own (e.g. moved before the summer vacation).
    """

    task: str
    kind: str
    who: str
    due: date | None
    channel: str = ""
    note: str = ""


class Recurrence(NamedTuple):
    """A weekly recurring item: weekday (0 = maandag) and local times."""

    weekday: int
    begin: time
    end: time


class Conversation(NamedTuple):
    """One conversation instance of the plan; the fields of the JSON contract.

    ``pupil_id`` is None for group meetings, recurring items and on-request windows that are
    open for a whole class. ``start``/``end`` are aware datetimes once a slot is assigned.
    Immutable; change a copy with ``_replace``. A NamedTuple rather than a frozen dataclass:
    a whole board's plan holds tens of thousands and copies each once when it gets a slot.
    """

    uid: str
    type_id: str
    type_name: str
    round: int
    status: str
    form: str
    name: str
    class_name: str | None
    grade: int | None
    grades: tuple[int, ...]
    pupil_id: str | None
    family_id: str | None
    teachers: tuple[str, ...]
    participants: tuple[str, ...]
    child_present: bool
    first_day: date
    last_day: date
    duration: int
    day_part: str
    tasks: tuple[PrepTask, ...] = ()
    requested: bool = True
    household: int = 0
    location: str = ""
    recurrence: Recurrence | None = None
    start: datetime | None = None
    end: datetime | None = None
    note: str = ""
    sequence: int = 0
    skipped: bool = False

    @property
    def is_individual(self) -> bool:
        """A conversation of one pupil that gets a slot (a skipped pupil's item gets none)."""
        return self.form == "individueel" and self.pupil_id is not None and not self.skipped


@dataclass
class Expansion:
    """The conversations of a plan, in plan order, plus what the expansion noticed."""

    conversations: list[Conversation] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


FIELDS = Conversation._fields
PUPIL_FIELDS = slice(FIELDS.index("name"), FIELDS.index("teachers") + 1)
HOUSEHOLD = FIELDS.index("household")
new_conversation = tuple.__new__


def group_label(class_name: str, capital: bool = False) -> str:
    """A class as a school writes it to parents: ``groep 4/5B`` (a name that already says
    "groep" stays as it is); ``capital``: ``Groep 4/5B``."""
    if class_name.lower().startswith("groep"):
        return class_name
    return f"{'G' if capital else 'g'}roep {class_name}"


def plan_order(c: Conversation) -> tuple[date, date, str, int, str, str, str]:
    """The order of the expanded plan: window, type, round, class, name, uid."""
    return (c.first_day, c.last_day, c.type_id, c.round, c.class_name or "", c.name, c.uid)
