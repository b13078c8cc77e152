"""Calendars (RFC 5545) from a plan: one per teacher, family and class, and one for the school.

Pure: :func:`render_ics` takes the plan and the export time and returns ``{file name: bytes}``;
the CLI writes them with ``output.write_files``. What clients need (REFERENCE §4): a VTIMEZONE
in the RRULE form for every TZID, ``METHOD:PUBLISH`` without ATTENDEE, exclusive all-day
DTEND, EXDATEs in DTSTART's form, stable ``UID``\\ s (``<conversation uid>@<domein>``).

A conversation without a slot is an all-day, transparent (free) event over its window, so it
is visible but never blocks time. DTSTAMP is the export time the caller passes in (the CLI
uses the clock, or ``SOURCE_DATE_EPOCH`` for byte-identical re-exports): clients that compare
DTSTAMP at equal SEQUENCE then take a re-export as the newer version.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from gesprekken_cli import __version__
from gesprekken_cli.calendar import StudyDay
from gesprekken_cli.expand import AMSTERDAM, Conversation
from gesprekken_cli.expand.conversation import group_label
from gesprekken_cli.output import unique_names
from gesprekken_cli.plan import Plan

VIEWS: tuple[str, ...] = ("leerkracht", "gezin", "klas", "school")
TZID = "Europe/Amsterdam"
PRODID = f"-//gesprekken//gesprekken-cli {__version__}//NL"
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
_PARTICIPANTS_NL = {"ib": "IB'er"}
_FAMILY_TASKS = {"ouders", "kind"}
_END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True, slots=True)
class CalendarView:
    """One calendar file: who it is for, its title and the items it holds, in order."""

    view: str  # leerkracht | gezin | klas | school
    key: str  # teacher name, family key, class name or "school"
    title: str
    conversations: tuple[Conversation, ...]
    study_days: tuple[StudyDay, ...] = ()


def family_key(c: Conversation) -> str | None:
    """Siblings share ``family_id``; a pupil without one is a family of its own."""
    return c.family_id or c.pupil_id


def _is_shared(c: Conversation) -> bool:
    """A group meeting or recurring item: it belongs to every class and family it concerns."""
    return c.pupil_id is None and c.form in ("groep", "terugkerend")


def _is_open_window(c: Conversation) -> bool:
    """An on-request window for a whole class (teacher only) or for the school (aanmelders)."""
    return c.pupil_id is None and not _is_shared(c)


def awaiting_slot(c: Conversation) -> bool:
    """A conversation or meeting that still needs a time (shown as "nog in te plannen")."""
    return c.start is None and not _is_open_window(c) and not c.skipped


def unplaced_meetings(plan: Plan) -> list[str]:
    """Each group meeting without a date and time, by name, for the command's report."""
    return [
        f"{c.type_name} ({c.name}): nog in te plannen in de periode "
        f"{c.first_day:%d-%m-%Y} t/m {c.last_day:%d-%m-%Y}"
        for c in plan.conversations
        if c.form == "groep" and c.start is None
    ]


def _concerns(c: Conversation, class_name: str, grades: Collection[int]) -> bool:
    if c.class_name is not None:
        return c.class_name == class_name
    return any(g in grades for g in c.grades)


def calendar_views(plan: Plan, per: Collection[str] = VIEWS) -> list[CalendarView]:
    """Which items go into which calendar; nothing of one family reaches another's."""
    school = plan.cycle.school.naam
    year = plan.year.label
    # a pupil left out of a round (started too late) has nothing to put in a calendar
    conversations = tuple(c for c in plan.conversations if not c.skipped)
    class_grades: dict[str, set[int]] = {}
    for klass in plan.roster.classes:
        class_grades.setdefault(klass.name, set()).update(klass.grades)
    for pupil in plan.roster.pupils:
        class_grades.setdefault(pupil.class_name, set()).add(pupil.grade)
    views: list[CalendarView] = []

    if "leerkracht" in per:
        classes_of: dict[str, list[str]] = {}
        for klass in plan.roster.classes:
            for teacher in klass.teachers:
                classes_of.setdefault(teacher.name, []).append(klass.name)
        for c in conversations:
            for name in c.teachers:
                classes_of.setdefault(name, [])
        for name in sorted(classes_of):
            mine = tuple(
                c
                for c in conversations
                if name in c.teachers
                or (
                    not c.teachers
                    and c.form == "terugkerend"
                    and "leerkracht" in c.participants
                    and any(_concerns(c, k, class_grades[k]) for k in classes_of[name])
                )
            )
            views.append(CalendarView("leerkracht", name, f"{school} {year}: {name}", mine))

    if "gezin" in per:
        children: dict[str, list[tuple[str, str, int]]] = {}
        for pupil in plan.roster.pupils:
            key = pupil.family_id or pupil.pupil_id
            children.setdefault(key, []).append((pupil.display_name, pupil.class_name, pupil.grade))
        own: dict[str | None, list[Conversation]] = {}
        shared = [c for c in conversations if _is_shared(c)]
        for c in conversations:
            if c.pupil_id is not None:
                own.setdefault(family_key(c), []).append(c)
        for key in sorted(children):
            kids = children[key]
            mine = tuple(
                sorted(
                    own.get(key, [])
                    + [c for c in shared if any(_concerns(c, k, (g,)) for _, k, g in kids)],
                    key=_order,
                )
            )
            days = tuple(
                s for s in plan.calendar.study_days if any(s.applies_to(g) for _, _, g in kids)
            )
            names = ", ".join(name for name, _, _ in kids)
            households = sorted({c.household for c in own.get(key, []) if c.household})
            if not households:
                views.append(CalendarView("gezin", key, f"{school} {year}: {names}", mine, days))
            # Parents who live apart each get their own calendar: neither sees the other's times.
            for household in households:
                views.append(
                    CalendarView(
                        "gezin",
                        f"{key}-huishouden-{household}",
                        f"{school} {year}: {names} (huishouden {household})",
                        tuple(c for c in mine if c.household in (0, household)),
                        days,
                    )
                )

    if "klas" in per:
        for name in sorted(class_grades):
            grades = class_grades[name]
            mine = tuple(
                c
                for c in conversations
                if (c.pupil_id is not None and c.class_name == name)
                or (_is_shared(c) and _concerns(c, name, grades))
            )
            days = tuple(
                s for s in plan.calendar.study_days if any(s.applies_to(g) for g in grades)
            )
            title = f"{school} {year}: {group_label(name)}"
            views.append(CalendarView("klas", name, title, mine, days))

    if "school" in per:
        mine = tuple(
            c
            for c in conversations
            if _is_shared(c) or (_is_open_window(c) and c.class_name is None)
        )
        views.append(
            CalendarView(
                "school", "school", f"{school} {year}: school", mine, plan.calendar.study_days
            )
        )
    return views


def render_ics(plan: Plan, *, now: datetime, per: Collection[str] = VIEWS) -> dict[str, bytes]:
    """Every requested calendar as ``{safe unique file name: ICS bytes}``."""
    views = calendar_views(plan, per)
    stems = {
        f"{v.view}\x00{v.key}": v.view if v.view == "school" else f"{v.view}-{v.key}" for v in views
    }
    names = unique_names(stems, ".ics")
    events = _Events(plan, now)
    return {names[f"{v.view}\x00{v.key}"]: render_calendar(v, events) for v in views}


def render_calendar(view: CalendarView, events: _Events) -> bytes:
    """One VCALENDAR: properties, the Amsterdam VTIMEZONE, then the events in time order."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", view.title)
    cal.add("x-wr-timezone", TZID)
    cal.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    cal.add_component(amsterdam_vtimezone())
    family = view.view == "gezin"
    items = [(_order(c), c.uid, events.conversation(c, family)) for c in view.conversations]
    items += [((s.day, 0, time(), s.id), s.id, events.study_day(s)) for s in view.study_days]
    body = b"".join(data for _, _, data in sorted(items, key=lambda item: item[:2]))
    head = bytes(cal.to_ical())
    assert head.endswith(_END)
    return head[: -len(_END)] + body + _END


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam as one DAYLIGHT and one STANDARD rule (EU rules since 1996).

    Not ``add_missing_timezones()``: its RDATE lists are misread by ical.js (REFERENCE §4).
    """
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    for part, name, start, before, after, month in (
        (TimezoneDaylight(), "CEST", datetime(1970, 3, 29, 2), 1, 2, 3),
        (TimezoneStandard(), "CET", datetime(1970, 10, 25, 3), 2, 1, 10),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def _order(c: Conversation) -> tuple[date, int, time, str]:
    if c.start is None:
        return (c.first_day, 0, time(), c.uid)
    local = c.start.astimezone(AMSTERDAM)
    return (local.date(), 1, local.time(), c.uid)


def event_uid(ident: str, domain: str) -> str:
    """``<ident>@<domain>``; ident percent-encoded so distinct ids never share a UID."""
    return f"{quote(ident, safe='')}@{domain}"


class _Events:
    """Each event serialised once per audience (staff or family) and reused in every file.

    Folding lines is most of the cost, and a pupil's conversation sits in several calendars.
    """

    def __init__(self, plan: Plan, now: datetime) -> None:
        self.plan = plan
        self.stamp = now.astimezone(UTC).replace(microsecond=0)
        self._cache: dict[tuple[str, bool], bytes] = {}
        self.domain = plan.cycle.school.domein
        self.reminders = tuple(plan.cycle.school.herinneringen_minuten)
        self.types = {t.id: t for t in plan.cycle.gesprekken}

    def _event(self, uid: str, summary: str, description: str) -> Event:
        event = Event()
        event.add("uid", event_uid(uid, self.domain))
        event.add("dtstamp", self.stamp)
        event.add("summary", summary)
        if description:
            event.add("description", description)
        return event

    def conversation(self, c: Conversation, family: bool) -> bytes:
        key = (c.uid, family)
        data = self._cache.get(key)
        if data is None:
            data = self._cache[key] = bytes(self._conversation(c, family).to_ical())
        return data

    def study_day(self, s: StudyDay) -> bytes:
        key = (f"\x00{s.id}\x00{s.day}", False)
        data = self._cache.get(key)
        if data is None:
            data = self._cache[key] = bytes(self._study_day(s).to_ical())
        return data

    def _conversation(self, c: Conversation, family: bool) -> Event:
        timed = c.start is not None
        summary = summary_of(c)
        if awaiting_slot(c):
            summary += " – nog in te plannen"
        event = self._event(c.uid, summary, self.description(c, family))
        event.add("sequence", c.sequence)
        if c.start is not None:
            start = c.start.astimezone(AMSTERDAM)
            end = (c.end or c.start + timedelta(minutes=c.duration)).astimezone(AMSTERDAM)
            event.add("dtstart", start)
            event.add("dtend", end)
            if c.recurrence is not None:
                self._recur(event, c, start)
        else:
            event.add("dtstart", c.first_day)
            event.add("dtend", c.last_day + _DAY)
        if c.location:
            event.add("location", c.location)
        event.add("status", "CONFIRMED" if timed else "TENTATIVE")
        busy = timed and c.status != "facultatief"
        event.add("transp", "OPAQUE" if busy else "TRANSPARENT")
        if c.pupil_id is not None:
            event.add("class", "PRIVATE")
        if timed and c.recurrence is None:
            for minutes in self.reminders:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", summary)
                alarm.add("trigger", timedelta(minutes=-minutes))
                event.add_component(alarm)
        return event

    def _recur(self, event: Event, c: Conversation, start: datetime) -> None:
        """Weekly until the last school week; EXDATE (same TZID form) for days without school."""
        cal = self.plan.calendar
        day, last = start.date(), start.date()
        skipped: list[datetime] = []
        while day <= c.last_day:
            if cal.is_school_day(day):
                last = day
            else:
                skipped.append(datetime.combine(day, start.time(), AMSTERDAM))
            day += _WEEK
        until = datetime.combine(last, start.time(), AMSTERDAM).astimezone(UTC)
        event.add("rrule", {"freq": "weekly", "until": until})
        for moment in skipped:
            if moment.date() < last:
                event.add("exdate", moment)

    def _study_day(self, s: StudyDay) -> Event:
        groups = (
            "alle groepen" if not s.grades else "groep " + ", ".join(map(str, sorted(s.grades)))
        )
        event = self._event(
            f"studiedag.{s.id}.{s.day:%Y%m%d}", s.name, f"Studiedag: geen les voor {groups}."
        )
        event.add("dtstart", s.day)
        event.add("dtend", s.day + _DAY)
        event.add("transp", "TRANSPARENT")
        return event

    def description(self, c: Conversation, family: bool) -> str:
        kind = self.types.get(c.type_id)
        lines: list[str] = []
        if kind is not None and kind.doel:
            lines += ["Doel:", *(f"- {goal}" for goal in kind.doel)]
        who = [_PARTICIPANTS_NL.get(p, p) for p in c.participants]
        if c.teachers and "leerkracht" in who:
            who[who.index("leerkracht")] = "leerkracht (" + ", ".join(c.teachers) + ")"
        lines.append("Deelnemers: " + ", ".join(who))
        if c.pupil_id is not None or c.form == "terugkerend":
            lines.append("Kind aanwezig: " + ("ja" if c.child_present else "nee"))
        if c.household:
            lines.append(f"Huishouden {c.household} (ouders apart uitgenodigd)")
        tasks = [t for t in c.tasks if not family or t.who in _FAMILY_TASKS]
        if tasks:
            lines.append("Voorbereiding:")
            for t in tasks:
                extra = [t.who]
                if t.due is not None:
                    extra.append(f"uiterlijk {t.due:%d-%m-%Y}")
                if t.channel:
                    extra.append(f"via {t.channel}")
                lines.append(f"- {t.task} ({', '.join(extra)})")
        if awaiting_slot(c):
            window = f"{c.first_day:%d-%m-%Y} t/m {c.last_day:%d-%m-%Y}"
            line = f"Nog geen tijd gepland; het gesprek valt in de periode {window}."
            if kind is not None and kind.kanaal:
                line += f" De uitnodiging komt via {kind.kanaal}."
            lines.append(line)
        if c.note and not family:
            lines.append(c.note)
        return "\n".join(lines)


def summary_of(c: Conversation) -> str:
    """Dutch title: ``Startgesprek Emma de Vries (groep 5A)``."""
    if c.pupil_id is not None:
        where = group_label(c.class_name) if c.class_name else ""
        if c.household:
            where = f"{where}, huishouden {c.household}".lstrip(", ")
        return f"{c.type_name} {c.name} ({where})" if where else f"{c.type_name} {c.name}"
    if c.form == "terugkerend":
        return c.type_name
    if _is_open_window(c):
        if c.class_name:
            return f"{c.type_name}: op verzoek ({group_label(c.class_name)})"
        return f"{c.type_name}: op verzoek ({c.name})"
    return f"{c.type_name} ({c.name})"


def count_events(files: Iterable[bytes]) -> int:
    """How many VEVENTs the rendered files hold (for the CLI's summary line)."""
    return sum(data.count(b"BEGIN:VEVENT") for data in files)
