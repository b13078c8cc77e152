"""Due dates of a type's preparation and follow-up tasks, on school days."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, timedelta

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand.conversation import DAY, PrepTask
from gesprekken_cli.rules.model import ConversationType, Cycle, Task


class DueDates:
    """The tasks of a round with their due dates, computed once per type and window."""

    def __init__(self, cycle: Cycle, cal: SchoolCalendar) -> None:
        self.cal = cal
        weekly = {w.wekelijks.dag for t in cycle.gesprekken for w in t.wanneer if w.wekelijks}
        self._inloop_days: frozenset[int] | None = frozenset(weekly) if weekly else None
        self._tasks: dict[tuple[str, date, date, date | None], tuple[PrepTask, ...]] = {}

    def due(self, task: Task, first_day: date, last_day: date) -> tuple[date | None, str]:
        """When a task is due, and a note when the date had to move far.

        The rule's offset from the round, moved to the nearest school day that keeps work
        before the round before its first day (follow-up after its last day). A portfolio "ter
        inzage tijdens de inloop" goes to the last inloop before the round. Work before a round
        in the first school week, with no school day left before it, goes to the last school
        day before the summer vacation (the note says so).
        """
        offset = task.days_before
        if offset is None:
            return None, ""
        cal = self.cal
        if offset < 0:
            raw = last_day - timedelta(days=offset)
            after = cal.school_days(last_day + DAY)
            if not after:
                return last_day, "op de dag van het gesprek: daarna is er geen schooldag meer"
            return _nearest(after, raw), ""
        raw = first_day - timedelta(days=offset)
        if task.soort == "inzage" and self._inloop_days is not None:
            inloop = [
                d
                for d in cal.school_days(raw - timedelta(days=21), first_day - DAY)
                if d.weekday() in self._inloop_days
            ]
            if inloop:  # the inloop in the week(s) before the round, else the last one before
                return inloop[-1], ""
        before = cal.school_days(None, first_day - DAY)
        if before:
            return _nearest(before, raw), ""
        summer = cal.last_day_before
        if summer is None:
            return raw, ""
        return (
            summer,
            "voor de zomervakantie: er is geen schooldag tussen de termijn en het gesprek",
        )

    def after_floor(
        self, due: tuple[date | None, str], floor: date | None
    ) -> tuple[date | None, str]:
        """``due`` moved to the first school day on or after ``floor`` when it lies before."""
        day, note = due
        if floor is None or day is None or day >= floor:
            return due
        later = self.cal.school_days(floor)
        moved = later[0] if later else floor
        return moved, note or f"na de gebeurtenis van {floor:%d-%m-%Y} waar dit gesprek op wacht"

    def tasks(
        self,
        kind: ConversationType,
        first_day: date,
        last_day: date,
        always: bool = False,
        floor: date | None = None,
    ) -> tuple[PrepTask, ...]:
        """The type's tasks for a round in this window; a round open all year (``altijd``)
        has no dates: the work goes with each request. ``floor``: the event the round follows
        (the doorstroomtoets result); no task is due before it."""
        if always:
            return tuple(
                PrepTask(task.taak, task.soort, task.wie, None, task.kanaal)
                for task in kind.voorbereiding
            )
        key = (kind.id, first_day, last_day, floor)
        cached = self._tasks.get(key)
        if cached is None:
            cached = tuple(
                PrepTask(task.taak, task.soort, task.wie, due[0], task.kanaal, due[1])
                for task in kind.voorbereiding
                if (due := self.after_floor(self.due(task, first_day, last_day), floor))
            )
            self._tasks[key] = cached
        return cached


def _nearest(days: list[date], day: date) -> date:
    """The day of sorted ``days`` nearest to ``day``; on a tie the earlier one."""
    at = bisect_left(days, day)
    if at < len(days) and days[at] == day:
        return day
    candidates = days[max(at - 1, 0) : at + 1]
    return min(candidates, key=lambda d: (abs((d - day).days), d))
