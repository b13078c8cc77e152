"""Expansion: every rule of the cycle against every eligible pupil or class → conversations.

Pure: takes the cycle, the roster and the school calendar, returns dated conversation
instances with windows (no slots yet; see ``schedule``). Windows only ever start and end on
school days of the calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import compress
from typing import Any, NamedTuple
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


_FIELDS = Conversation._fields
_PUPIL_FIELDS = slice(_FIELDS.index("name"), _FIELDS.index("teachers") + 1)
_HOUSEHOLD = _FIELDS.index("household")
_new_conversation = tuple.__new__

Window = tuple[date, date]


def _plan_order(c: Conversation) -> tuple[date, date, str, int, str, str, str]:
    """The order of the expanded plan: window, type, round, class, name, uid."""
    return (c.first_day, c.last_day, c.type_id, c.round, c.class_name or "", c.name, c.uid)


class _Pupils:
    """The roster's pupils as expansion uses them, worked out once per pupil instead of once
    per pupil and round: their part of a conversation and their place in the plan order."""

    def __init__(self, pupils: tuple[Pupil, ...], teachers: Callable[[str], tuple[str, ...]]):
        self.pupils = pupils
        self.grade = [p.grade for p in pupils]
        single = {grade: (grade,) for grade in self.grade}
        staff = {name: teachers(name) for name in {p.class_name for p in pupils}}
        # name, class_name, grade, grades, pupil_id, family_id, teachers (the _PUPIL_FIELDS)
        self.fields = [
            (
                p.display_name,
                p.class_name,
                p.grade,
                single[p.grade],
                p.pupil_id,
                p.family_id,
                staff[p.class_name],
            )
            for p in pupils
        ]
        self.by_grade: dict[int, list[int]] = {}  # positions; grades in order of appearance
        for position, pupil in enumerate(pupils):
            self.by_grade.setdefault(pupil.grade, []).append(position)
        self.started = {p.grade for p in pupils if p.start_date is not None}
        self.class_grades = list(dict.fromkeys((p.class_name, p.grade) for p in pupils))
        self._orders: dict[bool, _Order] = {}

    def positions(self, grades: Iterable[int]) -> list[int]:
        """Positions of the pupils in ``grades``, in roster order."""
        found = [self.by_grade[g] for g in set(grades) if g in self.by_grade]
        return sorted(p for positions in found for p in positions)

    def order(self, split: bool) -> _Order:
        """The plan order of a round's items for one window (see :class:`_Order`).

        ``split``: parents who live apart get an item per household (``uid.h1``, ``uid.h2``).
        """
        split = split and any(p.households > 1 for p in self.pupils)
        if split not in self._orders:
            self._orders[split] = _Order(self.pupils, self.fields, split)
        return self._orders[split]


class _Order:
    """Every pupil's items of one round and window in plan order (class, name, uid), so a
    round's items are put in order by sorting ranks (ints), not the items themselves.

    ``position[rank]``/``household[rank]``: the pupil and household (0: the only item) at
    that place; ``rank[position]``: the pupil's (first) place; ``more[position]``: the places
    of the further households of parents who live apart.
    """

    def __init__(
        self, pupils: tuple[Pupil, ...], fields: list[tuple[Any, ...]], split: bool
    ) -> None:
        positions = list(range(len(pupils)))
        households = [0] * len(pupils)
        for position, pupil in enumerate(pupils) if split else ():
            if pupil.households > 1:
                households[position] = 1
                positions.extend([position] * (pupil.households - 1))
                households.extend(range(2, pupil.households + 1))

        def parts(at: int) -> tuple[str, str, str]:
            name, class_name, _, _, pupil_id, _, _ = fields[positions[at]]
            household = households[at]
            return (class_name or "", name, f"{pupil_id}.h{household}" if household else pupil_id)

        # Joined by the lowest character the parts compare like their tuple (when none holds
        # that character), and strings cost the garbage collector nothing.
        keys = [f"{f[1] or ''}\x00{f[0]}\x00{f[4]}" for f in fields]  # = parts(position)
        for at in range(len(pupils), len(positions)) if split else ():
            keys[positions[at]] = "\x00".join(parts(positions[at]))  # its first household
            keys.append("\x00".join(parts(at)))
        if "".join(keys).count("\x00") == 2 * len(keys):
            order = sorted(range(len(keys)), key=keys.__getitem__)
        else:
            order = sorted(range(len(keys)), key=parts)
        self.position = [positions[i] for i in order]
        self.household = [households[i] for i in order]
        self.rank = [0] * len(pupils)
        self.more: dict[int, list[int]] = {}
        for rank, (position, household) in enumerate(
            zip(self.position, self.household, strict=True)
        ):
            if household > 1:
                self.more.setdefault(position, []).append(rank)
            else:
                self.rank[position] = rank

    def ranks(self, positions: list[int]) -> list[int]:
        """The sorted places of the items of the pupils at ``positions``."""
        ranks = list(map(self.rank.__getitem__, positions))
        if self.more:
            more = self.more
            ranks.extend(r for p in positions if p in more for r in more[p])
        ranks.sort()
        return ranks


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
        self._pupils: _Pupils | None = None

    @property
    def pupils(self) -> _Pupils:
        if self._pupils is None:
            self._pupils = _Pupils(self.roster.pupils, self.teachers)
        return self._pupils

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
        """Every item in plan order (:func:`_plan_order`).

        Items come in runs that share window, type and round and are already in plan order
        (a round's pupils); the runs are sorted, not the tens of thousands of items.
        """
        runs: list[list[Conversation]] = []
        for kind in self.cycle.gesprekken:
            for index, when in enumerate(kind.wanneer):
                if kind.doelgroep == "aanmelders":
                    runs.extend([c] for c in self._school_window(kind, index))
                elif kind.vorm == "terugkerend":
                    runs.extend([c] for c in self._recurring(kind, index, when))
                elif kind.vorm == "groep":
                    runs.extend([c] for c in self._meetings(kind, index))
                elif kind.status == "op_verzoek":
                    runs.extend([c] for c in self._on_request(kind, index))
                else:
                    runs.extend(self._individual(kind, index, when))
        runs.sort(key=lambda run: _plan_order(run[0])[:4])
        out: list[Conversation] = []
        start = 0
        for end in range(1, len(runs) + 1):
            if end == len(runs) or _plan_order(runs[end][0])[:4] != _plan_order(runs[start][0])[:4]:
                if end - start == 1:
                    out.extend(runs[start])
                else:  # runs of one window, type and round: order their items together
                    out.extend(sorted((c for run in runs[start:end] for c in run), key=_plan_order))
                start = end
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

    def _individual(
        self, kind: ConversationType, index: int, when: When
    ) -> list[list[Conversation]]:
        """The round's conversations, one run per window, each run in plan order."""
        if when.weken_voor_start is not None:
            by_window = self._by_start(kind, when)
        else:
            by_window = self._by_window(kind, index)
        order = self.pupils.order("ouders" in kind.deelnemers)
        pupils = self.pupils
        prefix = f"{kind.id}.{index + 1}."
        runs: list[list[Conversation]] = []
        for window, positions in by_window.items():
            templates = {
                grade: self._template(kind, index, grade, window)
                for grade in sorted(set(map(pupils.grade.__getitem__, positions)))
            }
            head = next(iter(templates.values()))[1 : _PUPIL_FIELDS.start]  # same for all
            tails = {grade: t[_PUPIL_FIELDS.stop :] for grade, t in templates.items()}
            ranks = order.ranks(positions)
            run = [
                _new_conversation(Conversation, (prefix + p[4],) + head + p + tails[p[2]])
                for p in map(pupils.fields.__getitem__, map(order.position.__getitem__, ranks))
            ]
            if order.more:  # parents living apart: an item per household
                households = list(map(order.household.__getitem__, ranks))
                for at in compress(range(len(run)), households):
                    c, household = run[at], households[at]
                    uid = f"{c.uid}.h{household}"
                    fields = (uid, *c[1:_HOUSEHOLD], household, *c[_HOUSEHOLD + 1 :])
                    run[at] = _new_conversation(Conversation, fields)
            runs.append(run)
        return runs

    def _by_window(self, kind: ConversationType, index: int) -> dict[Window, list[int]]:
        """Positions of the pupils invited to round ``index``, by their window (see
        :meth:`pupil_window`); windows are worked out in the order the roster needs them."""
        pupils = self.pupils
        by_window: dict[Window, list[int]] = {}
        if kind.doelgroep == "alle":  # everyone in the groepen: a window per groep
            for grade, positions in pupils.by_grade.items():
                if grade not in kind.groepen:
                    continue
                if grade not in pupils.started:
                    window = self.window(kind, index, grade)
                    if window is not None:
                        by_window.setdefault(window, []).extend(positions)
                    continue
                for position in positions:
                    own = self.pupil_window(kind, index, pupils.pupils[position])
                    if own is not None:
                        by_window.setdefault(own, []).append(position)
            return by_window
        for position in pupils.positions(kind.groepen):
            pupil = pupils.pupils[position]
            if self.invited(kind, pupil):
                own = self.pupil_window(kind, index, pupil)
                if own is not None:
                    by_window.setdefault(own, []).append(position)
        return by_window

    def _by_start(self, kind: ConversationType, when: When) -> dict[Window, list[int]]:
        """Like :meth:`_by_window` for a round some weeks before each pupil's start date."""
        pupils = self.pupils
        by_window: dict[Window, list[int]] = {}
        for position in pupils.positions(kind.groepen):
            pupil = pupils.pupils[position]
            if not self.invited(kind, pupil) or pupil.start_date is None:
                continue
            window = self.before_start_window(kind, when, pupil)
            if window is None:
                self.warn(
                    f"{kind.naam}: een startdatum ({pupil.start_date:%d-%m-%Y}) valt te vroeg "
                    f"in schooljaar {self.year.label} voor het venster; plan dit gesprek zelf"
                )
                continue
            by_window.setdefault(window, []).append(position)
        return by_window

    def _on_request(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        by_class: dict[str, list[Pupil]] = {}
        everyone = self.pupils.pupils
        for position in sorted(p for group in self._by_window(kind, index).values() for p in group):
            pupil = everyone[position]
            by_class.setdefault(pupil.class_name, []).append(pupil)
        for class_name, pupils in by_class.items():
            grades: tuple[int, ...] = tuple(sorted({p.grade for p in pupils}))
            window = self.window(kind, index, grades[0])
            if window is None:
                continue
            asked = [p for p in pupils if p.traits and self.requested(kind, p)]
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

    def _meetings(self, kind: ConversationType, index: int) -> Iterable[Conversation]:
        present = [(k, g) for k, g in self.pupils.class_grades if g in kind.groepen]
        if not present:
            return
        groups: dict[str, tuple[list[str], set[int]]] = {}
        for class_name, grade in present:  # as for every pupil: (class, groep) in roster order
            if kind.per == "klas":
                key, label = f"klas-{class_name}", f"Klas {class_name}"
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
        if not any(grade in kind.groepen for grade in self.pupils.by_grade):
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
