"""The day's conversations of each teacher in time order: the list for the classroom door.

Core and pure: ``day_sheets(plan, day)`` → one :class:`DaySheet` per teacher with a timed
conversation that day; ``render/day_sheet_html`` prints them (A4, one page per teacher).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.plan import Plan
from gesprekken_cli.recipients import plan_order


@dataclass(frozen=True, slots=True)
class DaySheet:
    """One teacher's conversations on one day, in time order."""

    teacher: str
    day: date
    items: tuple[Conversation, ...]


def on_day(c: Conversation, day: date) -> bool:
    return c.start is not None and c.start.astimezone(AMSTERDAM).date() == day


def day_sheets(plan: Plan, day: date) -> list[DaySheet]:
    """A sheet per teacher (by name) with at least one timed conversation on ``day``."""
    held: dict[str, list[Conversation]] = {}
    for c in plan.conversations:
        if on_day(c, day) and c.recurrence is None:
            for teacher in c.teachers:
                held.setdefault(teacher, []).append(c)
    return [
        DaySheet(teacher, day, tuple(sorted(items, key=plan_order)))
        for teacher, items in sorted(held.items())
    ]
