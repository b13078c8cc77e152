"""The period (window) of each round: school days only, per groep, per pupil, or relative to
another event or round."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple, Protocol

from gesprekken_cli.calendar import CalendarSettings, DayOff, SchoolCalendar, SchoolYear, StudyDay
from gesprekken_cli.expand.conversation import DAY, Window
from gesprekken_cli.model import Pupil
from gesprekken_cli.rules.model import ConversationType, Cycle, When
from gesprekken_cli.rules.values import MONTHS_NL


def calendar_settings(cycle: Cycle, year: SchoolYear, source: str = "") -> CalendarSettings:
    """What the rules file says about ``year``, in the calendar's terms."""
    data = cycle.schooljaren.get(year.label)
    study_days: list[StudyDay] = []
    days_off: list[DayOff] = []
    autumn = spring = None
    if data is not None:
        rules = {s.id: s for s in cycle.studiedagen}
        for ident, day in data.studiedagen.items():
            rule = rules.get(ident)
            if rule is not None:
                study_days.append(StudyDay(ident, rule.naam, day, frozenset(rule.groepen)))
        days_off = [DayOff(d.start, d.end, d.naam, "vrij") for d in data.vrije_dagen]
        if data.herfstvakantie:
            autumn = (data.herfstvakantie.van, data.herfstvakantie.tot)
        if data.voorjaarsvakantie:
            spring = (data.voorjaarsvakantie.van, data.voorjaarsvakantie.tot)
    return CalendarSettings(
        region=cycle.school.regio,
        autumn=autumn,
        spring=spring,
        days_off=tuple(days_off),
        study_days=tuple(study_days),
        liberation_day_off=cycle.school.bevrijdingsdag_vrij,
        good_friday_off=cycle.school.goede_vrijdag_vrij,
        source=source,
    )


def month_start(year: SchoolYear, month: int) -> date:
    """1st of ``month`` within the school year (August … July)."""
    return date(year.start_year if month >= 8 else year.start_year + 1, month, 1)


def month_end(year: SchoolYear, month: int) -> date:
    """Last day of ``month`` within the school year."""
    start = month_start(year, month)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1) - DAY


class Warn(Protocol):
    """Where expansion reports what the school should know: a Dutch message and its code."""

    def __call__(self, message: str, code: str, key: str = "") -> None: ...


class Skip(NamedTuple):
    """A pupil left out of a round: started on ``start``, settled only on ``earliest``."""

    window: Window
    start: date
    earliest: date | None


class Periods:
    """Each round's window on school days, computed once per type, round and groep.

    ``warn`` receives what the school should know (a studiedag without a date, a round
    without a school day).
    """

    def __init__(self, cycle: Cycle, cal: SchoolCalendar, warn: Warn) -> None:
        self.cycle = cycle
        self.cal = cal
        self.year = cal.year
        self.year_data = cycle.schooljaren.get(cal.year.label)
        self.types = {t.id: t for t in cycle.gesprekken}
        self.events = {e.id: e for e in cycle.gebeurtenissen}
        self.warn = warn
        self._windows: dict[tuple[str, int, int | None], Window | None] = {}

    def type_end(self, type_id: str, grade: int | None) -> date | None:
        kind = self.types[type_id]
        ends = [
            window[1]
            for index in range(len(kind.wanneer))
            if (window := self.window(kind, index, grade)) is not None
        ]
        return max(ends) if ends else None

    def window(self, kind: ConversationType, index: int, grade: int | None) -> Window | None:
        """The window of round ``index`` for ``grade``, on school days; None if there is none."""
        key = (kind.id, index, grade)
        if key not in self._windows:
            self._windows[key] = None  # guards against reference cycles
            self._windows[key] = self._compute(kind, kind.wanneer[index], grade)
        return self._windows[key]

    def _compute(self, kind: ConversationType, when: When, grade: int | None) -> Window | None:
        cal = self.cal
        start, end = cal.first_day, cal.last_day
        label, key = kind.naam, f"gesprekken.{kind.id}.wanneer"
        if when.studiedag is not None:
            day = self.year_data.studiedagen.get(when.studiedag) if self.year_data else None
            if day is not None:
                start = end = day
                if when.uitloop_dagen:
                    # What does not fit on the studiedag runs on after school on the next days.
                    next_days = cal.school_days(day + DAY)[: when.uitloop_dagen]
                    end = next_days[-1] if next_days else day
            else:
                rule = next((s for s in self.cycle.studiedagen if s.id == when.studiedag), None)
                month = rule.maand if rule else None
                if month is None:
                    self.warn(
                        f"{label}: de studiedag heeft geen datum in schooljaar "
                        f"{self.year.label}; niet ingepland",
                        "studiedag-zonder-datum",
                        key,
                    )
                    return None
                self.warn(
                    f"{label}: de studiedag heeft nog geen datum in schooljaar "
                    f"{self.year.label}; de periode is heel {MONTHS_NL[month - 1]}",
                    "studiedag-hele-maand",
                    key,
                )
                start, end = month_start(self.year, month), month_end(self.year, month)
        if when.na_weken_onderwijs is not None:
            weeks = when.weken or 2
            first, last = cal.school_weeks(when.na_weken_onderwijs, weeks)
            start, end = max(start, first), min(end, last)
        if when.maanden:
            months = [month_start(self.year, m) for m in when.maanden]
            ends = [month_end(self.year, m) for m in when.maanden]
            start, end = max(start, min(months)), min(end, max(ends))
        if when.na is not None:
            after = self._after(when.na, grade, when)
            if after is not None:
                start = max(start, after + DAY)
                if kind.doelgroep == "voorwaarde":
                    # Who is invited is known only from the event on: its preparation (the
                    # invitation) needs its own days after the event, before the talks.
                    lead = [t.days_before or 0 for t in kind.voorbereiding]
                    start = max(start, after + timedelta(days=max(lead, default=0)))
        days = cal.school_days(start, end)
        if not days:
            self.warn(
                f"{label}: geen schooldag in de periode in schooljaar {self.year.label}",
                "geen-schooldag-in-venster",
                key,
            )
            return None
        return days[0], days[-1]

    def after(self, kind: ConversationType, index: int, grade: int | None) -> date | None:
        """The date the round waits for (``na``: an event or another round), if known."""
        when = kind.wanneer[index]
        return self._after(when.na, grade, when) if when.na is not None else None

    def _after(self, ref: str, grade: int | None, when: When) -> date | None:
        if ref in self.types:
            return self.type_end(ref, grade)
        event = self.events.get(ref)
        if event is None:
            return None
        if self.year_data and ref in self.year_data.gebeurtenissen:
            return self.year_data.gebeurtenissen[ref]
        if when.maanden and event.maand in when.maanden:
            return None  # same month, no date known: the month itself is the window
        return month_end(self.year, event.maand)

    def before_start_window(
        self, kind: ConversationType, when: When, pupil: Pupil
    ) -> Window | None:
        assert when.weken_voor_start is not None and pupil.start_date is not None
        start = pupil.start_date - timedelta(weeks=when.weken_voor_start.van)
        end = pupil.start_date - timedelta(weeks=when.weken_voor_start.tot)
        days = self.cal.school_days(start, end)
        if not days:
            days = self.cal.school_days(start, pupil.start_date - DAY)
        return (days[0], days[-1]) if days else None

    def settled(self, start: date) -> date | None:
        """The first school day after ``na_start_weken`` whole school weeks from ``start``.

        A school week is a week with school days (vacations do not count); the week of the
        start counts only when the pupil is there from its first school day on. ``None``: not
        in this school year.
        """
        weeks = self.cycle.school.na_start_weken
        days = self.cal.school_days(start)
        if not days:
            return None
        if weeks == 0:  # never on the first school day itself
            return days[1] if len(days) > 1 else None
        week_of = days[0].isocalendar()[:2]
        monday = days[0] - timedelta(days=days[0].weekday())
        counts = not self.cal.school_days(monday, days[0] - DAY)  # there from the week's start
        counted = 0
        for day in days:
            if day.isocalendar()[:2] != week_of:
                week_of = day.isocalendar()[:2]
                counted += counts
                counts = True
                if counted >= weeks:
                    return day
        return None

    def pupil_window(
        self, kind: ConversationType, index: int, pupil: Pupil
    ) -> Window | Skip | None:
        """The round's window for one pupil.

        A pupil who starts in this school year gets the conversation only from
        ``na_start_weken`` school weeks after the start date on (:meth:`settled`): what is left
        of the window, or a :class:`Skip` when nothing is. ``None``: the round was over before
        the pupil started.
        """
        window = self.window(kind, index, pupil.grade)
        start = pupil.start_date
        if window is None or start is None or start < self.year.first_date:
            return window
        if start > window[1]:
            return None
        earliest = self.settled(start)
        if earliest is None or earliest > window[1]:
            return Skip(window, start, earliest)
        if earliest <= window[0]:
            return window
        days = self.cal.school_days(earliest, window[1])
        return (days[0], days[-1]) if days else Skip(window, start, earliest)
