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

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime, time, timedelta
from urllib.parse import quote

from gesprekken_cli import __version__
from gesprekken_cli.calendar import StudyDay
from gesprekken_cli.expand import AMSTERDAM, Conversation, PrepTask
from gesprekken_cli.expand.conversation import group_label
from gesprekken_cli.output import unique_names
from gesprekken_cli.plan import Plan
from gesprekken_cli.recipients import (
    VIEWS,
    CalendarView,
    awaiting_slot,
    calendar_views,
    confidential,
    is_open_window,
    plan_order,
)
from gesprekken_cli.render.ical_text import (
    day_stamp,
    duration,
    line,
    local_stamp,
    text,
    utc_stamp,
)

__all__ = ["VIEWS", "CalendarView", "awaiting_slot", "calendar_views", "render_ics"]

TZID = "Europe/Amsterdam"
PRODID = f"-//gesprekken//gesprekken-cli {__version__}//NL"
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)
_PARTICIPANTS_NL = {"ib": "IB'er"}
_FAMILY_TASKS = {"ouders", "kind"}
_END = b"END:VCALENDAR\r\n"


def render_ics(plan: Plan, *, now: datetime, per: Collection[str] = VIEWS) -> dict[str, bytes]:
    """Every requested calendar as ``{safe unique file name: ICS bytes}``."""
    return render_views(plan, calendar_views(plan, per), now=now)


def render_calendar_set(
    plan: Plan,
    views: list[CalendarView],
    *,
    now: datetime,
    tick: Callable[[], object] | None = None,
) -> dict[str, bytes]:
    """The calendars plus ``index.csv`` saying which file goes to whom."""
    from gesprekken_cli.render.ics_index import INDEX, render_index

    names = file_names(views)
    files = render_views(plan, views, now=now, tick=tick, names=names)
    files[INDEX] = render_index(views, names, plan.roster)
    return files


def file_names(views: Iterable[CalendarView]) -> dict[tuple[str, str], str]:
    """``(view, key)`` → its safe unique file name (``leerkracht-kees-blom.ics``)."""
    stems = {
        f"{v.view}\x00{v.key}": v.view if v.view == "school" else f"{v.view}-{v.key}" for v in views
    }
    names = unique_names(stems, ".ics")
    out: dict[tuple[str, str], str] = {}
    for key, name in names.items():
        view, _, who = key.partition("\x00")
        out[(view, who)] = name
    return out


def render_calendars(plan: Plan, views: Iterable[CalendarView], *, now: datetime) -> list[bytes]:
    """The calendars of ``views`` in order, without file names (e-mail attachments)."""
    events = _Events(plan, now)
    return [render_calendar(v, events) for v in views]


def render_views(
    plan: Plan,
    views: list[CalendarView],
    *,
    now: datetime,
    tick: Callable[[], object] | None = None,
    names: Mapping[tuple[str, str], str] | None = None,
) -> dict[str, bytes]:
    """The given calendars as ``{file name: ICS bytes}``; ``tick`` is called after each one."""
    names = names or file_names(views)
    events = _Events(plan, now)
    out: dict[str, bytes] = {}
    for v in views:
        out[names[(v.view, v.key)]] = render_calendar(v, events)
        if tick is not None:
            tick()
    return out


def render_calendar(view: CalendarView, events: _Events) -> bytes:
    """One VCALENDAR: properties, the Amsterdam VTIMEZONE, then the events in time order."""
    audience = _AUDIENCE[view.view]
    items = [(plan_order(c), c.uid, events.conversation(c, audience)) for c in view.conversations]
    items += [((s.day, 0, time(), s.id), s.id, events.study_day(s)) for s in view.study_days]
    items.sort(key=lambda item: item[:2])
    head = _HEAD + line("X-WR-CALNAME", text(view.title)) + _HEAD_TAIL
    return b"".join([head, *(data for _, _, data in items), _END])


_AUDIENCE = {"leerkracht": "staff", "gezin": "family", "klas": "public", "school": "public"}
_HEAD = b"".join(
    line(name, value)
    for name, value in (
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", text(PRODID)),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    )
)


def amsterdam_vtimezone() -> bytes:
    """Europe/Amsterdam as one DAYLIGHT and one STANDARD rule (EU rules since 1996).

    Not ``add_missing_timezones()``: its RDATE lists are misread by ical.js (REFERENCE §4).
    """
    out = [line("BEGIN", "VTIMEZONE"), line("TZID", TZID), line("X-LIC-LOCATION", TZID)]
    for part, name, start, before, after, month in (
        ("DAYLIGHT", "CEST", "19700329T020000", 1, 2, 3),
        ("STANDARD", "CET", "19701025T030000", 2, 1, 10),
    ):
        out += [
            line("BEGIN", part),
            line("DTSTART", start),
            line("RRULE", f"FREQ=YEARLY;BYDAY=-1SU;BYMONTH={month}"),
            line("TZNAME", name),
            line("TZOFFSETFROM", f"+{before:02d}00"),
            line("TZOFFSETTO", f"+{after:02d}00"),
            line("END", part),
        ]
    out.append(line("END", "VTIMEZONE"))
    return b"".join(out)


_HEAD_TAIL = (
    line("REFRESH-INTERVAL;VALUE=DURATION", "P1D")
    + line("X-PUBLISHED-TTL", "P1D")
    + line("X-WR-TIMEZONE", TZID)
    + amsterdam_vtimezone()
)


_PLAIN_ID = re.compile(r"[A-Za-z0-9_.~-]+")


def event_uid(ident: str, domain: str) -> str:
    """``<ident>@<domain>``; ident percent-encoded so distinct ids never share a UID."""
    if _PLAIN_ID.fullmatch(ident):  # what quote() leaves as it is
        return f"{ident}@{domain}"
    return f"{quote(ident, safe='')}@{domain}"


class _Events:
    """Each event written once per audience (staff, family, public) and reused in every file.

    A pupil's conversation sits in several calendars; the public form of a confidential one
    (class calendars) carries neither the pupil's name nor a household.
    """

    def __init__(self, plan: Plan, now: datetime) -> None:
        self.plan = plan
        self.stamp = line("DTSTAMP", utc_stamp(now.replace(microsecond=0)))
        self._cache: dict[tuple[str, str], bytes] = {}
        self._lines: dict[str, bytes] = {}  # descriptions repeat across pupils of a class
        self._frames: dict[str, tuple[bytes, bytes]] = {}
        self._heads: dict[tuple[str, bool], tuple[bytes, bytes]] = {}
        self._goals: dict[str, list[str]] = {}
        self._who: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
        self._tasks: dict[tuple[tuple[PrepTask, ...], bool], list[str]] = {}
        self.domain = plan.cycle.school.domein
        self.reminders = tuple(plan.cycle.school.herinneringen_minuten)
        self.types = {t.id: t for t in plan.cycle.gesprekken}

    def conversation(self, c: Conversation, audience: str) -> bytes:
        if audience == "public" and not confidential(c, self.types):
            audience = "staff"
        key = (c.uid, audience)
        data = self._cache.get(key)
        if data is None:
            data = self._cache[key] = self._conversation(c, audience)
        return data

    def study_day(self, s: StudyDay) -> bytes:
        key = (f"\x00{s.id}\x00{s.day}", "")
        data = self._cache.get(key)
        if data is None:
            data = self._cache[key] = self._study_day(s)
        return data

    def _conversation(self, c: Conversation, audience: str) -> bytes:
        hidden = audience == "public"
        if hidden:
            c = c._replace(name="", household=0)
        key = (c.uid, hidden)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = self._head(c)
        opening, tail = head
        description = self.description(c, audience)
        if not description:
            return opening + tail
        data = self._lines.get(description)
        if data is None:
            data = self._lines[description] = line("DESCRIPTION", text(description))
        return b"".join((opening, data, tail))

    def _head(self, c: Conversation) -> tuple[bytes, bytes]:
        """The event without its DESCRIPTION, which is all that differs between audiences."""
        summary = summary_of(c)
        if awaiting_slot(c):
            summary += " – nog in te plannen"
        frame = self._frames.get(c.uid)
        if frame is None:
            frame = self._frames[c.uid] = self._frame(c)
        when, tail = frame
        opening = b"BEGIN:VEVENT\r\n" + line("SUMMARY", text(summary)) + when
        alarms = b""
        if c.start is not None and c.recurrence is None:
            for minutes in self.reminders:
                alarms += b"".join(
                    [
                        b"BEGIN:VALARM\r\n",
                        line("ACTION", "DISPLAY"),
                        line("DESCRIPTION", text(summary)),
                        line("TRIGGER", duration(timedelta(minutes=-minutes))),
                        b"END:VALARM\r\n",
                    ]
                )
        return opening, tail + alarms + b"END:VEVENT\r\n"

    def _frame(self, c: Conversation) -> tuple[bytes, bytes]:
        """What every audience shares: the lines from DTSTART to CLASS, and LOCATION to TRANSP."""
        out: list[bytes] = []
        timed = c.start is not None
        if c.start is not None:
            start = c.start.astimezone(AMSTERDAM)
            end = (c.end or c.start + timedelta(minutes=c.duration)).astimezone(AMSTERDAM)
            out.append(line(f"DTSTART;TZID={TZID}", local_stamp(start)))
            out.append(line(f"DTEND;TZID={TZID}", local_stamp(end)))
        else:
            out.append(line("DTSTART;VALUE=DATE", day_stamp(c.first_day)))
            out.append(line("DTEND;VALUE=DATE", day_stamp(c.last_day + _DAY)))
        out.append(self.stamp)
        out.append(line("UID", text(event_uid(c.uid, self.domain))))
        out.append(b"SEQUENCE:%d\r\n" % c.sequence)
        if c.start is not None and c.recurrence is not None:
            out += self._recur(c, c.start.astimezone(AMSTERDAM))
        if c.pupil_id is not None:
            out.append(b"CLASS:PRIVATE\r\n")
        tail: list[bytes] = []
        if c.location:
            tail.append(line("LOCATION", text(c.location)))
        tail.append(b"STATUS:CONFIRMED\r\n" if timed else b"STATUS:TENTATIVE\r\n")
        busy = timed and c.status != "facultatief"
        tail.append(b"TRANSP:OPAQUE\r\n" if busy else b"TRANSP:TRANSPARENT\r\n")
        return b"".join(out), b"".join(tail)

    def _recur(self, c: Conversation, start: datetime) -> list[bytes]:
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
        until = datetime.combine(last, start.time(), AMSTERDAM)
        out = [line("RRULE", f"FREQ=WEEKLY;UNTIL={utc_stamp(until)}")]
        out += [
            line(f"EXDATE;TZID={TZID}", local_stamp(moment))
            for moment in skipped
            if moment.date() < last
        ]
        return out

    def _study_day(self, s: StudyDay) -> bytes:
        groups = (
            "alle groepen" if not s.grades else "groep " + ", ".join(map(str, sorted(s.grades)))
        )
        uid = event_uid(f"studiedag.{s.id}.{s.day:%Y%m%d}", self.domain)
        return b"".join(
            [
                b"BEGIN:VEVENT\r\n",
                line("SUMMARY", text(s.name)),
                line("DTSTART;VALUE=DATE", day_stamp(s.day)),
                line("DTEND;VALUE=DATE", day_stamp(s.day + _DAY)),
                self.stamp,
                line("UID", text(uid)),
                line("DESCRIPTION", text(f"Studiedag: geen les voor {groups}.")),
                line("TRANSP", "TRANSPARENT"),
                b"END:VEVENT\r\n",
            ]
        )

    def description(self, c: Conversation, audience: str) -> str:
        family = audience == "family"
        kind = self.types.get(c.type_id)
        goals = self._goals.get(c.type_id)
        if goals is None:
            goals = self._goals[c.type_id] = (
                ["Doel:", *(f"- {goal}" for goal in kind.doel)] if kind and kind.doel else []
            )
        lines = list(goals)
        who = self._who.get((c.participants, c.teachers))
        if who is None:
            who = self._who[(c.participants, c.teachers)] = participants_text(c)
        lines.append(who)
        if c.pupil_id is not None or c.form == "terugkerend":
            lines.append("Kind aanwezig: " + ("ja" if c.child_present else "nee"))
        if c.household:
            lines.append(f"Huishouden {c.household} (ouders apart uitgenodigd)")
        if c.tasks:
            tasks = self._tasks.get((c.tasks, family))
            if tasks is None:
                tasks = self._tasks[(c.tasks, family)] = tasks_text(c.tasks, family)
            lines += tasks
        if awaiting_slot(c):
            window = f"{c.first_day:%d-%m-%Y} t/m {c.last_day:%d-%m-%Y}"
            waiting = f"Nog geen tijd gepland; het gesprek valt in de periode {window}."
            if kind is not None and kind.kanaal:
                waiting += f" De uitnodiging komt via {kind.kanaal}."
            lines.append(waiting)
        if c.note and audience == "staff":
            lines.append(c.note)
        return "\n".join(lines)


def participants_text(c: Conversation) -> str:
    """``Deelnemers: ouders, kind, leerkracht (Kees Blom)``."""
    who = [_PARTICIPANTS_NL.get(p, p) for p in c.participants]
    if c.teachers and "leerkracht" in who:
        who[who.index("leerkracht")] = "leerkracht (" + ", ".join(c.teachers) + ")"
    return "Deelnemers: " + ", ".join(who)


def tasks_text(tasks: tuple[PrepTask, ...], family: bool) -> list[str]:
    """The preparation lines; a family sees only what parents and the child do."""
    mine = [t for t in tasks if not family or t.who in _FAMILY_TASKS]
    if not mine:
        return []
    lines = ["Voorbereiding:"]
    for t in mine:
        extra = [t.who]
        if t.due is not None:
            extra.append(f"uiterlijk {t.due:%d-%m-%Y}")
        if t.channel:
            extra.append(f"via {t.channel}")
        lines.append(f"- {t.task} ({', '.join(extra)})")
    return lines


def summary_of(c: Conversation) -> str:
    """Dutch title: ``Startgesprek Emma de Vries (groep 5A)``."""
    if c.pupil_id is not None:
        where = group_label(c.class_name) if c.class_name else ""
        if not c.name:  # a confidential conversation in a class calendar
            return f"{c.type_name} ({where}, vertrouwelijk)" if where else c.type_name
        if c.household:
            where = f"{where}, huishouden {c.household}".lstrip(", ")
        return f"{c.type_name} {c.name} ({where})" if where else f"{c.type_name} {c.name}"
    if c.form == "terugkerend":
        return c.type_name
    if is_open_window(c):
        if c.class_name:
            return f"{c.type_name}: op verzoek ({group_label(c.class_name)})"
        return f"{c.type_name}: op verzoek ({c.name})"
    return f"{c.type_name} ({c.name})"


def count_events(files: Iterable[bytes]) -> int:
    """How many VEVENTs the rendered files hold (for the CLI's summary line)."""
    return sum(data.count(b"BEGIN:VEVENT") for data in files)
