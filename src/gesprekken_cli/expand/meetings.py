"""Items for a whole class, groep or school: group meetings, the weekly inloop, the
rondleiding period for future parents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from gesprekken_cli.calendar import SchoolCalendar
from gesprekken_cli.expand.conversation import (
    AMSTERDAM,
    Conversation,
    Recurrence,
    Window,
    group_label,
)
from gesprekken_cli.expand.items import Items
from gesprekken_cli.expand.periods import Periods
from gesprekken_cli.expand.pupils import PupilIndex
from gesprekken_cli.rules.model import ConversationType, TimeRange, When


class Meetings:
    """The items of a round that are not one per pupil."""

    def __init__(
        self, items: Items, periods: Periods, pupils: PupilIndex, cal: SchoolCalendar
    ) -> None:
        self.items = items
        self.periods = periods
        self.pupils = pupils
        self.cal = cal

    def meetings(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        present = [(k, g) for k, g in self.pupils.class_grades if g in kind.groepen]
        if not present:
            return
        groups: dict[str, tuple[list[str], set[int]]] = {}
        for class_name, grade in present:  # as for every pupil: (class, groep) in roster order
            if kind.per == "klas":
                key, label = f"klas-{class_name}", group_label(class_name, capital=True)
            elif kind.per == "groep":
                key, label = f"groep-{grade}", f"Groep {grade}"
            else:
                grade_text = "/".join(map(str, kind.groepen))
                key, label = "school", f"Groep {grade_text}"
            classes, grade_set = groups.setdefault(key + "\x00" + label, ([], set()))
            if class_name not in classes:
                classes.append(class_name)
            grade_set.add(grade)
        for packed, (classes, grade_set) in groups.items():
            key, label = packed.split("\x00")
            grades: tuple[int, ...] = tuple(sorted(grade_set))
            window = self.periods.window(kind, index, grades[0])
            if window is None:
                continue
            teachers: list[str] = []
            for class_name in classes:
                teachers.extend(t for t in self.items.teachers(class_name) if t not in teachers)
            start, end, decision = self.when(kind, index, window, grades, label)
            day = start.date() if start is not None else None
            base = self.items.base(kind, index, None, window, (day, day) if day else None)
            notes = [
                ("klas: " if len(classes) == 1 else "klassen: ") + ", ".join(classes),
                decision,
            ]
            yield Conversation(
                uid=f"{kind.id}.{index + 1}.{key}",
                name=label,
                class_name=classes[0] if kind.per == "klas" else None,
                grade=grades[0] if len(grades) == 1 else None,
                grades=grades,
                pupil_id=None,
                family_id=None,
                teachers=tuple(teachers),
                start=start,
                end=end,
                note="; ".join(filter(None, notes)),
                **base,  # type: ignore[arg-type]
            )

    def when(
        self,
        kind: ConversationType,
        index: int,
        window: Window,
        grades: tuple[int, ...],
        label: str,
    ) -> tuple[datetime | None, datetime | None, str]:
        """A meeting's start and end, and what the plan says about the choice.

        The date the school gave for this year (``schooljaren: …: bijeenkomsten``), else the
        first school day of the period with lessons for its groepen, at the type's time.
        """
        year = self.periods.year_data
        given = year.bijeenkomsten.get(kind.id, []) if year is not None else []
        key = f"schooljaren.{self.cal.year.label}.bijeenkomsten.{kind.id}"
        if index < len(given):
            day, decision = given[index], ""
            if not self.cal.is_school_day(day):
                self.periods.warn(
                    f"{kind.naam}: de datum {day:%d-%m-%Y} is geen schooldag",
                    "bijeenkomst-geen-schooldag",
                    key,
                )
        else:
            days = [
                d
                for d in self.cal.school_days(*window)
                if all(self.cal.is_lesson_day(d, g) for g in grades)
            ]
            if not days:
                days = self.cal.school_days(*window)
            day = days[0]
            decision = (
                f"datum gekozen door het programma: de eerste schooldag van de periode "
                f"({day:%d-%m-%Y}); zet een eigen datum in het regelbestand onder "
                f"schooljaren, bijeenkomsten"
            )
        start, end = self.fixed_times(kind, day)
        if start is None:
            self.periods.warn(
                f"{kind.naam} ({label}): geen tijd bekend voor deze bijeenkomst; nog in te plannen",
                "bijeenkomst-zonder-tijd",
                f"gesprekken.{kind.id}.tijd",
            )
            return None, None, "nog in te plannen: geen tijd bekend voor deze bijeenkomst"
        return start, end, decision

    def fixed_times(
        self, kind: ConversationType, day: date
    ) -> tuple[datetime | None, datetime | None]:
        """The meeting's times on ``day``: the type's own ``tijd``, else the begin of its part
        of the day (``na_schooltijd``: when school ends that weekday); end by its duration."""
        school = self.items.cycle.school
        hours = school.schooltijden.get(day.weekday())
        own = isinstance(kind.tijd, TimeRange)
        part: TimeRange = (
            kind.tijd
            if isinstance(kind.tijd, TimeRange)
            else getattr(school.gesprekstijden, kind.tijd, TimeRange())
        )
        if part.begin is None and hours is not None:
            if kind.tijd == "na_schooltijd":
                part = TimeRange.model_construct(begin=hours.eind, eind=part.eind)
            elif kind.tijd == "schooltijd":
                part = TimeRange.model_construct(begin=hours.begin, eind=hours.eind)
        if part.begin is None:
            return None, None
        begin = datetime.combine(day, part.begin, AMSTERDAM)
        if own and part.eind is not None:
            return begin, datetime.combine(day, part.eind, AMSTERDAM)
        return begin, begin + timedelta(minutes=kind.duur_minuten)

    def recurring(self, kind: ConversationType, index: int, when: When) -> Iterable[Conversation]:
        assert when.wekelijks is not None
        if not any(grade in kind.groepen for grade in self.pupils.by_grade):
            return
        weekly = when.wekelijks
        days = [d for d in self.cal.school_days() if d.weekday() == weekly.dag]
        if not days:
            return
        yield self.items.school_item(
            kind,
            index,
            (days[0], days[-1]),
            "school",
            f"{kind.naam} (wekelijks)",
            child_present=kind.kind_aanwezig is not False and "kind" in kind.deelnemers,
            participants=tuple(kind.deelnemers),
            recurrence=Recurrence(weekly.dag, weekly.begin, weekly.eind),
            start=datetime.combine(days[0], weekly.begin, AMSTERDAM),
            end=datetime.combine(days[0], weekly.eind, AMSTERDAM),
        )

    def school_window(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        window = self.periods.window(kind, index, None)
        if window is not None:
            name = "Belangstellende ouders"
            yield self.items.school_item(kind, index, window, "aanmelders", name, requested=False)
