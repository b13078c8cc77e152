"""The words a checklist is printed with, shared by Markdown, CSV and the HTML page."""

from __future__ import annotations

from datetime import date

from gesprekken_cli.checklist import Checklist, PupilRow, Slot, TaskLine, join_nl

_DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def day_text(day: date, year: bool = True) -> str:
    """``ma 07-09-2026`` (or ``ma 07-09`` without the year)."""
    return (
        f"{_DAYS[day.weekday()]} {day:%d-%m-%Y}" if year else f"{_DAYS[day.weekday()]} {day:%d-%m}"
    )


def slot_text(slot: Slot, year: bool = True) -> str:
    """``di 08-09-2026 15.00–15.15`` for a slot, the window when there is none."""
    if slot.start is not None:
        end = f"–{slot.end:%H.%M}" if slot.end is not None else ""
        return f"{day_text(slot.start.date(), year)} {slot.start:%H.%M}{end}"
    if slot.first_day == slot.last_day:
        return day_text(slot.first_day)
    return f"{day_text(slot.first_day, year=False)} t/m {day_text(slot.last_day)}"


def appointments(row: PupilRow) -> list[str]:
    """The pupil's slots without the year (it is in the title), two households labelled.

    Empty while nothing is scheduled.
    """
    if all(s.start is None for s in row.slots):
        return []
    if len(row.slots) == 1:
        return [slot_text(row.slots[0], year=False)]
    return [
        f"huishouden {s.household}: {slot_text(s, False) if s.start else 'nog niet gepland'}"
        for s in row.slots
    ]


def appointment_text(row: PupilRow) -> str:
    return "; ".join(appointments(row))


def row_notes(cl: Checklist, row: PupilRow) -> list[str]:
    """What sets a row apart: two households, a window other than the round's, a request."""
    notes = []
    if len(row.slots) > 1 and all(s.start is None for s in row.slots):
        notes.append(f"{len(row.slots)} gesprekken (per huishouden)")
    first = min(s.first_day for s in row.slots)
    last = max(s.last_day for s in row.slots)
    if (first, last) != (cl.first_day, cl.last_day) and not appointment_text(row):
        notes.append("periode " + window_text(first, last))
    if row.requested:
        notes.append("verzoek staat in het rooster")
    if row.unplaced:
        notes.append("niet ingepland: " + row.unplaced)
    return notes


def window_text(first: date, last: date) -> str:
    if first == last:
        return day_text(first)
    return f"{day_text(first)} t/m {day_text(last)}"


def header_lines(cl: Checklist) -> list[str]:
    """The facts under the title, shared by Markdown and HTML (plain text, not escaped)."""
    where = (
        "klas " + ", ".join(cl.classes) if cl.classes else "groep " + "/".join(map(str, cl.grades))
    )
    status = {"verplicht": "verplicht", "facultatief": "facultatief", "op_verzoek": "op verzoek"}
    lines = [
        f"Schooljaar {cl.school_year} · {cl.school} · {where} · {status.get(cl.status, cl.status)}",
        f"Periode: {window_text(cl.first_day, cl.last_day)} · {cl.duration} minuten"
        + (f" · plannen via {cl.channel}" if cl.channel else ""),
        "Deelnemers: " + join_nl(list(cl.participants)),
    ]
    return lines


def task_text(t: TaskLine) -> tuple[str, str]:
    """(due, rest) of a task line in words."""
    due = f"uiterlijk {day_text(t.due)}" if t.due else "geen vaste datum"
    via = f", via {t.channel}" if t.channel else ""
    note = f"; {t.note}" if t.note else ""
    return due, f"{t.task} ({t.who}{via}; {t.rule}{note})"


def rows_title(cl: Checklist) -> str:
    return "Leerlingen die een gesprek kunnen aanvragen" if cl.on_request else "Leerlingen"


def tick_label(tick: str) -> str:
    """A tick box as a column head: first letter upper case, the rest as written."""
    return tick[0].upper() + tick[1:]


def count_text(cl: Checklist) -> str:
    """``27 leerlingen, broertjes en zusjes samen``; pupils left out of the round apart."""
    taking_part = [r for r in cl.rows if not r.skipped]
    count = f"{len(taking_part)} leerling{'en' if len(taking_part) != 1 else ''}"
    if len(cl.blocks()) != len(cl.rows):
        count += ", broertjes en zusjes samen"
    if left_out := len(cl.rows) - len(taking_part):
        count += f"; {left_out} niet in deze ronde"
    return count


def rows_hint(cl: Checklist) -> str:
    """The one line above the pupil rows telling what to write where."""
    hint = ""
    if cl.on_request:
        hint = "Op verzoek van ouders of leerkracht: noteer bij een verzoek de datum en door wie. "
    if not any(appointment_text(r) for r in cl.rows):
        hint += "Nog geen tijden gepland: noteer de afspraak zodra die vastligt."
    return hint.strip()
