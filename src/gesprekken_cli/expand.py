"""Expansion: every rule of the cycle against every eligible pupil or class → conversations.

Pure: takes the cycle, the roster and the school calendar, returns dated conversation
instances with windows (no slots yet; see ``schedule``). Windows only ever start and end on
school days of the calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from gesprekken_cli.calendar import (
    CalendarSettings,
    DayOff,
    SchoolCalendar,
    StudyDay,
)
from gesprekken_cli.calendar import SchoolYear as SchoolYear
from gesprekken_cli.model import Pupil, Roster
from gesprekken_cli.rules import (
    MONTHS_NL,
    ConversationType,
    Cycle,
    Task,
    TimeRange,
    When,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PrepTask:
    """A preparation or follow-up task with its due date (None: no fixed date)."""

    task: str
    kind: str
    who: str
    due: date | None
    channel: str = ""


@dataclass(frozen=True, slots=True)
class Recurrence:
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

    @property
    def is_individual(self) -> bool:
        return self.form == "individueel" and self.pupil_id is not None


@dataclass
class Expansion:
    """The conversations of a plan, in plan order, plus what the expansion noticed."""

    conversations: list[Conversation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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


def _month_end(year: SchoolYear, month: int) -> date:
    start = month_start(year, month)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1) - _DAY


class _Expander:
    def __init__(self, cycle: Cycle, roster: Roster, cal: SchoolCalendar) -> None:
        self.cycle = cycle
        self.roster = roster
        self.cal = cal
        self.year = cal.year
        self.year_data = cycle.schooljaren.get(cal.year.label)
        self.types = {t.id: t for t in cycle.gesprekken}
        self.events = {e.id: e for e in cycle.gebeurtenissen}
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self._windows: dict[tuple[str, int, int | None], tuple[date, date] | None] = {}
        self._tasks: dict[tuple[str, date, date], tuple[PrepTask, ...]] = {}
        self._classes = {k.name: k for k in roster.classes}
        weekly = {w.wekelijks.dag for t in cycle.gesprekken for w in t.wanneer if w.wekelijks}
        self._inloop_days: frozenset[int] | None = frozenset(weekly) if weekly else None
        self._templates: dict[tuple[str, int, int, tuple[date, date]], Conversation] = {}
        self._teachers: dict[str, tuple[str, ...]] = {}

    def warn(self, text: str) -> None:
        if text not in self._warned:
            self._warned.add(text)
            self.warnings.append(text)

    # --- windows ---

    def type_end(self, type_id: str, grade: int | None) -> date | None:
        kind = self.types[type_id]
        ends = [
            window[1]
            for index in range(len(kind.wanneer))
            if (window := self.window(kind, index, grade)) is not None
        ]
        return max(ends) if ends else None

    def window(
        self, kind: ConversationType, index: int, grade: int | None
    ) -> tuple[date, date] | None:
        """The window of round ``index`` for ``grade``, on school days; None if there is none."""
        key = (kind.id, index, grade)
        if key not in self._windows:
            self._windows[key] = None  # guards against reference cycles
            self._windows[key] = self._compute(kind, kind.wanneer[index], grade)
        return self._windows[key]

    def _compute(
        self, kind: ConversationType, when: When, grade: int | None
    ) -> tuple[date, date] | None:
        cal = self.cal
        start, end = cal.first_day, cal.last_day
        label = f"{kind.naam} ({kind.id})"
        if when.studiedag is not None:
            day = self.year_data.studiedagen.get(when.studiedag) if self.year_data else None
            if day is not None:
                start = end = day
                if when.uitloop_dagen:
                    # What does not fit on the studiedag runs on after school on the next days.
                    next_days = cal.school_days(day + _DAY)[: when.uitloop_dagen]
                    end = next_days[-1] if next_days else day
            else:
                rule = next((s for s in self.cycle.studiedagen if s.id == when.studiedag), None)
                month = rule.maand if rule else None
                if month is None:
                    self.warn(
                        f"{label}: studiedag {when.studiedag!r} heeft geen datum in schooljaar "
                        f"{self.year.label}; niet ingepland"
                    )
                    return None
                self.warn(
                    f"{label}: studiedag {when.studiedag!r} heeft nog geen datum in schooljaar "
                    f"{self.year.label}; venster is heel {MONTHS_NL[month - 1]}"
                )
                start, end = month_start(self.year, month), _month_end(self.year, month)
        if when.na_weken_onderwijs is not None:
            weeks = when.weken or 2
            first, last = cal.school_weeks(when.na_weken_onderwijs, weeks)
            start, end = max(start, first), min(end, last)
        if when.maanden:
            months = [month_start(self.year, m) for m in when.maanden]
            ends = [_month_end(self.year, m) for m in when.maanden]
            start, end = max(start, min(months)), min(end, max(ends))
        if when.na is not None:
            after = self._after(when.na, grade, when)
            if after is not None:
                start = max(start, after + _DAY)
        days = cal.school_days(start, end)
        if not days:
            self.warn(f"{label}: geen schooldag in het venster in schooljaar {self.year.label}")
            return None
        return days[0], days[-1]

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
        return _month_end(self.year, event.maand)

    def before_start_window(
        self, kind: ConversationType, when: When, pupil: Pupil
    ) -> tuple[date, date] | None:
        assert when.weken_voor_start is not None and pupil.start_date is not None
        start = pupil.start_date - timedelta(weeks=when.weken_voor_start.van)
        end = pupil.start_date - timedelta(weeks=when.weken_voor_start.tot)
        days = self.cal.school_days(start, end)
        if not days:
            days = self.cal.school_days(start, pupil.start_date - _DAY)
        return (days[0], days[-1]) if days else None

    # --- decisions ---

    def child_present(self, kind: ConversationType, grade: int | None, first_day: date) -> bool:
        if kind.kind_aanwezig is not None:
            return kind.kind_aanwezig
        if "kind" not in kind.deelnemers or grade is None:
            return False
        rule = self.cycle.school.kind_aanwezig
        if rule is None:
            return True
        if grade != rule.vanaf_groep:
            return grade > rule.vanaf_groep
        return first_day >= month_start(self.year, rule.vanaf_maand)

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
                for d in cal.school_days(raw - timedelta(days=21), first_day - _DAY)
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

    def teachers(self, class_name: str) -> tuple[str, ...]:
        found = self._teachers.get(class_name)
        if found is None:
            klass = self._classes.get(class_name)
            found = self._teachers[class_name] = (
                tuple(t.name for t in klass.teachers) if klass else ()
            )
        return found

    def pupil_window(
        self, kind: ConversationType, index: int, pupil: Pupil
    ) -> tuple[date, date] | None:
        """The round's window for one pupil: a pupil who starts later in the year gets only
        what is left of the window from the start date on (nothing if it ended before)."""
        window = self.window(kind, index, pupil.grade)
        start = pupil.start_date
        if window is None or start is None or start <= window[0]:
            return window
        if start > window[1]:
            return None
        days = self.cal.school_days(start, window[1])
        return (days[0], days[-1]) if days else None

    def invited(self, kind: ConversationType, pupil: Pupil) -> bool:
        if pupil.grade not in kind.groepen:
            return False
        audience = kind.doelgroep
        if audience == "alle":
            return True
        if audience == "nieuwe_leerkracht":
            if pupil.new_teacher is not None:
                return pupil.new_teacher
            klass = self._classes.get(pupil.class_name)
            return bool(klass and klass.new_teacher)
        if audience == "nieuwe_leerlingen":
            return (
                pupil.start_date is not None
                and self.year.first_date <= pupil.start_date <= self.year.last_date
            )
        if audience == "voorwaarde":
            return kind.voorwaarde is not None and kind.voorwaarde in pupil.traits
        return False

    def requested(self, kind: ConversationType, pupil: Pupil) -> bool:
        return kind.id in pupil.traits or f"verzoek:{kind.id}" in pupil.traits

    # --- expansion ---

    def run(self) -> list[Conversation]:
        out: list[Conversation] = []
        for kind in self.cycle.gesprekken:
            for index, when in enumerate(kind.wanneer):
                if kind.doelgroep == "aanmelders":
                    out.extend(self._school_window(kind, index))
                elif kind.vorm == "terugkerend":
                    out.extend(self._recurring(kind, index, when))
                elif kind.vorm == "groep":
                    out.extend(self._meetings(kind, index))
                elif kind.status == "op_verzoek":
                    out.extend(self._on_request(kind, index))
                else:
                    out.extend(self._individual(kind, index, when))
        out.sort(
            key=lambda c: (
                c.first_day,
                c.last_day,
                c.type_id,
                c.round,
                c.class_name or "",
                c.name,
                c.uid,
            )
        )
        return out

    def _base(
        self, kind: ConversationType, index: int, grade: int | None, window: tuple[date, date]
    ) -> dict[str, object]:
        present = self.child_present(kind, grade, window[0])
        participants = tuple(p for p in kind.deelnemers if p != "kind" or present)
        return {
            "type_id": kind.id,
            "type_name": kind.naam,
            "round": index + 1,
            "status": kind.status,
            "form": kind.vorm,
            "participants": participants,
            "child_present": present,
            "first_day": window[0],
            "last_day": window[1],
            "duration": kind.duur_minuten,
            "day_part": kind.tijd if isinstance(kind.tijd, str) else "vast",
            "tasks": self.tasks(kind, window[0], window[1]),
            "location": self.cycle.school.locatie,
        }

    def _template(
        self, kind: ConversationType, index: int, grade: int, window: tuple[date, date]
    ) -> Conversation:
        """The part of a pupil's conversation shared by every pupil with the same window."""
        key = (kind.id, index, grade, window)
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = Conversation(
                uid="",
                name="",
                class_name=None,
                grade=grade,
                grades=(grade,),
                pupil_id=None,
                family_id=None,
                teachers=(),
                **self._base(kind, index, grade, window),  # type: ignore[arg-type]
            )
        return found

    def _individual(self, kind: ConversationType, index: int, when: When) -> Iterable[Conversation]:
        wants_parents = "ouders" in kind.deelnemers
        for pupil in self.roster.pupils:
            if not self.invited(kind, pupil):
                continue
            if when.weken_voor_start is not None:
                if pupil.start_date is None:
                    continue
                window = self.before_start_window(kind, when, pupil)
                if window is None:
                    self.warn(
                        f"{kind.naam}: een startdatum ({pupil.start_date:%d-%m-%Y}) valt te vroeg "
                        f"in schooljaar {self.year.label} voor het venster; plan dit gesprek zelf"
                    )
                    continue
            else:
                window = self.pupil_window(kind, index, pupil)
                if window is None:
                    continue
            template = self._template(kind, index, pupil.grade, window)
            households = pupil.households if wants_parents and pupil.households > 1 else 1
            uid = f"{kind.id}.{index + 1}.{pupil.pupil_id}"
            for household in range(1, households + 1):
                yield template._replace(
                    uid=f"{uid}.h{household}" if households > 1 else uid,
                    name=pupil.display_name,
                    class_name=pupil.class_name,
                    pupil_id=pupil.pupil_id,
                    family_id=pupil.family_id,
                    teachers=self.teachers(pupil.class_name),
                    household=household if households > 1 else 0,
                )

    def _on_request(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        by_class: dict[str, list[Pupil]] = {}
        for pupil in self.roster.pupils:
            if self.invited(kind, pupil) and self.pupil_window(kind, index, pupil):
                by_class.setdefault(pupil.class_name, []).append(pupil)
        when = kind.wanneer[index]
        for class_name, pupils in by_class.items():
            grades: tuple[int, ...] = tuple(sorted({p.grade for p in pupils}))
            window = self.window(kind, index, grades[0])
            if window is None:
                continue
            asked = [p for p in pupils if self.requested(kind, p)]
            base = self._base(kind, index, grades[0], window)
            yield Conversation(
                uid=f"{kind.id}.{index + 1}.klas-{class_name}",
                name=f"Klas {class_name} (op verzoek)",
                class_name=class_name,
                grade=grades[0] if len(grades) == 1 else None,
                grades=grades,
                pupil_id=None,
                family_id=None,
                teachers=self.teachers(class_name),
                requested=False,
                note=f"{len(pupils)} leerlingen kunnen een gesprek aanvragen",
                **base,  # type: ignore[arg-type]
            )
            for pupil in asked:
                own = self.pupil_window(kind, index, pupil)
                if own is None:
                    continue
                base = self._base(kind, index, pupil.grade, own)
                yield Conversation(
                    uid=f"{kind.id}.{index + 1}.{pupil.pupil_id}",
                    name=pupil.display_name,
                    class_name=pupil.class_name,
                    grade=pupil.grade,
                    grades=(pupil.grade,),
                    pupil_id=pupil.pupil_id,
                    family_id=pupil.family_id,
                    teachers=self.teachers(pupil.class_name),
                    requested=True,
                    **base,  # type: ignore[arg-type]
                )
        _ = when

    def _meetings(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        present = [p for p in self.roster.pupils if p.grade in kind.groepen]
        if not present:
            return
        groups: dict[str, tuple[list[str], set[int]]] = {}
        for pupil in present:
            if kind.per == "klas":
                key, label = f"klas-{pupil.class_name}", f"Klas {pupil.class_name}"
            elif kind.per == "groep":
                key, label = f"groep-{pupil.grade}", f"Groep {pupil.grade}"
            else:
                grade_text = "/".join(map(str, kind.groepen))
                key, label = "school", f"Groep {grade_text}"
            classes, grade_set = groups.setdefault(key + "\x00" + label, ([], set()))
            if pupil.class_name not in classes:
                classes.append(pupil.class_name)
            grade_set.add(pupil.grade)
        for packed, (classes, grade_set) in groups.items():
            key, label = packed.split("\x00")
            grades: tuple[int, ...] = tuple(sorted(grade_set))
            window = self.window(kind, index, grades[0])
            if window is None:
                continue
            teachers: list[str] = []
            for class_name in classes:
                teachers.extend(t for t in self.teachers(class_name) if t not in teachers)
            base = self._base(kind, index, None, window)
            start, end = (
                self._fixed_times(kind, window[0]) if window[0] == window[1] else (None, None)
            )
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
                note="klassen: " + ", ".join(classes),
                **base,  # type: ignore[arg-type]
            )

    def _fixed_times(
        self, kind: ConversationType, day: date
    ) -> tuple[datetime | None, datetime | None]:
        if isinstance(kind.tijd, TimeRange) and kind.tijd.begin:
            begin = datetime.combine(day, kind.tijd.begin, AMSTERDAM)
            end = (
                datetime.combine(day, kind.tijd.eind, AMSTERDAM)
                if kind.tijd.eind
                else begin + timedelta(minutes=kind.duur_minuten)
            )
            return begin, end
        return None, None

    def _recurring(self, kind: ConversationType, index: int, when: When) -> Iterable[Conversation]:
        assert when.wekelijks is not None
        if not any(p.grade in kind.groepen for p in self.roster.pupils):
            return
        weekly = when.wekelijks
        days = [d for d in self.cal.school_days() if d.weekday() == weekly.dag]
        if not days:
            return
        yield self._school_item(
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

    def _school_window(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        window = self.window(kind, index, None)
        if window is not None:
            name = "Aanmelders (toekomstige ouders)"
            yield self._school_item(kind, index, window, "aanmelders", name, requested=False)

    def _school_item(
        self,
        kind: ConversationType,
        index: int,
        window: tuple[date, date],
        key: str,
        name: str,
        **extra: object,
    ) -> Conversation:
        """One item for the whole school (the weekly inloop, the rondleiding window)."""
        fields = {**self._base(kind, index, None, window), **extra}
        return Conversation(
            uid=f"{kind.id}.{index + 1}.{key}",
            name=name,
            class_name=None,
            grade=None,
            grades=tuple(kind.groepen),
            pupil_id=None,
            family_id=None,
            teachers=(),
            **fields,  # type: ignore[arg-type]
        )


def expand(cycle: Cycle, roster: Roster, cal: SchoolCalendar) -> Expansion:
    """Every conversation the cycle gives the roster's pupils and classes in ``cal``'s year."""
    expander = _Expander(cycle, roster, cal)
    conversations = expander.run()
    return Expansion(conversations, expander.warnings)


WindowFinder = Callable[[ConversationType, int, "int | None"], "tuple[date, date] | None"]


def windows(cycle: Cycle, cal: SchoolCalendar) -> WindowFinder:
    """``finder(type, round_index, grade)`` → the round's window in ``cal``, without a roster.

    For views of the cycle itself (the year overview); windows relative to a pupil's own
    start date are not known without one and come back as None.
    """
    expander = _Expander(cycle, Roster("", (), ()), cal)

    def finder(kind: ConversationType, index: int, grade: int | None) -> tuple[date, date] | None:
        if kind.wanneer[index].weken_voor_start is not None:
            return None
        return expander.window(kind, index, grade)

    return finder


ChildRule = Callable[[ConversationType, "int | None", date], bool]


def child_presence(cycle: Cycle, cal: SchoolCalendar) -> ChildRule:
    """``present(type, grade, first_day)`` → whether the child attends, by expand()'s own rule.

    For views of the cycle (the year overview), so they never disagree with the plan; pass
    ``grade=None`` for group meetings, as expand() does.
    """
    return _Expander(cycle, Roster("", (), ()), cal).child_present
