"""Due dates of a type's preparation and follow-up tasks, on school days."""

from __future__ import annotations

from datetime import date, timedelta

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand.conversation import DAY, PrepTask
from gesprekken_cli.rules import ConversationType, Cycle, Task


class DueDates:
    """The tasks of a round with their due dates, computed once per type and window."""

    def __init__(self, cycle: Cycle, cal: SchoolCalendar) -> None:
        self.cal = cal
        weekly = {w.wekelijks.dag for t in cycle.gesprekken for w in t.wanneer if w.wekelijks}
        self._inloop_days: frozenset[int] | None = frozenset(weekly) if weekly else None
        self._tasks: dict[tuple[str, date, date], tuple[PrepTask, ...]] = {}

    def due(self, task: Task, first_day: date, last_day: date) -> date | None:
        """When a task is due: its offset from the round, moved onto a school day.

        Work before the round that would fall on a weekend or in a vacation moves back to the
        school day before; a portfolio "ter inzage tijdens de inloop" goes to the last inloop
        before the round; follow-up work moves forward to the next school day. Dates outside
        the school year (an invitation in the summer) stay as they are.
        """
        offset = task.days_before
        if offset is None:
            return None
        cal = self.cal
        if offset < 0:
            raw = last_day - timedelta(days=offset)
            later = cal.school_days(raw, raw + timedelta(days=21))
            return later[0] if later else raw
        raw = first_day - timedelta(days=offset)
        if task.soort == "inzage" and self._inloop_days is not None:
            inloop = [
                d
                for d in cal.school_days(raw - timedelta(days=21), first_day - DAY)
                if d.weekday() in self._inloop_days
            ]
            if inloop:  # the inloop in the week(s) before the round, else the last one before
                return inloop[-1]
        if cal.is_school_day(raw):
            return raw
        earlier = cal.school_days(raw - timedelta(days=21), raw)
        return earlier[-1] if earlier else raw

    def tasks(
        self, kind: ConversationType, first_day: date, last_day: date
    ) -> tuple[PrepTask, ...]:
        key = (kind.id, first_day, last_day)
        cached = self._tasks.get(key)
        if cached is None:
            cached = tuple(
                PrepTask(
                    task.taak,
                    task.soort,
                    task.wie,
                    self.due(task, first_day, last_day),
                    task.kanaal,
                )
                for task in kind.voorbereiding
            )
            self._tasks[key] = cached
        return cached
