"""The files of ``uitnodigingen``: one ``.eml`` per household and round, letters, a CSV.

Pure: takes the invitations, the template, the sender and the export time; returns the file
contents and the list of messages (for sending) and of letters (households without e-mail).
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from gesprekken_cli.expand import AMSTERDAM
from gesprekken_cli.invitations import Invitation, Item, join_nl
from gesprekken_cli.output import unique_names
from gesprekken_cli.plan import Plan
from gesprekken_cli.render.day_list import day_heading
from gesprekken_cli.render.excel import excel_csv, family_number
from gesprekken_cli.render.ics import render_calendars
from gesprekken_cli.render.mail_template import MailTemplate, Rendered
from gesprekken_cli.render.mime import build_message, content_digest, message_id

CSV_NAME = "uitnodigingen.csv"
# Who and when first (A4 landscape when Excel prints the file as it opens): the children,
# the gezin number as the school wrote it, the household, and Datum/Begin/Eind as cells Dutch
# Excel reads as a date and times (the family's appointments of the round: siblings are on one
# day, back to back; empty when they are not on one day or not planned yet).
CSV_HEADER = (
    "Kinderen",
    "Gezin",
    "Huishouden",
    "Datum",
    "Begin",
    "Eind",
    "Gesprek",
    "E-mailadressen",
    "Brief",
    "Opvang",
    "Afspraken",
    "Voorbereiding",
    "Onderwerp",
    "Bestand",
)
_ADDRESS = re.compile(r"^[^\s@,;<>\"]+@[^\s@,;<>\"]+$")


@dataclass(frozen=True, slots=True)
class Message:
    """One e-mail ready to send: the file it is in, its id, recipients and bytes."""

    file: str
    msgid: str
    recipients: tuple[str, ...]
    data: bytes


@dataclass(frozen=True, slots=True)
class InvitationFiles:
    files: dict[str, bytes]
    messages: tuple[Message, ...]
    letters: tuple[str, ...]  # letter file names (households without an address)


@dataclass(frozen=True, slots=True)
class When:
    """An appointment's time as every output writes it, worked out once per conversation."""

    day: str  # ``maandag 5 oktober 2026``; empty without a time
    hours: str  # ``15.30–15.45 uur``
    date_cell: str  # ``05-10-2026`` (Excel)
    begin_cell: str  # ``15:30``
    end_cell: str  # ``15:45``


_NO_TIME = When("", "", "", "", "")


def when_of(item: Item) -> When:
    """The texts and Excel cells of an item's time (Dutch time), or empty ones without."""
    if item.start is None:
        return _NO_TIME
    start = item.start.astimezone(AMSTERDAM)
    end = (item.end or item.start).astimezone(AMSTERDAM)
    return When(
        _day_heading(start.date()),
        f"{start.hour:02d}.{start.minute:02d}–{end.hour:02d}.{end.minute:02d} uur",
        f"{start.day:02d}-{start.month:02d}-{start.year}",
        f"{start.hour:02d}:{start.minute:02d}",
        f"{end.hour:02d}:{end.minute:02d}",
    )


def when_text(item: Item) -> tuple[str, str]:
    """(``maandag 5 oktober 2026``, ``15.30–15.45``) or ("", "") without a time."""
    when = when_of(item)
    return when.day, when.hours


_day_heading = functools.lru_cache(maxsize=1024)(day_heading)


def when_cells(items: Sequence[Item], whens: Sequence[When] | None = None) -> tuple[str, str, str]:
    """Datum, Begin and Eind of a household's appointments in one round, when all of them have
    a time on one day (brothers and sisters back to back); else three empty cells."""
    whens = whens if whens is not None else [when_of(item) for item in items]
    timed = [
        (item.start, item.end or item.start, when)
        for item, when in zip(items, whens, strict=True)
        if item.start is not None
    ]
    if not timed or len(timed) != len(items) or len({t[2].date_cell for t in timed}) != 1:
        return "", "", ""
    first = min(timed, key=lambda t: t[0])
    last = max(timed, key=lambda t: t[1])
    return first[2].date_cell, first[2].begin_cell, last[2].end_cell


def _dmy(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def context(
    invitation: Invitation, school: str, sender: str, whens: Sequence[When] | None = None
) -> dict[str, Any]:
    """What the template sees: plain strings, lists and booleans only (``afzender`` empty when
    the school gave no address to reply to)."""
    appointments = []
    whens = whens if whens is not None else [when_of(item) for item in invitation.items]
    for item, when in zip(invitation.items, whens, strict=True):
        day, hours = when.day, when.hours
        appointments.append(
            {
                "kind": item.child,
                "klas": item.class_name,
                "dag": day,
                "tijd": hours,
                "periode": f"{_dmy(item.first_day)} en {_dmy(item.last_day)}",
                "leerkrachten": join_nl(list(item.teachers)) or "de leerkracht",
                "lokaal": item.location,
                "kind_komt": item.child_present,
            }
        )
    return {
        "school": school,
        "afzender": sender,
        "gesprek": invitation.type_name,
        "doelen": list(invitation.goals),
        "kinderen": invitation.children,
        "ouders_apart": invitation.household > 0,
        "huishouden": invitation.household,
        "afspraken": appointments,
        "voorbereiding": list(invitation.preparation),
        "opvang": invitation.sibling_care,
        "kanaal": invitation.channel,
    }


_LETTER = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
<style>
@page {{ size: A4; margin: 20mm; }}
body {{ font-family: Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.45;
  max-width: 170mm; margin: 0 auto; color: #000; }}
.kop {{ display: flex; justify-content: space-between; border-bottom: 1px solid #000;
  margin-bottom: 12mm; padding-bottom: 3mm; }}
.aan {{ margin-bottom: 10mm; }}
table {{ border-collapse: collapse; width: 100%; margin: 4mm 0; }}
th, td {{ border: 1px solid #666; padding: 1.5mm 2mm; text-align: left; vertical-align: top; }}
th {{ background: #eee; }}
@media screen {{ body {{ margin: 15mm auto; }} }}
</style></head><body>
<div class="kop"><strong>{school}</strong><span>{date}</span></div>
<div class="aan">Aan de ouder(s)/verzorger(s) van {children}</div>
{body}</body></html>
"""


def letter(rendered: Rendered, invitation: Invitation, school: str, now: datetime) -> str:
    """A printable A4 letter (for the school bag) around the template's HTML block."""
    esc = html_lib.escape
    return _LETTER.format(
        title=esc(rendered.subject),
        school=esc(school),
        date=esc(f"{now.astimezone(AMSTERDAM):%d-%m-%Y}"),
        children=esc(invitation.children),
        body=rendered.html,
    )


def _first(items: Sequence[Item]) -> tuple[date, int, time, str]:
    """When a household's round begins: its first timed appointment, or the first day of its
    window when none has a time yet (as the plan orders them)."""
    keys = [(item.first_day, 0, time(), "") for item in items if item.start is None]
    for item in items:
        if item.start is not None:
            start = item.start.astimezone(AMSTERDAM)
            keys.append((start.date(), 1, start.time(), ""))
    return min(keys, default=(date.min, 0, time(), ""))


def _valid(emails: Sequence[str]) -> tuple[str, ...]:
    return tuple(e for e in emails if _ADDRESS.match(e))


@dataclass(frozen=True, slots=True)
class _Made:
    """One invitation rendered: its file, the message (None for a letter) and its CSV row."""

    name: str
    data: bytes
    message: Message | None
    order: tuple[str, tuple[date, int, time, str], int]
    row: list[object]


def render_invitations(
    plan: Plan,
    invitations: Sequence[Invitation],
    template: MailTemplate,
    *,
    sender: str,
    reply_to: str = "",
    now: datetime,
    tick: Callable[[], object] | None = None,
) -> InvitationFiles:
    """Every message, letter and the CSV; ``tick`` after each invitation (progress).

    The invitations are rendered one by one (each one's bytes depend on it alone).
    """
    school = plan.cycle.school.naam
    domain = plan.cycle.school.domein
    stems = unique_names({inv.key: inv.key for inv in invitations}, "")

    def work(chunk: Sequence[Invitation]) -> list[_Made]:
        calendars = render_calendars(plan, [inv.calendar for inv in chunk], now=now)
        known: dict[str, When] = {}  # by conversation: a split family's items are in two
        made: list[_Made] = []
        for inv, data in zip(chunk, calendars, strict=True):
            whens = []
            for item in inv.items:
                when = known.get(item.uid)
                if when is None:
                    when = known[item.uid] = when_of(item)
                whens.append(when)
            rendered = template.render(context(inv, school, reply_to, whens))
            made.append(
                _one(inv, whens, rendered, stems[inv.key], data, sender, school, domain, now)
            )
            if tick is not None:
                tick()
        return made

    made = work(invitations)
    files = {m.name: m.data for m in made}
    # A family's rows in the order of their first appointment, then household (issue 16).
    rows = [m.row for _, m in sorted(enumerate(made), key=lambda pair: (pair[1].order, pair[0]))]
    files[CSV_NAME] = excel_csv(CSV_HEADER, rows)
    messages = tuple(m.message for m in made if m.message is not None)
    letters = tuple(m.name for m in made if m.message is None)
    return InvitationFiles(files, messages, letters)


def _one(
    inv: Invitation,
    whens: Sequence[When],
    rendered: Rendered,
    stem: str,
    calendar: bytes,
    sender: str,
    school: str,
    domain: str,
    now: datetime,
) -> _Made:
    """The file, message and CSV row of one invitation."""
    recipients = _valid(inv.emails)
    message = None
    if recipients:
        name = f"{stem}.eml"
        digest = content_digest(inv.key, recipients, rendered.subject, rendered.text)
        msgid = message_id(inv.key, digest, domain)
        data = build_message(
            sender=sender,
            recipients=recipients,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            calendar=calendar,
            date=now,
            msgid=msgid,
        )
        message = Message(name, msgid, recipients, data)
    else:
        name = f"brief-{stem}.html"
        data = letter(rendered, inv, school, now).encode("utf-8")
    appointments = "; ".join(
        f"{item.child}: "
        + (f"{when.day} {when.hours}" if item.start else "nog niet ingepland")
        + (f", {join_nl(list(item.teachers))}" if item.teachers else "")
        + (f", {item.location}" if item.location else "")
        for item, when in zip(inv.items, whens, strict=True)
    )
    row: list[object] = [
        inv.children,
        family_number(inv.family),
        inv.household or "",
        *when_cells(inv.items, whens),
        inv.type_name,
        ", ".join(recipients),
        "ja" if not recipients else "",
        "ja" if inv.sibling_care else "",
        appointments,
        "; ".join(inv.preparation),
        rendered.subject,
        name,
    ]
    return _Made(name, data, message, (inv.family, _first(inv.items), inv.household), row)
