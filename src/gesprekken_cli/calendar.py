"""The school year of one school: school days, vacations, public holidays and study days.

Pure and fast: vacations come from the shipped ``data/vakanties_nl.json``; the ``holidays``
package is imported only for a school year the data does not cover.
"""

# No `from __future__ import annotations`: NamedTuple would compile each string annotation.
import re
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import NamedTuple

from gesprekken_cli.data import vakanties
from gesprekken_cli.errors import CalendarError, Problem

REGIONS = vakanties.REGIONS
KINDS = ("vakantie", "feestdag", "vrij")
AUTUMN, SPRING, SUMMER = "Herfstvakantie", "Voorjaarsvakantie", "Zomervakantie"
GOOD_FRIDAY = "Goede vrijdag"
_ONE = timedelta(days=1)


# NamedTuple, not a frozen dataclass: a fifth of the cost to create on every run (issue 17)
class SchoolYear(NamedTuple):
    start_year: int  # 2026 for 2026-2027

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def first_date(self) -> date:
        """1 August: the earliest date that belongs to this school year."""
        return date(self.start_year, 8, 1)

    @property
    def last_date(self) -> date:
        return date(self.start_year + 1, 7, 31)


_YEAR = re.compile(r"\s*(\d{4})\s*[-/–]\s*(\d{4}|\d{2})\s*")


def parse_school_year(text: str) -> SchoolYear:
    """``2026-2027``, ``2026/2027`` or ``2026-27``; a usage fault (exit 2) otherwise."""
    match = _YEAR.fullmatch(text)
    if match:
        start, end = int(match[1]), match[2]
        expected = str(start + 1) if len(end) == 4 else f"{(start + 1) % 100:02d}"
        if end == expected:
            return SchoolYear(start)
    raise CalendarError(
        [
            Problem(
                file="schooljaar",
                message=f"{text!r} is geen schooljaar; verwacht bijvoorbeeld 2026-2027",
            )
        ],
        exit_code=2,
    )


def current_school_year(today: date) -> SchoolYear:
    """The school year ``today`` falls in; 1 August starts a new one."""
    return SchoolYear(today.year if today.month >= 8 else today.year - 1)


class DayOff(NamedTuple):
    """A vacation, public holiday or day off, ``start`` to ``end`` inclusive."""

    start: date
    end: date
    name: str
    kind: str  # "vakantie" | "feestdag" | "vrij"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class StudyDay(NamedTuple):
    """No lessons for ``grades`` (empty = all groups); teachers work, so it is a school day."""

    id: str
    name: str
    day: date
    grades: frozenset[int] = frozenset()

    def applies_to(self, grade: int | None) -> bool:
        """Whether ``grade`` has no lessons; for None: whether no group has lessons."""
        return not self.grades or (grade is not None and grade in self.grades)


class CalendarSettings(NamedTuple):
    """What the rules file says about the school year (the rules module builds this)."""

    region: str  # "noord" | "midden" | "zuid"
    autumn: tuple[date, date] | None = None  # own herfstvakantie, replaces the advisory one
    spring: tuple[date, date] | None = None  # own voorjaarsvakantie
    days_off: tuple[DayOff, ...] = ()  # Bevrijdingsdag, vrijdag na Hemelvaart, extra week
    study_days: tuple[StudyDay, ...] = ()
    liberation_day_off: bool = False  # 5 mei free every year, not only in lustrum years
    good_friday_off: bool = True  # Goede vrijdag is a public holiday, but schools choose
    source: str = ""  # the file these settings come from, for messages


class SchoolCalendar:
    """The school days of one school year for one school; immutable after construction."""

    __slots__ = (
        "_by_day",
        "_days",
        "_school",
        "_study_by_id",
        "_weeks",
        "days_off",
        "first_day",
        "last_day",
        "last_day_before",
        "region",
        "study_days",
        "year",
    )

    def __init__(
        self,
        year: SchoolYear,
        region: str,
        first_day: date,
        last_day: date,
        days_off: tuple[DayOff, ...],
        study_days: tuple[StudyDay, ...],
        last_day_before: date | None = None,
    ) -> None:
        self.year = year
        # The last school day before the summer vacation that opens the year: where work
        # due before the first school weeks goes.
        self.last_day_before = last_day_before
        self.region = region
        self.first_day = first_day
        self.last_day = last_day
        self.days_off = tuple(sorted(days_off, key=lambda d: (d.start, d.end, d.kind, d.name)))
        self.study_days = tuple(sorted(study_days, key=lambda s: (s.day, s.id)))
        self._study_by_id = {s.id: s for s in self.study_days}
        self._by_day: dict[date, list[StudyDay]] = {}
        for s in self.study_days:
            self._by_day.setdefault(s.day, []).append(s)

        size = (last_day - first_day).days + 1
        school = bytearray(b"\x01") * size
        for offset in range(size):
            if (first_day + offset * _ONE).weekday() >= 5:
                school[offset] = 0
        for off in self.days_off:
            if off.end < first_day or off.start > last_day:
                continue
            lo = max((off.start - first_day).days, 0)
            hi = min((off.end - first_day).days, size - 1)
            school[lo : hi + 1] = bytes(hi - lo + 1)
        self._days: tuple[date, ...] = tuple(
            first_day + offset * _ONE for offset in range(size) if school[offset]
        )
        # Teaching weeks: Mon-Fri weeks with a lesson day for some group; their school days.
        weeks: dict[date, list[date]] = {}
        lesson: dict[date, bool] = {}
        for day in self._days:
            monday = day - day.weekday() * _ONE
            weeks.setdefault(monday, []).append(day)
            has_lesson = not any(s.applies_to(None) for s in self._by_day.get(day, ()))
            lesson[monday] = lesson.get(monday, False) or has_lesson
        self._weeks: tuple[tuple[date, ...], ...] = tuple(
            tuple(days) for monday, days in weeks.items() if lesson[monday]
        )
        self._school = frozenset(self._days)

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(f"SchoolCalendar is immutable: cannot set {name}")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"SchoolCalendar({self.year.label}, {self.region})"

    def is_school_day(self, day: date) -> bool:
        """A weekday of the year that is no vacation, holiday or day off (study days count)."""
        return day in self._school

    def is_lesson_day(self, day: date, grade: int | None = None) -> bool:
        """A school day with lessons for ``grade``; for None, with lessons for some group."""
        if day not in self._school:
            return False
        return not any(s.applies_to(grade) for s in self._by_day.get(day, ()))

    def school_days(self, start: date | None = None, end: date | None = None) -> list[date]:
        """School days from ``start`` to ``end`` inclusive, clipped to the year."""
        lo = 0 if start is None else bisect_left(self._days, start)
        hi = len(self._days) if end is None else bisect_right(self._days, end)
        return list(self._days[lo:hi])

    def month_days(self, month: int) -> list[date]:
        """The school days of calendar month ``month`` (1-12) within this school year."""
        if not 1 <= month <= 12:
            raise ValueError(f"month must be 1..12, not {month}")
        year = self.year.start_year if month >= 8 else self.year.start_year + 1
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1) - _ONE
        return self.school_days(start, end)

    @property
    def teaching_weeks(self) -> int:
        return len(self._weeks)

    def after_school_weeks(self, weeks: int) -> date:
        """The first school day after ``weeks`` teaching weeks (vacation weeks do not count)."""
        if weeks <= 0:
            return self.first_day
        if weeks >= len(self._weeks):
            raise self._weeks_error(f"na {weeks} weken onderwijs")
        last = self._weeks[weeks - 1][-1]
        return self._days[bisect_right(self._days, last)]

    def school_weeks(self, start_week: int, count: int) -> tuple[date, date]:
        """First and last school day of teaching weeks ``start_week+1`` .. ``start_week+count``."""
        if start_week < 0 or count < 1 or start_week + count > len(self._weeks):
            raise self._weeks_error(f"week {start_week + 1} t/m {start_week + count}")
        return self._weeks[start_week][0], self._weeks[start_week + count - 1][-1]

    def day_off_name(self, day: date) -> str | None:
        """Why ``day`` is free, for messages; a vacation wins over a holiday inside it."""
        names = [(d.kind != "vakantie", d.name) for d in self.days_off if day in d]
        return min(names)[1] if names else None

    def study_day(self, id: str) -> StudyDay | None:
        return self._study_by_id.get(id)

    def _weeks_error(self, what: str) -> CalendarError:
        message = (
            f"{what}: schooljaar {self.year.label} (regio {self.region}) "
            f"heeft {len(self._weeks)} weken onderwijs"
        )
        return CalendarError([Problem(file=self.year.label, message=message)])


def build_calendar(year: SchoolYear, settings: CalendarSettings) -> SchoolCalendar:
    """The calendar of ``year`` for a school with ``settings``.

    Raises CalendarError (exit 1) for an unknown region or year, and for own vacations,
    days off or study days that fall outside the school year or end before they start.
    """
    file = settings.source or year.label

    def problem(key: str, message: str) -> Problem:
        return Problem(file=file, key=key, message=message)

    if settings.region not in REGIONS:
        raise CalendarError(
            [
                problem(
                    "regio", f"onbekende regio {settings.region!r}; verwacht noord, midden of zuid"
                )
            ]
        )
    data = vakanties.load_year(year.start_year)
    if data is None:
        raise CalendarError(
            [
                Problem(
                    file=file,
                    message=f"geen schoolvakanties bekend voor {year.label}; bekend zijn "
                    f"{vakanties.label(vakanties.FIRST_SHIPPED)} t/m "
                    f"{vakanties.label(vakanties.LAST_SHIPPED)}",
                )
            ]
        )
    region = data.regions[settings.region]
    first_day = region.summer_before.end + _ONE
    while first_day.weekday() >= 5:
        first_day += _ONE
    before = region.summer_before.start - _ONE
    while before.weekday() >= 5:
        before -= _ONE
    summer = next(v for v in region.vacations if v.name == SUMMER)
    last_day = summer.start - _ONE
    while last_day.weekday() >= 5:
        last_day -= _ONE

    problems: list[Problem] = []

    def check(key: str, start: date, end: date) -> bool:
        if end < start:
            problems.append(problem(key, f"einddatum {end} ligt voor begindatum {start}"))
        elif start < first_day or end > last_day:
            problems.append(
                problem(
                    key,
                    f"{start} t/m {end} valt buiten schooljaar {year.label} "
                    f"({first_day} t/m {last_day}, regio {settings.region})",
                )
            )
        else:
            return True
        return False

    own = {AUTUMN: settings.autumn, SPRING: settings.spring}
    days_off = [
        DayOff(v.start, v.end, v.name, "vakantie")
        for v in region.vacations
        if own.get(v.name) is None
    ]
    for (name, dates), key in zip(
        own.items(), ("herfstvakantie", "voorjaarsvakantie"), strict=True
    ):
        if dates is not None and check(key, *dates):
            days_off.append(DayOff(dates[0], dates[1], name, "vakantie"))
    days_off += [
        DayOff(h.day, h.day, h.name, "feestdag")
        for h in data.public_holidays
        if first_day <= h.day <= summer.end and (settings.good_friday_off or h.name != GOOD_FRIDAY)
    ]
    if settings.liberation_day_off and not any(
        h.day == data.liberation_day for h in data.public_holidays
    ):
        days_off.append(
            DayOff(data.liberation_day, data.liberation_day, vakanties.LIBERATION_DAY, "vrij")
        )
    for i, off in enumerate(settings.days_off):
        key = f"vrije_dagen[{i}]"
        if off.kind not in KINDS:
            problems.append(problem(key, f"onbekende soort {off.kind!r}; verwacht vrij"))
        elif check(key, off.start, off.end):
            days_off.append(off)
    free = [(d.start, d.end) for d in days_off]
    for i, study in enumerate(settings.study_days):
        key = f"studiedagen[{i}]"
        if check(key, study.day, study.day) and (
            study.day.weekday() >= 5 or any(lo <= study.day <= hi for lo, hi in free)
        ):
            problems.append(
                problem(key, f"studiedag {study.id!r} valt op {study.day}, een vrije dag")
            )
    ids = [s.id for s in settings.study_days]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(problem("studiedagen", f"studiedag {dup!r} staat er meer dan eens in"))
    if problems:
        raise CalendarError(problems)
    return SchoolCalendar(
        year, settings.region, first_day, last_day, tuple(days_off), settings.study_days, before
    )
