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
from datetime import date, datetime
from typing import Any

from gesprekken_cli.expand import AMSTERDAM
from gesprekken_cli.invitations import Invitation, Item, join_nl
from gesprekken_cli.output import unique_names
from gesprekken_cli.plan import Plan
from gesprekken_cli.render.day_list import day_heading
from gesprekken_cli.render.excel import date_cell, excel_csv, family_number, time_cell
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


def when_text(item: Item) -> tuple[str, str]:
    """(``maandag 5 oktober 2026``, ``15.30–15.45``) or ("", "") without a time."""
    if item.start is None:
        return "", ""
    start = item.start.astimezone(AMSTERDAM)
    end = (item.end or item.start).astimezone(AMSTERDAM)
    hours = f"{start.hour:02d}.{start.minute:02d}–{end.hour:02d}.{end.minute:02d} uur"
    return _day_heading(start.date()), hours


_day_heading = functools.lru_cache(maxsize=1024)(day_heading)


def when_cells(items: Sequence[Item]) -> tuple[str, str, str]:
    """Datum, Begin and Eind of a household's appointments in one round, when all of them have
    a time on one day (brothers and sisters back to back); else three empty cells."""
    starts = [item.start for item in items if item.start is not None]
    if not starts or len(starts) != len(items):
        return "", "", ""
    ends = [item.end or item.start for item in items if item.start is not None]
    if len({date_cell(moment) for moment in starts}) != 1:
        return "", "", ""
    return date_cell(min(starts)), time_cell(min(starts)), time_cell(max(ends))


def _dmy(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def context(invitation: Invitation, school: str, sender: str) -> dict[str, Any]:
    """What the template sees: plain strings, lists and booleans only (``afzender`` empty when
    the school gave no address to reply to)."""
    appointments = []
    for item in invitation.items:
        day, time = when_text(item)
        appointments.append(
            {
                "kind": item.child,
                "klas": item.class_name,
                "dag": day,
                "tijd": time,
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


def _valid(emails: Sequence[str]) -> tuple[str, ...]:
    return tuple(e for e in emails if _ADDRESS.match(e))


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
    """Every message, letter and the CSV; ``tick`` after each invitation (progress)."""
    school = plan.cycle.school.naam
    domain = plan.cycle.school.domein
    stems = unique_names({inv.key: inv.key for inv in invitations}, "")
    calendars = render_calendars(plan, [inv.calendar for inv in invitations], now=now)
    files: dict[str, bytes] = {}
    messages: list[Message] = []
    letters: list[str] = []
    rows: list[list[object]] = []
    for inv, data in zip(invitations, calendars, strict=True):
        rendered = template.render(context(inv, school, reply_to))
        recipients = _valid(inv.emails)
        stem = stems[inv.key]
        if recipients:
            name = f"{stem}.eml"
            digest = content_digest(inv.key, recipients, rendered.subject, rendered.text)
            msgid = message_id(inv.key, digest, domain)
            eml = build_message(
                sender=sender,
                recipients=recipients,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                calendar=data,
                date=now,
                msgid=msgid,
            )
            files[name] = eml
            messages.append(Message(name, msgid, recipients, eml))
        else:
            name = f"brief-{stem}.html"
            files[name] = letter(rendered, inv, school, now).encode("utf-8")
            letters.append(name)
        appointments = "; ".join(
            f"{item.child}: "
            + (" ".join(when_text(item)) if item.start else "nog niet ingepland")
            + (f", {join_nl(list(item.teachers))}" if item.teachers else "")
            + (f", {item.location}" if item.location else "")
            for item in inv.items
        )
        rows.append(
            [
                inv.children,
                family_number(inv.family),
                inv.household or "",
                *when_cells(inv.items),
                inv.type_name,
                ", ".join(recipients),
                "ja" if not recipients else "",
                "ja" if inv.sibling_care else "",
                appointments,
                "; ".join(inv.preparation),
                rendered.subject,
                name,
            ]
        )
        if tick is not None:
            tick()
    files[CSV_NAME] = excel_csv(CSV_HEADER, rows)
    return InvitationFiles(files, tuple(messages), tuple(letters))
