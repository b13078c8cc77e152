"""What a conversation allows: its school days, the day part's times on each, and who can
hold it then; shared by every conversation with the same fields that decide them."""

from __future__ import annotations

from datetime import date, time
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand import Conversation
from gesprekken_cli.model import Roster, Teacher
from gesprekken_cli.rules.model import Cycle, TimeRange
from gesprekken_cli.schedule.bookings import Books, Key
from gesprekken_cli.schedule.records import Bookings, Choice, Day, Rules, clock

if TYPE_CHECKING:
    from gesprekken_cli.roster.wishes import Condition, Wishes

# The fields that decide a conversation's window, read in one call (37,000 look-ups on a board).
_window_key = itemgetter(
    *(
        Conversation._fields.index(name)
        for name in (
            "class_name",
            "type_id",
            "grade",
            "day_part",
            "first_day",
            "last_day",
            "teachers",
        )
    )
)


class Dead(NamedTuple):
    """The days before ``start`` of a window are full for conversations ``duration`` long
    while no day's full marks were dropped (``forgotten`` unchanged); with the unplaced
    reason's facts found on those days."""

    duration: int
    forgotten: int
    start: int
    teacher_day: bool
    day_part_fits: bool


class Restrict(NamedTuple):
    """Where the improvement step lets a conversation go while it tries a move: never on the
    teacher-days in ``closed``; with ``open_only``, only on teacher-days that already hold a
    conversation (or are in ``also``)."""

    closed: frozenset[Key]
    open_only: bool
    also: frozenset[Key]

    def allows(self, keys: tuple[Key, ...], busy: dict[Key, Bookings]) -> bool:
        for key in keys:
            if key in self.closed:
                return False
            if self.open_only and key not in self.also and not busy.get(key):
                return False
        return True


class Window:
    """The school days of one kind of conversation (class, type, groep, dates), each with its
    day part and who can hold it; built a day at a time as the search gets there and shared
    by the pupils of the class."""

    __slots__ = ("_index", "cap", "conv", "day_part", "days", "dead", "entries")

    def __init__(self, conv: Conversation, days: tuple[date, ...], cap: int) -> None:
        self.conv, self.days, self.cap, self.day_part = conv, days, cap, conv.day_part
        self.entries: list[Day] = []
        self._index: dict[date, int] | None = None
        self.dead: Dead | None = None

    def position(self, day: date) -> int:
        """The index of ``day`` in :attr:`days`."""
        if self._index is None:
            self._index = {d: i for i, d in enumerate(self.days)}
        return self._index[day]


class Context:
    """The rules, calendar and roster as the search asks them, with the books."""

    def __init__(
        self, cycle: Cycle, cal: SchoolCalendar, roster: Roster, wishes: Wishes | None
    ) -> None:
        school = cycle.school
        self.cycle, self.cal, self.source = cycle, cal, roster.source
        self.books = Books(
            school.max_zonder_pauze, school.lange_pauze_minuten, school.pauze_minuten
        )
        self.restrict: Restrict | None = None  # set by the improvement step while it tries a move
        self.pause = school.pauze_minuten
        self.cap = school.max_gesprekken_per_dag or 10_000
        self.caps = {t.id: t.max_per_dag for t in cycle.gesprekken if t.max_per_dag}
        self.least_cap = min((self.cap, *self.caps.values()))  # no round allows fewer per day
        self.on_study_day = {t.id for t in cycle.gesprekken if any(w.studiedag for w in t.wanneer)}
        self.wait = school.max_wachttijd_gezin_minuten
        self.types = {t.id: t for t in cycle.gesprekken}
        self.classes: dict[str, tuple[Teacher, ...]] = {k.name: k.teachers for k in roster.classes}
        self.class_grades = {k.name: k.grades for k in roster.classes}
        self._full_keys: dict[tuple[tuple[str, ...], tuple[int, int] | None, str], int] = {}
        self._days: dict[tuple[date, date], tuple[date, ...]] = {}
        self._bounds: dict[tuple[str, int, bool], tuple[int, int] | None] = {}
        self._holders: dict[
            tuple[str, str, date, tuple[str, ...]], tuple[tuple[str, ...], ...]
        ] = {}
        self._windows: dict[tuple[object, ...], Window] = {}
        # Teacher names are matched without regard to case: "anna de boer" is Anna de Boer.
        self._teacher_rules: dict[str, tuple[Condition, ...]] = {}
        for (who, ident), items in wishes.by_subject.items() if wishes else ():
            if who == "leerkracht":
                key = ident.casefold()
                rules = tuple(c for w in items for c in w.forbidden)
                self._teacher_rules[key] = self._teacher_rules.get(key, ()) + rules

    def days(self, c: Conversation) -> tuple[date, ...]:
        """The school days of ``c``'s window."""
        key = (c.first_day, c.last_day)
        days = self._days.get(key)
        if days is None:
            days = self._days[key] = tuple(self.cal.school_days(c.first_day, c.last_day))
        return days

    def bounds(self, c: Conversation, day: date) -> tuple[int, int] | None:
        """The part of ``day`` the type allows, in minutes since midnight.

        A round held on a studiedag uses its own times only on a day without lessons for the
        pupil's groep; on an ordinary school day (the days of ``uitloop_dagen``, or a month
        when the studiedag has no date yet) it falls back to after school, never lesson time.
        """
        kind = self.types.get(c.type_id)
        # A combination class's teacher teaches the groep that is not on studiedag.
        grades = self.class_grades.get(c.class_name or "") or (c.grade,)
        overflow = c.type_id in self.on_study_day and any(
            self.cal.is_lesson_day(day, grade) for grade in grades
        )
        key = (c.type_id, day.weekday(), overflow)
        if key in self._bounds:
            return self._bounds[key]
        school = self.cycle.school
        hours = school.schooltijden.get(day.weekday())
        times = school.gesprekstijden
        part = kind.tijd if kind is not None else c.day_part
        if overflow:
            part = "na_schooltijd"
        result: tuple[int, int] | None = None
        if isinstance(part, TimeRange) or part in ("na_schooltijd", "vast"):
            given = part if isinstance(part, TimeRange) else times.na_schooltijd
            begin = given.begin or (hours.eind if hours else None)
            end = given.eind or times.na_schooltijd.eind or time(17, 0)
            if begin is not None:
                result = (clock(begin), clock(end))
        elif part == "schooltijd":
            opens = times.schooltijd.begin or (hours.begin if hours else None)
            closes = times.schooltijd.eind or (hours.eind if hours else None)
            if opens is not None and closes is not None:
                result = (clock(opens), clock(closes))
        else:
            given = times.avond if part == "avond" else times.ochtend
            if given.begin is not None and given.eind is not None:
                result = (clock(given.begin), clock(given.eind))
        self._bounds[key] = result
        return result

    def holders(self, c: Conversation, day: date) -> tuple[tuple[str, ...], ...]:
        """Who can hold ``c`` on ``day``: one option per working teacher, or all of them."""
        class_name = c.class_name or ""
        kind = self.types.get(c.type_id)
        mode = kind.leerkrachten if kind is not None else "wie_werkt"
        key = (class_name, mode, day, c.teachers)
        found = self._holders.get(key)
        if found is not None:
            return found
        teachers = self.classes.get(class_name, ())
        if mode != "beide" and 0 < len(c.teachers) < len(teachers):
            # expand shared a duo's talks: the one it named holds this one
            teachers = tuple(t for t in teachers if t.name in c.teachers)
        if not teachers:
            names = c.teachers or (f"klas {class_name}",)
            found = (tuple(names),)
        else:
            working = [t.name for t in teachers if t.works_on(day) and self._free_day(t.name, day)]
            if mode == "beide":
                found = (tuple(working),) if len(working) == len(teachers) else ()
            else:
                found = tuple((name,) for name in working)
        self._holders[key] = found
        return found

    def _free_day(self, teacher: str, day: date) -> bool:
        if not self._teacher_rules:
            return True
        return not any(
            cond.daily and cond.hits(day, 0, 0, "")
            for cond in self._teacher_rules.get(teacher.casefold(), ())
        )

    def window(self, c: Conversation) -> Window:
        """The days ``c`` may take, shared by everything with the fields that decide them."""
        key = _window_key(c)
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = Window(c, self.days(c), self.cap_of(c.type_id))
        return found

    def entry(self, window: Window, i: int) -> Day:
        """Day ``i`` of ``window``: its bounds and who can hold the conversation then."""
        entries, full_keys, book_of = window.entries, self._full_keys, self.books.book_of
        while len(entries) <= i:
            day = window.days[len(entries)]
            ordinal = day.toordinal()
            bounds = self.bounds(window.conv, day)
            choices: list[Choice] = []
            for holders in self.holders(window.conv, day):
                # A teacher's wishes can close one day part and not another: "full" is per part.
                key = (holders, bounds, window.day_part)
                full_key = full_keys.get(key)
                if full_key is None:
                    full_key = full_keys[key] = len(full_keys)
                keys = tuple([(book_of(f"t:{t}"), ordinal) for t in holders])
                choices.append(Choice(holders, keys, self.holder_rules(holders), full_key))
            entries.append(Day(day, ordinal, bounds, tuple(choices)))
        return entries[i]

    def holder_rules(self, holders: tuple[str, ...]) -> Rules:
        """A teacher's own wishes bind only the conversations that teacher holds: in a duo,
        the other teacher can take them."""
        rules = self._teacher_rules
        if not rules:
            return ()
        return tuple(rules[t.casefold()] for t in holders if t.casefold() in rules)

    def cap_of(self, type_id: str) -> int:
        """Conversations per teacher per day: the type's own maximum, else the school's."""
        return self.caps.get(type_id, self.cap)
